"""Golden cases of tests/golden/dated/as_of.yaml: answers as of a date, through the CLI, on real ingests.

Each case is parsed into graph/golden.py's typed :class:`DatedCase`; an unknown
or misspelled key fails the run naming the file, the case and the key.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from api.commands_corpus import register_steps
from graph.golden import DatedCase, DatedFile, GoldenFormatError, load
from ingest.pipeline import run_ingest
from tests.conftest import CORPUS, link_model

HERE = Path(__file__).resolve().parent
CASES_FILE = HERE / "dated" / "as_of.yaml"
"""Not beside the profile cases: tests/golden/conftest.py collects every YAML file there as profiles."""
REPEAL_NOTICE = HERE / "dated" / "repeal_notice.txt"
"""A made-up 管理办法 in the usual shape (第X条, 自…起施行, 原《…》同时废止), not a real document."""


def load_cases() -> list[DatedCase]:
    return list(load(CASES_FILE, DatedFile).cases)


def test_an_unknown_key_is_an_error_naming_the_case_and_key(tmp_path):
    bad = tmp_path / "as_of.yaml"
    bad.write_text(CASES_FILE.read_text("utf-8").replace("docs_include:", "docs_inclde:", 1), "utf-8")
    with pytest.raises(GoldenFormatError, match=r"as_of.yaml: case '.+': unknown key: cases\.\d+\.expect\.docs_inclde"):
        load(bad, DatedFile)


@pytest.fixture(scope="module")
def stores(ingested_data, tmp_path_factory) -> dict[str, Path]:
    corpus = tmp_path_factory.mktemp("repealed") / "corpus"
    shutil.copytree(CORPUS, corpus)
    shutil.copy(REPEAL_NOTICE, corpus / REPEAL_NOTICE.name)
    data = tmp_path_factory.mktemp("repealed-data")
    link_model(data)
    register_steps()
    run_ingest(corpus, data)
    return {"seeds": ingested_data, "repealed": data}


def _items(result: dict) -> list[dict]:
    for key in ("obligations", "deadlines", "results", "rules"):
        if key in result:
            return result[key]
    raise AssertionError(f"no items in {sorted(result)}")


@pytest.mark.parametrize("case", load_cases(), ids=lambda c: c.name)
def test_as_of_case(case: DatedCase, stores):
    args = [*case.run, "--as-of", case.as_of, "--data", str(stores[case.corpus]), "--json"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert result["as_of"] == case.as_of
    items = _items(result)
    docs = {i["doc_id"] for i in items}
    e = case.expect
    if e.first_doc is not None:
        assert items and items[0]["doc_id"] == e.first_doc, [i["doc_id"] for i in items]
    assert set(e.docs_include) <= docs, f"{case.name}: missing {set(e.docs_include) - docs}"
    assert not set(e.docs_exclude) & docs, f"{case.name}: unexpected {set(e.docs_exclude) & docs}"
    for doc_id, status in e.status.items():
        seen = {i["doc_status"] for i in items if i["doc_id"] == doc_id}
        assert seen == {status}, f"{case.name}: {doc_id} has {seen}, want {status}"
    for doc_id, flag in e.in_force.items():
        assert {i["in_force"] for i in items if i["doc_id"] == doc_id} == {flag}
    left = {d["doc_id"]: d for d in result.get("left_out", [])}
    for doc_id, status in e.left_out.items():
        assert doc_id in left and left[doc_id]["doc_status"] == status, f"{case.name}: left_out {left}"
        assert left[doc_id]["reason"] and left[doc_id]["items"] > 0
    if e.answer_starts is not None:
        assert result["answer"].startswith(e.answer_starts), result["answer"][:60]
    for item in items:
        assert {"doc_status", "in_force", "valid_from", "valid_to"} <= set(item), item.get("clause_id")
