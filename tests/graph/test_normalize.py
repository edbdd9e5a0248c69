"""Time phrases and amounts normalize by rule, on phrases not taken from the corpus."""

from __future__ import annotations

import pytest

from ingest.normalize import amount_cny, normalize_phrase, time_phrases, to_int


@pytest.mark.parametrize(
    "phrase, kind, value",
    [
        ("三年为一个建设周期", "period", "P3Y"),
        ("为期一年的试点", "period", "P1Y"),
        ("任期不超过3年", "period", "P3Y"),
        ("滞留时间不得超过5日", "period", "P5D"),
        ("陈述时间不超过5分钟", "period", "PT5M"),
        ("建成两年后", "period", "P2Y"),
        ("2020年后", "date", "2020"),  # a year, not a count of years
        ("每三年进行资格复审", "recurrence", "R/P3Y"),
        ("每二年评审一次", "recurrence", "R/P2Y"),
        ("满 18 个月", "period", "P18M"),
        ("组建年限为3年", "period", "P3Y"),
        ("4年期满后", "period", "P4Y"),
        ("培育一年以上", "period", "P1Y"),
        ("建设期为2020—2023年", "period", "2020/2023"),  # years, not a 2023-year period
        ("2019年5月24日- 6月21日", "period", "2019-05-24/2019-06-21"),
        ("6月19日上午下班前", "date", "--06-19"),
        ("公示期间", "relative", "公示期间"),
        ("整改期满后", "relative", "整改期满后"),
        ("上一年度", "relative", "last year"),
        ("给予一年整改期", "period", "P1Y"),
        ("十年为一个周期", "period", "P10Y"),
        ("每两年开展一次", "recurrence", "R/P2Y"),
        ("四年开展一次", "recurrence", "R/P4Y"),
        ("每年开展一次", "recurrence", "R/P1Y"),
        ("到2026年底", "date", "2026-12-31"),
        ("至2030年", "date", "2030"),
        ("2023—2025年", "period", "2023/2025"),
        ("2023-2027年", "period", "2023/2027"),
        ("自印发之日起施行", "relative", "on publication"),
        ("自发布之日起执行", "relative", "on publication"),
        ("中期评估", "relative", "mid-cycle"),
        ("期末验收", "relative", "end of cycle"),
        ("年度工作总结", "recurrence", "R/P1Y"),
        ("定期组织", "recurrence", "R/unspecified"),
        ("连续三年", "period", "P3Y"),
        ("“十五五”时期", "period", "2026/2030"),
        ("“十二五”", "period", "2011/2015"),
        ("评估周期一般为三年", "period", "P3Y"),
        ("运行满四年", "period", "P4Y"),
        ("2020年7月至9月", "period", "2020-07/2020-09"),
        ("2022年1月到2024年8月", "period", "2022-01/2024-08"),
        ("11月下旬", "date", "--11"),
        ("6月底前", "date", "--06-30"),
        ("按年度", "recurrence", "R/P1Y"),
    ],
)
def test_phrase_normalizes(phrase: str, kind: str, value: str) -> None:
    meaning = normalize_phrase(phrase)
    assert meaning is not None, phrase
    assert (meaning.kind, meaning.normalized) == (kind, value)


def test_year_end_recurrence_has_due_day() -> None:
    meaning = normalize_phrase("每年年底前报送")
    assert meaning is not None and meaning.normalized == "R/P1Y" and meaning.before == "--12-31"


def test_next_year_is_not_an_annual_duty() -> None:
    found = [(m.normalized, "下一年度经费预算"[s:e]) for s, e, m in time_phrases("下一年度经费预算")]
    assert found[0][0] == "next year"
    assert all(v != "R/P1Y" for v, _ in found)


def test_offsets_are_exact() -> None:
    text = "各单位应当每年年底前报送材料，三年开展一次评估。"
    for s, e, _ in time_phrases(text):
        assert text[s:e] in ("每年年底前", "三年开展一次")


@pytest.mark.parametrize("token, value", [("五", 5), ("十八", 18), ("两", 2), ("35", 35), ("", None), ("abc", None)])
def test_numerals(token: str, value: int | None) -> None:
    assert to_int(token) == value


@pytest.mark.parametrize(
    "number, unit, cny",
    [
        ("5000", "万", 50_000_000),
        ("1", "亿", 100_000_000),
        ("2.5", "亿", 250_000_000),
        ("三", "万", 30_000),
        ("800", "元", 800),
        ("1,000", "万", 10_000_000),
    ],
)
def test_amounts(number: str, unit: str, cny: int) -> None:
    assert amount_cny(number, unit) == cny


@pytest.mark.parametrize(
    ("phrase", "kind", "value"),
    [
        ("201268日前", "date", "2012-06-08"),
        ("2021624日前", "date", "2021-06-24"),
        ("202162318:00", "date", "2021-06-23"),
        ("202346—2023428", "period", "2023-04-06/2023-04-28"),
        ("20211110-1116日", "period", "2021-11-10/2021-11-16"),
    ],
)
def test_a_date_that_lost_its_year_and_month_marks_is_read_when_one_reading_exists(phrase: str, kind: str, value: str) -> None:
    got = normalize_phrase(phrase)
    assert got is not None and (got.kind, got.normalized) == (kind, value)


@pytest.mark.parametrize("text", ["2021123日", "电话18770128767", "经费20000元", "年度考核与定期评估", "年度考核或定期评估结果"])
def test_no_date_and_no_recurrence(text: str) -> None:
    """Digits with two month/day readings or none; 定期评估 named beside another review."""
    assert normalize_phrase(text) is None


@pytest.mark.parametrize(
    ("phrase", "value"),
    [("2024年12月底前", "2024-12-31"), ("2024年2月底前", "2024-02-29"), ("2023年6月末", "2023-06-30")],
)
def test_a_months_end_is_its_last_day(phrase: str, value: str) -> None:
    got = normalize_phrase(phrase)
    assert got is not None and (got.kind, got.normalized) == ("date", value)


@pytest.mark.parametrize("text", ["在规定期限内完成", "认定期满后重新申请", "按约定期限拨付"])
def test_a_word_ending_in_ding_before_qi_is_not_regularly(text: str) -> None:
    """规定期限 holds the characters 定期 (regularly) but not the word."""
    assert all(m.normalized != "R/unspecified" for _s, _e, m in time_phrases(text))


@pytest.mark.parametrize("phrase", ["“十四五”期间", "十四五期间", "国家十四五规划"])
def test_the_fourteenth_five_year_plan_with_or_without_quotes(phrase: str) -> None:
    got = normalize_phrase(phrase)
    assert got is not None and got.normalized == "2021/2025"
