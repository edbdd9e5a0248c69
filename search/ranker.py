"""The learned ranking and abstention models, as shipped in ``search/ranker.json``.

Why a JSON file of weights and not a pickled estimator: both models are
linear (search/learn.py fits them with scikit-learn on the train split of
tests/search/qa/qa_set.jsonl), so at run time a dot product is all there is;
the file is reviewable in a diff, loads in microseconds and needs no
scikit-learn. The file also records what it was trained on and its dev
figures, so a changed ranking shows up in review with its evidence.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import IndexMissingError
from .features import FEATURES, weight_vector

RANKER_FILE = Path(__file__).with_name("ranker.json")

ABSTAIN_FEATURES: tuple[str, ...] = (
    "top_score",  # learned score of the best clause
    "margin",  # its lead over the second
    "best_dense",  # best dense cosine among the top candidates
    "best_lexical",  # best BM25 among the top candidates, per query token
    "english",  # English question (meets Chinese clauses at lower cosines)
    "entities",  # the question names an entity of the alias table
    "on_topic",  # the hand-set floors of search/answer.py say the corpus talks about it
    "applies",  # some top clause is in scope and holds the asked value (answer.judge)
    "in_scope",  # some top clause governs what the question names
    "typed",  # some top clause holds a value of the asked type
    "asks_value",  # the question asks for a value (date, amount, count …)
    "top_entity",  # the best clause names the question's entities (feature "entity")
    "top_kind",  # the best clause carries a rule of the asked kind
    "coverage",  # share of the question's Chinese words (with expansion) in the best clause
    "typed_gap",  # how far below the best clause the best clause holding the asked value scores
    "typed_coverage",  # share of the question's words in the best clause holding the asked value
    "typed_entity",  # that clause names the question's entities
    "best_coverage",  # weighted share of what the question names said by one of the top clauses (answer.question_units)
    "unseen",  # weighted share of what the question names that no clause of the corpus says
)
BASELINE_ABSTAIN_FEATURES = ABSTAIN_FEATURES[:17]
"""The features of the abstention model before issue 14 (item 3), kept as the baseline."""


@dataclass(frozen=True)
class Abstention:
    """A logistic model: P(the corpus does not answer) over ``features``, a subset of
    :data:`ABSTAIN_FEATURES` (the vector ``x`` it is given holds all of them)."""

    coef: np.ndarray
    bias: float
    threshold: float
    features: tuple[str, ...] = ABSTAIN_FEATURES
    columns: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = set(self.features) - set(ABSTAIN_FEATURES)
        if unknown or len(self.features) != len(self.coef):
            raise IndexMissingError(
                f"abstention model over unknown features {sorted(unknown)}" if unknown else "abstention model: one weight per feature",
                hint="retrain: policykg eval train-ranker (search/learn.py)",
            )
        object.__setattr__(self, "columns", np.array([ABSTAIN_FEATURES.index(f) for f in self.features], dtype=np.int64))

    def probability(self, x: np.ndarray) -> float:
        z = float(x[self.columns] @ self.coef) + self.bias
        return 1.0 / (1.0 + math.exp(-z))

    def abstains(self, x: np.ndarray) -> bool:
        return self.probability(x) >= self.threshold


@dataclass(frozen=True)
class Ranker:
    """Ranking weights over features.FEATURES, the multi-rule margin, the abstention model."""

    weights: np.ndarray
    rule_margin: float
    abstention: Abstention | None
    meta: dict[str, Any] = field(default_factory=dict)
    abstention_baseline: Abstention | None = None  # the previous recipe, reported beside it by `eval qa`


def ranker_from(data: dict[str, Any]) -> Ranker:
    """A Ranker from the JSON document search/learn.py writes."""
    ranking = data["ranking"]
    if tuple(ranking["features"]) != FEATURES:
        raise IndexMissingError(
            "search/ranker.json was trained on other ranking features", hint="retrain: policykg eval train-ranker (search/learn.py)"
        )
    return Ranker(
        weight_vector(ranking["weights"]),
        float(ranking["rule_margin"]),
        abstention_from(data.get("abstention")),
        data.get("meta", {}),
        abstention_from(data.get("abstention_baseline")),
    )


def abstention_from(doc: dict[str, Any] | None) -> Abstention | None:
    """An abstention model from its JSON form (None when there is none)."""
    if not doc:
        return None
    return Abstention(
        np.array(doc["coef"], dtype=np.float32), float(doc["bias"]), float(doc["threshold"]), tuple(map(str, doc["features"]))
    )


@lru_cache(maxsize=2)
def load_ranker(path: Path = RANKER_FILE) -> Ranker:
    """The shipped ranker (cached: read once per process)."""
    if not path.exists():
        raise IndexMissingError(f"ranking model {path} not found", hint="reinstall policykg, or retrain: policykg eval train-ranker")
    return ranker_from(json.loads(path.read_text("utf-8")))
