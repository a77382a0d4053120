"""asyncio's own sockets under httpx's transport, in place of anyio's.

httpcore (the engine of httpx's transport) takes its sockets from a network backend; httpx always gives it anyio's,
whose every read and write opens a cancel scope, and whose every look at an idle connection builds a dict of its
socket's attributes. That was a quarter of the CPU of a request: 1,000 reads at loopback took 0.75 s through
anyio's sockets and 0.57 s through these. asyncio's transports read as data arrives; a connection's bytes wait
here until httpcore asks for them, so what anyio's backend learns by polling the socket (the server closed an
idle connection, or sent something unasked) is known without a system call.

Connecting to a name tries its addresses the Happy Eyeballs way (RFC 8305), as anyio's backend does.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import ssl
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore

HAPPY_EYEBALLS_DELAY = 0.25
"""Seconds before the next address is tried while the first is still connecting (RFC 8305's default)."""
READ_AHEAD_BYTES = 256 * 1024
"""Bytes received and not yet asked for after which asyncio stops reading the socket until they are."""
_EXTRA_INFO = {"client_addr": "sockname", "server_addr": "peername", "socket": "socket", "ssl_object": "ssl_object"}
"""httpcore's names for a stream's details, and asyncio's."""


@contextlib.contextmanager
def _failures_as(timeout: type[Exception], failure: type[Exception]) -> Iterator[None]:
    """Socket errors as the httpcore exceptions httpx maps to its own, with the cause kept (certificate checks
    and "name not found" read it)."""
    try:
        yield
    except TimeoutError as error:  # before OSError: TimeoutError is one
        raise timeout(str(error) or "timed out") from error
    except OSError as error:
        raise failure(str(error) or type(error).__name__) from error


class _Connection(asyncio.Protocol):
    """One TCP connection's received bytes, its end, and whether it can take more to send."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._received = bytearray()
        self._ended = False
        self._reading_paused = False
        self._lost: Exception | None = None
        self._arrived: asyncio.Future[None] | None = None
        self._drained: asyncio.Future[None] | None = None
        self.multiplexed = False
        """HTTP/2, as TLS agreed by ALPN."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._received += data
        if len(self._received) > READ_AHEAD_BYTES and not self._reading_paused and self.transport is not None:
            self.transport.pause_reading()
            self._reading_paused = True
        self._wake_reader()

    def eof_received(self) -> bool:
        self._ended = True
        self._wake_reader()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended = True
        self._lost = exc
        self._wake_reader()
        self.resume_writing()

    def pause_writing(self) -> None:
        if self._drained is None:
            self._drained = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)
        self._drained = None

    def _wake_reader(self) -> None:
        if self._arrived is not None and not self._arrived.done():
            self._arrived.set_result(None)

    @property
    def has_news(self) -> bool:
        """Whether bytes or the connection's end arrived that no one asked for."""
        return self._ended or bool(self._received)

    async def read(self, max_bytes: int) -> bytes:
        """Up to `max_bytes` of what arrived, waiting for some; b"" once the server closed and all was read."""
        while not self._received and not self._ended:
            self._arrived = asyncio.get_running_loop().create_future()
            try:
                await self._arrived
            finally:
                self._arrived = None
        if not self._received and self._lost is not None:
            raise ConnectionResetError(str(self._lost)) from self._lost
        data = bytes(self._received[:max_bytes])
        del self._received[:max_bytes]
        if self._reading_paused and len(self._received) <= READ_AHEAD_BYTES and self.transport is not None:
            self.transport.resume_reading()
            self._reading_paused = False
        return data

    async def write(self, data: bytes) -> None:
        """Hand `data` to the socket, waiting while asyncio's send buffer is over its limit.

        Once the server has closed, nothing written reaches it. Over HTTP/1.1 that fails the request being sent
        (it never left, so it may go again on a new connection). Over HTTP/2 what is written then is dropped:
        flow control and acknowledgements that httpcore sends while it reads the answers the server sent before
        its GOAWAY (a failure here would lose them), or a request the GOAWAY turns away, which httpcore sends again
        on a new connection.
        """
        if self._ended and self.multiplexed:
            return
        if self._ended or self.transport is None or self.transport.is_closing():
            raise ConnectionResetError("the server closed the connection")
        self.transport.write(data)
        if self._drained is not None:
            await self._drained
            if self._lost is not None:
                raise ConnectionResetError(str(self._lost)) from self._lost


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection as httpcore reads and writes it."""

    def __init__(self, connection: _Connection):
        self._connection = connection

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _failures_as(httpcore.ReadTimeout, httpcore.ReadError):
            async with asyncio.timeout(timeout):
                return await self._connection.read(max_bytes)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        with _failures_as(httpcore.WriteTimeout, httpcore.WriteError):
            async with asyncio.timeout(timeout):
                await self._connection.write(buffer)

    async def aclose(self) -> None:
        transport = self._connection.transport
        if transport is None:
            return
        if transport.get_extra_info("ssl_object") is not None:
            # asyncio's TLS close waits up to 30 s for the server's reply to its close_notify, past the end of a
            # short-lived loop (anyio's stream, as httpcore uses it, does not wait either).
            transport.abort()
        else:
            transport.close()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        connection = self._connection
        assert connection.transport is not None
        loop = asyncio.get_running_loop()
        try:
            with _failures_as(httpcore.ConnectTimeout, httpcore.ConnectError):
                async with asyncio.timeout(timeout):
                    transport = await loop.start_tls(
                        connection.transport, connection, ssl_context, server_hostname=server_hostname
                    )
        except BaseException:
            await self.aclose()
            raise
        assert isinstance(transport, asyncio.Transport)
        connection.transport = transport
        tls = transport.get_extra_info("ssl_object")
        connection.multiplexed = tls is not None and tls.selected_alpn_protocol() == "h2"
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return self._connection.has_news
        name = _EXTRA_INFO.get(info)
        if name is None or self._connection.transport is None:
            return None
        return self._connection.transport.get_extra_info(name)


def _is_address(host: str) -> bool:
    """An IP address has nothing to race. Python 3.11's race (`staggered_race`) also drops the socket it won when
    the request is cancelled at that moment, leaving it to the garbage collector; a name keeps the race for its
    addresses, where a broken IPv6 route would otherwise cost the connect timeout."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Connections opened by the running asyncio loop (qasync's in the app)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[tuple[Any, ...]] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        with _failures_as(httpcore.ConnectTimeout, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                transport, connection = await loop.create_connection(
                    _Connection,
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                    happy_eyeballs_delay=None if _is_address(host) else HAPPY_EYEBALLS_DELAY,
                )
        for option in socket_options or ():
            transport.get_extra_info("socket").setsockopt(*option)
        return AsyncioStream(connection)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
