"""The search service: loads the model and the indexes once, answers many queries.

``Searcher(data_dir)`` is what the CLI (``policykg search`` / ``ask``, with
``--batch``), the API and the evaluation share, so every entry point ranks
the same way:

1. the question is checked (empty or longer than :data:`MAX_QUERY_CHARS`
   → :class:`ingest.errors.QueryError`) and analysed (search/intent.py:
   entities, actions, intent, expected answer type);
2. BM25 over jieba tokens, expanded with the canonical names of the linked
   entities and formal words for colloquial ones, and e5 cosine over the
   whole clause matrix (one float32 matmul, no approximate index), each
   clause scored by the best of its whole text and its sentences;
3. fusion of the two (min-max blend over each list's top 100; on the dev set
   it beat reciprocal-rank fusion, R@1 0.78 vs 0.67, same R@5), then boosts
   for clauses that name the question's entities, match its action, carry a
   rule of the asked kind (wording, and the graph's facts that apply to the
   named entity), and hold a value of the asked type; penalties for clauses
   whose scope is another platform type and for background text;
4. ``ask`` hands the ranking to search/answer.py.

:class:`RankConfig` switches parts off, which is how the evaluation runs the
plain-BM25 and dense-only baselines over the same clauses in the same run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ingest import lexicon
from ingest.aliases import AliasTable, load_aliases
from ingest.errors import IndexMissingError, QueryError
from ingest.pipeline import current_store

from .bm25 import BM25Index
from .hybrid import blend, rrf, top_indices
from .index import SEARCH_DIR, Row
from .intent import ENTITY_KINDS_FOR_SCOPE, QueryAnalysis, analyze, cue_alternation, domain_words, text_features
from .limits import MAX_K, MAX_QUERY_CHARS
from .tokenize import Tokenizer

PIECE_ALL_ROWS = 20_000
"""Up to this many clauses, dense scoring is exact over every clause and sentence."""
DENSE_CANDIDATES = 1_000
COARSE_DIM = 128


@dataclass(frozen=True)
class RankConfig:
    """Which parts of the ranking run (the baselines switch most of them off)."""

    lexical: bool = True
    dense: bool = True
    fusion: str = "blend"  # "rrf" or "blend"
    expand: bool = True  # add linked entities' canonical names to the BM25 query
    boosts: bool = True  # entity / action / intent / answer-type boosts, scope penalty
    depth: int = 100
    rrf_k: float = 60.0
    w_entity: float = 0.10
    w_action: float = 0.20
    w_intent: float = 0.30
    w_type: float = 0.40
    w_scope: float = 0.30
    w_background: float = 0.20
    w_graph: float = 0.20


HYBRID = RankConfig()
PLAIN_BM25 = RankConfig(dense=False, expand=False, boosts=False)
DENSE_ONLY = RankConfig(lexical=False, expand=False, boosts=False)

# Rule kinds a clause carries, read from its wording; the graph's facts take
# precedence when a graph store is given (see Searcher.fact_kinds). The wording
# of each kind is class rule_kinds of ingest/lexicon/search.yaml.
_KIND_CUES = {str(kind): cue_alternation(f"search.rule_kinds.{kind}") for kind in lexicon.mapping("search.rule_kinds")}


# Background text states purposes, not rules: the preamble ("为深入贯彻……，
# 制定本方案"), guiding ideas, the drafting history of an explanatory note.
# Standard parts of Chinese policy documents; down-weighted for every question
# (measured: also helps plain "fact" questions, whose answers are statements).
# (Words in ingest/lexicon/search.yaml, class background.)
_BACKGROUND_HEADINGS = tuple(lexicon.words("search.background.headings"))
_PURPOSE = re.compile(
    rf"^.{{0,20}}为({cue_alternation('search.background.purpose_adverbs')})?({cue_alternation('search.background.purpose_verbs')})"
)


def is_background(row: Row) -> bool:
    """Preamble, guiding ideas or drafting history: context for rules, not rules."""
    heads = [p for p in row.path if p]
    if heads and any(h in heads[0] for h in _BACKGROUND_HEADINGS):
        return True
    return bool(_PURPOSE.search(row.text))


@lru_cache(maxsize=1)
def _one_blas_thread() -> Any:
    """A context that runs numpy's BLAS on one thread (threadpoolctl).

    Measured at 100k clauses: a float32 matrix-vector product is memory-bound,
    and one thread is faster than two (p50 14 ms vs 20 ms); small products
    (a few thousand sentence vectors) took 9 ms with two threads on the busy
    shared machine, waiting for the second thread. One thread also leaves the
    other core to a concurrent request. torch (OpenMP) is not affected.
    """
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # optional: without it the default threads are used
        return None
    return ThreadpoolController().select(internal_api="openblas")


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the enclosed numpy products on one BLAS thread (when threadpoolctl is there)."""
    sel = _one_blas_thread()
    if sel is None or not len(sel):
        yield
        return
    with sel.limit(limits=1):
        yield


class SearchIndex:
    """The rows, BM25 index and embedding matrix of one store."""

    def __init__(
        self,
        rows: list[Row],
        bm25: BM25Index,
        vectors: np.ndarray,
        manifest: dict[str, Any],
        pieces: np.ndarray | None = None,
        piece_rows: np.ndarray | None = None,
    ) -> None:
        self.rows = rows
        self.bm25 = bm25
        self.vectors = vectors
        self.manifest = manifest
        self.by_id = {r.clause_id: i for i, r in enumerate(rows)}
        self.pieces = pieces if pieces is not None else np.zeros((0, vectors.shape[1]), np.float32)
        self.piece_rows = piece_rows if piece_rows is not None else np.zeros(0, np.int64)
        # Pieces are stored grouped by row (index.piece_table); row_ptr[r]:row_ptr[r+1]
        # are the pieces of row r (CSR layout).
        if self.piece_rows.size and np.any(np.diff(self.piece_rows) < 0):
            order = np.argsort(self.piece_rows, kind="stable")
            self.pieces, self.piece_rows = self.pieces[order], self.piece_rows[order]
        counts = np.bincount(self.piece_rows, minlength=len(rows)) if self.piece_rows.size else np.zeros(len(rows), np.int64)
        self.row_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._coarse_cache: tuple[np.ndarray, np.ndarray] | None = None
        self._coarse()

    def _coarse(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(projection [dim, COARSE_DIM], clause matrix projected) for large indexes.

        Why: at 100k clauses the exact matvec reads 150 MB per query and is
        memory-bound; a PCA projection to COARSE_DIM dims (fitted on a sample
        of the clause vectors) reads a third of that and only has to *select*
        candidates, which are then scored exactly.
        """
        if len(self.rows) <= PIECE_ALL_ROWS:
            return None
        if self._coarse_cache is None:
            rng = np.random.default_rng(0)
            sample = self.vectors[rng.choice(len(self.rows), size=min(len(self.rows), 20_000), replace=False)]
            _, _, vt = np.linalg.svd(sample - sample.mean(axis=0), full_matrices=False)
            proj = np.ascontiguousarray(vt[:COARSE_DIM].T, dtype=np.float32)
            self._coarse_cache = (proj, np.ascontiguousarray(self.vectors @ proj, dtype=np.float32))
        return self._coarse_cache

    def dense(self, qvec: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
        with one_blas_thread():
            return self._dense(qvec, extra)

    def _dense(self, qvec: np.ndarray, extra: np.ndarray | None) -> np.ndarray:
        """Cosine of each clause: the best of its whole text and its sentences.

        Up to :data:`PIECE_ALL_ROWS` clauses every clause and sentence is scored
        exactly. Beyond, the :data:`DENSE_CANDIDATES` best clauses by a PCA
        projection, plus ``extra`` (the BM25 top), are scored exactly, with
        their sentences; the other clauses keep their projected score, which
        only ranks them below the candidates.
        """
        coarse = self._coarse()
        if coarse is None:
            scores = self.vectors @ qvec
            cand = np.arange(len(self.rows))
        else:
            proj, reduced = coarse
            scores = reduced @ (qvec @ proj)
            cand = top_indices(scores, DENSE_CANDIDATES)
            if extra is not None and extra.size:
                cand = np.union1d(cand, extra)
            scores[cand] = self.vectors[cand] @ qvec
        if not self.piece_rows.size:
            return scores
        cand = cand[self.row_ptr[cand + 1] > self.row_ptr[cand]]
        if not cand.size:
            return scores
        starts, ends = self.row_ptr[cand], self.row_ptr[cand + 1]
        lengths = ends - starts
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        idx = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))
        best = np.maximum.reduceat(self.pieces[idx] @ qvec, offsets)
        scores[cand] = np.maximum(scores[cand], best)
        return scores

    @classmethod
    def load(cls, directory: Path) -> "SearchIndex":
        directory = Path(directory)
        if not (directory / "manifest.json").exists():
            raise IndexMissingError(f"no search index in {directory.parent}", hint="re-run `policykg ingest`")
        manifest = json.loads((directory / "manifest.json").read_text("utf-8"))
        with (directory / "rows.jsonl").open(encoding="utf-8") as fh:
            rows = [Row.from_dict(json.loads(line)) for line in fh if line.strip()]
        vectors = np.ascontiguousarray(np.load(directory / "embeddings.npy"), dtype=np.float32)
        pieces = piece_rows = None
        if (directory / "pieces.npy").exists():
            pieces = np.ascontiguousarray(np.load(directory / "pieces.npy"), dtype=np.float32)
            piece_rows = np.load(directory / "piece_rows.npy").astype(np.int64)
        return cls(rows, BM25Index.load(directory / "bm25"), vectors, manifest, pieces, piece_rows)


def check_query(query: Any) -> str:
    """The stripped query, or a QueryError saying what is wrong with it."""
    if not isinstance(query, str) or not query.strip():
        raise QueryError("the query is empty", hint="ask a question or give keywords, e.g. 高精尖中心 经费")
    q = query.strip()
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(q)} characters long; the limit is {MAX_QUERY_CHARS}", hint="shorten it to the question itself")
    return q


def linking_table(base: AliasTable, store: Any) -> AliasTable:
    """The names questions are linked with: the curated table plus what the
    ingested documents introduced (a new platform type, its short names, new
    bearers), so a question about a document added last month links too."""
    if store is None or not hasattr(store, "aliases"):
        return base
    new = [e for e in store.aliases().entities() if e.attrs.get("open_vocabulary") and base.get(e.id) is None]
    return base.extend(new) if new else base


class Searcher:
    """Hybrid search and rule answering over one ingested store.

    ``encoder`` and ``table`` can be passed in (tests, benchmarks) so one
    loaded model serves several searchers; ``store`` is an optional graph
    store (graph/store.py) whose facts sharpen the rule-kind boosts and fill
    the structured fields of ``ask``.
    """

    def __init__(
        self,
        data_dir: Path | str,
        store: Any = None,
        *,
        encoder: Any = None,
        table: AliasTable | None = None,
        index_dir: Path | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.index = SearchIndex.load(index_dir or current_store(self.data_dir) / SEARCH_DIR)
        if encoder is None:
            from .model_home import open_encoder

            encoder = open_encoder(self.data_dir)
        self.encoder = encoder
        self.table = linking_table(table or load_aliases(), store)
        self.tokenizer = Tokenizer(domain_words())
        self.store = store
        self._facts = self._load_graph_facts(store)
        self._kinds = [self._row_kinds(r) for r in self.index.rows]
        self._features = [text_features(r.text) for r in self.index.rows]
        self._background = np.array([is_background(r) for r in self.index.rows], dtype=bool)
        self._encode = lru_cache(maxsize=256)(self._encode_uncached)
        self._last_dense: tuple[Any, np.ndarray] | None = None

    # -- pieces ----------------------------------------------------------
    def _encode_uncached(self, text: str) -> np.ndarray:
        return self.encoder.encode_queries([text])[0]

    def query_vector(self, text: str) -> np.ndarray:
        """The e5 query embedding (memoized: evaluation reuses it across configs)."""
        return self._encode(text)

    @staticmethod
    def kind_cue(kind: str) -> str | None:
        """The wording regex of a rule kind (None for ``fact``)."""
        return _KIND_CUES.get(kind)

    @staticmethod
    def _row_kinds(row: Row) -> frozenset[str]:
        return frozenset(k for k, cue in _KIND_CUES.items() if re.search(cue, row.text))

    def analyze(self, query: str) -> QueryAnalysis:
        return analyze(query, self.table)

    def lexical_scores(self, analysis: QueryAnalysis, expand: bool) -> np.ndarray:
        text = analysis.text
        if expand:
            text = text + " " + " ".join(analysis.expansion(self.table))
        return self.index.bm25.scores(self.tokenizer.tokenize(text))

    def last_dense(self, query: str) -> np.ndarray:
        """The dense scores computed by the latest ``rank`` of ``query`` (or fresh ones)."""
        last = self._last_dense  # one read: other threads may replace it
        if last is not None and last[0][0] == query:
            return last[1]
        return self.dense_scores(query)

    def dense_scores(self, query: str, extra: np.ndarray | None = None) -> np.ndarray:
        """Dense score of every clause; the last result is kept for ``ask`` to reuse."""
        key = (query, None if extra is None else extra.tobytes())
        last = self._last_dense
        if last is not None and last[0] == key:
            return last[1]
        scores = self.index.dense(self.query_vector(query), extra)
        self._last_dense = (key, scores)
        return scores

    # -- ranking ---------------------------------------------------------
    def rank(self, query: str, config: RankConfig = HYBRID, *, analysis: QueryAnalysis | None = None) -> list[tuple[int, float]]:
        """(row index, score) best first, over the fused candidates."""
        q = check_query(query)
        analysis = analysis or self.analyze(q)
        lists: list[np.ndarray] = []
        valid: list[np.ndarray] = []
        if config.lexical:
            lex = self.lexical_scores(analysis, config.expand)
            lists.append(lex)
            valid.append(lex > 0)
        if config.dense:
            extra = top_indices(lists[0], config.depth) if config.lexical else None
            dense = self.dense_scores(q, extra)
            lists.append(dense)
            valid.append(np.ones_like(dense, dtype=bool))
        if len(lists) == 1:
            idx = top_indices(lists[0], config.depth)
            idx = idx[valid[0][idx]]
            fused = {int(i): float(lists[0][i]) for i in idx}
        elif config.fusion == "blend":
            fused = blend(lists, weights=[1.0] * len(lists), depth=config.depth)
        else:
            fused = rrf(lists, k=config.rrf_k, depth=config.depth, valid=valid)
        if not fused:
            return []
        if config.boosts:
            top = max(fused.values()) or 1.0
            fused = {i: s / top + self._boost(i, analysis, config) for i, s in fused.items()}
        return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))

    def _boost(self, i: int, a: QueryAnalysis, c: RankConfig) -> float:
        row = self.index.rows[i]
        b = 0.0
        if a.entity_ids:
            named = sum(1.0 if e in row.entities else 0.5 if e in row.scope else 0.0 for e in a.entity_ids)
            b += c.w_entity * named / len(a.entity_ids)
        asked_scope = a.scope_ids()
        if asked_scope and row.scope and not any(e in row.scope for e in asked_scope):
            b -= c.w_scope
        feats = self._features[i]
        if a.actions:
            hit = sum(1 for act in a.actions if f"act:{act}" in feats)
            b += c.w_action * hit / len(a.actions)
        if self._background[i]:
            b -= c.w_background
        if a.intent != "fact":
            if a.intent in self.fact_kinds(i):
                b += c.w_intent
            if self._graph_applies(row.clause_id, a):
                b += c.w_graph
        if a.answer_type and f"type:{a.answer_type}" in feats:
            b += c.w_type
        return b

    def fact_kinds(self, i: int) -> frozenset[str]:
        """Rule kinds clause ``i`` carries."""
        return self._kinds[i]

    @staticmethod
    def _load_graph_facts(store: Any) -> dict[str, list[dict[str, Any]]]:
        """clause_id -> the facts (obligation, deadline, funding, condition, sanction)
        the graph extracted from it; read once, used for boosts and rule fields."""
        if store is None or not callable(getattr(store, "rules_for", None)):
            return {}
        by_clause: dict[str, list[dict[str, Any]]] = {}
        for fact in store.rules_for().get("rules", []):
            by_clause.setdefault(fact["clause_id"], []).append(fact)
        return by_clause

    def _graph_applies(self, clause_id: str, a: QueryAnalysis) -> bool:
        """Does the graph hold a fact of the asked kind in this clause that applies
        to (or binds) an entity the question names?"""
        for f in self._facts.get(clause_id, ()):
            if f.get("kind") != a.intent:
                continue
            touched = set(f.get("applies_to") or ()) | {f.get("actor_id")}
            if not a.entity_ids or touched & set(a.entity_ids):
                return True
        return False

    def graph_facts(self, clause_id: str) -> list[dict[str, Any]]:
        """Facts the graph store derived from a clause (empty without a store)."""
        return list(self._facts.get(clause_id, ()))

    # -- contracts (SPEC §4) ---------------------------------------------
    def hit(self, i: int, score: float) -> dict[str, Any]:
        r = self.index.rows[i]
        return {
            "clause_id": r.clause_id,
            "doc_id": r.doc_id,
            "doc_title": r.doc_title,
            "path": list(r.path),
            "text": r.text,
            "start": r.start,
            "end": r.end,
            "score": round(float(score), 6),
        }

    def search(self, query: str, k: int = 10, config: RankConfig = HYBRID) -> dict[str, Any]:
        """``{"query", "results": [...]}`` with the ``k`` best clauses."""
        if not isinstance(k, int) or k < 1 or k > MAX_K:
            raise QueryError(f"k must be between 1 and {MAX_K}, got {k!r}")
        q = check_query(query)
        ranked = self.rank(q, config)[:k]
        return {"query": q, "results": [self.hit(i, s) for i, s in ranked]}

    def ask(self, question: str) -> dict[str, Any]:
        """The applicable rules with an extractive answer, or an abstention (search/answer.py)."""
        from .answer import answer

        q = check_query(question)
        analysis = self.analyze(q)
        ranked = self.rank(q, HYBRID, analysis=analysis)
        return answer(self, q, analysis, ranked)

    def entity_scope(self, ids: tuple[str, ...] | list[str]) -> set[str]:
        """Scope ids of ``ids`` (for display in answers)."""
        return {e for e in ids if e.split(":", 1)[0] in ENTITY_KINDS_FOR_SCOPE}
