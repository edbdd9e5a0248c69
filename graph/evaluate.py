"""Precision and recall of the extractors against the golden YAML files.

Golden files (tests/golden/*.yaml) hold two things:

* ``cases``: OpenFisca-style profile cases (a platform type and role, a
  center's name, or the deadlines of a type → facts that must come back),
  run by tests/golden/conftest.py as pytest items;
* ``annotations``: gold facts per kind, each ``{doc, span, ...fields}`` with
  ``span`` an exact substring of the source file.  A file declares in
  ``exhaustive`` which (kind, documents) it annotates completely: precision is
  computed only there (a prediction there that matches no gold fact is a
  false positive); recall everywhere.

A prediction matches a gold fact when it is of the same kind and document,
its characters overlap the gold span by at least half of the shorter of the
two, and every field the gold fact gives agrees (``normalized`` exactly;
``actor`` by alias resolution; ``recipient`` by containment; ``modality``
exactly).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

import yaml

from ingest.aliases import AliasTable, aliases_for_corpus
from ingest.bearers import resolve_bearer, strip_determiners
from ingest.centers import find_centers_file, load_centers
from ingest.convert import drop_glosses
from ingest.document import Document
from ingest.errors import CorpusError
from ingest.extract import FACT_KINDS, Fact, context_for
from ingest.loaders import load_corpus
from ingest.matchform import match_form
from ingest.readview import reading_view

from .build import build_graph, graph_counts
from .golden import Annotation, Exhaustive, GoldenFormatError, parse


@dataclass
class Gold:
    kind: str
    doc: str
    span: str
    start: int
    end: int
    fields: dict[str, Any]
    file: str


def load_golden(golden_dir: Path) -> tuple[list[dict[str, Any]], list[str], list[dict[str, Any]]]:
    """(annotations, errors, exhaustive declarations) of every YAML file in ``golden_dir``.

    Each annotation is checked against graph/golden.py's :class:`Annotation`
    (an unknown key is an error, reported with its file, kind and document,
    not silently ignored) and returned as a dict of the keys it gives, with
    its ``kind`` and ``_file``. Profile cases in the same folder are checked by
    their own runner (tests/golden/conftest.py).
    """
    golden_dir = Path(golden_dir)
    if not golden_dir.is_dir():
        raise CorpusError(f"golden folder {golden_dir} not found", hint="pass --golden DIR")
    annotations, errors, exhaustive = [], [], []
    for path in sorted(golden_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        for e in data.get("exhaustive", []) or []:
            exhaustive.append(parse(e, Exhaustive, where=path.name).model_dump())
        for kind, items in (data.get("annotations") or {}).items():
            if kind not in FACT_KINDS:
                errors.append(f"{path.name}: unknown fact kind {kind!r} (known: {', '.join(FACT_KINDS)})")
                continue
            for a in items or []:
                try:
                    gold = parse(a, Annotation, where=path.name)
                except GoldenFormatError as err:
                    # a typo, or a flow mapping cut at an unquoted ASCII comma ({span: A,B} reads as span A and a key B)
                    errors.append(f"{err.message} ({kind} in {a.get('doc')}; quote spans that hold a comma)")
                    continue
                annotations.append({**gold.model_dump(exclude_none=True), "kind": kind, "_file": path.name})
    return annotations, errors, exhaustive


def as_read(name: str) -> str:
    """A name as the extractors read text (ingest/readview.py): a gold bearer copied
    with a web copy's pinyin glosses (縣(區(qū))科技局) is the bearer the view reads."""
    return reading_view(match_form(name))[0]


def locate(text: str, span: str, occurrence: int = 1) -> tuple[int, int]:
    """Offsets of the ``occurrence``-th ``span`` in ``text`` (ValueError if absent)."""
    pos = -1
    for _ in range(occurrence):
        pos = text.find(span, pos + 1)
        if pos < 0:
            raise ValueError(f"span not in source: {span!r}")
    return pos, pos + len(span)


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    inter = min(a1, b1) - max(a0, b0)
    return inter > 0 and inter >= 0.5 * min(a1 - a0, b1 - b0)


def fields_agree(gold: Gold, fact: Fact, table: AliasTable, readings: Readings | None = None) -> bool:
    """Whether every field the gold fact states agrees with the prediction
    (``readings``: see :func:`gold_readings`)."""
    a = fact.attrs
    for key, want in gold.fields.items():
        if key == "normalized":
            if a.get("normalized", a.get("deadline")) != str(want):
                return False
        elif key == "actor":
            if not actor_agrees(str(want), fact, table, readings):
                return False
        elif key == "recipient":
            if as_read(str(want)) not in as_read(a.get("recipient") or ""):
                return False
        elif key == "modality":
            continue  # scored on its own (modality agreement), not a match criterion
        elif key in ("deadline", "rule", "condition_type"):
            if str(want) != str(a.get(key, "")):
                return False
        elif key in ("amount_min", "amount_max", "share"):
            if float(want) != float(a.get(key) or 0):
                return False
    return True


Readings = Callable[[str], frozenset[str]]


def gold_readings(doc: Document, table: AliasTable) -> Readings:
    """What a gold bearer, written as the document writes it, may stand for:
    itself, and the entity the document's own coreference makes of it — the
    term a short name (以下简称X) stands for, the document's platform type
    for a bare 工程中心, the issuer for 我厅."""
    ctx = context_for(doc, table)

    @functools.lru_cache(maxsize=None)
    def readings(name: str) -> frozenset[str]:
        ent = resolve_bearer(_bearer_key(name), table, ctx.bearers)
        return frozenset({name} | ({ent.name} if ent is not None else set()))

    return readings


def actor_agrees(want: str, fact: Fact, table: AliasTable, readings: Readings | None = None) -> bool:
    """:func:`bearer_agrees` for any reading of the gold name."""
    return any(bearer_agrees(name, fact, table) for name in (readings(want) if readings else {want}))


def _bearer_key(name: str) -> str:
    """A name compared without determiners or bracketed alternatives (院（部） ~ 院)."""
    return re.sub(r"（[^）]*）", "", strip_determiners(as_read(name.strip()))[0]) or name


def bearer_agrees(want: str, fact: Fact, table: AliasTable) -> bool:
    """Whether a predicted obligation binds the gold bearer.

    The same entity through the alias table, or the same name once 各/本/有关
    are dropped, or one name ending with the other where the difference only
    qualifies it (考核不合格的平台 ~ 平台; 省级教育行政部门 ~ 有关省级教育行政部门)."""
    a = fact.attrs
    ent = table.lookup(want)
    if ent is not None and ent.id == a.get("actor_id"):
        return True
    gold = _bearer_key(want)
    for said in {a.get("actor") or "", a.get("actor_phrase") or ""} - {""}:
        pred = _bearer_key(said)
        if pred == gold:
            return True
        longer, shorter = (pred, gold) if len(pred) >= len(gold) else (gold, pred)
        if len(shorter) >= 2 and longer.endswith(shorter) and (len(shorter) >= 3 or longer[: -len(shorter)].endswith("的")):
            return True
    return False


def gold_set_dirs(gold_dir: Path) -> tuple[Path, Path]:
    """``(annotations folder, corpus folder)`` of a self-contained gold set
    (``DIR/gold.yaml`` beside ``DIR/corpus/``)."""
    gold_dir = Path(gold_dir)
    corpus = gold_dir / "corpus"
    if not corpus.is_dir():
        raise CorpusError(f"{gold_dir} has no corpus/ folder", hint="a gold set holds corpus/ (texts + sources.yaml) and gold.yaml")
    return gold_dir, corpus


@dataclass
class Scoring:
    """What scoring a gold set reads: the extracted facts and graph, the gold facts
    located in the texts, where each kind is annotated exhaustively, and how a
    gold bearer is compared (the table the graph was built with, the readings)."""

    graph: Any
    table: AliasTable
    facts: list[Fact]
    golds: list[Gold]
    scope: set[tuple[str, str]]
    readings: dict[str, Readings]
    errors: list[str]

    def matching(self, gold: Gold, facts: list[Fact], *, only: tuple[str, ...] | None = None) -> list[int]:
        """Indices of the ``facts`` that match ``gold``: same document, overlapping span,
        agreeing fields; with ``only``, those fields alone (``("actor",)``: the same duty of
        the same bearer, whatever its deadline or recipient; ``()``: the span alone)."""
        want = gold if only is None else replace(gold, fields={k: v for k, v in gold.fields.items() if k in only})
        return [
            i
            for i, f in enumerate(facts)
            if f.doc_id == gold.doc
            and _overlaps(f.start, f.end, gold.start, gold.end)
            and fields_agree(want, f, self.table, self.readings[gold.doc])
        ]


def scoring(golden_dir: Path, corpus_dir: Path, *, judged: bool = True, second: Path | None = None) -> Scoring:
    """Extract the corpus and locate the gold facts (``judged``: see ingest/fact_judge.py).

    With ``second`` (a folder holding another annotator's YAML files for the same
    documents), that annotator's facts are scored in place of the extractor's:
    how far two people following docs/annotation_guide.md agree, the ceiling any
    extractor is measured under."""
    docs = {d.doc_id: d for d in load_corpus(Path(corpus_dir))}
    table = aliases_for_corpus(Path(corpus_dir))
    centers = find_centers_file(Path(corpus_dir))
    records = load_centers(centers).records if centers else []
    # bearers are compared through the table the graph was built with (curated
    # names plus what the documents introduced, short names included)
    graph, table, facts = build_graph(list(docs.values()), table, records, judged=judged)
    readings = {d: gold_readings(doc, table) for d, doc in docs.items()}
    golds, errors, exhaustive = _located(golden_dir, docs)
    if second is not None:
        theirs, their_errors, _ = _located(second, docs)
        errors += [f"{second}: {e}" for e in their_errors]
        facts = [_as_fact(g, table) for g in theirs]
    scope = {(k, str(d)) for e in exhaustive for k in e.get("kinds", []) for d in e.get("docs", [])}
    return Scoring(graph, table, facts, golds, scope, readings, errors)


def _located(golden_dir: Path, docs: dict[str, Document]) -> tuple[list[Gold], list[str], list[dict[str, Any]]]:
    """The gold facts of ``golden_dir`` found in their documents, the errors, the exhaustive declarations."""
    annotations, errors, exhaustive = load_golden(golden_dir)
    golds: list[Gold] = []
    for a in annotations:
        doc = docs.get(str(a.get("doc")))
        if doc is None:
            errors.append(f"{a['_file']}: unknown doc {a.get('doc')!r}")
            continue
        span = drop_glosses(a["span"])  # copied from the file as supplied; the text is stored without them
        try:
            s, e = locate(doc.text, span, int(a.get("occurrence", 1)))
        except ValueError as err:
            errors.append(f"{a['_file']}: {err}")
            continue
        fields = {
            k: drop_glosses(v) if isinstance(v, str) else v
            for k, v in a.items()
            if k not in ("kind", "doc", "span", "occurrence", "_file", "note")
        }
        golds.append(Gold(a["kind"], doc.doc_id, span, s, e, fields, a["_file"]))
    return golds, errors, exhaustive


def _as_fact(gold: Gold, table: AliasTable) -> Fact:
    """An annotator's fact in the shape the extractor gives, so the same matching scores it."""
    attrs: dict[str, Any] = {k: v for k, v in gold.fields.items() if k != "actor"}
    if "actor" in gold.fields:
        ent = table.lookup(str(gold.fields["actor"]))
        attrs |= {"actor": str(gold.fields["actor"]), "actor_id": ent.id if ent is not None else ""}
    return Fact(gold.kind, gold.doc, "", gold.start, gold.end, gold.span, "annotator", 1.0, attrs)


def evaluate_extraction(golden_dir: Path, corpus_dir: Path, second: Path | None = None) -> dict[str, Any]:
    """Per-kind precision/recall of the extractors on the corpus vs the golden files
    (of a second annotator's facts instead, with ``second``: see :func:`scoring`)."""
    sc = scoring(golden_dir, corpus_dir, second=second)
    table, readings = sc.table, sc.readings
    per_kind: dict[str, Any] = {}
    misses: list[dict[str, Any]] = []
    spurious: list[dict[str, Any]] = []
    for kind in FACT_KINDS:
        kg = [g for g in sc.golds if g.kind == kind]
        kp = [f for f in sc.facts if f.kind == kind]
        matched_pred: set[int] = set()
        tp_gold = 0
        span_hits = bearer_ok = modality_ok = modality_n = 0
        for g in kg:
            hits = sc.matching(g, kp)
            if any(f.doc_id == g.doc and _overlaps(f.start, f.end, g.start, g.end) for f in kp):
                span_hits += 1
                if (
                    kind == "obligation"
                    and "actor" in g.fields
                    and any(
                        f.doc_id == g.doc
                        and _overlaps(f.start, f.end, g.start, g.end)
                        and actor_agrees(str(g.fields["actor"]), f, table, readings[g.doc])
                        for f in kp
                    )
                ):
                    bearer_ok += 1
            if not hits:
                misses.append({"kind": kind, "doc": g.doc, "span": g.span, **g.fields})
            else:
                if "modality" in g.fields:
                    modality_n += 1
                    modality_ok += int(str(kp[hits[0]].attrs.get("modality")) == str(g.fields["modality"]))
                tp_gold += 1
                matched_pred.update(hits)
        in_scope = [i for i, f in enumerate(kp) if (kind, f.doc_id) in sc.scope]
        fp = [i for i in in_scope if i not in matched_pred]
        for i in fp:
            item: dict[str, Any] = {"kind": kind, "doc": kp[i].doc_id, "clause_id": kp[i].clause_id, "text": kp[i].text[:80]}
            if kind == "obligation":
                item["actor"] = kp[i].attrs.get("actor") or kp[i].attrs.get("actor_phrase")
            spurious.append(item)
        tp_scope = len([i for i in in_scope if i in matched_pred])
        precision = tp_scope / len(in_scope) if in_scope else None
        recall = tp_gold / len(kg) if kg else None
        per_kind[kind] = {
            "gold": len(kg),
            "predicted": len(kp),
            "predicted_in_exhaustive_scope": len(in_scope),
            "true_positive": tp_gold,
            "precision": round(precision, 3) if precision is not None else None,
            "recall": round(recall, 3) if recall is not None else None,
            "exhaustive_docs": sorted(d for k, d in sc.scope if k == kind),
            "span_recall": round(span_hits / len(kg), 3) if kg else None,
        }
        if kind == "obligation":
            per_kind[kind]["bearer_accuracy"] = round(bearer_ok / span_hits, 3) if span_hits else None
            per_kind[kind]["modality_agreement"] = round(modality_ok / modality_n, 3) if modality_n else None
    return {"kinds": per_kind, "graph": graph_counts(sc.graph), "misses": misses, "spurious": spurious, "errors": sc.errors}


def format_report(report: dict[str, Any]) -> str:
    """A table of precision/recall per kind, then what was missed and what was spurious."""
    lines = [f"{'kind':<11} {'gold':>5} {'pred':>5} {'TP':>4} {'precision':>9} {'recall':>7}  exhaustive docs"]
    for kind, r in report["kinds"].items():
        p = "-" if r["precision"] is None else f"{r['precision']:.3f}"
        rc = "-" if r["recall"] is None else f"{r['recall']:.3f}"
        lines.append(
            f"{kind:<11} {r['gold']:>5} {r['predicted']:>5} {r['true_positive']:>4} {p:>9} {rc:>7}  {','.join(r['exhaustive_docs'])}"
        )
    ob = report["kinds"].get("obligation", {})
    if ob.get("gold"):
        lines.append(
            f"obligations: span recall {ob['span_recall']}, bearer accuracy {ob['bearer_accuracy']} (of span hits), "
            f"modality agreement {ob['modality_agreement']} (of matches)"
        )
    counts = report.get("graph") or {}
    if counts:
        lines.append("\nnodes: " + ", ".join(f"{k} {v}" for k, v in counts["nodes"].items()))
        lines.append("edges: " + ", ".join(f"{k} {v}" for k, v in counts["edges"].items()))
    if report.get("misses"):
        lines.append("\nmissed:")
        lines += [f"  {m['kind']:<10} {m['doc']} {m['span'][:60]}" for m in report["misses"]]
    if report.get("spurious"):
        lines.append("\nspurious (in exhaustively annotated documents):")
        lines += [f"  {s['kind']:<10} {s['clause_id']} {s['text'][:60]}" for s in report["spurious"]]
    if report["errors"]:
        lines.append("\nerrors in golden files:")
        lines += ["  " + e for e in report["errors"]]
    return "\n".join(lines)
