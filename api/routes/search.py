"""GET /search and GET /ask: the searcher's ranked clauses and answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import SearcherDep
from ..models import Answer, SearchResults
from ..services import dated
from . import ERRORS, MAX_K, MAX_QUERY_CHARS, AllVersions, AsOf

router = APIRouter(tags=["search"], responses=ERRORS)

WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
NOT_BLANK = f"[^{WHITESPACE}]"
"""At least one character that is not whitespace as Python's ``str.strip`` sees it (the searcher's test)."""
QueryText = Annotated[
    str,
    Query(
        min_length=1,
        max_length=MAX_QUERY_CHARS,
        pattern=NOT_BLANK,
        description=f"Chinese or English, at most {MAX_QUERY_CHARS} characters, not only whitespace.",
    ),
]


@router.get("/search", response_model=SearchResults)
def search(
    searcher: SearcherDep,
    q: QueryText,
    k: Annotated[int, Query(ge=1, le=MAX_K, description="How many clauses.")] = 10,
    as_of: AsOf = None,
    all_versions: AllVersions = False,
) -> dict:
    """Ranked clauses for a query (hybrid BM25 + dense), each with its section path, offsets and the
    standing of its document on a date."""
    return dated("search", searcher.search(q, k), searcher.store, as_of, all_versions, data_dir=searcher.local_data)


@router.get("/ask", response_model=Answer)
def ask(searcher: SearcherDep, q: QueryText, as_of: AsOf = None, all_versions: AllVersions = False) -> dict:
    """The rules that apply to a question, with an answer built from the cited clauses (its source's standing
    first when not in force on the date), or an abstention."""
    return dated("ask", searcher.ask(q), searcher.store, as_of, all_versions, data_dir=searcher.local_data)
