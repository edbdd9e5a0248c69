"""Export the rebuilt e5 model to int8 ONNX for the query encoder, offline, at set-up.

``ensure_model`` (tools/model_build.py) calls :func:`ensure_onnx` once the
torch folder is verified, so ``scripts/install.sh`` (and a first use that
builds the model) leaves ``<model>/onnx/model_qint8.onnx`` beside it. The
steps, all from files already on disk:

1. ``torch.onnx.export`` of the folder's ``BertModel`` (eager attention)
   wrapped with the same mean pooling and L2 normalization as the
   sentence-transformers folder, so the graph maps ``input_ids`` and
   ``attention_mask`` straight to ``sentence_embedding`` (opset 17, dynamic
   batch and length);
2. ``onnxruntime.quantization.quantize_dynamic``: int8 weights per output
   channel (the MatMuls and the embedding Gather), activations quantized on
   the fly, except each layer's FFN output projection (1536 -> 384), which
   stays float32. Measured against the torch vectors on the 78 dev questions
   and 133 QA-corpus clauses: per-tensor int8 everywhere gave cosine min
   0.985, per-channel 0.995 (dev R@1 0.643 -> 0.607), per-channel with the
   FFN outputs in float32 0.9985 (132 MB; the GELU outputs those layers read
   are where the activation outliers are); keeping the whole FFN float32
   reached 0.9993 at the speed of the float32 graph;
3. verification against the committed reference vectors
   (tools/reference_embeddings.json, made by torch) at cosine >=
   :data:`search.onnx_encoder.MIN_ONNX_COSINE`, and the sanity pair ranked
   above the wrong ones, as for the torch build;
4. a stamp (``policykg_onnx.json``) naming the weights it came from, then an
   atomic rename into place. An export whose stamp is current is kept, so
   set-up re-runs in no time; a rebuilt torch folder makes the old export
   stale (search/onnx_encoder.py ignores it, set-up redoes it).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import os
import re
import shutil
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from search.dense import PROMPTS, quiet_transformers
from search.errors import ModelBuildError
from search.onnx_encoder import (
    MIN_ONNX_COSINE,
    ONNX_BUILDER_VERSION,
    ONNX_DIR,
    ONNX_FILE,
    ONNX_STAMP,
    OnnxEncoder,
    read_onnx_stamp,
    source_identity,
)

OPSET = 17
ONNX_PINS = "onnx and onnxruntime (pyproject.toml)"


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The exporter's tracer warnings and the quantizer's pre-processing advice are noise here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        previous = logging.root.manager.disable
        logging.disable(logging.WARNING)
        try:
            yield
        finally:
            logging.disable(previous)


def export_onnx(model_dir: Path, out_dir: Path, *, threads: int = 2) -> dict[str, Any]:
    """Write ``out_dir/model_qint8.onnx`` from the sentence-transformers folder ``model_dir``."""
    try:
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from transformers import AutoModel
    except ImportError as err:
        raise ModelBuildError(
            f"cannot export the ONNX query model: {err}", hint=f"run scripts/install.sh (it installs {ONNX_PINS})"
        ) from err

    start = time.perf_counter()
    torch.set_num_threads(max(1, threads))
    quiet_transformers()
    bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", local_files_only=True).eval()

    class Embedder(torch.nn.Module):
        """BertModel + mean pooling over the mask + L2 normalization (the folder's modules 0-2)."""

        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    out_dir.mkdir(parents=True, exist_ok=True)
    fp32 = out_dir / "model_fp32.onnx"
    sample = torch.tensor([[0, 41, 1360, 6, 2]], dtype=torch.long)
    legacy: dict[str, Any] = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    with _quiet(), torch.no_grad():
        torch.onnx.export(
            Embedder(bert),
            (sample, torch.ones_like(sample)),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "sentence_embedding": {0: "batch"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
            **legacy,
        )
        exported = time.perf_counter() - start
        keep = ffn_output_nodes(fp32)
        quantize_dynamic(str(fp32), str(out_dir / ONNX_FILE), weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=keep)
    fp32.unlink()
    for leftover in out_dir.glob("model_fp32.onnx*"):  # external-data side files, if any
        leftover.unlink()
    return {
        "opset": OPSET,
        "quantization": "onnxruntime quantize_dynamic, QInt8 weights per channel (MatMul, Gather), dynamic activations; "
        f"{len(keep)} FFN output MatMuls kept float32",
        "export_seconds": round(exported, 1),
        "seconds": round(time.perf_counter() - start, 1),
    }


FFN_OUTPUT = re.compile(r"/encoder/layer\.\d+/output/dense/MatMul")


def ffn_output_nodes(model_path: Path) -> list[str]:
    """Names of each layer's FFN output MatMul in the exported graph (kept float32)."""
    import onnx

    graph = onnx.load(str(model_path), load_external_data=False).graph
    names = [n.name for n in graph.node if n.op_type == "MatMul" and FFN_OUTPUT.search(n.name)]
    if not names:
        raise ModelBuildError("the exported graph has no FFN output MatMul to keep in float32 (node names changed?)")
    return names


@dataclass
class OnnxVerification:
    """How the int8 export agrees with the torch references."""

    min_reference_cosine: float
    mean_reference_cosine: float
    references: int
    sanity_right: float
    sanity_best_wrong: float

    @property
    def ok(self) -> bool:
        return self.min_reference_cosine >= MIN_ONNX_COSINE and self.sanity_right > self.sanity_best_wrong

    def describe(self) -> str:
        return (
            f"int8 ONNX cosine to the torch references min {self.min_reference_cosine:.4f} mean {self.mean_reference_cosine:.4f} "
            f"over {self.references} texts (need >= {MIN_ONNX_COSINE}); sanity pair {self.sanity_right:.3f} "
            f"vs best wrong {self.sanity_best_wrong:.3f}"
        )


def verify_onnx(onnx_path: Path, model_dir: Path, references: Sequence[dict]) -> OnnxVerification:
    """Encode the reference texts and the sanity pair with the export at ``onnx_path``."""
    from tools.model_build import SANITY_QUERY, SANITY_RIGHT, SANITY_WRONG

    encoder = OnnxEncoder(onnx_path, model_dir / "tokenizer.json")
    cosines = np.ones(0, np.float32)
    if references:
        got = np.zeros((len(references), encoder.dim), np.float32)
        for kind in PROMPTS:
            idx = [i for i, it in enumerate(references) if it["kind"] == kind]
            if idx:
                got[idx] = encoder.encode([references[i]["text"] for i in idx], PROMPTS[kind])
        want = np.asarray([it["vector"] for it in references], np.float32)
        want /= np.linalg.norm(want, axis=1, keepdims=True)
        cosines = np.sum(got * want, axis=1)
    q = encoder.encode([SANITY_QUERY], PROMPTS["query"])[0]
    sims = encoder.encode([SANITY_RIGHT, *SANITY_WRONG], PROMPTS["passage"]) @ q
    return OnnxVerification(
        float(cosines.min()) if cosines.size else 1.0,
        float(cosines.mean()) if cosines.size else 1.0,
        int(cosines.size),
        float(sims[0]),
        float(sims[1:].max()),
    )


@dataclass
class OnnxResult:
    """Outcome of :func:`ensure_onnx`."""

    path: Path
    built: bool
    seconds: float
    stamp: dict[str, Any]


def ensure_onnx(model_dir: Path, references: Sequence[dict], *, force: bool = False, log: Any = print) -> OnnxResult:
    """Make ``model_dir/onnx`` a current, verified int8 export (the caller holds the build lock)."""
    model_dir = Path(model_dir)
    start = time.perf_counter()
    found = None if force else read_onnx_stamp(model_dir)
    if found is not None:
        return OnnxResult(model_dir / ONNX_DIR / ONNX_FILE, False, time.perf_counter() - start, found)
    log(f"exporting the int8 ONNX query model into {model_dir / ONNX_DIR}")
    parent = model_dir.resolve().parent
    for stale in parent.glob(".onnx-staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = parent / f".onnx-staging-{os.getpid()}"
    try:
        info = export_onnx(model_dir, staging)
        result = verify_onnx(staging / ONNX_FILE, model_dir, references)
        if not result.ok:
            raise ModelBuildError(
                f"the int8 ONNX export does not verify: {result.describe()}",
                hint="the quantization lost too much; rebuild with `python -m tools.model_build --force`",
            )
        stamp = {
            "source": source_identity(model_dir),
            "builder_version": ONNX_BUILDER_VERSION,
            "file": ONNX_FILE,
            "size": (staging / ONNX_FILE).stat().st_size,
            "verification": result.__dict__,
            **info,
        }
        (staging / ONNX_STAMP).write_text(json.dumps(stamp, indent=1), encoding="utf-8")
        for path in staging.iterdir():
            path.chmod(0o644)
        target = model_dir / ONNX_DIR
        old = parent / f".onnx-old-{os.getpid()}"
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return OnnxResult(model_dir / ONNX_DIR / ONNX_FILE, True, time.perf_counter() - start, stamp)
