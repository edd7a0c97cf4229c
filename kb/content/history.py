"""What git knows about the articles: when a file last changed and the subject lines of its later commits.

Outside a git repository, or without git, every answer is "unknown" (None, no subjects): callers skip what they
cannot date rather than fail.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from functools import cache
from pathlib import Path


class GitHistory:
    def __init__(self, folder: Path):
        self.folder = folder

    def _git(self, *args: str) -> str | None:
        try:
            result = subprocess.run(
                ["git", "-C", str(self.folder), *args], capture_output=True, text=True, encoding="utf-8", timeout=30
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return result.stdout if result.returncode == 0 else None

    @cache  # noqa: B019 (one history object per check or build)
    def last_commit(self, path: Path) -> dt.datetime | None:
        """When the file's last commit was made (committer date, as naive UTC), None when it has none."""
        out = self._git("log", "-1", "--format=%cI", "--", str(path))
        if not out or not out.strip():
            return None
        return _naive_utc(dt.datetime.fromisoformat(out.strip()))

    def subjects_since(self, path: Path, since: dt.datetime) -> tuple[str, ...]:
        """Subject lines of the file's commits made at or after `since` (naive UTC), newest first."""
        out = self._git("log", f"--since={since.isoformat()}Z", "--format=%s", "--", str(path))
        return tuple(line for line in (out or "").splitlines() if line.strip())


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment
