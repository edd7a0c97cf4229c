"""`kb init DIR`: a new help center that passes `kb check` and builds, from the starter files shipped here."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

STARTER = Path(__file__).resolve().parent / "starter"
RENAMED = {"gitignore": ".gitignore"}  # shipped without the dot, so packaging tools keep it


def starter_files() -> list[Path]:
    return sorted(p for p in STARTER.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def target(folder: Path, source: Path) -> Path:
    relative = source.relative_to(STARTER)
    return folder / RENAMED.get(relative.as_posix(), relative.as_posix())


def init_help_center(folder: Path, site_name: str, today: dt.date) -> list[Path]:
    """Write the starter help center into `folder`; returns the files written. Refuses (FileExistsError) before
    writing anything when one of them exists already."""
    sources = starter_files()
    existing = [target(folder, s) for s in sources if target(folder, s).exists()]
    if existing:
        raise FileExistsError(", ".join(str(p) for p in existing))
    quoted = json.dumps(site_name, ensure_ascii=False)  # a YAML string whatever the name holds
    written = []
    for source in sources:
        path = target(folder, source)
        text = source.read_text(encoding="utf-8").replace("{site_name}", quoted).replace("{today}", today.isoformat())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
