"""Extraction on documents the alias table knows nothing about.

The sentences are made up in the shapes issue 10 names (an article prefix,
bearers outside the alias table, a coordinated subject, a notice's request,
a new platform type introduced by a title); the document in data/new_lab is
written for these tests.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from graph.build import build_graph
from ingest import lexicon as L
from ingest.aliases import Entity, load_aliases
from ingest.bearers import BearerScope, coordinated, head_of, resolve_bearer, split_phrase, subject_phrase
from ingest.document import Document
from ingest.extract import allotted_shares, extract_document, extract_with_entities, units
from ingest.loaders import load_corpus
from ingest.matchform import match_form
from ingest.normalize import normalize_phrase
from ingest.parse import parse_document
from ingest.scope import addressees_of, document_kind, title_subjects

NEW_LAB = Path(__file__).parent / "data" / "new_lab"


def _doc(text: str, title: str = "某某管理办法", issuers: tuple[str, ...] = ()) -> Document:
    """A document: its title line, an opening article, then ``text``."""
    if not text.startswith(title):
        text = f"{title}\n第一条 为规范管理，制定本办法。\n{text}"
    doc = Document(
        doc_id="x",
        title=title,
        file="x.txt",
        text=text,
        issuers=list(issuers),
        kind="",
        year=None,
        status="final",
        scope=[],
        inferred=[],
        url="",
    )
    doc.clauses = parse_document("x", text)
    return doc


def _obligations(text: str, **kw: object) -> list[tuple[str, str]]:
    """The duties the bearer strategies propose (ingest/fact_judge.py's judgement of
    them is tested in tests/ingest/test_fact_judge.py)."""
    facts = extract_with_entities(_doc(text, **kw), load_aliases(), judged=False)[0]  # type: ignore[arg-type]
    return [(f.attrs["actor"], f.attrs["modality"]) for f in facts if f.kind == "obligation"]


def test_article_prefix_does_not_stop_extraction() -> None:
    assert ("市科委", "must") in _obligations("第三条 市科委负责本计划的总体规划。\n")
    assert ("市科委", "must") in _obligations("第三条市科委负责本计划的总体规划。\n")


@pytest.mark.parametrize(
    "sentence, bearer",
    [
        ("承担单位应当按季度报送经费使用情况。", "承担单位"),
        ("有关省级教育行政部门应督促中心于每年11月30日前报送年度报告。", "省级教育行政部门"),
        ("项目负责人不得擅自变更研究内容。", "项目负责人"),
    ],
)
def test_bearers_outside_the_alias_table(sentence: str, bearer: str) -> None:
    assert bearer in [a for a, _m in _obligations(sentence)]


def test_half_width_punctuation_reads_like_full_width() -> None:
    text = "各县市区科技(和经信)局、高新区科创局负责组织辖区内单位的资料报送工作。\n"
    assert match_form(text) != text and len(match_form(text)) == len(text)
    actors = [a for a, _m in _obligations(text)]
    assert "县市区科技（和经信）局" in actors and "高新区科创局" in actors


def test_notice_requests_bind_the_addressees() -> None:
    text = "关于开展某项工作的通知\n各有关高校:\n现将有关事项通知如下。\n一、报送要求\n请于2024年6月30日前将材料报送我厅。\n"
    doc = _doc(text, title="关于开展某项工作的通知")
    assert addressees_of(doc) == ["高校"]
    assert any(a == "高校" and m == "must" for a, m in _obligations(text, title="关于开展某项工作的通知"))


def test_a_salutation_without_a_determiner_names_the_addressees() -> None:
    """A salutation line need not open with 各/有关: a short line of names ending in a colon,
    before the body; a heading or a sentence that ends in a colon is none."""
    text = "关于印发某办法的通知\n\n院机关有关部门、某某学院:\n现将某办法印发给你们，请贯彻执行。\n"
    doc = _doc(text, title="关于印发某办法的通知")
    assert addressees_of(doc) == ["院机关有关部门", "某某学院"]
    assert ("院机关部门", "must") in _obligations(text, title="关于印发某办法的通知")
    sentence = "某空间备案条件\n申请备案的众创空间,应同时具备下列条件:\n1.运营时间满18个月。\n"
    assert addressees_of(_doc(sentence, title="某空间备案条件")) == []
    heading = "关于申报的通知\n一、申报对象:\n本市高校。\n"
    assert addressees_of(_doc(heading, title="关于申报的通知")) == []


def test_a_subject_that_opens_with_its_own_act() -> None:
    """单位或个人推荐…候选项目，应当…: the subject ends where its verb starts, and the
    names after the verb are its objects; the act's setting does not stop the subject
    (业务处室收到…后，应…; 社会力量在…中不得…)."""
    got = _obligations("第十四条 单位或个人推荐市科技奖候选人或候选项目,应当根据专家的鉴定结论确定。\n")
    assert ("单位", "must") in got and ("个人", "must") in got
    assert ("业务处室", "must") in _obligations("三、业务处室收到单位书面申请后,应对失信情况进行核查。\n")
    assert ("社会力量", "must-not") in _obligations("第六条 社会力量在科学技术奖励活动中不得收取任何费用。\n")


def test_or_other_opens_a_second_bearer_with_its_own_qualifier() -> None:
    """A或其他…的B: two bearers, not one B qualified by A."""
    got = _obligations("第二十条 县(区)科技行政管理部门或其他具有推荐资格的主管部门应及时向市科技局提出建议。\n")
    assert ("县（区）科技行政管理部门", "must") in got and ("主管部门", "must") in got


def test_a_request_to_the_localities_binds_the_addressees() -> None:
    """请各地…: the localities the notice is addressed to; 各地市科技局 is a name of its own."""
    title = "关于某工作的通知"
    text = (
        f"{title}\n各县（市、区）科技管理部门、各开发区科技管理部门:\n现将有关事项通知如下。\n请各地按照有关规定,加强日常监督管理工作。\n"
    )
    got = _obligations(text, title=title)
    assert ("县（市、区）科技管理部门", "must") in got and ("开发区科技管理部门", "must") in got
    assert ("地", "must") not in got


def test_a_grant_names_a_target_outside_the_alias_table() -> None:
    """鼓励/支持 opening a segment binds the bearer its object opens with, known or not;
    a directive that is no grant (推动相关部门…: the act of whoever pushes) binds no unknown target."""
    assert ("多元化主体", "may") in _obligations("一、鼓励和支持多元化主体投资建设各类孵化器。\n")
    assert ("园区", "may") in _obligations("第五条 支持符合条件的园区申请建设示范区。\n")
    assert not any(a == "部门" for a, _m in _obligations("第七条 加强信息报送，推动相关部门及时掌握情况。\n"))


def test_an_objection_to_listed_platforms_is_the_objectors_duty() -> None:
    """若对公示的中心、实验室有异议，请…: the condition's 对 names what is objected to, not who
    objects; the objector bears the request."""
    got = _obligations("公示期间,若对公示的中心、实验室有异议,请于公示期内向市科技局书面提出。\n", title="某某名单公示")
    assert got == [("异议人", "must")]


def test_each_localitys_office_is_the_office_not_the_locality() -> None:
    """请各地教育行政部门落实…: 各地 qualifies the office (教育 opens its name, whatever
    jieba tags it, and 落实, tagged an adjective, is the act); 请各地… alone is the locality."""
    assert _obligations("请各地教育行政部门落实经费投入承诺,加强目标管理。\n") == [("教育行政部门", "must")]


def test_a_responsibility_system_is_no_duty() -> None:
    """实验室实行主任负责制: 负责 inside 负责制 names a system, not a duty (主任负责… still is one)."""
    assert _obligations("第九条 实验室实行主任负责制。\n") == []
    assert _obligations("第十条 实验室主任负责实验室的日常管理。\n") == [("实验室主任", "must")]


def test_a_bare_head_means_a_known_body_only_where_the_text_names_it() -> None:
    """理事会 is an alias of the seeds' 建设管理委员会; a document that never names that body
    means a council of its own by it."""
    assert _obligations("第五条 理事会负责审议中心发展规划。\n") == [("理事会", "must")]


def test_a_name_may_join_an_activity_noun_and_a_noun() -> None:
    """研究与开发计划项目承担单位: 与 joins two nouns inside one name (研究 is tagged vn)."""
    got = _obligations("第九条 省重点研究与开发计划项目承担单位应在任务书到期后6个月内申请验收。\n")
    assert [a for a, _m in got] == ["省重点研究与开发计划项目承担单位"]


def test_unit_starts_after_its_marker() -> None:
    doc = _doc("第四条　承担单位应当报送。二、加强管理 （一）各单位要落实。\n", title="某办法")
    texts = [u.text for c in doc.clauses for u in units(c)]
    assert "承担单位应当报送。" in texts and "各单位要落实。" in texts
    for c in doc.clauses:
        for u in units(c):
            assert doc.text[u.start : u.end] == u.text


def test_head_nouns_type_new_bearers() -> None:
    assert head_of("省级教育行政部门") == ("行政部门", "Organization")
    assert head_of("承担单位") == ("承担单位", "Role")
    assert head_of("省科技厅") == ("厅", "Organization")
    assert head_of("产业链布局") is None  # 局 after no organization domain
    assert split_phrase("考核结果为不合格的平台") == ("平台", "考核结果为不合格")
    assert coordinated("科技（和经信）局、高新区科创局") == ["科技（和经信）局", "高新区科创局"]


def test_subjects_are_noun_phrases() -> None:
    table = load_aliases()
    assert subject_phrase("承担单位应当报送", table).phrase == "承担单位"  # type: ignore[union-attr]
    assert subject_phrase("接受市教委组织的中期评估", table) is None  # a verb, not a subject
    assert subject_phrase("经依托高校审核后报送", table) is None


def test_coreference_to_the_document_platform_type() -> None:
    table = load_aliases()
    own = table.lookup("高精尖创新中心")
    scope = BearerScope(own_platform=own)
    assert resolve_bearer("中心", table, scope) == own
    new = resolve_bearer("承担单位", table, scope, {"doc_id": "x"})
    assert new is not None and new.kind == "Role" and new.attrs["source"] == {"doc_id": "x"}


def test_title_and_kind_of_a_new_document() -> None:
    assert title_subjects("某省重点实验室建设与运行管理办法") == ["某省重点实验室"]
    assert title_subjects("关于开展2024年度工程技术研究中心认定工作的通知") == ["工程技术研究中心"]
    assert title_subjects("某省科学技术厅关于做好2012年度全省省级重点实验室、工程技术研究中心工作总结的通知") == [
        "省级重点实验室",
        "工程技术研究中心",
    ]
    assert document_kind("某省重点实验室建设与运行管理办法") == "管理办法"


@pytest.mark.parametrize(
    "phrase, value",
    [
        ("按季度", "R/P3M"),
        ("为期半年", "P6M"),
        ("5个工作日内", "P5D"),
        ("2020年9月27日之前", "2020-09-27"),
        ("2021年8月20日至8月26日", "2021-08-20/2021-08-26"),
    ],
)
def test_new_time_phrases(phrase: str, value: str) -> None:
    assert normalize_phrase(phrase).normalized == value  # type: ignore[union-attr]


def test_year_end_and_yearly_amounts() -> None:
    yearly = normalize_phrase("每年11月30日前")
    assert yearly is not None and (yearly.normalized, yearly.before) == ("R/P1Y", "--11-30")
    end = normalize_phrase("每年年底前")
    assert end is not None and (end.normalized, end.before) == ("R/P1Y", "--12-31")
    facts = extract_document(_doc("市财政设立专项资金，五年为一个建设周期，每年每个中心给予5000万至1亿元。\n"), load_aliases())
    amount = next(f for f in facts if f.kind == "funding" and f.attrs.get("amount_max"))
    assert amount.attrs["unit"] == "per center per year"


def test_a_new_platform_type_gets_its_duties() -> None:
    docs = load_corpus(NEW_LAB)
    graph, table, facts = build_graph(docs, load_aliases())
    lab = table.lookup("某省重点实验室")
    assert lab is not None and lab.kind == "PlatformType"
    assert docs[0].scope[0] == "某省重点实验室" and "scope" in docs[0].inferred
    assert table.lookup("省重点实验室") == lab  # the 以下简称 short name
    duties = [f for f in facts if f.kind == "obligation" and lab.id in f.attrs["applies_to"]]
    assert {"依托单位", "承担单位", "实验室主任"} <= {f.attrs["actor"] for f in duties}
    for f in facts:  # provenance round-trips
        assert docs[0].text[f.start : f.end] == f.text
    node = graph.nodes["Role:承担单位"]
    src = node["source"]
    assert docs[0].text[src["start"] : src["end"]].endswith("承担单位")


def test_vocabulary_lives_in_the_lexicon() -> None:
    assert "应当" in L.words("extraction.modality.must")
    assert L.cue("extraction.modality.must_short").search("相应地") is None
    assert L.compile_re(r"^(?:{extraction.modality.must_not})").match("不得")


def test_requests_name_their_bearers() -> None:
    text = "关于做好某项工作的通知\n各有关单位:\n现将有关事项通知如下。\n一、工作要求\n请各国家野外站主管部门和依托单位切实落实配套经费。\n"
    actors = {a for a, m in _obligations(text, title="关于做好某项工作的通知") if m == "must"}
    assert {"国家野外站主管部门", "依托单位"} <= actors


def test_a_short_name_stands_for_its_bearer_in_its_document() -> None:
    text = "各县区科技主管部门（以下简称“主管部门”）负责本地区平台的日常管理。\n主管部门应当每年报送年度报告。\n"
    actors = [a for a, _m in _obligations(text)]
    assert actors.count("县区科技主管部门") == 2


def test_a_duty_list_opened_mid_sentence() -> None:
    text = "学校科研处是科研平台的归口管理部门，主要职责：指导、监督科研平台的建设与运行；负责科研平台的认定工作。\n"
    assert [a for a, _m in _obligations(text)].count("学校科研处") == 2


def test_run_on_text_keeps_its_structure() -> None:
    text = "各区科技局： 一、认定范围 符合条件的工程中心建设单位可向所在区科技局提出认定申请。 二、工作要求 请于2021年9月1日前报送材料。\n"
    obs = _obligations(text, title="关于开展认定工作的通知")
    assert ("工程中心建设单位", "may") in obs and ("区科技局", "must") in obs


def test_money_shares_and_funders() -> None:
    facts = extract_document(_doc("区财政按投资额的45%给予补助，最高给予1:1配套支持。\n"), load_aliases())
    shares = sorted(f.attrs["share"] for f in facts if f.kind == "funding" and f.attrs.get("share"))
    assert shares == [0.45, 1.0]


def test_signature_dates_are_not_deadlines() -> None:
    facts = extract_document(_doc("请于2021年9月1日前报送材料。\n某市科学技术局\n2021年8月6日\n"), load_aliases())
    assert [f.attrs["normalized"] for f in facts if f.kind == "deadline"] == ["2021-09-01"]


def test_year_labels_and_build_periods() -> None:
    assert normalize_phrase("2020年度").normalized == "2020"  # type: ignore[union-attr]
    assert normalize_phrase("2019年和2020年").normalized == "2019/2020"  # type: ignore[union-attr]
    assert normalize_phrase("筹建期一般不超过三年").normalized == "P3Y"  # type: ignore[union-attr]


def test_reports_of_past_acts_are_not_duties() -> None:
    assert _obligations("市科技局组织专家对本市平台进行了考核评价。\n") == []


@pytest.mark.parametrize(
    "phrase, value",
    [
        ("2014年3月10日至14日", "2014-03-10/2014-03-14"),
        ("从发文之日起", "on publication"),
        ("近3年", "P3Y"),
        ("2014年至2016年", "2014/2016"),
        ("6月20日前", "--06-20"),
    ],
)
def test_more_time_phrases(phrase: str, value: str) -> None:
    assert normalize_phrase(phrase).normalized == value  # type: ignore[union-attr]


def test_a_due_day_takes_its_documents_year() -> None:
    doc = _doc("请于6月20日前报送材料。\n")
    doc.year = 2021
    assert [f.attrs["normalized"] for f in extract_document(doc, load_aliases()) if f.kind == "deadline"] == ["2021-06-20"]


@pytest.mark.parametrize(
    "sentence, effect",
    [
        ("对评价得分60分以下的企业技术中心给予警告，并予以3个月时间整改。", "accountability"),
        ("对已无法正常运行的12家中心予以撤销资格。", "revoke"),
        ("注销“某某工程技术研究中心”等68家未参加考评单位“市工程技术研究中心”称号。", "revoke"),
    ],
)
def test_sanctions_in_results_notices(sentence: str, effect: str) -> None:
    facts = extract_document(_doc(sentence + "\n"), load_aliases())
    assert any(f.kind == "sanction" and effect in f.attrs["effects"] for f in facts)


def test_hopes_and_second_person_requests() -> None:
    text = "关于做好统计工作的通知\n各市科技局：\n现将有关事项通知如下。\n一、工作要求\n希望各市科技局认真做好统计工作。请你单位于2月25日前寄送材料。\n"
    obs = _obligations(text, title="关于做好统计工作的通知")
    assert ("市科技局", "should") in obs and ("市科技局", "must") in obs


def test_references_in_brackets_are_not_names() -> None:
    text = (
        "关于开展年度总结的通知\n各有关单位：\n现将有关事项通知如下。\n一、工作要求\n请2019年以前认定的各工程中心（附件4）登录网站填报。\n"
    )
    assert "工程中心" in [a for a, _m in _obligations(text, title="关于开展年度总结的通知")]


@pytest.mark.parametrize(
    "item, low, high",
    [
        ("每家最高资助五十万元。", 500_000, 500_000),  # Chinese numerals
        ("给予不超过1,000万元的经费支持。", 10_000_000, 10_000_000),  # grouped digits in a web copy
        ("给予承办机构5O万元一次性奖励。", 500_000, 500_000),  # a letter O typed for a zero
        ("资助额度为500 万元/项。", 5_000_000, 5_000_000),  # a space before the unit
        ("奖励金额为人民币20000元。", 20_000, 20_000),  # plain 元
        ("给予20万-50万元奖励。", 200_000, 500_000),
    ],
)
def test_amounts_in_the_forms_documents_write_them(item: str, low: int, high: int) -> None:
    facts = extract_document(_doc(f"三、支持标准\n1.{item}\n"), load_aliases())
    amounts = [(f.attrs["amount_min"], f.attrs["amount_max"]) for f in facts if f.kind == "funding" and f.attrs.get("rule") == "amount"]
    assert amounts == [(low, high)]


def test_small_fees_are_no_funding() -> None:
    facts = extract_document(_doc("三、收费\n1.每份材料收取工本费50元。\n"), load_aliases())
    assert not [f for f in facts if f.kind == "funding"]


def test_an_allotment_list_gives_each_taker_its_share() -> None:
    text = "学校所占股权形成的盈利，按照学校40%，学院30%，资产经营公司30%的比例分配。"
    assert [(text[a:b], share) for a, b, share in allotted_shares(text)] == [
        ("按照学校40%", 0.4),
        ("学院30%", 0.3),
        ("资产经营公司30%", 0.3),
    ]
    assert allotted_shares("项目经费中，设备费占40%，材料费占20%。") == []  # not the whole: no allotment


def test_a_share_said_in_words_is_a_share() -> None:
    facts = extract_document(_doc("三、奖励\n1.给予第一牵头单位全额奖励、第二单位减半奖励。\n"), load_aliases())
    assert [(f.text, f.attrs["share"]) for f in facts if f.kind == "funding" and f.attrs.get("share")] == [
        ("全额奖励", 1.0),
        ("减半奖励", 0.5),
    ]


@pytest.mark.parametrize(
    "item, amount, per",
    [
        ("新建孵化器，按30元/平方米的标准给予一次性补助。", 30, "平方米"),
        ("按实际面积给予每平方米补贴20元的租金补助。", 20, "平方米"),
        ("对引进人才按每人5000元的标准给予生活补贴。", 5000, "人"),
        # the support named anywhere in the sentence (补贴标准为…), the square metre as a web copy stores it
        ("给予园区（孵化器）管理运营机构房租补贴，补贴标准为18元/m/月。", 18, "m"),
    ],
)
def test_a_rate_given_as_support_is_funding_however_small(item: str, amount: int, per: str) -> None:
    """A plain 元 sum per square metre or per person is the support standard itself, not a fee."""
    facts = extract_document(_doc(f"三、支持标准\n1.{item}\n"), load_aliases())
    rates = [(f.attrs["amount_min"], f.attrs["unit"]) for f in facts if f.kind == "funding"]
    assert rates == [(amount, f"per {per}")]


@pytest.mark.parametrize(
    "item",
    [
        "建设经费由依托单位自筹解决。",
        "项目经费实行包干制。",
        "所需经费从市科技计划专项经费中列支。",
        "对认定的中心给予一次性奖励。",
        "依托单位按1:1的比例提供配套经费。",
    ],
)
def test_short_last_item_states_a_funding_source(item: str) -> None:
    """A short item is a label only when a body follows it; alone, it is the rule."""
    facts = extract_document(_doc(f"三、支持方式\n1.{item}\n"), load_aliases())
    assert [f for f in facts if f.kind == "funding"], item


def test_a_short_name_defined_for_a_role_binds_its_list() -> None:
    text = (
        "第六条 国务院有关部门、地方科技管理部门是示范站的行政主管部门（以下简称主管部门），主要职责是：\n"
        "（一）贯彻示范站发展政策；\n（二）聘任示范站站长。\n"
        "第七条 主管部门应当每年报送示范站运行情况。\n"
    )
    assert _obligations(text) == [("行政主管部门", "must")] * 3  # not 国务院有关部门, and 主管部门 in 第七条 is the same bearer


def test_the_authority_announcing_what_it_will_do_is_no_duty() -> None:
    assert _obligations("四、工作安排\n市科技局将对部分中心认定情况进行抽查。\n") == []


@pytest.mark.parametrize(
    "sentence, effect",
    [
        ("逾期未报送的，视为自动放弃。", "视为自动放弃"),
        ("凡未通过年度考核的，暂停拨付下一年度经费。", "暂停拨付下一年度经费"),
        ("两次评估不合格的撤消组建。", "撤消组建"),
        ("达不到标准的中心，将给予降级、警告或取消资格。", "降级、警告或取消资格"),
        ("超出公示期的异议不予受理。", "不予受理"),
        ("存在学术不端行为的，纳入科研诚信严重失信行为记录。", "纳入科研诚信严重失信行为记录"),
        ("项目承担单位挪用专项资金的，收回已拨付经费。", "收回已拨付经费"),
        ("对擅自变更研究内容的，责令改正。", "责令改正"),
        ("未按要求报送材料的，不予推荐。", "不予推荐"),
        ("一经发现，取消其参评资格。", "取消其参评资格"),
        ("不接受监督检查的，暂停项目执行。", "暂停项目执行"),
        ("项目经费未使用的，按原渠道予以收回。", "按原渠道予以收回"),
        ("对考核结果为不合格的中心，实行一票否决。", "一票否决"),
        ("滞留时间超过6个月的，停止执行该项目。", "停止执行该项目"),
    ],
)
def test_sanctions_in_their_common_wordings(sentence: str, effect: str) -> None:
    facts = extract_document(_doc(f"第五章 监督管理\n第二十条 {sentence}\n"), load_aliases())
    assert [f.attrs["effect"] for f in facts if f.kind == "sanction"] == [effect]


def test_the_years_in_attachment_names_time_nothing() -> None:
    """附件：1.2023年度…名单 (and the numbered names on the lines after it) names attachments;
    a date in the body before it still counts."""
    text = "请于2023年6月30日前报送材料。\n附 件:1. 2023年度优秀名单\n2. 2023年度合格名单\n某某市科学技术局\n"
    facts = extract_document(_doc(text), load_aliases())
    assert [f.text for f in facts if f.kind == "deadline"] == ["2023年6月30日前"]


def test_a_signature_run_into_the_text_dates_nothing() -> None:
    """东营市科学技术局 2023年3月5日 (此件公开发布)…: an office's name, a space, a date — the
    issue date of a flattened page, not a deadline; a due date after a name still counts."""
    text = "请认真贯彻执行。东营市科学技术局 2023年3月5日 (此件公开发布)东营市某某管理办法\n请各单位于2023年4月1日前报送。\n"
    facts = extract_document(_doc(text), load_aliases())
    assert [f.text for f in facts if f.kind == "deadline"] == ["2023年4月1日前"]


def test_a_recipient_office_inside_a_body_is_kept() -> None:
    """报市工信委科技合作处, 向市科技局发展规划科反映: the office written after the body's name
    is the recipient, not only the body."""
    facts = extract_document(_doc("申请企业请于2016年12月21日前将申报材料报市工信委科技合作处。\n"), load_aliases())
    assert [f.attrs["recipient"] for f in facts if f.kind == "obligation"] == ["市工信委科技合作处"]


def test_a_duty_falls_due_on_its_day_not_in_the_year_that_names_its_bearer() -> None:
    """请2022年度认定的工程中心在2023年2月28日前登录…: 2022年度 says which centres, the day says when."""
    facts = extract_document(_doc("请2022年度认定通过的工程中心在2023年2月28日前登录平台进行注册备案。\n"), load_aliases())
    assert [f.attrs["deadline"] for f in facts if f.kind == "obligation"] == ["2023-02-28"]


def test_amounts_listed_before_one_yuan_are_each_an_amount() -> None:
    """分别给予2万/5万/10万元: each count of the list takes the 万元 only the last one says."""
    facts = extract_document(_doc("三、支持标准\n1.每引进一家企业，分别给予2万/5万/10万元奖励。\n"), load_aliases())
    assert [f.attrs["amount_min"] for f in facts if f.kind == "funding"] == [20_000, 50_000, 100_000]


def test_a_last_item_the_parser_reads_as_a_heading_states_its_sanction() -> None:
    """四、…不予受理。 ends a list with a sentence (an attachment follows, so the parser
    takes it for a heading): its sanction counts, as its duties do."""
    text = "三、异议人应在公示期内提出异议。\n四、逾时提交、未通过核查的异议不予受理。\n附件\n申请表\n"
    doc = _doc(text)
    assert any(c.kind == "heading" and c.text.startswith("四、") for c in doc.clauses)
    facts = extract_document(doc, load_aliases())
    assert [f.attrs["effect"] for f in facts if f.kind == "sanction"] == ["不予受理"]


def test_withdrawn_funding_is_a_sanction_not_a_source() -> None:
    facts = extract_document(_doc("第五章 监督管理\n第二十条 未按要求整改的，不再给予经费支持。\n"), load_aliases())
    assert [f.kind for f in facts if f.kind in ("funding", "sanction")] == ["sanction"]


def test_a_description_after_the_copula_assigns_nothing() -> None:
    """须是由高校牵头组建的…: 由 after 是 describes the subject, it does not hand the duty to 高校."""
    got = _obligations("第三条 申报的协同创新中心须是由高校牵头组建的校级协同创新中心。\n", title="协同创新中心认定办法")
    assert [a for a, _m in got] == ["协同创新中心"]


def test_a_role_statement_then_a_modal() -> None:
    assert _obligations("第四条 依托高校是中心建设主体，要制定中心建设发展规划。\n") == [("依托高校", "must")]


def test_coordinated_bearers_with_or_and_a_leading_circumstance() -> None:
    text = "公示期间，任何单位和个人对公示内容有异议的，请以书面形式提出。提出异议的单位或者个人应当表明真实身份。\n"
    got = _obligations(text, title="关于认定结果的公示")
    assert sorted(set(got)) == [("个人", "must"), ("单位", "must")] and len(got) == 4


def test_a_documents_facts_do_not_depend_on_what_was_ingested_before_it() -> None:
    """Bearers another document named are not names this one is read with."""
    corpus = Path(__file__).resolve().parents[1] / "extraction_dev" / "corpus"
    docs = load_corpus(corpus)

    def key(facts: list) -> list[tuple]:
        return sorted((f.kind, f.start, f.end, f.attrs.get("actor", "")) for f in facts)

    _g, _t, together = build_graph(docs, load_aliases())
    for doc in docs[-6:]:
        _g, _t, alone = build_graph([doc], load_aliases())
        assert key(alone) == key([f for f in together if f.doc_id == doc.doc_id]), doc.doc_id


def test_a_modal_after_a_topic_binds_the_notice_addressees() -> None:
    """工作总结要有…: 要 (a word of its own) after a topic that is no bearer; 按要求 and 工作要求 are not modals."""
    text = "各有关单位：\n一、报送内容\n1.年度工作总结要有对运行状况的自我评价。\n2.已建中心按要求填写调查表。\n三、工作要求\n"
    got = _obligations(text, title="关于做好年度工作总结的通知")
    assert ("单位", "should") in got
    assert all(m != "must" for _a, m in got)


@pytest.mark.parametrize(
    "phrase, parts",
    [
        ("各县(市、区)、开发区(管理区)科技管理部门、有关单位", ["各县(市、区)科技管理部门", "开发区(管理区)科技管理部门", "有关单位"]),
        ("各市、县科技局", ["各市科技局", "县科技局"]),
        ("镇（街）、区直各有关单位", ["镇（街）", "区直各有关单位"]),
    ],
)
def test_places_listed_before_a_shared_bearer_take_it(phrase: str, parts: list[str]) -> None:
    assert coordinated(phrase) == parts


def test_a_request_that_passes_the_items_on() -> None:
    """请各市科技局通知辖区内火炬基地做好如下工作：1.… → the items bind the 基地, not the 科技局."""
    text = "各市科技局：\n一、请各市科技局通知辖区内火炬基地认真做好如下工作：\n1.撰写年度工作总结，其中数据须与统计数据一致；\n2.按时完成填报工作。\n"
    got = _obligations(text, title="关于开展火炬特色产业基地总结工作的通知")
    assert got[0] == ("市科技局", "must")  # the request itself asks 市科技局 to notify
    assert got[1:] and {a for a, _m in got[1:]} == {"火炬基地"}, got


@pytest.mark.parametrize(
    "sentence, bearer",
    [
        ("申请单位填写申请书时一般应按法人单位填写。", "申请单位"),
        ("各相关依托单位在中心组建中，要按照任务书要求保证条件落实。", "依托单位"),
    ],
)
def test_a_setting_between_the_subject_and_its_modal(sentence: str, bearer: str) -> None:
    assert bearer in [a for a, _m in _obligations(sentence)]


def test_an_article_lead_in_binds_its_items_and_paragraphs() -> None:
    text = "第四条 临床研究中心的主要职责是：（一）开展诊疗技术研究。\n选择重点病种，开展方法学研究。\n（二）开展推广研究，指导基层疾病防治。\n"
    got = _obligations(text, title="临床研究中心管理办法")
    assert len(got) >= 2 and {a for a, _m in got} == {"临床研究中心"}, got


@pytest.mark.parametrize(
    "sentence, bearer",
    [
        ("第三条 安全检查由资产与实验室管理处负责组织实施。", "资产与实验室管理处"),  # 由 + a name the table does not know
        ("第五条 要求国家相关工程技术研究中心进一步加强管理。", "国家工程技术研究中心"),  # 相关 inside the name
        ("第六条 学院实验中心和综治小组负责对实验室进行安全检查。", "综治小组"),
        ("第七条 实验室第一申请使用人全面负责实验室的安全。", "实验室第一申请使用人"),
    ],
)
def test_more_open_vocabulary_bearers(sentence: str, bearer: str) -> None:
    assert bearer in [a for a, _m in _obligations(sentence)]


def test_the_sentence_that_leads_in_names_the_bearer() -> None:
    text = "一、管理体制\n1、学校由副校长主管全校实验室工作，教务处是实验室建设的主管部门。主管部门的主要职责是：\n（1）检查督促各实验室完成各项工作；\n（2）组织制定实验室规划。\n"
    got = _obligations(text, title="某大学实验室工作条例")
    assert got and {a for a, _m in got} <= {"主管部门", "教务处"}, got


def test_a_subject_jieba_opens_with_a_particle() -> None:
    """地市科技管理部门: jieba tags 地 as a particle."""
    assert ("地市科技管理部门", "must") in _obligations("二、各地市科技管理部门要积极探索专业化的管理机制。\n")


def test_purpose_articles_and_entitlements_are_no_duties() -> None:
    assert _obligations("第一条 为鼓励企业加强创新平台建设，规范工程中心的认定与管理，依据有关规定，制订本办法。\n") == []
    assert _obligations("第九条 考核优秀的实验室最高可获100万元经费补助。\n") == []


@pytest.mark.parametrize(
    "text, bearer",
    [
        ("第五条 依托（牵头）二级单位负责科技创新平台的建设和运行管理。\n", "依托（牵头）二级单位"),  # a verb-first head with words inside
        ("二、公示期间，对公示内容持有异议的，请于公示期内以书面形式向市科委反映。\n", "异议人"),  # the role a condition implies
        ("三、重大项目必须有比较高的创新程度和技术水平。\n", "重大项目"),
    ],
)
def test_bearers_named_by_convention(text: str, bearer: str) -> None:
    assert bearer in [a for a, _m in _obligations(text)]


def test_a_modal_sentence_about_a_thing_continues_the_subject() -> None:
    text = "各单位接到通知后，要及时组织人员填写报表。表格须为打印件。\n"
    assert [a for a, _m in _obligations(text, title="关于填报统计报表的通知")] == ["单位", "单位"]


@pytest.mark.parametrize(
    "sentence",
    ["项目申报单位单独报送的，不予受理。", "市科委对匿名或未注明联系电话的异议，不予受理。", "凡匿名异议或超出期限异议的不予受理。"],
)
def test_a_refusal_after_its_condition_anywhere_in_the_sentence(sentence: str) -> None:
    facts = extract_document(_doc(f"三、其他\n所有材料须经推荐单位统一报送，{sentence}\n"), load_aliases())
    assert [f.attrs["effects"] for f in facts if f.kind == "sanction"] == [["reject"]]


def test_a_request_names_its_bearer_whatever_opens_the_act() -> None:
    """请各相关依托二级学院严格按照…/高度重视: the name after 请, even one that opens with a
    role-making verb (依托) and an adverb or idiom after it; a verb with a result complement
    (组织好…) goes on with the same bearer instead of opening a directive."""
    text = "各有关学院：\n一、请各相关依托学院严格按照通知要求，组织好所属平台完成填报工作。\n二、请各依托学院高度重视。\n"
    facts = [f for f in extract_document(_doc(text, title="关于组织填报年度报告的通知"), load_aliases()) if f.kind == "obligation"]
    assert [f.attrs["actor"] for f in facts] == ["依托学院", "依托学院"]
    assert facts[0].text.endswith("完成填报工作")


def test_a_request_to_names_set_off_by_a_comma_and_a_dated_window() -> None:
    text = "各有关单位：\n一、请省重点实验室和省工程技术研究中心，于3月31日17时之前完成填报工作。\n二、公示时间为10月25日至10月31日。\n"
    doc = _doc(text, title="关于组织填报年度报告的通知")
    doc.year = 2023
    facts = extract_document(doc, load_aliases())
    duties = [f for f in facts if f.kind == "obligation"]
    assert sorted(f.attrs["actor"] for f in duties) == ["省工程技术研究中心", "省重点实验室"]
    assert {f.attrs["deadline"] for f in duties} == {"2023-03-31"}
    assert "2023-10-25/2023-10-31" in {f.attrs.get("normalized") for f in facts if f.kind == "deadline"}


@pytest.mark.parametrize(
    "sentence, bearers",
    [
        (
            "各设区市科技局、有关主管部门、依托单位和共建单位等有关单位，要高度重视重点实验室建设。",
            ["设区市科技局", "主管部门", "依托单位", "共建单位"],
        ),
        ("各依托单位和共建单位，应履行建设和管理的主体责任。", ["依托单位", "共建单位"]),
    ],
)
def test_a_listed_subject_summed_up_or_set_off_by_a_comma(sentence: str, bearers: list[str]) -> None:
    assert [a for a, _m in _obligations(sentence)] == bearers


def test_a_description_after_a_comma_is_no_permission() -> None:
    """…灵活的独立法人机构，可以是…: 可以是 describes, it does not permit."""
    got = _obligations("第二条 新型研发机构应主要从事科学研究，运行机制灵活的独立法人机构，可以是民办非企业单位。\n")
    assert [a for a, _m in got] == ["新型研发机构"]


def test_an_enumeration_marker_after_a_web_copys_noise() -> None:
    text = "各有关单位：\n@* O二、各依托单位要按时报送年度报告。\n"
    assert ("依托单位", "must") in _obligations(text, title="关于报送年度报告的通知")


def test_a_condition_between_the_subject_and_its_modal() -> None:
    got = _obligations("有关单位和个人如对公示信息持有异议，应当以书面方式向我司提出。", title="关于评估结果的公示")
    assert [a for a, _m in got] == ["单位", "个人"]


def test_a_hope_names_its_bearers_and_their_acts_go_on() -> None:
    """希望X和Y认真总结经验，充分发挥中心…作用: jieba's one word 认真总结 still opens the act, and
    发挥 after a named bearer is that bearer's act (a sentence opening with 发挥X… gives it to X)."""
    text = "各有关单位：\n一、希望各依托单位和归口管理部门认真总结经验，充分发挥中心在科技资源方面的应有作用。\n"
    facts = [f for f in extract_document(_doc(text, title="关于公布中心绩效评估结果的通知"), load_aliases()) if f.kind == "obligation"]
    assert [f.attrs["actor"] for f in facts] == ["依托单位", "归口管理部门"]
    assert all(f.text.endswith("应有作用") and f.attrs["modality"] == "should" for f in facts)


def test_a_back_reference_to_the_due_date() -> None:
    text = "各有关单位：\n一、请省重点实验室于2023年3月31日17时之前完成填报工作。\n二、请各省重点实验室在截止时间前完成填报工作。\n"
    facts = extract_document(_doc(text, title="关于组织填报年度报告的通知"), load_aliases())
    assert [f.attrs["deadline"] for f in facts if f.kind == "obligation"] == ["2023-03-31", "2023-03-31"]
    assert {f.attrs["normalized"] for f in facts if f.kind == "deadline" and f.text == "截止时间前"} == {"2023-03-31"}


def test_whose_name_and_which_objection() -> None:
    """公示期间，如有异议，请… → whoever objects; 以单位名义…的，需… → 单位; 以个人名义… → 个人."""
    text = (
        "各有关单位：\n公示期间，如有异议，请以书面形式向市科技局发展规划科反映。"
        "凡以单位名义反映情况的，需加盖单位公章；以个人名义反映情况的材料须署实名。\n"
    )
    assert [a for a, _m in _obligations(text, title="关于拟新建重点实验室名单的公示")] == ["异议人", "单位", "个人"]


def test_an_if_clause_before_an_assignment_is_no_duty() -> None:
    text = "各有关单位：\n如依托单位无法报送调查表，由所在县科技局出具相关情况说明。\n"
    assert _obligations(text, title="关于开展调查的通知") == [("县科技局", "must")]


def test_a_department_of_a_ministry_is_a_recipient() -> None:
    text = "各有关单位：\n如对结果有异议，请于2024年8月30日前，以书面形式向市场监管总局科技和财务司反映。\n"
    facts = [f for f in extract_document(_doc(text, title="关于评估结果的公告"), load_aliases()) if f.kind == "obligation"]
    assert [(f.attrs["actor"], f.attrs["recipient"], f.attrs["deadline"]) for f in facts] == [
        ("异议人", "市场监管总局科技和财务司", "2024-08-30")
    ]


def test_a_directive_verb_opening_a_listed_duty_is_the_lead_ins_bearers() -> None:
    text = "第四条 某市科学技术局（以下简称市科技局）是全市宏观管理部门，主要职责是：\n（一）制定管理办法；\n（二）组织技术创新中心绩效评估。\n"
    assert [a for a, _m in _obligations(text)] == ["某市科学技术局", "某市科学技术局"]


def test_a_run_on_articles_marker_glued_to_the_words_before_it() -> None:
    """…，第五章考核评估第十三条依托单位应…: the article starts a unit; 按第十条规定 stays a reference."""
    text = "市重点实验室坚持创新人才管理机制，第五章考核评估第十三条依托单位应当对市重点实验室进行年度考核，按第十条规定报送。\n"
    facts = [f for f in extract_document(_doc(text), load_aliases()) if f.kind == "obligation"]
    assert [(f.attrs["actor"], f.text[:6]) for f in facts] == [("依托单位", "依托单位应当")]


def test_who_objects_is_a_role() -> None:
    assert ("提出异议者", "must") in _obligations("提出异议者，必须采取书面形式。\n", title="关于拟认定名单的公示")


def test_a_year_that_names_a_document_times_nothing() -> None:
    """《2020年度…工作总结》 and a restated title name documents; 做好2020年度…工作 and a cited
    plan's period （2021—2025年） are times."""
    text = "各有关单位：\n一、请认真做好2020年度总结工作，按照《2020年度工作总结》提纲撰写，落实《某某规划（2021—2025年）》。\n"
    facts = extract_document(_doc(text, title="关于做好2020年度总结工作的通知"), load_aliases())
    assert sorted(f.attrs["normalized"] for f in facts if f.kind == "deadline") == ["2020", "2021/2025"]


def _other_city_docs() -> list[Document]:
    """A city's own 管理办法 for its 技术创新中心, and another city's notice that says 市科技局 and 市级技术创新中心."""
    texts = {
        "c1": ("某州市技术创新中心建设与运行管理办法", ["某州市科学技术局"], "第三条 技术创新中心应当每年报送年度报告。\n"),
        "c2": (
            "关于公布市级技术创新中心绩效评估结果的通知",
            ["某庄市科学技术局"],
            "各有关单位：\n市级技术创新中心要按规定参加下一轮评估，市科技局负责组织。\n",
        ),
    }
    docs = []
    for doc_id, (title, issuers, body) in texts.items():
        doc = _doc(f"{title}\n{body}", title=title, issuers=tuple(issuers))
        docs.append(replace(doc, doc_id=doc_id, clauses=parse_document(doc_id, doc.text)))
    return docs


def test_another_places_documents_do_not_bind_the_home_places_names() -> None:
    """技术创新中心 in 某州市's own 办法 is 某州市技术创新中心; 市级技术创新中心 and 市科技局 in a
    某庄市 notice are not 北京市技术创新中心 and 北京市科学技术委员会 (whose placeless aliases they are)."""
    beijing = load_aliases().lookup("北京市技术创新中心")
    assert beijing is not None and load_aliases().lookup("技术创新中心") == beijing
    graph, table, facts = build_graph(_other_city_docs(), load_aliases())
    for f in facts:
        assert beijing.id not in f.attrs.get("applies_to", []), (f.doc_id, f.text)
        assert not (f.attrs.get("actor_id") or "").startswith("Organization:北京"), (f.doc_id, f.text)
    own = table.lookup("某州市技术创新中心")
    assert own is not None and any(own.id in f.attrs["applies_to"] for f in facts if f.doc_id == "c1" and f.kind == "obligation")


def test_elsewhere_and_rebound_tables() -> None:
    table = load_aliases()
    assert table.elsewhere().lookup("市科委") is None and table.elsewhere().lookup("北京市科委") is not None
    own = Entity("PlatformType", "某州市技术创新中心")
    rebound = table.extend([own]).rebound(own)
    assert rebound.lookup("技术创新中心").name == "某州市技术创新中心"
    assert table.lookup("技术创新中心").name == "北京市技术创新中心"  # the corpus's table is unchanged


def test_a_directive_verb_after_a_named_subject_is_the_subjects_act() -> None:
    """X应…，组织团队开展…: 组织 is X's act, not a directive to 团队; X要…，督促Y…
    passes a duty on to Y (督促 is causative)."""
    got = _obligations("第五条 依托单位应围绕重点任务，组织团队开展持续深入的科学研究。\n")
    assert {a for a, _m in got} == {"依托单位"}
    passed = _obligations("第六条 各主管部门要加强监督，督促承担单位按期完成建设任务。\n")
    assert {a for a, _m in passed} == {"主管部门", "承担单位"}


def test_a_sentence_after_a_semicolon_continues_its_subject() -> None:
    """X应…；充分发挥高校学科优势，设立开放课题: the bearer is X, not 高校; a statement
    after the semicolon with no duty verb is no duty of X."""
    got = _obligations("第七条 依托单位应加强日常管理；充分发挥高校学科优势，设立开放课题。\n")
    assert {a for a, _m in got} == {"依托单位"}
    assert len(got) == 2
    stated = _obligations("第八条 重大项目必须符合指南方向；承担重大项目的企业有较高成长性。\n")
    assert len(stated) == 1


def test_ying_and_yao_are_duties_yinggai_is_hortatory() -> None:
    """docs/annotation_guide.md: 应/要 → must, 应该 → should."""
    assert _obligations("第九条 承担单位应按时报送年度报告。\n") == [("承担单位", "must")]
    assert _obligations("第九条 承担单位，要按时报送年度报告。\n") == [("承担单位", "must")]
    assert _obligations("第九条 承担单位应该按时报送年度报告。\n") == [("承担单位", "should")]


def test_bearers_joined_by_or_and_a_set_up_bodys_description() -> None:
    got = _obligations("第十条 各单位科研主管领导或有关部门要认真履行检查监督责任。\n")
    assert {a for a, _m in got} == {"单位科研主管领导", "部门"}
    assert _obligations("第十一条 学校成立由主要领导牵头的科研工作领导小组。\n") == []


@pytest.mark.parametrize(
    "phrase, value",
    [("每年年底", "R/P1Y"), ("委员每届任期5年", "P5Y"), ("限期1年整改", "P1Y"), ("制定未来五年发展规划", "P5Y")],
)
def test_terms_and_bare_yearly_recurrences(phrase: str, value: str) -> None:
    assert normalize_phrase(phrase).normalized == value  # type: ignore[union-attr]


def test_this_year_and_last_year_in_a_dated_document() -> None:
    doc = replace(_doc("第二条 项目负责人本年度不得申报新项目，须提供上一年度审计报告。\n"), year=2019)
    got = {f.text: f.attrs["normalized"] for f in extract_document(doc, load_aliases()) if f.kind == "deadline"}
    assert got.get("本年度") == "2019" and got.get("上一年度") == "2018"


def test_run_on_items_after_a_comma_are_units() -> None:
    doc = _doc("有关要求(一)请各单位严格履行主体责任,(二)请各单位将材料提交推荐单位,2.推荐单位审核后报送。\n", title="关于开展评价的通知")
    texts = [u.text for c in doc.clauses for u in units(c)]
    assert any(t.startswith("(二)请各单位将材料提交推荐单位") or t.startswith("请各单位将材料提交推荐单位") for t in texts), texts
    assert any(t.startswith("推荐单位审核后报送") for t in texts), texts


def test_each_consequence_with_its_own_trigger_is_a_sanction() -> None:
    text = "第二十条 对评估不合格的中心限期1年整改，整改仍不合格的予以撤销。\n"
    facts = extract_document(_doc(text), load_aliases())
    assert [f.text for f in facts if f.kind == "sanction"] == ["对评估不合格的中心限期1年整改", "整改仍不合格的予以撤销"]


def test_a_time_phrase_between_a_subject_and_its_modal() -> None:
    assert _obligations("第二十四条 依托单位每年年底要对实验室工作进行年度考核。\n") == [("依托单位", "must")]


def test_a_subject_set_off_by_a_comma_before_jun_xu() -> None:
    got = _obligations("第三条 组建实验室的各参与方，均须作为依托单位的科研实体开展实体化运行。\n")
    assert [a for a, _m in got] == ["参与方"]


def test_a_lead_in_sentence_that_states_a_duty_first() -> None:
    """X负责A，主要职责是：(一)…: X负责A is a duty too, and the items are X's."""
    text = "第四条 市科技局负责科技报告工作的总体部署和统筹协调，主要职责是：\n（一）制定相关政策文件；\n"
    got = _obligations(text)
    assert got and {a for a, _m in got} == {"市科技局"} and len(got) == 2


def test_a_procedure_step_whose_subject_is_named_is_not_the_issuers() -> None:
    text = "三、评价程序\n（一）网络申报。各实验室于4月8日至4月20日登录系统填报相关数据。\n"
    got = _obligations(text, title="关于开展绩效评价工作的通知", issuers=("某市科学技术局",))
    assert all(a != "某市科学技术局" for a, _m in got), got


def test_item_markers_and_open_brackets_are_not_part_of_a_bearer() -> None:
    assert split_phrase("申报要求（一）申报单位")[0] == "申报单位"
    text = "第五条 需提供上一年度审计报告及会计报表复印件（机关、事业单位需另行提供说明。\n"
    assert all("（" not in a for a, _m in _obligations(text)), _obligations(text)


def test_a_period_between_chinese_words_ends_a_sentence() -> None:
    assert match_form("技术路线等.第三十三条.每个项目") == "技术路线等。第三十三条。每个项目"
    assert match_form("1.5万元，第1.项") == "1.5万元，第1.项"


def test_a_thing_a_name_qualifies_is_no_bearer() -> None:
    """专项资金必须…: 专项 qualifies 资金, which owes nothing; 任何组织或个人不得…: both bear it."""
    got = _obligations("第四条 专项资金必须专款专用，任何组织或个人不得虚报、挪用。\n")
    assert sorted(a for a, _m in got) == ["个人", "组织"]


def test_a_role_verb_opens_a_coordinated_role_name() -> None:
    got = _obligations("第五条 牵头申报单位、行政负责人、技术负责人须签署诚信承诺书，项目牵头申报单位和合作单位应对材料的真实性负责。\n")
    assert {a for a, _m in got} == {"牵头申报单位", "行政负责人", "技术负责人", "项目牵头申报单位", "合作单位"}


def test_a_known_name_inside_a_longer_head_is_not_the_bearer() -> None:
    """科技部 is a known name, but 科技部门要…职责，… names 科技部门 (and is no inline "X职责，" heading)."""
    got = _obligations("第六条 科技部门要认真履行对项目资金的日常监管职责，加强核实工作。\n")
    assert {a for a, _m in got} == {"科技部门"}


def test_a_verdict_is_a_sanction_not_a_duty() -> None:
    facts = extract_document(_doc("第十六条 存在下列行为之一的，不得通过财务验收。\n"), load_aliases())
    assert [f.kind for f in facts if f.kind in ("obligation", "sanction")] == ["sanction"]


@pytest.mark.parametrize(
    "phrase, value",
    [("每三年为一个评估周期", "R/P3Y"), ("整改期一般为一年", "P1Y"), ("应提前半年提出申请", "P6M")],
)
def test_cycles_and_named_periods(phrase: str, value: str) -> None:
    assert normalize_phrase(phrase).normalized == value  # type: ignore[union-attr]


def test_an_enumeration_after_a_comma_in_a_run_on_text() -> None:
    doc = _doc("一、各市重点实验室应制定建设方案,二、各依托单位要加强指导和监督。\n", title="关于组织建设的通知")
    texts = [u.text for c in doc.clauses for u in units(c)]
    assert any(t.startswith("各依托单位要加强指导和监督") for t in texts), texts


def test_a_quoted_name_inside_a_subject() -> None:
    got = _obligations("第八条 各“一室一中心”依托单位要高度重视，认真编制年度工作报告。\n")
    assert len(got) == 1 and got[0][0].endswith("依托单位") and got[0][1] == "must"


def test_a_notices_annual_report_is_one_years_report() -> None:
    """In a notice, 年度报告 names one year's report; in a standing rule, and in a 年报制度, it recurs."""
    notice = _doc("各有关单位：\n请各单位于4月30日前报送年度报告。\n", title="关于报送年度报告的通知")
    assert [f.attrs["normalized"] for f in extract_document(notice, load_aliases()) if f.kind == "deadline"] == ["--04-30"]
    rule = _doc("第十条 中心应按时提交年度报告。\n")
    assert [f.attrs["normalized"] for f in extract_document(rule, load_aliases()) if f.kind == "deadline"] == ["R/P1Y"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("依托单位应对市重点实验室进行年度考核。", [("依托单位", "must")]),
        ("依托单位应对送评资料的真实性、完整性负责。", [("依托单位", "must")]),
        ("依托单位每年年底应对中心进行考核。", [("依托单位", "must")]),
        ("各单位应对风险挑战，提高抗风险能力。", []),  # the verb 应对 (to cope with): no modal
    ],
)
def test_ying_dui_is_a_modal_with_a_preposition_when_a_verb_completes_it(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _obligations(sentence + "\n") == expected


def test_a_limit_on_what_a_named_bearer_has_binds_that_bearer() -> None:
    """推荐单位评价优秀比例不得超过…: the 比例 is the 推荐单位's; a thing nobody is named for binds no one."""
    assert _obligations("推荐单位评价优秀比例原则上不得超过参评总数的50%。\n") == [("推荐单位", "must-not")]
    assert _obligations("专项资金必须专款专用。\n") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("需要整改的单位，请于6个月内完成整改。", [("单位", "must")]),  # a subject set off by a comma, then 请
        ("各有关单位接到通知后，请认真组织。", [("单位", "must")]),  # a setting between the subject and 请
        ("实验室第一申请使用人全面负责实验室的安全工作。", [("实验室第一申请使用人", "must")]),  # 请 inside 申请 is no cue
        ("同一科研成果限填报一次，请勿多平台重复填写。", []),  # no subject runs across the comma to a name after 请
    ],
)
def test_a_request_after_its_subject(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _obligations(sentence + "\n") == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("各区要结合实际，制定配套政策。", [("区", "must")]),
        ("各地、各有关部门要加强协调配合。", [("地", "must"), ("部门", "must")]),
        ("各县（市、区）应当建立工作机制。", [("县", "must")]),
        # a division before a bearer that names its domain shares it (not a bearer alone)
        ("各县区、市属功能区科技主管部门负责日常管理。", [("县区科技主管部门", "must"), ("市属功能区科技主管部门", "must")]),
        ("园区要加强管理。", [("园区", "must")]),  # a division word inside a name is no division: 园区 is a park, not 区
    ],
)
def test_divisions_after_a_distributive_determiner_are_bearers(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _obligations(sentence + "\n") == expected


def test_overall_responsibility_is_a_duty() -> None:
    assert _obligations("实验室主任对实验室的日常管理负总责。\n") == [("实验室主任", "must")]


def test_a_run_on_texts_next_article_ends_the_last_ones_bearers() -> None:
    """Articles run together in one clause: 第十九条's subject-less continuation after its
    semicolon is 科技部门's, not the bearer 第十八条's role statement named."""
    text = (
        "第十八条 项目单位是资金管理使用的责任主体，须将资金纳入本单位财务统一管理。"
        "第十九条 科技部门要认真履行日常监管职责，加强核实工作；完善经费管理制度，及时纠正问题。\n"
    )
    assert _obligations(text) == [("项目单位", "must"), ("科技部门", "must"), ("科技部门", "must")]


def test_a_modal_inside_a_noun_is_no_subjects_cue() -> None:
    """研究中心需求 (study the center's needs) continues the sentence's subject: 需 in 需求 is no modal after a 研究中心."""
    text = "二、依托高校是中心建设主体，要制定中心建设发展规划，研究中心需求，在科研配套改革方面优先支持，加强能力建设。\n"
    assert _obligations(text) == [("依托高校", "must")]


def test_the_issuer_named_by_a_pronoun_receives_what_is_sent_to_it() -> None:
    text = "有关单位如对公示信息持有异议，应当以书面方式向我委提出。\n"
    doc = _doc(text, issuers=("市科委",))
    facts = [f for f in extract_document(doc, load_aliases()) if f.kind == "obligation"]
    assert [(f.attrs["actor"], f.attrs["recipient"]) for f in facts] == [("单位", "市科委")]


def test_the_next_list_item_continues_the_last_ones_subject() -> None:
    """1、各单位…要…；2、表格须为打印件: an item that states a duty and names no one
    continues the previous item's subject; a bare task or an item naming its own
    subject does not."""
    text = "三、有关要求\n1、各单位要及时组织人员填写报表。\n2、表格须为打印件,数字用阿拉伯数字。\n3、制定年度建设计划。\n"
    got = _obligations(text)
    assert got.count(("单位", "must")) == 2
    assert len(got) == 2


@pytest.mark.parametrize(
    "sentence, bearers",
    [
        ("科研与发展规划处负责全校科技成果转化的组织管理工作。", ["科研与发展规划处"]),
        ("自然科学基金委依法负责项目的立项和审批。", ["自然科学基金委"]),
        ("中国科学院、中国工程院、中国科协要强化对院士的监督管理。", ["中国科学院", "中国工程院", "中国科协"]),
        ("教育、卫生健康、新闻出版等部门要明确要求有关单位完善内控制度。", ["教育部门", "卫生健康部门", "新闻出版部门"]),
    ],
)
def test_office_names_academies_and_summed_up_lists(sentence: str, bearers: list[str]) -> None:
    assert [a for a, _m in _obligations(sentence + "\n")] == bearers


def test_an_issued_regulations_articles_do_not_bind_the_notices_addressees() -> None:
    text = (
        "某某局关于印发《科研诚信建设实施办法》的通知\n各高校、各科研院所:\n现将办法印发给你们,请认真贯彻落实。\n"
        "第三条 科研诚信建设应坚持教育、预防、监督相结合的原则。\n"
    )
    facts = extract_document(_doc(text, title="某某局关于印发《科研诚信建设实施办法》的通知"), load_aliases())
    bound = [f.text for f in facts if f.kind == "obligation"]
    assert not any("坚持" in t for t in bound)
    assert any("贯彻落实" in t for t in bound)


@pytest.mark.parametrize(
    "sentence, bearer",
    [
        ("牵头高校应设立科研处,全面负责中心的运行管理。", "科研处"),  # the body set up bears what it is set up for
        ("請各項目主持人介紹項目進展情況。", "项目主持人"),
        ("不参加本次评估的创新平台请于截止前报送书面说明。", "创新平台"),  # 创新 is a verb jieba tags first
        ("每个依托单位推荐名额不能超过2个。", "依托单位"),  # any determiner before a known name
        ("请承担各类国家科技计划项目的负责人,认真填写调查表。", "负责人"),  # 请 + a qualified name + comma
        ("申报科技型企业创新贡献奖励资金的企业应满足以下条件:", "企业"),  # a verb inside the 的-qualifier
    ],
)
def test_set_up_bodies_hosts_and_long_qualifiers(sentence: str, bearer: str) -> None:
    assert bearer in [a for a, _m in _obligations(sentence + "\n")]


def test_a_limit_on_what_a_named_bearer_does_binds_it() -> None:
    """项目负责人同时主持的…项目数原则上不得超过1项: the limit binds the 项目负责人
    even when the thing limited ends in a programme word (计划项目数); a limit on
    a programme's own thing (专项资金必须…) names no bearer."""
    assert _obligations("项目负责人同时主持的同一计划项目数原则上不得超过1项。\n") == [("项目负责人", "must-not")]
    assert _obligations("专项资金必须专款专用。\n") == []


def test_a_sentence_may_open_with_an_event_before_its_subject() -> None:
    """摘牌后依托单位…不得…: an event the sentence opens with (no comma) is no part
    of the subject; a modal right after it (必要时须报…) leaves no subject to find."""
    assert _obligations("验收通过后依托单位应于每年年底报送工作总结。\n") == [("依托单位", "must")]
    assert _obligations("必要时须报学校批准后方可实施。\n") == []


@pytest.mark.parametrize(
    "sentence, trigger, effect",
    [
        ("企业填报的数据要与统计数据相符,否则不予推荐。", "否则", "不予推荐"),
        ("对于评估不合格的中心,国家将要求其整改或予以裁撤。", "不合格", "予以裁撤"),
        ("有下列行为之一的企业,将不予兑现奖励和资助补贴:", "下列行为之一", "不予兑现"),
        ("学校对现有平台进行全面排查,对长期无实质性科研活动的平台予以撤销。", "长期无实质性科研活动的平台", "予以撤销"),
        ("对弄虚作假的项目承担单位,撤销立项并追回已拨经费。", "弄虚作假", "撤销立项"),
        ("对违反本办法的企业,不再享受相关扶持政策。", "违反本办法", "不再享受"),
        ("涉嫌犯罪的,移送司法机关依法处理。", "涉嫌犯罪", "移送司法机关"),
        ("存在下列情况之一的项目,不得通过验收。", "下列情况之一", "不得通过"),
        ("匿名提出的异议材料不予受理。", "匿名", "不予受理"),
    ],
)
def test_sanction_shapes(sentence: str, trigger: str, effect: str) -> None:
    """否则 + a consequence, 裁撤 and 不予兑现, 有下列行为之一的…, a 对…的X after a comma, and
    the consequences of project rules (撤销立项, 不再享受, 移送司法机关, 不得通过验收; 匿名 异议)."""
    facts = [f for f in extract_document(_doc(sentence + "\n"), load_aliases()) if f.kind == "sanction"]
    assert facts, sentence
    assert trigger in facts[0].attrs["trigger"] and effect in facts[0].attrs["effect"]


def test_a_relative_year_needs_the_documents_year() -> None:
    """上年 / 本年度 in a text whose year is unknown fix no time; in a dated one they do."""
    text = "企业上年研发投入不低于500万元。\n"
    undated = extract_document(_doc(text), load_aliases())
    assert [f.text for f in undated if f.kind == "deadline"] == []
    dated = _doc(text)
    dated.year = 2021
    assert [f.attrs["normalized"] for f in extract_document(dated, load_aliases()) if f.kind == "deadline"] == ["2020"]


def test_shares_allotted_to_a_party() -> None:
    """转化收益的10%归学校, 80%归成果完成人: a share that goes to someone is a funding share."""
    facts = extract_document(_doc("转化收益的10%归学校,80%归成果完成人。\n"), load_aliases())
    assert sorted(f.attrs["share"] for f in facts if f.kind == "funding") == [0.1, 0.8]


def test_a_purpose_clause_is_no_directive() -> None:
    """为鼓励企业加大研发投入，…，制定本操作细则: why the text is written binds no one;
    the same verb opening a sentence is a directive."""
    assert _obligations("为鼓励企业加大研发投入,提升创新能力,根据有关规定,制定本操作细则。\n") == []
    assert _obligations("鼓励企业加大研发投入。\n") == [("企业", "may")]


def test_a_subject_then_its_condition_then_a_request() -> None:
    """任何单位和个人对公示如有异议，请…提出: the request binds the subject of the condition."""
    got = _obligations("任何单位和个人对公示如有异议,请于公示期内以书面形式向省科技厅提出。\n")
    assert sorted(got) == [("个人", "must"), ("单位", "must")]


@pytest.mark.parametrize(
    "text",
    [
        "项目承担单位有一次整改机会，应当于接到整改通知后的三个月内完成整改。\n",
        "项目承担单位原则上有一次整改机会。应当于接到整改通知后的三个月内完成整改。\n",
    ],
)
def test_a_topic_chain_shares_its_subject(text: str) -> None:
    """A predicate that opens with its modal and names no one (…，应当于…完成整改) is said
    of the subject its sentence, or the sentence before it, opened with."""
    assert _obligations(text) == [("项目承担单位", "must")]


def test_a_topic_chain_does_not_override_a_named_bearer() -> None:
    """各依托单位和共建单位，应…: a subject set off by a comma keeps both its bearers (the
    chain is for predicates no named bearer precedes)."""
    got = _obligations("各依托单位和共建单位，应履行重点实验室建设和管理的主体责任。\n")
    assert sorted(got) == [("依托单位", "must"), ("共建单位", "must")]


def test_a_bracketed_last_character_completes_a_name() -> None:
    """院（系） is 院系: a bearer, coordinated with 及 like any name; a bracket that is a
    note (附件4) is still no part of the name."""
    got = _obligations("各院(系)及实验室要切实加强领导。\n")
    assert sorted(got) == [("实验室", "must"), ("院（系）", "must")]
    assert head_of("院（系）") == ("院系", "Role") and coordinated("院（系）及实验室") == ["院（系）", "实验室"]


def test_a_lone_head_names_no_one_without_a_determiner() -> None:
    """组织职责 is organizational duties and …依托的主体学科 a discipline; 任何组织 is anyone."""
    assert _obligations("协同创新方向依托的主体学科须为牵头高校的省级以上重点学科。\n") == []
    assert sorted(_obligations("任何组织或个人不得虚报、套取、冒领。\n")) == [("个人", "must-not"), ("组织", "must-not")]
