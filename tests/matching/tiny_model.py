"""A tiny sentence-embedding model the tests build themselves: a real ONNX export fastembed loads.

The tokenizer is a WordPiece vocabulary trained on the given corpus; the network is an
embedding lookup (each token a fixed pseudo-random vector, special tokens zero) masked by the
attention mask. Mean-pooled and normalised by fastembed, texts that share tokens get
similar vectors, and the same text always gets the same vector.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

DIM = 32
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MAX_LENGTH = 128


def build_tiny_model(folder: Path, corpus: list[str], dim: int = DIM, seed: int = 0) -> Path:
    """Write model.onnx and the tokenizer files fastembed reads into `folder`; return `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = train_tokenizer(corpus)
    tokenizer.save(str(folder / "tokenizer.json"))
    write_tokenizer_configs(folder, dim)
    table = embedding_table(tokenizer, dim, seed)
    onnx.save(lookup_graph(table), str(folder / "model.onnx"))
    return folder


def train_tokenizer(corpus: list[str]) -> Tokenizer:
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True, handle_chinese_chars=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=2000, min_frequency=1, special_tokens=SPECIAL_TOKENS)
    tokenizer.train_from_iterator(corpus, trainer=trainer)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)],
    )
    return tokenizer


def write_tokenizer_configs(folder: Path, dim: int) -> None:
    files = {
        "config.json": {"model_type": "bert", "hidden_size": dim, "pad_token_id": 0},
        "special_tokens_map.json": {
            "pad_token": "[PAD]",
            "unk_token": "[UNK]",
            "cls_token": "[CLS]",
            "sep_token": "[SEP]",
            "mask_token": "[MASK]",
        },
        "tokenizer_config.json": {
            "model_max_length": MAX_LENGTH,
            "pad_token": "[PAD]",
            "unk_token": "[UNK]",
            "do_lower_case": True,
        },
    }
    for name, content in files.items():
        (folder / name).write_text(json.dumps(content, indent=2), encoding="utf-8")


def embedding_table(tokenizer: Tokenizer, dim: int, seed: int) -> np.ndarray:
    """One pseudo-random vector per token, drawn from a hash of the token itself.

    The trainer does not number its vocabulary in the same order every run; a vector seeded by the
    token's text keeps every text's embedding the same regardless. Special tokens get zeros so they
    do not pull texts together.
    """
    table = np.zeros((tokenizer.get_vocab_size(), dim), np.float32)
    for token, token_id in tokenizer.get_vocab().items():
        if token not in SPECIAL_TOKENS:
            table[token_id] = token_vector(token, dim, seed)
    return table


def token_vector(token: str, dim: int, seed: int) -> np.ndarray:
    digest = hashlib.sha256(f"{seed}:{token}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little")).standard_normal(dim)


def lookup_graph(table: np.ndarray) -> onnx.ModelProto:
    """last_hidden_state = (E[input_ids] + T[token_type_ids]) * attention_mask[..., None]."""
    dim = table.shape[1]
    ids = ["batch", "seq"]
    inputs = [
        helper.make_tensor_value_info(name, TensorProto.INT64, ids)
        for name in ("input_ids", "attention_mask", "token_type_ids")
    ]
    output = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ids + [dim])
    initializers = [
        numpy_helper.from_array(table, "word_embeddings"),
        numpy_helper.from_array(np.zeros((2, dim), np.float32), "type_embeddings"),
        numpy_helper.from_array(np.array([-1], np.int64), "last_axis"),
    ]
    nodes = [
        helper.make_node("Gather", ["word_embeddings", "input_ids"], ["words"]),
        helper.make_node("Gather", ["type_embeddings", "token_type_ids"], ["types"]),
        helper.make_node("Add", ["words", "types"], ["summed"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_float", "last_axis"], ["mask"]),
        helper.make_node("Mul", ["summed", "mask"], ["last_hidden_state"]),
    ]
    graph = helper.make_graph(nodes, "tiny_lookup", inputs, [output], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="kb-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model
