"""Which proposed duties are kept (ingest/fact_judge.py), and how the judge is trained
(graph/judge_training.py) on the repository's own gold sets (tests/extraction_dev*,
tests/golden with corpus/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.evaluate import gold_set_dirs
from graph.judge_training import train
from ingest.aliases import load_aliases
from ingest.document import Document
from ingest.extract import extract_with_entities
from ingest.fact_judge import MODEL_FILE, FactJudge, KindModel, judge_from, shipped_judge
from ingest.parse import parse_document

ROOT = Path(__file__).resolve().parents[2]


def _doc(text: str, title: str = "某市重点实验室管理办法") -> Document:
    full = f"{title}\n{text}"
    doc = Document(doc_id="t", title=title, file="t.txt", text=full, issuers=["某市科学技术局"])
    doc.clauses = parse_document("t", full)
    return doc


def test_the_shipped_judge_is_what_training_on_the_gold_sets_gives() -> None:
    """Retrained from the committed gold sets, the weights and thresholds are the shipped ones:
    a change to a gold set, to the signals or to the extractor needs
    ``policykg eval train-judge`` run again (README)."""
    shipped = shipped_judge()
    assert shipped is not None, f"{MODEL_FILE} is missing"
    names = [n for n in shipped.meta["trained_on"] if n != "seeds"]
    folds = [(n, *gold_set_dirs(ROOT / "tests" / n)) for n in names]
    judge, report = train(folds, [("seeds", ROOT / "tests/golden", ROOT / "corpus")])
    assert report["trained_on"] == shipped.meta["trained_on"], "retrain: policykg eval train-judge"
    assert set(judge.kinds) == set(shipped.kinds) == {"obligation"}
    for kind, model in judge.kinds.items():
        want = shipped.kinds[kind]
        assert model.threshold == want.threshold
        assert set(model.weights) == set(want.weights)
        assert all(abs(model.weights[n] - want.weights[n]) < 1e-3 for n in model.weights), "retrain: policykg eval train-judge"


def test_held_out_sets_are_judged_better_than_with_every_proposal_kept() -> None:
    """The report of the shipped judge: with each gold set judged by a model that never saw it,
    duty F1 and precision pooled over the sets are higher than keeping every proposal, and the
    seeds' gold duties all stay."""
    report = shipped_judge().meta["kinds"]["obligation"]  # type: ignore[union-attr]
    pooled = report["pooled_held_out"]
    assert pooled["after"]["f1"] > pooled["before"]["f1"]
    assert pooled["after"]["precision"] > pooled["before"]["precision"]
    assert report["fitted"]["seeds"]["recall"] >= 0.99


def test_confidence_is_the_models_probability_and_weak_proposals_are_dropped() -> None:
    text = "第三条 依托单位应当按年度报送工作报告。\n第四条 企业将申请材料报市科技局。\n"
    proposed = [f for f in extract_with_entities(_doc(text), load_aliases(), judged=False)[0] if f.kind == "obligation"]
    kept = [f for f in extract_with_entities(_doc(text), load_aliases())[0] if f.kind == "obligation"]
    judge = shipped_judge()
    assert judge is not None
    model = judge.kinds["obligation"]
    by_text = {f.text: model.probability(f.attrs["signals"]) for f in proposed}
    assert {f.text for f in kept} == {t for t, p in by_text.items() if p >= model.threshold}
    assert all(f.confidence == round(by_text[f.text], 4) for f in kept)
    assert any("报送" in f.text for f in kept)  # a stated duty of a named bearer stays
    assert any("将申请材料" in t and p < model.threshold for t, p in by_text.items())  # what someone will do is no duty
    assert "signals" not in kept[0].attrs  # only training reads the signals


def test_an_unknown_signal_counts_zero() -> None:
    model = KindModel({"how:open": 1.0}, 0.0, 0.5)
    assert model.probability({"how:open": 1.0, "how:a strategy added later": 1.0}) == model.probability({"how:open": 1.0})
    judge = FactJudge({"obligation": model}, {"note": "x"})
    assert judge_from(json.loads(json.dumps(judge.to_json()))) == judge


def test_a_bearer_met_only_in_dropped_duties_is_no_new_entity() -> None:
    text = "第四条 评审小组将申请材料报市科技局。\n"
    _facts, proposed = extract_with_entities(_doc(text), load_aliases(), judged=False)
    facts, found = extract_with_entities(_doc(text), load_aliases())
    assert [e.name for e in proposed] == ["评审小组"]
    assert not [f for f in facts if f.kind == "obligation"] and found == []


@pytest.mark.parametrize("judged", [True, False])
def test_the_facts_cache_tells_judged_from_proposed(tmp_path: Path, judged: bool) -> None:
    from graph.build import build_graph
    from ingest.cache import ValueCache

    doc = _doc("第四条 科技局将组织专家进行评审。\n第五条 依托单位应当按年度报送工作报告。\n")
    cache = ValueCache(tmp_path)
    build_graph([doc], load_aliases(), cache=cache, judged=not judged)
    _g, _t, cached = build_graph([doc], load_aliases(), cache=cache, judged=judged)
    _g, _t, fresh = build_graph([doc], load_aliases(), judged=judged)
    assert [(f.text, f.confidence) for f in cached] == [(f.text, f.confidence) for f in fresh]
