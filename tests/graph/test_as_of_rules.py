"""graph/as_of.py on hand-made results: marking, cutting checklists, and which rule prevails."""

from __future__ import annotations

import pytest

from graph.as_of import apply_as_of, parse_as_of, resolve_conflict, standings
from graph.errors import QueryError

DOCS = [
    {"doc_id": "old", "title": "旧办法", "scope": ["甲中心"], "validity": {"valid_from": "2015-01-01"}},
    {
        "doc_id": "plan",
        "title": "行动计划",
        "scope": ["甲中心", "乙中心", "丙中心"],
        "validity": {"valid_from": "2021-01-01", "valid_to": "2023-12-31", "from_how": "plan period", "to_how": "plan period"},
    },
    {"doc_id": "draft", "title": "征求意见稿", "scope": ["甲中心"], "validity": {"draft": True}},
    {"doc_id": "new", "title": "新办法", "scope": ["甲中心", "乙中心"], "validity": {"valid_from": "2024-01-01"}},
]


def rows(*docs: str) -> list[dict]:
    return [{"doc_id": d, "clause_id": f"{d}:1", "text": "…", "start": 0, "end": 1} for d in docs]


def test_a_checklist_keeps_what_is_in_force_and_says_what_it_left_out():
    result = apply_as_of("obligations", {"obligations": rows("old", "plan", "draft")}, DOCS, "2022-06-01")
    assert [r["doc_id"] for r in result["obligations"]] == ["old", "plan"]
    assert [(d["doc_id"], d["doc_status"], d["items"]) for d in result["left_out"]] == [("draft", "draft", 1)]
    later = apply_as_of("obligations", {"obligations": rows("old", "plan")}, DOCS, "2024-06-01")
    assert [r["doc_id"] for r in later["obligations"]] == ["old"]
    assert later["left_out"][0]["reason"].startswith("expired after 2023-12-31")
    every = apply_as_of("obligations", {"obligations": rows("old", "plan")}, DOCS, "2024-06-01", all_versions=True)
    assert [(r["doc_id"], r["in_force"], r["doc_status"]) for r in every["obligations"]] == [
        ("old", True, "in_force"),
        ("plan", False, "expired"),
    ]


def test_search_is_marked_not_cut_and_an_answer_names_its_standing():
    hits = apply_as_of("search", {"results": rows("draft", "old")}, DOCS, "2022-06-01")
    assert [(r["doc_id"], r["in_force"]) for r in hits["results"]] == [("draft", False), ("old", True)]
    answer = apply_as_of("ask", {"abstained": False, "answer": "三年一次。", "rules": rows("draft")}, DOCS, "2022-06-01")
    assert answer["answer"] == "【征求意见稿，未生效】三年一次。"
    expired = apply_as_of("ask", {"abstained": False, "answer": "每年。", "rules": rows("plan")}, DOCS, "2025-01-01")
    assert expired["answer"].startswith("【已失效】")


def test_entity_rules_are_cut_by_kind():
    result = apply_as_of("entity", {"applies": {"obligations": rows("old", "draft"), "deadlines": rows("draft")}}, DOCS, "2022-06-01")
    assert {k: [r["doc_id"] for r in v] for k, v in result["applies"].items()} == {"obligations": ["old"], "deadlines": []}


def test_the_narrower_document_prevails_then_the_later_one_and_a_draft_never():
    by_doc = standings(DOCS, "2024-06-01")
    meta = {d["doc_id"]: d for d in DOCS}
    conflict = {"applies_to": {"old": ["甲中心"], "new": ["甲中心", "乙中心"], "draft": ["甲中心"]}}
    [res] = resolve_conflict(conflict, by_doc, meta)
    assert (res["subject"], res["winner"], res["over"], res["principle"]) == ("甲中心", "old", ["new"], "lex specialis")
    wide = {**meta, "old": {**meta["old"], "scope": ["甲中心", "乙中心"]}}
    [res] = resolve_conflict(conflict, by_doc, wide)
    assert (res["winner"], res["principle"]) == ("new", "lex posterior")
    amending = {
        **wide,
        "new": {
            **wide["new"],
            "validity": {**wide["new"]["validity"], "relations": [{"relation": "AMENDS", "title": "旧办法", "doc_id": "old"}]},
        },
    }
    [res] = resolve_conflict(conflict, by_doc, amending)
    assert (res["winner"], res["principle"]) == ("new", "relation") and "旧办法" in res["reason"]


def test_a_date_that_is_no_date_is_a_clear_error():
    assert parse_as_of("2024-02-29") == "2024-02-29"
    with pytest.raises(QueryError, match="YYYY-MM-DD"):
        parse_as_of("2023-02-29")
