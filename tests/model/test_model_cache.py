"""The content-hash embedding cache (search/dense.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.dense import EmbeddingCache, Encoder, encode_passages_cached


def test_key_depends_on_model_prompt_and_text() -> None:
    base = EmbeddingCache.key("m1", "passage: ", "第一条")
    assert base == EmbeddingCache.key("m1", "passage: ", "第一条")
    others = {
        EmbeddingCache.key("m2", "passage: ", "第一条"),
        EmbeddingCache.key("m1", "query: ", "第一条"),
        EmbeddingCache.key("m1", "passage: ", "第二条"),
    }
    assert base not in others and len(others) == 3


def test_vectors_survive_reopening(tmp_path: Path) -> None:
    vec = np.arange(4, dtype=np.float32)
    with EmbeddingCache(tmp_path) as cache:
        cache.put_many({"k": vec})
    with EmbeddingCache(tmp_path) as cache:
        np.testing.assert_array_equal(cache.get_many(["k", "absent"], dim=4)["k"], vec)
        assert cache.get_many(["k"], dim=8) == {}, "a vector of another dimension is a miss"
        assert len(cache) == 1


def test_a_damaged_cache_file_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / EmbeddingCache.FILE).write_bytes(b"not a database, just bytes" * 100)
    with EmbeddingCache(tmp_path) as cache:
        assert len(cache) == 0
        cache.put_many({"k": np.ones(3, np.float32)})
        assert set(cache.get_many(["k"], dim=3)) == {"k"}
    assert list(tmp_path.glob(f"{EmbeddingCache.FILE}.corrupt-*"))


@pytest.mark.slow
def test_second_pass_encodes_nothing(tmp_path: Path, encoder: Encoder, clause_texts: list[str]) -> None:
    texts = clause_texts[:6] + clause_texts[:2]  # duplicates are encoded once
    with EmbeddingCache(tmp_path) as cache:
        first, n_first = encode_passages_cached(encoder, cache, texts)
        assert n_first == 6
        second, n_second = encode_passages_cached(encoder, cache, texts)
        assert n_second == 0
        np.testing.assert_array_equal(first, second)
        np.testing.assert_allclose(first, encoder.encode_passages(texts), atol=1e-5)
        changed = texts[:5] + [texts[5] + "（修订）"]
        _, n_changed = encode_passages_cached(encoder, cache, changed)
        assert n_changed == 1
        empty, n_empty = encode_passages_cached(encoder, cache, [])
        assert empty.shape == (0, encoder.dim) and n_empty == 0
