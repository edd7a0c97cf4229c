"""What the built site carries for the feedback endpoint: the article manifest and the suggestions snapshot."""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from pathlib import Path

from kb.content.textfile import write_text_atomically
from kb.matching.index import TermStats
from kb.matching.semantic import SectionIndex
from kb.model import Article
from kb.search.suggest import MANIFEST, SECTIONS, write_snapshot


def manifest(articles: list[Article], synonyms: tuple[tuple[str, ...], ...] = ()) -> dict:
    """The articles the built site has, by stable id: the feedback endpoint accepts votes for these only, and
    suggests them with the help center's own synonyms."""
    return {
        "version": 1,
        "synonyms": [list(group) for group in synonyms],
        "articles": [
            {"id": a.id, "title": a.title, "url": a.url, "lang": a.lang, "category": a.category, "summary": a.summary}
            for a in articles
        ],
    }


_last: list = [None, ""]  # the last manifest written by this process and its text (a preview's rebuilds)


def _manifest_text(data: dict) -> str:
    """The manifest as written: `json.dumps(data, ensure_ascii=False, indent=1)`. Python's encoder writes indented
    JSON slowly (a second at 10,000 articles), so the articles, entries of text values, are written here, and the
    text of an unchanged manifest is reused."""
    if _last[0] != data:
        _last[:] = [data, _indented(data)]
    return _last[1]


def _indented(data: dict) -> str:
    entries = data.get("articles")
    plain = (
        list(data)[-1] == "articles"
        and entries
        and all(isinstance(v, str) for entry in entries for v in entry.values())
        and all(entry for entry in entries)
    )
    if not plain:
        return json.dumps(data, ensure_ascii=False, indent=1)
    text = encode_basestring
    head = json.dumps({k: v for k, v in data.items() if k != "articles"}, ensure_ascii=False, indent=1)
    items = ",\n".join(
        "  {\n" + ",\n".join(f"   {text(k)}: {text(v)}" for k, v in entry.items()) + "\n  }" for entry in entries
    )
    return head[:-2] + ',\n "articles": [\n' + items + "\n ]\n}"


def write_endpoint_data(
    folder: Path,
    articles: list[Article],
    synonyms: tuple[tuple[str, ...], ...],
    stats: TermStats,
    sections: SectionIndex | None = None,
) -> None:
    """The manifest (renamed into place: the endpoint may read it at any moment), the suggestions snapshot, and
    the section vectors when the help center ranks with an embedding model."""
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomically(folder / MANIFEST, _manifest_text(manifest(articles, synonyms)))
    write_snapshot(stats, folder)
    if sections is not None:
        sections.save(folder / SECTIONS)
    else:
        (folder / SECTIONS).unlink(missing_ok=True)
