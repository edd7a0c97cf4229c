"""Template folders the kb plugins add to the theme (MkDocs glue shared by them)."""

from __future__ import annotations

from pathlib import Path


def with_theme_dir(dirs: list[str], custom_dir: str | None, ours: Path) -> list[str]:
    """The theme's template folders with `ours` right after the site's custom_dir (first when there is none), so
    a site can still override what the plugin provides."""
    mine = str(ours)
    rest = [d for d in dirs if d != mine]
    position = 1 if custom_dir and rest and Path(rest[0]) == Path(custom_dir) else 0
    return rest[:position] + [mine] + rest[position:]


def page_base(page) -> str:
    """The relative path from a page to the site root ("" at the root, "../" one level down, ...)."""
    return "../" * page.url.count("/") if page.url else ""
