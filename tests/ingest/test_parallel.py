"""Per-document work on every core (ingest/parallel.py): the same output as a serial run, in input order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import ingest.parallel as P
from graph.build import build_graph
from ingest.aliases import aliases_for_corpus
from ingest.errors import EncodingError
from ingest.loaders import load_corpus
from search.index import index_token_lists, rows_of
from search.intent import domain_words
from search.tokenize import Tokenizer


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork for any input, on two workers (a 2-core machine's default, also on a larger one)."""
    monkeypatch.setattr(P, "MIN_PARALLEL_CHARS", 0)
    monkeypatch.setenv("POLICYKG_WORKERS", "2")


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_results_come_back_in_input_order_from_other_processes(forked: None) -> None:
    items = list(range(9))
    out = P.map_items(_square_and_pid, items, sizes=[1, 9, 2, 8, 3, 7, 4, 6, 5])
    assert [v for v, _pid in out] == [x * x for x in items]
    assert os.getpid() not in {pid for _v, pid in out}


def test_small_input_runs_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYKG_WORKERS", "2")
    out = P.map_items(_square_and_pid, [1, 2], sizes=[10, 10])
    assert {pid for _v, pid in out} == {os.getpid()}


def test_workers_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYKG_WORKERS", "1")
    assert P.workers() == 1
    monkeypatch.setenv("POLICYKG_WORKERS", "zero")
    assert P.workers() >= 1  # not a number: the cores this process may use


def test_an_error_in_a_worker_is_raised_as_itself(forked: None, tmp_path: Path) -> None:
    """A worker's exception need not pickle (CorpusError carries a hint): the item is run
    again in the parent, which raises the real error with its message."""
    (tmp_path / "good.txt").write_text("第一条 市科委负责本计划的总体规划和组织实施工作，各中心应当每年报送年度报告。", "utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00\xd8 broken \x81\x82" * 40)
    with pytest.raises(EncodingError) as err:
        load_corpus(tmp_path)
    assert "bad.txt" in str(err.value)


def test_parallel_ingest_reads_the_seeds_as_a_serial_run_does(forked: None, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing, extraction and BM25 tokens, forked, equal the serial results fact for fact."""

    def read() -> tuple[list, list, list]:
        docs = load_corpus(corpus_dir)
        table = aliases_for_corpus(corpus_dir)
        graph, table, facts = build_graph(docs, table)
        rows = rows_of(docs, table)
        tokens = index_token_lists(Tokenizer(domain_words()), rows)
        clauses = [(c.clause_id, c.start, c.end, c.path) for d in docs for c in d.clauses]
        return clauses, [f.to_dict() for f in facts], tokens

    parallel = read()
    monkeypatch.setenv("POLICYKG_WORKERS", "1")
    serial = read()
    assert parallel[0] == serial[0] and len(serial[0]) > 100
    assert parallel[1] == serial[1] and len(serial[1]) > 100
    assert parallel[2] == serial[2]
