"""`documents --json` and `clauses --json` on a real ingest, through the CLI."""

from __future__ import annotations

import json

from click.testing import CliRunner

from api.cli import main
from tests.conftest import CORPUS


def run(*args: str) -> dict:
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_clauses_json_round_trips_to_the_source_files(ingested_data):
    docs = run("documents", "--data", str(ingested_data))["documents"]
    assert [d["doc_id"] for d in docs] == ["000", "001", "002", "003", "004"]
    files = {d["doc_id"]: (CORPUS / d["file"]).read_text("utf-8") for d in docs}
    clauses = run("clauses", "--data", str(ingested_data))["clauses"]
    assert {c["doc_id"] for c in clauses} == set(files)
    for c in clauses:
        assert files[c["doc_id"]][c["start"] : c["end"]] == c["text"], c["clause_id"]
        assert c["path"] and len(c["text"]) <= 400
    only = run("clauses", "--doc", "003", "--data", str(ingested_data))["clauses"]
    assert only and {c["doc_id"] for c in only} == {"003"}


def test_documents_carry_manifest_metadata(ingested_data):
    docs = {d["doc_id"]: d for d in run("documents", "--data", str(ingested_data))["documents"]}
    assert docs["003"]["status"] == "draft" and docs["003"]["kind"] == "起草说明"
    assert "year" in docs["000"]["inferred"]


def test_unknown_document_is_a_clear_error(ingested_data):
    result = CliRunner().invoke(main, ["clauses", "--doc", "999", "--data", str(ingested_data), "--json"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert json.loads(result.stdout.splitlines()[0])["error"]["code"] == "E008"


def test_read_before_ingest_says_to_ingest(tmp_path):
    result = CliRunner().invoke(main, ["documents", "--data", str(tmp_path / "empty"), "--json"])
    assert result.exit_code == 2
    assert "policykg ingest" in json.loads(result.stdout.splitlines()[0])["error"]["hint"]
