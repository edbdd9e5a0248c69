"""`policykg neo4j-dev`: a real server on 127.0.0.1, its status, credentials and failures."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from graph.errors import BackendUnavailableError
from tools import neo4j_dev

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.neo4j


def test_status_reports_a_reachable_server_on_loopback(neo4j_data: Path) -> None:
    s = neo4j_dev.status(neo4j_data)
    assert s["running"] and s["reachable"]
    assert s["uri"].startswith("bolt://127.0.0.1:")
    assert "password" not in s


def test_cli_status_prints_one_json_document(neo4j_data: Path) -> None:
    result = CliRunner().invoke(main, ["neo4j-dev", "status", "--data", str(neo4j_data), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["running"] is True and doc["reachable"] is True
    assert "password" not in doc


def test_start_again_reuses_the_running_server(neo4j_data: Path) -> None:
    pid = neo4j_dev.status(neo4j_data)["pid"]
    again = neo4j_dev.start(neo4j_data)
    assert again["started"] is False and again["pid"] == pid


def test_credentials_are_kept_private_in_the_data_dir(neo4j_data: Path) -> None:
    path = neo4j_dev.connection_file(neo4j_data)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    state = json.loads(path.read_text("utf-8"))
    assert state["user"] == "neo4j" and len(state["password"]) >= 16


def test_backend_finds_the_server_without_flags(neo4j_data: Path, neo4j_conn: neo4j_dev.Connection) -> None:
    assert neo4j_conn.uri == neo4j_dev.status(neo4j_data)["uri"]
    explicit = neo4j_dev.resolve_connection(neo4j_data, "bolt://127.0.0.1:1", "someone", "secret")
    assert explicit == neo4j_dev.Connection("bolt://127.0.0.1:1", "someone", "secret")


def test_no_server_configured_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError, match="neo4j-dev start"):
        neo4j_dev.resolve_connection(tmp_path)


def test_stop_without_a_server_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["neo4j-dev", "stop", "--data", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stopped"] is False
    assert neo4j_dev.status(tmp_path)["running"] is False


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it (errors must not be tracebacks)."""
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_start_on_a_busy_port_is_a_clear_error(tmp_path: Path, neo4j_conn: neo4j_dev.Connection) -> None:
    busy = int(neo4j_conn.uri.rsplit(":", 1)[1])
    proc = run_cli("neo4j-dev", "start", "--data", str(tmp_path), "--port", str(busy), "--json")
    assert proc.returncode == 2, proc.stderr
    assert json.loads(proc.stdout)["error"]["code"] == BackendUnavailableError.code
    assert "already in use" in proc.stderr and "Traceback" not in proc.stderr
