"""Re-ingest does only the work its inputs call for: nothing for an unchanged
corpus, extraction of changed documents only, the model only for new texts."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from api.commands_corpus import register_steps
from graph.build import build_graph
from ingest.aliases import aliases_for_corpus
from ingest.cache import ValueCache
from ingest.loaders import load_corpus
from ingest.pipeline import run_ingest
from ingest.scope import introduce
from tests.conftest import CORPUS, link_model


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def _facts(graph) -> set[tuple]:
    return {
        (n, d.get("text"), d.get("start"), d.get("end"), d.get("modality"), d.get("actor_id"), tuple(d.get("applies_to") or ()))
        for n, d in graph.nodes(data=True)
        if d.get("clause_id") and d.get("label") != "Clause"
    }


def test_cached_extraction_builds_the_same_graph(tmp_path: Path):
    docs = load_corpus(CORPUS)
    table = aliases_for_corpus(CORPUS)
    introduce(docs, table)
    plain, _, plain_facts = build_graph(docs, table)
    cache = ValueCache(tmp_path / "facts")
    cold, _, _ = build_graph(docs, table, cache=cache)
    assert any((tmp_path / "facts").rglob("*.pickle")), "the first build fills the cache"
    warm, _, warm_facts = build_graph(docs, table, cache=cache)
    assert _facts(warm) == _facts(cold) == _facts(plain)
    assert sorted(warm.edges(keys=True)) == sorted(plain.edges(keys=True))
    assert [f.to_dict() for f in warm_facts] == [f.to_dict() for f in plain_facts]


def test_an_unreadable_cache_entry_is_a_miss(tmp_path: Path):
    cache = ValueCache(tmp_path)
    cache.put("ab" * 32, {"x": 1})
    assert cache.get("ab" * 32) == {"x": 1}
    next(tmp_path.rglob("*.pickle")).write_bytes(b"torn")
    assert cache.get("ab" * 32) is None
    assert cache.get("cd" * 32) is None


def test_unchanged_corpus_is_a_no_op_and_any_change_rebuilds(tmp_path: Path, corpus_copy: Path):
    data = tmp_path / "data"
    link_model(data)
    register_steps()
    first = run_ingest(corpus_copy, data)
    assert not first.summary.get("unchanged")
    again = run_ingest(corpus_copy, data)
    assert again.summary["unchanged"] is True and again.out_dir == first.out_dir
    assert again.summary["graph"] == first.summary["graph"]
    assert set(again.timings) == {"fingerprint"}

    forced = run_ingest(corpus_copy, data, options={"force": True})
    assert not forced.summary.get("unchanged") and forced.out_dir != first.out_dir

    # a changed document: rebuilt, and only the new texts are embedded
    doc = next(corpus_copy.glob("003_*.txt"))
    unique = time.time_ns() % 10**9  # a text no earlier run embedded (the embedding cache is shared)
    doc.write_text(doc.read_text("utf-8") + f"\n第九条 承担单位应当每年12月31日前报送第{unique}号年度报告。\n", "utf-8")
    changed = run_ingest(corpus_copy, data)
    assert not changed.summary.get("unchanged")
    assert 0 < changed.summary["search"]["encoded"] <= 3
    assert changed.summary["graph"]["facts"]["obligation"] > first.summary["graph"]["facts"]["obligation"]

    # a store damaged after its ingest is never taken as up to date
    live = (data / "current").resolve()
    (live / "graph.json").write_text("{}", "utf-8")
    repaired = run_ingest(corpus_copy, data)
    assert not repaired.summary.get("unchanged") and repaired.out_dir != live


def test_cli_says_unchanged(tmp_path: Path, corpus_copy: Path):
    from click.testing import CliRunner

    from api.cli import main

    data = tmp_path / "data"
    link_model(data)
    args = ["ingest", "--corpus", str(corpus_copy), "--data", str(data)]
    assert CliRunner().invoke(main, args).exit_code == 0
    human = CliRunner().invoke(main, args)
    assert human.exit_code == 0 and human.output.startswith("unchanged: the live store"), human.output
    result = json.loads(CliRunner().invoke(main, [*args, "--json"]).stdout)
    assert result["summary"]["unchanged"] is True
