"""Ingest is bounded (document and corpus size), cleans up after killed runs, and reports progress."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import ingest.bounds as bounds
from api.cli import main
from api.commands_corpus import register_steps
from ingest.errors import PayloadTooLargeError
from ingest.pipeline import run_ingest
from tests.conftest import CORPUS, link_model
from tests.ingest.test_bad_input import GOOD_FILE, entry, make_corpus, snapshot

SEED = (CORPUS / GOOD_FILE).read_bytes()


def dead_pid() -> int:
    """A process id no process has now."""
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """One good store, made by `policykg ingest --json` over a stale and a live staging directory."""
    root = tmp_path_factory.mktemp("bounds")
    corpus = make_corpus(root / "good", [entry("003", GOOD_FILE)], {GOOD_FILE: SEED})
    data = root / "data"
    link_model(data)
    stale = data / "stores" / f"20260101T000000-{dead_pid()}-1.partial"
    live = data / "stores" / f"20260101T000000-{os.getpid()}-2.partial"
    for d in (stale, live):
        (d / "search").mkdir(parents=True)
        (d / "search" / "embeddings.npy").write_bytes(b"half written")
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    live.joinpath("search", "embeddings.npy").unlink()
    return root, data, result, stale, live


def test_a_killed_ingest_leaves_nothing_after_the_next_one(ingested):
    _, _, _, stale, live = ingested
    assert not stale.exists(), "the staging directory of a dead ingest was kept"
    assert live.exists(), "the staging directory of a live process was removed"


def test_json_ingest_reports_progress_as_json_lines_on_stderr(ingested):
    _, _, result, _, _ = ingested
    events = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    steps = [e["step"] for e in events if e["event"] == "step"]
    assert steps[:4] == ["load_corpus", "load_centers", "build_graph", "index_clauses"]
    assert [e["index"] for e in events if e["event"] == "step"] == list(range(1, len(steps) + 1))
    assert events[-1]["event"] == "done" and events[-1]["ok"] is True
    assert all(isinstance(e["elapsed"], float) for e in events)
    assert json.loads(result.stdout)["summary"]["documents"] == 1  # stdout: still exactly one document


def test_a_document_over_the_limit_is_refused_before_any_work(ingested, monkeypatch):
    root, data, _, _, _ = ingested
    before = snapshot(data)
    monkeypatch.setattr(bounds, "MAX_DOCUMENT_CHARS", 1000)
    corpus = make_corpus(root / "big_doc", [entry("003", GOOD_FILE)], {GOOD_FILE: SEED})
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--data", str(data), "--json"])
    assert result.exit_code == 2 and "E413" in result.output and "the limit per document is 1,000" in result.output
    assert snapshot(data) == before
    assert not list((data / "stores").glob("*-1.partial"))


def test_a_corpus_over_the_limit_is_refused_and_nothing_is_half_written(ingested, monkeypatch):
    root, data, _, _, _ = ingested
    before = snapshot(data)
    stores = sorted(p.name for p in (data / "stores").iterdir())
    monkeypatch.setattr(bounds, "MAX_CORPUS_CHARS", len(SEED.decode("utf-8")) + 10)
    corpus = make_corpus(
        root / "big_corpus", [entry("003", GOOD_FILE), entry("013", "013_copy.txt")], {GOOD_FILE: SEED, "013_copy.txt": SEED}
    )
    register_steps()
    with pytest.raises(PayloadTooLargeError, match="the corpus has .* in 2 documents"):
        run_ingest(corpus, data)
    assert snapshot(data) == before
    assert sorted(p.name for p in (data / "stores").iterdir()) == stores


def test_the_limits_are_far_above_real_documents():
    longest = max(len(p.read_text("utf-8")) for p in Path(CORPUS).glob("*.txt"))
    assert bounds.MAX_DOCUMENT_CHARS >= 100 * longest
    assert bounds.MAX_CORPUS_CHARS >= 10 * bounds.MAX_DOCUMENT_CHARS
