"""Categories that hold sections: kb.yml declares them, articles are placed by folder or `section:`, the sidebar
shows the categories, the page's category's sections and its section's articles only, and the generated landing
pages list the articles 50 to a page. A site without sections keeps its navigation as it was."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kb.content.config import load_config
from kb.content.landing import landing_places
from kb.content.site import load_site
from kb.site.languages import switcher_targets
from kb.site.navigation import landing_pages, landing_translations, navigation
from tests.conftest import KB_YML, QUESTIONS_YML, REPO, Site, checkout_env

SECTIONED_KB_YML = """\
articles: articles
questions: questions.yml
default_lang: en
categories:
  - id: account
    title: Account and sign-in
    title_zh: 账户与登录
    sections:
      - id: sign-in
        title: Signing in
        title_zh: 登录
      - id: profile
        title: Your profile
        title_zh: 个人资料
  - id: payments
    title: Payments and refunds
    title_zh: 付款与退款
"""


def _article(title: str, category: str, extra: str = "", lang: str = "en") -> str:
    return f"---\ntitle: {title}\ncategory: {category}\nlang: {lang}\n{extra}---\n\nText about {title}.\n"


def _sectioned_site(root: Path) -> Site:
    s = Site(root)
    s.write("kb.yml", SECTIONED_KB_YML)
    s.write("questions.yml", QUESTIONS_YML)
    for i in range(120):  # a folder-level section, long enough for three listing pages
        s.article(f"account/sign-in/signin-{i:03d}.md", _article(f"Sign-in topic {i:03d}", "account"))
    s.article("account/edit-name.md", _article("Edit your name", "account", "section: profile\n"))
    s.article("account/close-account.md", _article("Close your account", "account"))  # in no section
    s.article("payments/refund.md", _article("Request a refund", "payments"))
    s.article("zh/account/sign-in/zh-login.md", _article("登录问题", "account", lang="zh"))
    s.write("articles/index.md", "# Help\n\n<!-- kb:categories -->\n")
    s.write("articles/zh/index.md", "# 帮助\n\n<!-- kb:categories -->\n")
    s.write(
        "mkdocs.yml",
        "site_name: Help\ndocs_dir: articles\ntheme:\n  name: material\n  features: [navigation.sections]\n"
        "plugins:\n  - search\n  - kb\n",
    )
    return s


@pytest.fixture
def sectioned(tmp_path: Path) -> Site:
    return _sectioned_site(tmp_path)


def test_sections_are_read_from_kb_yml_folders_and_front_matter(sectioned):
    config = load_config(sectioned.config)
    account = config.category("account")
    assert [s.id for s in account.sections] == ["sign-in", "profile"]
    assert account.section("profile").title("zh") == "个人资料"
    content = load_site(config)
    assert content.problems == []
    by_path = {a.path: a for a in content.articles}
    assert by_path["account/sign-in/signin-000.md"].section == "sign-in"  # its folder
    assert by_path["account/edit-name.md"].section == "profile"  # its front matter
    assert by_path["account/close-account.md"].section == ""
    assert by_path["zh/account/sign-in/zh-login.md"].section == "sign-in"  # under the language folder too


def test_an_unknown_section_is_an_error_with_a_suggestion(sectioned, kb):
    sectioned.article("account/typo.md", _article("Typo", "account", "section: profil\n"))
    result = kb("--config", str(sectioned.config), "check")
    assert result.code == 1
    assert re.search(r"account/typo\.md:5: error: unknown section 'profil' in category 'account'", result.err)
    assert "did you mean 'profile'?" in result.err


def test_a_draft_is_given_its_section_and_its_section_errors_like_a_published_article(sectioned, kb):
    draft = "draft: true\n"
    sectioned.article("account/profile/avatar.md", _article("Change your avatar", "account", draft))
    sectioned.article("account/typo.md", _article("Typo", "account", draft + "section: profil\n"))
    result = kb("--config", str(sectioned.config), "check")
    assert result.code == 1
    assert re.search(r"account/typo\.md:6: error: unknown section 'profil' in category 'account'", result.err)
    drafts = {a.path: a for a in load_site(load_config(sectioned.config)).drafts}
    assert drafts["account/profile/avatar.md"].section == "profile"  # its folder, as for a published article


def test_an_article_at_the_address_of_a_generated_landing_page_is_an_error_naming_it(sectioned, kb):
    sectioned.article("account/profile.md", _article("About profiles", "account"))  # account/profile/
    sectioned.article("account.md", _article("About accounts", "account"))  # account/
    sectioned.article("zh/account/sign-in.md", _article("关于登录", "account", lang="zh"))  # zh/account/sign-in/
    sectioned.article("zh/account/profile.md", _article("关于个人资料", "account", lang="zh"))  # no zh profile page
    sectioned.article("account/sign-in.md", _article("A draft", "account", "draft: true\n"))  # checked all the same
    result = kb("check", cwd=sectioned.root)
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if ": error: " in line]
    assert len(errors) == 4, result.err
    assert (
        "articles/account/profile.md:1: error: the address account/profile/ is also that of the landing page kb "
        "generates for section 'profile' of category 'account' (account/profile/index.md), which replaces this "
        "article: its text would appear on no page (rename the file, move it into articles/account/profile/ to put "
        "it in the section, or rename the section)"
    ) in errors
    assert (
        "articles/account.md:1: error: the address account/ is also that of the landing page kb generates for "
        "category 'account' (account/index.md), which replaces this article: its text would appear on no page "
        "(rename the file, or move it into articles/account/)"
    ) in errors
    assert any(
        e.startswith("articles/zh/account/sign-in.md:1:") and "(zh/account/sign-in/index.md)" in e for e in errors
    )
    assert any(e.startswith("articles/account/sign-in.md:1:") and "(account/sign-in/index.md)" in e for e in errors)


def test_an_article_at_the_address_of_a_category_without_sections_is_an_error_in_a_site_with_sections(sectioned, kb):
    sectioned.article("payments.md", _article("About payments", "payments"))
    result = kb("check", cwd=sectioned.root)
    assert result.code == 1
    assert (
        "articles/payments.md:1: error: the address payments/ is also that of the landing page kb generates for "
        "category 'payments' (payments/index.md)"
    ) in result.err


def test_an_article_at_the_address_of_the_sites_own_landing_page_is_an_error_too(sectioned, kb):
    sectioned.write("articles/account/profile/index.md", "# Your profile\n\nOur own landing page.\n")
    sectioned.article("account/profile.md", _article("About profiles", "account"))
    result = kb("check", cwd=sectioned.root)
    assert result.code == 1
    assert (
        "articles/account/profile.md:1: error: the address account/profile/ is also that of "
        "articles/account/profile/index.md: MkDocs publishes only one of the two pages (rename one of the two files)"
    ) in result.err
    assert "generates" not in result.err  # kb keeps the site's own page and generates none there


def test_the_build_fails_on_an_article_a_landing_page_would_replace(tmp_path, kb, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # the build's mkdocs process runs this tree's plugins
    s = Site(tmp_path)
    s.write("kb.yml", SECTIONED_KB_YML)
    s.write("questions.yml", QUESTIONS_YML)
    s.write("mkdocs.yml", "site_name: Help\ndocs_dir: articles\ntheme:\n  name: material\nplugins:\n  - kb\n")
    s.write("articles/index.md", "# Help\n\n<!-- kb:categories -->\n")
    s.article("account/sign-in/code.md", _article("Sign in with a code", "account"))
    s.article("account/sign-in.md", _article("All about signing in", "account"))
    result = kb("build", "--site-dir", str(tmp_path / "site"), cwd=tmp_path)
    assert result.code != 0
    assert "articles/account/sign-in.md:1: error: the address account/sign-in/ is also that of" in result.err
    assert not (tmp_path / "site").exists()


def test_a_bad_sections_declaration_is_reported(tmp_path, kb):
    s = Site(tmp_path)
    s.write("kb.yml", KB_YML.replace("    title_zh: 付款与退款\n", "    title_zh: 付款与退款\n    sections: refunds\n"))
    s.write("questions.yml", QUESTIONS_YML)
    result = kb("--config", str(s.config), "check")
    assert result.code != 0
    assert "'sections' must be a list" in result.out + result.err


BAD_SECTIONS_KB_YML = """\
articles: articles
questions: questions.yml
categories:
  - id: account
    title: Account and sign-in
    sections:
      - id: sign-in
        title: Signing in
      - id: Profile
        title: Your profile
      - id: sign-in
        title: Signing in again
      - security
  - id: payments
    title: Payments and refunds
    sections: refunds
  - title: A category without an id
"""


def test_a_category_declared_twice_is_reported_at_the_second(tmp_path, kb):
    s = Site(tmp_path)
    s.write(
        "kb.yml",
        "articles: articles\nquestions: questions.yml\ncategories:\n  - id: account\n    title: Account\n"
        "  - id: payments\n    title: Payments\n  - id: account\n    title: Sign-in\n",
    )
    s.write("questions.yml", QUESTIONS_YML)
    result = kb("--config", str(s.config), "check")
    assert result.code != 0
    errors = [line for line in result.err.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].split(": error: ")[0].endswith("kb.yml:8"), errors
    assert "category 'account' is declared twice (first declared on line 4;" in errors[0]


def test_each_bad_section_is_reported_at_its_own_line_in_kb_yml(tmp_path, kb):
    s = Site(tmp_path)
    s.write("kb.yml", BAD_SECTIONS_KB_YML)
    s.write("questions.yml", QUESTIONS_YML)
    result = kb("--config", str(s.config), "check")
    assert result.code != 0
    errors = [line for line in result.err.splitlines() if ": error: " in line]
    assert [line.split(": error: ")[0].rsplit(":", 1)[1] for line in errors] == ["9", "11", "13", "16", "17"], errors
    assert "each section needs an 'id' of lowercase letters, got {'id': 'Profile'" in errors[0]
    assert "declares section 'sign-in' twice (first declared on line 7;" in errors[1]
    assert "got 'security'" in errors[2]
    assert "category 'payments': 'sections' must be a list" in errors[3]
    assert "each category needs an 'id'" in errors[4]


def test_navigation_nests_sections_with_their_landing_pages(sectioned):
    config = load_config(sectioned.config)
    content = load_site(config)
    nav = navigation(content.articles, config, {"index.md", "zh/index.md"})
    account = next(item["Account and sign-in"] for item in nav if "Account and sign-in" in item)
    assert account[0] == {"Overview": "account/index.md"}
    signing_in = account[1]["Signing in"]
    assert signing_in[0] == {"Overview": "account/sign-in/index.md"} and len(signing_in) == 121
    assert account[2] == {
        "Your profile": [{"Overview": "account/profile/index.md"}, {"Edit your name": "account/edit-name.md"}]
    }
    assert account[3] == {"Close your account": "account/close-account.md"}
    # a category without sections opens on its landing page too
    assert {
        "Payments and refunds": [{"Overview": "payments/index.md"}, {"Request a refund": "payments/refund.md"}]
    } in nav
    zh = next(item["中文帮助"] for item in nav if "中文帮助" in item)
    assert {
        "账户与登录": [
            {"概览": "zh/account/index.md"},
            {"登录": [{"概览": "zh/account/sign-in/index.md"}, {"登录问题": "zh/account/sign-in/zh-login.md"}]},
        ]
    } in zh


def test_landing_pages_are_paginated_past_fifty(sectioned):
    config = load_config(sectioned.config)
    articles = load_site(config).articles
    pages = {p.path: p for p in landing_pages(articles, config)}
    assert set(pages) == set(landing_places(articles, config))  # where `kb check` looks for them
    assert {"account/sign-in/index.md", "account/sign-in/page/2.md", "account/sign-in/page/3.md"} <= set(pages)
    assert "account/sign-in/page/4.md" not in pages
    first, last = pages["account/sign-in/index.md"].markdown, pages["account/sign-in/page/3.md"].markdown
    assert first.count("signin-") == 50 and last.count("signin-") == 20
    assert 'href="../../account/sign-in/page/2/"' in first and 'rel="next"' in first
    assert 'rel="prev" href="../../../../account/sign-in/page/2/"' in last
    category = pages["account/index.md"].markdown
    assert "All 120 articles" in category and "Close your account" in category and category.count("signin-") == 5


def test_a_section_of_one_article_links_to_it_in_the_singular(sectioned):
    config = load_config(sectioned.config)
    pages = {p.path: p.markdown for p in landing_pages(load_site(config).articles, config)}
    assert ">1 article</a>" in pages["account/index.md"] and "All 1 articles" not in pages["account/index.md"]
    assert ">1 篇文章</a>" in pages["zh/account/index.md"] and "全部 1 篇文章" not in pages["zh/account/index.md"]


def test_in_a_site_with_sections_a_category_without_sections_has_a_paginated_landing_page(sectioned):
    for i in range(4):
        sectioned.article(f"payments/topic-{i}.md", _article(f"Payment topic {i}", "payments"))
    config = load_config(sectioned.config)
    articles = load_site(config).articles
    landings = landing_pages(articles, config, page_size=3)
    # where `kb check` looks for them, each the same page of the same listing
    assert {p.path: p.place for p in landings} == landing_places(articles, config, page_size=3)
    pages = {p.path: p.markdown for p in landings}
    first, second = pages["payments/index.md"], pages["payments/page/2.md"]
    assert first.count("<li><a ") == 3 and second.count("<li><a ") == 2
    assert 'href="../../../payments/refund/">Request a refund' in second
    assert 'rel="prev" href="../../../payments/"' in second
    assert "payments/page/3.md" not in pages and "zh/payments/index.md" not in pages  # no Chinese articles


def test_landing_pages_declare_their_title_and_language(sectioned):
    config = load_config(sectioned.config)
    pages = {p.path: p.markdown for p in landing_pages(load_site(config).articles, config)}
    assert pages["zh/account/sign-in/index.md"].startswith("---\ntitle: 登录\nlang: zh\n---\n\n# 登录\n")
    assert pages["account/sign-in/page/2.md"].startswith("---\ntitle: Signing in (2/3)\nlang: en\n---\n")


def test_a_landing_pages_switcher_targets_are_the_same_listing_in_each_language(sectioned):
    config = load_config(sectioned.config)
    articles = load_site(config).articles
    landings = landing_translations(landing_pages(articles, config))
    by_path = {a.path: a for a in articles}

    def targets(path: str, url: str) -> dict[str, str]:
        return switcher_targets(path, url, by_path, {}, ["en", "zh"], config, landings)

    assert targets("zh/account/index.md", "zh/account/") == {"en": "account/", "zh": "zh/account/"}
    # the Chinese sign-in listing has one page: its first
    assert targets("account/sign-in/page/2.md", "account/sign-in/page/2/")["zh"] == "zh/account/sign-in/"
    # no Chinese profile section, no Chinese payments: the Chinese home
    assert targets("account/profile/index.md", "account/profile/")["zh"] == "zh/"
    assert targets("payments/index.md", "payments/")["zh"] == "zh/"
    assert targets("index.md", "")["zh"] == "zh/"


def _nav(page: str) -> str:
    return re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', page, re.S).group(0)


def test_built_sidebar_shows_only_the_open_branch(sectioned):
    out = sectioned.root / "site"
    result = subprocess.run(
        [sys.executable, "-m", "kb", "build", "--site-dir", str(out)],
        cwd=sectioned.root,
        capture_output=True,
        text=True,
        env=checkout_env(),
    )
    assert result.returncode == 0, result.stderr
    profile_page = (out / "account/edit-name/index.html").read_text(encoding="utf-8")
    nav = _nav(profile_page)
    # the categories, the page's category's sections, the page's section's articles; not the other section's
    assert "Payments and refunds" in nav and "Signing in" in nav and "Your profile" in nav
    assert "Edit your name" in nav and "Sign-in topic" not in nav
    assert "Request a refund" not in nav  # another category is collapsed into a link
    signin_page = (out / "account/sign-in/signin-007/index.html").read_text(encoding="utf-8")
    assert _nav(signin_page).count("Sign-in topic") == 120 and "Edit your name" not in _nav(signin_page)
    listing = (out / "account/sign-in/page/2/index.html").read_text(encoding="utf-8")
    assert listing.count('href="../../../../account/sign-in/signin-') == 50
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Signing in (120)" in home and "Sign-in topic 000" not in home  # the home lists sections, not 120 links
    zh = (out / "zh/account/index.html").read_text(encoding="utf-8")
    assert "登录问题" in zh and "Sign-in topic" not in zh


def _section_nav(page: str, title: str) -> str:
    """The part of a page's sidebar that lists a section's pages (Material's nested nav labelled by its title)."""
    label = re.search(rf'id="(__nav_[0-9_]+_label)"[^>]*>\s*<span class="md-ellipsis">\s*{title}\s*</span>', page)
    assert label, f"no section '{title}' in the sidebar"
    return re.search(rf'aria-labelledby="{label.group(1)}".*?</nav>', page, re.S).group(0)


def test_kb_serve_previews_a_draft_in_its_section_which_a_build_leaves_out(tmp_path, kb, monkeypatch):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config as load_mkdocs_config

    s = Site(tmp_path)
    s.write("kb.yml", SECTIONED_KB_YML)
    s.write("questions.yml", QUESTIONS_YML)
    s.write(
        "mkdocs.yml", "site_name: Help\ndocs_dir: articles\ntheme:\n  name: material\nplugins:\n  - search\n  - kb\n"
    )
    s.write("articles/index.md", "# Help\n\n<!-- kb:categories -->\n")
    s.article("account/sign-in/code.md", _article("Sign in with a code", "account"))
    s.article("account/close-account.md", _article("Close your account", "account"))
    # the only article of its section, placed there by its folder
    s.article("account/profile/avatar.md", _article("Change your avatar", "account", "draft: true\n"))
    monkeypatch.chdir(tmp_path)
    config = load_mkdocs_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "preview"))
    config.plugins.on_startup(command="serve", dirty=False)  # as `kb serve` does
    try:
        build(config, serve_url="http://127.0.0.1:8000/")
    finally:
        config.plugins.on_shutdown()
    preview = tmp_path / "preview"
    page = (preview / "account/profile/avatar/index.html").read_text(encoding="utf-8")
    section = _section_nav(page, "Your profile")
    assert "Change your avatar" in section and 'href="../"' in section  # the section's own landing page
    assert "Close your account" not in section
    assert "Change your avatar" in (preview / "account/profile/index.html").read_text(encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # the build's mkdocs process runs this tree's plugins
    built = kb("build", "--site-dir", str(tmp_path / "site"), cwd=tmp_path)
    assert built.code == 0, built.err
    assert not (tmp_path / "site/account/profile").exists()  # no page, no landing page for the draft's section
    assert "Change your avatar" not in (tmp_path / "site/account/index.html").read_text(encoding="utf-8")


@dataclass
class Built:
    out: Path  # the site
    log: str  # what `kb build` printed (MkDocs' messages)

    def page(self, url: str) -> str:
        return (self.out / url / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    """`sectioned` with two listing pages of Chinese sign-in articles, a Chinese profile section of one article, a
    category without sections long enough for two listing pages and a page of the site's own outside the navigation,
    built by `kb build`."""
    s = _sectioned_site(tmp_path_factory.mktemp("built"))
    for i in range(60):
        s.article(f"zh/account/sign-in/zh-topic-{i:02d}.md", _article(f"登录话题 {i:02d}", "account", lang="zh"))
    s.article("zh/account/zh-edit-name.md", _article("修改姓名", "account", "section: profile\n", lang="zh"))
    for i in range(55):
        s.article(f"payments/payment-{i:02d}.md", _article(f"Payment topic {i:02d}", "payments"))
    s.write("articles/contact/index.md", "# Contact us\n")
    out = s.root / "site"
    command = [sys.executable, "-m", "kb", "build", "--site-dir", str(out)]
    result = subprocess.run(command, cwd=s.root, capture_output=True, text=True, env=checkout_env())
    assert result.returncode == 0, result.stderr
    return Built(out, result.stderr)


def _absolute(url: str, href: str) -> str:
    """A link's address from the site root ("" the home, "account/" a folder), as the page at `url` has it."""
    path = posixpath.normpath(posixpath.join("/" + url, href)).strip("/")
    return path + "/" if path else ""


def _sidebar(built: Built, url: str) -> list[tuple[str, str]]:
    """The page's sidebar links: (address from the site root, label)."""
    links = re.findall(r'<a href="([^"]*)"[^>]*>\s*(?:<span[^>]*>)?\s*([^<]*)', _nav(built.page(url)))
    return [(_absolute(url, href), label.strip()) for href, label in links]


def _switcher(built: Built, url: str) -> dict[str, str]:
    """Where the language switcher leads from the page: {language: address from the site root}."""
    found = re.findall(r'<a href="([^"]*)" hreflang="([^"]*)"', built.page(url))
    return {lang: _absolute(url, href) for href, lang in found}


def test_a_landing_page_in_a_language_folder_speaks_that_language(built):
    for url in ("zh/account/", "zh/account/sign-in/", "zh/account/sign-in/page/2/"):
        page = built.page(url)
        assert '<html lang="zh"' in page and 'placeholder="搜索"' in page, url
    for url in ("account/", "account/sign-in/page/2/"):
        page = built.page(url)
        assert '<html lang="en"' in page and 'placeholder="Search"' in page, url


def test_a_landing_page_is_titled_by_its_category_or_section(built):
    assert "<title>Account and sign-in - Help</title>" in built.page("account/")
    assert "<title>Signing in - Help</title>" in built.page("account/sign-in/")
    assert "<title>登录 - Help</title>" in built.page("zh/account/sign-in/")
    assert "<title>Payments and refunds - Help</title>" in built.page("payments/")
    assert "<title>Signing in (2/3) - Help</title>" in built.page("account/sign-in/page/2/")
    # its entry in the sidebar keeps its label
    assert ("account/sign-in/", "Overview") in _sidebar(built, "account/sign-in/")
    assert ("zh/account/sign-in/", "概览") in _sidebar(built, "zh/account/sign-in/")
    docs = json.loads((built.out / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    titles = {d["location"]: d["title"] for d in docs}
    assert titles["account/"] == "Account and sign-in" and titles["account/sign-in/"] == "Signing in"
    assert titles["account/sign-in/page/2/"] == "Signing in (2/3)" and titles["payments/"] == "Payments and refunds"


def test_a_listings_further_pages_open_the_sidebar_as_its_first_page_does(built):
    for first, further in [
        ("account/sign-in/", "account/sign-in/page/3/"),
        ("zh/account/sign-in/", "zh/account/sign-in/page/2/"),
        ("payments/", "payments/page/2/"),
    ]:
        assert _sidebar(built, further) == _sidebar(built, first), further
    sidebar = _sidebar(built, "account/sign-in/page/2/")
    assert ("account/profile/", "Your profile") in sidebar  # the category's sections
    assert sum(label.startswith("Sign-in topic") for _, label in sidebar) == 120  # the section's articles


def test_only_the_sites_own_pages_outside_the_navigation_are_reported(built):
    reported = built.log.split('not included in the "nav" configuration:', 1)[1]
    assert re.findall(r"^  - (\S+)$", reported, re.M) == ["contact/index.md"]


def test_the_language_switcher_leads_to_the_same_landing_page_in_the_other_language(built):
    assert _switcher(built, "account/sign-in/") == {"en": "account/sign-in/", "zh": "zh/account/sign-in/"}
    assert _switcher(built, "zh/account/")["en"] == "account/"
    assert _switcher(built, "account/profile/")["zh"] == "zh/account/profile/"
    assert _switcher(built, "zh/account/sign-in/page/2/")["en"] == "account/sign-in/page/2/"
    # a page the other language's listing does not run to: that listing's first page
    assert _switcher(built, "account/sign-in/page/3/")["zh"] == "zh/account/sign-in/"
    # no Chinese payments articles: the Chinese home, as from any page without a counterpart
    assert _switcher(built, "payments/")["zh"] == "zh/"


def test_a_category_without_sections_opens_on_its_landing_page(built):
    sidebar = _sidebar(built, "payments/refund/")
    at = sidebar.index(("payments/", "Overview"))
    assert sidebar[at + 1] == ("payments/payment-00/", "Payment topic 00")
    assert ("payments/", "Payments and refunds") not in sidebar
    assert ("payments/", "Payments and refunds") in _sidebar(built, "account/sign-in/")  # collapsed, leads there
    listing = built.page("payments/")
    assert listing.count('href="../payments/payment-') == 50 and 'href="../payments/page/2/"' in listing
    assert 'href="../../../payments/refund/"' in built.page("payments/page/2/")


def test_a_site_without_sections_has_the_navigation_it_had(site):
    config = load_config(site.config)
    content = load_site(config)
    assert navigation(content.articles, config, {"index.md"}) == [
        {"Home": "index.md"},
        {"Account and sign-in": [{"Reset your password": "account/reset-password.md"}]},
    ]
    assert landing_pages(content.articles, config) == []
