"""Page titles from a MkDocs site's `nav`, for folders audited as they are.

Many documentation sets built with MkDocs keep their page titles only in `mkdocs.yml` (`- Renew a certificate:
certs/renew.md`), and the pages themselves start with a numbered section or an admonition. A reader sees the nav
title and the section it sits in; an audit of the bare folder would see neither. When the folder handed to an audit
is the `docs_dir` of a `mkdocs.yml` beside or above it, each listed page gets its nav title and the titles of the
sections leading to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.model import NAV_TRAIL

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


class _TolerantLoader(yaml.SafeLoader):
    """Safe YAML that reads MkDocs' `!!python/name:` and `!ENV` tags as nothing instead of failing."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class NavTitles:
    config: Path | None  # the mkdocs.yml the titles came from; None when there is none for this folder
    trails: dict[str, tuple[str, ...]]  # page path relative to docs_dir -> section titles then the page's title

    def title(self, relpath: str) -> str:
        """The page's title as its nav shows it, after the section it sits in ("Certificates › Renew"): a page
        named "Overview" in five sections is five different pages. Empty when the nav does not title it."""
        trail = self.trails.get(relpath, ())
        return NAV_TRAIL.join(trail[-2:]) if trail else ""


NO_NAV = NavTitles(None, {})


def nav_titles(folder: Path) -> NavTitles:
    """The nav titles of the MkDocs configuration whose `docs_dir` is `folder` (found beside or just above it);
    NO_NAV when there is none, or it cannot be read, or it lists no page of the folder."""
    target = folder.resolve()
    for place in (target.parent, target):
        for name in CONFIG_NAMES:
            config = place / name
            if not config.is_file():
                continue
            try:
                data = yaml.load(config.read_text(encoding="utf-8"), Loader=_TolerantLoader)
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue
            if not isinstance(data, dict):
                continue
            docs_dir = data.get("docs_dir", "docs")
            try:
                if not isinstance(docs_dir, str) or (place / docs_dir).resolve() != target:
                    continue
            except (OSError, ValueError):  # a docs_dir no path can be: not this folder's site
                continue
            trails: dict[str, tuple[str, ...]] = {}
            _walk(data.get("nav"), (), trails, set())
            if trails:
                return NavTitles(config, trails)
    return NO_NAV


def _walk(items: object, sections: tuple[str, ...], trails: dict[str, tuple[str, ...]], seen: set[int]) -> None:
    if not isinstance(items, list) or id(items) in seen or len(sections) > 10:
        return  # a YAML alias can make the nav contain itself
    seen.add(id(items))
    for item in items:
        if not isinstance(item, dict):
            continue  # a bare `- page.md` has no nav title: the page's own title stands
        for title, value in item.items():
            title = " ".join(str(title).split()) if isinstance(title, (str, int, float)) else ""
            if not title:
                continue
            if isinstance(value, str) and value.lower().endswith((".md", ".markdown")) and "://" not in value:
                trails.setdefault(value.replace("\\", "/").removeprefix("./").lstrip("/"), (*sections, title))
            elif isinstance(value, list):
                _walk(value, (*sections, title), trails, seen)
