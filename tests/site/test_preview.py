"""The live preview (`kb serve` runs `mkdocs serve --dirty`): a save re-renders the edited page and the pages
whose navigation, listings or related articles it changes, and nothing else; after any edits the preview is the
site a full `kb build` makes."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.conftest import checkout_env
from tests.site.test_sections import _article, _nav
from tests.site.test_sections import sectioned as sectioned  # noqa: F401  (the fixture)


def _dirty_build(site, out: Path) -> None:
    """One rebuild as `mkdocs serve --dirty` makes it: the configuration read again, the plugins kept."""
    config = load_config(str(site.root / "mkdocs.yml"), site_dir=str(out))
    build(config, dirty=True)


def _stamps(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("index.html")}


def _rewritten(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, stamp in after.items() if before.get(path) != stamp}


def _serve(config, request) -> None:
    """`mkdocs serve`'s start; at the test's end, whatever the outcome, its later work ends before it stops (the
    plugin instance outlives the test: no work of its may run into another test)."""
    config.plugins.on_startup(command="serve", dirty=True)

    def stop() -> None:
        config.plugins["kb"].later.wait(60)
        config.plugins.on_shutdown()

    request.addfinalizer(stop)


@pytest.fixture
def preview(sectioned, tmp_path, request):  # noqa: F811
    config = load_config(str(sectioned.root / "mkdocs.yml"), site_dir=str(tmp_path / "preview"))
    _serve(config, request)
    build(config, dirty=True)
    return tmp_path / "preview"


def _edit(path: Path, text: str) -> None:
    time.sleep(0.01)  # a newer modification time than the pages built from it
    path.write_text(text, encoding="utf-8")


def test_a_new_article_appears_in_its_listings_and_sidebars_and_nothing_else_is_rendered(sectioned, preview):
    before = _stamps(preview)
    _edit(
        sectioned.root / "articles/account/profile-photo.md",
        _article("Change your photo", "account", "section: profile\n"),
    )
    _dirty_build(sectioned, preview)
    after = _stamps(preview)
    rewritten = _rewritten(before, after)
    assert "account/profile-photo/index.html" in rewritten
    assert "Change your photo" in (preview / "account/profile/index.html").read_text(encoding="utf-8")  # listing
    assert "Change your photo" in _nav((preview / "account/edit-name/index.html").read_text(encoding="utf-8"))
    assert "Change your photo" in (preview / "account/index.html").read_text(encoding="utf-8")  # category page
    # the other section's 120 pages do not show the profile section's articles: not rendered again
    assert not any(path.startswith("account/sign-in/signin-") for path in rewritten), [
        p for p in sorted(rewritten) if "signin-" in p
    ]
    assert "payments/refund/index.html" not in rewritten
    assert len(rewritten) < 15, sorted(rewritten)


def test_a_changed_title_shows_in_the_navigation(sectioned, preview):
    before = _stamps(preview)
    page = sectioned.root / "articles/account/sign-in/signin-005.md"
    _edit(page, _article("Two-step sign-in codes", "account"))
    _dirty_build(sectioned, preview)
    rewritten = _rewritten(before, _stamps(preview))
    sibling = (preview / "account/sign-in/signin-100/index.html").read_text(encoding="utf-8")
    assert "Two-step sign-in codes" in _nav(sibling) and "Sign-in topic 005" not in _nav(sibling)
    assert "account/sign-in/signin-100/index.html" in rewritten  # same section: its sidebar changed
    assert "account/edit-name/index.html" not in rewritten  # another section's sidebar shows no sign-in titles
    assert "Two-step sign-in codes" in (preview / "account/sign-in/index.html").read_text(encoding="utf-8")


def test_a_listings_further_pages_follow_the_sidebar_of_its_first_page(sectioned, preview):
    before = _stamps(preview)
    _edit(sectioned.root / "articles/account/close-account.md", _article("Close or pause your account", "account"))
    _dirty_build(sectioned, preview)
    rewritten = _rewritten(before, _stamps(preview))
    # the sign-in listing's text is as it was; its sidebar shows the category's articles in no section
    assert {"account/sign-in/page/2/index.html", "account/sign-in/page/3/index.html"} <= rewritten
    further = _nav((preview / "account/sign-in/page/2/index.html").read_text(encoding="utf-8"))
    assert "Close or pause your account" in further and "Sign-in topic 119" in further


def test_an_edit_inside_an_article_renders_that_page_only(sectioned, preview):
    before = _stamps(preview)
    page = sectioned.root / "articles/payments/refund.md"
    _edit(page, page.read_text(encoding="utf-8") + "\nRefunds take five days.\n")
    _dirty_build(sectioned, preview)
    rewritten = _rewritten(before, _stamps(preview))
    assert rewritten == {"payments/refund/index.html"}
    assert "Refunds take five days." in (preview / "payments/refund/index.html").read_text(encoding="utf-8")


def _site_files(out: Path) -> dict[str, str]:
    found = {}
    for path in sorted(out.rglob("*")):
        relative = str(path.relative_to(out))
        if path.is_file() and path.suffix in (".html", ".xml") or relative.endswith(".json"):
            found[relative] = path.read_text(encoding="utf-8")
    return found


def _related_links(page: str) -> str:
    return page.split('class="kb-related"', 1)[1].split("</ul>", 1)[0] if 'class="kb-related"' in page else ""


def _full_build(root: Path, out: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kb", "build", "--site-dir", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
        env=checkout_env(),
    )
    assert result.returncode == 0, result.stderr


def test_after_incremental_edits_the_preview_is_the_site_a_full_build_makes(sectioned, preview, tmp_path):
    edits = [
        ("articles/account/profile-photo.md", _article("Change your photo", "account", "section: profile\n")),
        ("articles/account/sign-in/signin-005.md", _article("Two-step sign-in codes", "account")),
        ("articles/account/close-account.md", _article("Close or pause your account", "account")),
        ("articles/payments/refund.md", _article("Request a refund", "payments") + "\nRefunds take five days.\n"),
        ("articles/account/sign-in/signin-200.md", _article("Sign-in topic 200", "account")),  # a third page
        # a new article sharing words with another: the other's related articles change
        ("articles/account/pause-account.md", _article("Pause your account for a while", "account")),
        # the same size as before: read again all the same (kept articles are keyed on more than the size)
        ("articles/account/sign-in/signin-050.md", _article("Sign-in topic 150", "account")),
    ]
    for relpath, text in edits:
        _edit(sectioned.root / relpath, text)
        _dirty_build(sectioned, preview)
    close = (preview / "account/close-account/index.html").read_text(encoding="utf-8")
    assert "pause-account/" in _related_links(close)
    assert "Sign-in topic 150" in _nav((preview / "account/sign-in/signin-051/index.html").read_text(encoding="utf-8"))
    full = tmp_path / "full"
    _full_build(sectioned.root, full)
    built, previewed = _site_files(full), _site_files(preview)
    assert set(built) == set(previewed)
    for name in built:
        if name.endswith("search_index.json"):  # the same entries; a dirty build appends the pages it rendered
            mine, theirs = json.loads(previewed[name])["docs"], json.loads(built[name])["docs"]
            assert sorted(e["location"] for e in mine) == sorted(e["location"] for e in theirs)
            key = lambda e: json.dumps(e, sort_keys=True)  # noqa: E731
            assert sorted(mine, key=key) == sorted(theirs, key=key)
        elif name.endswith(".json"):
            continue  # the manifest: the same articles (checked by the pages)
        else:
            assert previewed[name] == built[name], name


def test_an_article_deleted_or_moved_leaves_no_page_behind_in_the_preview(sectioned, preview, tmp_path):
    """A dirty build writes over the previous output: what no source makes any more is removed from it, so the preview
    holds the files a full build makes and the old addresses answer 404."""
    root = sectioned.root / "articles"
    (root / "account/close-account.md").unlink()
    _dirty_build(sectioned, preview)
    assert not (preview / "account/close-account").exists()
    (root / "account/profile").mkdir()
    (root / "account/sign-in/signin-007.md").rename(root / "account/profile/signin-007.md")  # into another section
    for i in range(100, 120):  # 99 articles left in the section: its listing's third page goes
        (root / f"account/sign-in/signin-{i:03d}.md").unlink()
    _edit(root / "zh/account/extra.md", _article("暂停账户", "account", lang="zh"))
    _dirty_build(sectioned, preview)
    assert (preview / "zh/account/extra/index.html").is_file()
    (root / "zh/account/extra.md").unlink()
    _dirty_build(sectioned, preview)
    for gone in (
        "account/sign-in/signin-007",
        "account/sign-in/signin-110",
        "account/sign-in/page/3",
        "zh/account/extra",
    ):
        assert not (preview / gone).exists(), gone
    assert (preview / "account/profile/signin-007/index.html").is_file()
    assert (preview / "account/sign-in/page/2/index.html").is_file()
    full = tmp_path / "full"
    _full_build(sectioned.root, full)
    assert set(_site_files(preview)) == set(_site_files(full))


def _endpoint_data(site: Path) -> tuple:
    from kb.search.suggest import MANIFEST, SNAPSHOT, load_stats

    stats = load_stats(site / SNAPSHOT)
    fields = {
        name: [getattr(f, part).tolist() for part in ("terms", "docs", "freqs", "lengths")]
        for name, f in stats.fields.items()
    }
    return (site / MANIFEST).read_text(encoding="utf-8"), stats.ids, stats.vocabulary, fields


def test_the_endpoint_data_the_preview_writes_after_its_rebuilds_is_a_full_builds(sectioned, preview, tmp_path):
    later = load_config(str(sectioned.root / "mkdocs.yml"), site_dir=str(preview)).plugins["kb"].later
    assert not later.pending("endpoint data")  # the first build writes the manifest and snapshot itself
    first = _endpoint_data(preview)
    edits = [
        ("articles/account/profile-photo.md", _article("Change your photo", "account", "section: profile\n")),
        ("articles/account/sign-in/signin-005.md", _article("Two-step sign-in codes", "account")),
        ("articles/payments/refund.md", _article("Request a refund", "payments") + "\nRefunds take five days.\n"),
    ]
    for relpath, text in edits:
        _edit(sectioned.root / relpath, text)
        _dirty_build(sectioned, preview)
    assert later.wait(60)
    full = tmp_path / "full"
    _full_build(sectioned.root, full)
    previewed = _endpoint_data(preview)
    assert previewed != first and '"title": "Change your photo"' in previewed[0]
    assert previewed == _endpoint_data(full)


def test_kb_serve_runs_the_dirty_preview(kb, monkeypatch):
    from kb.cli import site as cli_site
    from tests.conftest import REPO

    ran = []

    class Started:
        def __init__(self, command, env, preexec_fn):
            ran.append(command)

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(cli_site.subprocess, "Popen", Started)
    assert kb("serve", "--no-feedback", cwd=REPO).code == 0
    assert ran and ran[0][2:5] == ["mkdocs", "serve", "--dirty"]


def test_with_pagefind_the_preview_writes_the_search_index_after_the_rebuild_as_a_full_build_does(
    sectioned, tmp_path, request
):
    sectioned.write("kb.yml", sectioned.config.read_text(encoding="utf-8") + "search:\n  engine: pagefind\n")
    out = tmp_path / "preview"
    config = load_config(str(sectioned.root / "mkdocs.yml"), site_dir=str(out))
    _serve(config, request)
    build(config, dirty=True)
    later = config.plugins["kb"].later
    assert not later.pending("search index")  # the first build writes it itself
    assert (out / "pagefind/pagefind-entry.json").is_file()
    _edit(sectioned.root / "articles/account/profile-photo.md", _article("Change your photo", "account"))
    _dirty_build(sectioned, out)
    assert later.wait(120)
    full = tmp_path / "full"
    _full_build(sectioned.root, full)

    def bundle(site: Path) -> dict[str, object]:
        files = {str(p.relative_to(site)): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}
        entry = "pagefind/pagefind-entry.json"  # its languages in no particular order
        return {**files, entry: json.loads(files[entry])}

    entry = json.loads((out / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == 124  # the new article's page is indexed
    assert bundle(out) == bundle(full)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no half-written bundle left behind
    # Material's search reads no article page with Pagefind answering: its index is served empty all the same
    built, previewed = _site_files(full), _site_files(out)
    assert json.loads(previewed["search/search_index.json"])["docs"] == []
    entries = config.plugins["material/search"].search_index.entries  # what the preview's next rebuild writes again
    assert not [e for e in entries if "/signin-" in e["location"] or "profile-photo" in e["location"]]
    assert {n: t for n, t in previewed.items() if "pagefind" not in n} == {
        n: t for n, t in built.items() if "pagefind" not in n
    }


def test_what_the_preview_keeps_of_the_listings_follows_every_article_field_but_its_text():
    import dataclasses

    from kb.model import Article
    from kb.site.navigation import listing_fields

    article = Article(id="a", path="x/a.md", title="A", lang="en", body="Text.", headings=("One",))
    changes = {"body": "Other.", "headings": ("Two",), "line_of": {"title": 3}}
    for item in dataclasses.fields(Article):
        changed = dataclasses.replace(article, **{item.name: changes.get(item.name, "changed")})
        kept = listing_fields(changed) == listing_fields(article)
        assert kept == (item.name in changes), item.name  # a new field shows in the listings' key by default


def test_the_manifest_is_written_as_indented_json_would_be():
    from kb.model import Article
    from kb.site.manifest import _manifest_text, manifest

    articles = [
        Article(id="a", path="a.md", title='Quotes " and \\ back', lang="en", summary="Line\nbreak\u2028"),
        Article(id="中文", path="zh/x.md", title="标题\t", lang="zh", category="account", summary=""),
    ]
    for synonyms in ((), (("cash", "money"),)):
        for chosen in (articles, articles[:1], []):
            data = manifest(chosen, synonyms)
            assert _manifest_text(data) == json.dumps(data, ensure_ascii=False, indent=1)


def test_a_section_renamed_in_kb_yml_shows_in_the_sidebars_and_landing_pages(sectioned, preview):
    kb_yml = sectioned.root / "kb.yml"
    _edit(kb_yml, kb_yml.read_text(encoding="utf-8").replace("title: Signing in", "title: Logging on"))
    _dirty_build(sectioned, preview)
    page = (preview / "account/sign-in/signin-100/index.html").read_text(encoding="utf-8")
    assert "Logging on" in _nav(page) and "Signing in" not in _nav(page)
    assert "Logging on" in (preview / "account/index.html").read_text(encoding="utf-8")


def test_a_section_dropped_from_kb_yml_and_declared_again_follows_in_the_sidebars(sectioned, preview):
    kb_yml = sectioned.root / "kb.yml"
    declared = kb_yml.read_text(encoding="utf-8")
    _edit(kb_yml, declared.replace("      - id: sign-in\n        title: Signing in\n        title_zh: 登录\n", ""))
    _dirty_build(sectioned, preview)
    page = (preview / "account/sign-in/signin-100/index.html").read_text(encoding="utf-8")
    assert "Signing in" not in _nav(page) and "Sign-in topic 100" in _nav(page)  # in no section now
    assert "Edit your name" not in _nav(page)  # the profile section stays closed
    _edit(kb_yml, declared)  # the folder's articles are in the section again, as they were before
    _dirty_build(sectioned, preview)
    page = (preview / "account/sign-in/signin-100/index.html").read_text(encoding="utf-8")
    assert "Signing in" in _nav(page) and "Sign-in topic 100" in _nav(page)
    assert "Sign-in topic 100" in (preview / "account/sign-in/page/3/index.html").read_text(encoding="utf-8")


def test_a_listing_template_edited_in_the_theme_overrides_shows_in_every_landing_page(sectioned, tmp_path, request):
    from kb.templates import SHIPPED

    shipped = (SHIPPED / "kb/listing.html").read_text(encoding="utf-8")
    sectioned.write(
        "overrides/kb/listing.html", shipped.replace('<div class="kb-listing">', '<div class="kb-listing v1">')
    )
    mkdocs_yml = sectioned.root / "mkdocs.yml"
    mkdocs_yml.write_text(
        mkdocs_yml.read_text(encoding="utf-8").replace(
            "  name: material\n", "  name: material\n  custom_dir: overrides\n"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "preview"
    config = load_config(str(mkdocs_yml), site_dir=str(out))
    _serve(config, request)
    build(config, dirty=True)
    assert 'class="kb-listing v1"' in (out / "account/sign-in/index.html").read_text(encoding="utf-8")
    _edit(
        sectioned.root / "overrides/kb/listing.html",
        shipped.replace('<div class="kb-listing">', '<div class="kb-listing v2">'),
    )
    _dirty_build(sectioned, out)
    for page in ("account/index.html", "account/sign-in/index.html", "account/sign-in/page/3/index.html"):
        text = (out / page).read_text(encoding="utf-8")
        assert 'class="kb-listing v2"' in text and "kb-listing v1" not in text, page


def test_the_preview_reads_the_articles_from_the_listing_that_told_it_something_changed(tmp_path):
    import os

    from kb.content.articles import ArticleRules, _markdown_entries, load_articles
    from kb.site.session import folder_stamps

    folder = tmp_path / "articles"
    for relpath in ("a.md", "c/b.md", "c/index.md", "c/notes.txt", "_partials/x.md", ".hidden/y.md", "c/_z.md"):
        (folder / relpath).parent.mkdir(parents=True, exist_ok=True)
        (folder / relpath).write_text(_article(relpath, "account"), encoding="utf-8")
    os.symlink(folder / "gone.md", folder / "c/broken.md")  # listed, and cannot be read
    found: dict = {}
    folder_stamps(folder, found)
    assert _markdown_entries(folder, found) == _markdown_entries(folder)
    assert [e[0] for e in _markdown_entries(folder)] == ["a.md", "c/b.md", "c/broken.md", "c/index.md"]
    rules = ArticleRules()
    walked = load_articles(folder, rules, "articles", [], {})
    assert load_articles(folder, rules, "articles", [], {}, found) == walked
    assert any("broken.md" in p.path for p in walked[1])


class _Node:
    pass


def _cycle() -> weakref.ref:
    """Two objects that refer to each other and to nothing else: only the garbage collector frees them."""
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    return weakref.ref(first)


def test_the_preview_collects_its_garbage_after_a_rebuild_unless_the_next_one_has_started():
    from plugins.kb_site.preview import settle_memory

    collecting = gc.isenabled()
    gc.disable()  # no collection but the ones asked for here
    try:
        kept = _cycle()
        gc.freeze()  # set apart by an earlier settling, then dropped: a page of the last build and its navigation
        assert kept() is not None
        assert not settle_memory(lambda: True, pause=0)  # a rebuild has started: it is not slowed down
        assert kept() is not None and gc.get_freeze_count() > 0
        assert settle_memory(lambda: False, pause=0)
        assert kept() is None  # freed, though it was set apart
        assert gc.get_freeze_count() > 0  # what is alive is set apart again
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()


def test_the_preview_settles_its_memory_after_each_build_as_its_last_later_work(sectioned, preview):
    config = load_config(str(sectioned.root / "mkdocs.yml"), site_dir=str(preview))
    later = config.plugins["kb"].later
    try:
        _edit(sectioned.root / "articles/payments/refund.md", _article("Request a refund", "payments") + "\nMore.\n")
        _dirty_build(sectioned, preview)
        assert later.pending("memory") and not config.plugins["kb"].building
        assert later.wait(60)
        assert later.finished["memory"] >= later.finished["endpoint data"]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_later_work_says_what_is_pending_and_when_each_piece_ended():
    from plugins.kb_site.search import Later

    later, release = Later(), threading.Event()
    later.request("slow", lambda: release.wait(10))
    later.request("next", lambda: None)
    assert later.pending("slow") and later.pending("next") and not later.pending("other")
    release.set()
    assert later.wait(10)
    assert not later.pending("slow") and not later.pending("next")
    assert later.finished["next"] >= later.finished["slow"] and not later.failed

    def broken() -> None:
        raise OSError("disk full")

    later.request("next", broken)
    assert later.wait(10) and later.failed == {"next"}  # ended, and said to have failed
    later.request("next", lambda: None)
    assert later.wait(10) and not later.failed


def test_the_preview_reuses_canonical_addresses_mkdocs_would_work_out_again(tmp_path):
    """`remember_canonical_urls`: the same addresses as MkDocs' own computation, for any site address and page."""
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    from plugins.kb_site.preview import remember_canonical_urls

    def page(src: str) -> Page:
        config = {"site_url": None, "use_directory_urls": True, "docs_dir": str(tmp_path), "site_dir": str(tmp_path)}
        return Page(None, File(src, str(tmp_path), str(tmp_path), True), config)

    bases = ["http://127.0.0.1:8000/", "https://help.example/docs", "https://help.example/docs/", None, ""]
    sources = ["index.md", "account/reset.md", "zh/账户/重置.md", "a b/c d.md", "account/index.md"]
    expected = {}
    for base in bases:
        for src in sources:
            p = page(src)
            p._set_canonical_url(base)
            expected[base, src] = (p.canonical_url, p.abs_url)
    assert remember_canonical_urls() and remember_canonical_urls()  # in place, once
    for _ in range(2):  # worked out, then reused
        for base in bases:
            for src in sources:
                p = page(src)
                p._set_canonical_url(base)
                assert (p.canonical_url, p.abs_url) == expected[base, src], (base, src)
    assert page("account/reset.md").url == "account/reset/"


def test_the_sitemap_is_written_again_only_when_a_page_or_its_address_changes(sectioned, preview, tmp_path):
    mkdocs_yml = sectioned.root / "mkdocs.yml"  # with an address, the sitemap lists the pages
    mkdocs_yml.write_text(
        "site_url: https://help.example/\n" + mkdocs_yml.read_text(encoding="utf-8"), encoding="utf-8"
    )
    _dirty_build(sectioned, preview)
    sitemap = preview / "sitemap.xml"
    assert "https://help.example/payments/refund/" in sitemap.read_text(encoding="utf-8")
    written = sitemap.stat().st_mtime_ns
    page = sectioned.root / "articles/payments/refund.md"
    _edit(page, page.read_text(encoding="utf-8") + "\nRefunds take five days.\n")
    config = load_config(str(mkdocs_yml), site_dir=str(preview))
    build(config, dirty=True)
    assert sitemap.stat().st_mtime_ns == written  # the same pages at the same addresses
    assert "sitemap.xml" in config.theme.static_templates  # a build made again with this configuration writes it
    _edit(sectioned.root / "articles/account/pause-account.md", _article("Pause your account", "account"))
    _dirty_build(sectioned, preview)
    assert "https://help.example/account/pause-account/" in sitemap.read_text(encoding="utf-8")
    sitemap.unlink()  # gone from the preview's folder: written again though nothing changed
    _dirty_build(sectioned, preview)
    full = tmp_path / "full"
    _full_build(sectioned.root, full)
    assert sitemap.read_text(encoding="utf-8") == (full / "sitemap.xml").read_text(encoding="utf-8")


def test_the_theme_files_the_preview_keeps_are_the_ones_mkdocs_lists(sectioned, tmp_path):
    """`remember_theme_files`: the theme's assets as MkDocs' own listing adds them, a file of the docs folder in
    place of the theme's of the same path (and the theme's again once it is gone), and a file added to the site's
    theme folder found on the next build."""
    from mkdocs.structure.files import Files, get_files

    from plugins.kb_site.preview import remember_theme_files

    overrides = sectioned.root / "overrides"
    (overrides / "assets").mkdir(parents=True)
    (overrides / "assets" / "first.css").write_text("a {}", encoding="utf-8")
    mkdocs_yml = sectioned.root / "mkdocs.yml"
    mkdocs_yml.write_text(
        mkdocs_yml.read_text(encoding="utf-8").replace(
            "  name: material\n", "  name: material\n  custom_dir: overrides\n"
        ),
        encoding="utf-8",
    )
    palette = next(
        str(p.relative_to(folder))
        for folder in map(Path, load_config(str(mkdocs_yml)).theme.dirs)
        for p in (folder / "assets" / "stylesheets").glob("palette.*.min.css")
    )
    own = sectioned.root / "articles" / palette  # the site's own file at the theme's path
    own.parent.mkdir(parents=True)
    own.write_text("/* the site's own */", encoding="utf-8")
    original = Files.add_files_from_theme

    def listed(add) -> dict[str, str]:  # noqa: ANN001
        config = load_config(str(mkdocs_yml), site_dir=str(tmp_path / "out"))
        assert config.theme.custom_dir
        files = get_files(config)
        add(files, config.theme.get_env(), config)
        return {f.src_uri: f.abs_src_path for f in files if not f.is_documentation_page()}

    def stamp(folder: str) -> tuple:
        return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in Path(folder).rglob("*")))

    expected = listed(original)
    assert expected[palette] == str(own) and "assets/first.css" in expected
    try:
        assert remember_theme_files(stamp)
        assert listed(Files.add_files_from_theme) == expected  # listed,
        assert listed(Files.add_files_from_theme) == expected  # then kept
        (overrides / "assets" / "second.css").write_text("b {}", encoding="utf-8")
        own.unlink()
        now = listed(Files.add_files_from_theme)
        assert now == listed(original)
        assert "assets/second.css" in now and now[palette] != str(own)
    finally:
        Files.add_files_from_theme = original


def test_the_collector_is_held_off_from_a_rebuild_until_the_preview_settles():
    from plugins.kb_site.preview import CollectionPause, settle_memory

    collecting = gc.isenabled()
    full: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(1)

    gc.enable()
    gc.callbacks.append(count)
    try:
        pause = CollectionPause()
        pause.hold()
        assert not gc.isenabled()
        assert not settle_memory(lambda: True, pause=0, collection=pause)  # a rebuild under way: held still
        assert not gc.isenabled()
        assert settle_memory(lambda: False, pause=0, collection=pause)
        assert gc.isenabled()
        pause.hold()  # a writer saving faster than the preview settles: every HOLD_LIMIT-th rebuild collects
        full.clear()
        for _ in range(CollectionPause.HOLD_LIMIT):
            pause.hold()
        assert len(full) == 1 and not gc.isenabled()
        pause.release()
        assert gc.isenabled()
        gc.disable()  # off before the preview: left off
        pause.hold()
        pause.release()
        assert not gc.isenabled()
    finally:
        gc.callbacks.remove(count)
        gc.unfreeze()
        if collecting:
            gc.enable()
        else:
            gc.disable()


def test_a_preview_rebuild_runs_without_the_collector_and_gives_it_back_after(sectioned, preview):
    config = load_config(str(sectioned.root / "mkdocs.yml"), site_dir=str(preview))
    plugin = config.plugins["kb"]
    seen: list[bool] = []
    nav = type(plugin).on_nav

    def on_nav(self, *args, **kwargs):  # noqa: ANN001, ANN202
        seen.append(gc.isenabled())
        return nav(self, *args, **kwargs)

    assert plugin.later.wait(60) and gc.isenabled()  # the first build's settling gave it back
    type(plugin).on_nav = on_nav
    try:
        _edit(sectioned.root / "articles/payments/refund.md", _article("Request a refund", "payments") + "\nMore.\n")
        _dirty_build(sectioned, preview)
    finally:
        type(plugin).on_nav = nav
    assert seen == [False]
    assert plugin.later.wait(60) and gc.isenabled()  # given back once the edit is shown
