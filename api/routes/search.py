"""GET /search and GET /ask: the searcher's ranked clauses and answers."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import SearcherDep
from ..models import Answer, SearchResults
from . import ERRORS, MAX_K, MAX_QUERY_CHARS

router = APIRouter(tags=["search"], responses=ERRORS)

WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
NOT_BLANK = f"[^{WHITESPACE}]"
"""At least one character that is not whitespace as Python's ``str.strip`` sees it (the searcher's test)."""
QueryText = Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, pattern=NOT_BLANK,
                                 description=f"Chinese or English, at most {MAX_QUERY_CHARS} characters, "
                                             "not only whitespace.")]


@router.get("/search", response_model=SearchResults)
def search(searcher: SearcherDep, q: QueryText,
           k: Annotated[int, Query(ge=1, le=MAX_K, description="How many clauses.")] = 10) -> dict:
    """Ranked clauses for a query (hybrid BM25 + dense), each with its section path and offsets."""
    return searcher.search(q, k)


@router.get("/ask", response_model=Answer)
def ask(searcher: SearcherDep, q: QueryText) -> dict:
    """The rules that apply to a question, with an answer built from the cited clauses, or an abstention."""
    return searcher.ask(q)
