"""Building and previewing the site with MkDocs, without ever leaving a half-written site behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from kb.content.textfile import swap_in
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


class BuildInterrupted(Exception):
    """The build was stopped by a signal (SIGTERM, SIGHUP); its folder and its mkdocs process are gone."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# Stop the build, clean up, then exit. SIGINT already does so, as KeyboardInterrupt.
_STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def build_site(mkdocs_yml: Path, site_dir: Path, progress: TextIO | None = None) -> subprocess.CompletedProcess:
    """A strict build into a fresh folder beside `site_dir`, swapped in only when the build succeeds. MkDocs' output
    is kept for the caller; with `progress`, the plugin's progress lines go there as they come.

    Interrupted (Ctrl-C, SIGTERM, SIGHUP), it stops its mkdocs process and removes its folder before it exits,
    raising KeyboardInterrupt or BuildInterrupted; `site_dir` is left as it was.
    """
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    args = ["build", "--strict", "--config-file", str(mkdocs_yml)]
    with _signals_interrupt():
        staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-building-", dir=site_dir.parent))
        child: subprocess.Popen | None = None
        try:
            # mkdtemp makes the folder 0700, for its creator alone: a site is for a web server to read.
            staging.chmod(0o777 & ~_umask())
            child = _start(mkdocs_command(*args, "--site-dir", str(staging)), progress)
            stdout, stderr = _read_showing_progress(child, progress)
            result = subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)
            if result.returncode == 0:
                with _signals_held():  # never stopped between the two renames
                    swap_in(staging, site_dir)
            return result
        finally:
            if child is not None and child.poll() is None:
                _stop(child)
            shutil.rmtree(staging, ignore_errors=True)


def _start(command: list[str], progress: TextIO | None) -> subprocess.Popen:
    """MkDocs with its output piped; asked for progress lines when there is somewhere to show them."""
    env = {**mkdocs_env(), **({PROGRESS_ENV: "1"} if progress is not None else {})}
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _run_showing_progress(command: list[str], progress: TextIO | None) -> subprocess.CompletedProcess:
    child = _start(command, progress)
    stdout, stderr = _read_showing_progress(child, progress)
    return subprocess.CompletedProcess(command, child.returncode, stdout, stderr)


def _read_showing_progress(child: subprocess.Popen, progress: TextIO | None) -> tuple[str, str]:
    """MkDocs' output, with the plugin's progress lines passed on to `progress` as they come."""
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(child.stdout.read()), daemon=True)
    reader.start()
    kept = []
    for line in child.stderr:
        if progress is not None and line.startswith(PROGRESS_PREFIX):
            progress.write(line)
            progress.flush()
        else:
            kept.append(line)
    child.wait()
    reader.join()
    return "".join(out), "".join(kept)


def _stop(child: subprocess.Popen) -> None:
    child.terminate()
    try:
        child.wait(5)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise BuildInterrupted while the build runs, so its clean-up runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise BuildInterrupted(signum)

    previous = {signum: signal.signal(signum, interrupt) for signum in _STOPPING_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    held = {signal.SIGINT, *_STOPPING_SIGNALS}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)
