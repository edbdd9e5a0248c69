"""Graph reads: obligations checklist, deadlines, overlap matrix, entities.

The checklist and the deadlines also come as downloads (``format=csv`` or
``format=ics``), rendered by api/exports.py from the same store answer the
JSON shows, so the page, the CLI and a spreadsheet never disagree.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from graph.overlap import BY_CHOICES

from .. import exports
from ..deps import StoreDep
from ..models import Deadlines, Entity, Obligations, Overlap
from ..services import dated
from . import ERRORS, AllVersions, AsOf, Since

router = APIRouter(tags=["graph"], responses=ERRORS)

Name = Annotated[str, Query(min_length=1, max_length=100)]
Format = Annotated[Literal["json", "csv", "ics"], Query(description="json, or a download: csv, ics (recurring deadlines)")]
OverlapBy = Literal[BY_CHOICES]  # type: ignore[valid-type]  # graph/overlap.py owns the list
DOWNLOADS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}, "text/calendar": {}}, "description": "JSON, or the CSV / iCalendar download"}
}


def _download(data: dict, items: list[dict], fmt: str, name: str, columns: tuple[str, ...]) -> Response | dict:
    if fmt == "csv":
        return Response(exports.to_csv(items, columns), media_type="text/csv; charset=utf-8", headers=exports.attachment(f"{name}.csv"))
    if fmt == "ics":
        return Response(
            exports.to_ics(items, calendar_name=name, today=date.fromisoformat(data["as_of"])),
            media_type="text/calendar; charset=utf-8",
            headers=exports.attachment(f"{name}.ics"),
        )
    return data


@router.get("/obligations", response_model=Obligations, responses=DOWNLOADS)
def obligations(
    store: StoreDep,
    platform_type: Name,
    role: Annotated[str | None, Query(max_length=100)] = None,
    format: Format = "json",
    as_of: AsOf = None,
    all_versions: AllVersions = False,
    since: Since = None,
):
    """The obligation checklist of a platform type (optionally one role), ordered by when each falls due,
    as of a date (what is not in force then is left out, and listed under ``left_out``), each row with
    its next due date (``next_due``; cycle-bound ones from ``since``)."""
    data = dated(
        "obligations", store.obligations(platform_type, role or None), store, as_of, all_versions, since=since, center=platform_type
    )
    name = "-".join(p for p in ("obligations", data.get("platform_type") or platform_type, data.get("role")) if p)
    return _download(data, data["obligations"], format, name, exports.OBLIGATION_COLUMNS)


@router.get("/deadlines", response_model=Deadlines, responses=DOWNLOADS)
def deadlines(
    store: StoreDep,
    platform_type: Annotated[str | None, Query(max_length=100)] = None,
    format: Format = "json",
    as_of: AsOf = None,
    all_versions: AllVersions = False,
    since: Since = None,
):
    """Every deadline, period and recurrence, normalized (ISO 8601 where it fits), as of a date, each with
    its next due date (``next_due``; cycle-bound ones from ``since``)."""
    data = dated("deadlines", store.deadlines(platform_type or None), store, as_of, all_versions, since=since, center=platform_type)
    name = "-".join(p for p in ("deadlines", platform_type) if p)
    return _download(data, data["deadlines"], format, name, exports.DEADLINE_COLUMNS)


@router.get("/overlap", response_model=Overlap)
def overlap(store: StoreDep, by: OverlapBy = "platform_type", as_of: AsOf = None, all_versions: AllVersions = False) -> dict:
    """Which documents deploy each item, and the conflicts or divergences between them, among the
    documents in force on a date."""
    return dated("overlap", store.overlap(by), store, as_of, all_versions)


@router.get("/entities/{name}", response_model=Entity)
def entity(
    store: StoreDep, name: Annotated[str, Path(min_length=1, max_length=200)], as_of: AsOf = None, all_versions: AllVersions = False
) -> dict:
    """A name or alias (Chinese or English, a center's name included) resolved to its node and neighbourhood,
    with the rules that apply to it as of a date."""
    return dated("entity", store.entity(name), store, as_of, all_versions)
