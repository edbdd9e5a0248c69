"""HTTP hygiene in front of the routes: HEAD, trailing slashes, UTF-8, body size.

One pure ASGI middleware, because each of these must happen before routing
or before a body is read, where FastAPI's handlers cannot reach:

- ``HEAD`` runs the ``GET`` route and sends its headers without the body
  (FastAPI routes declare GET only; health checks use HEAD);
- ``/documents/`` is answered as ``/documents`` directly: the router's own
  trailing-slash redirect builds its ``Location`` from the Host header,
  which lets a forged Host redirect a client elsewhere;
- a query string or path whose percent-escapes are not UTF-8 is refused
  with 400, instead of reaching a route with U+FFFD in place of the bytes;
- a request body is bounded while it streams in: a ``Content-Length`` over
  the limit is refused before any byte is read, and a chunked body is cut
  off (413) as soon as it passes the limit, never buffered in full.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable
from urllib.parse import unquote_to_bytes

from ingest.errors import EncodingError, PayloadTooLargeError, PolicyKGError

from .errors import UriTooLongError

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_REQUEST_LINE_BYTES = 8 * 1024
"""Longest accepted path plus query string (a 500-character query, %-escaped, is 4.5 KB)."""
ENVELOPE_BYTES = 64 * 1024
"""Room for a request's JSON or multipart framing around the document itself."""


def body_limit(max_upload_bytes: int) -> int:
    """Largest request body: a document at the upload limit, JSON-escaped (up to twice its size), framed."""
    return 2 * max_upload_bytes + ENVELOPE_BYTES


def undecodable(raw: bytes, *, query: bool) -> str | None:
    """The name of the first part of a path or query string that is not UTF-8 once unescaped, else None."""
    parts = raw.split(b"&") if query else [raw]
    for part in parts:
        for i, piece in enumerate(part.split(b"=", 1) if query else [part]):
            try:
                unquote_to_bytes(piece.replace(b"+", b" ") if query else piece).decode("utf-8")
            except UnicodeDecodeError:
                name = part.split(b"=", 1)[0].decode("ascii", "replace")
                return ("the name of a query parameter" if i == 0 else f"the query parameter `{name}`") if query else "the path"
    return None


class HttpGuards:
    """The middleware: wrap the app once, in :func:`api.app.create_app`."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await _send_error(send, *refusal)
            return
        scope = _without_trailing_slash(scope)
        if scope["method"] == "HEAD":
            scope, send = {**scope, "method": "GET"}, _headers_only(send)
        await self.app(scope, self._bounded(receive), send)

    def _refusal(self, scope: Scope) -> tuple[int, PolicyKGError] | None:
        raw_path, raw_query = scope.get("raw_path") or scope["path"].encode("utf-8"), scope.get("query_string", b"")
        if len(raw_path) + len(raw_query) > MAX_REQUEST_LINE_BYTES:
            return 414, UriTooLongError(
                f"the URL is longer than {MAX_REQUEST_LINE_BYTES} bytes", hint="shorten the query (a query is at most 500 characters)"
            )
        for raw, query in ((raw_path, False), (raw_query, True)):
            where = undecodable(raw, query=query)
            if where:
                return 400, EncodingError(
                    f"{where} is not valid UTF-8 once its %-escapes are decoded",
                    hint="percent-encode the UTF-8 bytes of the text, e.g. q=%E7%BB%8F%E8%B4%B9",
                )
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_body_bytes:
            return 413, _too_large(int(length), self.max_body_bytes)
        return None

    def _bounded(self, receive: Receive) -> Receive:
        """``receive`` that raises PayloadTooLargeError (413 via the app's handler) once the body passes the limit."""
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise _too_large(seen, self.max_body_bytes, partial=message.get("more_body", False))
            return message

        return bounded


def _too_large(size: int, limit: int, *, partial: bool = False) -> PayloadTooLargeError:
    amount = f"more than {limit}" if partial else str(size)
    return PayloadTooLargeError(
        f"the request body is {amount} bytes; the limit is {limit}", hint="split the document or raise POLICYKG_MAX_UPLOAD_BYTES"
    )


def _without_trailing_slash(scope: Scope) -> Scope:
    path = scope["path"]
    if len(path) < 2 or not path.endswith("/"):
        return scope
    stripped = path.rstrip("/") or "/"
    raw = scope.get("raw_path")
    return {**scope, "path": stripped, "raw_path": raw.rstrip(b"/") or b"/" if raw else raw}


def _headers_only(send: Send) -> Send:
    async def send_head(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return send_head


async def _send_error(send: Send, status: int, err: PolicyKGError) -> None:
    body = json.dumps({"error": err.to_dict()}, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})
