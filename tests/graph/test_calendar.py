"""graph/calendar.py: the next due date of a normalized deadline, as of a day."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.calendar import document_cycles, next_due, schedule

D = dt.date


@pytest.mark.parametrize(
    "deadline, as_of, since, want",
    [
        ({"normalized": "R/P1Y", "before": "--12-31"}, D(2026, 12, 2), None, (D(2026, 12, 31), "yearly, by 12-31")),
        ({"normalized": "R/P1Y", "before": "--03-31"}, D(2026, 12, 2), None, (D(2027, 3, 31), "yearly, by 3-31")),
        ({"normalized": "R/P1Y"}, D(2026, 5, 1), None, (D(2026, 12, 31), "yearly, day not stated: the year's end")),
        ({"normalized": "R/P5Y"}, D(2026, 12, 2), D(2022, 2, 19), (D(2027, 2, 19), "every 5 years from 2022-02-19")),
        ({"normalized": "end of cycle"}, D(2026, 12, 2), D(2022, 2, 19), (D(2027, 2, 18), "end of the 5-year cycle from 2022-02-19")),
        ({"normalized": "mid-cycle"}, D(2023, 1, 1), D(2022, 2, 19), (D(2024, 8, 20), "middle of the 5-year cycle from 2022-02-19")),
        ({"normalized": "mid-cycle"}, D(2026, 1, 1), D(2022, 2, 19), (D(2029, 8, 20), "middle of the 5-year cycle from 2027-02-19")),
        ({"normalized": "2030"}, D(2026, 12, 2), None, (D(2030, 12, 31), "by the end of the year stated")),
        ({"normalized": "2024-12-31"}, D(2026, 12, 2), None, (None, "passed on 2024-12-31")),
        ({"normalized": "R/unspecified"}, D(2026, 12, 2), None, (None, "no fixed date")),
    ],
)
def test_next_due(deadline, as_of, since, want):
    assert next_due(deadline, as_of, since=since, cycle_years=5) == want


def test_cycle_bound_duties_need_a_start():
    due, basis = next_due({"normalized": "end of cycle"}, D(2026, 1, 1), cycle_years=5)
    assert due is None and "since" in basis


def test_a_document_cycle_is_a_period_named_as_a_cycle():
    rows = [
        {"doc_id": "a", "kind": "period", "normalized": "P5Y", "phrase": "五年为一个建设周期"},
        {"doc_id": "b", "kind": "period", "normalized": "P2Y", "phrase": "连续两年"},
    ]
    assert document_cycles(rows) == {"a": 5}


def test_schedule_marks_rows_with_deadlines_only():
    rows = [{"doc_id": "a", "deadline": "R/P1Y", "due_before": "--12-31"}, {"doc_id": "a", "deadline": None}]
    schedule(rows, D(2026, 6, 1))
    assert rows[0]["next_due"] == "2026-12-31" and "next_due" not in rows[1]
