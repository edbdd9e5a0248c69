"""Terms of force and document relations read from the text (ingest/validity.py).

The texts below are made up in the shapes real 公文 use; the seed table at
the end is what the corpus documents state (or, for years, what their
manifest infers).
"""

from __future__ import annotations

import pytest

from ingest.document import Document
from ingest.loaders import load_corpus
from ingest.validity import read_validity, relations, resolve_corpus, standing
from tests.conftest import CORPUS


def doc(text: str, **meta) -> Document:
    return Document(doc_id=meta.pop("doc_id", "t"), title=meta.pop("title", "某某管理办法"), file="t.txt", text=text, **meta)


def test_effective_date_and_repeal_with_its_sentence():
    text = "第九条 本办法自2024年3月1日起施行。\n第十条 原《某市重点实验室管理暂行办法》（京科发〔2019〕3号）同时废止。\n"
    v = read_validity(doc(text, effective="2024-03-01", spans={"effective": [7, 21]}))
    assert (v.valid_from, v.from_how) == ("2024-03-01", "effective")
    [rel] = v.relations
    assert (rel.relation, rel.title, rel.doc_no) == ("REPEALS", "某市重点实验室管理暂行办法", "京科发〔2019〕3号")
    assert "同时废止" in text[rel.start : rel.end] and "《" in text[rel.start : rel.end]


@pytest.mark.parametrize(
    "text, relation",
    [
        ("根据《某某条例》，制定本办法。", "BASED_ON"),
        ("为深入贯彻《某某纲要》，制定本方案。", "BASED_ON"),
        ("本办法代替《某某办法（试行）》。", "SUPERSEDES"),
        ("《某某办法》与本办法不一致的，以本办法为准。", "SUPERSEDES"),
        ("现对《某某办法》作如下修改：", "AMENDS"),
        ("《某某通知》不再执行。", "REPEALS"),
        ("参照《某某指南》开展工作。", "CITES"),
    ],
)
def test_relation_cues(text, relation):
    [rel] = relations(text)
    assert rel.relation == relation


def test_a_list_shares_its_basis_and_a_short_name_is_not_a_citation():
    rels = relations(
        "根据《甲法》和《乙条例》，制定《某某工作指引》（以下简称《指引》）。《指引》自发布之日起施行。", own_title="某某工作指引"
    )
    assert [(r.relation, r.title) for r in rels] == [("BASED_ON", "甲法"), ("BASED_ON", "乙条例")]


def test_terms_of_force():
    assert read_validity(doc("本办法有效期5年。", issued="2020-07-01")).valid_to == "2025-06-30"
    assert read_validity(doc("本办法有效期至2027年12月31日。", year=2022)).valid_to == "2027-12-31"
    plan = read_validity(doc("某某行动计划\n（2021—2023年）\n正文。", title="某某行动计划（2021—2023年）"))
    assert (plan.valid_from, plan.valid_to, plan.to_how) == ("2021-01-01", "2023-12-31", "plan period")


def test_standing_on_a_date():
    v = {"valid_from": "2021-01-01", "valid_to": "2023-12-31", "from_how": "plan period", "to_how": "plan period"}
    assert standing(v, "2020-06-01")["doc_status"] == "not_yet_in_force"
    assert standing(v, "2022-06-01")["in_force"] is True
    assert standing(v, "2024-01-01")["doc_status"] == "expired"
    assert standing({**v, "draft": True}, "2022-06-01")["doc_status"] == "draft"
    ended = [{"doc_id": "n", "title": "新办法", "relation": "REPEALS", "from": "2022-03-01"}]
    assert standing(v, "2022-02-28", ended)["in_force"] is True
    gone = standing(v, "2022-03-01", ended)
    assert gone["doc_status"] == "repealed" and "新办法" in gone["reason"]


def test_repeals_resolve_across_the_corpus():
    old = doc("第一条 某某事项。", doc_id="old", title="某市重点实验室管理暂行办法", year=2019)
    new = doc("第十条 本办法自2024年3月1日起施行，原《某市重点实验室管理暂行办法》同时废止。", doc_id="new", effective="2024-03-01")
    resolve_corpus([old, new])
    assert new.validity["relations"][0]["doc_id"] == "old"
    assert old.validity["ended_by"][0]["doc_id"] == "new"
    assert standing(old.validity, "2025-01-01", old.validity["ended_by"])["doc_status"] == "repealed"


def test_seed_validity_table():
    docs = load_corpus(CORPUS)
    resolve_corpus(docs)
    table = {d.doc_id: (d.validity["valid_from"], d.validity["from_how"], d.validity["valid_to"], d.validity["draft"]) for d in docs}
    assert table == {
        "000": ("2015-01-01", "year", None, False),
        "001": ("2022-01-01", "plan period", "2024-12-31", False),
        "002": ("2016-01-01", "year", None, False),
        "003": (None, None, None, True),
        "004": ("2023-01-01", "year", None, False),
    }
