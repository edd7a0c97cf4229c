"""What the built site carries for the feedback endpoint: the article manifest and the suggestions snapshot."""

from __future__ import annotations

import json
from pathlib import Path

from kb.content.textfile import write_text_atomically
from kb.matching.index import TermStats
from kb.model import Article
from kb.search.suggest import MANIFEST, write_snapshot


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


def write_endpoint_data(
    folder: Path, articles: list[Article], synonyms: tuple[tuple[str, ...], ...], stats: TermStats
) -> None:
    """The manifest (renamed into place: the endpoint may read it at any moment) and the suggestions snapshot."""
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomically(folder / MANIFEST, json.dumps(manifest(articles, synonyms), ensure_ascii=False, indent=1))
    write_snapshot(stats, folder)
