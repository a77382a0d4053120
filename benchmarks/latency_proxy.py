"""A TCP proxy on 127.0.0.1 that puts a real distance between a client and a server on the same machine.

Each direction's bytes are held for half the round trip, in order, and a new connection waits one round trip
before it is opened (TCP's handshake), so a request costs what it costs over a network 40-150 ms away: one round
trip per sequential request, one more per new connection, nothing for requests sent at once. It models latency
only: no bandwidth limit and no TCP slow start, so a large answer costs less here than over a real link.

The proxy runs in a process of its own (this file, run as a script). In a thread of the measured process it
shared that process's GIL: a client busy parsing held back the proxy's wake-ups by up to the interpreter's switch
interval (5 ms) each, measured here as 7-15 ms per request at 40 ms, charged to whichever side kept the CPU.

    with latency_proxy("http://127.0.0.1:5560", round_trip_ms=40) as url:
        ...  # talk to `url` instead
        url.connections()  # how many TCP connections the proxy has accepted so far

Only loopback targets are accepted: nothing a benchmark sends through the proxy leaves the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

_CHUNK = 64 * 1024


class LatencyProxy:
    """The proxy itself, on the running event loop."""

    def __init__(self, target_host: str, target_port: int, round_trip: float):
        self.target = (target_host, target_port)
        self.round_trip = round_trip
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.Task] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and drop every connection still open (their bytes in transit are lost)."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._open):
            task.cancel()
        await asyncio.gather(*self._open, return_exceptions=True)

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        self._open.add(task)
        try:
            await asyncio.sleep(self.round_trip)  # SYN, SYN-ACK: what the client sends meanwhile waits for it
            try:
                server_reader, server_writer = await asyncio.open_connection(*self.target)
            except OSError:
                return
            try:
                # Each direction ends on its own (a half-close is carried over as one); a reset on either side
                # ends both, as it does on a real connection.
                async with asyncio.TaskGroup() as directions:
                    directions.create_task(self._carry(client_reader, server_writer))
                    directions.create_task(self._carry(server_reader, client_writer))
            except* (OSError, RuntimeError):
                pass
            finally:
                server_writer.close()
        except asyncio.CancelledError:
            pass  # stopped with the proxy; returning (not raising) keeps asyncio's stream callback quiet on 3.11
        finally:
            client_writer.close()
            self._open.discard(task)

    async def _carry(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Bytes from `reader` reach `writer` half a round trip later, in the order they came; then the EOF."""
        in_transit: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, chunk = await in_transit.get()
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not chunk:
                    if writer.can_write_eof() and not writer.is_closing():
                        writer.write_eof()
                    return
                writer.write(chunk)
                await writer.drain()

        delivering = asyncio.ensure_future(deliver())
        try:
            while not delivering.done():
                chunk = await reader.read(_CHUNK)
                in_transit.put_nowait((time.monotonic() + self.round_trip / 2, chunk))
                if not chunk:
                    break
            await delivering
        finally:
            delivering.cancel()


def _loopback_only(host: str) -> str:
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the latency proxy only forwards to this machine, not to {host}")
    return host


class ProxiedUrl(str):
    """The address to talk to instead of the target; `connections()` asks the proxy how many it has accepted."""

    _process: subprocess.Popen | None = None

    def connections(self) -> int | None:
        """TCP connections accepted so far (None without a proxy, at 0 ms)."""
        if self._process is None:
            return None
        self._process.stdin.write("connections\n")
        self._process.stdin.flush()
        return int(self._process.stdout.readline())


@contextlib.contextmanager
def latency_proxy(target_url: str, round_trip_ms: float) -> Iterator[ProxiedUrl]:
    """`target_url` seen from `round_trip_ms` away (0: the target itself, no proxy)."""
    if round_trip_ms <= 0:
        yield ProxiedUrl(target_url)
        return
    parts = urlsplit(target_url)
    host = _loopback_only(parts.hostname or "127.0.0.1")
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), host, str(parts.port or 80), str(round_trip_ms)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = process.stdout.readline().strip()
        if not port.isdigit():
            raise RuntimeError("the latency proxy did not start")
        url = ProxiedUrl(f"{parts.scheme}://127.0.0.1:{port}{parts.path}")
        url._process = process
        yield url
    finally:
        with contextlib.suppress(OSError):
            process.stdin.close()  # the proxy stops at the end of its input
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _run(host: str, port: int, round_trip: float) -> None:
    """The proxy process: prints its port, answers `connections` with the count, stops at the end of stdin."""
    proxy = LatencyProxy(host, port, round_trip)
    print(await proxy.start(), flush=True)
    loop = asyncio.get_running_loop()
    try:
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            if line.strip() == "connections":
                print(proxy.connections, flush=True)
    finally:
        await proxy.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="A latency proxy on 127.0.0.1 (see the module's docstring).")
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("round_trip_ms", type=float)
    arguments = parser.parse_args()
    asyncio.run(_run(_loopback_only(arguments.host), arguments.port, arguments.round_trip_ms / 1000))


if __name__ == "__main__":
    main()
