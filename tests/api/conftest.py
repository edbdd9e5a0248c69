"""The real app over a real ingest of the corpus (tests/conftest.py `ingested_data`).

One app (and one loaded embedding model) serves the read tests; the write
tests get their own copy of the data directory, so the shared ingest that
other suites read is never changed, and reuse the loaded model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.conftest import copy_data_dir

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
WRITE_KEY = "test-write-key"


@pytest.fixture(scope="session")
def api_app(ingested_data: Path):
    return create_app(Settings(data=ingested_data, corpus=CORPUS))


@pytest.fixture(scope="session")
def client(api_app) -> TestClient:
    with TestClient(api_app) as c:
        health = c.get("/health").json()
        assert health["status"] == "ok", f"the app did not load everything: {health}"
        yield c


@pytest.fixture(scope="session")
def write_key() -> str:
    return WRITE_KEY


@pytest.fixture()
def write_client(ingested_data: Path, tmp_path: Path, client, api_app):
    """An app with writes enabled over a private copy of the ingested data."""
    data = copy_data_dir(ingested_data, tmp_path / "data")
    app = create_app(Settings(data=data, corpus=CORPUS, api_key=WRITE_KEY), encoder=api_app.state.services.encoder)
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def live_server(ingested_data: Path, tmp_path_factory, api_app):
    """Base URL of the app on a real uvicorn socket, configured as `policykg serve` configures it.

    Runs in a thread of this process, sharing the loaded model; writes are
    on (the key is WRITE_KEY) over a private copy of the data directory, and
    uploads are limited to 100 kB so the body bound is cheap to pass.
    """
    import threading
    import time

    import httpx
    import uvicorn

    from api.server import config
    from tests.conftest import free_port

    data = copy_data_dir(ingested_data, tmp_path_factory.mktemp("live") / "data")
    app = create_app(
        Settings(data=data, corpus=CORPUS, api_key=WRITE_KEY, max_upload_bytes=100_000), encoder=api_app.state.services.encoder
    )
    port = free_port()
    server = uvicorn.Server(config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not server.started or httpx.get(f"{base}/health", timeout=5).status_code != 200:
            assert thread.is_alive(), "the live server stopped while starting (see the captured log)"
            assert time.monotonic() < deadline, "the live server did not answer within 120 s"
            time.sleep(0.2)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)
