"""The Encoder (search/dense.py) on the real built model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from graph.errors import BackendUnavailableError
from ingest.errors import PolicyKGError
from search.dense import Encoder


def test_missing_model_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError) as err:
        Encoder(tmp_path / "no-model-here")
    assert isinstance(err.value, PolicyKGError)
    assert "scripts/install.sh" in str(err.value)


@pytest.mark.slow
def test_vectors_are_normalised_float32(encoder: Encoder, clause_texts: list[str]) -> None:
    vecs = encoder.encode_passages(clause_texts[:5])
    assert vecs.shape == (5, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert encoder.encode_queries([]).shape == (0, 384)


@pytest.mark.slow
def test_query_and_passage_prompts_differ(encoder: Encoder) -> None:
    text = "高精尖中心多久要组织一次国际同行评估？"
    q, p = encoder.encode_queries([text])[0], encoder.encode_passages([text])[0]
    assert encoder.prompt("query") == "query: " and encoder.prompt("passage") == "passage: "
    assert 0.8 < float(q @ p) < 0.9999


@pytest.mark.slow
def test_question_finds_its_clause(encoder: Encoder) -> None:
    """The sanity pair of models.md: the answering clause outranks wrong ones."""
    q = encoder.encode_queries(["高精尖中心多久要组织一次国际同行评估？"])[0]
    passages = encoder.encode_passages(
        [
            "在一个建设周期内至少组织一次国际同行评估",
            "新型研发机构应当建立健全内部管理制度，规范财务管理",
            "北京市科学技术委员会负责本办法的解释",
        ]
    )
    sims = passages @ q
    assert int(np.argmax(sims)) == 0, sims


@pytest.mark.slow
def test_torch_uses_at_most_two_threads(encoder: Encoder) -> None:
    import torch

    assert torch.get_num_threads() <= 2


@pytest.mark.slow
def test_non_string_input_is_refused(encoder: Encoder) -> None:
    """A TypeError naming the item, not a crash deep inside the tokenizer."""
    with pytest.raises(TypeError, match="item 1"):
        encoder.encode_passages(["ok", None])  # type: ignore[list-item]
