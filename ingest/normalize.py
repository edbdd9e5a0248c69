"""Normalizers for deadline phrases, Chinese numerals and money amounts.

Pure functions over strings, kept apart from the extractors so each rule can
be tested on its own and reused (the extractors find a phrase; these say what
it means).  Chinese numerals go through cn2an rather than a hand-written table.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Callable

import cn2an

from . import lexicon as L

CN_NUM = "零〇一二两三四五六七八九十百千万亿"
_CN_OR_DIGIT = f"[\\d{CN_NUM}]+"


def to_int(token: str) -> int | None:
    """``"五"`` → 5, ``"十八"`` → 18, ``"两"`` → 2, ``"30"`` → 30; None if not a number."""
    token = token.strip()
    if not token:
        return None
    if token.isdigit():
        return int(token)
    try:
        value = cn2an.cn2an(token, "smart")
    except (ValueError, KeyError, TypeError):
        return None
    return int(value) if float(value).is_integer() else None


_UNIT = {"": 1, "元": 1, "万": 10_000, "万元": 10_000, "亿": 100_000_000, "亿元": 100_000_000}


def amount_cny(number: str, unit: str) -> int | None:
    """``("5000", "万")`` → 50,000,000; Chinese numerals (``"一", "亿"``) and
    grouped digits (``"1,000"``) accepted."""
    number = number.replace(",", "")
    try:
        value = float(number)
    except ValueError:
        iv = to_int(number)
        if iv is None:
            return None
        value = float(iv)
    factor = _UNIT.get(unit)
    return int(round(value * factor)) if factor is not None else None


@dataclass(frozen=True)
class Normalized:
    """What a time phrase means: its kind and an ISO-8601-style value.

    ``kind``: ``date`` (a point: 2024-12-31, 2030), ``period`` (a duration or
    an interval: P5Y, 2022/2024), ``recurrence`` (R/P1Y, R/P3Y), ``relative``
    (on publication, mid-cycle, end of cycle).  ``before`` holds a recurring
    due day in ISO's ``--MM-DD`` form (每年年底前 → ``--12-31``).
    ``order`` sorts duties by when they fall due inside one cycle.
    """

    kind: str
    normalized: str
    before: str | None = None
    order: float = 50.0


Meaning = Callable[[re.Match[str]], Normalized | None]

# (pattern, function(match) -> Normalized | None, the characters one of which any
# match holds).  Order matters: the first pattern that matches a span wins, and
# longer/more specific phrases come first.
_PATTERNS: list[tuple[re.Pattern[str], Meaning, frozenset[str] | None]] = []


def _add(pattern: str, fn: Meaning) -> None:
    compiled = L.compile_re(pattern)
    _PATTERNS.append((compiled, fn, L.required_chars(compiled)))


def _rule(pattern: str) -> Callable[[Meaning], Meaning]:
    """Register a phrase whose meaning is computed from its words."""

    def register(fn: Meaning) -> Meaning:
        _add(pattern, fn)
        return fn

    return register


def _fixed(pattern: str, kind: str, value: str, order: float, before: str | None = None) -> None:
    """Register a phrase with one meaning whatever its words (每年度 → R/P1Y)."""
    meaning = Normalized(kind, value, before=before, order=order)
    _add(pattern, lambda _m: meaning)


def _counted(pattern: str, kind: str, template: str, order: Callable[[int], float]) -> None:
    """Register a phrase that counts years in its first group (五年为一个建设周期 → P5Y);
    a count that is not a number means no match."""

    def meaning(m: re.Match[str]) -> Normalized | None:
        n = to_int(m.group(1))
        if not n or (template.endswith("Y") and n >= 100):
            return None  # 建设期为2020—2023年 names years, not a count of them
        return Normalized(kind, template.format(n=n), order=order(n))

    # a web copy may set a count off by spaces (运营时间满 18 个月)
    _add(pattern.replace(f"({_CN_OR_DIGIT})", f" ?({_CN_OR_DIGIT}) ?"), meaning)


_fixed(
    r"(?:自|从)(?:{extraction.time.publication})之日起(?:{extraction.time.taking_effect})?|截至本通知(?:{extraction.time.publication})之日",
    "relative",
    "on publication",
    0,
)


def _md(month: str, day: str) -> str:
    return f"{to_int(month):02d}-{to_int(day):02d}"


@_rule(r"(\d{4})年(\d{1,2})月(\d{1,2})日[^，。；、]{0,12}?(?:至|到|—|-|~)\s*(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日")
def _date_range(m: re.Match[str]) -> Normalized:
    end_year = m.group(4) or m.group(1)
    end_month = m.group(5) or m.group(2)
    return Normalized("period", f"{m.group(1)}-{_md(m.group(2), m.group(3))}/{end_year}-{_md(end_month, m.group(6))}", order=55)


@_rule(r"(\d{4})年(\d{1,2})月(?:至|到|—|-|~)\s*(?:(\d{4})年)?(\d{1,2})月(?![\d一二三四五六七八九十]{0,3}日)")
def _month_range(m: re.Match[str]) -> Normalized:
    """2020年7月至9月, 2022年1月到2024年8月: a window of months."""
    end_year = m.group(3) or m.group(1)
    return Normalized("period", f"{m.group(1)}-{to_int(m.group(2)):02d}/{end_year}-{to_int(m.group(4)):02d}", order=55)


@_rule(r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:[（(][^）)]{1,4}[）)])?(?:[上下]午)?(?:\d{1,2}[点时:：]\d{0,2}分?)?(?:之?前|以前|止)?")
def _date(m: re.Match[str]) -> Normalized:
    return Normalized("date", f"{m.group(1)}-{_md(m.group(2), m.group(3))}", order=60)


def _month_day(digits: str) -> str | None:
    """The one month and day a run of 2–4 digits can be, as ``MM-DD`` (624 → 06-24,
    1110 → 11-10), or None when there are two readings (123: 1-23 or 12-3) or none."""
    readings = {(int(digits[:i]), int(digits[i:])) for i in (1, 2) if 1 <= len(digits) - i <= 2}
    valid = [(mo, d) for mo, d in readings if 1 <= mo <= 12 and 1 <= d <= 31]
    return f"{valid[0][0]:02d}-{valid[0][1]:02d}" if len(valid) == 1 else None


# A web copy that lost 年 and 月 (2021624日前, 202162318:00, 202346—2023428): read where
# only one reading exists (docs/annotation_guide.md)
_GARBLED = r"(?<!\d)((?:19|20)\d{2})(\d{2,4}?)"


@_rule(_GARBLED + r"日?\s*[—–\-－~～至到]\s*((?:19|20)\d{2})?(\d{2,4})日?(?!\d)")
def _garbled_window(m: re.Match[str]) -> Normalized | None:
    start, end = _month_day(m.group(2)), _month_day(m.group(4))
    if start is None or end is None:
        return None
    return Normalized("period", f"{m.group(1)}-{start}/{m.group(3) or m.group(1)}-{end}", order=55)


@_rule(_GARBLED + r"(?:日(?:之?前|以前)?|(?=\d{2}[:：]\d{2}))")
def _garbled_date(m: re.Match[str]) -> Normalized | None:
    day = _month_day(m.group(2))
    return Normalized("date", f"{m.group(1)}-{day}", order=60) if day else None


@_rule(r"每年(\d{1,2}|[一二三四五六七八九十]+)月(?:(\d{1,2}|[一二三四五六七八九十]+)日|底|末)(?:之?前|以前)")
def _yearly_due(m: re.Match[str]) -> Normalized:
    day = m.group(2) or {2: "28", 4: "30", 6: "30", 9: "30", 11: "30"}.get(to_int(m.group(1)) or 0, "31")
    return Normalized("recurrence", "R/P1Y", before=f"--{_md(m.group(1), day)}", order=20)


@_rule(r"(\d{4})年?\s*[、和及]\s*(\d{4})年")
def _two_years(m: re.Match[str]) -> Normalized:
    return Normalized("period", f"{m.group(1)}/{m.group(2)}", order=55)


_counted(
    f"(?:{{extraction.time.period_names}})[^，。；]{{0,6}}?(?:{{extraction.time.period_bounds}})?({_CN_OR_DIGIT})年",
    "period",
    "P{n}Y",
    lambda n: 90,
)


@_rule(
    r"(?:{extraction.time.named_deadlines})(?:为|是|：|:)\s*(\d{1,2})月(\d{1,2})日(?:[（(][^）)]{1,4}[）)])?(?:\d{1,2}[点时:：]\d{0,2}分?)?"
)
def _named_due_day(m: re.Match[str]) -> Normalized:
    """截止时间为6月27日17时: a due day without a year, named as the deadline."""
    return Normalized("date", f"--{_md(m.group(1), m.group(2))}", order=60)


@_rule(r"(?<![年\d])(\d{1,2})月(\d{1,2})日[^，。；、]{0,12}?(?:至|到|—|-|~)\s*(?:(\d{1,2})月)?(\d{1,2})日")
def _day_range(m: re.Match[str]) -> Normalized:
    """A window without a year (10月25日至10月31日): ``--MM-DD/--MM-DD``; the extractor adds the document's year."""
    return Normalized("period", f"--{_md(m.group(1), m.group(2))}/--{_md(m.group(3) or m.group(1), m.group(4))}", order=55)


@_rule(r"(?<![年\d])(\d{1,2}|[一二三四五六七八九十]{1,3})月({extraction.time.month_parts})(?:之?前|以前)?")
def _month_part(m: re.Match[str]) -> Normalized | None:
    """11月下旬 (``--11``), 6月底前 (its last day, ``--06-30``): a time in a month without a
    year; the extractor adds the document's year."""
    month = to_int(m.group(1))
    if not month or not 1 <= month <= 12:
        return None
    if m.group(2) in _MONTH_ENDS:
        return Normalized("date", f"--{month:02d}-{calendar.monthrange(2001, month)[1]:02d}", order=60)
    return Normalized("date", f"--{month:02d}", order=60)


_MONTH_ENDS = frozenset(L.words("extraction.time.month_ends"))


@_rule(
    r"(?<![年\d])(\d{1,2})月(\d{1,2})日(?:[（(][^）)]{1,4}[）)])?(?:[上下]午[^，。；]{0,4}?)?(?:\d{1,2}[点时:：]\d{0,2}分?)?(?:之?前|以前)"
)
def _day_of_year(m: re.Match[str]) -> Normalized:
    """A due day without a year (6月20日前): ``--MM-DD``; the extractor adds the document's year."""
    return Normalized("date", f"--{_md(m.group(1), m.group(2))}", order=60)


_counted(f"近({_CN_OR_DIGIT})年(?:内|来)?", "period", "P{n}Y", lambda n: 95)
_counted(f"({_CN_OR_DIGIT})年(?:期满后?|以上|(?:之)?内)", "period", "P{n}Y", lambda n: 90)
_counted(f"({_CN_OR_DIGIT})年的?(?:{{extraction.time.named_periods}})期", "period", "P{n}Y", lambda n: 90)
_fixed(r"(?:按|每)季度|每个季度|季度(?=报送|报告)", "recurrence", "R/P3M", 15)
_fixed(r"(?:按|每)月|每个月", "recurrence", "R/P1M", 12)
_fixed(r"每半年|半年一次", "recurrence", "R/P6M", 18)
_fixed(r"为期半年|半年内|提前半年", "period", "P6M", 45)
_counted(f"({_CN_OR_DIGIT})个?工作日(?:内|之内)?", "period", "P{n}D", lambda n: 30)
_counted(f"({_CN_OR_DIGIT})(?:日|天)(?:内|之内)", "period", "P{n}D", lambda n: 30)
_counted(f"(?:为期)?({_CN_OR_DIGIT})个月(?:内|之内)?", "period", "P{n}M", lambda n: 40)
_counted(f"(?:{{extraction.time.duration_bounds}})({_CN_OR_DIGIT})(?:日|天)", "period", "P{n}D", lambda n: 30)
_counted(f"(?:{{extraction.time.duration_bounds}})({_CN_OR_DIGIT})年", "period", "P{n}Y", lambda n: 90)
_counted(f"(?:{{extraction.time.duration_bounds}})({_CN_OR_DIGIT})个?小时", "period", "PT{n}H", lambda n: 30)
_counted(f"(?:{{extraction.time.duration_bounds}})({_CN_OR_DIGIT})分钟", "period", "PT{n}M", lambda n: 30)
# 建成两年后, 3年后: a length of time after an event (not 2020年后: a count, not a year)
_counted(f"(?<![\\d{CN_NUM}])({_CN_OR_DIGIT})年(?:之|以)?后", "period", "P{n}Y", lambda n: 90)
_counted(
    f"(?:{{extraction.time.run_kinds}})?(?:周期|期限)(?:{{extraction.time.period_hedges}})?(?:为|满)?({_CN_OR_DIGIT})年",
    "period",
    "P{n}Y",
    lambda n: 90,
)
_counted(f"(?:{{extraction.time.run_kinds}})?满({_CN_OR_DIGIT})年", "period", "P{n}Y", lambda n: 90)
_fixed(r"每年年底前|每年年末前|每年(?:12|十二)月(?:31|三十一)日前", "recurrence", "R/P1Y", 20, before="--12-31")
_counted(f"(?:{{extraction.time.terms}})({_CN_OR_DIGIT})年", "period", "P{n}Y", lambda n: 90)
_counted(f"(?:{{extraction.time.ahead}})({_CN_OR_DIGIT})年", "period", "P{n}Y", lambda n: 95)


@_rule(r"(?:到|至|截至)?(\d{4})年(?:底|年底|末|年末)(?:前)?")
def _year_end(m: re.Match[str]) -> Normalized:
    return Normalized("date", f"{m.group(1)}-12-31", order=60)


@_rule(r"(\d{4})年?\s*[—–\-－~～至到]\s*(\d{4})\s*年")
def _window(m: re.Match[str]) -> Normalized:
    return Normalized("period", f"{m.group(1)}/{m.group(2)}", order=55)


@_rule(r"“十([一二三四五六七八九])五”(?:时期)?|(?<![“第\d一二三四五六七八九十])十([一二三四五六七八九])五(?=时期|期间|规划)")
def _five_year_plan(m: re.Match[str]) -> Normalized | None:
    # The n-th five-year plan (“十四五”, 十四五期间): the 3rd ran 1966-1970, each later one the next five years.
    n = 10 + (to_int(m.group(1) or m.group(2)) or 0)
    start = 1966 + 5 * (n - 3)
    return Normalized("period", f"{start}/{start + 4}", order=55)


@_rule(r"(\d{4})年(\d{1,2})月(?:底|末)(?:之?前|以前)?")
def _month_end(m: re.Match[str]) -> Normalized:
    """2024年12月底前: the month's last day."""
    year, month = int(m.group(1)), to_int(m.group(2)) or 12
    return Normalized("date", f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}", order=60)


@_rule(r"(?:到|至)(\d{4})年")
def _by_year(m: re.Match[str]) -> Normalized:
    return Normalized("date", m.group(1), order=60)


_counted(f"每({_CN_OR_DIGIT})年为一个(?:{{extraction.time.cycle_kinds}})?周期", "recurrence", "R/P{n}Y", lambda n: 20 + 5 * n)
_counted(f"({_CN_OR_DIGIT})年为一个(?:{{extraction.time.cycle_kinds}})?周期", "period", "P{n}Y", lambda n: 90)
_counted(f"(?:每)?({_CN_OR_DIGIT})年(?:{{extraction.time.recurring_acts}})?一次", "recurrence", "R/P{n}Y", lambda n: 20 + 5 * n)
_fixed(r"每年(?:{extraction.time.yearly_acts})?一次|每年度|按年度", "recurrence", "R/P1Y", 20)
# 每三年进行资格复审, 每二年评审一次: every n years, whatever the act between
_counted(f"每({_CN_OR_DIGIT})年(?:[\u4e00-\u9fff]{{1,6}}?一次)?", "recurrence", "R/P{n}Y", lambda n: 21 + 5 * n)
# The cycle length is a property of the document (000: 五年为一个建设周期);
# the extractor substitutes it, this says only "once per cycle".
_fixed(r"(?:一|每)个(?:建设|实施)?周期内(?:至少)?(?:{extraction.time.cycle_acts})?(?:一次)?", "recurrence", "R/cycle", 80)
_fixed(r"中期(?:{extraction.time.mid_reviews})", "relative", "mid-cycle", 70)
_fixed(r"期末(?:综合)?(?:{extraction.time.final_reviews})|周期验收", "relative", "end of cycle", 85)
_fixed(
    r"(?<!下一)(?<!上一)(?<![下上前当\d])(?:年度|每年)[\u4e00-\u9fff]{0,8}?(?:{=extraction.time.annual_outputs})|年报",
    "recurrence",
    "R/P1Y",
    25,
)
_fixed(r"当年(?=产生|结余|内)", "recurrence", "R/P1Y", 25)
# 每年 on its own (每年年底要…考核, 每年在实验室工作…): every year, after the patterns that read more
_fixed(r"每年(?:年底|年末)?(?![度\d一二三四五六七八九十])", "recurrence", "R/P1Y", 22)
_fixed(r"(?<!{extraction.time.not_regular_before})定期(?:{=extraction.time.regular_acts})?", "recurrence", "R/unspecified", 40)
_fixed(r"(?:下一|下个)年度", "relative", "next year", 30)
_counted(r"连续(" + _CN_OR_DIGIT + r")年", "period", "P{n}Y", lambda n: 95)
# A year label (2020年度总结, 2021年拟认定): the year itself, after every
# pattern that reads more into the words around it.
_rule(r"(?<!\d)(\d{4})年度?(?![\d月底末])")(lambda m: Normalized("date", m.group(1), order=60))
# A named stage of a procedure (公示期间, 整改期满后, 申报截止前): when, relative to it.
_rule(r"(?:{extraction.time.named_periods})(?:期间|期内|期满后?|期(?![为限]))|(?:{extraction.time.named_deadlines})(?:之?前|以前)")(
    lambda m: Normalized("relative", m.group(0), order=70)
)
_fixed(r"本年度|今年|当年度", "relative", "this year", 60)
_fixed(r"上一?年度|去年|上年", "relative", "last year", 5)


def time_phrases(text: str) -> list[tuple[int, int, Normalized]]:
    """Every time phrase in ``text`` as ``(start, end, meaning)``, non-overlapping.

    Patterns are tried in priority order; a later pattern never takes
    characters an earlier one already matched.  A pattern whose required
    characters are all absent from ``text`` is not run (most sentences hold no
    time phrase, and running each of the patterns over each was most of the cost).
    """
    taken: list[tuple[int, int, Normalized]] = []
    present = set(text)
    for pattern, fn, needs in _PATTERNS:
        if needs is not None and needs.isdisjoint(present):
            continue
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e, _ in taken):
                continue
            meaning = fn(m)
            if meaning is not None:
                taken.append((m.start(), m.end(), meaning))
    return sorted(taken, key=lambda t: t[0])


def normalize_phrase(phrase: str) -> Normalized | None:
    """The meaning of one phrase, or None (``"五年为一个建设周期"`` → P5Y)."""
    found = time_phrases(phrase)
    return found[0][2] if found else None
