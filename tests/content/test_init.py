"""`kb init DIR`: a new help center that passes `kb check` and builds, in an empty folder."""

from __future__ import annotations

import yaml


def test_init_then_check_and_build_in_an_empty_folder(kb, tmp_path):
    folder = tmp_path / "help"
    result = kb("init", str(folder), "--name", "Acme: Help", cwd=tmp_path)
    assert result.code == 0, result.err
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert files == [
        ".gitignore",
        "articles/getting-started/write-your-first-article.md",
        "articles/index.md",
        "articles/zh/getting-started/write-your-first-article.md",
        "articles/zh/index.md",
        "kb.yml",
        "mkdocs.yml",
        "questions.yml",
    ]
    assert yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"] == "Acme: Help"
    assert "#   - id: forgot-password" in (folder / "questions.yml").read_text(encoding="utf-8")
    check = kb("check", "--strict", cwd=folder)
    assert check.code == 0, check.err
    assert "2 articles, 0 questions: 0 errors, 0 warnings" in check.out
    build = kb("build", cwd=folder)
    assert build.code == 0, build.err
    site = folder / "site"
    assert "Write your first article" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "zh/getting-started/write-your-first-article/index.html").is_file()
    assert (site / "kb-articles.json").is_file()


def test_the_new_help_center_takes_questions_and_reports(kb, tmp_path):
    folder = tmp_path / "help"
    assert kb("init", str(folder), cwd=tmp_path).code == 0
    (folder / "tickets.csv").write_text("question,count,category\nHow do I write an article?,4,Getting-Started\n")
    result = kb("questions", "import", "tickets.csv", "--period", "2026-Q4", cwd=folder)
    assert result.code == 0, result.err
    assert kb("check", "--strict", cwd=folder).code == 0
    report = kb("report", cwd=folder)
    assert report.code == 0, report.err
    assert "1 questions, 4 tickets in 2026-Q4" in report.out


def test_init_overwrites_nothing(kb, tmp_path):
    folder = tmp_path / "help"
    folder.mkdir()
    (folder / "kb.yml").write_text("mine\n", encoding="utf-8")
    result = kb("init", str(folder), cwd=tmp_path)
    assert result.code == 2 and "kb.yml already exists" in result.err
    assert (folder / "kb.yml").read_text(encoding="utf-8") == "mine\n"
    assert not (folder / "mkdocs.yml").exists()
