"""A lean HTTP/1.1 transport for httpx: pooled keep-alive connections on asyncio streams.

httpx's default transport (httpcore over anyio) cost 1.1-1.4 ms of CPU per request on a 2-core machine, twice
what `prompt-studio serve` needs to answer a sync, so saving 200 prompts was bound by the client. This one
writes each request in a single send and parses the answer with a handful of byte operations: about 0.55 ms
per request (benchmarks/sync_vs_cli.py). httpx keeps everything above the transport: URLs, headers, auth,
decoding, the `Response`.
"""

from __future__ import annotations

import asyncio
import select
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

_READ_SIZE = 65536
_MAX_HEAD_BYTES = 65536
_FORBIDDEN_IN_HEADERS = (b"\r", b"\n", b"\0")
_NO_BODY_STATUSES = frozenset({204, 304})

Origin = tuple[str, str, int]


@dataclass
class _Connection:
    origin: Origin
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    @property
    def usable(self) -> bool:
        """False once the server hung up (or sent something unasked) while the connection sat idle.

        The socket itself is asked too: the reader learns of a hang-up only when the event loop has run since,
        and a server restarted in between would otherwise get a request on a dead connection, which a sync
        may not repeat.
        """
        return not self.writer.is_closing() and not self.reader.at_eof() and not self._socket_readable()

    def _socket_readable(self) -> bool:
        """An idle HTTP/1.1 connection has nothing to read; if it has, it is the server's hang-up (or junk)."""
        sock = self.writer.get_extra_info("socket")
        if sock is None:
            return False
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return bool(readable)

    def close(self) -> None:
        self.writer.close()


def _timeout(request: httpx.Request, which: str) -> float | None:
    return request.extensions.get("timeout", {}).get(which)


def _request_bytes(request: httpx.Request, body: bytes) -> bytes:
    """Request line, headers and body as one buffer, so the server gets the whole request in one read."""
    lines = [b"%s %s HTTP/1.1" % (request.method.encode("ascii"), request.url.raw_path)]
    lines += [b"%s: %s" % (name, value) for name, value in request.headers.raw]
    if any(character in line for line in lines for character in _FORBIDDEN_IN_HEADERS):
        raise httpx.LocalProtocolError("a header holds a line break or a NUL byte", request=request)
    head = b"\r\n".join(lines)
    if request.headers.get("transfer-encoding", "").lower() == "chunked":
        body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) if body else b"0\r\n\r\n"
    return head + b"\r\n\r\n" + body


@dataclass(frozen=True)
class _Head:
    http_version: bytes
    status: int
    reason: bytes
    headers: list[tuple[bytes, bytes]]

    def values(self, name: bytes) -> list[bytes]:
        return [value for key, value in self.headers if key.lower() == name]


def _parse_head(raw: bytes, request: httpx.Request) -> _Head:
    status_line, *header_lines = raw[:-4].split(b"\r\n")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not (parts[1].isdigit() and len(parts[1]) == 3):
        raise httpx.RemoteProtocolError(f"not an HTTP/1.x status line: {status_line[:80]!r}", request=request)
    headers = []
    for line in header_lines:
        name, separator, value = line.partition(b":")
        if not separator or not name or name != name.strip() or line[:1] in (b" ", b"\t"):
            raise httpx.RemoteProtocolError(f"malformed header line: {line[:80]!r}", request=request)
        headers.append((name, value.strip()))
    return _Head(parts[0], int(parts[1]), parts[2] if len(parts) > 2 else b"", headers)


def _content_length(head: _Head, request: httpx.Request) -> int | None:
    declared = set(head.values(b"content-length"))
    if not declared:
        return None
    if len(declared) > 1 or not next(iter(declared)).isdigit():
        raise httpx.RemoteProtocolError("the answer has an invalid Content-Length", request=request)
    return int(next(iter(declared)))


def _is_chunked(head: _Head) -> bool:
    codings = b",".join(head.values(b"transfer-encoding")).split(b",")
    return codings[-1].strip().lower() == b"chunked" if codings != [b""] else False


def _keeps_alive(head: _Head, request: httpx.Request) -> bool:
    asked = request.headers.get("connection", "").encode("latin-1")
    tokens = {token.strip().lower() for value in (*head.values(b"connection"), asked) for token in value.split(b",")}
    if b"close" in tokens:
        return False
    return head.http_version == b"HTTP/1.1" or b"keep-alive" in tokens


class _ResponseBody(httpx.AsyncByteStream):
    """The body as it arrives; the connection goes back to the pool only once the body was read to its end."""

    def __init__(
        self, transport: Http11Transport, connection: _Connection, request: httpx.Request, head: _Head
    ):
        self._transport = transport
        self._connection = connection
        self._request = request
        self._read_timeout = _timeout(request, "read")
        self._complete = False
        self._closed = False
        self._reusable = _keeps_alive(head, request)
        if request.method == "HEAD" or head.status in _NO_BODY_STATUSES or 100 <= head.status < 200:
            self._chunks = self._nothing()
        elif _is_chunked(head):
            self._chunks = self._chunked()
        else:
            length = _content_length(head, request)
            if length is None:
                self._reusable = False
                self._chunks = self._until_closed()
            else:
                self._chunks = self._exactly(length)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._chunks:
                yield chunk
        except asyncio.IncompleteReadError:
            raise httpx.RemoteProtocolError(
                "the server closed the connection in the middle of the answer", request=self._request
            ) from None
        except TimeoutError:
            raise httpx.ReadTimeout("the answer stopped arriving", request=self._request) from None
        except asyncio.LimitOverrunError:
            raise httpx.RemoteProtocolError("a chunk header is too long", request=self._request) from None
        except OSError as error:
            raise httpx.ReadError(str(error) or type(error).__name__, request=self._request) from error

    async def _read(self, size: int) -> bytes:
        async with asyncio.timeout(self._read_timeout):
            data = await self._connection.reader.read(size)
        if not data:
            raise asyncio.IncompleteReadError(b"", size)
        return data

    async def _nothing(self) -> AsyncIterator[bytes]:
        self._complete = True
        return
        yield

    async def _exactly(self, length: int) -> AsyncIterator[bytes]:
        remaining = length
        while remaining:
            data = await self._read(min(remaining, _READ_SIZE))
            remaining -= len(data)
            yield data
        self._complete = True

    async def _until_closed(self) -> AsyncIterator[bytes]:
        while True:
            async with asyncio.timeout(self._read_timeout):
                data = await self._connection.reader.read(_READ_SIZE)
            if not data:
                break
            yield data
        self._complete = True

    async def _chunked(self) -> AsyncIterator[bytes]:
        reader = self._connection.reader
        while True:
            async with asyncio.timeout(self._read_timeout):
                size_line = await reader.readuntil(b"\r\n")
            size_text = size_line.split(b";", 1)[0].strip()
            try:
                remaining = int(size_text, 16)
            except ValueError:
                raise httpx.RemoteProtocolError(
                    f"invalid chunk size {size_text[:20]!r}", request=self._request
                ) from None
            if remaining == 0:
                break
            while remaining:
                data = await self._read(min(remaining, _READ_SIZE))
                remaining -= len(data)
                yield data
            async with asyncio.timeout(self._read_timeout):
                if await reader.readexactly(2) != b"\r\n":
                    raise httpx.RemoteProtocolError("a chunk does not end with CRLF", request=self._request)
        while True:
            async with asyncio.timeout(self._read_timeout):
                trailer = await reader.readuntil(b"\r\n")
            if trailer == b"\r\n":
                break
        self._complete = True

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._transport._release(self._connection, reusable=self._complete and self._reusable)


class Http11Transport(httpx.AsyncBaseTransport):
    """HTTP/1.1 with keep-alive, at most `max_connections` requests in flight, `max_idle` connections kept."""

    def __init__(self, *, max_connections: int = 20, max_idle: int = 20):
        self._slots = asyncio.Semaphore(max_connections)
        self._max_idle = max_idle
        self._idle: list[_Connection] = []
        self._ssl_context: ssl.SSLContext | None = None
        self._closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._closed:
            raise httpx.ConnectError("the transport is closed", request=request)
        payload = _request_bytes(request, await request.aread())
        try:
            async with asyncio.timeout(_timeout(request, "pool")):
                await self._slots.acquire()
        except TimeoutError:
            raise httpx.PoolTimeout("no free connection", request=request) from None
        connection = None
        try:
            connection = await self._connection_for(request)
            head = await self._exchange(connection, request, payload)
        except BaseException:
            if connection is not None:
                connection.close()
            self._slots.release()
            raise
        return httpx.Response(
            head.status,
            headers=head.headers,
            stream=_ResponseBody(self, connection, request, head),
            extensions={"http_version": head.http_version, "reason_phrase": head.reason},
        )

    async def _connection_for(self, request: httpx.Request) -> _Connection:
        url = request.url
        origin = (url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80))
        while self._idle:
            connection = self._idle.pop()
            if connection.origin == origin and connection.usable:
                return connection
            connection.close()
        if url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"cannot send {url.scheme!r} requests", request=request)
        secure = url.scheme == "https"
        if secure and self._ssl_context is None:
            self._ssl_context = httpx.create_ssl_context()
        try:
            async with asyncio.timeout(_timeout(request, "connect")):
                reader, writer = await asyncio.open_connection(
                    origin[1],
                    origin[2],
                    ssl=self._ssl_context if secure else None,
                    server_hostname=origin[1] if secure else None,
                    limit=_MAX_HEAD_BYTES,
                )
        except TimeoutError:
            raise httpx.ConnectTimeout("connecting took too long", request=request) from None
        except (OSError, ssl.SSLError) as error:
            raise httpx.ConnectError(str(error) or type(error).__name__, request=request) from error
        return _Connection(origin, reader, writer)

    async def _exchange(self, connection: _Connection, request: httpx.Request, payload: bytes) -> _Head:
        try:
            connection.writer.write(payload)
            async with asyncio.timeout(_timeout(request, "write")):
                await connection.writer.drain()
        except TimeoutError:
            raise httpx.WriteTimeout("sending the request took too long", request=request) from None
        except OSError as error:
            raise httpx.WriteError(str(error) or type(error).__name__, request=request) from error
        try:
            async with asyncio.timeout(_timeout(request, "read")):
                while True:
                    head = _parse_head(await connection.reader.readuntil(b"\r\n\r\n"), request)
                    if not 100 <= head.status < 200 or head.status == 101:
                        return head
        except TimeoutError:
            raise httpx.ReadTimeout("the server did not answer in time", request=request) from None
        except asyncio.IncompleteReadError:
            raise httpx.RemoteProtocolError(
                "the server closed the connection without answering", request=request
            ) from None
        except asyncio.LimitOverrunError:
            raise httpx.RemoteProtocolError("the answer's headers are too long", request=request) from None
        except OSError as error:
            raise httpx.ReadError(str(error) or type(error).__name__, request=request) from error

    def _release(self, connection: _Connection, *, reusable: bool) -> None:
        self._slots.release()
        if reusable and not self._closed and len(self._idle) < self._max_idle and connection.usable:
            self._idle.append(connection)
        else:
            connection.close()

    async def aclose(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
