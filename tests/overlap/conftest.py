"""Fixtures of the overlap tests: the real corpus analysed once per session, and a real store."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable

import pytest
from overlap_helpers import CORPUS


@pytest.fixture(scope="session")
def overlap_of(documents) -> Callable[[str], dict[str, Any]]:
    """``by`` → compute_overlap of the real corpus (each ``by`` computed once)."""
    from graph.overlap import compute_overlap
    from ingest.aliases import load_aliases
    from ingest.extract import iter_facts

    table = load_aliases()
    facts = [f.to_dict() for f in iter_facts(documents, table)]

    @functools.lru_cache(maxsize=None)
    def run(by: str) -> dict[str, Any]:
        return compute_overlap(documents, by, facts=facts, table=table)

    return run


@pytest.fixture(scope="session")
def overlap_store(tmp_path_factory) -> Path:
    """A data directory holding a real ingest of the corpus (corpus + graph steps).

    Only the steps the overlap needs are imported here; steps other tests
    registered in this session (the search index) run too, against the
    repository's built model.
    """
    import importlib

    from ingest.pipeline import run_ingest

    data = tmp_path_factory.mktemp("overlap-data")
    repo_data = Path(__file__).resolve().parents[2] / ".policykg"
    for sub in ("model", "cache"):
        if (repo_data / sub).exists():
            (data / sub).symlink_to(repo_data / sub)
    for module in ("ingest.steps", "graph.build"):
        importlib.import_module(module)
    run_ingest(CORPUS, data)
    return data
