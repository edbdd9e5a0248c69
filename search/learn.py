"""Learning the ranking weights and the abstention classifier from a split QA set.

Why linear models: the train split is a few hundred questions. The ranker
is a linear scorer fitted with a listwise softmax loss (the gold clause's
share of the softmax over the question's candidates, as in ListNet), with
an L2 pull toward the hand-set weights of the first release: with little
data it stays near that prior, and it moves only where train questions
agree. One weight per feature, a few seconds to fit (scipy's L-BFGS). The
abstention classifier is a logistic regression (scikit-learn) over
question-level features (:data:`ABSTENTION`); the recipe before it
(:data:`BASELINE_ABSTENTION`) is refitted in the same run and shipped beside
it as the baseline. Settings (the pull, the abstention model's regularization
strength and threshold) are chosen on the dev split; the test split is only
ever scored.

``train`` returns the document written to ``search/ranker.json``
(search/ranker.py reads it), with what it was trained on and its
train/dev figures beside the baselines'.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import logsumexp

from .answer import assess, hand_abstains, rule_abstains
from .evaluate import is_hit, load_qa, ranking_metrics
from .features import FEATURES, HAND_WEIGHTS, weight_vector
from .ranker import ABSTAIN_FEATURES, BASELINE_ABSTAIN_FEATURES, Abstention, Ranker, ranker_from
from .service import HAND, Scored, Searcher, check_query

LAMBDA_GRID = (10.0, 1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001)
"""Pull toward the hand-set weights, strongest first; the best dev MRR@10 wins
(ties: the stronger pull, i.e. the smaller step from the hand-set weights)."""
RULE_MARGIN = math.log(3.0)
"""A later rule is cited beside the first when the ranker gives it at least a
quarter of the first's probability (softmax scores: a gap of ln 3)."""
MAX_FALSE_ABSTENTION = 0.05
"""The abstention threshold is the lowest that abstains on at most this share of
the dev split's answerable questions."""


@dataclass
class Question:
    """One question's candidates under the hand scorer, with their gold labels."""

    item: dict[str, Any]
    scored: Scored
    gold: np.ndarray  # bool per candidate
    weight: float = 1.0  # share in the loss: each source of questions counts equally

    @property
    def answerable(self) -> bool:
        return bool(self.item["gold_spans"])


def collect(searcher: Searcher, qa: Sequence[dict[str, Any]]) -> list[Question]:
    """Candidates, features and gold labels of each question (hand-scored order)."""
    out = []
    for item in qa:
        q = check_query(item["question"])
        scored = searcher.scored(q, searcher.analyze(q), HAND)
        texts = [searcher.index.rows[i].text for i in scored.candidates.index.tolist()]
        out.append(Question(item, scored, np.array([is_hit(t, item["gold_spans"]) for t in texts], dtype=bool)))
    return out


def listwise_loss(theta: np.ndarray, questions: Sequence[Question], prior: np.ndarray, lam: float) -> tuple[float, np.ndarray]:
    """Weighted mean softmax cross-entropy of the gold candidates, plus lam·|w − prior|²; and its gradient.

    ``theta`` is (log t, w): scores are s = t·(X·w). Per question the loss is
    -log(Σ_gold e^s / Σ_all e^s), the loss of putting a gold clause first
    (R@1), not of ordering every pair.
    """
    t, w = math.exp(theta[0]), theta[1:]
    loss, grad_w, grad_t, n = 0.0, np.zeros_like(w), 0.0, 0.0
    for q in questions:
        x = q.scored.features.astype(np.float64)
        u = x @ w
        s = t * u
        lse_all, lse_gold = logsumexp(s), logsumexp(s[q.gold])
        diff = np.exp(s - lse_all)
        diff[q.gold] -= np.exp(s[q.gold] - lse_gold)
        loss += q.weight * (lse_all - lse_gold)
        grad_w += q.weight * t * (diff @ x)
        grad_t += q.weight * t * float(diff @ u)
        n += q.weight
    d = w - prior
    return loss / n + lam * float(d @ d), np.concatenate([[grad_t / n], grad_w / n + 2 * lam * d])


def fit_weights(questions: Sequence[Question], lam: float) -> np.ndarray:
    """Weights over FEATURES: the listwise loss on the questions whose gold clause is
    among the candidates, regularized toward the hand-set weights (the prior).

    Two steps: the softmax temperature is fitted for the prior alone (a ranking
    does not change with it), then the weights move with that temperature
    fixed, so sharpening the softmax cannot masquerade as a change of weights.
    """
    from scipy.optimize import minimize

    usable = [q for q in questions if q.answerable and q.gold.any()]
    prior = weight_vector(HAND_WEIGHTS).astype(np.float64)

    def temperature_only(v: np.ndarray) -> tuple[float, np.ndarray]:
        loss, grad = listwise_loss(np.concatenate([v, prior]), usable, prior, lam)
        return loss, grad[:1]

    log_t = minimize(temperature_only, np.zeros(1), jac=True, method="L-BFGS-B").x

    def weights_only(w: np.ndarray) -> tuple[float, np.ndarray]:
        loss, grad = listwise_loss(np.concatenate([log_t, w]), usable, prior, lam)
        return loss, grad[1:]

    return minimize(weights_only, prior.copy(), jac=True, method="L-BFGS-B").x.astype(np.float32)


def first_hit_ranks(questions: Sequence[Question], weights: np.ndarray) -> list[int | None]:
    """1-based rank of the first gold candidate under ``weights`` (None beyond 10)."""
    ranks: list[int | None] = []
    for q in questions:
        if not q.answerable:
            continue
        s = q.scored.features @ weights
        order = np.lexsort((q.scored.candidates.index, -s))[:10]
        hits = np.flatnonzero(q.gold[order])
        ranks.append(int(hits[0]) + 1 if hits.size else None)
    return ranks


def choose_weights(train: Sequence[Question], dev: dict[str, list[Question]]) -> tuple[np.ndarray, float, dict[str, Any]]:
    """Fit for each pull on train, keep the best on dev: the mean over sources of
    MRR@10 (then of R@1), so no source decides alone."""
    best: tuple[tuple[float, float], float, np.ndarray] | None = None
    grid = {}
    for lam in LAMBDA_GRID:
        w = fit_weights(train, lam)
        per = {name: ranking_metrics(first_hit_ranks(qs, w)) for name, qs in dev.items()}
        grid[str(lam)] = per
        key = (float(np.mean([m["mrr@10"] for m in per.values()])), float(np.mean([m["recall@1"] for m in per.values()])))
        if best is None or key > best[0]:
            best = (key, lam, w)
    assert best is not None
    return best[2], best[1], grid


def abstention_rows(searcher: Searcher, questions: Sequence[Question], ranker: Ranker) -> tuple[np.ndarray, np.ndarray]:
    """Question-level features under ``ranker`` and labels (1 = unanswerable)."""
    xs, ys = [], []
    for q in questions:
        text = check_query(q.item["question"])
        a = searcher.analyze(text)
        sc = q.scored
        xs.append(assess(searcher, a, Scored(sc.candidates, sc.features, sc.features @ ranker.weights))[1])
        ys.append(0 if q.answerable else 1)
    return np.array(xs, dtype=np.float32), np.array(ys)


def threshold_for(p_answerable: np.ndarray, ruled: int, max_share: float = MAX_FALSE_ABSTENTION) -> float:
    """The lowest threshold that, with the ``ruled`` answerable questions the rule of
    answer.rule_abstains already turns away, abstains on at most ``max_share`` of the
    answerable ones (``p_answerable``: P(abstain) of the others). Above 1 when the
    rule alone uses up the budget."""
    allowed = int(math.floor(max_share * (len(p_answerable) + ruled))) - ruled
    desc = np.sort(p_answerable)[::-1]
    if allowed < 0:
        return 1.01
    return float(desc[allowed]) + 1e-6 if allowed < len(desc) else 0.5


@dataclass(frozen=True)
class AbstentionRecipe:
    """How an abstention model is fitted: over which features, at which
    regularization strengths (the dev splits choose), on standardized features or
    raw ones, and from which sources' train questions."""

    features: tuple[str, ...]
    strengths: tuple[float, ...]
    standardize: bool
    only_sources_with_unanswerable: bool


ABSTENTION = AbstentionRecipe(ABSTAIN_FEATURES, (0.03, 0.1, 0.3, 1.0, 3.0), True, True)
"""Issue 14 (item 3). Sources whose train questions are all answerable (the STARD
statute set) are left out of the fit: they teach one class only, with another
corpus's questions (a layperson's wording that meets its clauses in few words,
which is what an off-topic question looks like here); they still bound the
threshold through their dev split. Standardized, so one regularization strength
means the same for every feature; the strengths run strongest first, and the
dev splits pick the one that abstains on most unanswerable questions (ties: the
stronger)."""
BASELINE_ABSTENTION = AbstentionRecipe(BASELINE_ABSTAIN_FEATURES, (1.0,), False, False)
"""The recipe before issue 14 (item 3), refitted in the same run as the baseline."""


def fit_logistic(x: np.ndarray, y: np.ndarray, strength: float, standardize: bool) -> tuple[np.ndarray, float]:
    """A class-balanced logistic regression (C = ``strength``) on ``x``: its weights and
    bias over the raw features (a standardization is folded into them)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=strength, class_weight="balanced", max_iter=5000)
    if not standardize:
        model.fit(x, y)
        return model.coef_[0].astype(np.float32), float(model.intercept_[0])
    mu, sd = x.mean(axis=0, dtype=np.float64), x.std(axis=0, dtype=np.float64) + 1e-9
    model.fit((x - mu) / sd, y)
    coef = model.coef_[0] / sd
    return coef.astype(np.float32), float(model.intercept_[0] - coef @ mu)


def with_threshold(probe: Abstention, dev: dict[str, tuple[np.ndarray, np.ndarray]]) -> Abstention:
    """``probe`` with the lowest threshold that keeps false abstention (the rule's and
    the model's together) at most MAX_FALSE_ABSTENTION on the dev questions of every source."""
    thresholds = []
    for x, y in dev.values():
        answerable = x[y == 0]
        ruled = np.array([rule_abstains(r) for r in answerable], dtype=bool)
        if answerable.size:
            thresholds.append(threshold_for(np.array([probe.probability(r) for r in answerable[~ruled]]), int(ruled.sum())))
    return Abstention(probe.coef, probe.bias, max(thresholds) if thresholds else 0.5, probe.features)


def fit_abstention(
    train_rows: dict[str, tuple[np.ndarray, np.ndarray]],
    dev: dict[str, tuple[np.ndarray, np.ndarray]],
    recipe: AbstentionRecipe = ABSTENTION,
) -> tuple[Abstention, dict[str, Any]]:
    """The abstention model of ``recipe`` fitted on the train rows of each source, its
    threshold set on ``dev`` (:func:`with_threshold`), the strength chosen on ``dev``;
    and what each strength caught on dev."""
    x, y = abstention_train_rows(train_rows, recipe)
    best: tuple[int, float, Abstention] | None = None
    grid = {}
    for strength in recipe.strengths:
        coef, bias = fit_logistic(x, y, strength, recipe.standardize)
        model = with_threshold(Abstention(coef, bias, 0.5, recipe.features), dev)
        caught = sum(int(sum(rule_abstains(r) or model.abstains(r) for r in xd[yd == 1])) for xd, yd in dev.values())
        grid[str(strength)] = caught
        if best is None or caught > best[0]:
            best = (caught, strength, model)
    assert best is not None
    return best[2], {"strength": best[1], "dev_abstained_on_unanswerable": grid}


def abstention_train_rows(rows: dict[str, tuple[np.ndarray, np.ndarray]], recipe: AbstentionRecipe) -> tuple[np.ndarray, np.ndarray]:
    """The train rows ``recipe`` fits on (its sources, its features' columns) and their labels."""
    used = [xy for xy in rows.values() if not recipe.only_sources_with_unanswerable or (xy[1] == 1).any()]
    x = np.concatenate([x for x, _ in used])[:, [ABSTAIN_FEATURES.index(f) for f in recipe.features]]
    return x, np.concatenate([y for _, y in used])


def abstention_doc(model: Abstention, chosen: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of an abstention model (search/ranker.py abstention_from reads it)
    with the strength ``chosen`` by :func:`fit_abstention` and what each strength caught."""
    return {
        **chosen,
        "features": list(model.features),
        "coef": [round(float(v), 6) for v in model.coef],
        "bias": round(model.bias, 6),
        "threshold": round(model.threshold, 6),
        "max_false_abstention": MAX_FALSE_ABSTENTION,
    }


def abstention_rates(model: Abstention | None, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Abstention on unanswerable and on answerable questions (the hand rule when model is None)."""
    says = np.array([(rule_abstains(r) or model.abstains(r)) if model is not None else hand_abstains(r) for r in x], dtype=bool)
    neg, pos = y == 1, y == 0
    return {
        "abstained_on_unanswerable": round(float(says[neg].mean()), 4) if neg.any() else None,
        "abstained_on_answerable": round(float(says[pos].mean()), 4) if pos.any() else None,
    }


def train(sources: Sequence[tuple[Searcher, Path]], keep: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fit on the train splits, choose on the dev splits; the ranker.json document with its figures.

    ``sources`` pairs a searcher (one ingested corpus) with a QA set over it:
    split into train / dev / test, or unsplit development data, which is used
    for training only. Each source's train questions weigh the same in total,
    so a large outside set does not drown the policy questions (or the reverse).
    ``keep``: a ranker.json document whose ranking weights are kept as they are
    (only the abstention models are fitted, over the ranking it scores with), so
    a change to abstention does not move the ranking.
    """
    named = {Path(qa).name: (searcher, Path(qa)) for searcher, qa in sources}
    train_q: list[Question] = []
    dev_q: dict[str, list[Question]] = {}
    train_by: dict[str, list[Question]] = {}
    for name, (searcher, qa) in named.items():
        every = load_qa(qa)
        split = any("split" in item for item in every)
        qs = collect(searcher, [i for i in every if i.get("split") == "train"] if split else every)
        usable = sum(1 for q in qs if q.answerable and q.gold.any()) or 1
        for q in qs:
            q.weight = 1.0 / usable
        train_by[name] = qs
        train_q += qs
        if split:
            dev_q[name] = collect(searcher, [i for i in every if i.get("split") == "dev"])
    if keep is not None:
        ranking, grid = keep["ranking"], keep.get("meta", {}).get("dev_by_lambda", {})
        weights = weight_vector(ranking["weights"])
    else:
        weights, lam, grid = choose_weights(train_q, dev_q)
        ranking = {
            "features": list(FEATURES),
            "weights": {name: round(float(w), 6) for name, w in zip(FEATURES, weights)},
            "rule_margin": round(RULE_MARGIN, 6),
            "lambda": lam,
        }
    hand = weight_vector(HAND_WEIGHTS)
    ranker = ranker_from({"ranking": ranking})
    rows = {name: abstention_rows(named[name][0], train_by[name], ranker) for name in named}
    dev_rows = {name: abstention_rows(named[name][0], dev_q[name], ranker) for name in dev_q}
    abstention, chosen = fit_abstention(rows, dev_rows)
    baseline, baseline_chosen = fit_abstention(rows, dev_rows, BASELINE_ABSTENTION)

    def figures(qs: list[Question]) -> dict[str, Any]:
        return {"learned": ranking_metrics(first_hit_ranks(qs, weights)), "hand": ranking_metrics(first_hit_ranks(qs, hand))}

    def abstaining(x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
        return {
            "learned": abstention_rates(abstention, x, y),
            "baseline": abstention_rates(baseline, x, y),
            "hand": abstention_rates(None, x, y),
        }

    return {
        "meta": {
            "trained_on": {
                name: {"sha256": hashlib.sha256(qa.read_bytes()).hexdigest(), "clauses": len(searcher.index.rows)}
                for name, (searcher, qa) in named.items()
            },
            "figures": {
                name: {
                    "train": figures(train_by[name]),
                    "dev": figures(dev_q.get(name, [])),
                    "abstention_train": abstaining(*rows[name]),
                    "abstention_dev": abstaining(*dev_rows[name]) if name in dev_rows else None,
                }
                for name in named
            },
            "dev_by_lambda": grid,
        },
        "ranking": ranking,
        "abstention": abstention_doc(abstention, chosen),
        "abstention_baseline": abstention_doc(baseline, baseline_chosen),
    }
