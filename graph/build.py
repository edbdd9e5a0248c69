"""Build the knowledge graph from documents, extracted facts and center records.

``build_graph`` is a pure function (documents + center records + alias table →
networkx MultiDiGraph); the ingest step ``build_graph`` (order 30) calls it
and writes ``graph.json`` (format documented in graph/nx_store.py).  Building
twice from the same input gives the same graph: node ids are derived from
names, clause ids and offsets, never from counters.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

import networkx as nx

from ingest.aliases import AliasTable, Entity, aliases_for_corpus
from ingest.bearers import load_tagger
from ingest.cache import ValueCache, cache_root, digest
from ingest.chunks import Extracted, extract_all
from ingest.document import Document
from ingest.extract import Context, Fact, context_for
from ingest.fingerprint import code_digest
from ingest.pipeline import Build, step
from ingest.scope import introduce

from . import schema as S
from .nx_store import GRAPH_FILE, write_graph

CENTER_EXTRACTOR = "centers"
FACTS_CACHE = "facts"
"""Folder of the per-document extraction cache under ingest.cache.cache_root."""


# -- center records -> entities ----------------------------------------------
def center_entities(records: Iterable[Any], aliases: AliasTable) -> list[Entity]:
    """Platform entities (and their hosts and fields) from center records.

    A record whose name the alias table already knows (the two program rows)
    is attached to that entity instead of creating a duplicate.  Duck-typed
    over ``ingest.centers.CenterRecord`` so new record columns do not break it.
    """
    out: list[Entity] = []
    for rec in records:
        name = getattr(rec, "name", "")
        if not name:
            continue
        known = aliases.lookup(name)
        if getattr(rec, "record_kind", "center") == "program" or (known and known.kind != "Platform"):
            if known:
                out.append(
                    Entity(known.kind, known.name, aliases=tuple(getattr(rec, "aliases", ()) or ()), attrs={"record": _record_source(rec)})
                )
            continue
        english = tuple(getattr(rec, "english_names", ()) or ())
        surfaces = tuple(a for a in (getattr(rec, "aliases", ()) or ()) if a != name and a not in english)
        acronyms = tuple(getattr(rec, "acronyms", ()) or ())
        attrs = {
            "record_id": getattr(rec, "record_id", ""),
            "platform_type": getattr(rec, "platform_type", ""),
            "hosts": [h.name for h in getattr(rec, "hosts", ()) or ()],
            "lead_hosts": list(getattr(rec, "lead_hosts", ()) or ()),
            "fields": [f.name for f in getattr(rec, "fields", ()) or ()],
            "year": getattr(rec, "year", None),
            "confidence": getattr(rec, "confidence", ""),
            "record": _record_source(rec),
            **({"extra": dict(rec.extra)} if getattr(rec, "extra", None) else {}),  # the keeper's own columns
        }
        out.append(Entity("Platform", name, aliases=surfaces, english=english + acronyms, attrs=attrs))
    return out


def _record_source(rec: Any) -> dict[str, Any]:
    src = dict(getattr(rec, "source", {}) or {})
    src.setdefault("record_id", getattr(rec, "record_id", ""))
    return src


# -- the graph -----------------------------------------------------------------
def build_graph(
    documents: list[Document],
    aliases: AliasTable,
    center_records: Iterable[Any] = (),
    cache: ValueCache | None = None,
    *,
    judged: bool = True,
) -> tuple[nx.MultiDiGraph, AliasTable, list[Fact]]:
    """The graph, the alias table extended with the centers, and the facts.

    With a ``cache``, a document's facts are looked up by what they depend on
    (see :func:`_extracted`), so only new or changed documents are read again.
    ``judged=False`` keeps every proposal (see ingest/fact_judge.py).
    """
    records = list(center_records or ())
    table = aliases.extend(center_entities(records, aliases))
    g = nx.MultiDiGraph()
    for ent in table.entities():
        _add_entity(g, ent)
    for ent in table.entities():
        if ent.parent:
            parent = S.entity_node_id(ent.kind, ent.parent)
            if parent in g:
                g.add_edge(ent.id, parent, key=S.SUBTYPE_OF, rel=S.SUBTYPE_OF, extractor="aliases", confidence=1.0)
    _link_centers(g, table)
    facts: list[Fact] = []
    found: list[Entity] = []
    tables: list[AliasTable] = []
    for doc in documents:
        # what the document introduces (its platform type, defined terms, issuers)
        table = introduce([doc], table)
        tables.append(table)
    # bearers another document happened to name are not names this one is read
    # with: a document's facts must not depend on what was ingested before it
    extracted = _extracted_all(documents, tables, cache, judged)
    for doc, doc_table, (doc_facts, bearers) in zip(documents, tables, extracted):
        for ent in _introduced(doc, doc_table):
            _add_entity(g, ent)
        _add_document(g, doc, doc_table)
        found.extend(bearers)
        for ent in bearers:
            _add_entity(g, ent)
        _add_facts(g, doc, doc_facts)
        facts.extend(doc_facts)
    for doc in documents:
        _add_document_relations(g, doc)
    return g, table.extend(list({e.id: e for e in found}.values())) if found else table, facts


def _add_document_relations(g: nx.MultiDiGraph, doc: Document) -> None:
    """REPEALS / SUPERSEDES / AMENDS / BASED_ON / CITES edges from ``doc``, each with the
    sentence that states it; a cited document outside the corpus becomes a Document
    node with its title and 文号 (``in_corpus`` false), ready for when it is added."""
    source = S.document_node_id(doc.doc_id)
    for rel in (doc.validity or {}).get("relations", []):
        if rel.get("doc_id"):
            target = S.document_node_id(rel["doc_id"])
        else:
            target = S.cited_document_node_id(rel["title"], rel.get("doc_no"))
            if target not in g:
                g.add_node(target, label=S.DOCUMENT, title=rel["title"], doc_no=rel.get("doc_no"), in_corpus=False)
        clause = next((c for c in doc.clauses if c.start <= rel["start"] < c.end), None)
        g.add_edge(
            source,
            target,
            key=f"{rel['relation']}:{target}",
            rel=rel["relation"],
            doc_id=doc.doc_id,
            clause_id=clause.clause_id if clause else None,
            start=rel["start"],
            end=rel["end"],
            text=doc.text[rel["start"] : rel["end"]],
            extractor="validity",
            confidence=0.9,
        )


def _extracted_all(documents: list[Document], tables: list[AliasTable], cache: ValueCache | None, judged: bool = True) -> list[Extracted]:
    """:func:`extract_with_entities` of each document with its table, through
    ``cache`` when given; the documents the cache does not answer for are read
    on every core, a large one in parts (ingest/chunks.py), and what each fact
    applies to is set there too (:func:`target_facts`).

    The key covers all it reads: the extraction code and vocabulary (the
    ingest and graph packages), the document's text and metadata, and the
    alias table it is read with (which holds what other documents introduced,
    so a new platform type elsewhere re-reads the documents that could name it).
    """
    keys: list[str] = []
    out: list[Extracted | None] = [None] * len(documents)
    if cache is not None:
        code = code_digest(["ingest", "graph"])
        for i, (doc, table) in enumerate(zip(documents, tables)):
            meta = json.dumps(doc.meta(), ensure_ascii=False, sort_keys=True, default=str)
            keys.append(digest(code, doc.text, meta, table.fingerprint(), str(judged)))
            out[i] = cache.get(keys[i])
    todo = [i for i, hit in enumerate(out) if hit is None]
    if todo:
        load_tagger()
    results = extract_all([(documents[i], tables[i]) for i in todo], judged, then=target_facts)
    for i, result in zip(todo, results):
        out[i] = result
        if cache is not None:
            cache.put(keys[i], result)
    return [r for r in out if r is not None]  # every one is set by now


def _introduced(doc: Document, table: AliasTable) -> list[Entity]:
    """Entities of the table first met in ``doc`` (inferred scope, defined terms, issuers)."""
    return [e for e in table.entities() if e.attrs.get("open_vocabulary") and (e.attrs.get("source") or {}).get("doc_id") == doc.doc_id]


def _add_entity(g: nx.MultiDiGraph, ent: Entity) -> None:
    props: dict[str, Any] = {
        "label": ent.kind,
        "name": ent.name,
        "aliases": list(ent.aliases),
        "english": list(ent.english),
    }
    if ent.parent:
        props["parent"] = S.entity_node_id(ent.kind, ent.parent)
    if not ent.rule_target:
        props["rule_target"] = False
    for key, value in ent.attrs.items():
        props[key] = value
    if ent.id in g:
        g.nodes[ent.id].update({k: v for k, v in props.items() if v})
    else:
        g.add_node(ent.id, **props)


def _link_centers(g: nx.MultiDiGraph, table: AliasTable) -> None:
    """Platform -> PlatformType / host Organization / Field, with the record's source."""
    for ent in table.entities("Platform"):
        rec = ent.attrs.get("record") or {}
        prov = {"extractor": CENTER_EXTRACTOR, "confidence": _conf(ent.attrs.get("confidence")), "record": rec}
        pt = table.lookup(ent.attrs.get("platform_type") or "")
        if pt is not None and pt.kind == "PlatformType":
            g.add_edge(ent.id, pt.id, key=S.INSTANCE_OF, rel=S.INSTANCE_OF, **prov)
        for host in ent.attrs.get("hosts", []):
            org = table.lookup(host)
            oid = org.id if org is not None else S.entity_node_id("Organization", host)
            if oid not in g:
                g.add_node(oid, label="Organization", name=host, aliases=[], english=[], source="centers")
            g.add_edge(ent.id, oid, key=S.HOSTED_BY, rel=S.HOSTED_BY, lead=host in ent.attrs.get("lead_hosts", []), **prov)
        for fname in ent.attrs.get("fields", []):
            fld = table.lookup(fname)
            fid = fld.id if fld is not None and fld.kind == "Field" else S.entity_node_id("Field", fname)
            if fid not in g:
                g.add_node(fid, label="Field", name=fname, aliases=[], english=[], source="centers")
            g.add_edge(ent.id, fid, key=S.IN_FIELD, rel=S.IN_FIELD, **prov)


def _conf(level: Any) -> float:
    return {"high": 0.9, "medium": 0.7, "low": 0.5}.get(str(level), 0.7)


def _add_document(g: nx.MultiDiGraph, doc: Document, table: AliasTable) -> None:
    did = S.document_node_id(doc.doc_id)
    g.add_node(did, label=S.DOCUMENT, **{k: v for k, v in doc.meta().items()})
    manifest = {"extractor": "manifest", "confidence": 1.0, "doc_id": doc.doc_id}
    for issuer in doc.issuers:
        org = table.lookup(issuer)
        if org is not None:
            g.add_edge(did, org.id, key=S.ISSUED_BY, rel=S.ISSUED_BY, inferred="issuers" in doc.inferred, **manifest)
    for name in doc.scope:
        ent = table.lookup(name)
        if ent is not None:
            g.add_edge(did, ent.id, key=S.GOVERNS, rel=S.GOVERNS, **manifest)
    for c in doc.clauses:
        cid = S.clause_node_id(c.clause_id)
        g.add_node(
            cid,
            label=S.CLAUSE,
            clause_id=c.clause_id,
            doc_id=c.doc_id,
            path=list(c.path),
            text=c.text,
            start=c.start,
            end=c.end,
            kind=c.kind,
        )
        g.add_edge(did, cid, key=S.HAS_CLAUSE, rel=S.HAS_CLAUSE)
        seen: set[str] = set()
        for m in table.find_mentions(c.text):
            if m.entity_id in seen:
                continue
            seen.add(m.entity_id)
            g.add_edge(
                cid,
                m.entity_id,
                key=S.MENTIONS,
                rel=S.MENTIONS,
                doc_id=c.doc_id,
                clause_id=c.clause_id,
                start=c.start + m.start,
                end=c.start + m.end,
                surface=m.surface,
                extractor="aliases",
                confidence=1.0,
            )


def applies_to(fact: Fact, doc: Document, table: AliasTable, ctx: Context | None = None, path: tuple[str, ...] | None = None) -> list[str]:
    """What a fact applies to: platform types/programs its clause (or headings)
    names, plus the platform type a dedicated document governs; failing both,
    the document's scope other than platform types (北京高校, 市属高校 …)."""
    clause_text = fact.text
    ctx = ctx or context_for(doc, table)
    if path is None:
        path = next((c.path for c in doc.clauses if c.clause_id == fact.clause_id), ())
    # read with the document's own names (in 沧州市技术创新中心's 办法, 技术创新中心 is that type)
    named = [m.entity_id for m in ctx.aliases.rule_targets(clause_text + "\n" + "\n".join(path))]
    out = list(dict.fromkeys([*(target for rel, target in fact.links if rel in (S.APPLIES_TO, S.FUNDS, S.ABOUT)), *named]))
    if ctx.own_platform and ctx.own_platform.id not in out:
        out.insert(0, ctx.own_platform.id)
    if not out:
        out = [e.id for e in ctx.scope if e.kind != "PlatformType"] or [e.id for e in ctx.scope]
    actor = fact.attrs.get("actor_id")
    if actor and actor.startswith("PlatformType:") and actor not in out:
        out.insert(0, actor)
    return out


def set_targets(doc: Document, facts: list[Fact], table: AliasTable) -> None:
    """Write into each fact what it applies to (:func:`applies_to`), read with
    ``table``: the graph build and the upload preview (api/preview.py) both."""
    path_of = {c.clause_id: c.path for c in doc.clauses}
    ctx = context_for(doc, table)
    for f in facts:
        f.attrs["applies_to"] = applies_to(f, doc, table, ctx, path_of.get(f.clause_id, ()))


def target_facts(doc: Document, table: AliasTable, extracted: Extracted) -> None:
    """:func:`set_targets` of a document's extracted facts, read with the table the graph
    links them with: the document's own table plus the bearers met in it."""
    facts, bearers = extracted
    set_targets(doc, facts, table.extend(bearers) if bearers else table)


def _add_facts(g: nx.MultiDiGraph, doc: Document, facts: list[Fact]) -> None:
    """Fact nodes and their edges (``applies_to`` already set: :func:`target_facts`)."""
    path_of = {c.clause_id: c.path for c in doc.clauses}
    for f in facts:
        fid = f.fact_id
        label = S.FACT_LABELS[f.kind]
        targets = f.attrs["applies_to"]
        props = {k: v for k, v in f.attrs.items() if v is not None}
        g.add_node(
            fid,
            label=label,
            kind=f.kind,
            doc_id=f.doc_id,
            clause_id=f.clause_id,
            start=f.start,
            end=f.end,
            text=f.text,
            extractor=f.extractor,
            confidence=f.confidence,
            path=list(path_of.get(f.clause_id, ())),
            **props,
        )
        prov = {
            "doc_id": f.doc_id,
            "clause_id": f.clause_id,
            "start": f.start,
            "end": f.end,
            "extractor": f.extractor,
            "confidence": f.confidence,
        }
        g.add_edge(fid, S.clause_node_id(f.clause_id), key=S.STATED_IN, rel=S.STATED_IN, **prov)
        for rel, target in f.links:
            if target and target in g and rel != S.APPLIES_TO:
                g.add_edge(fid, target, key=f"{rel}:{target}", rel=rel, **prov)
        for target in targets:
            if target in g:
                g.add_edge(fid, target, key=f"{S.APPLIES_TO}:{target}", rel=S.APPLIES_TO, **prov)
    by_id = {f.fact_id: f for f in facts}
    deadlines: dict[str, list[Fact]] = {}  # by clause: a duty's deadlines are in its clause
    for f in facts:
        if f.kind == "deadline":
            deadlines.setdefault(f.clause_id, []).append(f)
    for f in facts:
        if f.kind != "obligation":
            continue
        prov = {
            "doc_id": f.doc_id,
            "clause_id": f.clause_id,
            "start": f.start,
            "end": f.end,
            "extractor": "link",
            "confidence": f.confidence,
        }
        for d in deadlines.get(f.clause_id, []):
            if f.start <= d.start and d.end <= f.end:
                g.add_edge(f.fact_id, d.fact_id, key=f"{S.HAS_DEADLINE}:{d.fact_id}", rel=S.HAS_DEADLINE, **prov)
        for sid in f.attrs.get("sanction_ids", []):
            if sid in by_id:
                g.add_edge(f.fact_id, sid, key=f"{S.SANCTIONED_BY}:{sid}", rel=S.SANCTIONED_BY, **prov)


def graph_counts(g: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
    """Node counts by label and edge counts by relation type."""
    nodes: dict[str, int] = {}
    for _, data in g.nodes(data=True):
        nodes[data.get("label", "?")] = nodes.get(data.get("label", "?"), 0) + 1
    edges: dict[str, int] = {}
    for _, _, data in g.edges(data=True):
        edges[data.get("rel", "?")] = edges.get(data.get("rel", "?"), 0) + 1
    return {"nodes": dict(sorted(nodes.items())), "edges": dict(sorted(edges.items()))}


@step("build_graph", order=30, requires=("documents", "centers"), assigns=("graph", "aliases", "facts"))
def build_graph_step(build: Build) -> None:
    """Extract facts, link entities and centers, and write graph.json."""
    table = aliases_for_corpus(build.corpus_dir)
    centers = build.artifacts.get("centers")
    records = getattr(centers, "records", None) or []
    g, extended, facts = build_graph(build.documents, table, records, cache=ValueCache(cache_root(build.data_dir) / FACTS_CACHE))
    write_graph(g, Path(build.out_dir) / GRAPH_FILE)
    build.artifacts["graph"] = g
    build.artifacts["aliases"] = extended
    build.artifacts["facts"] = facts
    counts = graph_counts(g)
    build.summary["graph"] = {**counts, "facts": {k: sum(1 for f in facts if f.kind == k) for k in S.FACT_LABELS}}
