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

OBLIGATION_COLUMNS = (
    "actor",
    "modality",
    "action",
    "object",
    "recipient",
    "condition",
    "deadline_phrase",
    "deadline",
    "due_before",
    "sanction",
    "doc_id",
    "clause_id",
    "path",
    "start",
    "end",
    "text",
)
DEADLINE_COLUMNS = ("phrase", "kind", "normalized", "subject", "doc_id", "clause_id", "start", "end", "text")

_RECURRENCE = re.compile(r"^R\d*/P(\d+)([YMWD])$")
_FREQ = {"Y": "YEARLY", "M": "MONTHLY", "W": "WEEKLY", "D": "DAILY"}


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


def to_ics(items: Iterable[dict[str, Any]], *, calendar_name: str, today: date | None = None) -> bytes:
    """An iCalendar file: one all-day event per dated row, recurring when the rule recurs (R/P1Y, R/P5Y …).

    A row's first date is its ``next_due`` (graph/calendar.py: the next due
    day as of the query's date, from the center's cycle start when given);
    a recurring rule whose day the text does not state is anchored on the
    year's end and its description says so. Each event says what is due (the
    obligation's action and object, or the deadline's subject), quotes the
    phrase and its source clause, and has a stable UID (clause id + phrase),
    so re-importing updates, not duplicates.
    """
    from icalendar import Calendar, Event

    from graph.calendar import deadline_of, next_due

    today = today or date.today()
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//policykg//checklist//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", calendar_name)
    seen: set[str] = set()
    for item in items:
        dl = deadline_of(item)
        if not dl:
            continue
        rule = recurrence_rule(dl.get("normalized"))
        if item.get("next_due"):
            due, basis = date.fromisoformat(item["next_due"]), item.get("next_due_basis") or ""
        else:
            found, basis = next_due(dl, today)
            if found is None:
                continue
            due = found
        uid = f"{item.get('id') or item.get('clause_id')}:{dl.get('phrase')}:{dl.get('normalized')}@policykg"
        if uid in seen:
            continue
        seen.add(uid)
        what = (
            " ".join(cell(item.get(k)) for k in ("actor", "action", "object") if item.get(k))
            or cell(item.get("subject"))
            or dl.get("phrase")
        )
        ev = Event()
        ev.add("uid", uid)
        ev.add("summary", f"{what}（{dl.get('phrase')}）")
        ev.add("dtstart", due)
        if rule:
            ev.add("rrule", rule)
        ev.add("dtstamp", stamp)
        note = "原文未规定具体日期 / the text states no day; date is a placeholder.\n" if "not stated" in basis else ""
        ev.add("description", f"{note}{basis}\n{item.get('doc_id')} {item.get('clause_id')}: {item.get('text', '')}")
        cal.add_component(ev)
    return cal.to_ical()


def attachment(filename: str) -> dict[str, str]:
    """A Content-Disposition header that keeps a Chinese file name (RFC 6266/5987)."""
    stem, dot, suffix = filename.rpartition(".")
    ascii_name = (re.sub(r"[^A-Za-z0-9]+", "-", stem if dot else filename).strip("-") or "download") + (dot + suffix if dot else "")
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}
