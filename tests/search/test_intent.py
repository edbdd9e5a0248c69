"""Question analysis: intents, expected answer types, entity and action linking."""
from __future__ import annotations

import pytest

from search.intent import analyze, detect_answer_type, satisfies_answer_type


@pytest.mark.parametrize("question, intent", [
    ("技术创新中心考核不合格会被摘牌吗？", "sanction"),
    ("高精尖中心每年的经费有多少？", "funding"),
    ("依托单位要履行哪些职责？", "obligation"),
    ("申请北京市技术创新中心需要什么条件？", "condition"),
    ("年度报告什么时候报送？", "deadline"),
    ("What must the host university submit?", "obligation"),
    ("怀柔科学城有哪些大科学装置？", "fact"),
])
def test_intent(question: str, intent: str) -> None:
    assert analyze(question).intent == intent


@pytest.mark.parametrize("question, kind, good, bad", [
    ("截止日期是几月几号？", "date", "每年年底前报送", "五年为一个建设周期"),
    ("占营收的百分之几？", "percent", "原则上70%用于聘任", "研发投入等"),
    ("每年给多少钱？", "money", "给予5000万至1亿元", "给予持续稳定支持"),
    ("目标是哪年？", "year", "到2030年", "近期"),
])
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
