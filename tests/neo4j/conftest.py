"""The live Neo4j server every test here runs against.

The server is started through the project's own ``tools.neo4j_dev.start`` (the
function behind ``policykg neo4j-dev start``). A server already running for the
test data directory (e.g. started by scripts/test.sh) is reused; otherwise
this fixture starts one and stops it at the end of the session. If it cannot
start, the tests fail with the server's log: they are never skipped.

Test data directory: ``$POLICYKG_NEO4J_TEST_DATA``, else ``test-artifacts/neo4j-data``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import link_model
from tools import neo4j_dev

REPO = Path(__file__).resolve().parents[2]


def neo4j_test_data() -> Path:
    return Path(os.environ.get("POLICYKG_NEO4J_TEST_DATA", REPO / "test-artifacts" / "neo4j-data")).resolve()


@pytest.fixture(scope="session")
def neo4j_data() -> Iterator[Path]:
    """A data directory whose neo4j-dev server is running and accepts a login."""
    data = neo4j_test_data()
    before = neo4j_dev.status(data)
    try:
        info = neo4j_dev.start(data)
    except Exception as err:  # noqa: BLE001 - turn any start failure into a clear test failure
        pytest.fail(
            f"could not start the neo4j-dev server for {data}:\n{err}\n"
            f"(start it by hand with `policykg neo4j-dev start --data {data}` to see why)",
            pytrace=False,
        )
    assert info["reachable"], info
    yield data
    if not before["running"]:
        neo4j_dev.stop(data)


@pytest.fixture(scope="session")
def neo4j_conn(neo4j_data: Path) -> neo4j_dev.Connection:
    return neo4j_dev.resolve_connection(neo4j_data)


@pytest.fixture(scope="session")
def neo4j_ingested(neo4j_data: Path) -> Path:
    """One real ingest of the real corpus with ``--backend neo4j`` (networkx files + Neo4j graph)."""
    from api.commands_corpus import register_steps
    from ingest.pipeline import run_ingest

    link_model(neo4j_data)
    register_steps()
    build = run_ingest(REPO / "corpus", neo4j_data, backend="neo4j", options={"neo4j": {}})
    assert "neo4j" in build.summary, "the load_neo4j step did not run"
    return neo4j_data


@pytest.fixture(scope="session")
def stores(neo4j_ingested: Path):
    """(embedded store, Neo4j store) over the same ingest."""
    from graph.store import open_store

    nx_store = open_store(neo4j_ingested, "networkx")
    neo_store = open_store(neo4j_ingested, "neo4j")
    yield nx_store, neo_store
    neo_store.close()
