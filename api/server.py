"""uvicorn as `policykg serve` runs it: bounded request heads, answered before closing.

uvicorn's h11 protocol answers any request head it cannot parse with a bare
400 and closes the socket at once. For a head over the size limit (a 200 KB
URL) that close comes while the client is still sending, so the kernel turns
it into a TCP reset and the client never sees an answer. :class:`Protocol`
names the problem instead (414 for an over-long request line, 431 for
over-long headers, with the API's JSON error body) and closes gracefully:
it half-closes, discards what the client still sends, and closes when the
client does (or after :data:`LINGER_SECONDS`).
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from graph.errors import QueryError
from ingest.errors import PolicyKGError

from .errors import UriTooLongError
from .http_guards import MAX_REQUEST_LINE_BYTES

MAX_REQUEST_HEAD_BYTES = 16 * 1024
"""Largest request line plus headers uvicorn buffers before refusing the request."""
LINGER_SECONDS = 2.0
"""How long a closing connection keeps discarding what the client still sends."""


class _LingeringTransport:
    """A transport whose ``close`` half-closes and drains first (nginx's lingering close)."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self.lingering = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def is_closing(self) -> bool:
        return self.lingering or self._transport.is_closing()

    def close(self) -> None:
        if self.lingering or self._transport.is_closing() or not self._transport.can_write_eof():
            self._transport.close()
            return
        self.lingering = True
        self._transport.write_eof()
        self._transport.resume_reading()
        self._loop.call_later(LINGER_SECONDS, self._transport.close)


def head_error(received: bytes) -> tuple[int, PolicyKGError] | None:
    """The status and error for a request head that overflowed the buffer, or None for another parse error."""
    if len(received) <= MAX_REQUEST_HEAD_BYTES:
        return None
    line_end = received.find(b"\n")
    if line_end < 0 or line_end > MAX_REQUEST_LINE_BYTES:
        return 414, UriTooLongError(
            f"the request line is longer than {MAX_REQUEST_LINE_BYTES} bytes", hint="shorten the query (a query is at most 500 characters)"
        )
    return 431, QueryError(f"the request headers are longer than {MAX_REQUEST_HEAD_BYTES} bytes", hint="send fewer or shorter headers")


class Protocol(H11Protocol):
    """uvicorn's h11 protocol with named refusals of oversized heads and lingering closes."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_LingeringTransport(transport, self.loop))  # type: ignore[arg-type]

    def data_received(self, data: bytes) -> None:
        if getattr(self.transport, "lingering", False):
            return  # the answer is sent; what the client still sends is discarded
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        refusal = head_error(self.conn.trailing_data[0])
        if refusal is None:
            super().send_400_response(msg)
            return
        status, err = refusal
        self.logger.warning("refused a request head: %s", err.message)
        body = json.dumps({"error": err.to_dict()}, ensure_ascii=False).encode("utf-8")
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
        for event in (
            h11.Response(status_code=status, headers=headers, reason=HTTPStatus(status).phrase),
            h11.Data(data=body),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event))
        self.transport.close()


def config(app: Any, *, host: str, port: int, log_level: str) -> Any:
    """The uvicorn configuration of ``app``: :class:`Protocol` and the request-head limit."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=log_level == "debug",
        http=Protocol,
        h11_max_incomplete_event_size=MAX_REQUEST_HEAD_BYTES,
    )


def run(app: Any, *, host: str, port: int, log_level: str) -> None:
    """Serve ``app`` until interrupted (what `policykg serve` does)."""
    import uvicorn

    uvicorn.Server(config(app, host=host, port=port, log_level=log_level)).run()
