"""Training of ingest/fact_judge.py on annotated gold sets.

Every gold set is extracted with every proposal kept (``judged=False``). Per
judged kind, a proposal in an exhaustively annotated document is a positive
when it is a gold fact of that kind: for a duty, an overlapping gold duty of
the same bearer. Whether the proposal also reads the deadline or recipient
right is not what the judge decides, so those fields are left out of the label
(they still count in the figures, which are scored as ``policykg eval
extraction`` scores).

The settings (regularisation, threshold) are chosen by leaving one gold set
out at a time: each set is judged by a model fitted on the others, so the
figures printed for a setting are what it does on a set it never saw, as a
new document would be. The threshold maximises the pooled F1 over those
held-out judgements, averaged with its neighbours on the grid (a plateau, not a
peak one fact high: with a few hundred gold duties a single fact moves F1 by
0.002, and a peak that narrow flips with any change to the proposals), among
the settings that keep every gold fact of the ``fixed`` sets; the model
written is then fitted on all sets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ingest.cache import digest
from ingest.fact_judge import FactJudge, KindModel

from .evaluate import Scoring, scoring

C_GRID = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.1, 0.71, 0.05))
LABEL_FIELDS: dict[str, tuple[str, ...]] = {"obligation": ("actor",)}
"""The judged kinds, and the gold fields a proposal must agree on to be a positive."""

Source = tuple[str, Path, Path]
"""A gold set: its name, its golden folder, its corpus folder."""


@dataclass
class KindRows:
    """One gold set's proposals of one kind: signals, in-scope flag, label, whether
    it matches a gold fact in every field; and per gold fact the proposals matching
    it in every field."""

    signals: list[dict[str, float]]
    in_scope: np.ndarray
    label: np.ndarray
    matched: np.ndarray
    gold_hits: list[list[int]]


@dataclass
class SetRows:
    name: str
    digest: str
    kinds: dict[str, KindRows]


def _kind_rows(sc: Scoring, kind: str) -> KindRows:
    kp = [f for f in sc.facts if f.kind == kind]
    golds = [g for g in sc.golds if g.kind == kind]
    hits = [sc.matching(g, kp) for g in golds]
    positive = {i for g in golds for i in sc.matching(g, kp, only=LABEL_FIELDS[kind])}
    matched = {i for h in hits for i in h}
    return KindRows(
        [f.attrs["signals"] for f in kp],
        np.array([(kind, f.doc_id) in sc.scope for f in kp], dtype=bool),
        np.array([i in positive for i in range(len(kp))], dtype=bool),
        np.array([i in matched for i in range(len(kp))], dtype=bool),
        hits,
    )


def collect(name: str, golden_dir: Path, corpus_dir: Path) -> SetRows:
    sc = scoring(golden_dir, corpus_dir, judged=False)
    gold = digest(*(p.read_bytes() for p in sorted(Path(golden_dir).glob("*.yaml"))))[:16]
    return SetRows(name, gold, {kind: _kind_rows(sc, kind) for kind in LABEL_FIELDS})


def _matrix(rows: Sequence[dict[str, float]], names: list[str]) -> np.ndarray:
    index = {n: j for j, n in enumerate(names)}
    x = np.zeros((len(rows), len(names)))
    for i, r in enumerate(rows):
        for n, v in r.items():
            if n in index:
                x[i, index[n]] = v
    return x


def _fit(rows: Sequence[KindRows], c: float) -> tuple[list[str], Any]:
    from sklearn.linear_model import LogisticRegression

    names = sorted({n for r in rows for s in r.signals for n in s})
    x = np.vstack([_matrix(r.signals, names)[r.in_scope] for r in rows])
    y = np.concatenate([r.label[r.in_scope] for r in rows])
    return names, LogisticRegression(C=c, max_iter=5000).fit(x, y)


def _probabilities(rows: KindRows, names: list[str], clf: Any) -> np.ndarray:
    return clf.predict_proba(_matrix(rows.signals, names))[:, 1] if rows.signals else np.zeros(0)


def counts(r: KindRows, keep: np.ndarray) -> dict[str, int]:
    """Fact counts of one set when only the ``keep`` proposals stay, scored as
    ``policykg eval extraction`` scores them (every gold field must agree)."""
    return {
        "predicted": int((keep & r.in_scope).sum()),
        "true": int((keep & r.in_scope & r.matched).sum()),
        "gold": len(r.gold_hits),
        "found": sum(1 for h in r.gold_hits if any(keep[i] for i in h)),
    }


def figures(c: dict[str, int]) -> dict[str, float | None]:
    p = c["true"] / c["predicted"] if c["predicted"] else None
    r = c["found"] / c["gold"] if c["gold"] else None
    f1 = 2 * p * r / (p + r) if p and r else None
    return {
        "precision": round(p, 4) if p is not None else None,
        "recall": round(r, 4) if r is not None else None,
        "f1": round(f1, 4) if f1 else None,
    }


def _pooled(per_set: Sequence[dict[str, int]]) -> dict[str, int]:
    return {k: sum(c[k] for c in per_set) for k in ("predicted", "true", "gold", "found")}


def held_out_probabilities(folds: Sequence[KindRows], fixed: Sequence[KindRows], c: float) -> list[np.ndarray]:
    """Each fold's proposals judged by a model fitted on the other folds and the ``fixed`` sets."""
    out = []
    for k, r in enumerate(folds):
        names, clf = _fit([o for j, o in enumerate(folds) if j != k] + list(fixed), c)
        out.append(_probabilities(r, names, clf))
    return out


def train_kind(folds: Sequence[KindRows], fixed: Sequence[KindRows]) -> tuple[KindModel, dict[str, Any]]:
    """One kind's model (see the module's docstring) and the report of its choice."""
    every = list(folds) + list(fixed)
    before = [counts(r, np.ones(len(r.signals), dtype=bool)) for r in every]
    best: tuple[float, float, float, list[dict[str, int]]] | None = None
    fits = {c: _fit(every, c) for c in C_GRID}
    for c, (names, clf) in fits.items():
        probs = held_out_probabilities(folds, fixed, c)
        own = [_probabilities(r, names, clf) for r in fixed]
        f1s = [figures(_pooled([counts(r, p >= t) for r, p in zip(folds, probs)]))["f1"] or 0.0 for t in THRESHOLDS]
        for i, t in enumerate(THRESHOLDS):
            if any(counts(r, p >= t)["found"] < b["found"] for r, p, b in zip(fixed, own, before[len(folds) :])):
                continue  # the fixed sets' gold facts must all stay
            plateau = float(np.mean(f1s[max(i - 1, 0) : i + 2]))
            if best is None or plateau > best[0]:
                best = (plateau, c, t, [counts(r, p >= t) for r, p in zip(folds, probs)])
    if best is None:
        raise ValueError("no setting keeps every gold fact of the fixed sets")
    _f1, c, t, after = best
    names, clf = fits[c]
    model = KindModel({n: round(float(w), 4) for n, w in zip(names, clf.coef_[0])}, round(float(clf.intercept_[0]), 4), t)
    fitted = [counts(r, np.array([model.probability(s) >= t for s in r.signals], dtype=bool)) for r in every]
    report = {
        "chosen": {"C": c, "threshold": t},
        "held_out": [{"before": figures(b), "after": figures(a), "gold": b["gold"]} for b, a in zip(before, after)],
        "pooled_held_out": {"before": figures(_pooled(before[: len(folds)])), "after": figures(_pooled(after))},
        "fitted": [figures(f) for f in fitted],
    }
    return model, report


def train(folds: Sequence[Source], fixed: Sequence[Source] = ()) -> tuple[FactJudge, dict[str, Any]]:
    """The judge fitted on all sets, each kind with the setting that judged held-out
    ``folds`` best, and the report of those choices.

    ``fixed`` sets are always trained on and never held out: the project's own
    seed documents are not new text, and a setting that drops any of their gold
    facts (which their golden cases rely on) is not chosen."""
    fold_rows = [collect(*src) for src in folds]
    fixed_rows = [collect(*src) for src in fixed]
    every = fold_rows + fixed_rows
    kinds: dict[str, KindModel] = {}
    report: dict[str, Any] = {"trained_on": {s.name: {"gold_sha256": s.digest} for s in every}, "kinds": {}}
    for kind in LABEL_FIELDS:
        model, rep = train_kind([s.kinds[kind] for s in fold_rows], [s.kinds[kind] for s in fixed_rows])
        kinds[kind] = model
        report["kinds"][kind] = {
            "chosen": rep["chosen"],
            "pooled_held_out": rep["pooled_held_out"],
            "held_out_sets": {s.name: h for s, h in zip(fold_rows, rep["held_out"])},
            "fitted": {s.name: f for s, f in zip(every, rep["fitted"])},
        }
    return FactJudge(kinds, report), report
