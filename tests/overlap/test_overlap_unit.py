"""The overlap analysis as a general mechanism: dimensions, synthetic documents, provenance."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from overlap_helpers import sources

from graph.overlap import BY_CHOICES, OverlapError, Statement, check_by, compare, compute_overlap
from ingest.aliases import load_aliases
from ingest.document import Document
from ingest.parse import parse_document


def _doc(doc_id: str, text: str, scope: list[str] | None = None) -> Document:
    return Document(
        doc_id=doc_id, title=f"doc {doc_id}", file=f"{doc_id}.txt", text=text, scope=scope or [], clauses=parse_document(doc_id, text)
    )


def test_check_by_defaults_normalizes_and_refuses() -> None:
    assert check_by(None) == "all"
    assert check_by("Platform-Type") == "platform_type"
    with pytest.raises(OverlapError) as err:
        check_by("bogus")
    assert "platform_type" in err.value.hint


def test_every_dimension_answers_the_contract_shape(overlap_of) -> None:
    for by in BY_CHOICES:
        r = overlap_of(by)
        assert r["by"] == by
        assert r["matrix"], by
        assert all(isinstance(docs, list) and docs == sorted(docs) for docs in r["matrix"].values())
        for c in r["conflicts"]:
            assert c["about"] and len(c["sides"]) >= 2
            assert all({"doc_id", "clause_id", "text"} <= set(s) for s in c["sides"])


def test_different_cadences_in_two_new_documents_diverge() -> None:
    """Not keyed to the corpus: two unseen documents with different cycles for one platform type."""
    a = _doc("901", "一、考核\n北京实验室每两年开展一次考核评估，并根据评估结果进行动态调整。\n")
    b = _doc("902", "一、考核\n北京实验室每四年开展一次考核评估。\n")
    r = compute_overlap([a, b], "platform_type")
    assert r["matrix"]["北京实验室"] == ["901", "902"]
    cadence = [c for c in r["conflicts"] if c["topic"] == "evaluation_cycle"]
    assert len(cadence) == 1
    assert cadence[0]["values"] == {"901": ["R/P2Y"], "902": ["R/P4Y"]}


def test_the_same_cadence_twice_is_shared_not_a_conflict() -> None:
    a = _doc("901", "一、考核\n北京实验室每三年开展一次考核评估。\n")
    b = _doc("902", "一、考核\n北京实验室三年开展一次考核评估。\n")
    r = compute_overlap([a, b], "platform_type")
    assert not [c for c in r["conflicts"] if c["topic"] == "evaluation_cycle"]
    shared = [s for s in r["shared"] if s["topic"] == "evaluation_cycle"]
    assert len(shared) == 1 and shared[0]["value"] == "R/P3Y" and shared[0]["documents"] == ["901", "902"]
    assert {s["doc_id"] for s in shared[0]["sides"]} == {"901", "902"}


def test_age_limits_of_two_new_documents_diverge() -> None:
    a = _doc("901", "一、人才\n卓越青年科学家计划支持40岁以下青年人才开展研究。\n")
    b = _doc("902", "一、人才\n卓越青年科学家计划支持38岁以下青年人才开展研究。\n")
    r = compute_overlap([a, b], "program")
    ages = [c for c in r["conflicts"] if c["topic"] == "age_limit"]
    assert ages and ages[0]["scope"] == "across_documents"
    assert ages[0]["values"] == {"901": ["≤40岁"], "902": ["≤38岁"]}


def _stmt(topic: str, value: str, doc: str, clause: str) -> Statement:
    return Statement(topic, value, doc, clause, value, 0, 1)


class _Clause:
    def __init__(self, clause_id: str) -> None:
        self.clause_id, self.path, self.text, self.start, self.end = clause_id, ("x",), "t", 0, 1


def test_compare_rules() -> None:
    clauses: dict[str, Any] = {c: _Clause(c) for c in ("a:1", "a:2", "b:1")}
    # exclusive topic: two values in one document already diverge
    conflicts, _ = compare([_stmt("age_limit", "≤35岁", "a", "a:1"), _stmt("age_limit", "≤45岁", "a", "a:2")], clauses)
    assert [c["scope"] for c in conflicts] == ["within_document"]
    # a non-exclusive topic with several values in one document does not
    conflicts, _ = compare(
        [_stmt("evaluation_cycle", "mid-cycle", "a", "a:1"), _stmt("evaluation_cycle", "P5Y cycle", "a", "a:2")], clauses
    )
    assert conflicts == []
    # the same value in two documents: one shared entry with both sources, no conflict
    conflicts, shared = compare([_stmt("sanction", "摘牌", "a", "a:1"), _stmt("sanction", "摘牌", "b", "b:1")], clauses)
    assert conflicts == [] and len(shared) == 1 and [s["clause_id"] for s in shared[0]["sides"]] == ["a:1", "b:1"]


def test_every_cited_side_and_phrase_round_trips_to_the_source(overlap_of) -> None:
    r = overlap_of("platform_type")
    src = sources()
    for entry in [*r["conflicts"], *r["shared"]]:
        for side in entry["sides"]:
            assert src[side["doc_id"]][side["start"] : side["end"]] == side["text"], side["clause_id"]
            for p in side["phrases"]:
                assert p["text"] and src[side["doc_id"]][p["start"] : p["end"]] == p["text"], (side["clause_id"], p)
                assert side["start"] <= p["start"] and p["end"] <= side["end"], (side["clause_id"], p)


def test_every_cell_cites_clauses_that_name_the_item(overlap_of, documents) -> None:
    table = load_aliases()
    clauses = {c.clause_id: c for d in documents for c in d.clauses}
    r = overlap_of("all")
    for item, by_doc in r["cells"].items():
        assert sorted(by_doc) == r["matrix"][item]
        for doc_id, ids in by_doc.items():
            for cid in ids:
                assert clauses[cid].doc_id == doc_id
                assert r["ids"][item] in {m.entity_id for m in table.find_mentions(clauses[cid].text)}, (item, cid)


def test_policy_tool_dimension_has_category_and_sub_tool_rows(overlap_of) -> None:
    m = overlap_of("policy_tool")["matrix"]
    assert {"供给型", "环境型", "需求型"} <= set(m)
    assert m["环境型:考核评估"] == ["000", "001", "002", "003", "004"]
    assert "000" not in m["需求型"]


def test_a_provision_restated_in_two_new_documents_is_shown_once() -> None:
    a = _doc("901", "一、保障\n加强市级相关部门统筹协调，确保各项任务落实到位。\n")
    b = _doc("902", "一、保障\n（一）加强组织。加强市级相关部门统筹协调，确保各项任务落实到位。\n")
    c = _doc("903", "一、保障\n完善经费管理。\n")
    r = compute_overlap([a, b, c], "agency")
    restated = [s for s in r["shared"] if s["topic"] == "restated_provision"]
    assert len(restated) == 1
    assert restated[0]["documents"] == ["901", "902"]
    assert [s["doc_id"] for s in restated[0]["sides"]] == ["901", "902"]
    for side, doc in zip(restated[0]["sides"], (a, b)):
        for p in side["phrases"]:
            assert doc.text[p["start"] : p["end"]] == p["text"]


def test_fact_rows_of_a_store_give_the_same_divergences(overlap_store, overlap_of) -> None:
    """The store passes its fact nodes (lists possibly as JSON text); values must not change."""
    import json as _json

    from graph.nx_store import GRAPH_FILE, read_graph
    from graph.overlap import documents_from_store
    from graph.schema import FACT_LABELS
    from ingest.pipeline import current_store

    store = current_store(overlap_store)
    g = read_graph(store / GRAPH_FILE)
    rows = []
    for n, d in g.nodes(data=True):
        if d.get("label") in FACT_LABELS.values():
            rows.append({"id": n, **{k: (_json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v) for k, v in d.items()}})
    r = compute_overlap(documents_from_store(store), "platform_type", facts=rows)
    mine = {c["topic"]: c["values"] for c in r["conflicts"]}
    assert mine == {c["topic"]: c["values"] for c in overlap_of("platform_type")["conflicts"]}


def test_no_documents_is_an_empty_answer_not_an_error() -> None:
    r = compute_overlap([], "field")
    assert r["matrix"] == {} and r["conflicts"] == [] and r["shared"] == [] and r["documents"] == []


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    keep=st.sets(st.sampled_from(["000", "001", "002", "003", "004"]), min_size=1),
    by=st.sampled_from(["platform_type", "field", "mechanism", "program"]),
)
def test_a_subset_of_documents_gives_the_restricted_matrix(keep: set[str], by: str, documents, overlap_of) -> None:
    """Items are found per document: analysing fewer documents only drops those documents."""
    full = overlap_of(by)["matrix"]
    sub = compute_overlap([d for d in documents if d.doc_id in keep], by, facts=[])["matrix"]
    expected = {item: [d for d in docs if d in keep] for item, docs in full.items()}
    assert sub == {item: docs for item, docs in expected.items() if docs}


def test_restated_provisions_are_capped_longest_first(monkeypatch) -> None:
    import graph.overlap as ov

    a = _doc("901", "一、保障\n加强市级相关部门统筹协调，确保各项任务落实到位。\n二、经费\n拓展财政科研经费投入渠道。\n")
    b = _doc("902", "一、保障\n加强市级相关部门统筹协调，确保各项任务落实到位。\n二、经费\n拓展财政科研经费投入渠道。\n")
    monkeypatch.setattr(ov, "RESTATED_MAX_ENTRIES", 1)
    r = compute_overlap([a, b], "agency", facts=[])
    restated = [s for s in r["shared"] if s["topic"] == "restated_provision"]
    assert len(restated) == 1 and r["shared_truncated"] == 1
    assert "加强市级相关部门统筹协调" in restated[0]["value"]
