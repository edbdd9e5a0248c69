"""Extraction scored on real documents the extractor was not written for.

* tests/extraction_heldout8, tests/extraction_heldout9 and tests/extraction_heldout10:
  15, 15 and 12 real policy texts, annotated before any output was seen, frozen
  (never tuned on, scored in aggregate only); floors just below their figures,
  so a change that makes generalization worse fails here.
* tests/extraction_dev … tests/extraction_dev10: 34, 15, 12, 12, 15, 15, 15, 15,
  12 and 15 real texts the rules are developed on (dev2 and dev5–dev10 were held-out
  sets until their misses were read; dev3 and dev4 were each scored once blind
  first, figures in their READMEs).  The dev sets also train the duty judge
  (ingest/fact_judge.py), so their figures here are in-sample; the judge's
  figures on each dev set as held out are in ingest/fact_judge.json's report.
  The issue's targets (obligation recall 0.80 at precision 0.85) are not
  reached on the held-out set yet, and these floors say so honestly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.evaluate import evaluate_extraction, gold_set_dirs

HERE = Path(__file__).resolve().parents[1]

FLOORS = {
    "extraction_dev5": {"obligation": (0.80, 0.85), "deadline": (0.70, 0.83), "funding": (0.95, 0.85), "sanction": (0.90, 0.74)},
    "extraction_dev6": {"obligation": (0.70, 0.68), "deadline": (0.88, 0.75), "funding": (0.88, 0.85), "sanction": (0.90, 0.78)},
    "extraction_dev7": {"obligation": (0.78, 0.83), "deadline": (0.80, 0.88), "funding": (0.67, 0.58), "sanction": (0.90, 0.78)},
    # first run at 7c6a5c0: 0.724/0.658, 0.661/0.848, 0.829/0.935, 1.000/0.333
    "extraction_heldout8": {"obligation": (0.70, 0.64), "deadline": (0.64, 0.82), "funding": (0.80, 0.90), "sanction": (0.95, 0.33)},
    # first run at dfcbb6f: 0.793/0.490, 0.846/0.717, 0.833/0.750, 1.000/0.571
    # obligation 0.750/0.451 since 2026-12-03 evening: the same proposals (all-fields recall 0.490
    # unjudged), two fewer kept since the judge's dev-chosen threshold went from 0.40 to 0.45
    "extraction_heldout9": {"obligation": (0.72, 0.43), "deadline": (0.82, 0.69), "funding": (0.80, 0.72), "sanction": (0.95, 0.55)},
    # first run at a9928b7: 0.684/0.659, 0.769/0.750, 1.000/1.000, 0.833/0.500
    "extraction_heldout10": {"obligation": (0.66, 0.63), "deadline": (0.73, 0.72), "funding": (0.95, 0.95), "sanction": (0.80, 0.45)},
    "extraction_dev8": {"obligation": (0.65, 0.64), "deadline": (0.55, 0.70), "funding": (0.76, 0.73), "sanction": (0.95, 0.60)},
    # the seventh held-out set until 2026-12-03 (its misses read since)
    "extraction_dev10": {"obligation": (0.73, 0.70), "deadline": (0.80, 0.71), "funding": (0.77, 0.42), "sanction": (0.95, 0.42)},
    "extraction_dev9": {"obligation": (0.70, 0.67), "deadline": (0.62, 0.70), "funding": (0.95, 0.85), "sanction": (0.95, 0.55)},
    # dev2's gold marks the years of title lines and attachment names, which docs/annotation_guide.md
    # (and the extractor) does not count
    "extraction_dev2": {"obligation": (0.74, 0.80), "deadline": (0.90, 0.69), "funding": (0.95, 0.95), "sanction": (0.95, 0.95)},
    "extraction_dev3": {"obligation": (0.70, 0.77), "deadline": (0.54, 0.77), "funding": (0.88, 0.80), "sanction": (0.95, 0.83)},
    "extraction_dev4": {"obligation": (0.78, 0.73), "deadline": (0.80, 0.78), "funding": (0.68, 0.75), "sanction": (0.95, 0.75)},
    "extraction_dev": {"obligation": (0.75, 0.77), "deadline": (0.72, 0.72), "funding": (0.90, 0.90), "sanction": (0.95, 0.95)},
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_precision_and_recall_floors(name: str) -> None:
    report = evaluate_extraction(*gold_set_dirs(HERE / name))
    assert not report["errors"], report["errors"]
    for kind, (precision, recall) in FLOORS[name].items():
        got = report["kinds"][kind]
        assert got["precision"] is not None and got["precision"] >= precision, (kind, got)
        assert got["recall"] >= recall, (kind, got)


SEED_FLOORS = {
    "obligation": (0.97, 0.97),
    "deadline": (0.95, 0.97),
    "funding": (0.97, 0.97),
    "sanction": (0.97, 0.97),
    "condition": (0.97, 0.97),
}
"""The seed documents' gold facts (tests/golden/extraction.yaml): measured 1.000/0.991, 0.978/1.000, and
1.000/1.000 for funding, sanction and condition (`policykg eval extraction`, 2026-12-02)."""


def test_seed_gold_floors() -> None:
    report = evaluate_extraction(HERE / "golden", HERE.parent / "corpus")
    assert not report["errors"], report["errors"]
    for kind, (precision, recall) in SEED_FLOORS.items():
        got = report["kinds"][kind]
        assert got["precision"] >= precision and got["recall"] >= recall, (kind, got)


def test_a_frozen_set_can_be_scored_without_its_items() -> None:
    """`eval extraction --summary` gives the figures and nothing to tune on."""
    import json

    from click.testing import CliRunner

    from api.cli import main

    result = CliRunner().invoke(main, ["eval", "extraction", "--gold", str(HERE / "extraction_dev9"), "--summary", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["kinds"]["obligation"]["gold"] > 0
    assert "misses" not in report and "spurious" not in report


def test_a_gold_bearer_copied_with_pinyin_glosses_is_read_as_the_extractors_read_it() -> None:
    """An annotator copying 縣(區(qū))科技局 from a mirror's text names the bearer the
    reading view (ingest/readview.py) calls 县(区)科技局: the same bearer, not a miss."""
    from types import SimpleNamespace

    from graph.evaluate import bearer_agrees
    from ingest.aliases import AliasTable

    fact = SimpleNamespace(attrs={"actor": "县（区）科技局", "actor_id": "Role:县（区）科技局"})
    table = AliasTable([])
    assert bearer_agrees("各縣(區(qū))科技局", fact, table)  # type: ignore[arg-type]
    assert not bearer_agrees("市科技局", fact, table)  # type: ignore[arg-type]
