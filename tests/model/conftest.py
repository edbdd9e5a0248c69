"""Fixtures for the embedding-model tests: the model that set-up built.

The tests use the folder ``scripts/install.sh`` built (the one the
repository's data directory, ``$POLICYKG_DATA`` or ``.policykg``, uses: see
search/model_home.py) instead of rebuilding it each time; only ``test_model_build.py::test_rebuild_end_to_end`` builds anew.
A missing model is a failure with the fix, never a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REPO_DATA = Path(os.environ.get("POLICYKG_DATA", REPO / ".policykg"))


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The built model folder, or a failure telling how to build it."""
    from search.dense import METADATA_FILE
    from search.model_home import model_dir_for

    built = model_dir_for(REPO_DATA)
    if not (built / METADATA_FILE).is_file():
        pytest.fail(f"embedding model not built at {built}: run scripts/install.sh first")
    return built


@pytest.fixture(scope="session")
def encoder(model_dir: Path):
    """One loaded torch Encoder shared by the whole session (loading takes seconds);
    its questions go through torch too, so the reference checks test the rebuilt
    model itself (the int8 ONNX query engine has its own, test_onnx_encoder.py)."""
    from search.dense import Encoder

    return Encoder(model_dir, queries="torch")


@pytest.fixture(scope="session")
def clause_texts() -> list[str]:
    """Clause-like lines from the real corpus (headings and body text)."""
    texts: list[str] = []
    for path in sorted((REPO / "corpus").glob("*.txt")):
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
        texts.extend([ln for ln in lines if len(ln) >= 8][:8])
    assert texts, "corpus/*.txt yielded no clause-like lines"
    return texts
