"""Row shaping shared by every graph backend, so their answers cannot drift.

graph/nx_store.py and graph/neo4j_store.py read the same node properties
(networkx's, or their ``_json`` copy in Neo4j) and turn them into the SPEC §4
rows here: checklist, deadline and fact rows, the ``rules_for`` answer, the
alias table of a graph's entity nodes, and the resolution of a
``--platform-type`` argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from ingest.aliases import AliasTable, Entity
from ingest.errors import NotFoundError

from . import schema as S


class Resolver(Protocol):
    """What resolve_platform_type asks of a store (every GraphStore has both)."""

    def resolve(self, name: str, kinds: list[str] | None = None) -> dict[str, Any]: ...

    def aliases(self) -> AliasTable: ...


def resolve_platform_type(store: Resolver, name: str) -> dict[str, Any]:
    """A ``--platform-type`` argument resolved by ``store.resolve`` among the
    kinds rules are written for (schema.RULE_SUBJECT_LABELS).

    An unknown name, or a field/mechanism, is a NotFoundError whose
    suggestions are the nearest platform types (``store.aliases().suggest``),
    not whatever names merely share a character with it.
    """
    try:
        return store.resolve(name, list(S.RULE_SUBJECT_LABELS))
    except NotFoundError:
        table = store.aliases()
        known = table.lookup(name)
        what = f"{name!r} is a {known.kind} ({known.name}), not a platform type" if known else f"unknown platform type {name!r}"
        raise NotFoundError(what, suggestions=table.suggest(name, [S.PLATFORM_TYPE])) from None


def obligation_row(props: dict[str, Any]) -> dict[str, Any]:
    """The SPEC §4 checklist row of one Obligation node's properties."""
    return {
        "actor": props.get("actor", ""),
        "modality": props.get("modality", ""),
        "action": props.get("action", ""),
        "object": props.get("object", ""),
        "recipient": props.get("recipient", ""),
        "deadline": props.get("deadline", ""),
        "sanction": props.get("sanction", ""),
        "clause_id": props.get("clause_id", ""),
        "doc_id": props.get("doc_id", ""),
        "text": props.get("text", ""),
        "start": props.get("start", 0),
        "end": props.get("end", 0),
        "id": props.get("id", ""),
        "path": list(props.get("path", []) or []),
        "condition": props.get("condition", ""),
        "deadline_phrase": props.get("deadline_phrase", ""),
        "due_before": props.get("due_before", ""),
        "route": list(props.get("route", []) or []),
        "applies_to": list(props.get("applies_to", []) or []),
        "extractor": props.get("extractor", ""),
        "confidence": props.get("confidence", 1.0),
    }


def obligation_sort_key(props: dict[str, Any]) -> tuple[Any, ...]:
    """Checklist order: set-up duties, then yearly, per-cycle, mid/end of cycle, open-ended."""
    return (float(props.get("due_order", 50.0)), props.get("doc_id", ""), int(props.get("start", 0)))


def deadline_row(props: dict[str, Any], clause: dict[str, Any]) -> dict[str, Any]:
    """The SPEC §4 deadline row: the phrase, its meaning, and its clause's text and offsets."""
    return {
        "phrase": props.get("phrase", props.get("text", "")),
        "kind": props.get("deadline_kind", ""),
        "normalized": props.get("normalized", ""),
        "subject": props.get("subject", ""),
        "clause_id": props.get("clause_id", ""),
        "doc_id": props.get("doc_id", ""),
        "text": clause.get("text", ""),
        "start": clause.get("start", 0),
        "end": clause.get("end", 0),
        "id": props.get("id", ""),
        "before": props.get("before", ""),
        "phrase_start": props.get("start", 0),
        "phrase_end": props.get("end", 0),
        "applies_to": list(props.get("applies_to", []) or []),
        "extractor": props.get("extractor", ""),
        "confidence": props.get("confidence", 1.0),
    }


FACT_FIELDS = ("id", "kind", "doc_id", "clause_id", "start", "end", "text", "extractor", "confidence")


def fact_row(props: dict[str, Any]) -> dict[str, Any]:
    """Any fact node as a flat dict: provenance plus its kind's fields."""
    skip = {"label", "links", "sanction_ids"}
    return {k: v for k, v in props.items() if k not in skip}


def rules_result(entity: str | None, action: str | None, rules: list[dict[str, Any]]) -> dict[str, Any]:
    """The SPEC §4 ``rules_for`` answer: fact rows in document order, and the
    clauses they come from (first appearance first)."""
    rules = sorted(rules, key=lambda r: (r["doc_id"], r["start"]))
    return {
        "entity": entity,
        "action": action,
        "clause_ids": list(dict.fromkeys(r["clause_id"] for r in rules)),
        "rules": rules,
    }


def alias_table(entities: Iterable[tuple[str, Mapping[str, Any]]]) -> AliasTable:
    """The alias table of a graph's entity nodes (those whose id is their canonical name)."""
    out = []
    for node_id, d in entities:
        if d.get("label") in S.ENTITY_LABELS and node_id == S.entity_node_id(d["label"], d.get("name", "")):
            out.append(
                Entity(
                    d["label"],
                    d["name"],
                    tuple(d.get("aliases") or ()),
                    tuple(d.get("english") or ()),
                    rule_target=d.get("rule_target", True) is not False,
                    attrs={"open_vocabulary": True} if d.get("open_vocabulary") else {},
                )
            )
    return AliasTable(out)
