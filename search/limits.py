"""The limits of a search request, in one place for the library, the CLI and the API.

Kept in a module of its own (no imports) so the API's schema and the CLI's
options can name them without loading the search stack.
"""

from __future__ import annotations

MAX_QUERY_CHARS = 500
"""Longest accepted query or question, in characters."""
MAX_K = 100
"""Most clauses one search returns."""
