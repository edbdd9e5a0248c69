"""The live Neo4j server every test here runs against.

The server is started through the project's own ``graph.neo4j_dev.start`` (the
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

from graph import neo4j_dev

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
