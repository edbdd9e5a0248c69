"""The search service: loads the model and the indexes once, answers many queries.

``Searcher(data_dir)`` is what the CLI (``policykg search`` / ``ask``, with
``--batch``), the API and the evaluation share, so every entry point ranks
the same way:

1. the question is checked (empty or longer than :data:`MAX_QUERY_CHARS`
   → :class:`graph.errors.QueryError`) and analysed (search/intent.py:
   entities, actions, intent, expected answer type);
2. BM25 over jieba tokens, expanded with the canonical names of the linked
   entities and formal words for colloquial ones, and e5 cosine over the
   whole clause matrix (one float32 matmul, no approximate index), each
   clause scored by the best of its whole text and its sentences;
3. the candidates (the union of each list's top 100) are described by the
   features of search/features.py (both lists' scores, ranks and fusions,
   whether the clause names the question's entities and actions, carries a
   rule of the asked kind, holds a value of the asked type, belongs to
   another platform type's scope, is background text, how its document's
   title meets the question) and scored by a linear model whose weights
   were learned from a QA set's train split (search/ranker.json,
   search/learn.py); the first release's hand-set weights over the same
   features remain as the baseline (``HAND``);
4. ``ask`` hands the scored candidates to search/answer.py.

:class:`RankConfig` switches parts off, which is how the evaluation runs the
plain-BM25 and dense-only baselines over the same clauses in the same run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from graph.errors import QueryError
from ingest import lexicon
from ingest.aliases import AliasTable, load_aliases
from ingest.matchform import match_form
from ingest.memory import freeze_long_lived
from ingest.pipeline import current_store

from .bm25 import BM25Index
from .errors import IndexMissingError
from .features import HAND_WEIGHTS, Candidates, candidate_scores, candidates, feature_matrix, weight_vector
from .hybrid import top_indices
from .index import SEARCH_DIR, LazyRows, Row, row_keys
from .intent import ENTITY_KINDS_FOR_SCOPE, QueryAnalysis, analyze, cue_alternation, domain_words, text_features
from .limits import MAX_K, MAX_QUERY_CHARS
from .ranker import Ranker, load_ranker
from .tokenize import Tokenizer, search_form

if TYPE_CHECKING:
    from graph.store import GraphStore

PIECE_ALL_ROWS = 20_000
"""Up to this many clauses, dense scoring is exact over every clause and sentence."""
DENSE_CANDIDATES = 1_000
COARSE_DIM = 128


@dataclass(frozen=True)
class RankConfig:
    """Which parts of the ranking run (the baselines switch most of them off)."""

    lexical: bool = True
    dense: bool = True
    expand: bool = True  # add linked entities' canonical names to the BM25 query
    scorer: str = "learned"  # "learned" (search/ranker.json), "hand" (features.HAND_WEIGHTS) or "none" (the list's own score)
    depth: int = 100


HYBRID = RankConfig()
HAND = RankConfig(scorer="hand")
PLAIN_BM25 = RankConfig(dense=False, expand=False, scorer="none")
DENSE_ONLY = RankConfig(lexical=False, expand=False, scorer="none")

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
        rows: Sequence[Row],
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
        self.pieces = pieces if pieces is not None else np.zeros((0, vectors.shape[1]), np.float32)
        self.piece_rows = piece_rows if piece_rows is not None else np.zeros(0, np.int64)
        # Pieces are stored grouped by row (index.piece_table); row_ptr[r]:row_ptr[r+1]
        # are the pieces of row r (CSR layout).
        if self.piece_rows.size and np.any(np.diff(self.piece_rows) < 0):
            order = np.argsort(self.piece_rows, kind="stable")
            self.pieces, self.piece_rows = self.pieces[order], self.piece_rows[order]
        counts = np.bincount(self.piece_rows, minlength=len(rows)) if self.piece_rows.size else np.zeros(len(rows), np.int64)
        self.row_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._coarse_cache: tuple[np.ndarray, np.ndarray] | None = None  # made by the first dense query

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @cached_property
    def by_id(self) -> dict[str, int]:
        """Row index of each clause id (built on first use: a search never needs it)."""
        return {cid: i for i, cid in enumerate(row_keys(self.rows)[0])}

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
            centred = sample - sample.mean(axis=0)
            # the principal directions from the 384 x 384 covariance (eigh), not an
            # SVD of the 20,000-row sample: the same subspace, a fraction of the time
            values, vectors = np.linalg.eigh(centred.T @ centred)
            proj = np.ascontiguousarray(vectors[:, np.argsort(values)[::-1][:COARSE_DIM]], dtype=np.float32)
            self._coarse_cache = (proj, np.ascontiguousarray(self.vectors @ proj, dtype=np.float32))
        return self._coarse_cache

    def sentence_vectors(self, i: int) -> np.ndarray:
        """The embeddings of clause ``i``'s sentences (index.pieces_of order; none for a clause of one sentence)."""
        return self.pieces[self.row_ptr[i] : self.row_ptr[i + 1]]

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
        # Rows parse on first access and the vector matrices are memory-mapped (read-only;
        # pages come from the page cache as queries touch them): a 100k index is ready in
        # well under a second instead of seconds (benchmarks/bench_encoder.py --index).
        rows = LazyRows.read(directory / "rows.jsonl")
        vectors = np.ascontiguousarray(np.load(directory / "embeddings.npy", mmap_mode="r"), dtype=np.float32)
        pieces = piece_rows = None
        if (directory / "pieces.npy").exists():
            pieces = np.ascontiguousarray(np.load(directory / "pieces.npy", mmap_mode="r"), dtype=np.float32)
            piece_rows = np.load(directory / "piece_rows.npy").astype(np.int64)
        return cls(rows, BM25Index.load(directory / "bm25"), vectors, manifest, pieces, piece_rows)


@dataclass(frozen=True)
class Scored:
    """The fused candidates of one question: their list scores, features and linear score."""

    candidates: Candidates
    features: np.ndarray
    score: np.ndarray

    def ranked(self) -> list[tuple[int, float]]:
        """(row index, score) best first, ties by row index."""
        index = self.candidates.index
        order = np.lexsort((index, -self.score))
        return [(int(index[k]), float(self.score[k])) for k in order]


def check_query(query: Any) -> str:
    """The stripped query, or a QueryError saying what is wrong with it."""
    if not isinstance(query, str) or not query.strip():
        raise QueryError("the query is empty", hint="ask a question or give keywords, e.g. 高精尖中心 经费")
    q = query.strip()
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(q)} characters long; the limit is {MAX_QUERY_CHARS}", hint="shorten it to the question itself")
    return q


def linking_table(base: AliasTable, store: "GraphStore | None") -> AliasTable:
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
    the structured fields of ``ask``. ``index`` replaces the local index files
    (search/neo4j_index.py's StoreIndex: candidates, rows, vectors and facts
    from Neo4j; then nothing of ``data_dir`` but the model is read).
    """

    def __init__(
        self,
        data_dir: Path | str,
        store: "GraphStore | None" = None,
        *,
        encoder: Any = None,
        table: AliasTable | None = None,
        index_dir: Path | None = None,
        index: Any = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.index = index if index is not None else SearchIndex.load(index_dir or current_store(self.data_dir) / SEARCH_DIR)
        self.remote = bool(getattr(self.index, "remote", False))
        if encoder is None:
            from .model_home import open_encoder

            encoder = open_encoder(self.data_dir)
        self.encoder = encoder
        self.table = linking_table(table or load_aliases(), store)
        self.tokenizer = Tokenizer(domain_words())
        self.store = store
        # a store index reads the facts of the candidates it fetches; the local one reads all facts once
        self._facts = {} if self.remote else self._load_graph_facts(store)
        # What each clause's wording says (rule kinds, actions and value types,
        # background or not), read on first use: only candidates are ever asked,
        # and reading all 100k clauses' wording at start took 20 s.
        self._kinds: dict[int, frozenset[str]] = {}
        self._features: dict[int, frozenset[str]] = {}
        self._background: dict[int, bool] = {}
        freeze_long_lived()  # the index lives as long as the searcher (ingest/memory.py)
        self._encode = lru_cache(maxsize=256)(self._encode_uncached)
        self._last_dense: tuple[Any, np.ndarray] | None = None

    @property
    def _store_index(self) -> Any:
        """The index when it is a store's (search/neo4j_index.py StoreIndex)."""
        return self.index

    @property
    def local_data(self) -> Path | None:
        """The data directory whose local store this searcher's answers come from (None over a store index)."""
        return None if self.remote else self.data_dir

    # -- pieces ----------------------------------------------------------
    def _encode_uncached(self, text: str) -> np.ndarray:
        return self.encoder.encode_queries([search_form(text)])[0]

    def query_vector(self, text: str) -> np.ndarray:
        """The e5 query embedding (memoized: evaluation reuses it across configs)."""
        return self._encode(text)

    @staticmethod
    def kind_cue(kind: str) -> str | None:
        """The wording regex of a rule kind (None for ``fact``)."""
        return _KIND_CUES.get(kind)

    @staticmethod
    def _row_kinds(row: Row) -> frozenset[str]:
        text = match_form(row.text)
        return frozenset(k for k, cue in _KIND_CUES.items() if re.search(cue, text))

    def row(self, i: int) -> Row:
        """Clause ``i`` of the index (its text, path, offsets, entities and scope)."""
        return self.index.rows[i]

    def sentence_vectors(self, i: int) -> np.ndarray:
        """The embeddings of clause ``i``'s sentences (index.pieces_of order; none for a clause of one sentence)."""
        return self.index.sentence_vectors(i)

    def tokens(self, text: str) -> list[str]:
        """The BM25 tokens of ``text``, segmented as the index was (search/tokenize.py, with the domain words)."""
        return self.tokenizer.tokenize(text)

    def in_corpus(self, token: str) -> bool:
        """Does some clause hold this BM25 token?"""
        if self.remote:
            return bool(self._store_index.has_term(token))
        return self.index.bm25.has_term(token)

    def analyze(self, query: str) -> QueryAnalysis:
        return analyze(query, self.table)

    def query_tokens(self, analysis: QueryAnalysis, expand: bool) -> list[str]:
        """The BM25 query: the question's tokens, with the linked entities' canonical names when ``expand``."""
        text = analysis.text
        if expand:
            text = text + " " + " ".join(analysis.expansion(self.table))
        return self.tokenizer.tokenize(text)

    def lexical_scores(self, analysis: QueryAnalysis, expand: bool) -> np.ndarray:
        return self.index.bm25.scores(self.query_tokens(analysis, expand))

    def dense_scores(self, query: str, extra: np.ndarray | None = None) -> np.ndarray:
        """Dense score of every clause; the last result is kept (the evaluation ranks
        one question under several configurations in a row)."""
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
        if config.scorer != "none":
            return self.scored(q, analysis, config).ranked()
        # a baseline: one list ranked by its own score
        if self.remote:
            lex = self._store_index.lexical_scores(self.query_tokens(analysis, config.expand))[0] if config.lexical else None
            scores = lex if lex is not None else self._store_index.dense_scores(self.query_vector(q))
        else:
            lex = self.lexical_scores(analysis, config.expand) if config.lexical else None
            scores = lex if lex is not None else self.dense_scores(q)
        idx = top_indices(scores, config.depth)
        if lex is not None:
            idx = idx[scores[idx] > 0]  # BM25 0 means "no query term", not a rank
        if self.remote:
            self._store_index.fetch(idx)
        return [(int(i), float(scores[i])) for i in idx]

    def scored(self, query: str, analysis: QueryAnalysis, config: RankConfig = HYBRID) -> "Scored":
        """The fused candidates (the union of each list's top ``depth``), their
        features and their linear score under ``config.scorer``."""
        if self.remote:
            c = self._store_candidates(query, analysis, config)
        else:
            lex = self.lexical_scores(analysis, config.expand) if config.lexical else None
            dense = None
            if config.dense:
                extra = top_indices(lex, config.depth) if lex is not None else None
                dense = self.dense_scores(query, extra)
            lists = [x for x in (lex, dense) if x is not None]
            cand = np.unique(np.concatenate([top_indices(x, config.depth) for x in lists]))
            title_dense, title_lexical = self.title_scores(query, analysis)
            c = candidates(cand, lex, dense, title_dense[self._row_doc], title_lexical[self._row_doc])
        x = feature_matrix(self, analysis, c)
        weights = self.ranker.weights if config.scorer == "learned" else weight_vector(HAND_WEIGHTS)
        return Scored(c, x, x @ weights)

    def _store_candidates(self, query: str, analysis: QueryAnalysis, config: RankConfig) -> Candidates:
        """:meth:`scored`'s candidates over a store index (search/neo4j_index.py): the same
        union of each list's top ``depth`` of full-length score vectors; the candidates'
        rows, vectors and facts are then read in one go, and both their scores are exact."""
        lex = dense = None
        complete = True
        tokens = self.query_tokens(analysis, config.expand) if config.lexical else []
        if config.lexical:
            lex, complete = self._store_index.lexical_scores(tokens)
        qvec = self.query_vector(query) if config.dense else None
        if qvec is not None:
            dense = self._store_index.dense_scores(qvec)
        lists = [x for x in (lex, dense) if x is not None]
        cand = np.unique(np.concatenate([top_indices(x, config.depth) for x in lists]))
        self._store_index.fetch(cand)
        lex_c = None if lex is None else lex[cand] if complete else self._store_index.lexical_of(tokens, cand)
        dense_c = None if qvec is None else self._store_index.dense_of(qvec, cand)
        title_dense, title_lexical = self.title_scores(query, analysis)
        docs = self._doc_positions(cand)
        return candidate_scores(cand, lex_c, dense_c, title_dense[docs], title_lexical[docs])

    def _doc_positions(self, cand: np.ndarray) -> np.ndarray:
        """Each candidate's document, as a position in :attr:`_doc_titles`."""
        doc_pos = {d: k for k, d in enumerate(self._doc_titles)}
        return np.array([doc_pos[self.index.rows[i].doc_id] for i in cand.tolist()], dtype=np.int64)

    @cached_property
    def ranker(self) -> Ranker:
        """The shipped ranking and abstention models (read on first use, so that
        retraining works while the shipped file is out of date)."""
        return load_ranker()

    @cached_property
    def _doc_titles(self) -> dict[str, str]:
        """Each document's title by id, in row order (from the rows' keys, on first use)."""
        if self.remote:
            return dict(self._store_index.doc_titles())
        _, docs, titles = row_keys(self.index.rows)
        return dict(zip(docs, titles))

    @cached_property
    def _row_doc(self) -> np.ndarray:
        """Each row's document, as a position in :attr:`_doc_titles`."""
        doc_pos = {d: k for k, d in enumerate(self._doc_titles)}
        return np.array([doc_pos[d] for d in row_keys(self.index.rows)[1]], dtype=np.int64)

    @cached_property
    def _titles(self) -> tuple[np.ndarray, list[frozenset[str]]]:
        """Each document's title vector and word set (built on first use: the model
        is needed for it, and a server that only serves graph queries never is)."""
        titles = list(self._doc_titles)
        # titles are compared with the question and never stored: the query engine embeds them (search/dense.py)
        encode = getattr(self.encoder, "encode_transient_passages", None) or self.encoder.encode_passages
        vectors = encode([search_form(t) for t in titles]) if titles else np.zeros((0, self.index.dim), np.float32)
        return np.asarray(vectors, dtype=np.float32), [frozenset(self.tokenizer.tokenize(t)) for t in titles]

    def title_scores(self, query: str, analysis: QueryAnalysis) -> tuple[np.ndarray, np.ndarray]:
        """Per document: cosine of the question and the title, and the share of the
        question's words (two characters or more) the title holds."""
        vectors, words = self._titles
        dense = vectors @ self.query_vector(query) if len(words) else np.zeros(0, np.float32)
        asked = {w for w in self.tokenizer.tokenize(analysis.text) if len(w) > 1}
        lexical = np.array([len(asked & t) / len(asked) if asked else 0.0 for t in words], dtype=np.float32)
        return dense, lexical

    def fact_kinds(self, i: int) -> frozenset[str]:
        """Rule kinds clause ``i`` carries (by its wording)."""
        if i not in self._kinds:
            self._kinds[i] = self._row_kinds(self.index.rows[i])
        return self._kinds[i]

    def text_features(self, i: int) -> frozenset[str]:
        """Actions and value types clause ``i`` names (intent.text_features)."""
        if i not in self._features:
            self._features[i] = text_features(self.index.rows[i].text)
        return self._features[i]

    def is_background(self, i: int) -> bool:
        """Is clause ``i`` preamble, guiding ideas or drafting history?"""
        if i not in self._background:
            self._background[i] = is_background(self.index.rows[i])
        return self._background[i]

    @staticmethod
    def _load_graph_facts(store: "GraphStore | None") -> dict[str, list[dict[str, Any]]]:
        """clause_id -> the facts (obligation, deadline, funding, condition, sanction)
        the graph extracted from it; read once, used for boosts and rule fields."""
        if store is None or not callable(getattr(store, "rules_for", None)):
            return {}
        by_clause: dict[str, list[dict[str, Any]]] = {}
        for fact in store.rules_for().get("rules", []):
            by_clause.setdefault(fact["clause_id"], []).append(fact)
        return by_clause

    def graph_applies(self, clause_id: str, a: QueryAnalysis) -> bool:
        """Does the graph hold a fact of the asked kind in this clause that applies
        to (or binds) an entity the question names?"""
        for f in self.graph_facts(clause_id):
            if f.get("kind") != a.intent:
                continue
            touched = set(f.get("applies_to") or ()) | {f.get("actor_id")}
            if not a.entity_ids or touched & set(a.entity_ids):
                return True
        return False

    def graph_facts(self, clause_id: str) -> list[dict[str, Any]]:
        """Facts the graph store derived from a clause (empty without a store)."""
        if self.remote:
            return list(self._store_index.graph_facts(clause_id))
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
        return answer(self, q, analysis, self.scored(q, analysis, HYBRID))

    def entity_scope(self, ids: tuple[str, ...] | list[str]) -> set[str]:
        """Scope ids of ``ids`` (for display in answers)."""
        return {e for e in ids if e.split(":", 1)[0] in ENTITY_KINDS_FOR_SCOPE}
