"""Collect the golden YAML cases (OpenFisca-style) as pytest items.

Every ``cases:`` entry of ``tests/golden/*.yaml`` becomes one test, named by
its file and ``name``, parsed first into graph/golden.py's typed
:class:`ProfileCase` (an unknown or misspelled key is an error naming the
file, the case and the key).  A case gives a ``profile`` (what is asked of the graph)
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

from graph.golden import ProfileCase, RowExpect

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


def load_cases(path: Path) -> list[ProfileCase]:
    """The profile cases of one golden file, typed (graph/golden.py); annotation files have none.

    A file that does not follow its format (an unknown key, a wrong type)
    raises GoldenFormatError naming the file, the case and the key.
    """
    from graph.golden import ExtractionFile, ProfileFile, load

    raw = yaml.safe_load(path.read_text("utf-8")) or {}
    if "annotations" in raw or "exhaustive" in raw:
        load(path, ExtractionFile)
        return []
    return list(load(path, ProfileFile).cases)


class GoldenFile(pytest.File):
    def collect(self):
        for case in load_cases(self.path):
            yield GoldenCase.from_parent(self, name=case.name, case=case)


class GoldenMismatch(AssertionError):
    pass


class GoldenCase(pytest.Item):
    def __init__(self, *, case: ProfileCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        for kw in case.keywords:
            self.add_marker(kw)

    def runtest(self) -> None:
        store = golden_store()
        check_case(store, self.case)

    def repr_failure(self, excinfo, style=None):  # type: ignore[override]
        if isinstance(excinfo.value, GoldenMismatch):
            return f"{self.path.name} :: {self.name}\n  source: {self.case.source.doc} {self.case.source.article}\n  {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"golden: {self.name}"


EXACT = ("actor", "modality", "deadline", "normalized", "kind", "clause_id")
CONTAINED = ("recipient", "sanction")


def _differs(r: dict[str, Any], want: RowExpect) -> str | None:
    """The first field where row ``r`` does not agree with ``want`` (None when it does)."""
    if want.span and want.span not in r.get("text", "") and want.span not in r.get("phrase", ""):
        return "span"
    if want.doc and r.get("doc_id") != want.doc:
        return "doc"
    for key in EXACT:
        if getattr(want, key) is not None and str(getattr(want, key)) != str(r.get(key, "")):
            return key
    for key in CONTAINED:
        if getattr(want, key) is not None and str(getattr(want, key)) not in str(r.get(key, "")):
            return key
    return None


def _find(rows: list[dict[str, Any]], want: RowExpect) -> dict[str, Any] | None:
    """The first row whose text contains the span and agrees on every given field."""
    return next((r for r in rows if _differs(r, want) is None), None)


def _require(rows: list[dict[str, Any]], wants: list[RowExpect], what: str) -> None:
    for want in wants:
        if _find(rows, want) is None:
            given = want.model_dump(exclude_none=True)
            spanned = [r for r in rows if _differs(r, want) != "span"]
            first = f"; rows with the span differ first in {sorted({_differs(r, want) for r in spanned})}" if spanned else ""
            near = [r.get("text", "")[:40] for r in rows if (want.span or "")[:6] in r.get("text", "")][:3]
            raise GoldenMismatch(f"no {what} matching {given}{first}; rows with a similar text: {near}")


def check_case(store: Any, case: ProfileCase) -> None:
    """Run one golden case against the store; raise GoldenMismatch on a difference."""
    from ingest.errors import NotFoundError

    profile, expect = case.profile, case.expect
    question = profile.question
    if question == "unknown":
        try:
            store.entity(profile.unknown)
        except NotFoundError as err:
            for s in expect.suggests:
                if s not in err.suggestions:
                    raise GoldenMismatch(f"suggestions {err.suggestions} lack {s!r}") from None
            return
        raise GoldenMismatch(f"{profile.unknown!r} resolved, expected NotFoundError")
    if question == "platform_type":
        res = store.obligations(profile.platform_type, profile.role)
        rows = res["obligations"]
        _require(rows, expect.obligations, "obligation")
        if expect.only_actors is not None:
            extra = sorted({r["actor"] for r in rows} - set(expect.only_actors))
            if extra:
                raise GoldenMismatch(f"other actors' duties mixed in: {extra}")
        if expect.min_count is not None and len(rows) < expect.min_count:
            raise GoldenMismatch(f"{len(rows)} obligations, expected at least {expect.min_count}")
        for a, b in expect.order:
            ia = next((i for i, r in enumerate(rows) if a in r["text"]), None)
            ib = next((i for i, r in enumerate(rows) if b in r["text"]), None)
            if ia is None or ib is None or ia > ib:
                raise GoldenMismatch(f"expected {a!r} before {b!r} in the checklist (got {ia}, {ib})")
        return
    if question == "deadlines":
        rows = store.deadlines(profile.deadlines)["deadlines"]
        _require(rows, expect.deadlines, "deadline")
        for want in expect.absent:
            if _find(rows, want) is not None:
                raise GoldenMismatch(f"unexpected deadline {want.model_dump(exclude_none=True)}")
        return
    if question == "entity":
        res = store.entity(profile.entity)
        ent = res["entity"]
        for key, value in expect.entity.items():
            if ent.get(key) != value:
                raise GoldenMismatch(f"entity {key} is {ent.get(key)!r}, expected {value!r}")
        if expect.applies_via is not None and res.get("applies_via") != expect.applies_via:
            raise GoldenMismatch(f"applies_via {res.get('applies_via')!r}, expected {expect.applies_via!r}")
        for kind in ("obligations", "deadlines", "sanctions", "conditions", "funding"):
            _require(res["applies"][kind], getattr(expect, kind), kind[:-1] if kind != "funding" else kind)
        for rel in expect.neighbours:
            if not any(n["relation"] == rel.relation and n["name"] == rel.name for n in res["neighbours"]):
                raise GoldenMismatch(f"no neighbour {rel.model_dump()}")
        return
    q = profile.rules_for
    assert q is not None
    res = store.rules_for(q.entity, q.action, q.kinds)
    for cid in expect.clause_ids:
        if cid not in res["clause_ids"]:
            raise GoldenMismatch(f"{cid} not among {res['clause_ids']}")
    _require(res["rules"], expect.rules, "rule")
