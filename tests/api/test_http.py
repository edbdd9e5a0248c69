"""The HTTP probes of issue 12, each as it was found: HEAD, Host-built redirects,
invalid UTF-8, absolute paths, unbounded bodies and request lines, ``Allow``."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.conftest import REPO

GET_URLS = {
    "/health": "/health",
    "/documents": "/documents",
    "/documents/{doc_id}": "/documents/000",
    "/clauses": "/clauses?doc=003",
    "/clauses/{clause_id}": "/clauses/000:1",
    "/search": "/search?q=国际同行评估&k=3",
    "/ask": "/ask?q=高精尖中心多久评估一次",
    "/obligations": "/obligations?platform_type=高精尖中心",
    "/deadlines": "/deadlines",
    "/overlap": "/overlap",
    "/entities/{name}": "/entities/市教委",
}


def test_every_get_route_answers_head_like_get(client):
    documented = {p for p, item in client.app.openapi()["paths"].items() if "get" in item}
    assert documented == set(GET_URLS), "a GET route has no HEAD probe here"
    for url in [*GET_URLS.values(), "/", "/docs", "/openapi.json", "/static/index.html"]:
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code == 200, url
        assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"], url
        assert head.headers["content-length"] == str(len(get.content)), url


def test_trailing_slash_is_served_not_redirected_by_host(client):
    r = client.get("/documents/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert r.status_code == 200 and "location" not in r.headers
    assert r.json() == client.get("/documents").json()


@pytest.mark.parametrize("query", ["q=%FF%FE", "q=%E7%BB&k=3", "k=3&%FF=1"])
def test_invalid_utf8_in_the_query_is_400(client, query):
    r = client.get(f"/search?{query}")
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["code"] == "E002" and "UTF-8" in err["message"]
    if query.startswith("q="):
        assert "`q`" in err["message"]


def test_invalid_utf8_in_the_path_is_400(client):
    r = client.get("/entities/%FF%FE")
    assert r.status_code == 400 and "path" in r.json()["error"]["message"]


def _absolute_paths(text: str, roots: list[Path]) -> list[str]:
    return [str(root) for root in roots if str(root) in text]


def test_no_absolute_server_path_in_health_or_errors(ingested_data, tmp_path, corpus_dir, api_app):
    roots = [Path(ingested_data).resolve(), REPO, tmp_path.resolve()]
    with TestClient(api_app) as c:
        health = c.get("/health").json()
        assert health["store"].startswith("stores/") and not _absolute_paths(str(health), roots)
    with TestClient(create_app(Settings(data=tmp_path / "empty", corpus=corpus_dir))) as c:
        for r in (c.get("/health"), c.get("/search", params={"q": "经费"}), c.get("/documents")):
            assert r.status_code == 503
            assert not _absolute_paths(r.text, roots), r.text
            assert "DATA" in r.text


def test_an_upload_error_names_the_file_relative_to_the_data_dir(write_client, write_key):
    r = write_client.post(
        "/documents",
        headers={"X-API-Key": write_key},
        data={"id": "t02", "title": "二进制"},
        files={"file": ("t02.txt", bytes(range(256)) * 8, "text/plain")},
    )
    assert r.status_code == 400, r.text
    data = Path(write_client.app.state.settings.data).resolve()
    assert str(data) not in r.text and str(REPO) not in r.text, r.text


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("OPTIONS", "/documents", {"GET", "HEAD", "POST"}),
        ("DELETE", "/documents", {"GET", "HEAD", "POST"}),
        ("OPTIONS", "/documents/000", {"GET", "HEAD", "PUT", "DELETE"}),
        ("POST", "/search", {"GET", "HEAD"}),
        ("PUT", "/", {"GET", "HEAD"}),
    ],
)
def test_405_lists_every_method_of_the_path(client, method, path, allowed):
    r = client.request(method, path)
    assert r.status_code == 405
    assert {m.strip() for m in r.headers["allow"].split(",")} == allowed


def test_whitespace_only_query_is_refused_by_the_schema_itself(client):
    params = {p["name"]: p for p in client.app.openapi()["paths"]["/search"]["get"]["parameters"]}
    pattern = params["q"]["schema"]["pattern"]
    for blank in (" ", "\u3000\u3000", "\t\n\r\x0b\x0c", "\x1c\x85\xa0\u2028"):
        assert not re.search(pattern, blank), repr(blank)
        assert client.get("/search", params={"q": blank}).status_code == 422
    assert re.search(pattern, " 经费 ")


def _raw_exchange(base: str, head: bytes, body_chunks: list[bytes] = ()) -> bytes:
    """Send ``head`` and chunks on a raw socket (the body left unfinished); return what comes back
    until the server closes or stays silent for 5 s."""
    url = urlsplit(base)
    answer = b""
    with socket.create_connection((url.hostname, url.port), timeout=5) as s:
        s.sendall(head)
        for chunk in body_chunks:
            s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        try:
            while part := s.recv(65536):
                answer += part
        except TimeoutError:
            pass
    return answer


def test_over_long_request_line_is_414_not_a_reset(live_server):
    answer = _raw_exchange(live_server, b"GET /search?q=" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 414") and b'"E414"' in answer, answer[:300]
    answer = _raw_exchange(live_server, b"GET /search?q=" + b"a" * 9_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 414") and b'"E414"' in answer, answer[:300]


def test_chunked_upload_is_refused_before_it_ends(live_server, write_key):
    """The body limit is about 264 kB here: 400 kB sent, the body never finished, and the 413 is already there."""
    head = (
        b"POST /documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nX-API-Key: " + write_key.encode() + b"\r\n\r\n"
    )
    answer = _raw_exchange(live_server, head, [b" " * 40_000] * 10)
    assert answer.startswith(b"HTTP/1.1 413") and b'"E413"' in answer, answer[:300]


def test_declared_content_length_over_the_limit_is_refused_unread(live_server, write_key):
    head = (
        b"POST /documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 50000000\r\nX-API-Key: " + write_key.encode() + b"\r\n\r\n"
    )
    answer = _raw_exchange(live_server, head)
    assert answer.startswith(b"HTTP/1.1 413") and b'"E413"' in answer, answer[:300]
