"""Each bearer strategy of ingest/extract.py on its own (made-up clauses)."""

from __future__ import annotations

from dataclasses import replace

from ingest.aliases import Entity, load_aliases
from ingest.document import Clause, Document
from ingest.extract import (
    _ROLE_SYSTEM,
    ACTOR_STRATEGIES,
    Unit,
    Where,
    addressees,
    condition_subject,
    context_for,
    directive_target,
    document_scope,
    explicit_subject,
    heading,
    inline_heading,
    previous_subject,
    procedure_issuer,
    role_system,
    topic,
)


def _ctx(text: str = "", scope: tuple[str, ...] = (), issuers: tuple[str, ...] = ("北京市教育委员会",)):
    doc = Document(
        doc_id="x",
        title="某办法",
        file="x.txt",
        text=text,
        issuers=list(issuers),
        kind="",
        year=None,
        status="final",
        scope=list(scope),
        inferred=[],
        url="",
    )
    return context_for(doc, load_aliases())


def _where(text: str, path: tuple[str, ...] = ("一、总则",), **kw: object) -> Where:
    clause = Clause("x:1", "x", path, text, 0, len(text), "item")
    fields = {"seg_actors": [], "how": "", "inline_actors": [], "role_system": None, "heading_actor": None, **kw}
    return Where(clause, Unit(text, 0, len(text)), **fields)  # type: ignore[arg-type]


TYPE = load_aliases().lookup("高精尖创新中心")
UNIVERSITY = load_aliases().lookup("依托高校")


def test_strategies_are_tried_in_the_documented_order() -> None:
    assert [f.__name__ for f in ACTOR_STRATEGIES] == [
        "explicit_subject",
        "inline_heading",
        "role_system",
        "heading",
        "condition_subject",
        "in_the_name_of",
        "previous_subject",
        "topic",
        "directive_target",
        "addressees",
        "document_scope",
        "procedure_issuer",
    ]


def test_explicit_subject_and_headings() -> None:
    ctx = _ctx()
    assert explicit_subject(_where("报送年报", seg_actors=[UNIVERSITY], how="sentence"), ctx) == [(UNIVERSITY, "sentence", 0.9)]
    assert inline_heading(_where("报送年报", inline_actors=[UNIVERSITY]), ctx)[0][1] == "inline heading"
    assert heading(_where("报送年报", heading_actor=TYPE), ctx) == [(TYPE, "heading", 0.9)]
    assert heading(_where("报送年报"), ctx) == []


def test_role_system_names_the_role_it_creates() -> None:
    text = "实行项目专员制，由专家担任，定期开展跟踪服务"
    found = role_system(_where(text, role_system=_ROLE_SYSTEM.search(text)), _ctx())
    assert found and found[0][0].name == "项目专员"


def test_directive_target() -> None:
    found = directive_target(_where("推动依托高校完善管理制度"), _ctx())
    assert found and found[0][0] == UNIVERSITY and found[0][2] == 0.6


def test_addressees_and_document_scope() -> None:
    ctx = _ctx(scope=("高精尖创新中心",))
    ctx.bearers.addressees = [Entity("Role", "高校")]
    assert addressees(_where("请于6月30日前报送材料"), ctx)[0][1] == "addressee"
    ctx.bearers.addressees = []
    assert addressees(_where("请于6月30日前报送材料"), ctx) == []
    assert document_scope(_where("每年报送年度报告"), ctx) == [(TYPE, "document scope", 0.6)]


def test_procedure_steps_are_the_issuers() -> None:
    ctx = _ctx()
    found = procedure_issuer(_where("组织专家开展论证", path=("三、组织实施", "（二）实施程序")), ctx)
    assert found and found[0][0].name == "市教委"
    assert procedure_issuer(_where("组织专家开展论证"), ctx) == []


def test_the_subject_of_an_opening_condition() -> None:
    text = "单位提出异议的，应当加盖单位公章"
    seg = Unit("应当加盖单位公章", 8, len(text))
    w = Where(Clause("x:1", "x", ("一、总则",), text, 0, len(text), "item"), seg, [], "", [], None, None, Unit(text, 0, len(text)))
    found = condition_subject(w, _ctx())
    assert found and found[0][1] == "condition subject"


def test_a_sentence_opening_with_a_duty_verb_continues_the_previous_subject() -> None:
    ctx = _ctx()
    text = "组织评定重点实验室等工作"
    w = _where(text, previous=(UNIVERSITY,), unit=Unit(text, 0, len(text)))
    assert previous_subject(w, ctx) == [(UNIVERSITY, "previous subject", 0.7)]
    assert previous_subject(_where("重点实验室名单见附件", previous=(UNIVERSITY,), unit=Unit("重点实验室名单见附件", 0, 10)), ctx) == []
    assert previous_subject(_where(text, unit=Unit(text, 0, len(text))), ctx) == []


def test_a_sentence_opening_with_its_modal_takes_the_last_sentences_topic() -> None:
    """每个项目原则上有一次整改机会。应当于…完成整改: the topic of the sentence before."""
    ctx = _ctx()
    before = "依托高校原则上有一次整改机会。"
    text = "应当于接到通知后三个月内完成整改"
    unit = Unit(text, len(before), len(before) + len(text))
    w = replace(_where(text, unit=unit, before=Unit(before, 0, len(before))), seg=unit)
    assert [(e.name, how) for e, how, _c in topic(w, ctx)] == [(UNIVERSITY.name, "topic")]
    assert topic(replace(w, before=None), ctx) == []
    said = "完成整改"
    assert topic(replace(w, seg=Unit(said, unit.start, unit.start + len(said)), unit=Unit(said, unit.start, unit.start + 4)), ctx) == []
