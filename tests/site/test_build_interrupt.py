"""`kb build` stopped part-way leaves nothing behind, and the site it builds can be read by a web server
(kb/site/build.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.test_cli import MKDOCS_YML, buildable  # noqa: F401  (fixture)

# A build that takes its time: the hook says it is running, then waits before MkDocs builds anything.
SLOW_HOOK = (
    "import pathlib\nimport time\n\n\ndef on_pre_build(config):\n"
    "    pathlib.Path(config.config_file_path).with_name('hook-running').touch()\n    time.sleep(60)\n"
)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_an_interrupted_build_removes_its_folder_and_stops_mkdocs(buildable, signum):  # noqa: F811
    root = buildable.root
    buildable.write("slow_hook.py", SLOW_HOOK)
    buildable.write("mkdocs.yml", MKDOCS_YML + "hooks:\n  - slow_hook.py\n")
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("the old site", encoding="utf-8")
    build = subprocess.Popen(
        [sys.executable, "-m", "kb", "build"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (root / "hook-running").exists():
            time.sleep(0.05)
        mkdocs = children(build.pid)
        assert mkdocs and list(root.glob(".site-building-*")), "the build did not start"
        assert (root / "hook-running").exists(), "mkdocs did not reach the hook"
        build.send_signal(signum)
        _, err = build.communicate(timeout=30)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == (130 if signum == signal.SIGINT else 128 + signum), err
    assert "build interrupted; site was left as it was" in err
    assert "Traceback" not in err
    assert not list(root.glob(".site-*")), "the build's folder was left behind"
    assert not any(alive(pid) for pid in mkdocs), "mkdocs is still running"
    assert (root / "site" / "index.html").read_text(encoding="utf-8") == "the old site"


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_the_built_site_has_the_usual_permissions(kb, buildable, umask):  # noqa: F811
    previous = os.umask(umask)
    try:
        assert kb("build", cwd=buildable.root).code == 0
    finally:
        os.umask(previous)
    site = buildable.root / "site"
    assert site.stat().st_mode & 0o777 == 0o777 & ~umask
    assert (site / "index.html").stat().st_mode & 0o777 == 0o666 & ~umask
