"""A TCP proxy on 127.0.0.1 that puts a real distance between a client and a server on the same machine.

Each direction's bytes are held for half the round trip, in order, and a new connection waits one round trip
before it is opened (TCP's handshake), so a request costs what it costs over a network 40-150 ms away: one round
trip per sequential request, one more per new connection, nothing for requests sent at once. It runs on its own
event loop in a thread, so it costs the measured client no time of its own loop.

    with latency_proxy("http://127.0.0.1:5560", round_trip_ms=40) as url:
        ...  # talk to `url` instead
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

_CHUNK = 64 * 1024


class LatencyProxy:
    def __init__(self, target_host: str, target_port: int, round_trip: float):
        self.target = (target_host, target_port)
        self.round_trip = round_trip
        self.connections = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await asyncio.sleep(self.round_trip)  # SYN, SYN-ACK
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            self._carry(client_reader, server_writer), self._carry(server_reader, client_writer),
            return_exceptions=True,
        )

    async def _carry(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Bytes from `reader` reach `writer` half a round trip later, in the order they came."""
        in_transit: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, chunk = await in_transit.get()
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not chunk:
                    with contextlib.suppress(OSError):
                        writer.write_eof()
                    return
                writer.write(chunk)
                await writer.drain()

        delivering = asyncio.ensure_future(deliver())
        try:
            while True:
                chunk = await reader.read(_CHUNK)
                in_transit.put_nowait((time.monotonic() + self.round_trip / 2, chunk))
                if not chunk:
                    break
            await delivering
        except (OSError, asyncio.IncompleteReadError):
            delivering.cancel()
        finally:
            with contextlib.suppress(OSError):
                writer.close()


@contextlib.contextmanager
def latency_proxy(target_url: str, round_trip_ms: float) -> Iterator[str]:
    """`target_url` seen from `round_trip_ms` away (0: the target itself, no proxy)."""
    if round_trip_ms <= 0:
        yield target_url
        return
    parts = urlsplit(target_url)
    proxy = LatencyProxy(parts.hostname or "127.0.0.1", parts.port or 80, round_trip_ms / 1000)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    port: list[int] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        port.append(loop.run_until_complete(proxy.start()))
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="latency-proxy", daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("the latency proxy did not start")
    try:
        yield f"{parts.scheme}://127.0.0.1:{port[0]}{parts.path}"
    finally:
        asyncio.run_coroutine_threadsafe(proxy.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
