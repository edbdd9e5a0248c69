"""Errors only the HTTP API raises: a missing write key, an oversized request line, an unreadable upload.

Subclasses of ingest/errors.py's :class:`PolicyKGError` (code and hint);
docs/errors.md lists them (tools/errors_page.py). api/app.py maps each to its
HTTP status.
"""

from __future__ import annotations

from ingest.errors import PolicyKGError


class UnauthorizedError(PolicyKGError):
    """A write without a valid API key (HTTP 401)."""

    code = "E401"
    default_hint = "send the write key in the X-API-Key header ($POLICYKG_API_KEY or DATA/api_key)"


class UriTooLongError(PolicyKGError):
    """A request line over the server's limit (HTTP 414)."""

    code = "E414"
    default_hint = "shorten the query string, or send long text in a POST body"


class UnsupportedMediaError(PolicyKGError):
    """An upload that is neither JSON nor multipart (HTTP 415)."""

    code = "E415"
    default_hint = "upload .txt, .html, .docx or .pdf with the matching Content-Type"
