"""Thin routers: each route checks its input and calls one library function.

``ERRORS`` documents the structured error body of every failure status, so
the OpenAPI schema (and schemathesis) know what a 4xx/5xx looks like.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from search.limits import MAX_K, MAX_QUERY_CHARS  # noqa: F401  (the routes' limits are the searcher's)

from ..models import ErrorBody

DATE_PATTERN = r"^(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$"
Since = Annotated[
    str | None,
    Query(
        pattern=DATE_PATTERN,
        json_schema_extra={"format": "date"},
        description="When the center's cycle began (its approval, YYYY-MM-DD): cycle-bound duties get next due dates counted from it",
    ),
]
AsOf = Annotated[
    str | None,
    Query(
        pattern=DATE_PATTERN,
        json_schema_extra={"format": "date"},
        description="Answer as of this date (YYYY-MM-DD; default: today): rules whose "
        "document is not in force then are left out of checklists and marked "
        "(in_force: false) elsewhere; a non-existent date is a 400",
    ),
]
AllVersions = Annotated[bool, Query(description="Keep rules whose document is not in force on as_of, marked with its status")]


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        400: "Bad input (PolicyKGError)",
        404: "Unknown document, clause, entity or platform type",
        422: "Invalid parameters (too long, k out of range, empty)",
        500: "A bug: logged on the server",
        503: "Not ingested yet, or a backend (Neo4j, the model) is unavailable",
    }.items()
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    401: {"model": ErrorBody, "description": "Missing or wrong API key"},
    409: {"model": ErrorBody, "description": "A document with this id exists"},
    413: {"model": ErrorBody, "description": "Upload too large"},
    507: {"model": ErrorBody, "description": "The disk is full: nothing was written, the previous store is live"},
}
PREVIEW_ERRORS: dict[int | str, dict[str, Any]] = {k: v for k, v in WRITE_ERRORS.items() if k not in (409, 507)}
"""A preview's failures: a write's, less those of writing (409: an existing id is reported, not refused; 507)."""
