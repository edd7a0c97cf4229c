"""Small help centers made in tmp_path, and a way to run the kb command in-process."""

from __future__ import annotations

import contextlib
import os
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kb.cli import main

REPO = Path(__file__).resolve().parent.parent


def checkout_env() -> dict[str, str]:
    """The environment for a `kb` or `mkdocs` subprocess that runs outside this repository: this checkout's code
    first on its path. The installed package (an editable install) may be another checkout's, such as the main tree
    of a git worktree, which a build started from a site's folder would otherwise import."""
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


KB_YML = """\
articles: articles
questions: questions.yml
default_lang: en
categories:
  - id: account
    title: Account and sign-in
    title_zh: 账户与登录
  - id: payments
    title: Payments and refunds
    title_zh: 付款与退款
"""

QUESTIONS_YML = """\
# Support's common questions
questions:
  - id: forgot-password
    question: I forgot my password
    category: account
    volume: 120
    variants: [reset link expired]
  - id: refund
    question: How do I get my money back?
    category: payments
    volume: 80
    variants: [refund request for a course]
  - id: zh-forgot-password
    question: 忘记密码怎么办
    category: account
    volume: 40
    lang: zh
"""

ARTICLE = """\
---
title: Reset your password
summary: Get a reset link by email.
category: account
covers: [forgot-password]
reviewed: 2026-09-01
---

Open **Settings > Password** and choose *Reset*.
"""


@dataclass
class Site:
    root: Path

    def write(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def article(self, relpath: str, text: str) -> Path:
        return self.write(f"articles/{relpath}", text)

    @property
    def config(self) -> Path:
        return self.root / "kb.yml"


@pytest.fixture
def site(tmp_path: Path) -> Site:
    s = Site(tmp_path)
    s.write("kb.yml", KB_YML)
    s.write("questions.yml", QUESTIONS_YML)
    s.article("account/reset-password.md", ARTICLE)
    return s


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def kb(capsys, monkeypatch):
    """Run `kb ARGS` in-process from a folder; returns exit code and output."""

    def run(*args: str, cwd: Path | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's own usage errors and --help
            code = exc.code if isinstance(exc.code, int) else 2
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample help center, built once per test run with `kb build` (strict) into a temporary folder."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("sample") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "kb", "build", "--site-dir", str(out)], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return out


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (its own browser download is never used).

    Module-scoped: Playwright's sync API keeps an event loop on the main thread while it runs, which other
    tests' asyncio.run() must not find."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), (
        "chromium is missing: run scripts/ensure-debian-package chromium /usr/bin/chromium (make test does)"
    )
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving_folder(folder: Path) -> Iterator[str]:
    """A built site on a real HTTP server on loopback (the search index is fetched like any other file)."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def served(sample_site):
    """The built sample on a real HTTP server."""
    with serving_folder(sample_site) as url:
        yield url


@pytest.fixture(scope="session")
def report_folder(tmp_path_factory) -> Path:
    """The sample's internal report, built with `kb report` into a folder of its own."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("report") / "report"
    result = subprocess.run(
        [sys.executable, "-m", "kb", "report", "--out", str(out), "--site-url", "/"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server for the whole run (tests/postgres.py), started only when a test asks."""
    from .postgres import postgres_server

    with postgres_server() as url:
        yield url
