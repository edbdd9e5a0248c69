"""The lexical index: BM25 over jieba tokens, backed by the ``bm25s`` library.

Why bm25s and not rank_bm25 (measured by benchmarks/bench_search.py on the
real clauses and on the synthetic 100k-clause corpus; figures in the report):

* same scores: with ``method="atire", idf_method="robertson"`` bm25s gives
  rank_bm25's ``BM25Okapi(epsilon=0)`` scores to float tolerance (the test
  tests/search/test_bm25.py checks this on the real clauses, after bm25s's
  own comparison test);
* it precomputes the scores into a sparse matrix, so scoring a query is a
  sum of a few sparse rows instead of a Python loop over every document:
  at 100k clauses that is milliseconds against rank_bm25's hundreds;
* it saves and memory-maps its index (numpy files + JSON vocabulary), so the
  store loads fast and needs no pickle.

The production configuration is bm25s's default Lucene variant (its idf is
never negative, so a term found in most clauses cannot push a clause down).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import bm25s
import numpy as np

DEFAULT_PARAMS = {"k1": 1.2, "b": 0.75, "method": "lucene"}


class BM25Index:
    """A BM25 index over token lists; :meth:`scores` gives every document a score."""

    def __init__(self, model: bm25s.BM25, n_docs: int) -> None:
        self._model = model
        self.n_docs = n_docs

    @classmethod
    def build(cls, corpus_tokens: Sequence[Sequence[str]], **params: object) -> "BM25Index":
        """Index ``corpus_tokens`` (one token list per clause, in clause order)."""
        merged = {**DEFAULT_PARAMS, **params}
        model = bm25s.BM25(**merged)  # type: ignore[arg-type]
        # bm25s wants every document to have a token; an empty clause gets
        # none of the query's tokens anyway.
        docs = [list(toks) if toks else [""] for toks in corpus_tokens]
        model.index(docs, show_progress=False)
        return cls(model, len(docs))

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for the query, float32, 0 when nothing matches."""
        vocab = self._model.vocab_dict
        known = [t for t in query_tokens if t in vocab]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self._model.get_scores(known), dtype=np.float32)

    def has_term(self, term: str) -> bool:
        """Does some document hold ``term``?"""
        return term in self._model.vocab_dict

    def save(self, directory: Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._model.save(str(directory), show_progress=False)
        (directory / "policykg_bm25.json").write_text(json.dumps({"n_docs": self.n_docs}), "utf-8")

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = False) -> "BM25Index":
        directory = Path(directory)
        meta = json.loads((directory / "policykg_bm25.json").read_text("utf-8"))
        model = bm25s.BM25.load(str(directory), mmap=mmap, show_progress=False, verbosity=0)
        return cls(model, int(meta["n_docs"]))


# -- BM25 over statistics, for an index kept elsewhere (search/neo4j_index.py) --------------------
#
# The Neo4j store keeps each clause's tokens and its generation's statistics; its
# full-text index finds the clauses holding a query term, and these functions
# score them exactly as BM25Index does (bm25s "lucene": the same float32
# steps, the query's terms summed in order, repeats counted), so both backends
# rank alike (tests/search/test_bm25.py checks equality on the real clauses).


def corpus_stats(corpus_tokens: Sequence[Sequence[str]]) -> dict[str, object]:
    """What scoring a clause needs besides its own tokens: the number of clauses, their
    mean length (an empty clause counts one token, as bm25s indexes it) and each term's
    document frequency."""
    lengths = [len(toks) if toks else 1 for toks in corpus_tokens]
    df: Counter[str] = Counter()
    for toks in corpus_tokens:
        df.update(set(toks) if toks else {""})
    return {
        "n_docs": len(lengths),
        "avg_doc_len": float(np.array(lengths).mean()) if lengths else 1.0,
        "df": dict(sorted(df.items())),
        **DEFAULT_PARAMS,
    }


def stats_scores(
    query_tokens: Sequence[str], stats: Mapping[str, object], lengths: Sequence[int], tfs: Sequence[Mapping[str, int]]
) -> np.ndarray:
    """BM25 of documents given their lengths and their query terms' frequencies (float32)."""
    df: Mapping[str, int] = stats["df"]  # type: ignore[assignment]
    n_docs, avg = int(stats["n_docs"]), float(stats["avg_doc_len"])  # type: ignore[call-overload, arg-type]
    k1, b = float(stats["k1"]), float(stats["b"])  # type: ignore[arg-type]
    scores = np.zeros(len(lengths), dtype=np.float32)
    # bm25s: the length norm in float64 (numpy's mean), idf stored as float32, each
    # (term, clause) score rounded to float32, the terms' scores summed in float32
    norm = k1 * ((1 - b) + b * np.asarray(lengths, dtype=np.float64) / avg)
    for term in (t for t in query_tokens if t in df):
        idf = np.float64(np.float32(math.log(1 + (n_docs - df[term] + 0.5) / (df[term] + 0.5))))
        tf = np.array([f.get(term, 0) for f in tfs], dtype=np.float32)
        hit = tf > 0
        scores[hit] += (idf * (tf[hit] / (norm[hit] + tf[hit]))).astype(np.float32)
    return scores
