"""The query encoder of search: the rebuilt e5 model as int8 ONNX, run by onnxruntime.

Why: a question is embedded on every search, one text at a time, and the
torch model took most of a search (p50 39 ms / p95 101 ms on 2 cores, with
the rest of a search at p95 16 ms at 100k clauses); loading torch and
sentence-transformers also took most of a server's start. The same weights,
exported to ONNX and quantized to int8 (per output channel, dynamic
activations) at set-up by :func:`search.model_build.ensure_onnx`, run several
times faster and load in well under a second, with cosine >= 0.99 to the
torch vectors (checked at export on the reference texts; measured by
benchmarks/bench_encoder.py on the dev questions and real clauses).

Stored vectors (the clause index, the embedding cache) stay torch's: only
vectors that are compared and thrown away (questions, document titles) come
from here, so the index never mixes the two and the cache keys are unchanged.

The folder is ``<model>/onnx/``: ``model_qint8.onnx`` and ``policykg_onnx.json``
(what it was exported from and how it verified). :func:`onnx_model_path`
accepts it only when it names the model folder's current weights.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ONNX_DIR = "onnx"
ONNX_FILE = "model_qint8.onnx"
ONNX_STAMP = "policykg_onnx.json"
#: Bumped whenever the export or quantization changes, so old exports are redone.
ONNX_BUILDER_VERSION = 1
#: The least cosine to the torch vectors an export must reach on the reference texts.
MIN_ONNX_COSINE = 0.99
MAX_TOKENS = 512  # the model's positions; sentence-transformers truncates there too


def source_identity(model_dir: Path) -> str | None:
    """What the torch folder's vectors are (weights hash and builder version), or None."""
    from .dense import METADATA_FILE

    try:
        meta = json.loads((Path(model_dir) / METADATA_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return f"{meta.get('weights', {}).get('sha256', 'unknown')}:b{meta.get('builder_version', 0)}"


def read_onnx_stamp(model_dir: Path) -> dict[str, Any] | None:
    """The export's record, if it is current: made from this folder's weights by
    this exporter version, verified, and its file the size it was written at."""
    folder = Path(model_dir) / ONNX_DIR
    try:
        stamp = json.loads((folder / ONNX_STAMP).read_text("utf-8"))
        size = (folder / ONNX_FILE).stat().st_size
    except (OSError, ValueError):
        return None
    current = (
        isinstance(stamp, dict)
        and stamp.get("source") == source_identity(model_dir)
        and stamp.get("builder_version") == ONNX_BUILDER_VERSION
        and stamp.get("size") == size
        and float(stamp.get("verification", {}).get("min_reference_cosine", 0.0)) >= MIN_ONNX_COSINE
    )
    return stamp if current else None


def onnx_model_path(model_dir: Path) -> Path | None:
    """The verified int8 model of ``model_dir``, or None (not exported, or stale)."""
    return Path(model_dir) / ONNX_DIR / ONNX_FILE if read_onnx_stamp(model_dir) is not None else None


class OnnxEncoder:
    """Mean-pooled, L2-normalised e5 vectors from the int8 ONNX graph.

    The graph (exported by search/model_build.py) takes ``input_ids`` and
    ``attention_mask`` and returns ``sentence_embedding``: pooling and
    normalization are inside it. Tokenization is the folder's own
    ``tokenizer.json`` with the tokenizers library, as sentence-transformers
    does it (same ids, truncated at 512).
    """

    def __init__(self, onnx_path: Path, tokenizer_path: Path, *, threads: int = 2) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # warnings about unused initializers are noise here
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        pad = self.tokenizer.token_to_id("<pad>")
        self._pad_id = 1 if pad is None else int(pad)
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: Sequence[str], prefix: str, *, batch_size: int = 32) -> np.ndarray:
        """``[n, dim]`` float32 unit vectors of ``prefix + text``; batches are padded
        to their longest text (sorted by length, so padding stays small)."""
        encodings = self.tokenizer.encode_batch([prefix + t for t in texts], add_special_tokens=True)
        out = np.zeros((len(texts), self.dim), np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.full((len(chunk), width), self._pad_id, np.int64)
            mask = np.zeros((len(chunk), width), np.int64)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            out[chunk] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)  # unit length, as torch's
        return out
