"""Collect the golden YAML cases (OpenFisca-style) as pytest items.

Every ``cases:`` entry of ``tests/golden/*.yaml`` becomes one test, named by
its file and ``name``.  A case gives a ``profile`` (what is asked of the graph)
and ``expect`` (what must come back, identified by source spans); a failure
names the file, the case and the mismatch.  The graph is built once per
session from the real corpus with the real extractors and the networkx store.

Profiles:
  {platform_type, role}        → store.obligations(...)
  {deadlines: T or null}       → store.deadlines(T)
  {entity: NAME}               → store.entity(NAME)
  {rules_for: {entity, action, kinds}} → store.rules_for(...)
  {unknown: NAME}              → store.entity(NAME) must raise NotFoundError
"""
from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@functools.lru_cache(maxsize=1)
def golden_store():
    """The real graph of the real corpus, built once per test session into a temp dir."""
    from graph.build import build_graph
    from graph.nx_store import GRAPH_FILE, NxGraphStore, write_graph
    from ingest.aliases import load_aliases
    from ingest.centers import load_centers
    from ingest.loaders import load_corpus
    from ingest.store_files import write_corpus

    out = Path(tempfile.mkdtemp(prefix="policykg-golden-"))
    atexit.register(shutil.rmtree, out, True)
    docs = load_corpus(ROOT / "corpus")
    g, _table, _facts = build_graph(docs, load_aliases(), load_centers(ROOT / "corpus" / "centers.csv").records)
    write_corpus(out, docs)
    write_graph(g, out / GRAPH_FILE)
    return NxGraphStore(out)


def pytest_collect_file(parent: pytest.Collector, file_path: Path):
    if file_path.suffix == ".yaml" and file_path.parent == Path(__file__).parent:
        return GoldenFile.from_parent(parent, path=file_path)
    return None


class GoldenFile(pytest.File):
    def collect(self):
        data = yaml.safe_load(self.path.read_text("utf-8")) or {}
        for case in data.get("cases", []) or []:
            yield GoldenCase.from_parent(self, name=case["name"], case=case)


class GoldenMismatch(AssertionError):
    pass


class GoldenCase(pytest.Item):
    def __init__(self, *, case: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        for kw in case.get("keywords", []) or []:
            self.add_marker(kw)

    def runtest(self) -> None:
        store = golden_store()
        check_case(store, self.case)

    def repr_failure(self, excinfo, style=None):  # type: ignore[override]
        if isinstance(excinfo.value, GoldenMismatch):
            return f"{self.path.name} :: {self.name}\n  source: {self.case.get('source')}\n  {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"golden: {self.name}"


def _find(rows: list[dict[str, Any]], want: dict[str, Any]) -> dict[str, Any] | None:
    """The first row whose text contains the span and agrees on every given field."""
    for r in rows:
        if want.get("span") and want["span"] not in r.get("text", "") and want["span"] not in r.get("phrase", ""):
            continue
        if want.get("doc") and r.get("doc_id") != str(want["doc"]):
            continue
        ok = True
        for key in ("actor", "modality", "deadline", "normalized", "kind", "clause_id"):
            if key in want and str(want[key]) != str(r.get(key, "")):
                ok = False
        for key in ("recipient", "sanction"):
            if key in want and str(want[key]) not in str(r.get(key, "")):
                ok = False
        if ok:
            return r
    return None


def _require(rows: list[dict[str, Any]], wants: list[dict[str, Any]], what: str) -> None:
    for want in wants or []:
        if _find(rows, want) is None:
            near = [r.get("text", "")[:40] for r in rows if want.get("span", "")[:6] in r.get("text", "")][:3]
            raise GoldenMismatch(f"no {what} matching {want}; rows with a similar text: {near}")


def check_case(store: Any, case: dict[str, Any]) -> None:
    """Run one golden case against the store; raise GoldenMismatch on a difference."""
    from ingest.errors import NotFoundError

    profile, expect = case.get("profile") or {}, case.get("expect") or {}
    if "unknown" in profile:
        try:
            store.entity(profile["unknown"])
        except NotFoundError as err:
            for s in expect.get("suggests", []):
                if s not in err.suggestions:
                    raise GoldenMismatch(f"suggestions {err.suggestions} lack {s!r}") from None
            return
        raise GoldenMismatch(f"{profile['unknown']!r} resolved, expected NotFoundError")
    if "platform_type" in profile:
        res = store.obligations(profile["platform_type"], profile.get("role"))
        rows = res["obligations"]
        _require(rows, expect.get("obligations"), "obligation")
        if "only_actors" in expect:
            extra = sorted({r["actor"] for r in rows} - set(expect["only_actors"]))
            if extra:
                raise GoldenMismatch(f"other actors' duties mixed in: {extra}")
        if "min_count" in expect and len(rows) < expect["min_count"]:
            raise GoldenMismatch(f"{len(rows)} obligations, expected at least {expect['min_count']}")
        for a, b in expect.get("order", []) or []:
            ia = next((i for i, r in enumerate(rows) if a in r["text"]), None)
            ib = next((i for i, r in enumerate(rows) if b in r["text"]), None)
            if ia is None or ib is None or ia > ib:
                raise GoldenMismatch(f"expected {a!r} before {b!r} in the checklist (got {ia}, {ib})")
        return
    if "deadlines" in profile:
        rows = store.deadlines(profile["deadlines"])["deadlines"]
        _require(rows, expect.get("deadlines"), "deadline")
        for want in expect.get("absent", []) or []:
            if _find(rows, want) is not None:
                raise GoldenMismatch(f"unexpected deadline {want}")
        return
    if "entity" in profile:
        res = store.entity(profile["entity"])
        ent = res["entity"]
        for key, value in (expect.get("entity") or {}).items():
            if ent.get(key) != value:
                raise GoldenMismatch(f"entity {key} is {ent.get(key)!r}, expected {value!r}")
        if "applies_via" in expect and res.get("applies_via") != expect["applies_via"]:
            raise GoldenMismatch(f"applies_via {res.get('applies_via')!r}, expected {expect['applies_via']!r}")
        for kind in ("obligations", "deadlines", "sanctions", "conditions", "funding"):
            _require(res["applies"][kind], expect.get(kind), kind[:-1] if kind != "funding" else kind)
        for rel in expect.get("neighbours", []) or []:
            if not any(n["relation"] == rel["relation"] and n["name"] == rel["name"] for n in res["neighbours"]):
                raise GoldenMismatch(f"no neighbour {rel}")
        return
    if "rules_for" in profile:
        q = profile["rules_for"]
        res = store.rules_for(q.get("entity"), q.get("action"), q.get("kinds"))
        for cid in expect.get("clause_ids", []):
            if cid not in res["clause_ids"]:
                raise GoldenMismatch(f"{cid} not among {res['clause_ids']}")
        _require(res["rules"], expect.get("rules"), "rule")
        return
    raise GoldenMismatch(f"case has no known profile: {profile}")
