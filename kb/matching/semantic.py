"""Semantic ranking: sentence embeddings for customer questions and help articles.

Why: keyword matching (Whoosh, synonyms, word forms) misses a question asked in other
words or in another language than the article that answers it ("取消自动续费" against
"How to cancel auto-renewal"). A multilingual sentence-embedding model places both
near each other, and its ranking can be fused with the keyword ranking
(`reciprocal_rank_fusion`).

The model runs through fastembed (ONNX Runtime, no PyTorch), an optional extra:
`pip install 'kb-helpcenter[semantic]'`. A model is either a fastembed model name,
downloaded once into the user's cache folder where the network allows, or a local
folder with an ONNX export and its tokenizer files. Loading never raises for a missing
package, model or network: `load_ranker` answers with a `SemanticStatus` saying why
the stage is off, so a build goes on with keyword matching alone.

Passage vectors are cached on disk by a digest of (model id, text), so a rebuild embeds
only the articles that changed; a build or audit caches its query vectors (questions, titles)
the same way, so an unchanged questions file is not embedded again. A model loaded once stays
loaded for the process (a preview server rebuilds without loading it again).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO
from urllib.parse import urlsplit

import numpy as np

from kb.model import Article

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
INSTALL_HINT = "pip install 'kb-helpcenter[semantic]'"

# Models fastembed can fetch but does not list itself: (ONNX file in the repository, dimension).
KNOWN_MODELS: dict[str, tuple[str, int]] = {
    "intfloat/multilingual-e5-small": ("onnx/model.onnx", 384),
    "intfloat/multilingual-e5-base": ("onnx/model.onnx", 768),
}

# Files a local model folder needs beside its ONNX file; fastembed cannot tokenize without the first two.
REQUIRED_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")
TOKENIZER_FILES = REQUIRED_TOKENIZER_FILES + ("config.json", "special_tokens_map.json")

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "

REACHABILITY_TIMEOUT_S = 3.0
PROGRESS_MIN_PASSAGES = 300
# Texts per model call. Memory grows with the batch times the square of its longest text (attention): 64 sections
# of about 500 tokens took over 3 GB; 16 stay under 1.5 GB with the same speed once texts are sorted by length.
BATCH_SIZE = 16
QUERY_CACHE_MAX = 20_000  # query vectors kept on disk (about 30 MB); past it, only the last call's are kept


@dataclass(frozen=True)
class SemanticStatus:
    """Whether the semantic stage runs, and a one-line reason to show the writer."""

    on: bool
    reason: str


@dataclass(frozen=True)
class ModelChoice:
    """A model spec resolved into what fastembed needs to load it."""

    spec: str  # as the user gave it
    name: str  # the fastembed model name to load (registered for local folders)
    folder: Path | None  # a local ONNX export, or None for a named model
    cache_dir: Path  # where a named model is downloaded to
    model_file: str  # ONNX file, relative to the model folder
    additional_files: tuple[str, ...]  # external-data files beside the ONNX file
    dim: int  # 0 when a local folder does not say
    prefixes: bool  # add "query: " / "passage: " (e5 models)
    model_id: str  # identifies the weights in the vector cache

    @property
    def label(self) -> str:
        return str(self.folder) if self.folder else self.name


class Encoder(Protocol):
    """Turns texts into L2-normalised vectors, one row a text."""

    model_id: str

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


# ---------------------------------------------------------------- model choice


def default_cache_dir() -> Path:
    """The user's cache folder for kb: $XDG_CACHE_HOME/kb or ~/.cache/kb."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kb"


def wants_prefixes(model_name: str, setting: bool | None = None) -> bool:
    """e5 models expect "query: " and "passage: " before each text; a setting overrides the guess."""
    if setting is not None:
        return setting
    return "e5" in model_name.lower()


def looks_like_folder(spec: str) -> bool:
    """A spec is a folder when it exists as one or is written as a path; else it is a model name."""
    path = Path(spec).expanduser()
    if path.is_dir():
        return True
    return spec.startswith(("/", "./", "../", "~", ".\\")) or path.is_absolute()


def resolve_model(spec: str | None, cache_dir: Path, prefixes: bool | None = None) -> ModelChoice:
    """Resolve a model name or local folder (default: multilingual-e5-small) without loading it."""
    spec = (spec or DEFAULT_MODEL).strip()
    if looks_like_folder(spec):
        return _folder_choice(spec, Path(spec).expanduser().resolve(), cache_dir, prefixes)
    model_file, dim = KNOWN_MODELS.get(spec, ("", 0))
    return ModelChoice(
        spec=spec,
        name=spec,
        folder=None,
        cache_dir=cache_dir,
        model_file=model_file,
        additional_files=(),
        dim=dim,
        prefixes=wants_prefixes(spec, prefixes),
        model_id=spec,
    )


def _folder_choice(spec: str, folder: Path, cache_dir: Path, prefixes: bool | None) -> ModelChoice:
    model_file = find_onnx_file(folder) if folder.is_dir() else ""
    fingerprint = folder_fingerprint(folder, model_file)
    return ModelChoice(
        spec=spec,
        name=f"kb-local/{folder.name}-{fingerprint[:12]}",
        folder=folder,
        cache_dir=cache_dir,
        model_file=model_file,
        additional_files=external_data_files(folder, model_file),
        dim=config_dim(folder),
        prefixes=wants_prefixes(folder.name, prefixes),
        model_id=f"folder:{folder}:{fingerprint}",
    )


def find_onnx_file(folder: Path) -> str:
    """The ONNX file of an export: model.onnx or onnx/model.onnx first, else the only .onnx file."""
    for candidate in ("model.onnx", "onnx/model.onnx"):
        if (folder / candidate).is_file():
            return candidate
    found = sorted(folder.glob("*.onnx")) + sorted(folder.glob("onnx/*.onnx"))
    return found[0].relative_to(folder).as_posix() if len(found) == 1 else ""


def external_data_files(folder: Path, model_file: str) -> tuple[str, ...]:
    """Weights stored beside a large ONNX file (model.onnx_data and the like)."""
    if not model_file:
        return ()
    onnx_path = folder / model_file
    found = sorted(onnx_path.parent.glob(f"{onnx_path.name}_data*"))
    return tuple(path.relative_to(folder).as_posix() for path in found)


def config_dim(folder: Path) -> int:
    """The hidden size that config.json states, or 0."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    for key in ("hidden_size", "dim", "d_model"):
        if isinstance(config.get(key), int):
            return config[key]
    return 0


def folder_fingerprint(folder: Path, model_file: str) -> str:
    """Changes when the weights or tokenizer files change (size and modification time)."""
    digest = hashlib.sha256(str(folder).encode())
    for name in (model_file,) + TOKENIZER_FILES:
        path = folder / name
        if name and path.is_file():
            stat = path.stat()
            digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


# ---------------------------------------------------------------- loading


def load_ranker(
    spec: str | None,
    model_cache_dir: Path,
    vector_cache_dir: Path,
    *,
    enabled: bool = True,
    prefixes: bool | None = None,
    cache_queries: bool = False,
) -> tuple[SemanticRanker | None, SemanticStatus]:
    """Load the model and a ranker over it; on any expected failure, None and the reason. `cache_queries` keeps
    query vectors on disk too (a build's questions and titles; not a server's one-off searches)."""
    if not enabled:
        return None, SemanticStatus(False, "off: --no-embeddings")
    choice = resolve_model(spec, model_cache_dir, prefixes)
    encoder, status = load_encoder(choice)
    if encoder is None:
        return None, status
    return SemanticRanker(encoder, vector_cache_dir, cache_queries=cache_queries), status


def load_encoder(choice: ModelChoice) -> tuple[FastembedEncoder | None, SemanticStatus]:
    """Load `choice` through fastembed, or say why the semantic stage is off."""
    try:
        import fastembed  # noqa: F401
    except ImportError:
        return None, SemanticStatus(False, f"off: fastembed is not installed ({INSTALL_HINT})")
    key = (choice.model_id, choice.prefixes, None if choice.folder else str(choice.cache_dir))
    if key in _loaded:
        return _loaded[key], SemanticStatus(True, f"on: {choice.label}")
    encoder, status = _load_folder(choice) if choice.folder is not None else _load_named(choice)
    if encoder is not None:
        _loaded[key] = encoder
    return encoder, status


# Encoders loaded in this process, by the weights they run (a folder's id changes with its files).
_loaded: dict[tuple[str, bool, str | None], FastembedEncoder] = {}


def _load_folder(choice: ModelChoice) -> tuple[FastembedEncoder | None, SemanticStatus]:
    problem = folder_problem(choice)
    if problem:
        return None, SemanticStatus(False, f"off: model folder {choice.folder} {problem}")
    try:
        register_custom_model(choice, source={"url": choice.folder.as_uri()})
        model = _text_embedding(choice, specific_model_path=str(choice.folder))
    except Exception as error:  # a broken export: onnxruntime and tokenizers raise many kinds
        return None, SemanticStatus(False, f"off: model folder {choice.folder} could not be loaded ({error})")
    return FastembedEncoder(model, choice), SemanticStatus(True, f"on: {choice.folder}")


def folder_problem(choice: ModelChoice) -> str:
    """What keeps a local folder from loading, or ''."""
    folder = choice.folder
    if folder is None or not folder.is_dir():
        return "does not exist"
    if not choice.model_file:
        return "holds no ONNX file (model.onnx or onnx/model.onnx)"
    missing = [name for name in REQUIRED_TOKENIZER_FILES if not (folder / name).is_file()]
    return f"lacks {', '.join(missing)}" if missing else ""


def _load_named(choice: ModelChoice) -> tuple[FastembedEncoder | None, SemanticStatus]:
    if not is_fastembed_model(choice.name) and choice.name not in KNOWN_MODELS:
        return None, SemanticStatus(
            False, f"off: {choice.name} is not a model fastembed knows; give a local folder with its ONNX export"
        )
    if choice.name in KNOWN_MODELS:
        register_custom_model(choice, source={"hf": choice.name})
    model = _from_cache(choice)
    if model is None:
        model, reason = _download(choice)
        if model is None:
            return None, SemanticStatus(False, reason)
    return FastembedEncoder(model, choice), SemanticStatus(True, f"on: {choice.name}")


def _from_cache(choice: ModelChoice) -> Any | None:
    """The model from the cache folder alone, never touching the network; None when not there."""
    try:
        with quiet_fastembed():
            return _text_embedding(choice, local_files_only=True)
    except Exception:  # fastembed raises ValueError, OSError or hub errors for a missing cache
        return None


def _download(choice: ModelChoice) -> tuple[Any | None, str]:
    """Fetch a named model when the hub answers within a few seconds."""
    not_cached = f"off: model {choice.name} is not cached and could not be downloaded"
    if offline_by_env() or not hub_reachable():
        return None, f"{not_cached} (offline)"
    try:
        return _text_embedding(choice), ""
    except Exception as error:  # network, disk and hub errors alike leave the stage off
        return None, f"{not_cached} ({error})"


def _text_embedding(choice: ModelChoice, **kwargs: Any) -> Any:
    from fastembed import TextEmbedding

    choice.cache_dir.mkdir(parents=True, exist_ok=True)
    return TextEmbedding(model_name=choice.name, cache_dir=str(choice.cache_dir), **kwargs)


def is_fastembed_model(name: str) -> bool:
    from fastembed import TextEmbedding

    return any(model["model"].lower() == name.lower() for model in TextEmbedding.list_supported_models())


def register_custom_model(choice: ModelChoice, source: dict[str, str]) -> None:
    """Tell fastembed how to run `choice`: mean pooling, normalised; once per name."""
    from fastembed import TextEmbedding
    from fastembed.common.model_description import ModelSource, PoolingType

    if is_fastembed_model(choice.name):
        return
    TextEmbedding.add_custom_model(
        model=choice.name,
        pooling=PoolingType.MEAN,
        normalization=True,
        sources=ModelSource(**source),
        dim=choice.dim,
        model_file=choice.model_file,
        additional_files=list(choice.additional_files),
    )


def offline_by_env() -> bool:
    """HF_HUB_OFFLINE=1, as the model hub's own client reads it."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().upper() in {"1", "TRUE", "YES", "ON"}


def hub_endpoint() -> str:
    try:
        from huggingface_hub import constants
    except ImportError:
        return "https://huggingface.co"
    return constants.ENDPOINT


def hub_reachable(endpoint: str | None = None, timeout: float = REACHABILITY_TIMEOUT_S) -> bool:
    """Whether a TCP connection to the model hub opens within `timeout` seconds."""
    parts = urlsplit(endpoint or hub_endpoint())
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def quiet_fastembed() -> Iterator[None]:
    """Silence fastembed's error log while probing the cache (a miss is expected, not an error)."""
    try:
        from loguru import logger
    except ImportError:
        yield
        return
    logger.disable("fastembed")
    try:
        yield
    finally:
        logger.enable("fastembed")


class FastembedEncoder:
    """A fastembed TextEmbedding behind the Encoder interface, adding e5 prefixes where needed."""

    def __init__(self, model: Any, choice: ModelChoice) -> None:
        self.model = model
        self.choice = choice
        self.model_id = f"{choice.model_id}|prefixes={choice.prefixes}"

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, QUERY_PREFIX)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, PASSAGE_PREFIX)

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.choice.dim), dtype=np.float32)
        if self.choice.prefixes:
            texts = [prefix + text for text in texts]
        order = by_length(texts)
        vectors = np.asarray(list(self.model.embed([texts[i] for i in order], batch_size=BATCH_SIZE)), np.float32)
        rows = np.empty_like(vectors)
        rows[order] = vectors
        return normalise(rows)


def by_length(texts: Sequence[str]) -> list[int]:
    """Positions of `texts`, shortest first. A batch is padded to its longest text, so batches of texts of about
    the same length waste little work on padding; the vectors do not change (the padding is masked)."""
    return sorted(range(len(texts)), key=lambda i: len(texts[i]))


# ---------------------------------------------------------------- ranking


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def text_digest(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()


class VectorCache:
    """Passage vectors on disk: vectors.npy (one row each) and index.json (digest -> row)."""

    def __init__(self, folder: Path, model_id: str) -> None:
        self.folder = folder / hashlib.sha256(model_id.encode()).hexdigest()[:16]
        self.model_id = model_id

    def load(self) -> dict[str, np.ndarray]:
        try:
            index = json.loads((self.folder / "index.json").read_text(encoding="utf-8"))
            matrix = np.load(self.folder / "vectors.npy")
        except (OSError, ValueError):
            return {}
        if index.get("model_id") != self.model_id:
            return {}
        rows = index.get("rows", {})
        return {digest: matrix[row] for digest, row in rows.items() if row < len(matrix)}

    def save(self, vectors: dict[str, np.ndarray]) -> None:
        """Write the matrix, then the index, each through a rename, so a reader never sees half a file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        digests = sorted(vectors)
        matrix = np.stack([vectors[d] for d in digests]) if digests else np.zeros((0, 0), np.float32)
        temp = self.folder / ".vectors.tmp.npy"
        np.save(temp, matrix.astype(np.float32))
        temp.replace(self.folder / "vectors.npy")
        index = {"model_id": self.model_id, "rows": {d: row for row, d in enumerate(digests)}}
        temp = self.folder / ".index.json.tmp"
        temp.write_text(json.dumps(index), encoding="utf-8")
        temp.replace(self.folder / "index.json")


class SemanticRanker:
    """Embeds passages (cached) and queries, and scores queries against passages by cosine similarity."""

    def __init__(
        self, encoder: Encoder, cache_dir: Path, progress: TextIO | None = None, cache_queries: bool = False
    ) -> None:
        self.encoder = encoder
        self.cache = VectorCache(cache_dir, encoder.model_id)
        self.query_cache = VectorCache(cache_dir, f"{encoder.model_id}|queries") if cache_queries else None
        self.progress = progress if progress is not None else _terminal_stderr()
        self.passages: dict[str, np.ndarray] = {}
        self.embedded_last = 0  # passages the last embed_passages call had to run the model for

    def embed_passages(self, passages: Sequence[tuple[str, str]]) -> np.ndarray:
        """Vectors for (key, text) pairs, one row each, from the cache where the text is unchanged."""
        cached = self.cache.load()
        digests = [text_digest(self.encoder.model_id, text) for _, text in passages]
        todo = {d: text for d, (_, text) in zip(digests, passages) if d not in cached}
        fresh = self._encode_with_progress(list(todo.values()))
        cached.update(zip(todo, fresh))
        self.embedded_last = len(todo)
        self.cache.save(_keep_bounded(cached, set(digests)))
        for (key, _), digest in zip(passages, digests):
            self.passages[key] = cached[digest]
        return np.stack([cached[d] for d in digests]) if digests else np.zeros((0, 0), np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors, one row a text; from the query cache where it is kept and holds the text."""
        if self.query_cache is None or not texts:
            return self.encoder.encode_queries(list(texts))
        cached = self.query_cache.load()
        digests = [text_digest(self.query_cache.model_id, text) for text in texts]
        todo = {d: text for d, text in zip(digests, texts) if d not in cached}
        if todo:
            cached.update(zip(todo, self.encoder.encode_queries(list(todo.values()))))
            if len(cached) > QUERY_CACHE_MAX:
                cached = {d: cached[d] for d in digests}
            self.query_cache.save(cached)
        return np.stack([cached[d] for d in digests])

    def rank(self, query_vectors: np.ndarray, passage_keys: Sequence[str]) -> np.ndarray:
        """Cosine similarities, shape (queries, passages), in the order of `passage_keys`."""
        missing = [key for key in passage_keys if key not in self.passages]
        if missing:
            raise KeyError(f"passages not embedded yet: {', '.join(missing[:5])}")
        matrix = normalise(np.stack([self.passages[key] for key in passage_keys]))
        return normalise(np.atleast_2d(query_vectors)) @ matrix.T

    def _encode_with_progress(self, texts: list[str]) -> list[np.ndarray]:
        """The texts' vectors in their order, embedded shortest first, one batch at a time."""
        show = self.progress is not None and len(texts) > PROGRESS_MIN_PASSAGES
        order = by_length(texts)
        rows: list[np.ndarray] = [np.empty(0, np.float32)] * len(texts)
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            for i, vector in zip(batch, self.encoder.encode_passages([texts[i] for i in batch])):
                rows[i] = vector
            if show:
                done = min(start + BATCH_SIZE, len(order))
                print(f"\rembedding passages: {done}/{len(texts)}", end="", file=self.progress, flush=True)
        if show:
            print(file=self.progress, flush=True)
        return rows


SECTION_CACHE_STALE = 50_000  # vectors of texts not in use kept on disk (about 75 MB at 384 dimensions)


def _keep_bounded(vectors: dict[str, np.ndarray], live: set[str]) -> dict[str, np.ndarray]:
    """Keep vectors of texts no longer used while they are fewer than SECTION_CACHE_STALE or than the ones in use:
    the cache is shared by every help center on the machine, so auditing one must not throw away another's."""
    stale = len(vectors) - len(live & vectors.keys())
    if stale <= max(len(live), SECTION_CACHE_STALE):
        return vectors
    return {d: v for d, v in vectors.items() if d in live}


def _terminal_stderr() -> TextIO | None:
    return sys.stderr if sys.stderr is not None and sys.stderr.isatty() else None


# ---------------------------------------------------------------- fusion


def reciprocal_rank_fusion(
    rankings: list[list[str]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked lists of keys: each key scores sum(weight / (k + rank)), rank counted from 1.

    Best first; a tie keeps the order in which keys first appear across the rankings.
    """
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, key in enumerate(dict.fromkeys(ranking), start=1):
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))


# The lexical ranking's weight in the fusion, the meaning ranking's being 1. Measured on the four real sets
# (BENCHMARKS.md): at 1 the fusion lost recall@3 to the lexical ranking once titles counted on their own; at 2 it
# gains a little (mean 0.746 -> 0.759); 3 gives the same.
LEXICAL_WEIGHT = 2.0


def fuse(lexical: Sequence[str], meaning: Sequence[str]) -> list[str]:
    """A lexical ranking and a ranking by meaning of the same keys, fused (best first)."""
    return [key for key, _ in reciprocal_rank_fusion([list(lexical), list(meaning)], weights=[LEXICAL_WEIGHT, 1.0])]


SECTION_CHARS = 800  # of a section's text embedded beside its title and heading


def article_passages(articles: Sequence[Article]) -> list[tuple[str, str]]:
    """(key, text) for each section of each article: `id#n`, the title, the section's heading and up to
    SECTION_CHARS characters of its text. A question matches a section more sharply than a whole long article."""
    passages = []
    for article in articles:
        sections: list[tuple[str, list[str]]] = [("", [])]
        fenced = False
        for line in article.body.splitlines():
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
            if not fenced and line.startswith("#"):
                sections.append((line.lstrip("#").strip(), []))
            else:
                sections[-1][1].append(line)
        for n, (heading, lines) in enumerate(sections):
            text = " ".join(" ".join(lines).split())[:SECTION_CHARS]
            if n and not text and not heading:
                continue
            passages.append((f"{article.id}#{n}", "\n".join(part for part in (article.title, heading, text) if part)))
    return passages


class SectionIndex:
    """Every section of every article embedded once: ranks articles for a question by their closest section."""

    def __init__(self, ranker: SemanticRanker, articles: Sequence[Article] = ()) -> None:
        passages = article_passages(articles)
        self.ranker = ranker
        self.owners = [key.split("#", 1)[0] for key, _ in passages]
        self.langs = {a.id: a.lang for a in articles}
        self.vectors = normalise(ranker.embed_passages(passages)) if passages else np.zeros((0, 1), np.float32)

    def save(self, path: Path) -> None:
        """The section vectors with their articles and the model's id, for a process that has no articles (the
        feedback endpoint's suggestions); written beside and renamed into place."""
        meta = json.dumps({"model": self.ranker.encoder.model_id, "owners": self.owners, "langs": self.langs})
        temp = path.with_name(f".{path.stem}.tmp.npz")
        np.savez(temp, vectors=self.vectors.astype(np.float32), meta=np.frombuffer(meta.encode(), dtype=np.uint8))
        temp.replace(path)

    @classmethod
    def load(cls, path: Path, ranker: SemanticRanker) -> SectionIndex | None:
        """The sections saved by `save`, or None when they were embedded with another model."""
        with np.load(path) as data:
            meta = json.loads(data["meta"].tobytes().decode())
            if meta["model"] != ranker.encoder.model_id:
                return None
            index = cls(ranker)
            index.owners, index.langs, index.vectors = meta["owners"], meta["langs"], data["vectors"]
        return index

    def top(self, texts: Sequence[str], limit: int = 20, lang: str | None = None) -> list[list[str]]:
        """For each text, up to `limit` article ids by their best section's similarity (only `lang`'s if given)."""
        if not len(self.owners) or not texts:
            return [[] for _ in texts]
        similarity = normalise(np.atleast_2d(self.ranker.embed_queries(list(texts)))) @ self.vectors.T
        found = []
        for row in similarity:
            order: list[str] = []
            for i in np.argsort(-row, kind="stable"):
                owner = self.owners[i]
                if owner in order or (lang is not None and self.langs.get(owner) != lang):
                    continue
                order.append(owner)
                if len(order) == limit:
                    break
            found.append(order)
        return found
