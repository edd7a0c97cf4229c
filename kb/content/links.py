"""Links between articles, checked without building: every relative link must lead to a page or file of the
help center, and every `#anchor` to a heading (or element id) of its page. Problems name the line of the link."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from markdown.extensions.toc import slugify, unique

from kb.content.articles import split_front_matter
from kb.model import Article
from kb.problems import KbError, Problem, Severity

_CODE_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_INLINE_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ATTR_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}\s*$")
_HTML_ID = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")
_INLINE_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`]|<[^>]+>")


_links_kept: dict[str, list[tuple[int, str]]] = {}  # body -> its links, for the bodies of the last check


def _links_of_kept(body: str) -> list[tuple[int, str]]:
    found = _links_kept.get(body)
    if found is None:
        found = _links_kept[body] = links_of(body)
    return found


def links_of(body: str) -> list[tuple[int, str]]:
    """(line offset in the body, target) of each link and image outside code."""
    found, in_code = [], False
    for offset, line in enumerate(body.splitlines()):
        if _CODE_FENCE.match(line):
            in_code = not in_code
            continue
        if in_code or line.startswith("    "):
            continue
        text = _CODE_SPAN.sub("", line)
        targets = [m.group(1) for m in _INLINE_LINK.finditer(text)]
        if reference := _REFERENCE.match(text):
            targets.append(reference.group(1))
        found += [(offset, target.strip("<>")) for target in targets]
    return found


def anchors_of(body: str) -> frozenset[str]:
    """The ids a page's body gets: its headings' (as Python-Markdown's toc makes them) and any written by hand."""
    ids: set[str] = set()
    in_code = False
    for line in body.splitlines():
        if _CODE_FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            continue
        ids.update(_HTML_ID.findall(line))
        heading = _HEADING.match(line)
        if heading:
            text = heading.group(2)
            given = _ATTR_ID.search(text)
            if given:
                ids.add(given.group(1))
                continue
            unique(slugify(_INLINE_MARKUP.sub(r"\1", text).strip(), "-"), ids)
        else:
            ids.update(m.group(1) for m in re.finditer(r"\{:?\s*#([\w-]+)[^}]*\}", line))
    return frozenset(ids)


def check_links(folder: Path, articles: Iterable[Article], drafts: set[str], shown_root: str) -> list[Problem]:
    """A warning for each link to a page or file that does not exist, to an anchor its page does not have, or from
    a published article to a draft (which the build leaves out)."""
    bodies = {a.path: a.body for a in articles}
    problems = []

    @cache
    def anchors(path: str) -> frozenset[str] | None:
        if path in bodies:
            return anchors_of(bodies[path])
        try:
            _, body, _, _ = split_front_matter((folder / path).read_text(encoding="utf-8"), path)
        except (OSError, UnicodeDecodeError, KbError):
            return None
        return anchors_of(body)

    for stale in _links_kept.keys() - bodies.values():  # a live preview checks again after each edit
        del _links_kept[stale]
    for article in articles:
        shown = f"{shown_root}/{article.path}"
        first = article.line_of.get("body", 1)
        here = posixpath.dirname(article.path)
        for offset, target in _links_of_kept(article.body):
            if not target or _SCHEME.match(target) or target.startswith(("/", "//")):
                continue  # other sites, mail, and absolute paths are not the help center's to check
            path, _, fragment = target.partition("#")
            path = unquote(path.split("?", 1)[0])
            line = first + offset
            if path:
                resolved = posixpath.normpath(posixpath.join(here, path))
                if resolved.startswith("../") or resolved == "..":
                    problems.append(_warning(shown, line, f"link '{target}' leads outside the articles folder"))
                    continue
                if path.endswith("/") or not posixpath.splitext(path)[1]:
                    continue  # a folder address: MkDocs does not check these either
                if not (folder / resolved).is_file():
                    hint = "check the file name; links name the .md file, relative to this article"
                    problems.append(_warning(shown, line, f"link to a missing page or file '{path}'", hint))
                    continue
                if resolved in drafts and not article.draft:
                    problems.append(
                        _warning(
                            shown,
                            line,
                            f"link to '{path}', a draft: the built site will not have it",
                            "publish it (remove draft: true) or remove the link",
                        )
                    )
                    continue
            else:
                resolved = article.path
            if fragment and resolved.endswith(".md"):
                known = anchors(resolved)
                if known is not None and fragment not in known:
                    page = "this article" if not path else f"'{path}'"
                    shown_ids = ", ".join(sorted(known)[:8]) or "none"
                    problems.append(
                        _warning(shown, line, f"no anchor '#{fragment}' in {page}", f"its headings' ids: {shown_ids}")
                    )
    return problems


def _warning(shown: str, line: int, message: str, hint: str = "") -> Problem:
    return Problem(shown, line, message, hint, Severity.WARNING)
