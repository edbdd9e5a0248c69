"""The Neo4j read queries: one statement per question, and the same answers as
the embedded store for every name in the graph (not only the golden cases).

graph/neo4j_store.py answers obligations, deadlines, rules_for and entity with
one Cypher statement each, anchored on the node asked about; each public call
also reads the live generation first (one small statement on the meta node, so
that every statement of a call reads one generation), and the first call that
meets a fact fetches its properties once for the generation, and the answer is
kept for the generation: asked again, it is the generation read alone. These
tests count the statements a call sends through the driver, and check that a
kept answer is never read from another generation than the live one.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from graph import neo4j_store as N
from graph import schema as S
from ingest.errors import PolicyKGError

pytestmark = pytest.mark.neo4j


class _Counting:
    """A driver whose sessions and transactions log every statement they run."""

    def __init__(self, driver: Any, log: list[str]) -> None:
        self._driver, self._log = driver, log

    def session(self, **kwargs: Any) -> "_Session":
        return _Session(self._driver.session(**kwargs), self._log)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)


class _Runs:
    def __init__(self, inner: Any, log: list[str]) -> None:
        self._inner, self._log = inner, log

    def run(self, statement: str, *args: Any, **kwargs: Any) -> Any:
        self._log.append(statement)
        return self._inner.run(statement, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _Session(_Runs):
    def __enter__(self) -> "_Session":
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self._inner.__exit__(*exc)

    def execute_read(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self._inner.execute_read(lambda tx, *a, **k: work(_Runs(tx, self._log), *a, **k), *args, **kwargs)


@pytest.fixture(scope="module")
def counted(stores):
    """A Neo4j store over the same server whose statements are logged."""
    _, neo_store = stores
    log: list[str] = []
    store = N.Neo4jGraphStore(_Counting(neo_store.driver, log))
    store.aliases()  # read once per generation, as every long-lived store does
    return store, log


CALLS = {
    "obligations": lambda s: s.obligations("高精尖中心"),
    "obligations with a role": lambda s: s.obligations("高精尖中心", "依托高校"),
    "obligations of a center": lambda s: s.obligations("集成电路高精尖创新中心"),
    "deadlines": lambda s: s.deadlines("北京市技术创新中心"),
    "all deadlines": lambda s: s.deadlines(),
    "rules_for": lambda s: s.rules_for("高精尖中心", "报送"),
    "rules_for an action": lambda s: s.rules_for(None, "报送", ["obligation"]),
    "entity": lambda s: s.entity("市教委"),
    "entity of a center": lambda s: s.entity("集成电路高精尖创新中心"),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_one_statement_per_question(counted, name: str) -> None:
    """The generation read, then one statement; the first time facts are met, one more
    fetches their properties. Asked again in the same generation: the generation read alone."""
    store, log = counted
    for attempt in ("cold", "again"):
        del log[:]
        try:
            CALLS[name](store)
        except PolicyKGError as err:
            pytest.fail(f"{name}: {err}")
        assert log[0] == N._GEN, "the first statement pins the live generation"
        if attempt == "again":
            assert log == [N._GEN], log
            continue
        assert "$gen" in log[1] and log[1] != N._NODES
        assert log[2:] == log[2:3] and all(s == N._NODES for s in log[2:]), log


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _answer(store: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    try:
        return getattr(store, method)(*args, **kwargs)
    except PolicyKGError as err:
        return {"error": type(err).__name__, "message": str(err), "suggestions": getattr(err, "suggestions", None)}


def test_every_name_answers_the_same(stores) -> None:
    """entity and rules_for of every entity, checklists and deadlines of every rule subject
    (with each role), on both stores: same JSON text."""
    nx_store, neo_store = stores
    entities = nx_store.aliases().entities()
    subjects = [e.name for e in entities if e.kind in S.RULE_SUBJECT_LABELS]
    roles = [e.name for e in entities if e.kind in (S.ROLE, S.ORGANIZATION)]
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [("deadlines", (), {})]
    for e in entities:
        calls += [("entity", (e.name,), {}), ("rules_for", (e.name,), {}), ("rules_for", (e.name, "报送"), {})]
        calls.append(("rules_for", (e.name,), {"kinds": ["deadline", "funding", "sanction"]}))
    for name in subjects:
        calls += [("obligations", (name,), {}), ("deadlines", (name,), {})]
        calls += [("obligations", (name, role), {}) for role in roles[:6]]
    differ = [c for c in calls if _dump(_answer(neo_store, c[0], *c[1], **c[2])) != _dump(_answer(nx_store, c[0], *c[1], **c[2]))]
    assert not differ, f"{len(differ)} of {len(calls)} answers differ, e.g. {differ[:5]}"
    assert len(entities) > 50 and len(subjects) > 20


def _scribble(answer: dict[str, Any]) -> None:
    """Change what a caller may change of an answer: it, its lists and dicts, and each row
    in them (a row's own lists are shared with the kept row, as with the embedded store)."""
    for value in list(answer.values()):
        for part in value.values() if isinstance(value, dict) else [value]:
            if isinstance(part, list):
                for row in part:
                    if isinstance(row, dict):
                        row["changed"] = True
                part.append("changed")
        if isinstance(value, dict):
            value["changed"] = True
    answer["changed"] = True


def test_kept_answers_are_copies(stores) -> None:
    """A caller changing an answer changes neither the kept answer nor the rows it shares."""
    _, neo_store = stores
    for name, call in CALLS.items():
        first = call(neo_store)
        before = _dump(first)
        _scribble(first)
        assert _dump(call(neo_store)) == before, name


def test_kept_answers_follow_a_generation_loaded_elsewhere(neo4j_ingested, stores) -> None:
    """A generation switched in through another driver (another process's load) is what the
    next call of a long-lived store answers from, though it kept the previous answers."""
    from graph.neo4j_conn import resolve_connection
    from graph.nx_store import GRAPH_FILE, NxGraphStore, read_graph
    from ingest.pipeline import current_store

    nx_store, neo_store = stores
    store_dir = current_store(neo4j_ingested)
    kept = {name: _dump(call(neo_store)) for name, call in CALLS.items()}
    changed = read_graph(store_dir / GRAPH_FILE)
    for _, d in changed.nodes(data=True):
        if d.get("label") in (S.CLAUSE, *S.FACT_LABELS.values()):  # deadline rows show their clause's text
            d["text"] += "（修订）"
    expected = NxGraphStore(store_dir, graph=changed)
    other = N.connect(resolve_connection(neo4j_ingested))
    try:
        N.load_graph(other, changed)
        for name, call in CALLS.items():
            now = _dump(call(neo_store))
            assert "（修订）" in now and "（修订）" not in kept[name], name
            assert now == _dump(call(expected)), name
    finally:
        N.load_store(other, store_dir)  # the session's graph back as the other tests know it
        other.close()
    assert {name: _dump(call(neo_store)) for name, call in CALLS.items()} == kept
    assert {name: _dump(call(nx_store)) for name, call in CALLS.items()} == kept
