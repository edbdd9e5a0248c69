"""The int8 ONNX query encoder (search/onnx_encoder.py, exported by tools/model_onnx.py).

Set-up exports it beside the built model, so a missing export is a failure
with the fix, never a skip: without it every search falls back to torch
(several times slower per question, and seconds more at start).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import numpy as np
import pytest

from search.dense import METADATA_FILE, Encoder
from search.errors import ModelNotBuiltError
from search.onnx_encoder import MIN_ONNX_COSINE, ONNX_DIR, ONNX_FILE, ONNX_STAMP, OnnxEncoder, onnx_model_path

QUESTIONS = [
    "高精尖中心多久要组织一次国际同行评估？",
    "技术创新中心考核不合格会怎样？",
    "What must the host university of an Advanced Innovation Center report?",
    "卓越青年科学家计划 年龄",
]


@pytest.fixture(scope="module")
def onnx_path(model_dir: Path) -> Path:
    path = onnx_model_path(model_dir)
    if path is None:
        pytest.fail(
            f"no current int8 ONNX query model in {model_dir / ONNX_DIR} (missing, or made from other weights): "
            "run scripts/install.sh, or `python -m tools.model_build`, which exports it",
            pytrace=False,
        )
    return path


@pytest.mark.slow
def test_onnx_encoder_loads_offline_and_agrees_with_torch(
    onnx_path: Path, model_dir: Path, encoder: Encoder, clause_texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the ONNX encoder tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    fast = OnnxEncoder(onnx_path, model_dir / "tokenizer.json")
    queries = fast.encode(QUESTIONS, encoder.prompt("query"))
    passages = fast.encode(clause_texts[:12], encoder.prompt("passage"))
    monkeypatch.undo()
    cos_q = np.sum(queries * encoder.encode_queries(QUESTIONS), axis=1)
    cos_p = np.sum(passages * encoder.encode_passages(clause_texts[:12]), axis=1)
    assert queries.dtype == np.float32 and queries.shape == (len(QUESTIONS), 384)
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert cos_q.min() >= MIN_ONNX_COSINE, f"query cosine to torch {cos_q.round(4)}"
    assert cos_p.min() >= MIN_ONNX_COSINE, f"passage cosine to torch {cos_p.round(4)}"


@pytest.mark.slow
def test_search_encoder_embeds_questions_with_onnx_and_stores_torch_vectors(onnx_path: Path, model_dir: Path, encoder: Encoder) -> None:
    """The default Encoder: questions (and titles) on ONNX, without loading torch;
    stored passages still torch's, so the index and the cache keep their vectors."""
    searching = Encoder(model_dir)
    assert searching.query_engine == "onnx" and searching._model is None, "torch loaded for questions"
    q = searching.encode_queries(QUESTIONS[:1])[0]
    assert searching._model is None
    assert float(q @ encoder.encode_queries(QUESTIONS[:1])[0]) >= MIN_ONNX_COSINE
    assert searching.model_id == encoder.model_id
    np.testing.assert_allclose(
        searching.encode_passages(["在一个建设周期内至少组织一次国际同行评估"]),
        encoder.encode_passages(["在一个建设周期内至少组织一次国际同行评估"]),
        atol=1e-5,
    )


def _fake_model(folder: Path, sha: str = "abc") -> Path:
    folder.mkdir(parents=True)
    (folder / METADATA_FILE).write_text(json.dumps({"name": "m", "builder_version": 1, "weights": {"sha256": sha}}), "utf-8")
    return folder


def test_missing_export_is_a_clear_error_when_required(tmp_path: Path) -> None:
    folder = _fake_model(tmp_path / "model")
    with pytest.raises(ModelNotBuiltError, match="ONNX"):
        Encoder(folder, queries="onnx")


def test_an_export_of_other_weights_is_not_used(tmp_path: Path) -> None:
    folder = _fake_model(tmp_path / "model", sha="new")
    (folder / ONNX_DIR).mkdir()
    (folder / ONNX_DIR / ONNX_FILE).write_bytes(b"x" * 10)
    stamp = {"source": "old:b1", "builder_version": 1, "size": 10, "verification": {"min_reference_cosine": 0.999}}
    (folder / ONNX_DIR / ONNX_STAMP).write_text(json.dumps(stamp), "utf-8")
    assert onnx_model_path(folder) is None
    stamp["source"] = "new:b1"
    (folder / ONNX_DIR / ONNX_STAMP).write_text(json.dumps(stamp), "utf-8")
    assert onnx_model_path(folder) == folder / ONNX_DIR / ONNX_FILE
