"""Bad input gets a structured 4xx (never a traceback); an unloaded backend a 503."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from search.limits import MAX_K


def error_of(r, status: int | tuple[int, ...]) -> dict:
    assert r.status_code in (status if isinstance(status, tuple) else (status,)), r.text
    err = r.json()["error"]
    assert err["code"] and err["message"]
    return err


@pytest.mark.parametrize(
    "params",
    [{"q": ""}, {"q": "   "}, {"q": "经费" * 251}, {"q": "经费", "k": 0}, {"q": "经费", "k": MAX_K + 1}, {"q": "经费", "k": "ten"}, {}],
)
def test_bad_search_parameters_are_422_with_a_message(client, params):
    err = error_of(client.get("/search", params=params), 422)
    assert err["message"]


def test_overlong_question_names_the_limit(client):
    err = error_of(client.get("/ask", params={"q": "高" * 501}), 422)
    assert "500" in err["message"]


def test_unknown_things_are_404_with_suggestions(client):
    err = error_of(client.get("/entities/高精尖中新"), 404)
    assert err["hint"] or err.get("suggestions")
    error_of(client.get("/clauses/999:1"), 404)
    error_of(client.get("/documents/999"), 404)
    error_of(client.get("/obligations", params={"platform_type": "不存在的平台"}), 404)
    error_of(client.get("/no/such/route"), 404)


def test_unknown_overlap_dimension_is_422_naming_the_choices(client):
    err = error_of(client.get("/overlap", params={"by": "colour"}), 422)
    assert "platform_type" in err["message"]


def test_not_ingested_data_dir_is_503_with_a_hint(tmp_path):
    with TestClient(create_app(Settings(data=tmp_path / "empty"))) as c:
        health = c.get("/health")
        assert health.status_code == 503 and health.json()["status"] == "unavailable" and health.json()["problems"]
        err = error_of(c.get("/search", params={"q": "经费"}), 503)
        assert "ingest" in err["hint"]
        error_of(c.get("/obligations", params={"platform_type": "高精尖中心"}), 503)


def test_cors_is_configurable(ingested_data, corpus_dir, api_app):
    app = create_app(
        Settings(data=ingested_data, corpus=corpus_dir, cors_origins="https://example.edu.cn"), encoder=api_app.state.services.encoder
    )
    with TestClient(app) as c:
        r = c.get("/health", headers={"Origin": "https://example.edu.cn"})
        assert r.headers["access-control-allow-origin"] == "https://example.edu.cn"
        r = c.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers


def test_dead_neo4j_is_503_for_graph_reads_and_search(ingested_data, corpus_dir, api_app):
    """A real unreachable Bolt port: graph endpoints say so (503 + how to start it), and so does
    search, which --backend neo4j serves from Neo4j alone (search/neo4j_index.py), never from
    the data directory's files."""
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(
        data=ingested_data,
        corpus=corpus_dir,
        backend="neo4j",
        neo4j_uri=f"bolt://127.0.0.1:{port}",
        neo4j_user="neo4j",
        neo4j_password="unused",
    )
    with TestClient(create_app(settings, encoder=api_app.state.services.encoder)) as c:
        err = error_of(c.get("/obligations", params={"platform_type": "高精尖中心"}), 503)
        assert "Neo4j" in err["message"] and "neo4j-dev" in err["hint"]
        err = error_of(c.get("/search", params={"q": "国际同行评估"}), 503)
        assert "Neo4j" in err["message"] and "neo4j-dev" in err["hint"]
        health = c.get("/health")
        assert health.status_code == 503 and health.json()["status"] == "unavailable"


def test_a_write_behind_the_shared_graph_is_a_conflict() -> None:
    from api.app import status_of
    from graph.errors import GenerationConflictError

    assert status_of(GenerationConflictError("another server changed the graph")) == 409
