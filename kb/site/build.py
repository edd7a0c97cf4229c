"""Building and previewing the site with MkDocs, without ever leaving a half-written site behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# How `kb serve` tells the plugins of the live preview about the endpoint it runs beside it: the defaults of the
# options `kb.endpoint_data_dir` and `kb-feedback.endpoint` (plugins/*/config.py).
PREVIEW_DIR_ENV = "KB_PREVIEW_DIR"
ENDPOINT_ENV = "KB_FEEDBACK_ENDPOINT"


def mkdocs_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *args]


def mkdocs_env() -> dict[str, str]:
    # Material prints a banner about MkDocs 2 on every run; kb pins MkDocs 1.x and says so in the README.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build_site(mkdocs_yml: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """A strict build into a fresh folder beside `site_dir`, swapped in only when the build succeeds."""
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-building-", dir=site_dir.parent))
    try:
        args = ["build", "--strict", "--config-file", str(mkdocs_yml), "--site-dir", str(staging)]
        result = subprocess.run(mkdocs_command(*args), capture_output=True, text=True, env=mkdocs_env())
        if result.returncode == 0:
            _swap_in(staging, site_dir)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, site_dir: Path) -> None:
    """Replace the old site with the new one by renames, so a reader never sees a mix of the two."""
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
        site_dir.rename(old)
    staging.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
