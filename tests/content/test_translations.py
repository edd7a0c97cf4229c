"""Translations linked by `translation_of:`: checked by `kb check`, scaffolded by `kb new --translate`, and reported
when older than their source (by reviewed: dates, else by git)."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from kb.content.config import load_config
from kb.content.site import load_site
from kb.content.translations import outdated_translations, translation_groups
from tests.conftest import KB_YML

ZH = """\
---
title: 忘记密码怎么办
category: account
lang: zh
translation_of: {source}
{extra}---

打开设置，选择重置密码。
"""


def zh(source: str = "account/reset-password", extra: str = "") -> str:
    return ZH.format(source=source, extra=extra)


def test_a_valid_translation_passes_and_links_both_ways(kb, site):
    site.article("zh/account/forgot-password.md", zh(extra="reviewed: 2026-09-02\n"))
    result = kb("check", "--strict", cwd=site.root)
    assert result.code == 0, result.err
    groups = translation_groups(load_site(load_config(site.config)).articles)
    assert {lang: a.id for lang, a in groups["account/reset-password"].items()} == {
        "en": "account/reset-password",
        "zh": "zh/account/forgot-password",
    }
    assert groups["zh/account/forgot-password"] is groups["account/reset-password"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"zh/account/forgot-password.md": zh("account/reset-pasword")},
            "articles/zh/account/forgot-password.md:5: error: translation_of names no article: "
            "'account/reset-pasword' (did you mean 'account/reset-password'?)",
        ),
        (
            {
                "account/other.md": "---\ntitle: Other\ncategory: account\ntranslation_of: account/reset-password\n---\n\nText.\n"
            },
            "articles/account/other.md:4: error: translation_of 'account/reset-password' is in the same language (en)",
        ),
        (
            {
                "zh/account/forgot-password.md": zh(),
                "zh/account/forgot-password-2.md": zh(),
            },
            "articles/zh/account/forgot-password.md:5: error: 'account/reset-password' already has a zh translation: "
            "zh/account/forgot-password-2.md",
        ),
        (
            {
                "zh/account/forgot-password.md": zh(),
                "account/again.md": "---\ntitle: Again\ncategory: account\ntranslation_of: zh/account/forgot-password\n---\n\nT.\n",
            },
            "articles/account/again.md:4: error: translation_of 'zh/account/forgot-password' is itself a translation "
            "(of 'account/reset-password')",
        ),
    ],
)
def test_check_reports_bad_translation_links_with_path_and_line(kb, site, files, expected):
    for path, text in files.items():
        site.article(path, text)
    result = kb("check", cwd=site.root)
    assert result.code == 1
    assert expected in result.err, result.err


def test_new_translate_scaffolds_a_linked_translation_that_passes_check(kb, site):
    result = kb("new", "--translate", "account/reset-password", "--lang", "zh", cwd=site.root)
    assert result.code == 0, result.err
    path = site.root / "articles/zh/account/reset-password.md"
    text = path.read_text(encoding="utf-8")
    assert "translation_of: account/reset-password" in text and "lang: zh" in text
    assert "Open **Settings > Password**" in text  # the source's text, to translate in place
    assert "zh-forgot-password" in text  # the Chinese questions of the category, as hints
    assert kb("check", "--strict", cwd=site.root).code == 0
    again = kb("new", "--translate", "articles/account/reset-password.md", "--lang", "zh", cwd=site.root)
    assert again.code == 2 and "already has a zh translation: zh/account/reset-password.md" in again.err


SECTIONED = (
    "    sections:\n      - id: sign-in\n        title: Signing in\n      - id: profile\n        title: Your profile\n"
)
EN = "---\ntitle: {title}\ncategory: account\n{extra}---\n\nText.\n"


def test_new_translate_mirrors_the_sources_folder_so_the_translation_is_in_its_section(kb, site):
    site.write("kb.yml", KB_YML.replace("    title_zh: 账户与登录\n", "    title_zh: 账户与登录\n" + SECTIONED))
    site.article("account/sign-in/use-a-code.md", EN.format(title="Use a sign-in code", extra=""))
    site.article("account/edit-name.md", EN.format(title="Edit your name", extra="section: profile\n"))
    site.article("zh/account/sign-in/saoma.md", ZH.format(source="x", extra="").replace("translation_of: x\n", ""))
    for source in ("account/sign-in/use-a-code", "account/edit-name"):
        result = kb("new", "--translate", source, "--lang", "zh", cwd=site.root)
        assert result.code == 0, result.err
    back = kb("new", "--translate", "zh/account/sign-in/saoma", "--lang", "en", cwd=site.root)
    assert back.code == 0, back.err
    assert (site.root / "articles/zh/account/sign-in/use-a-code.md").is_file()  # not articles/zh/account/
    assert (site.root / "articles/account/sign-in/saoma.md").is_file()  # out of the language folder, same section
    assert "\nsection: profile\n" in (site.root / "articles/zh/account/edit-name.md").read_text(encoding="utf-8")
    content = load_site(load_config(site.config))
    assert [p for p in content.problems if p.is_error] == []
    sections = {a.path: a.section for a in content.articles if a.translation_of}
    assert sections == {
        "zh/account/sign-in/use-a-code.md": "sign-in",
        "zh/account/edit-name.md": "profile",
        "account/sign-in/saoma.md": "sign-in",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--translate", "account/reset-pasword", "--lang", "zh"], "did you mean 'account/reset-password'"),
        (["--translate", "account/reset-password", "--lang", "en"], "already in en"),
        (["--translate", "account/reset-password"], "--translate needs --lang"),
        (["--category", "account"], "needs a TITLE"),
        (["--translate", "account/reset-password", "--lang", "zh", "--section", "x"], "takes no --section"),
    ],
)
def test_new_translate_refuses_mistakes(kb, site, args, message):
    result = kb("new", *args, cwd=site.root)
    assert result.code == 2 and message in result.err, result.err


def test_a_translation_reviewed_before_its_source_is_a_check_warning(kb, site):
    site.article("zh/account/forgot-password.md", zh(extra="reviewed: 2026-08-01\n"))  # source: 2026-09-01
    result = kb("check", cwd=site.root)
    assert result.code == 0
    assert (
        "articles/zh/account/forgot-password.md:5: warning: translation is out of date: its source "
        "'account/reset-password' changed on 2026-09-01, after this translation (2026-08-01, by reviewed date)"
    ) in result.err
    assert kb("check", "--strict", cwd=site.root).code == 1


def git(root, *args: str, date: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_without_reviewed_dates_git_dates_the_files_and_names_the_source_changes(kb, site):
    """The translation has no reviewed: date: the files' last commits decide, and the source's commit subjects
    since the translation say what to translate."""
    site.article("zh/account/forgot-password.md", zh())
    git(site.root, "init", "-q")
    git(site.root, "add", ".")
    git(site.root, "commit", "-qm", "Password articles in English and Chinese", date="2026-03-01T10:00:00+00:00")
    source = site.root / "articles/account/reset-password.md"
    source.write_text(source.read_text(encoding="utf-8").replace("reviewed: 2026-09-01\n", ""), encoding="utf-8")
    git(site.root, "commit", "-qam", "Reset links now expire after 1 hour", date="2026-05-02T09:00:00+00:00")
    source.write_text(source.read_text(encoding="utf-8") + "\nThe link expires after an hour.\n", encoding="utf-8")
    git(site.root, "commit", "-qam", "Mention the expiry in the steps", date="2026-05-03T09:00:00+00:00")

    config = load_config(site.config)
    [item] = outdated_translations(load_site(config).articles, config.articles_dir)
    assert (item.translation.id, item.source.id, item.basis) == (
        "zh/account/forgot-password",
        "account/reset-password",
        "git",
    )
    assert (str(item.translated), str(item.source_changed)) == ("2026-03-01", "2026-05-03")
    assert item.changes == ("Mention the expiry in the steps", "Reset links now expire after 1 hour")
    result = kb("check", cwd=site.root)
    assert "changed on 2026-05-03, after this translation (2026-03-01, by git date)" in result.err
    assert '"Mention the expiry in the steps"; "Reset links now expire after 1 hour"' in result.err

    # The translator catches up: a later commit of the translation makes it current.
    translation = site.root / "articles/zh/account/forgot-password.md"
    translation.write_text(translation.read_text(encoding="utf-8") + "\n链接一小时后失效。\n", encoding="utf-8")
    git(site.root, "commit", "-qam", "Chinese: link expiry", date="2026-05-04T09:00:00+00:00")
    assert outdated_translations(load_site(config).articles, config.articles_dir) == []


def test_outside_git_undated_translations_are_not_reported(site):
    site.article("zh/account/forgot-password.md", zh())
    config = load_config(site.config)
    assert outdated_translations(load_site(config).articles, config.articles_dir) == []


def test_the_coverage_report_lists_out_of_date_translations(kb, site):
    site.article("zh/account/forgot-password.md", zh(extra="reviewed: 2026-08-01\n"))
    result = kb("coverage", "--format", "json", cwd=site.root)
    data = json.loads(result.out)
    assert data["outdated_translations"] == [
        {
            "path": "zh/account/forgot-password.md",
            "id": "zh/account/forgot-password",
            "lang": "zh",
            "translated": "2026-08-01",
            "source": {"path": "account/reset-password.md", "id": "account/reset-password", "lang": "en"},
            "source_changed": "2026-09-01",
            "basis": "reviewed",
            "changes": [],
        }
    ]
    text = kb("coverage", cwd=site.root).out
    assert "zh/account/forgot-password.md (2026-08-01): account/reset-password.md changed 2026-09-01" in text


def test_the_sample_report_page_and_the_translation_show_it(sample_site, report_folder):
    report = (report_folder / "index.html").read_text(encoding="utf-8")
    section = report.split('id="outdated-translations"', 1)[1].split("<h2", 1)[0]
    assert "Translations older than their source (5)" in report
    row = re.search(r"<tr><td><a [^>]*>视频卡顿或加载慢</a>.*?</tr>", section, re.S).group(0)
    assert "2026-08-28" in row and "2026-09-03 (reviewed)" in row and "Fix video buffering" in row
    page = (sample_site / "zh/video/video-buffering/index.html").read_text(encoding="utf-8")
    assert "此译文可能不是最新：原文已于 2026-09-03 更新。" in page
    assert '<a href="../../../video/fix-video-buffering/" hreflang="en">阅读原文</a>' in page
    current = (sample_site / "zh/account/forgot-password/index.html").read_text(encoding="utf-8")
    assert "kb-outdated" not in current
