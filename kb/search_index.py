"""The Whoosh index of the articles, behind an adapter of our own.

Everything else in kb sees only `ArticleIndex`: its term statistics (read by the matcher) and `search()` (one
query, Whoosh's own BM25F). The index lives on disk in a cache folder and is updated, not rebuilt: each document
carries a digest of the article's content, so editing one article re-indexes one article.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.analysis import Composable
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup

from .analysis import analyzer, pairs, terms
from .model import Article

log = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "summary", "headings", "body")
PAIR_FIELD = "pairs"
INDEX_VERSION = "1"  # bump when the schema or the analysis changes: old caches are then rebuilt


def _schema(analysis: Composable) -> Schema:
    text = {name: TEXT(analyzer=analysis) for name in TEXT_FIELDS}
    return Schema(id=ID(stored=True, unique=True), lang=ID(stored=True), path=STORED, digest=STORED, pairs=TEXT(analyzer=_PairAnalyzer()), **text)


class _PairAnalyzer(Composable):
    """The `pairs` field is written pre-analysed: whitespace-separated term pairs."""

    def __call__(self, value, **kwargs):
        from whoosh.analysis import SpaceSeparatedTokenizer

        return SpaceSeparatedTokenizer()(value, **kwargs)


def digest(article: Article) -> str:
    payload = json.dumps([INDEX_VERSION, article.id, article.lang, article.path, article.title, article.summary, article.headings, article.body], ensure_ascii=False)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def _document(article: Article) -> dict:
    words = terms(" ".join((article.title, article.summary, *article.headings, article.body)))
    return {
        "id": article.id,
        "lang": article.lang,
        "path": article.path,
        "digest": digest(article),
        "title": article.title,
        "summary": article.summary,
        "headings": "\n".join(article.headings),
        "body": article.body,
        PAIR_FIELD: " ".join(pairs(words)),
    }


@dataclass(frozen=True)
class TermStats:
    """Per-field postings as arrays, indexed by the position of the document in `ids`."""

    ids: tuple[str, ...]
    langs: tuple[str, ...]
    paths: tuple[str, ...]
    lengths: dict[str, np.ndarray]
    postings: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]  # field -> term -> (doc positions, frequencies)


@dataclass
class UpdateCounts:
    added: int = 0
    updated: int = 0
    removed: int = 0


class ArticleIndex:
    def __init__(self, folder: Path, ix) -> None:
        self.folder = folder
        self._ix = ix

    @classmethod
    def build(cls, articles: list[Article], folder: Path) -> tuple["ArticleIndex", UpdateCounts]:
        """Open the index in `folder` and bring it in step with `articles` (created when missing or outdated)."""
        folder.mkdir(parents=True, exist_ok=True)
        marker = folder / "kb-index-version"
        if not whoosh_index.exists_in(str(folder)) or not marker.is_file() or marker.read_text() != INDEX_VERSION:
            shutil.rmtree(folder)
            folder.mkdir(parents=True)
            whoosh_index.create_in(str(folder), _schema(analyzer()))
            marker.write_text(INDEX_VERSION)
        ix = whoosh_index.open_dir(str(folder))
        index = cls(folder, ix)
        return index, index._update(articles)

    def _update(self, articles: list[Article]) -> UpdateCounts:
        with self._ix.searcher() as searcher:
            stored = {fields["id"]: fields["digest"] for fields in searcher.all_stored_fields()}
        wanted = {a.id: a for a in articles}
        counts = UpdateCounts()
        changed = [a for a in articles if stored.get(a.id) != digest(a)]
        gone = [i for i in stored if i not in wanted]
        if not changed and not gone:
            return counts
        writer = self._ix.writer()
        try:
            for article_id in gone:
                writer.delete_by_term("id", article_id)
                counts.removed += 1
            for article in changed:
                writer.update_document(**_document(article))
                if article.id in stored:
                    counts.updated += 1
                else:
                    counts.added += 1
            writer.commit(optimize=len(changed) > 50)
        except BaseException:
            writer.cancel()
            raise
        log.debug("index %s: %s", self.folder, counts)
        return counts

    def stats(self) -> TermStats:
        """Read every posting list once, into arrays the matcher scores in bulk."""
        with self._ix.searcher() as searcher:
            reader = searcher.reader()
            docnums = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
            position = {d: i for i, d in enumerate(docnums)}
            stored = [reader.stored_fields(d) for d in docnums]
            lengths = {f: np.array([reader.doc_field_length(d, f, 0) for d in docnums], dtype=np.float32) for f in (*TEXT_FIELDS, PAIR_FIELD)}
            postings: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
            for field in (*TEXT_FIELDS, PAIR_FIELD):
                table = postings[field] = {}
                for term in reader.lexicon(field):
                    matcher = reader.postings(field, term)
                    items = [(position[d], w) for d, w in matcher.items_as("frequency") if d in position]
                    if items:
                        docs, freqs = zip(*items)
                        table[term.decode("utf-8")] = (np.array(docs, dtype=np.int32), np.array(freqs, dtype=np.float32))
        return TermStats(tuple(s["id"] for s in stored), tuple(s["lang"] for s in stored), tuple(s["path"] for s in stored), lengths, postings)

    def search(self, text: str, lang: str | None = None, limit: int = 10) -> list[tuple[str, float]]:
        """One query through Whoosh's own parser and BM25F: what a plain search of the index returns."""
        from whoosh.query import Term

        with self._ix.searcher() as searcher:
            parser = MultifieldParser(list(TEXT_FIELDS), self._ix.schema, group=OrGroup, fieldboosts={"title": 3.0, "summary": 2.0, "headings": 1.5, "body": 1.0})
            query = parser.parse(_escape(text))
            mask = Term("lang", lang) if lang else None
            hits = searcher.search(query, limit=limit, filter=mask)
            return [(hit["id"], hit.score) for hit in hits]


def _escape(text: str) -> str:
    """Plain words for Whoosh's query parser: its operators and syntax characters are not the customer's intent."""
    return " ".join(w for w in "".join(c if c.isalnum() or c.isspace() else " " for c in text).split() if w not in {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
