"""Downloads of the checklist: CSV of obligations, iCalendar of recurring deadlines.

Pure functions over the SPEC §4 dicts the graph store returns, so the API
(``?format=csv|ics``) and anything else render the same file.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timezone
from typing import Any, Iterable
from urllib.parse import quote

OBLIGATION_COLUMNS = ("actor", "modality", "action", "object", "recipient", "condition", "deadline_phrase",
                      "deadline", "due_before", "sanction", "doc_id", "clause_id", "path", "start", "end", "text")
DEADLINE_COLUMNS = ("phrase", "kind", "normalized", "subject", "doc_id", "clause_id", "start", "end", "text")

_RECURRENCE = re.compile(r"^R\d*/P(\d+)([YMWD])$")
_FREQ = {"Y": "YEARLY", "M": "MONTHLY", "W": "WEEKLY", "D": "DAILY"}
_DUE_DAY = re.compile(r"^--(\d{2})-(\d{2})$")


def cell(value: Any) -> str:
    """One CSV cell: nested values (a deadline with its phrase, a list of recipients) flattened."""
    if value is None:
        return ""
    if isinstance(value, dict):
        main = value.get("phrase") or value.get("name") or value.get("effect") or value.get("text") or ""
        norm = value.get("normalized") or value.get("trigger") or ""
        if main and norm and norm != main:
            return f"{main} ({norm})"
        return str(main or norm or ", ".join(f"{k}={cell(v)}" for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value if v not in (None, ""))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def to_csv(rows: Iterable[dict[str, Any]], columns: tuple[str, ...]) -> str:
    """CSV text with a header row; starts with a BOM so spreadsheet programs read Chinese as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) if c != "path" else " > ".join(row.get("path") or []) for c in columns])
    return out.getvalue()


def recurrence_rule(normalized: str | None) -> dict[str, Any] | None:
    """``R/P1Y`` → ``{"FREQ": "YEARLY", "INTERVAL": 1}``; None when it is not a fixed recurrence."""
    m = _RECURRENCE.match(normalized or "")
    if not m or int(m.group(1)) < 1:
        return None
    return {"FREQ": _FREQ[m.group(2)], "INTERVAL": int(m.group(1))}


def first_due(before: str | None, today: date) -> tuple[date, bool]:
    """The next due day of a recurrence (``--12-31`` → this year's 31 December) and whether the text gave it.

    When the source names no day the event is anchored on 1 January of the
    coming year and the description says the day is not stated.
    """
    m = _DUE_DAY.match(before or "")
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        try:
            due = date(today.year, month, day)
            return (due if due >= today else date(today.year + 1, month, day)), True
        except ValueError:
            pass
    return date(today.year + 1, 1, 1), False


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


def to_ics(items: Iterable[dict[str, Any]], *, calendar_name: str, today: date | None = None) -> bytes:
    """An iCalendar file with one recurring all-day event per fixed recurrence (R/PnY, R/PnM …).

    Each event says what is due (the obligation's action and object, or the
    deadline's subject), quotes the phrase and its source clause, and has a
    stable UID (clause id + phrase) so re-importing updates, not duplicates.
    """
    from icalendar import Calendar, Event

    today = today or date.today()
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//policykg//checklist//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", calendar_name)
    seen: set[str] = set()
    for item in items:
        dl = deadline_of(item)
        rule = recurrence_rule(dl.get("normalized")) if dl else None
        if not dl or not rule:
            continue
        uid = f"{item.get('id') or item.get('clause_id')}:{dl.get('phrase')}:{dl.get('normalized')}@policykg"
        if uid in seen:
            continue
        seen.add(uid)
        due, stated = first_due(dl.get("before"), today)
        what = " ".join(cell(item.get(k)) for k in ("actor", "action", "object") if item.get(k)) or cell(item.get("subject")) or dl.get("phrase")
        ev = Event()
        ev.add("uid", uid)
        ev.add("summary", f"{what}（{dl.get('phrase')}）")
        ev.add("dtstart", due)
        ev.add("rrule", rule)
        ev.add("dtstamp", stamp)
        note = "" if stated else "原文未规定具体日期 / the text states no day; date is a placeholder.\n"
        ev.add("description", f"{note}{item.get('doc_id')} {item.get('clause_id')}: {item.get('text', '')}")
        cal.add_component(ev)
    return cal.to_ical()


def attachment(filename: str) -> dict[str, str]:
    """A Content-Disposition header that keeps a Chinese file name (RFC 6266/5987)."""
    stem, dot, suffix = filename.rpartition(".")
    ascii_name = (re.sub(r"[^A-Za-z0-9]+", "-", stem if dot else filename).strip("-") or "download") + (dot + suffix if dot else "")
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}
