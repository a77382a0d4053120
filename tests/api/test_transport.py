"""The HTTP layer on its own: error mapping, Retry-After, backoff, retries, timeouts and bounded reads."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from prompt_studio.api.transport import (
    MAX_IN_FLIGHT,
    HttpConnection,
    RetryPolicy,
    error_from_response,
    parse_retry_after,
)
from prompt_studio.models.errors import (
    AuthenticationError,
    ConflictError,
    ConnectionFailed,
    MalformedResponse,
    NotFoundError,
    PermissionDeniedError,
    PromptStudioError,
    RateLimitError,
    ServerError,
    TimedOut,
    ValidationFailedError,
)
from tests.api.raw_server import (
    RawHttpServer,
    answer,
    answer_json,
    close_mid_body,
    endless_body,
    hang_up,
    stall,
)
from tests.support.server_process import free_port

NO_WAIT = RetryPolicy(max_retries=2, initial_delay=0.0, max_delay=0.0)
NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def connect(server: RawHttpServer, policy: RetryPolicy = NO_WAIT, **options) -> HttpConnection:
    auth_headers = {"X-Auth-Token": "sk-lw-transport-secret"}
    return HttpConnection(server.url, auth_headers, retry_policy=policy, **options)


# --- Retry-After and backoff -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), ("1.5", 1.5), ("0", 0.0), ("-4", 0.0), (" 7 ", 7.0)],
)
def test_retry_after_in_seconds(header, seconds):
    assert parse_retry_after(header, NOW) == seconds


def test_retry_after_as_an_http_date():
    assert parse_retry_after(format_datetime(NOW + timedelta(seconds=10), usegmt=True), NOW) == 10.0
    assert parse_retry_after("Thu, 02 Jan 2025 03:04:35 GMT", NOW) == 30.0


def test_retry_after_in_the_past_means_now():
    assert parse_retry_after(format_datetime(NOW - timedelta(hours=1), usegmt=True), NOW) == 0.0


@pytest.mark.parametrize("header", [None, "", "soon", "nan", "inf", "Thu, 99 Foo 2025"])
def test_unusable_retry_after_is_ignored(header):
    assert parse_retry_after(header, NOW) is None


def test_backoff_doubles_from_half_a_second_up_to_eight():
    policy = RetryPolicy()
    assert [policy.delay(n, None, jitter=0.0) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_jitter_shortens_the_backoff_by_at_most_a_quarter():
    policy = RetryPolicy()
    assert policy.delay(1, None, jitter=0.5) == pytest.approx(0.875)
    assert 0.75 < policy.delay(1, None, jitter=0.9999) < 0.7501


def test_retry_after_replaces_the_backoff_and_is_capped():
    policy = RetryPolicy(max_retry_after=60.0)
    assert policy.delay(0, 3.0, jitter=0.7) == 3.0
    assert policy.delay(5, 0.0, jitter=0.7) == 0.0
    assert policy.delay(0, 3600.0, jitter=0.0) == 60.0


# --- mapping a failed answer -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, ValidationFailedError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, ValidationFailedError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
    ],
)
def test_each_status_has_its_exception_with_the_servers_words(status, error_class):
    failure = error_from_response(status, b'{"error": "some_code", "message": "what happened", "extra": [1]}')
    assert type(failure) is error_class
    assert (failure.status, failure.error, failure.message) == (status, "some_code", "what happened")


def test_an_unexpected_status_keeps_its_number():
    failure = error_from_response(418, b'{"error": "teapot"}')
    assert type(failure) is PromptStudioError
    assert (failure.status, failure.error, failure.message) == (418, "teapot", "")


def test_a_non_json_error_body_becomes_the_message():
    failure = error_from_response(502, b"<html>Bad gateway</html>\n")
    assert isinstance(failure, ServerError)
    assert failure.error == ServerError.default_error
    assert failure.message == "<html>Bad gateway</html>"


@pytest.mark.parametrize("body", [b"", b"[1, 2]", b'{"message": 5}', b"\xff\xfe"])
def test_odd_error_bodies_still_give_the_right_class(body):
    failure = error_from_response(404, body)
    assert isinstance(failure, NotFoundError)
    assert failure.error


def test_a_long_plain_error_body_is_shortened():
    failure = error_from_response(500, b"x" * 10_000)
    assert 0 < len(failure.message) <= 300


# --- retries against a misbehaving server ------------------------------------------------------------------


async def test_a_get_is_retried_on_5xx_then_gives_up(raw_server, caplog):
    caplog.set_level(logging.INFO, logger="prompt_studio.api")
    raw_server.script = [answer_json(503, {"error": "Unavailable", "message": "down for a moment"})]
    async with connect(raw_server) as connection:
        with pytest.raises(ServerError) as caught:
            await connection.request("GET", "/thing", safe_to_repeat=True)
    assert raw_server.methods() == ["GET"] * 3
    assert (caught.value.status, caught.value.error, caught.value.message) == (
        503, "Unavailable", "down for a moment"
    )
    assert [record.getMessage() for record in caplog.records] == [
        "GET /thing failed (Unavailable); retrying in 0.00 s"
    ] * 2


async def test_a_get_that_succeeds_on_a_retry_returns_the_answer(raw_server):
    raw_server.script = [answer_json(500, {"error": "Internal server error"}), answer_json(200, {"ok": 1})]
    async with connect(raw_server) as connection:
        response = await connection.request("GET", "/thing", safe_to_repeat=True)
    assert response.content == b'{"ok": 1}'
    assert len(raw_server.requests) == 2


async def test_a_post_is_never_retried(raw_server):
    raw_server.script = [answer_json(503, {"error": "Unavailable"}), answer_json(200, {"ok": 1})]
    async with connect(raw_server) as connection:
        with pytest.raises(ServerError):
            await connection.request("POST", "/thing", safe_to_repeat=False, json={"a": 1})
    assert raw_server.methods() == ["POST"]


async def test_429_is_retried_and_then_raised_as_rate_limit(raw_server):
    raw_server.script = [answer_json(429, {"error": "Too many requests"}, {"Retry-After": "0"})]
    async with connect(raw_server) as connection:
        with pytest.raises(RateLimitError):
            await connection.request("GET", "/thing", safe_to_repeat=True)
    assert len(raw_server.requests) == 3


async def test_a_sync_turned_away_with_429_is_sent_again_after_the_wait_and_the_connection_waits_too(raw_server):
    """A 429 says the server did not take the request, so even a sync may go again; and the reads sent during the
    wait would only be turned away too, so they wait for its end before they leave."""
    raw_server.script = [answer_json(429, {"error": "Too many requests"}, {"Retry-After": "0.5"}),
                         answer_json(200, {"ok": 1})]
    async with connect(raw_server) as connection:
        sync = asyncio.ensure_future(
            connection.request("POST", "/api/prompts/p/sync", safe_to_repeat=False, json={"a": 1}))
        while connection._paused_until == 0.0:
            await asyncio.sleep(0.005)
        started = time.monotonic()
        await connection.request("GET", "/thing", safe_to_repeat=True)
        read_waited = time.monotonic() - started
        answer_of_sync = await sync
    assert answer_of_sync.status == 200
    assert sorted(raw_server.methods()) == ["GET", "POST", "POST"]
    assert read_waited > 0.3, "the read left during the server's wait"


async def test_a_sync_answered_503_is_not_sent_again_but_one_answered_429_is(raw_server):
    raw_server.script = [answer_json(429, {"error": "Too many requests"}, {"Retry-After": "0"}),
                         answer_json(503, {"error": "Unavailable"}), answer_json(200, {"ok": 1})]
    async with connect(raw_server) as connection:
        with pytest.raises(ServerError):
            await connection.request("POST", "/api/prompts/p/sync", safe_to_repeat=False, json={"a": 1})
    assert raw_server.methods() == ["POST", "POST"]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
async def test_client_errors_are_not_retried(raw_server, status):
    raw_server.script = [answer_json(status, {"error": "no"})]
    async with connect(raw_server) as connection:
        with pytest.raises(PromptStudioError) as caught:
            await connection.request("GET", "/thing", safe_to_repeat=True)
    assert caught.value.status == status
    assert len(raw_server.requests) == 1


async def test_max_retries_is_respected(raw_server):
    raw_server.script = [answer(500, "boom")]
    five_retries = RetryPolicy(max_retries=5, initial_delay=0.0, max_delay=0.0)
    async with connect(raw_server, five_retries) as connection:
        with pytest.raises(ServerError):
            await connection.request("GET", "/thing", safe_to_repeat=True)
    assert len(raw_server.requests) == 6

    raw_server.requests.clear()
    async with connect(raw_server, RetryPolicy(max_retries=0)) as connection:
        with pytest.raises(ServerError):
            await connection.request("GET", "/thing", safe_to_repeat=True)
    assert len(raw_server.requests) == 1


async def test_retry_after_overrides_a_long_backoff(raw_server):
    """With a 100 s backoff the test could only finish in time by waiting what the server asked (0 s)."""
    raw_server.script = [answer_json(503, {"error": "busy"}, {"Retry-After": "0"}), answer_json(200, [])]
    slow_backoff = RetryPolicy(initial_delay=100.0, max_delay=100.0)
    async with connect(raw_server, slow_backoff) as connection:
        response = await asyncio.wait_for(connection.request("GET", "/thing", safe_to_repeat=True), 10)
    assert response.status == 200
    assert len(raw_server.requests) == 2


async def test_a_huge_retry_after_is_capped(raw_server):
    raw_server.script = [answer_json(503, {"error": "busy"}, {"Retry-After": "3600"}), answer_json(200, [])]
    capped = RetryPolicy(initial_delay=100.0, max_delay=100.0, max_retry_after=0.0)
    async with connect(raw_server, capped) as connection:
        response = await asyncio.wait_for(connection.request("GET", "/thing", safe_to_repeat=True), 10)
    assert response.status == 200


# --- broken connections and timeouts -----------------------------------------------------------------------


async def test_a_connection_closed_mid_body_is_retried_for_a_get(raw_server):
    raw_server.script = [close_mid_body(), answer_json(200, {"ok": True})]
    async with connect(raw_server) as connection:
        response = await connection.request("GET", "/thing", safe_to_repeat=True)
    assert response.content == b'{"ok": true}'
    assert len(raw_server.requests) == 2


async def test_a_connection_closed_mid_body_fails_a_post_at_once(raw_server):
    raw_server.script = [close_mid_body(), answer_json(200, {"ok": True})]
    async with connect(raw_server) as connection:
        with pytest.raises(ConnectionFailed) as caught:
            await connection.request("POST", "/thing", safe_to_repeat=False, json={})
    assert raw_server.methods() == ["POST"]
    assert raw_server.url in caught.value.message


async def test_a_server_that_hangs_up_is_a_connection_failure(raw_server):
    raw_server.script = [hang_up()]
    async with connect(raw_server) as connection:
        with pytest.raises(ConnectionFailed):
            await connection.request("GET", "/thing", safe_to_repeat=True)
    assert len(raw_server.requests) == 3


async def test_a_read_the_server_hung_up_on_goes_again_at_once_and_a_write_does_not(raw_server):
    """A server closes kept-alive connections in its normal course (its keep-alive timeout, an HTTP/2 GOAWAY), and
    a request may be on one then: a read goes again at once (with a 100 s backoff this test could not end in
    time), a write not at all, since the server may have acted on it."""
    raw_server.script = [hang_up(), answer_json(200, []), hang_up()]
    slow_backoff = RetryPolicy(initial_delay=100.0, max_delay=100.0)
    async with connect(raw_server, slow_backoff) as connection:
        read = await asyncio.wait_for(connection.request("GET", "/thing", safe_to_repeat=True), 10)
        with pytest.raises(ConnectionFailed):
            await asyncio.wait_for(connection.request("POST", "/thing", safe_to_repeat=False, json={}), 10)
    assert read.status == 200
    assert [request.method for request in raw_server.requests] == ["GET", "GET", "POST"]


async def test_a_refused_connection_is_a_connection_failure():
    closed_port = free_port()
    connection = HttpConnection(f"http://127.0.0.1:{closed_port}", {}, retry_policy=NO_WAIT)
    async with connection:
        with pytest.raises(ConnectionFailed) as caught:
            await connection.request("GET", "/thing", safe_to_repeat=True)
    assert caught.value.message.startswith(f"could not connect to http://127.0.0.1:{closed_port}")


async def test_a_slow_answer_times_out_and_a_get_is_retried(raw_server):
    raw_server.script = [stall()]
    async with connect(raw_server, timeout=0.2) as connection:
        with pytest.raises(TimedOut) as caught:
            await connection.request("GET", "/thing", safe_to_repeat=True)
    assert len(raw_server.requests) == 3
    assert "0.2 s" in caught.value.message


async def test_a_slow_answer_to_a_post_is_not_retried(raw_server):
    raw_server.script = [stall()]
    async with connect(raw_server, timeout=0.2) as connection:
        with pytest.raises(TimedOut):
            await connection.request("POST", "/thing", safe_to_repeat=False, json={})
    assert raw_server.methods() == ["POST"]


async def test_a_float_timeout_keeps_the_connect_timeout_short(raw_server):
    async with connect(raw_server, timeout=120.0) as connection:
        timeout = connection._timeout
    assert (timeout.connect, timeout.read) == (5.0, 120.0)


# --- bounded reads -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("declare_length", [True, False])
async def test_a_body_over_the_limit_is_refused(raw_server, declare_length):
    raw_server.script = [endless_body(50_000, declare_length=declare_length)]
    async with connect(raw_server, max_response_bytes=10_000) as connection:
        with pytest.raises(MalformedResponse) as caught:
            await connection.request("GET", "/thing", safe_to_repeat=True)
    assert caught.value.error == "response_too_large"
    assert len(raw_server.requests) == 1


async def test_a_body_at_the_limit_is_read(raw_server):
    raw_server.script = [endless_body(10_000, declare_length=False)]
    async with connect(raw_server, max_response_bytes=10_000) as connection:
        response = await connection.request("GET", "/thing", safe_to_repeat=True)
    assert len(response.content) == 10_000


async def test_connections_are_kept_alive_and_reused(raw_server):
    raw_server.script = [answer_json(200, [])]
    async with connect(raw_server) as connection:
        for _ in range(5):
            await connection.request("GET", "/thing", safe_to_repeat=True)
    assert [request.connection for request in raw_server.requests] == [0] * 5


async def test_requests_at_once_are_bounded_and_their_connections_kept_for_the_next(raw_server):
    """Twice 24 reads at once: never more than 16 at the server at a time, on 16 connections in all (the second
    burst reuses the first's); then reads one after the other all go over one of them."""
    at_server = 0
    most_at_once = 0

    async def slow_answer(writer: asyncio.StreamWriter) -> bool:
        nonlocal at_server, most_at_once
        at_server += 1
        most_at_once = max(most_at_once, at_server)
        await asyncio.sleep(0.02)
        at_server -= 1
        return await answer_json(200, [])(writer)

    raw_server.script = [slow_answer]
    async with connect(raw_server) as connection:
        for _ in range(2):
            await asyncio.gather(*(connection.request("GET", "/thing", safe_to_repeat=True) for _ in range(24)))
        bursts = len(raw_server.requests)
        for _ in range(5):
            await connection.request("GET", "/thing", safe_to_repeat=True)

    assert most_at_once == MAX_IN_FLIGHT
    assert len({request.connection for request in raw_server.requests[:bursts]}) == MAX_IN_FLIGHT
    assert len({request.connection for request in raw_server.requests[bursts:]}) == 1
    assert raw_server.connections == MAX_IN_FLIGHT


async def test_a_proxy_from_the_environment_carries_every_request(raw_server, monkeypatch):
    """HTTP_PROXY names a forwarding proxy (here the scripted server): the request goes to it in absolute form,
    and the server's own name is never looked up or connected to from here."""
    monkeypatch.setenv("HTTP_PROXY", raw_server.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    raw_server.script = [answer_json(200, [])]
    connection = HttpConnection("http://prompts.example.invalid:5560", {"X-Auth-Token": "sk-lw-through-a-proxy"})
    async with connection:
        await connection.request("GET", "/api/prompts", safe_to_repeat=True)
    assert [request.target for request in raw_server.requests] == ["http://prompts.example.invalid:5560/api/prompts"]


async def test_no_proxy_sends_the_named_hosts_past_the_proxy(raw_server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    raw_server.script = [answer_json(200, [])]
    async with connect(raw_server) as connection:
        response = await connection.request("GET", "/api/prompts", safe_to_repeat=True)
    assert response.status == 200
    assert [request.target for request in raw_server.requests] == ["/api/prompts"]
