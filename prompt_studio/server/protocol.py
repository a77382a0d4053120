"""The HTTP/1.1 connections of `prompt-studio serve`: uvicorn's httptools protocol with the limits it lacks.

Holding a connection needs no key, so what one may cost is bounded before any key is read:
- a request's head (request line and headers) is at most MAX_HEAD_BYTES, or the answer is 431 and the connection
  closes. httptools gathers a header by concatenating its pieces, so one 120 MB header took 22 s of CPU and
  160 MB, and slowed every other client to 5-7 s;
- the head must be complete HEAD_TIMEOUT seconds after the server starts waiting for it (the connection opened,
  or the previous answer went out), or the connection closes, with a 408 if part of a request came: a client
  that trickles its headers (slow loris) or never sends them no longer keeps a connection forever;
- at most `max_connections` are open: past it, the connection that has waited longest for a request is closed to
  make room (so a flood of half-open connections cannot lock out a client that sends its request), and when none
  is waiting the newcomer is answered 503. `fit_connections_to_file_limit` keeps that number below the process's
  file descriptor limit: 1,050 half-open connections used to exhaust a desktop's 1,024 and reset everyone.

uvicorn's h11 protocol bounds heads itself, but cost a third to a half of the throughput in
benchmarks/server_bench.py (GET p99 4.5 -> 7-9 ms); these checks cost a counter per read and a timer per request,
within that benchmark's noise.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from http import HTTPStatus
from operator import attrgetter
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from prompt_studio.server.wire import error_response

try:
    import resource
except ImportError:  # Windows: no descriptor limit to fit
    resource = None

MAX_HEAD_BYTES = 16 * 1024
"""As h11 and Node allow; the official clients send well under 1 kB."""
MAX_HEADERS = 100
"""Checked by the app (server/app.py) once the head is parsed: 16 kB could otherwise carry 4,000 headers."""
HEAD_TIMEOUT = 5.0
"""Seconds from the first byte of a request to the end of its head."""
IDLE_TIMEOUT = 65.0
"""Seconds a kept-alive connection may wait, silent, for its next request. Longer than the app keeps an idle
connection (30 s) and than the 60 s of common proxies, so a client always lets go first and never sends a request
into a connection the server is closing; a flood of silent connections is met by making room, not by this."""
MAX_CONNECTIONS = 1024
FILE_DESCRIPTOR_MARGIN = 160
"""Descriptors kept for everything but connections: measured, an idle server holds 17, and about 100 once all 40
pool threads have opened the library (its file and its -wal each)."""


def fit_connections_to_file_limit() -> int:
    """How many connections the server may hold: MAX_CONNECTIONS, or fewer if the process cannot open that many
    descriptors and a margin. Raises the soft limit first, as far as the hard limit lets it (many desktops
    start processes at 1,024 with a hard limit far above)."""
    if resource is None:
        return MAX_CONNECTIONS
    wanted = MAX_CONNECTIONS + FILE_DESCRIPTOR_MARGIN
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < raised:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(1, min(MAX_CONNECTIONS, soft - FILE_DESCRIPTOR_MARGIN))


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """One connection, under the limits above. `bounded_protocol` makes the class uvicorn is given."""

    max_connections = MAX_CONNECTIONS
    _turns = itertools.count()
    """Orders waiting connections (connections accepted together share a loop time)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._in_head = True
        """Whether arriving bytes belong to a request's head (or come between requests)."""
        self._head_bytes = 0
        self._completed_in_read = False
        self.waiting_turn: int | None = None
        """When, in order, the server started waiting for this connection's next request; None while it answers."""
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait_for_request()
        if len(self.connections) > self.max_connections:
            self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """Feed the parser, then count the bytes if a head is still unfinished.

        Counting after the feed leaves out reads in which a request completed (they hold its body, or its head);
        a head that starts in such a read may therefore grow by one read (at most 256 kB) beyond the limit
        before it is refused.
        """
        self._completed_in_read = False
        if self._in_head and self._head_bytes == 0 and self._head_timer is not None:
            self._head_timer.cancel()  # a request starts: its head has HEAD_TIMEOUT from now, not the idle time
            self._head_timer = self.loop.call_later(HEAD_TIMEOUT, self._on_head_timeout)
        super().data_received(data)
        if self._in_head and not self._completed_in_read and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._answer_and_close(
                    431,
                    "Request Header Fields Too Large",
                    f"The request line and headers are larger than {MAX_HEAD_BYTES // 1024} kB.",
                )

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._stop_waiting()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._completed_in_read = True

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.cycle.response_complete:
            self._wait_for_request()

    def _wait_for_request(self) -> None:
        self.waiting_turn = next(self._turns)
        self._head_timer = self.loop.call_later(IDLE_TIMEOUT, self._on_head_timeout)

    def _stop_waiting(self) -> None:
        self.waiting_turn = None
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _on_head_timeout(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self._in_head and self._head_bytes:
            self._answer_and_close(
                408, "Request Timeout", f"The request's headers did not arrive within {HEAD_TIMEOUT:g} s."
            )
        else:
            self._close()

    def _make_room(self) -> None:
        """Close the connection that has waited longest for a request, or refuse this one if none waits."""
        waiting = [
            connection
            for connection in self.connections
            if connection is not self and getattr(connection, "waiting_turn", None) is not None
        ]
        if waiting:
            min(waiting, key=attrgetter("waiting_turn"))._close()
        else:
            self._answer_and_close(
                503,
                "Service Unavailable",
                "The server is answering as many connections as it can hold; try again in a moment.",
                {"Retry-After": "1"},
            )

    def _close(self) -> None:
        self._stop_waiting()
        self.transport.close()

    def _answer_and_close(self, status: int, error: str, message: str, headers: dict[str, str] | None = None) -> None:
        """The flat error answer, written straight to the socket (no request reached the app), then close.

        Nothing is written while an earlier pipelined answer is still going out: it would land inside that one.
        """
        if self.cycle is None or self.cycle.response_complete:
            response = error_response(status, error, message, headers={"Connection": "close", **(headers or {})})
            lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n".encode("ascii")]
            lines += [name + b": " + value + b"\r\n" for name, value in response.raw_headers]
            self.transport.write(b"".join(lines) + b"\r\n" + response.body)
        self._close()


def bounded_protocol(max_connections: int) -> type[BoundedHttpToolsProtocol]:
    """The protocol class for one server, holding at most `max_connections` connections."""
    return type(BoundedHttpToolsProtocol.__name__, (BoundedHttpToolsProtocol,), {"max_connections": max_connections})
