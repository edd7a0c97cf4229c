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
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.query import Term

from kb.matching import analysis
from kb.matching.analysis import KbTokenizer, pairs, terms
from kb.model import NAV_TRAIL, Article

log = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "summary", "headings", "body")
PAIR_FIELD = "pairs"
ALL_FIELDS = (*TEXT_FIELDS, PAIR_FIELD)
FIELD_BOOSTS = {"title": 3.0, "summary": 2.0, "headings": 1.5, "body": 1.0}
INDEX_VERSION = "5"  # bump when the schema changes: old caches are then rebuilt


def analysis_version(sources: list[Path], words: str) -> str:
    """INDEX_VERSION with a digest of the code that turns an article into terms and of the word segmenter's version.
    A cache made by other code (an upgraded kb, a stop word added) is then rebuilt, without anyone having to
    remember to bump a number: a stale cache would give other related articles and search statistics than a fresh
    build of the same articles."""
    code = hashlib.sha1(words.encode("utf-8"))
    for source in sources:
        code.update(source.read_bytes())
    return f"{INDEX_VERSION}-{code.hexdigest()[:12]}"


def _segmenter_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"jieba {version('jieba')}"
    except PackageNotFoundError:
        return "jieba"


ANALYSIS_VERSION = analysis_version([Path(analysis.__file__), Path(__file__)], _segmenter_version())


def _schema() -> Schema:
    text = {name: TEXT(analyzer=KbTokenizer(), phrase=False) for name in TEXT_FIELDS}
    return Schema(
        id=ID(stored=True, unique=True), lang=ID(stored=True), path=STORED, digest=STORED, counts=STORED, **text
    )


def digest(article: Article) -> str:
    payload = json.dumps(
        [
            ANALYSIS_VERSION,
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
    # An audited page titled by its site's navigation ("Databases › Backups"): the sections above it are
    # context, shared by every page under them, and are read as headings; the page's own title is its title.
    *trail, title = article.title.split(NAV_TRAIL)
    return {
        "title": title,
        "summary": article.summary,
        "headings": "\n".join((*trail, *article.headings)),
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
    # Statistics assembled in this process: by a term's number for the process (`_numbers`), its position in the
    # vocabulary (-1: not in it), which spares a dict over the whole vocabulary (see `positions`).
    by_number: np.ndarray | None = field(default=None, compare=False, repr=False)

    def positions(self) -> TermPositions:
        """term -> its position in the vocabulary (None for a term not in it)."""
        if self.by_number is not None:
            return _NumberedPositions(self.by_number)
        return TermPositions(zip(self.vocabulary, range(len(self.vocabulary))))


class TermPositions(dict):
    """term -> its position in the vocabulary; a term not in it gives None. Ask with `[term]`: `get` and `in` answer
    the same, through it."""

    def __missing__(self, term: str) -> int | None:
        return None

    def get(self, term: str, default: int | None = None) -> int | None:  # type: ignore[override]
        found = self[term]
        return default if found is None else found

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self[term] is not None


class _NumberedPositions(TermPositions):
    """Filled as terms are asked for, through each term's number for the process: at 10,000 articles a dict over
    the 690,000 terms (mostly word pairs) took 0.2 to 0.3 s to make, every time the live preview's matcher was
    made again, to be asked for a few thousand of them."""

    def __init__(self, by_number: np.ndarray) -> None:
        super().__init__()
        self._by_number = by_number

    def __missing__(self, term: str) -> int | None:
        number = _numbers.get(term)
        if number is None or number >= len(self._by_number) or self._by_number[number] < 0:
            return None  # not kept: what is asked for that no article has is unbounded
        position = self[term] = int(self._by_number[number])
        return position


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
        if not whoosh_index.exists_in(str(folder)) or not marker.is_file() or marker.read_text() != ANALYSIS_VERSION:
            shutil.rmtree(folder)
            folder.mkdir(parents=True)
            whoosh_index.create_in(str(folder), _schema())
            marker.write_text(ANALYSIS_VERSION)
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
_digests: dict[str, tuple[Article, str]] = {}  # id -> the article as last digested, and its digest


def _digest_kept(article: Article) -> str:
    """`digest(article)`, reused while the article is equal to the one digested last under its id."""
    kept = _digests.get(article.id)
    if kept is None or kept[0] != article:
        kept = _digests[article.id] = (article, digest(article))
    return kept[1]


def term_stats(articles: list[Article], folder: Path, snapshot_new: bool = True) -> TermStats:
    """The statistics `ArticleIndex.stats()` gives for these articles, straight from the articles: the same
    documents in the same order under the same key, without writing a Whoosh index. The snapshot in `folder` is
    reused while the content is unchanged; within one process (a live preview) only edited articles are analysed
    again."""
    folder.mkdir(parents=True, exist_ok=True)
    ordered = sorted(articles, key=lambda a: a.id)
    digests = [_digest_kept(a) for a in ordered]
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
    for gone in _digests.keys() - {a.id for a in ordered}:
        del _digests[gone]
    stats = replace(_assemble(docs), key=key)
    if snapshot_new:
        for old in folder.glob("stats-*.npz"):
            old.unlink(missing_ok=True)
        save_stats(stats, snapshot)
    return stats


_numbers: dict[str, int] = {}  # term -> a number for this process, in the order terms were first met
_numbered: list[str] = []


def _arrays(document: dict) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{field: (the numbers of its terms, their counts)} of one analysed document, in its counts' order; kept on
    the document (an edited article is a new document)."""
    arrays = document.get("arrays")
    if arrays is None:
        arrays = {}
        for name in ALL_FIELDS:
            counts = document["counts"].get(name, {})
            numbers = []
            for term in counts:
                number = _numbers.get(term)
                if number is None:
                    number = _numbers[term] = len(_numbered)
                    _numbered.append(term)
                numbers.append(number)
            arrays[name] = (np.array(numbers, dtype=np.int64), np.array(list(counts.values()), dtype=np.float32))
        document["arrays"] = arrays
    return arrays


def _assemble(docs: list[dict]) -> TermStats:
    """The documents' postings as arrays. A term's number in the vocabulary is its rank by first appearance: by
    field (ALL_FIELDS' order), then document, then its place in the document's counts."""
    per_field = [[_arrays(d)[name] for d in docs] for name in ALL_FIELDS]
    numbers, freqs = [], []
    for parts in per_field:
        numbers.append(np.concatenate([n for n, _ in parts]) if parts else np.zeros(0, dtype=np.int64))
        freqs.append(np.concatenate([f for _, f in parts]) if parts else np.zeros(0, dtype=np.float32))
    # Each term's first place in all the fields' postings one after the other (a place holds one term, so no two
    # terms tie), then the terms met in the order of those places.
    every = np.concatenate(numbers)
    first = np.full(len(_numbered), len(every), dtype=np.int64)
    np.minimum.at(first, every, np.arange(len(every), dtype=np.int64))
    met = np.flatnonzero(first < len(every))
    order = met[np.argsort(first[met])]
    rank = np.full(len(_numbered), -1, dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    fields = {}
    for name, parts, field_numbers, field_freqs in zip(ALL_FIELDS, per_field, numbers, freqs):
        sizes = np.array([len(n) for n, _ in parts], dtype=np.int64)
        doc_ids = np.repeat(np.arange(len(docs), dtype=np.int32), sizes)
        lengths = np.bincount(doc_ids, weights=field_freqs, minlength=len(docs)).astype(np.float32)
        fields[name] = FieldPostings(rank[field_numbers], doc_ids, field_freqs.astype(np.float32), lengths)
    return TermStats(
        tuple(d["id"] for d in docs),
        tuple(d["lang"] for d in docs),
        tuple(d["path"] for d in docs),
        tuple(map(_numbered.__getitem__, order.tolist())),
        fields,
        by_number=rank,
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
