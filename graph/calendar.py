"""Deadlines on a real calendar: when each rule next falls due, as of a day.

A checklist row says "年度报告" (``R/P1Y``), "每年年底前" (``R/P1Y`` before
``--12-31``), "中期评估" (``mid-cycle``), "期末评估" (``end of cycle``) or
"到2024年底" (``2024-12-31``). Given the day the question is asked, and for
cycle-bound duties the day the center's cycle began (its approval, ``since``),
:func:`next_due` turns each into the next date it falls due and says how it
got there (``next_due_basis``), so a university gets dates it can put in a
calendar, not only phrases. A day the text does not state is never invented
silently: the basis says "day not stated".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable

from ingest import lexicon as L

_RECURRENCE = re.compile(r"^R\d*/P(\d+)([YMWD])$")
_PERIOD_YEARS = re.compile(r"^P(\d+)Y$")
_DUE_DAY = re.compile(r"^--(\d{2})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_CYCLE_WORDS = tuple(L.words("extraction.grammar_words.cycle_word"))
MID_CYCLE, END_OF_CYCLE = "mid-cycle", "end of cycle"


def deadline_of(item: dict[str, Any]) -> dict[str, Any] | None:
    """``{"phrase", "normalized", "before"}`` of a deadlines row or of an obligation's deadline, if any."""
    if "normalized" in item and "phrase" in item:
        return {"phrase": item["phrase"], "normalized": item["normalized"], "before": item.get("before")}
    d = item.get("deadline")
    if isinstance(d, dict):
        return d
    if isinstance(d, str) and d:
        return {"phrase": item.get("deadline_phrase") or d, "normalized": d, "before": item.get("due_before")}
    return None


def document_cycles(deadlines: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Each document's cycle length in years: a period (``P5Y``) whose phrase names a cycle (五年为一个建设周期)."""
    out: dict[str, int] = {}
    for d in deadlines:
        m = _PERIOD_YEARS.match(d.get("normalized") or "")
        if m and d.get("kind") == "period" and any(w in (d.get("phrase") or "") for w in _CYCLE_WORDS):
            out.setdefault(d["doc_id"], int(m.group(1)))
    return out


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _on_day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def next_due(
    deadline: dict[str, Any], as_of: dt.date, *, since: dt.date | None = None, cycle_years: int | None = None
) -> tuple[dt.date | None, str]:
    """The first day on or after ``as_of`` the deadline falls due, and how that was found.

    ``since`` starts the cycle (a center's approval date) for every-N-years
    duties and mid-/end-of-cycle reviews, whose cycle is ``cycle_years`` long.
    """
    normalized = deadline.get("normalized") or ""
    before = _DUE_DAY.match(deadline.get("before") or "")
    rec = _RECURRENCE.match(normalized)
    if rec and rec.group(2) == "Y":
        years = int(rec.group(1))
        if years == 1 and before:
            month, day = int(before.group(1)), int(before.group(2))
            due = _on_day(as_of.year, month, day)
            if due is not None:
                return (due if due >= as_of else _on_day(as_of.year + 1, month, day)), f"yearly, by {month}-{day}"
        if years == 1:  # a yearly duty follows the calendar year (年度报告), not the cycle
            return dt.date(as_of.year, 12, 31), "yearly, day not stated: the year's end"
        if since is not None and years > 1:
            due = since
            while due < as_of:
                due = _add_years(due, years)
            return due, f"every {years} years from {since.isoformat()}"
        return None, f"every {years} years: needs the cycle's start (since)"
    if normalized in (MID_CYCLE, END_OF_CYCLE):
        if since is None or not cycle_years:
            return None, f"{normalized}: needs the cycle's start (since) and length"
        start = since
        while _add_years(start, cycle_years) <= as_of:
            start = _add_years(start, cycle_years)
        if normalized == END_OF_CYCLE:
            return _add_years(start, cycle_years) - dt.timedelta(days=1), f"end of the {cycle_years}-year cycle from {start.isoformat()}"
        mid = start + (_add_years(start, cycle_years) - start) / 2
        if mid < as_of:
            start = _add_years(start, cycle_years)
            mid = start + (_add_years(start, cycle_years) - start) / 2
        return mid, f"middle of the {cycle_years}-year cycle from {start.isoformat()}"
    try:
        stated = dt.date.fromisoformat(normalized)
        return (stated, "the date stated") if stated >= as_of else (None, f"passed on {normalized}")
    except ValueError:
        pass
    year = _YEAR.match(normalized)
    if year:
        end = dt.date(int(year.group(1)), 12, 31)
        return (end, "by the end of the year stated") if end >= as_of else (None, f"passed at the end of {normalized}")
    return None, "no fixed date"


def schedule(
    items: Iterable[dict[str, Any]], as_of: dt.date, *, since: dt.date | None = None, cycles: dict[str, int] | None = None
) -> None:
    """Give every checklist row with a deadline its ``next_due`` (YYYY-MM-DD or null) and ``next_due_basis``."""
    for item in items:
        dl = deadline_of(item)
        if not dl:
            continue
        due, basis = next_due(dl, as_of, since=since, cycle_years=(cycles or {}).get(item.get("doc_id", "")))
        item["next_due"] = due.isoformat() if due else None
        item["next_due_basis"] = basis
