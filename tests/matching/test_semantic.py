"""The semantic stage, loaded through fastembed from a tiny ONNX model the tests build."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

# Installed by the test extra: without it these tests must fail, not skip.
import fastembed  # noqa: F401
import numpy as np
import pytest

from kb.matching import semantic
from kb.matching.semantic import (
    SemanticRanker,
    SemanticStatus,
    load_ranker,
    reciprocal_rank_fusion,
    resolve_model,
)

from .tiny_model import build_tiny_model

CORPUS = [
    "query: passage:",
    "How do I reset my password",
    "Reset your password from the sign-in page",
    "How to cancel auto-renewal of a subscription",
    "Request a refund for a course",
    "Change the email address on your account",
    "Download an invoice for a payment",
]

ARTICLES = [
    ("reset-password", "Reset your password from the sign-in page"),
    ("cancel-renewal", "How to cancel auto-renewal of a subscription"),
    ("refund", "Request a refund for a course"),
    ("invoice", "Download an invoice for a payment"),
]


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny-model", CORPUS)


class CountingEncoder:
    """Wraps a real encoder and counts the passages it is asked to embed."""

    def __init__(self, encoder: semantic.Encoder) -> None:
        self.encoder = encoder
        self.model_id = encoder.model_id
        self.passages_embedded = 0
        self.queries_embedded = 0

    def encode_queries(self, texts):
        self.queries_embedded += len(texts)
        return self.encoder.encode_queries(texts)

    def encode_passages(self, texts):
        self.passages_embedded += len(texts)
        return self.encoder.encode_passages(texts)


def load(folder: Path, tmp_path: Path, **kwargs) -> tuple[SemanticRanker | None, SemanticStatus]:
    return load_ranker(str(folder), tmp_path / "models", tmp_path / "vectors", **kwargs)


def test_tiny_model_is_small(model_folder: Path) -> None:
    total = sum(path.stat().st_size for path in model_folder.iterdir())
    assert total < 1_000_000
    assert {path.name for path in model_folder.iterdir()} == {
        "model.onnx",
        "tokenizer.json",
        "config.json",
        "special_tokens_map.json",
        "tokenizer_config.json",
    }


def test_loads_a_local_folder_with_onnx_runtime(model_folder: Path, tmp_path: Path) -> None:
    ranker, status = load(model_folder, tmp_path)
    assert status == SemanticStatus(True, f"on: {model_folder}")
    assert isinstance(ranker.encoder, semantic.OnnxEncoder)
    assert type(ranker.encoder.session).__name__ == "InferenceSession"
    vectors = ranker.embed_queries(["reset password", "reset password"])
    assert vectors.shape == (2, 32)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(vectors[0], vectors[1])


def test_a_folder_loads_again_in_the_same_process(model_folder: Path, tmp_path: Path, monkeypatch) -> None:
    first, _ = load(model_folder, tmp_path / "a")
    monkeypatch.setattr(semantic, "_loaded", {})  # forget the loaded model: fastembed loads it a second time
    second, status = load(model_folder, tmp_path / "b")
    assert status.on
    np.testing.assert_array_equal(first.embed_queries(["refund"]), second.embed_queries(["refund"]))


def test_similar_texts_rank_above_unrelated_ones(model_folder: Path, tmp_path: Path) -> None:
    ranker, _ = load(model_folder, tmp_path)
    ranker.embed_passages(ARTICLES)
    keys = [key for key, _ in ARTICLES]
    queries = ["How do I reset my password", "cancel my subscription renewal", "refund for a course"]
    scores = ranker.rank(ranker.embed_queries(queries), keys)
    assert scores.shape == (3, 4)
    assert [keys[i] for i in scores.argmax(axis=1)] == ["reset-password", "cancel-renewal", "refund"]
    for query, unrelated in [(0, 3), (1, 3), (2, 1)]:
        assert scores[query].max() - scores[query, unrelated] > 0.25


def test_the_cache_embeds_only_changed_passages(model_folder: Path, tmp_path: Path) -> None:
    ranker, _ = load(model_folder, tmp_path)
    counting = CountingEncoder(ranker.encoder)
    first = SemanticRanker(counting, tmp_path / "vectors")
    before = first.embed_passages(ARTICLES)
    assert counting.passages_embedded == 4

    changed = ARTICLES[:3] + [("invoice", "Download a receipt for a payment")]
    rebuild = SemanticRanker(counting, tmp_path / "vectors")
    after = rebuild.embed_passages(changed)
    assert counting.passages_embedded == 5
    assert rebuild.embedded_last == 1
    np.testing.assert_array_equal(before[:3], after[:3])

    again = SemanticRanker(counting, tmp_path / "vectors")
    again.embed_passages(changed)
    assert counting.passages_embedded == 5
    assert again.embedded_last == 0


def test_the_cache_is_one_matrix_and_an_index(model_folder: Path, tmp_path: Path) -> None:
    ranker, _ = load(model_folder, tmp_path)
    ranker.embed_passages(ARTICLES)
    [folder] = (tmp_path / "vectors").iterdir()
    assert sorted(path.name for path in folder.iterdir()) == ["index.json", "vectors.npy"]
    index = json.loads((folder / "index.json").read_text())
    assert index["model_id"] == ranker.encoder.model_id
    assert np.load(folder / "vectors.npy").shape == (4, 32)


def test_a_changed_model_does_not_reuse_vectors(model_folder: Path, tmp_path: Path) -> None:
    other = build_tiny_model(tmp_path / "other-model", CORPUS, seed=1)
    first, _ = load(model_folder, tmp_path)
    first.embed_passages(ARTICLES)
    second, _ = load(other, tmp_path)
    second.embed_passages(ARTICLES)
    assert second.embedded_last == 4


def test_another_help_centers_vectors_are_kept_until_the_stale_ones_pass_the_bound(
    model_folder: Path, tmp_path: Path, monkeypatch
) -> None:
    ranker, _ = load(model_folder, tmp_path)
    ranker.embed_passages(ARTICLES)
    ranker.embed_passages([("only", "Change the email address on your account")])
    [folder] = (tmp_path / "vectors").iterdir()
    assert np.load(folder / "vectors.npy").shape == (len(ARTICLES) + 1, 32)  # the first help center's are kept
    ranker.embed_passages(ARTICLES)
    assert ranker.embedded_last == 0  # so going back to it embeds nothing
    monkeypatch.setattr("kb.matching.semantic.SECTION_CACHE_STALE", 1)
    ranker.embed_passages([("only", "Change the email address on your account")])
    assert np.load(folder / "vectors.npy").shape == (1, 32)


def test_e5_models_get_query_and_passage_prefixes(model_folder: Path, tmp_path: Path) -> None:
    e5_folder = tmp_path / "tiny-e5"
    shutil.copytree(model_folder, e5_folder)
    plain, _ = load(model_folder, tmp_path)
    e5, status = load(e5_folder, tmp_path)
    assert status.on and e5.encoder.choice.prefixes and not plain.encoder.choice.prefixes

    text = "Reset your password"
    np.testing.assert_allclose(e5.embed_queries([text]), plain.embed_queries([f"query: {text}"]), atol=1e-6)
    e5.embed_passages([("a", text)])
    plain.embed_passages([("a", f"passage: {text}")])
    np.testing.assert_allclose(e5.passages["a"], plain.passages["a"], atol=1e-6)
    assert not np.allclose(e5.embed_queries([text]), plain.embed_queries([text]))


def test_prefix_setting_overrides_the_name(model_folder: Path, tmp_path: Path) -> None:
    ranker, status = load(model_folder, tmp_path, prefixes=True)
    assert status.on and ranker.encoder.choice.prefixes
    assert resolve_model(str(model_folder), tmp_path, prefixes=True).prefixes
    assert not resolve_model("intfloat/multilingual-e5-small", tmp_path, prefixes=False).prefixes
    assert resolve_model(None, tmp_path).prefixes
    assert not resolve_model("BAAI/bge-small-en-v1.5", tmp_path).prefixes


def test_resolve_model_default_and_folder(model_folder: Path, tmp_path: Path) -> None:
    named = resolve_model(None, tmp_path)
    assert (named.name, named.folder, named.dim, named.model_file) == (
        "intfloat/multilingual-e5-small",
        None,
        384,
        "onnx/model.onnx",
    )
    local = resolve_model(str(model_folder), tmp_path)
    assert local.folder == model_folder and local.model_file == "model.onnx" and local.dim == 32


def test_missing_folder_is_off_with_a_reason(tmp_path: Path) -> None:
    ranker, status = load(tmp_path / "no-such-model", tmp_path)
    assert ranker is None
    assert status == SemanticStatus(False, f"off: model folder {tmp_path / 'no-such-model'} does not exist")


def test_folder_without_tokenizer_is_off_with_a_reason(model_folder: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(model_folder, broken)
    (broken / "tokenizer.json").unlink()
    ranker, status = load(broken, tmp_path)
    assert ranker is None and status.reason == f"off: model folder {broken} lacks tokenizer.json"


def test_folder_with_a_broken_onnx_file_is_off(model_folder: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(model_folder, broken)
    (broken / "model.onnx").write_bytes(b"not a model")
    ranker, status = load(broken, tmp_path)
    assert ranker is None and status.reason.startswith(f"off: model folder {broken} could not be loaded (")


def test_missing_fastembed_is_off_with_a_reason(model_folder: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "fastembed", None)
    ranker, status = load(model_folder, tmp_path)
    assert ranker is None
    assert status == SemanticStatus(False, "off: fastembed is not installed (pip install 'kb-helpcenter[semantic]')")


def test_no_embeddings_switch(model_folder: Path, tmp_path: Path) -> None:
    assert load(model_folder, tmp_path, enabled=False) == (None, SemanticStatus(False, "off: --no-embeddings"))


def test_uncached_model_offline_is_off_quickly(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(semantic, "hub_endpoint", lambda: "http://127.0.0.1:9")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    started = time.monotonic()
    ranker, status = load_ranker(None, tmp_path / "models", tmp_path / "vectors")
    assert time.monotonic() - started < 10
    assert ranker is None
    assert status == SemanticStatus(
        False, "off: model intfloat/multilingual-e5-small is not cached and could not be downloaded (offline)"
    )


def test_offline_env_skips_the_network(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(semantic, "hub_reachable", lambda *a, **k: pytest.fail("the network was tried"))
    _, status = load_ranker("BAAI/bge-small-en-v1.5", tmp_path / "models", tmp_path / "vectors")
    assert status.reason == "off: model BAAI/bge-small-en-v1.5 is not cached and could not be downloaded (offline)"


def test_unknown_model_name_is_off(tmp_path: Path) -> None:
    _, status = load_ranker("someone/some-model", tmp_path / "models", tmp_path / "vectors")
    assert not status.on and "not a model fastembed knows" in status.reason


def test_progress_line_for_many_passages(model_folder: Path, tmp_path: Path) -> None:
    ranker, _ = load(model_folder, tmp_path)
    stream = io.StringIO()
    noisy = SemanticRanker(ranker.encoder, tmp_path / "progress", progress=stream)
    noisy.embed_passages([(f"p{i}", f"password reset number {i}") for i in range(semantic.PROGRESS_MIN_PASSAGES + 1)])
    assert stream.getvalue().endswith("embedding passages: 301/301\n")
    quiet = io.StringIO()
    SemanticRanker(ranker.encoder, tmp_path / "quiet", progress=quiet).embed_passages(ARTICLES)
    assert quiet.getvalue() == ""


def test_rank_rejects_unknown_keys(model_folder: Path, tmp_path: Path) -> None:
    ranker, _ = load(model_folder, tmp_path)
    ranker.embed_passages(ARTICLES[:1])
    with pytest.raises(KeyError, match="refund"):
        ranker.rank(ranker.embed_queries(["x"]), ["refund"])


def test_reciprocal_rank_fusion_by_hand() -> None:
    keyword = ["a", "b", "c"]
    semantic_ = ["b", "c", "d"]
    fused = reciprocal_rank_fusion([keyword, semantic_], k=60)
    expected = {
        "a": 1 / 61,
        "b": 1 / 62 + 1 / 61,
        "c": 1 / 63 + 1 / 62,
        "d": 1 / 63,
    }
    assert [key for key, _ in fused] == ["b", "c", "a", "d"]
    for key, score in fused:
        assert score == pytest.approx(expected[key])


def test_reciprocal_rank_fusion_weights_and_ties() -> None:
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "a"]], k=1, weights=[2.0, 1.0])
    assert fused == [("a", pytest.approx(2 / 2 + 1 / 3)), ("b", pytest.approx(2 / 3 + 1 / 2))]
    assert [key for key, _ in reciprocal_rank_fusion([["x"], ["y"]])] == ["x", "y"]
    assert reciprocal_rank_fusion([]) == []
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], weights=[1.0, 2.0])


TEXTS_OF_MANY_LENGTHS = [
    "Request a refund for a course, then download an invoice for the payment and change the email address",
    "Reset your password",
    "How to cancel auto-renewal of a subscription",
    "refund",
    "Change the email address on your account",
]


def test_texts_embedded_shortest_first_come_back_in_their_order(
    model_folder: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(semantic, "BATCH_SIZE", 2)  # several batches, each of texts of other lengths
    ranker, _ = load(model_folder, tmp_path)
    alone = np.stack([ranker.embed_queries([text])[0] for text in TEXTS_OF_MANY_LENGTHS])
    np.testing.assert_allclose(ranker.embed_queries(TEXTS_OF_MANY_LENGTHS), alone, atol=1e-6)
    assert not np.allclose(alone[0], alone[1])

    keys = [f"p{i}" for i in range(len(TEXTS_OF_MANY_LENGTHS))]
    together = ranker.embed_passages(list(zip(keys, TEXTS_OF_MANY_LENGTHS)))
    for key, text, row in zip(keys, TEXTS_OF_MANY_LENGTHS, together):
        single = SemanticRanker(ranker.encoder, tmp_path / key).embed_passages([(key, text)])
        np.testing.assert_allclose(row, single[0], atol=1e-6)
        np.testing.assert_allclose(ranker.passages[key], single[0], atol=1e-6)


def test_a_loaded_model_is_reused_until_its_files_change(model_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "tiny-copy"
    shutil.copytree(model_folder, folder)
    first, _ = load(folder, tmp_path / "a")
    again, _ = load(folder, tmp_path / "b")
    assert again.encoder is first.encoder
    time.sleep(0.01)
    (folder / "model.onnx").write_bytes((folder / "model.onnx").read_bytes())  # same weights, a new file
    reloaded, status = load(folder, tmp_path / "c")
    assert status.on and reloaded.encoder is not first.encoder
    assert reloaded.encoder.model_id != first.encoder.model_id


def test_query_vectors_are_cached_only_when_asked(model_folder: Path, tmp_path: Path) -> None:
    ranker, _ = load(model_folder, tmp_path)
    counting = CountingEncoder(ranker.encoder)
    queries = ["How do I reset my password", "refund for a course"]
    first = SemanticRanker(counting, tmp_path / "vectors", cache_queries=True).embed_queries(queries)
    assert counting.queries_embedded == 2
    rebuild = SemanticRanker(counting, tmp_path / "vectors", cache_queries=True)
    np.testing.assert_array_equal(rebuild.embed_queries(queries), first)
    assert counting.queries_embedded == 2
    both = rebuild.embed_queries([queries[1], "cancel my subscription renewal"])
    assert counting.queries_embedded == 3
    np.testing.assert_array_equal(both[0], first[1])
    np.testing.assert_allclose(both[1], ranker.embed_queries(["cancel my subscription renewal"])[0], atol=1e-6)
    assert rebuild.embed_queries([]).shape[0] == 0

    server = SemanticRanker(counting, tmp_path / "vectors")
    server.embed_queries(queries)
    server.embed_queries(queries)
    assert counting.queries_embedded == 7


def test_query_and_passage_vectors_of_the_same_text_are_kept_apart(model_folder: Path, tmp_path: Path) -> None:
    e5_folder = tmp_path / "tiny-e5"
    shutil.copytree(model_folder, e5_folder)
    ranker, _ = load(e5_folder, tmp_path, cache_queries=True)
    text = "Reset your password"
    passage = ranker.embed_passages([("a", text)])[0]
    query = ranker.embed_queries([text])[0]
    assert not np.allclose(passage, query)
    again, _ = load(e5_folder, tmp_path, cache_queries=True)
    np.testing.assert_array_equal(again.embed_queries([text])[0], query)
    np.testing.assert_array_equal(again.embed_passages([("a", text)])[0], passage)


def test_the_query_cache_is_bounded(model_folder: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(semantic, "QUERY_CACHE_MAX", 3)
    ranker, _ = load(model_folder, tmp_path, cache_queries=True)
    ranker.embed_queries(["refund", "invoice", "password"])
    ranker.embed_queries(["renewal", "email"])
    kept = [folder for folder in (tmp_path / "vectors").iterdir()]
    assert [np.load(folder / "vectors.npy").shape[0] for folder in kept] == [2]


def test_the_fusion_leans_on_the_lexical_ranking():
    from kb.matching.semantic import fuse, reciprocal_rank_fusion

    # "a" is first by words and 12th by meaning, "b" first by meaning and 10th by words: with equal weights "b"
    # would win; the lexical ranking, the stronger on real help centers, decides.
    lexical = ["a", *[f"w{i}" for i in range(8)], "b"]
    meaning = ["b", *[f"m{i}" for i in range(10)], "a"]
    assert reciprocal_rank_fusion([lexical, meaning])[0][0] == "b"
    assert fuse(lexical, meaning)[:2] == ["a", "b"]


# ---------------------------------------------------------------- loading: directly, in the background, or not at all

LONG_TEXT = " ".join(["refund invoice password subscription"] * 60)  # past the tiny model's 128 tokens: truncated


def fastembed_reference(choice: semantic.ModelChoice) -> semantic.FastembedEncoder:
    """The folder as fastembed itself runs it: registered with mean pooling and normalisation, its TextEmbedding."""
    semantic.register_custom_model(choice, source={"url": choice.folder.as_uri()})
    return semantic.FastembedEncoder(semantic._text_embedding(choice, specific_model_path=str(choice.folder)), choice)


@pytest.mark.parametrize("name", ["tiny-model", "tiny-e5"])
def test_a_folder_run_directly_gives_fastembeds_vectors_to_the_bit(
    model_folder: Path, tmp_path: Path, monkeypatch, name: str
) -> None:
    folder = tmp_path / name
    shutil.copytree(model_folder, folder)
    monkeypatch.setattr(semantic, "BATCH_SIZE", 3)  # several batches, each padded to its longest text
    choice = resolve_model(str(folder), tmp_path / "models")
    direct, reference = semantic.OnnxEncoder.load(choice), fastembed_reference(choice)
    texts = [text for _, text in ARTICLES] + ["refund", LONG_TEXT, "", "退款 refund 密码"]
    np.testing.assert_array_equal(direct.encode_queries(texts), reference.encode_queries(texts))
    np.testing.assert_array_equal(direct.encode_passages(texts), reference.encode_passages(texts))
    assert direct.model_id == reference.model_id


def test_the_folder_tokenizer_is_set_up_as_fastembed_sets_it_up(model_folder: Path, tmp_path: Path) -> None:
    from fastembed.common.preprocessor_utils import load_tokenizer

    folder = tmp_path / "short"
    shutil.copytree(model_folder, folder)
    config = json.loads((folder / "tokenizer_config.json").read_text())
    config.update(model_max_length=16, max_length=12, padding_side="left", truncation_side="left")
    (folder / "tokenizer_config.json").write_text(json.dumps(config))
    ours, (theirs, _) = semantic.load_tokenizer(folder), load_tokenizer(folder)
    assert ours.truncation == theirs.truncation and ours.truncation["max_length"] == 12
    assert ours.padding == theirs.padding and ours.padding["direction"] == "left"
    batch = ["refund", LONG_TEXT]
    assert [e.ids for e in ours.encode_batch(batch)] == [e.ids for e in theirs.encode_batch(batch)]


@pytest.fixture
def fresh_process(monkeypatch) -> list[str]:
    """No model loaded in this process yet; returns the names of the threads that load one from local files."""
    monkeypatch.setattr(semantic, "_loaded", {})
    monkeypatch.setattr(semantic, "_loading", {})
    threads: list[str] = []
    real = semantic._load_locally

    def counted(choice):
        threads.append(threading.current_thread().name)
        return real(choice)

    monkeypatch.setattr(semantic, "_load_locally", counted)
    return threads


def prepare(folder: Path, tmp_path: Path, passages=ARTICLES, queries=("refund for a course",)):
    return semantic.prepare_ranker(
        str(folder), tmp_path / "models", tmp_path / "vectors", passages=passages, queries=queries, cache_queries=True
    )


def test_the_model_loads_in_the_background_while_the_caller_goes_on(
    model_folder: Path, tmp_path: Path, monkeypatch, fresh_process: list[str]
) -> None:
    entered, release = threading.Event(), threading.Event()
    real = semantic.OnnxEncoder.load

    def held(choice):
        entered.set()
        release.wait(10)
        return real(choice)

    monkeypatch.setattr(semantic.OnnxEncoder, "load", held)
    prepared = prepare(model_folder, tmp_path)
    assert prepared.loading and entered.wait(10)  # the load runs, and this thread went on without it
    assert fresh_process == ["kb-model-load"]
    release.set()
    ranker, status = prepared.result()
    assert status == SemanticStatus(True, f"on: {model_folder}")
    assert isinstance(ranker.encoder, semantic.OnnxEncoder)  # the background load's model is the one used
    reference = fastembed_reference(resolve_model(str(model_folder), tmp_path / "models"))
    np.testing.assert_array_equal(ranker.embed_queries(["refund"]), reference.encode_queries(["refund"]))
    assert fresh_process == ["kb-model-load"]


def test_no_model_is_loaded_when_every_vector_is_cached(
    model_folder: Path, tmp_path: Path, fresh_process: list[str]
) -> None:
    first, _ = prepare(model_folder, tmp_path).result()
    passages = first.embed_passages(ARTICLES)
    question = first.embed_queries(["refund for a course"])
    assert len(fresh_process) == 1
    semantic._loaded.clear()  # a new process: the vectors are on disk, the model is not loaded

    again = prepare(model_folder, tmp_path)
    assert not again.loading
    ranker, status = again.result()
    assert status == SemanticStatus(True, f"on: {model_folder}")
    np.testing.assert_array_equal(ranker.embed_passages(ARTICLES), passages)
    np.testing.assert_array_equal(ranker.embed_queries(["refund for a course"]), question)
    assert ranker.embedded_last == 0 and len(fresh_process) == 1  # nothing loaded

    assert prepare(model_folder, tmp_path, queries=["a question asked for the first time"]).loading
    assert prepare(model_folder, tmp_path, passages=ARTICLES + [("new", "A new section")]).loading


def test_a_text_nobody_announced_loads_the_model_when_it_comes(
    model_folder: Path, tmp_path: Path, fresh_process: list[str]
) -> None:
    prepare(model_folder, tmp_path).result()[0].embed_passages(ARTICLES)
    semantic._loaded.clear()
    ranker, _ = prepare(model_folder, tmp_path, queries=()).result()
    assert isinstance(ranker.encoder, semantic.DeferredEncoder) and len(fresh_process) == 1
    vectors = ranker.embed_queries(["cancel my subscription renewal"])
    assert len(fresh_process) == 2
    reference = fastembed_reference(resolve_model(str(model_folder), tmp_path / "models"))
    np.testing.assert_array_equal(vectors, reference.encode_queries(["cancel my subscription renewal"]))


def test_a_deferred_model_that_cannot_load_leaves_the_ranking_lexical(
    model_folder: Path, tmp_path: Path, fresh_process: list[str]
) -> None:
    folder = tmp_path / "tiny-copy"
    shutil.copytree(model_folder, folder)
    first, _ = prepare(folder, tmp_path).result()
    expected = semantic.SectionIndex(first, passages=ARTICLES).top(["refund for a course"], limit=2)
    semantic._loaded.clear()
    ranker, status = prepare(folder, tmp_path).result()
    assert status.on and isinstance(ranker.encoder, semantic.DeferredEncoder)
    (folder / "tokenizer.json").write_text("{ not json")  # broken after the vectors were made
    cached = semantic.SectionIndex(ranker, passages=ARTICLES)
    assert cached.top(["refund for a course"], limit=2) == expected == [["refund", "invoice"]]
    assert cached.top(["a question never embedded"]) == [[]]  # no meaning to add: related lists stay lexical
    with pytest.raises(semantic.ModelUnavailable, match="could not be loaded"):
        ranker.embed_queries(["another question never embedded"])


@pytest.mark.parametrize(
    "broken, message",
    [("model.onnx", "could not be loaded ("), ("tokenizer.json", "could not be loaded (")],
)
def test_a_broken_folder_loading_in_the_background_reports_off_with_the_reason(
    model_folder: Path, tmp_path: Path, fresh_process: list[str], broken: str, message: str
) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(model_folder, folder)
    (folder / broken).write_bytes(b"not a model")
    prepared = prepare(folder, tmp_path)
    assert prepared.loading
    ranker, status = prepared.result()
    assert ranker is None and status.reason.startswith(f"off: model folder {folder} {message}")
    assert fresh_process == ["kb-model-load"] and not semantic._loading  # a failed load is not kept
    assert semantic.start_load(resolve_model(str(folder), tmp_path / "models")).result()[1] == status


class Interrupted(BaseException):
    """Not an Exception: what no `except Exception` would catch."""


def test_whatever_stops_a_background_load_becomes_the_status_without_hanging(
    model_folder: Path, tmp_path: Path, monkeypatch, fresh_process: list[str]
) -> None:
    def stopped(choice):
        raise Interrupted("the load was stopped")

    monkeypatch.setattr(semantic.OnnxEncoder, "load", stopped)
    started = time.monotonic()
    ranker, status = prepare(model_folder, tmp_path).result()
    assert time.monotonic() - started < 5
    assert ranker is None
    assert status == SemanticStatus(False, f"off: {model_folder} could not be loaded (the load was stopped)")
    assert not [t for t in threading.enumerate() if t.name.startswith("kb-")]


def test_one_load_serves_every_caller_in_a_process(
    model_folder: Path, tmp_path: Path, fresh_process: list[str]
) -> None:
    first, second = prepare(model_folder, tmp_path / "a"), prepare(model_folder, tmp_path / "b")
    (one, _), (two, _) = first.result(), second.result()
    assert one.encoder is two.encoder and fresh_process == ["kb-model-load"]
    third, _ = load(model_folder, tmp_path / "c")
    assert third.encoder is one.encoder and fresh_process == ["kb-model-load"]


def test_a_named_model_is_downloaded_by_the_caller_not_the_background(
    tmp_path: Path, monkeypatch, fresh_process: list[str]
) -> None:
    downloads: list[str] = []

    def download(choice):
        downloads.append(threading.current_thread().name)
        return None, "off: no network here"

    monkeypatch.setattr(semantic, "_download", download)
    prepared = semantic.prepare_ranker(None, tmp_path / "models", tmp_path / "vectors", passages=ARTICLES, queries=())
    assert prepared.loading
    assert prepared.result() == (None, SemanticStatus(False, "off: no network here"))
    assert fresh_process == ["kb-model-load"] and downloads == [threading.current_thread().name]


def test_a_process_that_ends_while_the_model_loads_exits_cleanly(model_folder: Path, tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from kb.matching import semantic\n"
        "p = semantic.prepare_ranker(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[2]), passages=[('a', 'refund')])\n"
        "assert p.loading\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(model_folder), str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stderr) == (0, "")


def sessions_opened(monkeypatch) -> list[Path]:
    opened: list[Path] = []
    real = semantic.onnx_session
    monkeypatch.setattr(semantic, "onnx_session", lambda path: opened.append(path) or real(path))
    return opened


def test_a_folder_runs_from_a_copy_that_keeps_its_weights_apart(
    model_folder: Path, tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "tiny-copy"
    shutil.copytree(model_folder, folder)
    opened = sessions_opened(monkeypatch)
    choice = resolve_model(str(folder), tmp_path / "models")
    first = semantic.OnnxEncoder.load(choice)
    [copy] = (tmp_path / "models" / semantic.COPIES_FOLDER).iterdir()
    assert opened == [copy / "model.onnx"]
    assert (copy / semantic.WEIGHTS_FILE).stat().st_size > (copy / "model.onnx").stat().st_size
    texts = [text for _, text in ARTICLES] + [LONG_TEXT]
    np.testing.assert_array_equal(first.encode_passages(texts), fastembed_reference(choice).encode_passages(texts))

    monkeypatch.setattr(semantic, "write_external_weights", lambda *a: pytest.fail("the copy was made again"))
    semantic.OnnxEncoder.load(choice)
    assert opened == [copy / "model.onnx"] * 2

    time.sleep(0.01)
    (folder / "model.onnx").write_bytes((folder / "model.onnx").read_bytes())  # new weights: a new copy, the old gone
    monkeypatch.undo()
    opened = sessions_opened(monkeypatch)
    semantic.OnnxEncoder.load(resolve_model(str(folder), tmp_path / "models"))
    [newer] = (tmp_path / "models" / semantic.COPIES_FOLDER).iterdir()
    assert newer != copy and opened == [newer / "model.onnx"]


def test_without_room_for_the_copy_the_folder_runs_from_its_own_file(
    model_folder: Path, tmp_path: Path, monkeypatch
) -> None:
    def full(source, target):
        target.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(semantic, "write_external_weights", full)
    opened = sessions_opened(monkeypatch)
    choice = resolve_model(str(model_folder), tmp_path / "models")
    encoder = semantic.OnnxEncoder.load(choice)
    assert opened == [model_folder / "model.onnx"]
    assert list((tmp_path / "models" / semantic.COPIES_FOLDER).iterdir()) == []  # nothing half-written left
    np.testing.assert_array_equal(
        encoder.encode_queries(["refund"]), fastembed_reference(choice).encode_queries(["refund"])
    )


def test_a_folder_with_its_weights_apart_already_is_run_as_it_is(
    model_folder: Path, tmp_path: Path, monkeypatch
) -> None:
    import onnx

    folder = tmp_path / "external"
    shutil.copytree(model_folder, folder)
    graph = onnx.load(str(folder / "model.onnx"))
    onnx.save(graph, str(folder / "model.onnx"), save_as_external_data=True, location="model.onnx_data")
    opened = sessions_opened(monkeypatch)
    choice = resolve_model(str(folder), tmp_path / "models")
    assert choice.additional_files == ("model.onnx_data",)
    encoder = semantic.OnnxEncoder.load(choice)
    assert opened == [folder / "model.onnx"] and not (tmp_path / "models" / semantic.COPIES_FOLDER).exists()
    np.testing.assert_array_equal(
        encoder.encode_queries(["refund"]), fastembed_reference(choice).encode_queries(["refund"])
    )


def test_a_damaged_copy_is_dropped_and_the_folder_runs_from_its_own_file(
    model_folder: Path, tmp_path: Path, monkeypatch
) -> None:
    choice = resolve_model(str(model_folder), tmp_path / "models")
    semantic.OnnxEncoder.load(choice)
    [copy] = (tmp_path / "models" / semantic.COPIES_FOLDER).iterdir()
    (copy / semantic.WEIGHTS_FILE).write_bytes(b"cut short")
    opened = sessions_opened(monkeypatch)
    encoder = semantic.OnnxEncoder.load(choice)
    assert opened == [copy / "model.onnx", model_folder / "model.onnx"] and not copy.exists()
    np.testing.assert_array_equal(
        encoder.encode_queries(["refund"]), fastembed_reference(choice).encode_queries(["refund"])
    )


def test_copies_of_model_folders_that_are_gone_are_removed(model_folder: Path, tmp_path: Path) -> None:
    gone = tmp_path / "gone-model"
    shutil.copytree(model_folder, gone)
    semantic.OnnxEncoder.load(resolve_model(str(gone), tmp_path / "models"))
    shutil.rmtree(gone)
    copies = tmp_path / "models" / semantic.COPIES_FOLDER
    [orphan] = copies.iterdir()
    semantic.OnnxEncoder.load(resolve_model(str(model_folder), tmp_path / "models"))
    [kept] = copies.iterdir()
    assert kept != orphan and (kept / semantic.SOURCE_FILE).read_text() == str(model_folder)
