"""Parity: the Neo4j store answers exactly as the embedded store, on the real corpus.

Every golden profile case and every dev QA question is asked of both stores
(one ingest, ``--backend neo4j``); answers must match row for row, and the
golden expectations must hold on Neo4j too.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from graph import schema as S
from ingest.errors import NotFoundError

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.neo4j
EVAL = REPO / "tests" / "data"  # the development questions, copied in (tests/data/README.md)


def _golden_module() -> Any:
    spec = importlib.util.spec_from_file_location("golden_conftest", REPO / "tests" / "golden" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


GOLDEN = _golden_module()
CASES = [c for f in sorted((REPO / "tests" / "golden").glob("*.yaml")) for c in GOLDEN.load_cases(f)]
QUESTIONS = [json.loads(line) for line in (EVAL / "dev_qa.jsonl").read_text("utf-8").splitlines() if line.strip()]


def dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)  # key order too: both print the same text


def ask_profile(store: Any, profile: Any) -> Any:
    """What a golden profile (graph/golden.py Profile) asks of a store, as tests/golden/conftest.py asks it."""
    question = profile.question
    if question == "unknown":
        with pytest.raises(NotFoundError) as err:
            store.entity(profile.unknown)
        return {"not_found": err.value.suggestions}
    if question == "platform_type":
        return store.obligations(profile.platform_type, profile.role)
    if question == "deadlines":
        return store.deadlines(profile.deadlines)
    if question == "entity":
        return store.entity(profile.entity)
    return store.rules_for(**profile.rules_for.model_dump())


def clause_ids(answer: Any) -> list[str]:
    """Every clause id an answer cites, in order."""
    if isinstance(answer, dict):
        return [cid for k, v in sorted(answer.items()) for cid in ([v] if k == "clause_id" else clause_ids(v))]
    if isinstance(answer, list):
        return [cid for v in answer for cid in clause_ids(v)]
    return []


def test_golden_cases_were_found() -> None:
    assert len(CASES) >= 20, "tests/golden/*.yaml should hold the profile cases"
    assert len(QUESTIONS) >= 20


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_profile_same_answer(stores, case: Any) -> None:
    nx_store, neo_store = stores
    want, got = ask_profile(nx_store, case.profile), ask_profile(neo_store, case.profile)
    assert clause_ids(got) == clause_ids(want)
    assert dump(got) == dump(want)
    GOLDEN.check_case(neo_store, case)  # the golden expectation itself holds on Neo4j


@pytest.mark.parametrize("by", sorted(S.OVERLAP_BY))
def test_overlap_same(stores, by: str) -> None:
    nx_store, neo_store = stores
    assert dump(neo_store.overlap(by)) == dump(nx_store.overlap(by))


def test_corpus_listing_same(stores) -> None:
    nx_store, neo_store = stores
    assert dump(neo_store.documents()) == dump(nx_store.documents())
    assert dump(neo_store.clauses()) == dump(nx_store.clauses())
    for doc in nx_store.documents()["documents"]:
        assert dump(neo_store.clauses(doc["doc_id"])) == dump(nx_store.clauses(doc["doc_id"]))
    some = nx_store.clauses()["clauses"][::25]
    assert [neo_store.clause(c["clause_id"]) for c in some] == [nx_store.clause(c["clause_id"]) for c in some]


def test_all_rules_same(stores) -> None:
    nx_store, neo_store = stores
    assert dump(neo_store.rules_for()) == dump(nx_store.rules_for())


def _profile_names(profile: Any) -> list[str]:
    """Every entity name a golden profile asks about (platform types, roles, entities)."""
    names = [profile.platform_type, profile.role, profile.deadlines, profile.entity]
    names.append(profile.rules_for.entity if profile.rules_for else None)
    return [n for n in names if isinstance(n, str) and n]


PROFILE_NAMES = sorted({n for c in CASES for n in _profile_names(c.profile)})
ACTIONS = ("报送", "评估", "摘牌", "申报")


def test_profile_names_were_found() -> None:
    assert len(PROFILE_NAMES) >= 15, PROFILE_NAMES


@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_rules_for_entity_same(stores, name: str) -> None:
    """rules_for every entity the golden cases name: same rows, same order (BINDS/REPORTS_TO
    take narrower roles, applies_to/FUNDS/ABOUT/MENTIONS only the entity itself)."""
    nx_store, neo_store = stores
    want = nx_store.rules_for(name)
    assert want["rules"], f"rules_for({name!r}) is empty on the embedded store: the parity check would prove nothing"
    assert dump(neo_store.rules_for(name)) == dump(want)


@pytest.mark.parametrize("action", ACTIONS)
def test_rules_for_action_same(stores, action: str) -> None:
    nx_store, neo_store = stores
    want = nx_store.rules_for(action=action)
    assert want["rules"], f"no fact names {action!r}"
    assert dump(neo_store.rules_for(action=action)) == dump(want)
    for name in ("高精尖中心", "依托高校", "北京市技术创新中心"):
        for kinds in (None, ["obligation"], ["sanction", "condition"]):
            got, want = neo_store.rules_for(name, action, kinds), nx_store.rules_for(name, action, kinds)
            assert dump(got) == dump(want), (name, action, kinds)


def _error_of(call: Any) -> dict[str, Any]:
    with pytest.raises(NotFoundError) as err:
        call()
    e = err.value
    return {"type": type(e).__name__, "code": e.code, "text": str(e), "suggestions": list(e.suggestions)}


@pytest.mark.parametrize("name", ["人工智能", "不存在的平台类型", "市教喂"])
@pytest.mark.parametrize("method", ["obligations", "deadlines"])
def test_platform_type_errors_same(stores, method: str, name: str) -> None:
    """A field, an organization or an unknown name given as --platform-type: the same
    NotFoundError (code, message, nearest platform types) on both stores."""
    nx_store, neo_store = stores
    want = _error_of(lambda: getattr(nx_store, method)(name))
    got = _error_of(lambda: getattr(neo_store, method)(name))
    assert got == want
    assert want["suggestions"], want
    assert all(n in {e.name for e in nx_store.aliases().entities(S.PLATFORM_TYPE)} for n in want["suggestions"])


def test_alias_tables_same(stores) -> None:
    """The Neo4j store rebuilds the alias table the graph was built with, rule_target included."""
    nx_store, neo_store = stores
    key = lambda t: sorted((e.kind, e.name, e.aliases, e.english, e.rule_target) for e in t.entities())  # noqa: E731
    want = key(nx_store.aliases())
    assert key(neo_store.aliases()) == want
    assert any(not e[-1] for e in want), "no entity with rule_target False: the check would prove nothing"


def test_graph_and_corpus_same(stores) -> None:
    """What `export graphml` and `policy-tools` read through --backend: the same graph, in the
    same order, and the same documents and clauses on both stores."""
    from graph.policy_tools import code_document, tool_counts

    nx_store, neo_store = stores
    want, got = nx_store.graph(), neo_store.graph()
    assert dump(list(got.nodes(data=True))) == dump(list(want.nodes(data=True)))
    assert dump(list(got.edges(keys=True, data=True))) == dump(list(want.edges(keys=True, data=True)))
    docs, neo_docs = nx_store.corpus(), neo_store.corpus()
    assert [(d.doc_id, [c.to_dict() for c in d.clauses]) for d in neo_docs] == [(d.doc_id, [c.to_dict() for c in d.clauses]) for d in docs]
    assert tool_counts(neo_docs) == tool_counts(docs)
    assert [c.to_dict() for c in code_document(neo_docs[0])] == [c.to_dict() for c in code_document(docs[0])]


def test_overlap_is_cached_and_copied(stores) -> None:
    _, neo_store = stores
    first = neo_store.overlap("platform_type")
    first["matrix"].clear()
    assert neo_store.overlap("platform_type")["matrix"], "a caller's change leaked into the cached answer"


class SharedQueryCache:
    """Wraps the real encoder so the two searchers embed each question once (the slow part)."""

    def __init__(self, encoder: Any) -> None:
        self._encoder = encoder
        self._memo: dict[tuple[str, ...], Any] = {}

    def encode_queries(self, texts: list[str]) -> Any:
        key = tuple(texts)
        if key not in self._memo:
            self._memo[key] = self._encoder.encode_queries(texts)
        return self._memo[key]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._encoder, name)


@pytest.fixture(scope="module")
def searchers(neo4j_ingested: Path, stores):
    """One Searcher per backend, sharing one loaded encoder: the embedded one over the local
    index files, the Neo4j one as `--backend neo4j` opens it (search/neo4j_index.py: nothing
    of the data directory but the model)."""
    from api.services import open_searcher
    from search.dense import Encoder
    from search.service import Searcher

    nx_store, neo_store = stores
    encoder = SharedQueryCache(Encoder(neo4j_ingested / "model"))
    neo = open_searcher(neo4j_ingested, "neo4j", neo_store, encoder=encoder)
    assert neo.remote, "the neo4j searcher still reads the local index"
    return Searcher(neo4j_ingested, nx_store, encoder=encoder), neo


@pytest.mark.parametrize("qa", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_dev_question_same_answer(stores, searchers, qa: dict[str, Any]) -> None:
    nx_store, neo_store = stores
    nx_s, neo_s = searchers
    top = lambda s: [r["clause_id"] for r in s.search(qa["question"], k=5)["results"]]  # noqa: E731
    assert top(neo_s) == top(nx_s)
    want, got = nx_s.ask(qa["question"]), neo_s.ask(qa["question"])
    assert [r["clause_id"] for r in got["rules"]] == [r["clause_id"] for r in want["rules"]]
    assert got["abstained"] == want["abstained"]


@pytest.mark.parametrize("qa", QUESTIONS[::3], ids=[q["id"] for q in QUESTIONS[::3]])
def test_vector_index_matches_exact_cosine(stores, searchers, qa: dict[str, Any]) -> None:
    """Search in the database: Neo4j's vector index returns the exact cosine top 5."""
    import numpy as np

    _, neo_store = stores
    nx_s, _ = searchers
    qvec = np.asarray(nx_s.query_vector(qa["question"]), dtype=np.float32)
    exact = nx_s.index.vectors @ qvec
    want = [nx_s.index.rows[i].clause_id for i in np.argsort(-exact, kind="stable")[:5]]
    got = [r["clause_id"] for r in neo_store.vector_search(qvec.tolist(), k=5)]
    assert got == want


def test_fulltext_index_finds_clauses_literally(stores) -> None:
    """Search in the database: the CJK full-text index ranks the clause holding the phrase first."""
    nx_store, neo_store = stores
    phrase = "国际同行评估"
    holding = [c["clause_id"] for c in nx_store.clauses()["clauses"] if phrase in c["text"]]
    hits = neo_store.fulltext_search(phrase, k=5)
    assert holding, f"no clause of the corpus holds {phrase!r}"
    assert {h["clause_id"] for h in hits[: len(holding)]} == set(holding)


@pytest.mark.parametrize("text", ['AND OR "( [评估', "评估~2 OR *", "NOT"])
def test_fulltext_query_syntax_is_escaped(stores, text: str) -> None:
    _, neo_store = stores
    assert isinstance(neo_store.fulltext_search(text, k=3), list)


@pytest.mark.parametrize(
    "command, call",
    [
        ("obligations", lambda s: s.obligations("高精尖创新中心")),
        ("deadlines", lambda s: s.deadlines()),
        ("entity", lambda s: s.entity("高精尖创新中心")),
        ("overlap", lambda s: s.overlap("platform_type")),
    ],
)
@pytest.mark.parametrize("as_of, all_versions", [("2016-06-01", False), ("2023-06-01", False), ("2026-12-01", False), ("2026-12-01", True)])
def test_as_of_answers_same(stores, command: str, call: Any, as_of: str, all_versions: bool) -> None:
    """The same dated answer on both backends: standings come from each store's own documents."""
    from api.services import dated

    nx_store, neo_store = stores
    want = dated(command, call(nx_store), nx_store, as_of, all_versions)
    got = dated(command, call(neo_store), neo_store, as_of, all_versions)
    assert dump(got) == dump(want)
    assert want["as_of"] == as_of


@pytest.mark.parametrize(
    "path, params",
    [
        ("/obligations", {"platform_type": "高精尖中心", "role": "依托高校"}),
        ("/obligations", {"platform_type": "高精尖中心", "as_of": "2016-06-01"}),
        ("/search", {"q": "北京高校科研创新发展行动计划", "as_of": "2023-06-01"}),
        ("/overlap", {"by": "platform_type"}),
    ],
)
def test_api_answers_the_same_on_both_backends(neo4j_ingested: Path, searchers, path: str, params: dict[str, str]) -> None:
    """`policykg serve --backend neo4j`: the HTTP answers equal the embedded store's."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    encoder = searchers[0].encoder
    bodies = []
    for backend in ("networkx", "neo4j"):
        with TestClient(create_app(Settings(data=neo4j_ingested, backend=backend), encoder=encoder)) as client:
            response = client.get(path, params=params)
            assert response.status_code == 200, (backend, response.text)
            bodies.append(response.json())
    assert dump(bodies[1]) == dump(bodies[0])
