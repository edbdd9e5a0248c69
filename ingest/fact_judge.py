"""Which proposed facts are facts: per kind, a logistic model over grammar signals.

The extractors of ingest/extract.py propose generously: the bearer strategies
offer a notice's addressees for every sentence of it, the object of a directive
(推动高校…), the issuer of a procedure, the subject of a 将-sentence. How often
each kind of proposal is a duty is a fact about Chinese regulatory text, not
about one document, so it is learned from the annotated gold sets
(graph/judge_training.py, ``policykg eval train-judge``) instead of being set
by hand strategy by strategy. Each proposal's probability becomes its
``confidence``; one under its kind's threshold is dropped. Kinds without a
model (today all but obligations; see :func:`ingest.extract.fact_signals` for
why deadlines have none) are kept as proposed.

The signals are named strings (``how:addressee``, ``stated:must``,
``bearers:3+``…) computed by :func:`ingest.extract.fact_signals`; the weights
live in ``fact_judge.json`` beside this file, data like the lexicon. A signal
a model has no weight for counts zero, so a new strategy name is safe.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).with_name("fact_judge.json")


@dataclass(frozen=True)
class KindModel:
    """P(a proposal of one kind is a fact) = sigmoid(bias + the weights of its signals)."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, signals: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in signals.items())
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> dict[str, Any]:
        return {"weights": dict(sorted(self.weights.items())), "bias": self.bias, "threshold": self.threshold}


@dataclass(frozen=True)
class FactJudge:
    """A model per judged fact kind, and how they were chosen (``meta``)."""

    kinds: dict[str, KindModel]
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"kinds": {k: m.to_json() for k, m in sorted(self.kinds.items())}, "meta": self.meta}


def judge_from(data: dict[str, Any]) -> FactJudge:
    kinds = {
        str(kind): KindModel({str(n): float(w) for n, w in m["weights"].items()}, float(m["bias"]), float(m["threshold"]))
        for kind, m in data["kinds"].items()
    }
    return FactJudge(kinds, data.get("meta", {}))


@functools.lru_cache(maxsize=1)
def shipped_judge() -> FactJudge | None:
    """The judge beside this file; None before one was trained (every proposal kept)."""
    if not MODEL_FILE.exists():
        return None
    return judge_from(json.loads(MODEL_FILE.read_text("utf-8")))
