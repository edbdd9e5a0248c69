"""Extractors on inline clauses written for these tests (not copied from the corpus),
so the patterns are checked as general mechanisms, not as lookups of known items."""

from __future__ import annotations

from ingest.aliases import load_aliases
from ingest.document import Clause, Document
from ingest.extract import extract_document


def _doc(items: list[tuple[tuple[str, ...], str]], scope: list[str], doc_id: str = "900", kind: str = "管理办法") -> Document:
    text, clauses = "", []
    for i, (path, body) in enumerate(items):
        start = len(text)
        text += body + "\n"
        clauses.append(Clause(f"{doc_id}:{i}", doc_id, path, body, start, start + len(body), "item"))
    return Document(doc_id=doc_id, title="测试办法", file="t.txt", text=text, kind=kind, scope=scope, clauses=clauses)


def _facts(doc: Document, kind: str):
    facts = [f for f in extract_document(doc, load_aliases()) if f.kind == kind]
    for f in facts:
        assert doc.text[f.start : f.end] == f.text, f
    return facts


def test_heading_names_the_bearer_of_every_item() -> None:
    doc = _doc(
        [
            (("三、职责分工", "（二）依托高校主要职责", "1"), "1.每年向市教委报送中心年度工作报告。"),
            (("三、职责分工", "（二）依托高校主要职责", "2"), "2.为中心提供场地和人员保障。"),
            (("三、职责分工", "（三）北京实验室主要职责", "1"), "1.组织开展年度自评估，报依托高校审核后报市教委备案。"),
        ],
        ["北京实验室"],
    )
    obs = _facts(doc, "obligation")
    by_clause = {f.clause_id: f.attrs for f in obs}
    assert by_clause["900:0"]["actor"] == "依托高校" and by_clause["900:0"]["recipient"] == "市教委"
    assert by_clause["900:0"]["modality"] == "must" and by_clause["900:0"]["deadline"] == "R/P1Y"
    assert by_clause["900:1"]["actor"] == "依托高校"
    assert by_clause["900:2"]["actor"] == "北京实验室" and by_clause["900:2"]["recipient"] == "市教委"


def test_sentence_actors_split_one_sentence() -> None:
    doc = _doc(
        [(("四、经费",), "各北京实验室可以调整年度预算，市属高校调整事项报市财政局备案，央属高校调整事项报市教委审核。")],
        ["北京实验室"],
    )
    actors = [(f.attrs["actor"], f.attrs["modality"], f.attrs["recipient"]) for f in _facts(doc, "obligation")]
    assert ("北京实验室", "may", "") in actors
    assert ("市属高校", "must", "市财政局") in actors
    assert ("央属高校", "must", "市教委") in actors


def test_set_up_body_and_inline_duty_markers() -> None:
    doc = _doc(
        [
            (("五、组织",), "市科委负责成立专家咨询委员会，其主要负责对中心建设方案进行论证。"),
            (("六、分工",), "一是市教委职责，负责制定年度计划。二是依托单位职责，全面负责中心的日常运行。"),
        ],
        ["北京市技术创新中心"],
    )
    got = {(f.attrs["actor"], f.text) for f in _facts(doc, "obligation")}
    assert ("专家咨询委员会", "其主要负责对中心建设方案进行论证") in got
    # an inline "X职责，" marker is part of the cited duty
    assert ("市教委", "一是市教委职责，负责制定年度计划") in got
    assert ("依托单位", "二是依托单位职责，全面负责中心的日常运行") in got


def test_must_not_and_condition() -> None:
    doc = _doc([(("七、管理",), "对于发生重大调整的，依托单位应书面报市科委批准。依托单位不得擅自变更研究方向。")], ["北京市技术创新中心"])
    obs = _facts(doc, "obligation")
    assert any(f.attrs["modality"] == "must-not" and f.attrs["actor"] == "依托单位" for f in obs)
    cond = next(f for f in obs if f.attrs["recipient"] == "市科委")
    assert "重大调整" in cond.attrs["condition"]


def test_sanctions_trigger_and_effect() -> None:
    doc = _doc(
        [
            (("八、考核",), "对于考核不合格的，将适度减少下一年度经费，甚至停止支持。"),
            (("八、考核",), "明确取消资格情形，包括连续三年未报送年度报告、弄虚作假等五类情况。"),
        ],
        ["北京实验室"],
    )
    sanctions = _facts(doc, "sanction")
    first = next(s for s in sanctions if s.clause_id == "900:0")
    assert first.attrs["trigger"] == "考核不合格"
    assert set(first.attrs["effects"]) == {"reduce_funding", "stop_funding"}
    second = next(s for s in sanctions if s.clause_id == "900:1")
    assert "连续三年未报送年度报告" in second.attrs["triggers"]


def test_funding_ranges_and_shares() -> None:
    doc = _doc([(("九、经费",), "市财政设立专项资金，每年每个实验室给予300万至800万元，其中原则上60%用于人员费用。")], ["北京实验室"])
    funding = _facts(doc, "funding")
    amount = next(f for f in funding if f.attrs["rule"] == "amount")
    assert (amount.attrs["amount_min"], amount.attrs["amount_max"]) == (3_000_000, 8_000_000)
    assert amount.attrs["unit"] == "per platform per year" or "per year" in amount.attrs["unit"]
    share = next(f for f in funding if f.attrs["rule"] == "share")
    assert share.attrs["share"] == 0.6 and share.attrs["purpose"] == "人员费用"
    assert any(f.attrs["rule"] == "source" for f in funding)


def test_conditions_under_a_criteria_heading_and_age_limits() -> None:
    doc = _doc(
        [
            (("二、申报", "（一）申报条件", "1"), "1.依托单位在本领域具有较好基础。"),
            (("二、申报",), "重点支持40岁以下青年科研人员。"),
        ],
        ["北京实验室"],
    )
    conds = _facts(doc, "condition")
    assert any(c.attrs["condition_type"] == "申报条件" and c.text.startswith("依托单位") for c in conds)
    assert any(c.attrs.get("max_age") == 40 for c in conds)


def test_deadline_subject_and_publication() -> None:
    doc = _doc([(("十、附则",), "本办法自印发之日起施行。")], ["北京实验室"])
    (d,) = _facts(doc, "deadline")
    assert d.attrs["normalized"] == "on publication" and d.attrs["subject"].endswith("施行")


def test_once_per_cycle_takes_the_documents_cycle() -> None:
    doc = _doc(
        [
            (("四、经费",), "三年为一个建设周期。"),
            (("五、职责", "（一）北京实验室主要职责", "1"), "1.在一个建设周期内至少组织一次国际评估。"),
        ],
        ["北京实验室"],
    )
    values = {f.attrs["normalized"] for f in _facts(doc, "deadline")}
    assert {"P3Y", "R/P3Y"} <= values


def test_lead_in_paragraph_binds_the_listed_items() -> None:
    text_items = [
        (("第三章 管理",), "第十条 依托单位应当履行下列职责："),
        (("第三章 管理",), "（一）为实验室提供办公场所；"),
        (("第三章 管理",), "（二）每年12月31日前向市教委报送年度报告。"),
    ]
    doc = _doc(text_items, ["北京实验室"])
    # the parser marks the listed entries as items; the lead-in is a paragraph
    doc.clauses[0] = Clause(
        doc.clauses[0].clause_id, "900", doc.clauses[0].path, doc.clauses[0].text, doc.clauses[0].start, doc.clauses[0].end, "paragraph"
    )
    obs = _facts(doc, "obligation")
    assert {f.clause_id for f in obs} == {"900:1", "900:2"}
    assert all(f.attrs["actor"] == "依托单位" for f in obs)
    report = next(f for f in obs if f.clause_id == "900:2")
    assert report.attrs["recipient"] == "市教委" and report.attrs["deadline"] == "R/P1Y"


def test_article_style_heading_names_the_bearer() -> None:
    doc = _doc([(("第二章 职责", "第六条 项目专员的职责"), "定期走访中心并提出改进建议。")], ["北京市技术创新中心"])
    (ob,) = _facts(doc, "obligation")
    assert ob.attrs["actor"] == "项目专员"
