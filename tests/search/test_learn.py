"""The learned ranker and the abstention classifier (search/learn.py, search/ranker.py).

Fast: the listwise loss's gradient, the threshold rule, the shipped file's
form. Slow: training on the QA set's train split over the real QA corpus
(seconds), and the shipped models' figures on the frozen test split beside
the hand-set weights, BM25 and dense-only in the same run.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from search.features import FEATURES, HAND_WEIGHTS, Candidates, weight_vector
from search.learn import (
    ABSTENTION,
    BASELINE_ABSTENTION,
    Question,
    abstention_train_rows,
    fit_logistic,
    fit_weights,
    listwise_loss,
    threshold_for,
)
from search.ranker import ABSTAIN_FEATURES, BASELINE_ABSTAIN_FEATURES, RANKER_FILE, load_ranker
from search.service import Scored
from tests.conftest import link_model

QA = Path(__file__).with_name("qa")
QA_SET = QA / "qa_set.jsonl"
OWN_DEV = Path(__file__).with_name("own_dev_qa.jsonl")


def _question(rng: np.random.Generator, n: int = 12) -> Question:
    x = rng.random((n, len(FEATURES)), dtype=np.float32)
    zero = np.zeros(n, np.float32)
    cands = Candidates(np.arange(n), zero, zero, zero, zero, zero, zero)
    gold = np.zeros(n, bool)
    gold[rng.integers(n)] = True
    return Question({"id": "q", "gold_spans": ["x"]}, Scored(cands, x, x @ weight_vector(HAND_WEIGHTS)), gold)


def test_listwise_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    qs = [_question(rng) for _ in range(5)]
    prior = weight_vector(HAND_WEIGHTS).astype(np.float64)
    theta = np.concatenate([[0.3], prior + rng.normal(0, 0.1, prior.size)])
    _, grad = listwise_loss(theta, qs, prior, 0.5)
    eps = 1e-6
    for k in range(theta.size):
        step = np.zeros_like(theta)
        step[k] = eps
        numeric = (listwise_loss(theta + step, qs, prior, 0.5)[0] - listwise_loss(theta - step, qs, prior, 0.5)[0]) / (2 * eps)
        assert abs(numeric - grad[k]) < 1e-4, (FEATURES[k - 1] if k else "log t", numeric, grad[k])


def test_a_strong_pull_keeps_the_hand_set_weights() -> None:
    rng = np.random.default_rng(1)
    qs = [_question(rng) for _ in range(20)]
    w = fit_weights(qs, 1e4)
    assert np.allclose(w, weight_vector(HAND_WEIGHTS), atol=1e-3)


def test_threshold_counts_what_the_rule_already_turned_away() -> None:
    p = np.array([0.9, 0.8, 0.1, 0.05] + [0.01] * 36)  # 40 answerable
    says = lambda t: int((p >= t).sum())  # noqa: E731
    assert says(threshold_for(p, ruled=0)) == 2  # 5 % of 40
    assert says(threshold_for(p, ruled=2)) == 0  # 5 % of 42 = 2, both spent by the rule
    assert threshold_for(p, ruled=3) > 1.0  # the rule alone is over budget: the model never abstains


def test_shipped_ranker_is_complete_and_says_what_it_was_trained_on() -> None:
    doc = json.loads(RANKER_FILE.read_text("utf-8"))
    assert doc["ranking"]["features"] == list(FEATURES)
    assert doc["abstention"]["features"] == list(ABSTAIN_FEATURES)
    assert doc["abstention"]["strength"] in ABSTENTION.strengths
    assert doc["abstention_baseline"]["features"] == list(BASELINE_ABSTAIN_FEATURES)
    assert "qa_set.jsonl" in doc["meta"]["trained_on"]
    ranker = load_ranker()
    assert ranker.abstention is not None and 0 < ranker.abstention.threshold <= 1.01
    assert ranker.abstention_baseline is not None and 0 < ranker.abstention_baseline.threshold <= 1.01
    assert ranker.rule_margin > 0


def test_a_standardized_fit_is_folded_into_weights_over_the_raw_features() -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(2)
    x = rng.normal([0.0, 100.0], [1.0, 10.0], (200, 2)).astype(np.float32)
    y = (x[:, 0] + 0.1 * x[:, 1] + rng.normal(0, 1, 200) > 10).astype(int)
    coef, bias = fit_logistic(x, y, 0.3, standardize=True)
    mu, sd = x.mean(axis=0, dtype=np.float64), x.std(axis=0, dtype=np.float64) + 1e-9
    want = LogisticRegression(C=0.3, class_weight="balanced", max_iter=5000).fit((x - mu) / sd, y).predict_proba((x - mu) / sd)[:, 1]
    assert np.allclose(1 / (1 + np.exp(-(x @ coef + bias))), want, atol=1e-4)


def test_a_source_without_unanswerable_questions_is_left_out_of_the_fit_but_not_of_the_baselines() -> None:
    width = len(ABSTAIN_FEATURES)
    rows = {
        "policy": (np.ones((4, width), np.float32), np.array([0, 1, 0, 1])),
        "statutes": (np.zeros((6, width), np.float32), np.zeros(6, dtype=int)),
    }
    x, y = abstention_train_rows(rows, ABSTENTION)
    assert x.shape == (4, width) and y.tolist() == [0, 1, 0, 1]
    x, y = abstention_train_rows(rows, BASELINE_ABSTENTION)
    assert x.shape == (10, len(BASELINE_ABSTAIN_FEATURES))


@pytest.fixture(scope="module")
def qa_searcher(tmp_path_factory):
    """The QA corpus (seeds + twelve added documents), ingested for real."""
    from api.commands_corpus import register_steps
    from graph.store import open_store
    from ingest.pipeline import run_ingest
    from search.service import Searcher

    data = tmp_path_factory.mktemp("qa-data")
    link_model(data)
    register_steps()
    run_ingest(QA / "corpus", data)
    return Searcher(data, open_store(data))


@pytest.mark.slow
def test_the_shipped_abstention_model_is_what_its_recipe_fits(qa_searcher, ingested_data) -> None:
    """Reproducible: under the shipped ranking weights, the recipe fitted at its chosen
    strength on the train questions of the two policy sources (the statute set, all
    answerable, only bounds the threshold) gives the shipped weights; and the policy
    dev split alone sets no higher threshold than the shipped one (which is the
    highest over the sources' dev splits)."""
    from graph.store import open_store
    from search.evaluate import load_qa
    from search.learn import abstention_rows, collect, with_threshold
    from search.service import Searcher

    shipped = load_ranker()
    doc = json.loads(RANKER_FILE.read_text("utf-8"))["abstention"]
    seeds = Searcher(ingested_data, open_store(ingested_data))
    train_items = [i for i in load_qa(QA_SET) if i["split"] == "train"]
    rows = {
        "qa_set.jsonl": abstention_rows(qa_searcher, collect(qa_searcher, train_items), shipped),
        "own_dev_qa.jsonl": abstention_rows(seeds, collect(seeds, load_qa(OWN_DEV)), shipped),
    }
    x, y = abstention_train_rows(rows, ABSTENTION)
    coef, bias = fit_logistic(x, y, doc["strength"], ABSTENTION.standardize)
    assert np.allclose(coef, doc["coef"], atol=2e-3) and abs(bias - doc["bias"]) < 2e-3, "retrain: policykg eval train-ranker"
    assert shipped.abstention is not None
    dev = {"qa_set.jsonl": abstention_rows(qa_searcher, collect(qa_searcher, load_qa(QA_SET, "dev")), shipped)}
    assert with_threshold(shipped.abstention, dev).threshold <= shipped.abstention.threshold + 1e-6


@pytest.mark.slow
def test_training_on_the_train_split_beats_the_hand_set_weights_on_dev(qa_searcher) -> None:
    """Trained here from the policy set alone (the shipped file adds an outside set,
    see README): the weights chosen on dev rank dev as well as the hand-set ones,
    give or take one question moving one place (dev has 56 answerable questions:
    one first hit moving from rank 1 to 2 is 0.009 of MRR@10; measured 2026-12-03
    after the run-on parse: learned 0.7035, hand 0.7077), and the abstention
    threshold keeps false abstention on dev at most 5 %."""
    from search.learn import train

    doc = train([(qa_searcher, QA_SET)])
    fig = doc["meta"]["figures"]["qa_set.jsonl"]
    assert fig["dev"]["learned"]["mrr@10"] >= fig["dev"]["hand"]["mrr@10"] - 0.009, fig["dev"]
    assert fig["abstention_dev"]["learned"]["abstained_on_answerable"] <= 0.05, fig["abstention_dev"]
    # the calibrated recipe abstains at least as often on dev's unanswerable questions as the baseline's
    dev = fig["abstention_dev"]
    assert dev["learned"]["abstained_on_unanswerable"] >= dev["baseline"]["abstained_on_unanswerable"], dev


@pytest.mark.slow
def test_shipped_models_on_the_frozen_test_split(qa_searcher) -> None:
    """Scored, never tuned on: at least as good as the better of BM25 and dense-only
    and as the hand-set weights; floors a little under the figures of the commit that
    shipped the models (see tests/search/qa/README.md)."""
    from search.evaluate import evaluate

    r = evaluate(qa_searcher, QA_SET, "test")
    system, base = r["system"], r["baselines"]
    summary = json.dumps({k: system[k] for k in ("recall@1", "recall@5", "mrr@10")} | {"abstention": system["abstention"]})
    for metric in ("recall@1", "recall@5", "mrr@10"):
        assert system[metric] >= max(base["bm25"][metric], base["dense"][metric], base["hand"][metric]), (metric, summary)
    assert system["recall@1"] >= 0.70 and system["recall@5"] >= 0.89 and system["mrr@10"] >= 0.78, summary
    assert system["abstention"]["false_abstention_rate"] <= 0.05, summary
    # calibrated abstention (issue 14, item 3), first scored 2026-12-03: 10/21 unanswerable, 1/56 answerable
    # (the baseline recipe, refitted in the same run: 7/21 and 4/56)
    assert system["abstention"]["abstention_rate"] >= 0.42, summary
    assert system["answer_span"]["hit_rate"] >= 0.45, summary
