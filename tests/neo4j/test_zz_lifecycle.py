"""Clean stop and restart of the session's server (runs last: the file name sorts last).

A stop must end the JVM (port free again), keep the credentials and the
data; the next start must come back on them, with the graph still answering.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from graph.store import open_store
from tools import neo4j_dev

pytestmark = pytest.mark.neo4j


def _port_free(uri: str) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", int(uri.rsplit(":", 1)[1]))) != 0


def test_stop_then_start_keeps_credentials_and_graph(neo4j_ingested: Path) -> None:
    before = json.loads(neo4j_dev.connection_file(neo4j_ingested).read_text("utf-8"))
    store = open_store(neo4j_ingested, "neo4j")
    generation = store.generation()
    store.close()

    stopped = neo4j_dev.stop(neo4j_ingested)
    assert stopped["stopped"] and not stopped["forced"], stopped
    assert neo4j_dev.status(neo4j_ingested)["running"] is False
    assert _port_free(before["uri"]), "the Bolt port is still taken after stop"

    started = neo4j_dev.start(neo4j_ingested)
    after = json.loads(neo4j_dev.connection_file(neo4j_ingested).read_text("utf-8"))
    assert started["started"] and started["reachable"]
    assert (after["uri"], after["user"], after["password"]) == (before["uri"], before["user"], before["password"])
    store = open_store(neo4j_ingested, "neo4j")
    try:
        assert store.generation() == generation
        assert store.clauses()["clauses"] == open_store(neo4j_ingested, "networkx").clauses()["clauses"]
    finally:
        store.close()
