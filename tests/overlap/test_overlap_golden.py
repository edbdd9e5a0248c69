"""Golden cases (tests/overlap/golden/*.yaml): matrices, divergences, shared rules, 政策工具 codes."""

from __future__ import annotations

from typing import Any

import pytest
from overlap_helpers import load_golden, sources

from graph.golden import ConflictCase, ConflictsFile, ConflictSide, MatrixCase, MatrixFile, SharedCase, SharedSide, ToolCase, ToolsFile

MATRIX = load_golden("matrix.yaml", MatrixFile).cases
CONFLICTS = load_golden("conflicts.yaml", ConflictsFile)
TOOLS = load_golden("policy_tools.yaml", ToolsFile).cases


def _gap_params() -> list[Any]:
    out = []
    for case in MATRIX:
        for key, why in (
            ("known_gaps", "an alias-table entry keeps this item's documents wrong"),
            ("pending", "the alias table does not hold this item yet"),
        ):
            for item, docs in getattr(case, key).items():
                out.append(
                    pytest.param(
                        case.by,
                        item,
                        docs,
                        id=f"{case.by}:{item}",
                        marks=pytest.mark.xfail(strict=True, reason=f"{why} (requested from the alias-table owner)"),
                    )
                )
    return out


@pytest.mark.parametrize("case", MATRIX, ids=[c.name for c in MATRIX])
def test_matrix(case: MatrixCase, overlap_of) -> None:
    matrix = overlap_of(case.by)["matrix"]
    wrong = {item: (matrix.get(item), docs) for item, docs in case.expect.items() if matrix.get(item) != docs}
    assert not wrong, f"{case.name}: item -> (found, expected): {wrong}"
    for item in case.absent:
        assert item not in matrix, f"{case.name}: {item} must not be a {case.by} row"
    if case.exhaustive:
        allowed = set(case.expect) | set(case.known_gaps)
        extra = sorted(set(matrix) - allowed)
        assert not extra, f"{case.name}: rows not in the golden file: {extra}"


GAPS = _gap_params()

if GAPS:  # defined only while the golden file lists gaps, so an empty list is not reported as a skip

    @pytest.mark.parametrize("by,item,docs", GAPS)
    def test_matrix_known_gaps(by: str, item: str, docs: list[str], overlap_of) -> None:
        assert overlap_of(by)["matrix"].get(item) == docs


def _matches(side: dict[str, Any], want: ConflictSide | SharedSide) -> bool:
    value, applies_to = getattr(want, "value", None), getattr(want, "applies_to", None)
    return (
        side["doc_id"] == want.doc
        and want.span in side["text"]
        and (value is None or value in side["values"])
        and (applies_to is None or applies_to in side["applies_to"])
    )


def _check_span(want: ConflictSide | SharedSide) -> None:
    assert want.span in sources()[want.doc], f"golden span {want.span!r} is not in document {want.doc}"


@pytest.mark.parametrize("case", CONFLICTS.conflicts, ids=[c.name for c in CONFLICTS.conflicts])
def test_conflict(case: ConflictCase, overlap_of) -> None:
    result = overlap_of("platform_type")
    found = [c for c in result["conflicts"] if c["topic"] == case.topic]
    assert len(found) == 1, f"{case.name}: expected one conflict on {case.topic}, found {len(found)}"
    conflict = found[0]
    assert conflict["scope"] == case.scope
    if case.only_docs:
        assert sorted({s["doc_id"] for s in conflict["sides"]}) == case.only_docs
    for want in case.sides:
        _check_span(want)
        assert any(_matches(s, want) for s in conflict["sides"]), (
            f"{case.name}: no side {want} in {[(s['clause_id'], s['values']) for s in conflict['sides']]}"
        )


@pytest.mark.parametrize("case", CONFLICTS.shared, ids=[c.name for c in CONFLICTS.shared])
def test_shared(case: SharedCase, overlap_of) -> None:
    result = overlap_of("platform_type")
    found = [s for s in result["shared"] if s["topic"] == case.topic and s["value"] == case.value]
    assert len(found) == 1, f"{case.name}: the shared rule must be listed exactly once, found {len(found)}"
    assert found[0]["documents"] == case.documents
    for want in case.sides:
        _check_span(want)
        assert any(_matches(s, want) for s in found[0]["sides"]), f"{case.name}: no side {want}"


@pytest.mark.parametrize("case", TOOLS, ids=[c.name for c in TOOLS])
def test_policy_tool_codes(case: ToolCase, documents) -> None:
    from graph.policy_tools import code_clause
    from ingest.aliases import load_aliases

    doc = next(d for d in documents if d.doc_id == case.doc)
    clause = next((c for c in doc.clauses if case.span in c.text), None)
    assert clause is not None, f"{case.name}: no clause of {case.doc} contains {case.span!r}"
    labels = {c.label for c in code_clause(clause, load_aliases()).codes}
    missing = set(case.tools) - labels
    assert not missing, f"{case.name}: {clause.clause_id} lacks {sorted(missing)} (has {sorted(labels)})"
    wrong = set(case.not_tools) & labels
    assert not wrong, f"{case.name}: {clause.clause_id} must not be coded {sorted(wrong)}"
