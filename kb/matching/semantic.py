"""Semantic ranking: sentence embeddings for customer questions and help articles.

Why: keyword matching (Whoosh, synonyms, word forms) misses a question asked in other
words or in another language than the article that answers it ("取消自动续费" against
"How to cancel auto-renewal"). A multilingual sentence-embedding model places both
near each other, and its ranking can be fused with the keyword ranking
(`reciprocal_rank_fusion`).

The model runs on ONNX Runtime (no PyTorch), an optional extra: `pip install
'kb-helpcenter[semantic]'`. A model is either a fastembed model name, downloaded once by
fastembed into the user's cache folder where the network allows and run through it, or a
local folder with an ONNX export and its tokenizer files, run directly with the same steps.
Loading never raises for a missing package, model or network: `load_ranker` and
`prepare_ranker` answer with a `SemanticStatus` saying why the stage is off, so a build goes
on with keyword matching alone.

Passage vectors are cached on disk by a digest of (model id, text), so a rebuild embeds
only the articles that changed; a build or audit caches its query vectors (questions, titles)
the same way, so an unchanged questions file is not embedded again, and a model is loaded only
when a text is missing (in the background, while the lexical work goes on). A model loaded once
stays loaded for the process (a preview server rebuilds without loading it again).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
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
#
# Loading a model costs more than a rerun's embedding: for multilingual-e5-small, reading its 17 MB tokenizer.json
# (250,000 word pieces) takes about a second, creating the ONNX Runtime session from a 400 MB file another, and
# `import fastembed` half a second. A fresh process pays it before its first vector, so kb
# - loads only when a text it is going to embed is missing from the vector caches (`prepare_ranker`);
# - starts that load in a background thread as soon as it knows the texts, and builds the lexical matcher meanwhile;
# - runs a local folder with ONNX Runtime and tokenizers directly, not through fastembed (`OnnxEncoder`), reading
#   the tokenizer while the session is created, from a copy whose weights ONNX Runtime maps (`runnable_model`).
# Creating the session releases the GIL; reading the tokenizer holds it, so that second overlaps the session but
# not the lexical work (BENCHMARKS.md, "Speed and memory of the semantic stage").


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
    return prepare_ranker(
        spec, model_cache_dir, vector_cache_dir, prefixes=prefixes, cache_queries=cache_queries
    ).result()


def prepare_ranker(
    spec: str | None,
    model_cache_dir: Path,
    vector_cache_dir: Path,
    *,
    passages: Sequence[tuple[str, str]] | None = None,
    queries: Sequence[str] | None = None,
    prefixes: bool | None = None,
    cache_queries: bool = False,
) -> PreparedRanker:
    """Start what a ranker needs and return at once; `result()` waits for it.

    Given the passages and queries the caller is going to embed, the model is loaded only if one of them is missing
    from the vector caches (else the ranker loads it at the first text it has to embed, if ever); without them it
    is loaded. The load runs in a background thread: do the other work, then call `result()`."""
    choice = resolve_model(spec, model_cache_dir, prefixes)
    problem = quick_problem(choice)
    if problem:
        return PreparedRanker(choice, vector_cache_dir, cache_queries, SemanticStatus(False, problem))
    if passages is None and queries is None:
        return PreparedRanker(choice, vector_cache_dir, cache_queries, None, start_load(choice))
    model_id = encoder_id(choice)
    known = VectorCache(vector_cache_dir, model_id).load() if passages else {}
    needed = any(text_digest(model_id, text) not in known for _, text in passages or ())
    if queries and not needed:
        needed = not cache_queries or _missing_queries(query_cache_id(model_id), vector_cache_dir, queries)
    load = start_load(choice) if needed or _key(choice) in _loaded else None
    return PreparedRanker(choice, vector_cache_dir, cache_queries, None, load, known if passages else None)


def _missing_queries(model_id: str, vector_cache_dir: Path, queries: Sequence[str]) -> bool:
    known = VectorCache(vector_cache_dir, model_id).load()
    return any(text_digest(model_id, text) not in known for text in queries)


class PreparedRanker:
    """A ranker on its way: the model loading in the background, or not needed yet, or why the stage is off."""

    def __init__(
        self,
        choice: ModelChoice,
        vector_cache_dir: Path,
        cache_queries: bool,
        off: SemanticStatus | None,
        load: ModelLoad | None = None,
        known: dict[str, np.ndarray] | None = None,
    ) -> None:
        self.choice, self.vector_cache_dir, self.cache_queries = choice, vector_cache_dir, cache_queries
        self.off, self.load, self.known = off, load, known

    @property
    def loading(self) -> bool:
        """Whether the model is being loaded (or was, in this process); False when every vector was cached."""
        return self.load is not None

    def result(self) -> tuple[SemanticRanker | None, SemanticStatus]:
        """The ranker and the final status, waiting for the model when it is being loaded."""
        if self.off is not None:
            return None, self.off
        if self.load is None:
            encoder: Encoder = DeferredEncoder(self.choice)
            status = SemanticStatus(True, f"on: {self.choice.label}")
        else:
            encoder, status = self.load.result()
            if encoder is None:
                return None, status
        ranker = SemanticRanker(encoder, self.vector_cache_dir, cache_queries=self.cache_queries)
        ranker.known = self.known
        return ranker, status


def quick_problem(choice: ModelChoice) -> str:
    """Why `choice` cannot load, as far as a look without loading tells (no import, no reading of weights), or ''."""
    if importlib.util.find_spec("fastembed") is None:
        return f"off: fastembed is not installed ({INSTALL_HINT})"
    if choice.folder is not None:
        problem = folder_problem(choice)
        return f"off: model folder {choice.folder} {problem}" if problem else ""
    return ""


def folder_problem(choice: ModelChoice) -> str:
    """What keeps a local folder from loading, or ''."""
    folder = choice.folder
    if folder is None or not folder.is_dir():
        return "does not exist"
    if not choice.model_file:
        return "holds no ONNX file (model.onnx or onnx/model.onnx)"
    missing = [name for name in REQUIRED_TOKENIZER_FILES if not (folder / name).is_file()]
    return f"lacks {', '.join(missing)}" if missing else ""


def _key(choice: ModelChoice) -> tuple[str, bool, str | None]:
    return (choice.model_id, choice.prefixes, None if choice.folder else str(choice.cache_dir))


# Encoders loaded in this process, by the weights they run (a folder's id changes with its files); loads under way.
_loaded: dict[tuple[str, bool, str | None], Encoder] = {}
_loading: dict[tuple[str, bool, str | None], ModelLoad] = {}
_loads_lock = threading.Lock()


def start_load(choice: ModelChoice) -> ModelLoad:
    """The load of `choice`: already done in this process, under way, or started now in a background thread."""
    key = _key(choice)
    with _loads_lock:
        if key in _loaded:
            return ModelLoad(choice, loaded=_loaded[key])
        if key not in _loading:
            _loading[key] = ModelLoad(choice)
        return _loading[key]


NOT_CACHED = SemanticStatus(False, "not cached")  # a named model the background load did not find on disk


class ModelLoad:
    """One model loading in a background thread; `result()` waits for it and gives the encoder or why not.

    The thread reads only local files (a model folder, or fastembed's cache): a named model that is not cached is
    downloaded by `result()`, in the caller's thread, so a long download is never left running behind a process
    that no longer needs it. `result()` waits without a time limit: what the thread does ends on its own (reading
    files, which a cold disk may make slow but not endless), and a limit would turn a slow first read into a wrong
    "off". Any exception in the thread becomes the status. The thread is not a daemon: a process that ends before
    asking for the result waits for the load to finish, rather than tearing ONNX Runtime down under it."""

    def __init__(self, choice: ModelChoice, loaded: Encoder | None = None) -> None:
        self.choice = choice
        self._outcome: tuple[Encoder | None, SemanticStatus] | None = None
        self._final: tuple[Encoder | None, SemanticStatus] | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        if loaded is not None:
            self._final = loaded, SemanticStatus(True, f"on: {choice.label}")
        else:
            self._thread = threading.Thread(target=self._run, name="kb-model-load")
            self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome = _load_locally(self.choice)
        except BaseException as error:  # noqa: BLE001 - whatever stops the load, the stage is off and says why
            self._outcome = None, SemanticStatus(False, f"off: {self.choice.label} could not be loaded ({error})")

    def result(self) -> tuple[Encoder | None, SemanticStatus]:
        with self._lock:
            if self._final is None:
                if self._thread is not None:
                    self._thread.join()
                outcome = self._outcome or (None, SemanticStatus(False, f"off: {self.choice.label} was not loaded"))
                if outcome[1] is NOT_CACHED:
                    model, reason = _download(self.choice)
                    status = SemanticStatus(True, f"on: {self.choice.name}")
                    outcome = (
                        (FastembedEncoder(model, self.choice), status)
                        if model is not None
                        else (None, SemanticStatus(False, reason))
                    )
                self._final = outcome
                key = _key(self.choice)
                with _loads_lock:
                    if outcome[0] is not None:
                        _loaded[key] = outcome[0]
                    if _loading.get(key) is self:
                        del _loading[key]
            return self._final


def _load_locally(choice: ModelChoice) -> tuple[Encoder | None, SemanticStatus]:
    """Load from local files only: the folder, or a named model from fastembed's cache (else NOT_CACHED)."""
    if choice.folder is None:
        return _load_named(choice)
    try:
        encoder = OnnxEncoder.load(choice)
    except Exception as error:  # a broken export: onnxruntime and tokenizers raise many kinds
        return None, SemanticStatus(False, f"off: model folder {choice.folder} could not be loaded ({error})")
    return encoder, SemanticStatus(True, f"on: {choice.folder}")


def _load_named(choice: ModelChoice) -> tuple[Encoder | None, SemanticStatus]:
    try:
        import fastembed  # noqa: F401
    except ImportError:
        return None, SemanticStatus(False, f"off: fastembed is not installed ({INSTALL_HINT})")
    if not is_fastembed_model(choice.name) and choice.name not in KNOWN_MODELS:
        return None, SemanticStatus(
            False, f"off: {choice.name} is not a model fastembed knows; give a local folder with its ONNX export"
        )
    if choice.name in KNOWN_MODELS:
        register_custom_model(choice, source={"hf": choice.name})
    model = _from_cache(choice)
    if model is None:
        return None, NOT_CACHED
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


# ---------------------------------------------------------------- encoders


def encoder_id(choice: ModelChoice) -> str:
    """What a model's vectors are cached under: its weights and whether texts get the e5 prefixes."""
    return f"{choice.model_id}|prefixes={choice.prefixes}"


def query_cache_id(model_id: str) -> str:
    return f"{model_id}|queries"


class ModelUnavailable(RuntimeError):
    """A model that was not needed at first (every vector was cached) could not be loaded when it was."""


class PrefixingEncoder:
    """Adds the e5 prefixes where the model wants them, embeds texts sorted by length, normalises the rows."""

    def __init__(self, choice: ModelChoice) -> None:
        self.choice = choice
        self.model_id = encoder_id(choice)

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
        vectors = np.asarray(self._embed([texts[i] for i in order]), np.float32)
        rows = np.empty_like(vectors)
        rows[order] = vectors
        return normalise(rows)

    def _embed(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


class FastembedEncoder(PrefixingEncoder):
    """A fastembed TextEmbedding: the named models, downloaded and cached by fastembed."""

    def __init__(self, model: Any, choice: ModelChoice) -> None:
        super().__init__(choice)
        self.model = model

    def _embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(list(self.model.embed(texts, batch_size=BATCH_SIZE)), np.float32)


class OnnxEncoder(PrefixingEncoder):
    """A local folder's ONNX export run directly with ONNX Runtime and its tokenizer.json.

    Why not through fastembed, as named models are: `import fastembed` alone took about half a second, and its
    TextEmbedding reads the tokenizer and then creates the session, one after the other, where here they run side
    by side. The steps are fastembed's (0.9.1) for a model registered with mean pooling and normalisation: the same
    tokenizer settings (`load_tokenizer`), session options, inputs, pooling and normalisation, so the vectors are
    the same to the bit (tests/matching/test_semantic.py compares both on the suite's model)."""

    def __init__(self, tokenizer: Any, session: Any, choice: ModelChoice) -> None:
        super().__init__(choice)
        self.tokenizer = tokenizer
        self.session = session
        self.input_names = {node.name for node in session.get_inputs()}

    @classmethod
    def load(cls, choice: ModelChoice) -> OnnxEncoder:
        """Read the tokenizer in a thread of its own while the session is created. The copy of the weights, the
        first time, is made before: the two at once would add the tokenizer's 300 MB to the copy's 850 MB."""
        assert choice.folder is not None
        model = runnable_model(choice)
        found: dict[str, Any] = {}

        def read_tokenizer() -> None:
            try:
                found["tokenizer"] = load_tokenizer(choice.folder)
            except BaseException as error:  # noqa: BLE001 - raised again below, in the loading thread
                found["error"] = error

        reader = threading.Thread(target=read_tokenizer, name="kb-tokenizer-load")
        reader.start()
        try:
            session = _session_or_original(model, choice)
        finally:
            reader.join()
        if "error" in found:
            raise found["error"]
        return cls(found["tokenizer"], session, choice)

    def _embed(self, texts: list[str]) -> np.ndarray:
        return np.concatenate([self._batch(texts[i : i + BATCH_SIZE]) for i in range(0, len(texts), BATCH_SIZE)])

    def _batch(self, texts: list[str]) -> np.ndarray:
        """fastembed's OnnxTextModel.onnx_embed and CustomTextEmbedding._post_process_onnx_output, for mean pooling."""
        encoded = self.tokenizer.encode_batch(texts)
        input_ids = np.array([e.ids for e in encoded], dtype=np.int64)
        attention_mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        inputs = {"input_ids": input_ids}
        if "attention_mask" in self.input_names:
            inputs["attention_mask"] = attention_mask
        if "token_type_ids" in self.input_names:
            inputs["token_type_ids"] = np.zeros_like(input_ids)
        output = self.session.run(None, inputs)[0]
        # Mean over the real tokens, summed in float64; then L2 with fastembed's floor; back to the model's dtype.
        summed = np.sum(output, axis=1, where=attention_mask[:, :, np.newaxis].astype(bool), dtype=np.float64)
        pooled = summed / np.maximum(np.sum(attention_mask, axis=1, keepdims=True), 1e-9)
        pooled = pooled / np.maximum(np.linalg.norm(pooled, ord=2, axis=1, keepdims=True), 1e-12)
        return pooled.astype(output.dtype, copy=False) if np.issubdtype(output.dtype, np.floating) else pooled


# The weights kept apart from the graph: ONNX Runtime maps a file of external data instead of parsing 400 MB of
# weights out of the graph and copying them (multilingual-e5-small int8: 0.1 s instead of 0.8 to 1.5 s, and 350 MB
# less resident memory). Copies live under the model cache, one per version of a folder's weights.
COPIES_FOLDER = "onnx-external"
WEIGHTS_FILE = "model.onnx.data"
SOURCE_FILE = "source.txt"  # the folder a copy was made from: a copy whose folder is gone is removed


def runnable_model(choice: ModelChoice) -> Path:
    """The ONNX file to create the session from: the folder's own when its weights are kept apart from the graph
    already; else kb's copy that keeps them apart, made the first time (as it is, without optimising the graph:
    the session optimises it as it would the original, and the vectors are the same to the bit). The folder's own
    file when the copy cannot be made (a read-only or full disk)."""
    assert choice.folder is not None
    original = choice.folder / choice.model_file
    if choice.additional_files:
        return original
    copies = choice.cache_dir / COPIES_FOLDER
    stem = f"{choice.folder.name}-{hashlib.sha256(str(choice.folder).encode()).hexdigest()[:8]}-"
    copy = copies / (stem + hashlib.sha256(f"{choice.model_id}|{_onnxruntime_version()}".encode()).hexdigest()[:16])
    if (copy / "model.onnx").is_file() and (copy / WEIGHTS_FILE).is_file():
        return copy / "model.onnx"
    try:
        copies.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=".making-", dir=copies))
    except OSError:
        return original
    try:
        write_external_weights(original, temp / "model.onnx")
        (temp / SOURCE_FILE).write_text(str(choice.folder), encoding="utf-8")
        temp.rename(copy)
    except Exception:  # no room, no right to write, or a broken export (then loading the original says why)
        shutil.rmtree(temp, ignore_errors=True)
        return copy / "model.onnx" if (copy / WEIGHTS_FILE).is_file() else original  # another process made it
    _prune_copies(copies, copy, stem)
    return copy / "model.onnx"


def _session_or_original(model: Path, choice: ModelChoice) -> Any:
    """The session from kb's copy; from the folder's own file when the copy turns out damaged (it is removed)."""
    assert choice.folder is not None
    original = choice.folder / choice.model_file
    if model == original:
        return onnx_session(model)
    try:
        return onnx_session(model)
    except Exception:
        shutil.rmtree(model.parent, ignore_errors=True)
        return onnx_session(original)


def _prune_copies(copies: Path, keep: Path, stem: str) -> None:
    """Remove the copies of this folder's earlier weights, of folders that are gone, and copies left half-made."""
    for old in copies.iterdir():
        if old == keep:
            continue
        try:
            if old.name.startswith(".making-"):  # another process may be making it: only if abandoned a day ago
                stale = time.time() - old.stat().st_mtime > 24 * 3600
            else:
                stale = old.name.startswith(stem) or not Path((old / SOURCE_FILE).read_text(encoding="utf-8")).exists()
        except OSError:
            continue
        if stale:
            shutil.rmtree(old, ignore_errors=True)


def write_external_weights(source: Path, target: Path) -> None:
    """`source`'s graph, unoptimised, into `target`, with its weights in WEIGHTS_FILE beside it (ONNX Runtime's
    own writer: no other package needed)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.optimized_model_filepath = str(target)
    options.add_session_config_entry("session.optimized_model_external_initializers_file_name", WEIGHTS_FILE)
    options.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
    ort.InferenceSession(str(source), providers=["CPUExecutionProvider"], sess_options=options)
    if not (target.is_file() and (target.parent / WEIGHTS_FILE).is_file()):
        raise OSError(f"ONNX Runtime wrote no copy of {source}")


def _onnxruntime_version() -> str:
    import onnxruntime as ort

    return ort.__version__


def onnx_session(path: Path) -> Any:
    """An ONNX Runtime session as fastembed creates one: all graph optimisations, CUDA when ONNX Runtime has it."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    cuda = "CUDAExecutionProvider" in ort.get_available_providers()
    providers = ["CUDAExecutionProvider" if cuda else "CPUExecutionProvider"]
    return ort.InferenceSession(str(path), providers=providers, sess_options=options)


def load_tokenizer(folder: Path) -> Any:
    """tokenizer.json with the truncation, special tokens and padding fastembed sets from the folder's other files
    (fastembed.common.preprocessor_utils.load_tokenizer, 0.9.1)."""
    from tokenizers import AddedToken, Tokenizer

    config = _json_file(folder / "config.json") if (folder / "config.json").exists() else {}
    tokenizer_config = _json_file(folder / "tokenizer_config.json")
    limits = [
        value
        for value in (tokenizer_config.get("model_max_length"), tokenizer_config.get("max_length"))
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= sys.maxsize
    ]
    if not limits:
        raise ValueError(f"no maximum length (model_max_length or max_length) in {folder / 'tokenizer_config.json'}")
    special = _json_file(folder / "special_tokens_map.json") if (folder / "special_tokens_map.json").exists() else {}
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    truncation = tokenizer.truncation or {}
    tokenizer.enable_truncation(
        max_length=min(limits),
        direction=tokenizer_config.get("truncation_side") or truncation.get("direction", "right"),
    )
    for value in special.values():
        for token in value if isinstance(value, list) else [value]:
            if isinstance(token, str):
                tokenizer.add_special_tokens([token])
            elif isinstance(token, dict):
                tokenizer.add_special_tokens([AddedToken(**token)])
    padding = tokenizer.padding or {}
    pad_token = padding.get("pad_token") or tokenizer_config.get("pad_token")
    if pad_token is None:
        raise ValueError(f"no pad token for {folder}")
    pad_id = padding.get("pad_id", config.get("pad_token_id"))
    if pad_id is None:
        pad_id = tokenizer.token_to_id(pad_token)
    if pad_id is None:
        raise ValueError(f"no id for the pad token {pad_token!r} in {folder}")
    tokenizer.enable_padding(
        direction=tokenizer_config.get("padding_side") or padding.get("direction", "right"),
        pad_id=pad_id,
        pad_type_id=padding.get("pad_type_id", 0),
        pad_token=pad_token,
        pad_to_multiple_of=padding.get("pad_to_multiple_of"),
        length=None,
    )
    return tokenizer


def _json_file(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class DeferredEncoder:
    """The model of a ranker whose vectors were all cached: loaded at the first text it has to embed, if any."""

    def __init__(self, choice: ModelChoice) -> None:
        self.choice = choice
        self.model_id = encoder_id(choice)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encoder().encode_queries(texts) if texts else np.zeros((0, self.choice.dim), np.float32)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encoder().encode_passages(texts) if texts else np.zeros((0, self.choice.dim), np.float32)

    def _encoder(self) -> Encoder:
        encoder, status = start_load(self.choice).result()
        if encoder is None:
            raise ModelUnavailable(status.reason)
        return encoder


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
        self.query_cache = VectorCache(cache_dir, query_cache_id(encoder.model_id)) if cache_queries else None
        self.progress = progress if progress is not None else _terminal_stderr()
        self.passages: dict[str, np.ndarray] = {}
        self.embedded_last = 0  # passages the last embed_passages call had to run the model for
        self.known: dict[str, np.ndarray] | None = None  # the passage cache as just read, for the next call

    def embed_passages(self, passages: Sequence[tuple[str, str]]) -> np.ndarray:
        """Vectors for (key, text) pairs, one row each, from the cache where the text is unchanged."""
        cached = self.known if self.known is not None else self.cache.load()
        self.known = None
        digests = [text_digest(self.encoder.model_id, text) for _, text in passages]
        todo = {d: text for d, (_, text) in zip(digests, passages) if d not in cached}
        fresh = self._encode_with_progress(list(todo.values()))
        cached.update(zip(todo, fresh))
        self.embedded_last = len(todo)
        kept = _keep_bounded(cached, set(digests))
        if todo or kept is not cached:  # else the file already holds them
            self.cache.save(kept)
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

    def __init__(
        self,
        ranker: SemanticRanker,
        articles: Sequence[Article] = (),
        passages: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        """`passages`: the articles' `article_passages`, when the caller has them already."""
        passages = article_passages(articles) if passages is None else passages
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
        try:
            queries = self.ranker.embed_queries(list(texts))
        except ModelUnavailable:
            # Only for texts the caller did not announce (kb announces every question it ranks, so a report's status
            # is settled before it ranks): a related-articles list keeps its lexical order.
            return [[] for _ in texts]
        similarity = normalise(np.atleast_2d(queries)) @ self.vectors.T
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
