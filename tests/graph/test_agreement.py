"""Inter-annotator agreement (`policykg eval extraction --second DIR`): a second
annotator's facts scored with the same matching as the extractor's."""

from __future__ import annotations

from pathlib import Path

import yaml

from graph.evaluate import evaluate_extraction, gold_set_dirs

DEV4 = Path(__file__).resolve().parents[1] / "extraction_dev4"


def test_a_gold_set_agrees_with_itself() -> None:
    golden, corpus = gold_set_dirs(DEV4)
    report = evaluate_extraction(golden, corpus, second=golden)
    assert not report["errors"]
    for kind in ("obligation", "deadline", "funding", "sanction"):
        assert (report["kinds"][kind]["precision"], report["kinds"][kind]["recall"]) == (1.0, 1.0), kind


def test_a_second_annotator_who_left_out_a_duty_and_named_another_bearer(tmp_path: Path) -> None:
    golden, corpus = gold_set_dirs(DEV4)
    data = yaml.safe_load((golden / "gold.yaml").read_text("utf-8"))
    duties = data["annotations"]["obligation"]
    left_out = duties.pop(0)
    duties[0] = {**duties[0], "actor": "某个从未出现的机构"}
    (tmp_path / "gold.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    got = evaluate_extraction(golden, corpus, second=tmp_path)["kinds"]["obligation"]
    n = len(duties) + 1
    assert got["recall"] <= round((n - 2) / n, 3) + 0.001, left_out
    assert got["precision"] < 1.0


def test_the_second_annotation_of_dev4() -> None:
    """tests/extraction_dev4/second_annotator: the same 12 documents annotated blind by a
    separate session (2026-12-03). Measured: duties 0.926 / 0.938, deadlines 0.885 / 1.000,
    funding 0.938 / 1.000, sanctions 1.000 / 1.000 against the first annotation."""
    golden, corpus = gold_set_dirs(DEV4)
    report = evaluate_extraction(golden, corpus, second=DEV4 / "second_annotator")
    assert not report["errors"]
    duties = report["kinds"]["obligation"]
    assert duties["precision"] >= 0.9 and duties["recall"] >= 0.9
