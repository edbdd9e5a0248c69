"""Shared fixtures: the real corpus, and one real ingest per test session.

The embedding model is built once by scripts/install.sh into the repository's
data directory; test data directories link to it (and to the content-hash
embedding cache) instead of rebuilding it.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
REPO_DATA = Path(os.environ.get("POLICYKG_DATA", REPO / ".policykg")).resolve()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def documents():
    from ingest.loaders import load_corpus

    return load_corpus(CORPUS)


def link_model(data_dir: Path) -> None:
    """Give a data directory the repository's built model and embedding cache
    (links already there are kept, so a reused directory is fine)."""
    model = REPO_DATA / "model"
    if not model.is_dir():
        pytest.fail(f"embedding model not built at {model}: run `bash scripts/install.sh` first", pytrace=False)
    data_dir.mkdir(parents=True, exist_ok=True)
    for name in ("model", "cache"):
        link = data_dir / name
        if not link.exists() and not link.is_symlink():
            (REPO_DATA / name).mkdir(parents=True, exist_ok=True)
            link.symlink_to(REPO_DATA / name)


@pytest.fixture(scope="session")
def ingested_data(tmp_path_factory) -> Path:
    """A data directory holding one complete ingest of the real corpus."""
    from api.commands_corpus import register_steps
    from ingest.pipeline import run_ingest

    data = tmp_path_factory.mktemp("data")
    link_model(data)
    register_steps()
    run_ingest(CORPUS, data)
    return data
