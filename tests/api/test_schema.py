"""schemathesis over the OpenAPI schema: generated requests never get a server error.

Every operation gets a bounded number of generated requests (so the run stays
well under a minute on the shared 2-core machine) against the live app over
the real ingest, checked by schemathesis (no 5xx, documented status codes and
content types, responses matching their schemas). The write endpoints are
exercised without a key: they must answer 401, not crash.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from api.app import create_app
from api.settings import Settings

EXAMPLES = 12
OPERATIONS = [(method.upper(), path) for path, item in create_app(Settings()).openapi()["paths"].items() for method in item]


@pytest.fixture(scope="session")
def api_schema(api_app, client):
    """The live app's schema (``client`` has started it: store and model loaded)."""
    return schemathesis.openapi.from_asgi("/openapi.json", api_app)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_generated_requests_get_no_server_error(api_schema, method, path):
    operation = api_schema[path][method]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case) -> None:
        case.call_and_validate()

    check()


def test_schemathesis_run_with_every_check_finds_nothing(live_server, tmp_path):
    """`schemathesis run --checks all` (every phase: examples, coverage, fuzzing, stateful) against a real socket.

    Conformance checks included: a request the schema calls valid is
    accepted, one it calls invalid is refused, undeclared methods get 405
    with a complete ``Allow``. Writes are tried without the key (401).
    """
    import subprocess
    import sys
    from pathlib import Path

    cli = Path(sys.executable).with_name("schemathesis")
    run = subprocess.run(
        [
            str(cli),
            "run",
            f"{live_server}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "15",
            "--seed",
            "12",
            "--generation-deterministic",
            "--workers",
            "1",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, f"schemathesis found failures:\n{run.stdout[-8000:]}\n{run.stderr[-2000:]}"
