"""A deliberately misbehaving HTTP/1.1 server on 127.0.0.1, written on raw sockets.

A real framework would refuse to do most of what these tests need (close mid-body, lie about a length, stall),
so each request is answered by the next step of a script the test writes, and every request is recorded so a
test can count how often the client tried.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

Step = Callable[[asyncio.StreamWriter], Awaitable[bool]]
"""Writes one answer (or misbehaves); returns whether the connection stays open for the next request."""

_REASONS = {200: "OK", 204: "No Content", 404: "Not Found", 500: "Internal Server Error"}


@dataclass
class ReceivedRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    connection: int
    """Which TCP connection carried it (numbered from 0), to see keep-alive at work."""

    @property
    def json(self) -> Any:
        return json.loads(self.body)


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(status: int, body: bytes | str = b"", headers: dict[str, str] | None = None) -> Step:
    """A well-formed answer with an exact Content-Length."""
    content = body.encode() if isinstance(body, str) else body

    async def step(writer: asyncio.StreamWriter) -> bool:
        writer.write(_head(status, {"Content-Length": str(len(content)), **(headers or {})}) + content)
        await writer.drain()
        return True

    return step


def answer_json(status: int, payload: Any, headers: dict[str, str] | None = None) -> Step:
    return answer(status, json.dumps(payload), {"Content-Type": "application/json", **(headers or {})})


def close_mid_body() -> Step:
    """Promise 100 bytes, send 10, hang up."""

    async def step(writer: asyncio.StreamWriter) -> bool:
        head = _head(200, {"Content-Type": "application/json", "Content-Length": "100"})
        writer.write(head + b'[{"id": "p')
        await writer.drain()
        return False

    return step


def hang_up() -> Step:
    """Close the connection without a word."""

    async def step(writer: asyncio.StreamWriter) -> bool:
        return False

    return step


def stall() -> Step:
    """Never answer (until the server is closed)."""

    async def step(writer: asyncio.StreamWriter) -> bool:
        await asyncio.Event().wait()
        return False

    return step


def endless_body(total_bytes: int, *, declare_length: bool) -> Step:
    """A huge 200 body, either announced by Content-Length or sent chunked with no length at all."""
    chunk = b" " * 65536

    async def step(writer: asyncio.StreamWriter) -> bool:
        if declare_length:
            writer.write(_head(200, {"Content-Type": "application/json", "Content-Length": str(total_bytes)}))
        else:
            writer.write(_head(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
        sent = 0
        while sent < total_bytes:
            piece = chunk[: total_bytes - sent]
            writer.write(piece if declare_length else b"%x\r\n%s\r\n" % (len(piece), piece))
            await writer.drain()
            sent += len(piece)
        if not declare_length:
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        return False

    return step


@dataclass
class RawHttpServer:
    """Answers request N with `script[N]`; the last step repeats for any request beyond the script."""

    script: list[Step] = field(default_factory=list)
    requests: list[ReceivedRequest] = field(default_factory=list)
    url: str = ""
    connections: int = 0
    _server: asyncio.Server | None = None
    _handlers: set[asyncio.Task] = field(default_factory=set)
    _hung_up: dict[int, asyncio.Event] = field(default_factory=dict)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve_connection, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        for task in list(self._handlers):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._server.wait_closed()

    def methods(self) -> list[str]:
        return [request.method for request in self.requests]

    def _hang_up_of(self, connection: int) -> asyncio.Event:
        return self._hung_up.setdefault(connection, asyncio.Event())

    async def wait_hung_up(self, connection: int, timeout: float = 5.0) -> None:
        """Wait until the server has closed connection number `connection` (its socket is shut), at most
        `timeout` seconds."""
        try:
            await asyncio.wait_for(self._hang_up_of(connection).wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"the server did not close connection {connection} within {timeout} s") from None

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        connection = self.connections
        self.connections += 1
        try:
            keep_open = True
            while keep_open:
                request = await self._read_request(reader, connection)
                if request is None:
                    break
                self.requests.append(request)
                step = self.script[min(len(self.requests), len(self.script)) - 1]
                keep_open = await step(writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            self._hang_up_of(connection).set()
            self._handlers.discard(task)

    @staticmethod
    async def _read_request(reader: asyncio.StreamReader, connection: int) -> ReceivedRequest | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        headers = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        return ReceivedRequest(method, target, headers, body, connection)
