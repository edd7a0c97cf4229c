"""Reading writers' and support leads' files as text, with a clear word when they are not UTF-8."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kb.content.text import CJK
from kb.problems import KbError, Problem


def looks_like_gbk(data: bytes) -> bool:
    """True when bytes that are not UTF-8 decode as GB18030 into Chinese text (Excel's default in China)."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return bool(CJK.search(text))


def write_text_atomically(path: Path, text: str) -> None:
    """Write beside `path`, then rename over it: a reader sees the old file or the new one, never half of one."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)


def read_text(path: Path, shown_as: str | None = None, encoding: str | None = None) -> str:
    """Read a text file as UTF-8 (a byte-order mark is dropped) or in the given encoding.

    Raises KbError naming the first undecodable line, and, for Chinese text saved by Excel, how to convert it.
    """
    shown = shown_as or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KbError(Problem(shown, 0, "file not found")) from None
    except IsADirectoryError:
        raise KbError(Problem(shown, 0, "expected a file but found a folder")) from None
    except OSError as exc:
        raise KbError(Problem(shown, 0, f"cannot read file: {exc.strerror}")) from None
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise KbError(Problem(shown, 1, f"cannot decode as {encoding}: {exc}")) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if looks_like_gbk(data) and path.suffix.lower() == ".csv":
            hint = (
                "it looks like GBK/GB18030, as Excel saves Chinese text; convert it with "
                f"'iconv -f GB18030 -t UTF-8 {path.name} > {path.stem}.utf8{path.suffix}' "
                "or save it as 'CSV UTF-8'"
            )
        elif looks_like_gbk(data):
            what = "article" if path.suffix.lower() in (".md", ".markdown") else "file"
            hint = (
                f"it looks like GBK/GB18030, as editors on Chinese Windows save text; re-save the {what} as UTF-8 "
                f"in your editor, or convert it with 'iconv -f GB18030 -t UTF-8 {path.name} > {path.name}.tmp && "
                f"mv {path.name}.tmp {path.name}'"
            )
        else:
            hint = "save the file as UTF-8"
        raise KbError(
            Problem(shown, line, f"file is not UTF-8 text (undecodable byte at offset {exc.start})", hint)
        ) from None


def swap_in(staging: Path, target: Path) -> None:
    """Replace the folder `target` with `staging` by renames, so a reader never sees a mix of the two."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
