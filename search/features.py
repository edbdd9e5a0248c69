"""The features of one (question, candidate clause) pair, and the linear scorers over them.

Why one place: the ranking is a linear function of these features, whether
its weights were set by hand (:data:`HAND_WEIGHTS`, the first release's
blend-plus-boosts, kept as the baseline) or learned from the train split of
a question set (search/learn.py writes ``search/ranker.json``). Both read the
same vectors, so the evaluation compares weights, not code paths.

Every feature is computed over the fused candidates of one question (the
union of the BM25 top and the dense top), so min-max normalizations and
ranks are per question, as in the hand blend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .hybrid import minmax
from .intent import QueryAnalysis

if TYPE_CHECKING:
    from .service import Searcher

FEATURES: tuple[str, ...] = (
    "fused",  # min-max BM25 + min-max dense over the candidates, divided by its best (the hand blend)
    "lexical",  # min-max BM25 over the candidates
    "dense",  # min-max dense cosine over the candidates
    "dense_cos",  # raw dense cosine (comparable across questions)
    "rrf",  # reciprocal-rank fusion of the two lists (Cormack et al. 2009, k = 60), scaled to about [0, 1]
    "lexical_rr",  # 1 / (1 + rank) in the BM25 list
    "dense_rr",  # 1 / (1 + rank) in the dense list
    "entity",  # share of the question's entities the clause names (0.5 when only in its scope)
    "scope_mismatch",  # the question names a scope and the clause's scope is another one
    "action",  # share of the question's actions the clause names
    "background",  # preamble, guiding ideas, drafting history
    "rule_kind",  # the clause carries a rule of the asked kind (not for plain facts)
    "graph_applies",  # the graph holds a fact of the asked kind applying to a named entity
    "answer_type",  # the clause holds a value of the asked type (date, amount, …)
    "english_lexical",  # lexical for English questions (BM25 meets them only through expansion)
    "english_dense",  # dense for English questions
    "length",  # log of the clause length, scaled to about [0, 1]
    "title_dense",  # cosine of the question and the clause's document title (questions often name the document)
    "title_lexical",  # share of the question's words found in that title
)
INDEX = {name: k for k, name in enumerate(FEATURES)}

HAND_WEIGHTS: dict[str, float] = {
    "fused": 1.0,
    "entity": 0.10,
    "scope_mismatch": -0.30,
    "action": 0.20,
    "background": -0.20,
    "rule_kind": 0.30,
    "graph_applies": 0.20,
    "answer_type": 0.40,
}
"""The first release's blend and boosts (search/service.py before the learned ranker)."""

_LENGTH_SCALE = math.log1p(400)  # clauses are at most 400 characters
RRF_K = 60.0


@dataclass(frozen=True)
class Candidates:
    """The fused candidates of one question with their raw list scores."""

    index: np.ndarray  # row indices
    lexical: np.ndarray  # raw BM25 of each candidate (0 when the lexical list is off)
    dense: np.ndarray  # raw cosine of each candidate (0 when the dense list is off)
    lexical_rank: np.ndarray  # 0-based rank in the BM25 list (large when not in its top)
    dense_rank: np.ndarray
    title_dense: np.ndarray  # cosine of the question and each candidate's document title
    title_lexical: np.ndarray  # share of the question's words in that title


def _ranks(scores: np.ndarray) -> np.ndarray:
    """0-based rank of each candidate among the candidates by its ``scores``."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(scores.size, dtype=np.float32)
    ranks[order] = np.arange(scores.size, dtype=np.float32)
    return ranks


def candidates(
    cand: np.ndarray, lexical: np.ndarray | None, dense: np.ndarray | None, title_dense: np.ndarray, title_lexical: np.ndarray
) -> Candidates:
    """Candidates ``cand`` with their scores from the full score vectors (one float per row)."""
    return candidate_scores(
        cand,
        lexical[cand] if lexical is not None else None,
        dense[cand] if dense is not None else None,
        title_dense[cand],
        title_lexical[cand],
    )


def candidate_scores(
    cand: np.ndarray, lexical: np.ndarray | None, dense: np.ndarray | None, title_dense: np.ndarray, title_lexical: np.ndarray
) -> Candidates:
    """Candidates ``cand`` with their own scores (one float per candidate; a list that is off is None)."""
    zero = np.zeros(cand.size, dtype=np.float32)
    far = np.full(cand.size, 1e6, dtype=np.float32)
    return Candidates(
        index=cand,
        lexical=lexical.astype(np.float32) if lexical is not None else zero,
        dense=dense.astype(np.float32) if dense is not None else zero,
        lexical_rank=_ranks(lexical) if lexical is not None else far,
        dense_rank=_ranks(dense) if dense is not None else far,
        title_dense=title_dense.astype(np.float32),
        title_lexical=title_lexical.astype(np.float32),
    )


def feature_matrix(searcher: "Searcher", a: QueryAnalysis, c: Candidates) -> np.ndarray:
    """``[len(candidates), len(FEATURES)]`` float32 features of each candidate."""
    n = c.index.size
    x = np.zeros((n, len(FEATURES)), dtype=np.float32)
    lex, den = minmax(c.lexical), minmax(c.dense)
    fused = lex + den
    top = float(fused.max()) if n else 0.0
    x[:, INDEX["fused"]] = fused / top if top > 0 else fused
    x[:, INDEX["lexical"]] = lex
    x[:, INDEX["dense"]] = den
    x[:, INDEX["dense_cos"]] = c.dense
    x[:, INDEX["rrf"]] = (RRF_K + 1) / 2 * (1.0 / (RRF_K + 1 + c.lexical_rank) + 1.0 / (RRF_K + 1 + c.dense_rank))
    x[:, INDEX["lexical_rr"]] = 1.0 / (1.0 + c.lexical_rank)
    x[:, INDEX["dense_rr"]] = 1.0 / (1.0 + c.dense_rank)
    x[:, INDEX["title_dense"]] = c.title_dense
    x[:, INDEX["title_lexical"]] = c.title_lexical
    if a.english:
        x[:, INDEX["english_lexical"]] = lex
        x[:, INDEX["english_dense"]] = den
    asked_scope = a.scope_ids()
    for k, i in enumerate(c.index.tolist()):
        row = searcher.index.rows[i]
        feats = searcher.text_features(i)
        if a.entity_ids:
            named = sum(1.0 if e in row.entities else 0.5 if e in row.scope else 0.0 for e in a.entity_ids)
            x[k, INDEX["entity"]] = named / len(a.entity_ids)
        if asked_scope and row.scope and not any(e in row.scope for e in asked_scope):
            x[k, INDEX["scope_mismatch"]] = 1.0
        if a.actions:
            x[k, INDEX["action"]] = sum(1 for act in a.actions if f"act:{act}" in feats) / len(a.actions)
        x[k, INDEX["background"]] = float(searcher.is_background(i))
        if a.intent != "fact":
            x[k, INDEX["rule_kind"]] = float(a.intent in searcher.fact_kinds(i))
            x[k, INDEX["graph_applies"]] = float(searcher.graph_applies(row.clause_id, a))
        if a.answer_type and f"type:{a.answer_type}" in feats:
            x[k, INDEX["answer_type"]] = 1.0
        x[k, INDEX["length"]] = math.log1p(len(row.text)) / _LENGTH_SCALE
    return x


def weight_vector(weights: dict[str, float]) -> np.ndarray:
    """A weight dict as a vector in :data:`FEATURES` order (missing names weigh 0)."""
    unknown = set(weights) - set(FEATURES)
    if unknown:
        raise ValueError(f"unknown ranking features: {sorted(unknown)}")
    return np.array([weights.get(name, 0.0) for name in FEATURES], dtype=np.float32)
