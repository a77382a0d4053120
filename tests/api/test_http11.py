"""Our HTTP/1.1 transport under httpx, against the scripted raw server: framing, keep-alive, closed connections."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from prompt_studio.api.http11 import Http11Transport
from tests.api.raw_server import answer, answer_json, endless_body


def client_for(raw_server) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=raw_server.url, transport=Http11Transport(max_connections=4, max_idle=4))


def answer_then_hang_up(payload: object):
    """A good answer, then the server closes the connection, as an idle keep-alive timeout does."""
    step = answer_json(200, payload)

    async def closing(writer: asyncio.StreamWriter) -> bool:
        await step(writer)
        return False

    return closing


async def test_the_request_arrives_whole_with_its_body_and_headers(raw_server):
    raw_server.script = [answer_json(200, {"ok": True})]
    async with client_for(raw_server) as client:
        response = await client.post("/api/prompts/a%2Fb/sync?x=1", json={"configData": {}}, headers={"X-Test": "yes"})
    assert response.json() == {"ok": True}
    received = raw_server.requests[0]
    assert (received.method, received.target) == ("POST", "/api/prompts/a%2Fb/sync?x=1")
    assert received.json == {"configData": {}}
    assert received.headers["x-test"] == "yes"
    assert received.headers["host"] == raw_server.url.removeprefix("http://")


async def test_a_chunked_answer_is_put_together(raw_server):
    raw_server.script = [endless_body(200_000, declare_length=False)]
    async with client_for(raw_server) as client:
        response = await client.get("/thing")
    assert response.content == b" " * 200_000


async def test_an_answer_without_a_body_leaves_the_connection_usable(raw_server):
    raw_server.script = [answer(204), answer_json(200, [])]
    async with client_for(raw_server) as client:
        assert (await client.delete("/thing")).status_code == 204
        assert (await client.get("/thing")).json() == []
    assert [request.connection for request in raw_server.requests] == [0, 0]


async def test_connection_close_is_honoured(raw_server):
    raw_server.script = [answer(200, "first", {"Connection": "close"}), answer(200, "second")]
    async with client_for(raw_server) as client:
        assert (await client.get("/thing")).text == "first"
        assert (await client.get("/thing")).text == "second"
    assert [request.connection for request in raw_server.requests] == [0, 1]


async def test_a_connection_the_server_closed_while_idle_is_not_reused(raw_server):
    """A POST is never retried, so it only succeeds if the dead idle connection was left aside beforehand."""
    raw_server.script = [answer_then_hang_up({"n": 1}), answer_json(200, {"n": 2})]
    async with client_for(raw_server) as client:
        assert (await client.get("/thing")).json() == {"n": 1}
        await raw_server.wait_hung_up(0)
        assert (await client.post("/thing", json={})).json() == {"n": 2}
    assert [request.connection for request in raw_server.requests] == [0, 1]


async def test_a_line_break_in_a_header_is_refused_before_sending(raw_server):
    raw_server.script = [answer_json(200, {})]
    async with client_for(raw_server) as client:
        with pytest.raises(httpx.LocalProtocolError, match="line break"):
            await client.get("/thing", headers={"X-Auth-Token": "key\r\nX-Injected: 1"})
    assert raw_server.requests == []


async def test_a_garbled_status_line_is_a_protocol_error(raw_server):
    async def garbage(writer: asyncio.StreamWriter) -> bool:
        writer.write(b"SMTP ready\r\n\r\n")
        await writer.drain()
        return False

    raw_server.script = [garbage]
    async with client_for(raw_server) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get("/thing")


async def test_requests_beyond_the_pool_wait_for_a_free_connection(raw_server):
    raw_server.script = [answer_json(200, {"ok": True})]
    transport = Http11Transport(max_connections=2, max_idle=2)
    async with httpx.AsyncClient(base_url=raw_server.url, transport=transport) as client:
        answers = await asyncio.gather(*(client.get(f"/thing/{number}") for number in range(10)))
    assert all(response.json() == {"ok": True} for response in answers)
    assert raw_server.connections <= 2


def test_behind_a_proxy_httpx_own_transport_takes_over(monkeypatch):
    from prompt_studio.api.transport import HttpConnection

    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    proxied = HttpConnection("https://app.langwatch.ai", {"X-Auth-Token": "k"})
    assert not isinstance(proxied._client._transport, Http11Transport)
    assert any(mount is not None for mount in proxied._client._mounts.values())
    bypassed = HttpConnection("https://internal.example", {"X-Auth-Token": "k"})
    assert isinstance(bypassed._client._transport, Http11Transport)
    monkeypatch.delenv("HTTPS_PROXY")
    direct = HttpConnection("https://app.langwatch.ai", {"X-Auth-Token": "k"})
    assert isinstance(direct._client._transport, Http11Transport)
