"""The Whoosh index of the articles, behind an adapter of our own.

Everything else in kb sees only `ArticleIndex`: its term statistics (read by the matcher) and `search()` (one
query through Whoosh's own parser and BM25F). The index lives on disk in a cache folder and is updated, not
rebuilt: each document carries a digest of the article's content, so editing one article re-indexes one article.

Each document also stores its term counts per field. Reading those back is far quicker than walking Whoosh's
posting lists, and the assembled statistics are kept as a NumPy snapshot keyed by the set of digests, so an
unchanged help center loads them in milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.query import Term

from kb.matching.analysis import KbTokenizer, pairs, terms
from kb.model import Article

log = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "summary", "headings", "body")
PAIR_FIELD = "pairs"
ALL_FIELDS = (*TEXT_FIELDS, PAIR_FIELD)
FIELD_BOOSTS = {"title": 3.0, "summary": 2.0, "headings": 1.5, "body": 1.0}
INDEX_VERSION = "4"  # bump when the schema or the analysis changes: old caches are then rebuilt


def _schema() -> Schema:
    text = {name: TEXT(analyzer=KbTokenizer(), phrase=False) for name in TEXT_FIELDS}
    return Schema(
        id=ID(stored=True, unique=True), lang=ID(stored=True), path=STORED, digest=STORED, counts=STORED, **text
    )


def digest(article: Article) -> str:
    payload = json.dumps(
        [
            INDEX_VERSION,
            article.id,
            article.lang,
            article.path,
            article.title,
            article.summary,
            article.headings,
            article.body,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def _field_texts(article: Article) -> dict[str, str]:
    return {
        "title": article.title,
        "summary": article.summary,
        "headings": "\n".join(article.headings),
        "body": article.body,
    }


def _document(article: Article) -> dict:
    texts = _field_texts(article)
    analysed = {name: terms(text) for name, text in texts.items()}
    counts = {name: dict(Counter(words)) for name, words in analysed.items()}
    counts[PAIR_FIELD] = dict(Counter(p for name in TEXT_FIELDS for p in pairs(analysed[name])))
    return {
        "id": article.id,
        "lang": article.lang,
        "path": article.path,
        "digest": digest(article),
        "counts": counts,
        **texts,
    }


@dataclass(frozen=True)
class FieldPostings:
    """One field's postings as flat arrays: entry k says term `terms[k]` occurs `freqs[k]` times in doc `docs[k]`."""

    terms: np.ndarray  # int32 index into TermStats.vocabulary
    docs: np.ndarray  # int32 document position
    freqs: np.ndarray  # float32
    lengths: np.ndarray  # float32 field length per document


@dataclass(frozen=True)
class TermStats:
    ids: tuple[str, ...]
    langs: tuple[str, ...]
    paths: tuple[str, ...]
    vocabulary: tuple[str, ...]
    fields: dict[str, FieldPostings]
    key: str = ""  # digest of the indexed content: results derived from these statistics can be cached under it


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
    def build(cls, articles: list[Article], folder: Path) -> tuple[ArticleIndex, UpdateCounts]:
        """Open the index in `folder` and bring it in step with `articles` (created when missing or outdated)."""
        folder.mkdir(parents=True, exist_ok=True)
        marker = folder / "kb-index-version"
        if not whoosh_index.exists_in(str(folder)) or not marker.is_file() or marker.read_text() != INDEX_VERSION:
            shutil.rmtree(folder)
            folder.mkdir(parents=True)
            whoosh_index.create_in(str(folder), _schema())
            marker.write_text(INDEX_VERSION)
        index = cls(folder, whoosh_index.open_dir(str(folder)))
        return index, index._update(articles)

    def _update(self, articles: list[Article]) -> UpdateCounts:
        with self._ix.searcher() as searcher:
            stored = {fields["id"]: fields["digest"] for fields in searcher.all_stored_fields()}
        wanted = {a.id for a in articles}
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
            writer.commit(optimize=len(changed) > 200)
        except BaseException:
            writer.cancel()
            raise
        log.debug("index %s: %s", self.folder, counts)
        return counts

    def stats(self) -> TermStats:
        """Term statistics of every document, from the snapshot when the index has not changed since it was taken."""
        with self._ix.searcher() as searcher:
            docs = sorted(searcher.all_stored_fields(), key=lambda fields: fields["id"])
        key = hashlib.sha1("".join(d["digest"] for d in docs).encode()).hexdigest()[:16]
        snapshot = self.folder / f"stats-{key}.npz"
        if snapshot.is_file():
            try:
                return replace(load_stats(snapshot), key=key)
            except (OSError, ValueError, KeyError):
                log.warning("ignoring unreadable statistics snapshot %s", snapshot)
        stats = replace(_assemble(docs), key=key)
        for old in self.folder.glob("stats-*.npz"):
            old.unlink(missing_ok=True)
        save_stats(stats, snapshot)
        return stats

    def search(self, text: str, lang: str | None = None, limit: int = 10) -> list[tuple[str, float]]:
        """One query through Whoosh's own parser and BM25F: what a plain search of the index returns."""
        with self._ix.searcher() as searcher:
            parser = MultifieldParser(list(TEXT_FIELDS), self._ix.schema, group=OrGroup, fieldboosts=FIELD_BOOSTS)
            query = parser.parse(_plain(text))
            hits = searcher.search(query, limit=limit, filter=Term("lang", lang) if lang else None)
            return [(hit["id"], hit.score) for hit in hits]


def _plain(text: str) -> str:
    """Plain words for Whoosh's query parser: its operators and syntax characters are not the customer's intent."""
    words = "".join(c if c.isalnum() or c.isspace() else " " for c in text).split()
    return " ".join(w for w in words if w not in {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})


_documents: dict[tuple[str, str], dict] = {}  # (id, digest) -> analysed document, kept for this process's rebuilds


def term_stats(articles: list[Article], folder: Path) -> TermStats:
    """The statistics `ArticleIndex.stats()` gives for these articles, straight from the articles: the same
    documents in the same order under the same key, without writing a Whoosh index. The snapshot in `folder` is
    reused while the content is unchanged; within one process (a live preview) only edited articles are analysed
    again."""
    folder.mkdir(parents=True, exist_ok=True)
    ordered = sorted(articles, key=lambda a: a.id)
    digests = [digest(a) for a in ordered]
    key = hashlib.sha1("".join(digests).encode()).hexdigest()[:16]
    snapshot = folder / f"stats-{key}.npz"
    if snapshot.is_file():
        try:
            return replace(load_stats(snapshot), key=key)
        except (OSError, ValueError, KeyError):
            log.warning("ignoring unreadable statistics snapshot %s", snapshot)
    docs = []
    for article, article_digest in zip(ordered, digests):
        document = _documents.get((article.id, article_digest))
        if document is None:
            document = {k: v for k, v in _document(article).items() if k in ("id", "lang", "path", "digest", "counts")}
            _documents[article.id, article_digest] = document
        docs.append(document)
    wanted = set(zip((a.id for a in ordered), digests))
    for stale in [k for k in _documents if k not in wanted]:
        del _documents[stale]
    stats = replace(_assemble(docs), key=key)
    for old in folder.glob("stats-*.npz"):
        old.unlink(missing_ok=True)
    save_stats(stats, snapshot)
    return stats


def _assemble(docs: list[dict]) -> TermStats:
    vocabulary: dict[str, int] = {}
    fields = {}
    number = vocabulary.setdefault
    for name in ALL_FIELDS:
        term_ids: list[int] = []
        doc_ids: list[int] = []
        freqs: list[int] = []
        lengths = []
        for position, fields_of_doc in enumerate(docs):
            counts = fields_of_doc["counts"].get(name, {})
            values = counts.values()
            lengths.append(sum(values))
            term_ids += [number(term, len(vocabulary)) for term in counts]
            doc_ids += [position] * len(counts)
            freqs += values
        fields[name] = FieldPostings(
            np.array(term_ids, dtype=np.int32),
            np.array(doc_ids, dtype=np.int32),
            np.array(freqs, dtype=np.float32),
            np.array(lengths, dtype=np.float32),
        )
    return TermStats(
        tuple(d["id"] for d in docs),
        tuple(d["lang"] for d in docs),
        tuple(d["path"] for d in docs),
        tuple(vocabulary),
        fields,
    )


def save_stats(stats: TermStats, path: Path) -> None:
    arrays = {
        f"{name}.{part}": getattr(postings, part)
        for name, postings in stats.fields.items()
        for part in ("terms", "docs", "freqs", "lengths")
    }
    meta = json.dumps(
        {"ids": stats.ids, "langs": stats.langs, "paths": stats.paths, "vocabulary": stats.vocabulary},
        ensure_ascii=False,
    )
    temp = path.with_suffix(".tmp.npz")
    np.savez(temp, meta=np.frombuffer(meta.encode("utf-8"), dtype=np.uint8), **arrays)
    temp.replace(path)


def load_stats(path: Path) -> TermStats:
    with np.load(path) as data:
        meta = json.loads(data["meta"].tobytes().decode("utf-8"))
        fields = {
            name: FieldPostings(*(data[f"{name}.{part}"] for part in ("terms", "docs", "freqs", "lengths")))
            for name in ALL_FIELDS
        }
    return TermStats(tuple(meta["ids"]), tuple(meta["langs"]), tuple(meta["paths"]), tuple(meta["vocabulary"]), fields)
