"""asyncio's sockets under httpx's transport (`api/network.py`): every request goes through them, an idle
connection the server closed is never written to, and big bodies go both ways whole."""

from __future__ import annotations

import asyncio
import ssl

import anyio
import pytest
import trustme

from prompt_studio.api.network import AsyncioBackend
from prompt_studio.api.transport import HttpConnection, RetryPolicy
from prompt_studio.models.errors import TimedOut
from tests.api.raw_server import RawHttpServer, answer, answer_json, endless_body

NEVER_AGAIN = RetryPolicy(max_retries=0)


def connect(server: RawHttpServer) -> HttpConnection:
    return HttpConnection(server.url, {"Authorization": "Bearer sk-network-secret"}, retry_policy=NEVER_AGAIN)


async def test_requests_go_through_asyncios_sockets_not_anyios(raw_server, monkeypatch):
    """httpx gives its transport anyio's sockets; if ours stopped being used (a new httpx), this fails."""

    async def no_anyio(*args, **kwargs):
        raise AssertionError("a connection was opened through anyio")

    monkeypatch.setattr(anyio, "connect_tcp", no_anyio)
    raw_server.script = [answer_json(200, {"ok": True})]
    async with connect(raw_server) as connection:
        response = await connection.request("GET", "/thing", safe_to_repeat=True)
    assert response.content == b'{"ok": true}'


async def test_a_write_never_goes_to_an_idle_connection_the_server_closed(raw_server):
    """The server answers as if keeping the connection, then closes it. A sync after that (never repeated: it
    could write twice) must leave on a new connection rather than fail on the closed one."""
    raw_server.script = [answer_json(200, {"first": True}), answer_json(200, {"second": True})]
    raw_server.script[0] = _then_close(raw_server.script[0])
    async with connect(raw_server) as connection:
        await connection.request("GET", "/first", safe_to_repeat=True)
        await raw_server.wait_hung_up(0)
        response = await connection.request("POST", "/second", safe_to_repeat=False, json={})
    assert response.content == b'{"second": true}'
    assert [(request.method, request.connection) for request in raw_server.requests] == [("GET", 0), ("POST", 1)]


def _then_close(step):
    async def answered_then_closed(writer) -> bool:
        await step(writer)
        return False

    return answered_then_closed


async def test_a_big_body_goes_out_whole_and_a_big_answer_comes_back_whole(raw_server):
    """Megabytes each way: more than asyncio buffers before it asks the sender to wait, and more than is read
    ahead before the socket is left unread for a while."""
    body = bytes(range(256)) * 12_000  # 3 MB
    answer_bytes = 5_000_000
    raw_server.script = [answer(200, b"ok"), endless_body(answer_bytes, declare_length=True)]
    async with connect(raw_server) as connection:
        sent = await connection.request(
            "POST", "/upload", safe_to_repeat=False, content=body, headers={"Content-Type": "application/octet-stream"}
        )
        received = await connection.request("GET", "/download", safe_to_repeat=True)
    assert sent.content == b"ok"
    assert raw_server.requests[0].body == body
    assert len(received.content) == answer_bytes


async def test_a_server_that_never_reads_the_body_is_a_timeout_not_a_hang():
    """Megabytes to a server that accepts and never reads: asyncio's buffer fills, the write waits, and the write
    timeout ends it with the words for it (a sync is not sent again: it may have been read in part)."""
    finished = asyncio.Event()

    async def accept_and_ignore(reader, writer):
        await finished.wait()
        writer.close()

    server = await asyncio.start_server(accept_and_ignore, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        async with HttpConnection(url, {}, retry_policy=NEVER_AGAIN, timeout=0.5) as connection:
            with pytest.raises(TimedOut) as caught:
                await connection.request("POST", "/upload", safe_to_repeat=False, content=b"x" * 64_000_000,
                                         headers={"Content-Type": "application/octet-stream"})
    finally:
        finished.set()
        server.close()
        await server.wait_closed()
    assert caught.value.message == f"could not send the request to {url} within 0.5 s"


async def test_a_closed_tls_connection_lets_go_of_its_socket_at_once():
    """asyncio's own TLS close would keep the socket up to 30 s for the server's close_notify, past the end of a
    short-lived loop (and warn as an unclosed transport); a connection httpcore closes is let go of at once."""
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    finished = asyncio.Event()

    async def hold(reader, writer):
        await finished.wait()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0, ssl=server_context)
    try:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", server.sockets[0].getsockname()[1], timeout=5)
        stream = await stream.start_tls(client_context, server_hostname="127.0.0.1", timeout=5)
        assert stream.get_extra_info("ssl_object") is not None
        raw_socket = stream.get_extra_info("socket")
        await stream.aclose()
        for _ in range(2):
            await asyncio.sleep(0)
        assert raw_socket.fileno() == -1
    finally:
        finished.set()
        server.close()
        await server.wait_closed()
