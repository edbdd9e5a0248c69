"""The Searcher end to end: real ingest, real jieba + BM25, real e5 model, real graph.

Marked slow (loads the embedding model). Fails, never skips, when the model
is not built (tests/conftest.py:link_model says how to build it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.errors import QueryError
from graph.golden import SearchCase, load_list

pytestmark = pytest.mark.slow
GOLDEN = Path(__file__).with_name("golden_qa.yaml")
CASES = load_list(GOLDEN, SearchCase)  # typed: a misspelled key fails here, naming it
RESULT_KEYS = {"clause_id", "doc_id", "doc_title", "path", "text", "start", "end", "score"}


@pytest.fixture(scope="module")
def searcher(ingested_data: Path):
    from graph.store import open_store
    from search.service import Searcher

    return Searcher(ingested_data, open_store(ingested_data))


@pytest.fixture(scope="module")
def sources(ingested_data: Path) -> dict[str, str]:
    from ingest.pipeline import current_store
    from ingest.store_files import read_documents

    return {d["doc_id"]: d["text"] for d in read_documents(current_store(ingested_data))}


def test_search_contract_and_offsets(searcher, sources) -> None:
    out = searcher.search("高精尖中心 年度报告", k=5)
    assert out["query"] == "高精尖中心 年度报告" and len(out["results"]) == 5
    for r in out["results"]:
        assert set(r) == RESULT_KEYS
        assert sources[r["doc_id"]][r["start"] : r["end"]] == r["text"]
        assert len(r["text"]) <= 400
    scores = [r["score"] for r in out["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("bad", ["", "   ", "问" * 501])
def test_bad_queries_raise_query_error(searcher, bad: str) -> None:
    with pytest.raises(QueryError):
        searcher.search(bad)
    with pytest.raises(QueryError):
        searcher.ask(bad)


def test_k_is_checked(searcher) -> None:
    with pytest.raises(QueryError):
        searcher.search("经费", k=0)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(searcher, case: SearchCase) -> None:
    expect = case.expect
    answer = searcher.ask(case.input)
    assert answer["abstained"] is expect.abstained, f"{case.name}: abstained {answer['abstained']}: {answer['answer']}"
    if expect.span is not None:
        texts = [r["text"] for r in searcher.search(case.input, k=expect.within)["results"]]
        assert any(expect.span in t for t in texts), f"{case.name} ({case.source}): span not within {expect.within}: {texts}"


def test_ask_rule_fields_and_answer_span(searcher, sources) -> None:
    out = searcher.ask("技术创新中心的年度报告什么时候报送？")
    assert not out["abstained"] and out["rules"]
    rule = out["rules"][0]
    assert rule["kind"] in {"obligation", "deadline", "funding", "sanction", "condition", "fact"}
    assert rule["scope"] == ["北京市技术创新中心"]
    span = rule["answer_span"]
    assert sources[rule["doc_id"]][span["start"] : span["end"]] == span["text"]
    assert span["text"] in out["answer"]


def test_abstention_names_scope_and_gives_related(searcher) -> None:
    out = searcher.ask("国家技术创新中心每年能拿到多少经费？")
    assert out["abstained"] and out["rules"] == []
    assert "国家技术创新中心" in out["answer"] and out["related"]


def test_cli_batch_prints_json_lines_in_order(ingested_data: Path, tmp_path: Path) -> None:
    from api.cli import main

    batch = tmp_path / "q.txt"
    batch.write_text("高精尖中心经费\n\n" + "长" * 600 + "\nWhat must the host university submit?\n", "utf-8")
    res = CliRunner().invoke(main, ["search", "--batch", str(batch), "--k", "2", "--data", str(ingested_data), "--json"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(line) for line in res.output.splitlines() if line.startswith("{")]
    assert [bool(x.get("error")) for x in lines] == [False, True, False]
    assert lines[0]["query"] == "高精尖中心经费" and len(lines[0]["results"]) == 2
