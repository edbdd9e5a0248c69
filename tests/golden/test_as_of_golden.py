"""Golden cases of tests/golden/dated/as_of.yaml: answers as of a date, through the CLI, on real ingests.

Each case is parsed into a typed :class:`AsOfCase`; an unknown or misspelled
key fails the run with the case named (a typo must never make a case pass).
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field, fields
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from api.cli import main
from api.commands_corpus import register_steps
from ingest.pipeline import run_ingest
from tests.conftest import CORPUS, link_model

HERE = Path(__file__).resolve().parent
CASES_FILE = HERE / "dated" / "as_of.yaml"
"""Not beside the profile cases: tests/golden/conftest.py collects every YAML file there as profiles."""
REPEAL_NOTICE = HERE / "dated" / "repeal_notice.txt"
"""A made-up 管理办法 in the usual shape (第X条, 自…起施行, 原《…》同时废止), not a real document."""


@dataclass(frozen=True)
class Expect:
    first_doc: str | None = None
    docs_include: list[str] = field(default_factory=list)
    docs_exclude: list[str] = field(default_factory=list)
    status: dict[str, str] = field(default_factory=dict)
    in_force: dict[str, bool] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)
    answer_starts: str | None = None


@dataclass(frozen=True)
class AsOfCase:
    name: str
    source: dict[str, str]
    corpus: str
    run: list[str]
    as_of: str
    expect: Expect


def _typed(cls: type, raw: dict, where: str):
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"{CASES_FILE.name}: {where}: unknown key(s) {unknown}; known: {sorted(known)}")
    return cls(**raw)


def load_cases() -> list[AsOfCase]:
    raw = yaml.safe_load(CASES_FILE.read_text("utf-8"))
    out = []
    for item in raw["cases"]:
        where = f"case {item.get('name', '?')!r}"
        expect = _typed(Expect, item.get("expect") or {}, where + " expect")
        case = _typed(AsOfCase, {**item, "expect": expect}, where)
        if case.corpus not in ("seeds", "repealed"):
            raise ValueError(f"{CASES_FILE.name}: {where}: corpus must be seeds or repealed, not {case.corpus!r}")
        out.append(case)
    return out


def test_an_unknown_key_is_an_error():
    with pytest.raises(ValueError, match="unknown key.*docs_inclde"):
        _typed(Expect, {"docs_inclde": ["000"]}, "case 'x' expect")


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
def test_as_of_case(case: AsOfCase, stores):
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
