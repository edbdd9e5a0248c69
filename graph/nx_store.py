"""The embedded graph store: networkx in memory, one JSON file on disk.

On-disk format (``<store>/graph.json``, UTF-8):

    {"format": "policykg-graph/1",            # graph.schema.GRAPH_FORMAT
     "directed": true, "multigraph": true, "graph": {},
     "nodes": [{"id": "<node id>", "label": "<schema label>", ...properties}],
     "links": [{"source": id, "target": id, "key": "<rel>[:<target>]", "rel": "<schema relation>",
                 "doc_id", "clause_id", "start", "end", "extractor", "confidence", ...}]}

This is networkx's node-link form (``nx.node_link_data(edges="links")``) plus
the format tag; node ids are ``"<Label>:<name>"`` for named entities,
``"Document:<doc_id>"``, ``"Clause:<clause_id>"`` and
``"<kind>:<clause_id>:<start>-<end>[:<actor>]"`` for facts.  A file with
another format tag is refused with :class:`StoreFormatError` rather than
misread.  The corpus itself (documents.json, clauses.jsonl) is read through
ingest/store_files.py.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

import networkx as nx

from ingest.aliases import AliasTable
from ingest.document import Document
from ingest.errors import NotFoundError, StoreFormatError
from ingest.memory import freeze_long_lived
from ingest.store_files import read_clauses, read_documents

from . import schema as S
from .errors import QueryError
from .rows import alias_table, deadline_row, fact_row, obligation_row, obligation_sort_key, resolve_platform_type, rules_result

GRAPH_FILE = "graph.json"
_PLURAL = {"obligation": "obligations", "deadline": "deadlines", "funding": "funding", "sanction": "sanctions", "condition": "conditions"}


def write_graph(g: nx.MultiDiGraph, path: Path) -> None:
    """Write ``g`` atomically (temp file + rename) in the documented format."""
    data = nx.node_link_data(g, edges="links")
    data = {"format": S.GRAPH_FORMAT, **data}
    tmp = Path(path).with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    os.replace(tmp, path)


def read_graph(path: Path) -> nx.MultiDiGraph:
    """Load graph.json, refusing a file of another format version."""
    path = Path(path)
    if not path.exists():
        raise StoreFormatError(f"{path} is missing", hint="re-run `policykg ingest`")
    data = json.loads(path.read_text("utf-8"))
    fmt = data.pop("format", None)
    if fmt != S.GRAPH_FORMAT:
        raise StoreFormatError(f"{path} has format {fmt!r}, this version reads {S.GRAPH_FORMAT!r}", hint="re-run `policykg ingest`")
    return nx.node_link_graph(data, edges="links", multigraph=True, directed=True)


class NxGraphStore:
    """GraphStore over one store directory (see graph/store.py for the contract)."""

    def __init__(self, store_dir: Path, graph: nx.MultiDiGraph | None = None) -> None:
        self.store_dir = Path(store_dir)
        self.g = graph if graph is not None else read_graph(self.store_dir / GRAPH_FILE)
        self._aliases: AliasTable | None = None
        self._docs: list[dict[str, Any]] | None = None
        self._clauses: list[dict[str, Any]] | None = None
        self._by_label: dict[str, list[tuple[str, dict[str, Any]]]] | None = None
        self._overlap: dict[str, dict[str, Any]] = {}

    def close(self) -> None:
        return None

    # -- corpus -------------------------------------------------------------
    def _documents(self) -> list[dict[str, Any]]:
        if self._docs is None:
            self._docs = [{k: v for k, v in d.items() if k != "text"} for d in read_documents(self.store_dir)]
        return self._docs

    def _clause_list(self) -> list[dict[str, Any]]:
        if self._clauses is None:
            self._clauses = [c.to_dict() for c in read_clauses(self.store_dir)]
        return self._clauses

    def documents(self) -> dict[str, Any]:
        return {"documents": self._documents()}

    def document(self, doc_id: str) -> dict[str, Any]:
        for d in self._documents():
            if d["doc_id"] == doc_id:
                return d
        raise NotFoundError(f"unknown document {doc_id!r}", suggestions=[d["doc_id"] for d in self._documents()])

    def clauses(self, doc_id: str | None = None) -> dict[str, Any]:
        if doc_id is not None:
            self.document(doc_id)
        return {"clauses": [c for c in self._clause_list() if doc_id is None or c["doc_id"] == doc_id]}

    def corpus(self) -> list[Document]:
        """The documents with their source text and clauses, as ingested (documents.json + clauses.jsonl)."""
        from .overlap import documents_from_store

        return documents_from_store(self.store_dir)

    def graph(self) -> nx.MultiDiGraph:
        """The graph read from graph.json (shared: not to be changed)."""
        return self.g

    def clause(self, clause_id: str) -> dict[str, Any]:
        node = self.g.nodes.get(S.clause_node_id(clause_id))
        if node is None:
            from rapidfuzz import process

            ids = [d["clause_id"] for _, d in self._nodes(S.CLAUSE)]
            near = [m[0] for m in process.extract(clause_id, ids, limit=5)]
            raise NotFoundError(f"unknown clause {clause_id!r}", suggestions=near)
        return {k: node[k] for k in ("clause_id", "doc_id", "path", "text", "start", "end", "kind")}

    # -- helpers ------------------------------------------------------------
    def _nodes(self, label: str) -> list[tuple[str, dict[str, Any]]]:
        """Nodes of one label (indexed on first use, so queries do not scan the graph)."""
        if self._by_label is None:
            index: dict[str, list[tuple[str, dict[str, Any]]]] = {}
            for n, d in self.g.nodes(data=True):
                index.setdefault(d.get("label", ""), []).append((n, d))
            self._by_label = index
        return self._by_label.get(label, [])

    def _props(self, node_id: str) -> dict[str, Any]:
        return {"id": node_id, **self.g.nodes[node_id]}

    def aliases(self) -> AliasTable:
        """The alias table as ingested (curated table + center records)."""
        if self._aliases is None:
            self._aliases = alias_table(self.g.nodes(data=True))
        return self._aliases

    def resolve(self, name: str, kinds: list[str] | None = None) -> dict[str, Any]:
        """The node a name or alias stands for (NotFoundError with nearest names)."""
        if name is None or not str(name).strip():
            raise QueryError("empty name", hint="give a name, e.g. 高精尖创新中心")
        if len(name) > 200:
            raise QueryError(f"name too long ({len(name)} characters, at most 200)")
        ent = self.aliases().resolve(name, kinds)
        return self._props(ent.id)

    def _platform_type_of(self, node_id: str) -> str:
        """A Platform's PlatformType (itself for anything else)."""
        for _, target, key in self.g.out_edges(node_id, keys=True):
            if key == S.INSTANCE_OF:
                return target
        return node_id

    def _with_subtypes(self, node_id: str) -> set[str]:
        return self._index.with_subtypes(node_id)

    def _facts(self, label: str) -> list[dict[str, Any]]:
        return [self._index.props[n] for n in self._index.by_label.get(label, [])]

    @cached_property
    def _index(self) -> "FactIndex":
        """Who each fact applies to, binds or touches, built once per store (a store
        directory never changes), so checklists and rules_for look facts up
        instead of scanning every fact and its edges.

        The graph and the index live as long as the process serves this store,
        so they are kept out of the cyclic collector's passes (ingest/memory.py;
        measured: entity + checklist at 100k, max of 20 runs 606 ms → 52 ms).
        """
        index = FactIndex.build(self.g)
        freeze_long_lived()
        return index

    # -- queries ------------------------------------------------------------
    def obligations(self, platform_type: str, role: str | None = None) -> dict[str, Any]:
        pt_node = resolve_platform_type(self, platform_type)
        target = self._platform_type_of(pt_node["id"])
        actors: set[str] | None = None
        role_name = None
        if role:
            role_node = self.resolve(role, [S.ROLE, S.ORGANIZATION, S.PLATFORM_TYPE, S.PLATFORM])
            role_id = self._platform_type_of(role_node["id"])
            actors = self._with_subtypes(role_id)
            role_name = self.g.nodes[role_id]["name"]
        ix = self._index
        rows = [dict(ix.row(n, obligation_row)) for n in ix.checklist(target) if actors is None or ix.props[n].get("actor_id") in actors]
        return {"platform_type": self.g.nodes[target]["name"], "role": role_name, "obligations": rows}

    def deadlines(self, platform_type: str | None = None) -> dict[str, Any]:
        target = self._platform_type_of(resolve_platform_type(self, platform_type)["id"]) if platform_type else None
        rows = [dict(r) for r in self._deadline_rows(target)]
        return {"platform_type": self.g.nodes[target]["name"] if target else None, "deadlines": rows}

    def _deadline_rows(self, target: str | None) -> list[dict[str, Any]]:
        """The deadline rows that apply to ``target`` (all for None), sorted; kept per target."""
        ix = self._index
        if target not in ix.deadline_rows:
            ids = ix.applies_to.get((S.DEADLINE, target), []) if target else ix.by_label.get(S.DEADLINE, [])
            rows = [deadline_row(ix.props[n], self.g.nodes.get(S.clause_node_id(ix.props[n]["clause_id"]), {})) for n in ids]
            rows.sort(key=lambda r: (r["doc_id"], r["phrase_start"]))
            ix.deadline_rows[target] = rows
        return ix.deadline_rows[target]

    def rules_for(self, entity: str | None = None, action: str | None = None, kinds: list[str] | None = None) -> dict[str, Any]:
        """Facts that apply to ``entity`` (resolved, a center through its type)
        and/or whose text names ``action``; ``kinds`` filters by fact kind.

        An entity matches a fact when the fact applies to it, funds it or its
        clause mentions it (that entity exactly), or when the fact binds or
        reports to it or to a narrower kind of it (a 市属高校 duty is a duty of
        a kind of 依托高校; a rule for 市属高校 does not apply to every 依托高校).
        """
        wanted = set(kinds or S.FACT_LABELS)
        unknown = wanted - set(S.FACT_LABELS)
        if unknown:
            raise QueryError(f"unknown fact kind(s) {sorted(unknown)}", hint=f"use {', '.join(S.FACT_LABELS)}")
        targets: tuple[set[str], set[str]] | None = None
        ent_props = None
        if entity:
            ent_props = self.resolve(entity)
            base = self._platform_type_of(ent_props["id"])
            targets = ({base, ent_props["id"]}, self._with_subtypes(base) | {ent_props["id"]})
        key = (ent_props["id"] if ent_props else None, action, tuple(sorted(wanted)))
        if key not in self._index.answers:
            self._index.answers[key] = self._rules(targets, action, wanted)
        # already in order: rules_result's sort runs through it in one pass
        return rules_result(ent_props["name"] if ent_props else None, action, [dict(r) for r in self._index.answers[key]])

    def _rules(self, targets: tuple[set[str], set[str]] | None, action: str | None, wanted: set[str]) -> list[dict[str, Any]]:
        """The shared fact rows of a rules_for answer, in its order (rules_result's)."""
        ix = self._index
        rules = []
        for kind in sorted(wanted):
            label = S.FACT_LABELS[kind]
            if targets is None:
                ids = ix.by_label.get(label, [])
            else:
                exact, with_subtypes = targets
                ids = ix.union(*(ix.touches.get((label, e), []) for e in exact), *(ix.binds.get((label, e), []) for e in with_subtypes))
            for n in ids:
                props = ix.props[n]
                if action and action not in props.get("text", "") and action not in props.get("action", ""):
                    continue
                rules.append(ix.row(n, fact_row))
        return rules_result(None, action, rules)["rules"]

    def entity(self, name: str) -> dict[str, Any]:
        node = self.resolve(name)
        nid = node["id"]
        key = ("entity", nid)
        if key not in self._index.answers:
            self._index.answers[key] = [self._entity_parts(nid)]
        parts = self._index.answers[key][0]
        entity = {k: v for k, v in node.items() if k not in ("record",)}
        if "record" in node:
            entity["source"] = node["record"]
        return {
            "query": name,
            "entity": entity,
            "applies_via": parts["applies_via"],
            "neighbours": [dict(n) for n in parts["neighbours"]],
            "mentioned_in": list(parts["mentioned_in"]),
            "documents": list(parts["documents"]),
            "applies": {kind: [dict(r) for r in rows] for kind, rows in parts["applies"].items()},
        }

    def _entity_parts(self, nid: str) -> dict[str, Any]:
        """What ``entity`` answers about one node, computed once per store (shared rows)."""
        neighbours = []
        mentioned_in: list[str] = []
        for src, _, data in self.g.in_edges(nid, data=True):
            if data.get("rel") == S.MENTIONS:
                mentioned_in.append(self.g.nodes[src]["clause_id"])
            elif self.g.nodes[src].get("label") in (S.DOCUMENT, *S.ENTITY_LABELS):
                neighbours.append(self._neighbour(src, data, "in"))
        for _, tgt, data in self.g.out_edges(nid, data=True):
            neighbours.append(self._neighbour(tgt, data, "out"))
        applies_via = self._platform_type_of(nid)
        rules = self.rules_for(self.g.nodes[applies_via]["name"])
        grouped: dict[str, list[dict[str, Any]]] = {k: [] for k in S.FACT_LABELS}
        for r in rules["rules"]:
            grouped[r["kind"]].append(r)
        if grouped["obligation"]:
            grouped["obligation"].sort(key=obligation_sort_key)
        return {
            "applies_via": self.g.nodes[applies_via]["name"] if applies_via != nid else None,
            "neighbours": neighbours,
            "mentioned_in": sorted(set(mentioned_in)),
            "documents": sorted({c.split(":")[0] for c in mentioned_in}),
            "applies": {_PLURAL[k]: v for k, v in grouped.items()},
        }

    def _neighbour(self, other: str, edge: dict[str, Any], direction: str) -> dict[str, Any]:
        d = self.g.nodes[other]
        out = {
            "relation": edge.get("rel"),
            "direction": direction,
            "id": other,
            "label": d.get("label"),
            "name": d.get("name") or d.get("title") or d.get("text", "")[:60],
        }
        if edge.get("record"):
            out["source"] = edge["record"]
        return out

    def overlap(self, by: str) -> dict[str, Any]:
        """The overlap matrix and conflicts (graph/overlap.py), fed with this
        graph's facts and the alias table it was built with (curated names plus
        center records).

        A store directory never changes once built, so each ``by`` is computed
        once per store instance (the analysis re-reads every clause; a
        long-lived store answers repeat requests from memory); callers get a
        copy they may change.
        """
        from .overlap import check_by, overlap_for_store

        by = check_by(by)
        if by not in self._overlap:
            facts = [fact_row({"id": n, **d}) for n, d in self.g.nodes(data=True) if d.get("label") in S.FACT_LABELS.values()]
            self._overlap[by] = overlap_for_store(self.store_dir, by, facts=facts, table=self.aliases())
        return copy.deepcopy(self._overlap[by])


Key = tuple[str, str]
"""(fact label, entity id)"""


@dataclass
class FactIndex:
    """Facts by label and by the entities they concern, each list in graph order.

    Keyed by (fact label, entity id): ``applies_to`` lists the facts whose
    ``applies_to`` names the entity; ``actor`` the facts it bears; ``touches``
    the facts that apply to it, fund it, are about it or whose clause
    mentions it; ``binds`` the facts that bind it or report to it (rules_for
    widens these to narrower kinds of the asked entity, graph/rows.py's
    rule). ``subtypes``: entity -> its direct narrower kinds (SUBTYPE_OF).
    """

    props: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_label: dict[str, list[str]] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)
    applies_to: dict[Key, list[str]] = field(default_factory=dict)
    actor: dict[Key, list[str]] = field(default_factory=dict)
    touches: dict[Key, list[str]] = field(default_factory=dict)
    binds: dict[Key, list[str]] = field(default_factory=dict)
    subtypes: dict[str, list[str]] = field(default_factory=dict)
    checklists: dict[str, list[str]] = field(default_factory=dict)
    deadline_rows: dict[str | None, list[dict[str, Any]]] = field(default_factory=dict)
    rows: dict[tuple[str, Callable[..., Any]], dict[str, Any]] = field(default_factory=dict)
    answers: dict[tuple[Any, ...], list[dict[str, Any]]] = field(default_factory=dict)
    """Answers computed once per store, as shared rows (callers copy them)."""

    @classmethod
    def build(cls, g: nx.MultiDiGraph) -> "FactIndex":
        ix = cls()
        fact_labels = set(S.FACT_LABELS.values())

        def add(table: dict[Key, list[str]], key: Key, n: str) -> None:
            ids = table.setdefault(key, [])
            if not ids or ids[-1] != n:  # facts arrive in graph order: a repeat is the last one
                ids.append(n)

        for n, d in g.nodes(data=True):
            label = d.get("label")
            if label in S.ENTITY_LABELS:
                for src, _, k in g.in_edges(n, keys=True):
                    if k == S.SUBTYPE_OF:
                        ix.subtypes.setdefault(n, []).append(src)
            if label not in fact_labels:
                continue
            ix.position[n] = len(ix.props)
            ix.props[n] = {"id": n, **d}
            ix.by_label.setdefault(label, []).append(n)
            for e in d.get("applies_to") or ():
                add(ix.applies_to, (label, e), n)
                add(ix.touches, (label, e), n)
            if d.get("actor_id"):
                add(ix.actor, (label, d["actor_id"]), n)
            for _, tgt, data in g.out_edges(n, data=True):
                rel = data.get("rel")
                if rel in (S.BINDS, S.REPORTS_TO):
                    add(ix.binds, (label, tgt), n)
                elif rel in (S.FUNDS, S.ABOUT):
                    add(ix.touches, (label, tgt), n)
            cid = S.clause_node_id(d["clause_id"])
            if cid in g:
                for _, t, k in g.out_edges(cid, keys=True):
                    if k == S.MENTIONS:
                        add(ix.touches, (label, t), n)
        return ix

    def union(self, *lists: list[str]) -> list[str]:
        """The facts of several lists, once each, in graph order."""
        lists = tuple(x for x in lists if x)
        if len(lists) == 1:
            return lists[0]
        return sorted(set().union(*lists), key=self.position.__getitem__)

    def checklist(self, target: str) -> list[str]:
        """Obligations that apply to or bind ``target``, in checklist order (kept per target)."""
        if target not in self.checklists:
            ids = self.union(self.applies_to.get((S.OBLIGATION, target), []), self.actor.get((S.OBLIGATION, target), []))
            self.checklists[target] = sorted(ids, key=lambda n: obligation_sort_key(self.props[n]))
        return self.checklists[target]

    def row(self, n: str, shape: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
        """Fact ``n`` as ``shape`` makes it (graph/rows.py's row functions), made once;
        callers get the shared dict and copy it before handing it out."""
        key = (n, shape)
        if key not in self.rows:
            self.rows[key] = shape(self.props[n])
        return self.rows[key]

    def with_subtypes(self, node_id: str) -> set[str]:
        """``node_id`` and every kind narrower than it."""
        out, todo = {node_id}, [node_id]
        while todo:
            for sub in self.subtypes.get(todo.pop(), ()):
                if sub not in out:
                    out.add(sub)
                    todo.append(sub)
        return out
