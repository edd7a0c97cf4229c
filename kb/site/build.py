"""Building and previewing the site with MkDocs, without ever leaving a half-written site behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import TextIO

from kb.site.progress import PREFIX as PROGRESS_PREFIX
from kb.site.progress import PROGRESS_ENV

# How `kb serve` tells the plugins of the live preview about the endpoint it runs beside it: the defaults of the
# options `kb.endpoint_data_dir` and `kb-feedback.endpoint` (plugins/*/config.py).
PREVIEW_DIR_ENV = "KB_PREVIEW_DIR"
ENDPOINT_ENV = "KB_FEEDBACK_ENDPOINT"


def mkdocs_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *args]


def mkdocs_env() -> dict[str, str]:
    # Material prints a banner about MkDocs 2 on every run; kb pins MkDocs 1.x and says so in the README.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build_site(mkdocs_yml: Path, site_dir: Path, progress: TextIO | None = None) -> subprocess.CompletedProcess:
    """A strict build into a fresh folder beside `site_dir`, swapped in only when the build succeeds. MkDocs' output
    is kept for the caller; with `progress`, the plugin's progress lines go there as they come."""
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-building-", dir=site_dir.parent))
    try:
        args = ["build", "--strict", "--config-file", str(mkdocs_yml), "--site-dir", str(staging)]
        result = _run_showing_progress(mkdocs_command(*args), progress)
        if result.returncode == 0:
            _swap_in(staging, site_dir)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _run_showing_progress(command: list[str], progress: TextIO | None) -> subprocess.CompletedProcess:
    env = {**mkdocs_env(), **({PROGRESS_ENV: "1"} if progress is not None else {})}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as process:
        out: list[str] = []
        reader = threading.Thread(target=lambda: out.append(process.stdout.read()), daemon=True)
        reader.start()
        kept = []
        for line in process.stderr:
            if progress is not None and line.startswith(PROGRESS_PREFIX):
                progress.write(line)
                progress.flush()
            else:
                kept.append(line)
        process.wait()
        reader.join()
    return subprocess.CompletedProcess(command, process.returncode, "".join(out), "".join(kept))


def _swap_in(staging: Path, site_dir: Path) -> None:
    """Replace the old site with the new one by renames, so a reader never sees a mix of the two."""
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
        site_dir.rename(old)
    staging.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
