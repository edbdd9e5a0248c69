"""Question analysis: intents, expected answer types, entity and action linking."""

from __future__ import annotations

import pytest

from search.intent import analyze, detect_answer_type, satisfies_answer_type


@pytest.mark.parametrize(
    "question, intent",
    [
        ("技术创新中心考核不合格会被摘牌吗？", "sanction"),
        ("高精尖中心每年的经费有多少？", "funding"),
        ("依托单位要履行哪些职责？", "obligation"),
        ("申请北京市技术创新中心需要什么条件？", "condition"),
        ("年度报告什么时候报送？", "deadline"),
        ("What must the host university submit?", "obligation"),
        ("怀柔科学城有哪些大科学装置？", "fact"),
    ],
)
def test_intent(question: str, intent: str) -> None:
    assert analyze(question).intent == intent


@pytest.mark.parametrize(
    "question, kind, good, bad",
    [
        ("截止日期是几月几号？", "date", "每年年底前报送", "五年为一个建设周期"),
        ("占营收的百分之几？", "percent", "原则上70%用于聘任", "研发投入等"),
        ("每年给多少钱？", "money", "给予5000万至1亿元", "给予持续稳定支持"),
        ("目标是哪年？", "year", "到2030年", "近期"),
    ],
)
def test_answer_types(question: str, kind: str, good: str, bad: str) -> None:
    assert detect_answer_type(question) == kind
    assert satisfies_answer_type(kind, good)
    assert not satisfies_answer_type(kind, bad)


def test_english_names_link_to_canonical_entities() -> None:
    a = analyze("What must the host university of a Gaojingjian center report?")
    assert a.english
    assert "PlatformType:高精尖创新中心" in a.scope_ids()
    assert "Role:依托高校" in a.entity_ids
    assert "报送" in a.actions


def test_scope_distinguishes_national_from_beijing_centers() -> None:
    assert analyze("国家技术创新中心的经费").scope_ids() == ("PlatformType:国家技术创新中心",)
    assert analyze("北京市技术创新中心的经费").scope_ids() == ("PlatformType:北京市技术创新中心",)


def test_english_plurals_still_link_entities() -> None:
    """The alias table lists singular English names; plurals must meet them."""
    from search.intent import fold_plurals

    assert fold_plurals("Gaojingjian centers and Beijing Laboratories") == "Gaojingjian center  and Beijing Laboratory  "
    assert "PlatformType:高精尖创新中心" in analyze("Should Gaojingjian centers avoid leftover funds?").entity_ids
    assert (
        "PlatformType:北京市技术创新中心"
        in analyze("Which industries are Beijing municipal technology innovation centers laid out around?").entity_ids
    )


def test_english_glossary_expands_lexical_query() -> None:
    from search.intent import english_terms

    assert {"经费", "产业", "高校"} <= set(english_terms("How is funding for university industry projects managed?"))
    assert english_terms("How many days of annual leave do employees get?") == ()


@pytest.mark.parametrize(
    "question, predicate, role, measure",
    [
        ("高精尖中心的主任由谁任命？", "任命", "", ""),
        ("高精尖计划的市级领导小组是谁牵头成立的？办公室放在哪？", "牵头成立", "", ""),
        ("高精尖中心的学术委员会主任是谁？", "", "学术委员会主任", ""),
        ("依托高校每年要交多少管理费？", "", "", "管理费"),
        ("每项资助多少钱？", "", "", ""),
    ],
)
def test_asked_parts(question: str, predicate: str, role: str, measure: str) -> None:
    from search.intent import asked_measure, asked_predicate, asked_role

    assert (asked_predicate(question), asked_role(question), asked_measure(question)) == (predicate, role, measure)


@pytest.mark.parametrize(
    "question, kind, good, bad",
    [
        ("指引一共有多少条？", "count", "共22条内容", "支持45岁以下优秀青年科技人才"),
        ("办公室放在哪？", "place", "领导小组办公室设在市教委", "负责领导小组日常管理工作"),
        ("What is the maximum annual funding?", "money", "每年每个中心给予5000万至1亿元", "给予持续稳定支持"),
    ],
)
def test_new_answer_types(question: str, kind: str, good: str, bad: str) -> None:
    assert detect_answer_type(question) == kind
    assert satisfies_answer_type(kind, good) and not satisfies_answer_type(kind, bad)
