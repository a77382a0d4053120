"""One pooled HTTP connection to a prompt server: auth, timeouts, bounded reads, retries and error mapping.

Modelled on anthropic-sdk-python's base client. Every client in `api/` talks through an `HttpConnection`, so a
failure means the same exception, and a retry follows the same rules, whichever server is on the other end.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import html
import logging
import math
import random
import re
import socket
import urllib.request
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import urljoin, urlsplit

import h2.errors
import h2.events
import h2.exceptions
import httpx
from pydantic import TypeAdapter, ValidationError

from prompt_studio.api.network import AsyncioBackend
from prompt_studio.api.tls import certificate_problem, trust_context
from prompt_studio.models import ErrorBody
from prompt_studio.models.config import MAX_ANSWER_BYTES
from prompt_studio.models.errors import (
    AuthenticationError,
    CertificateRefused,
    ConflictError,
    ConnectionFailed,
    MalformedResponse,
    NotFoundError,
    PermissionDeniedError,
    PromptStudioError,
    RateLimitError,
    ServerError,
    ServerNameNotFound,
    TimedOut,
    ValidationFailedError,
)
from prompt_studio.models.orkes import ConductorErrorBody
from prompt_studio.models.problems import wire_summary

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
MAX_RESPONSE_BYTES = MAX_ANSWER_BYTES
"""128 MB, fitted to what `prompt-studio serve` writes (models/config.py): anything bigger is a broken or hostile
server, or a library no list should hold."""

MAX_IN_FLIGHT = 16
"""Requests in flight to one server at once. Over a real distance (40 ms and more) 16 instead of 4 made bulk work
3.7x faster; more would only make one desktop app look like a burst to a public server."""
POOL_SIZE = 4
"""Connections in one of httpx's connection pools (see `_Pools`)."""
KEEPALIVE_EXPIRY = 30.0
"""Seconds an idle connection is kept. A proxy or server that closes idle connections sooner is met by httpcore,
which notices a closed HTTP/1.1 connection and reconnects; a closed HTTP/2 one it notices only when a request
fails on it, which `_SendProgress` makes safe to repeat."""
HTTP2_BODY_BYTES = 64 * 1024
"""Bodies larger than this go over HTTP/1.1. httpcore's HTTP/2 client loses an answer the server sends before it
has read the whole body (nginx's 413 for a body over `client_max_body_size`, followed by GOAWAY) and reports a
dropped connection instead; its HTTP/1.1 client reads that answer. 64 KiB is HTTP/2's initial flow-control
window: a smaller body is sent whole before the answer is read, so it keeps HTTP/2."""

_ERROR_BY_STATUS: dict[int, type[PromptStudioError]] = {
    400: ValidationFailedError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: ValidationFailedError,
    422: ValidationFailedError,
    429: RateLimitError,
}
_REDACTED = "[redacted]"
_MAX_PLAIN_ERROR_CHARS = 300
_PROXY_WORDS = {413: "the request is too large for the server"}
"""A status in plain words, for an answer that is a proxy's page rather than the server's own `{error, message}`."""
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_DEFAULT_HEADERS = {
    "Accept": "application/json",
    "Accept-Encoding": "gzip, deflate",
    "User-Agent": f"prompt-studio (python-httpx/{httpx.__version__})",
}


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before repeating a request that is safe to repeat."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, retries_taken: int, retry_after: float | None, jitter: float) -> float:
        """Seconds to wait before retry number `retries_taken + 1`.

        The server's `Retry-After` wins (capped, so a confused server cannot park the app for an hour);
        otherwise exponential backoff, shortened by up to a quarter (`jitter` in [0, 1)) so that clients
        which failed together do not all come back at once.
        """
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        backoff = min(self.initial_delay * 2**retries_taken, self.max_delay)
        return backoff * (1 - 0.25 * jitter)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` header, given either as seconds or as an HTTP date; None if unusable."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(seconds, 0.0)


def error_from_response(
    status: int,
    content: bytes,
    redact: Callable[[str], str] = lambda text: text,
    redirected_to: str | None = None,
) -> PromptStudioError:
    """The shared exception for a failed answer, carrying the server's `error` and `message`.

    The body is normally flat `{error, message}` (Conductor's `{code, message, ...}` is read too); a proxy's
    HTML page or plain text becomes the message (shortened), so the user still sees what the server said.
    `redact` takes secrets out of whatever the server echoed before it can reach a dialog or a log.
    A redirect (3xx, never followed: the key would go along) says so and where it points (`redirected_to`, the
    Location header); its body is usually empty, and the bare word "error" told the user nothing.
    """
    if 300 <= status < 400:
        where = f" to {redact(redirected_to)}" if redirected_to else ""
        message = (
            f"The server redirected the request{where} (HTTP {status}); redirects are not followed. "
            "If that is the server's address, use it in the connection instead."
        )
        return PromptStudioError(message, error="redirected", status=status)
    error_class = _ERROR_BY_STATUS.get(status)
    if error_class is None:
        error_class = ServerError if status >= 500 else PromptStudioError
    error, message = _error_and_message(content)
    if error is None and status in _PROXY_WORDS:
        message = f"{_PROXY_WORDS[status]}: {message}" if message else _PROXY_WORDS[status]
    return error_class(
        redact(message) if message else None, error=redact(error) if error else None, status=status
    )


def _closed_by_server(error: httpx.ProtocolError) -> bool:
    """Whether the server closed the connection while this request was on it, as servers do in their normal
    course: a kept-alive connection closed as the request went out on it, or an HTTP/2 connection ended with a
    GOAWAY saying no error (nginx does after 1,000 requests).

    After a GOAWAY the server still sends the answers of the requests it took, but httpcore stops reading them
    (encode/httpcore#46): a request waiting for its answer gets the GOAWAY as a RemoteProtocolError, or the end of
    the connection; one whose answer came in the same read as the GOAWAY, or that was about to be sent on that
    connection, gets h2's refusal to take or send frames on a connection it knows is closed.
    """
    if isinstance(error, httpx.LocalProtocolError):
        return _caused_by(error, h2.exceptions.ProtocolError) and "ConnectionState.CLOSED" in str(error)
    if str(error).startswith("Server disconnected"):
        return True
    cause: BaseException | None = error.__cause__  # httpx keeps only the words; httpcore's error holds the event
    ended = cause.args[0] if cause is not None and cause.args else None
    return isinstance(ended, h2.events.ConnectionTerminated) and ended.error_code == h2.errors.ErrorCodes.NO_ERROR


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    """Whether `kind` is among the causes of `error` (httpx wraps the socket's own error twice)."""
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, kind):
        cause = cause.__cause__ or cause.__context__
    return cause is not None


def _error_and_message(content: bytes) -> tuple[str | None, str | None]:
    try:
        body = ErrorBody.model_validate_json(content)
    except ValidationError:
        pass
    else:
        return body.error, body.message
    try:
        conductor_body = ConductorErrorBody.model_validate_json(content)
    except ValidationError:
        text = content.decode("utf-8", errors="replace").strip()
        title = _HTML_TITLE.search(text) if text.startswith("<") else None
        if title is not None:  # a proxy's error page: its title is the sentence ("502 Bad Gateway")
            text = html.unescape(" ".join(title.group(1).split()))
        return None, text[:_MAX_PLAIN_ERROR_CHARS] or None
    return conductor_body.code, conductor_body.message


Parsed = TypeVar("Parsed")


@dataclass(frozen=True)
class ApiResponse:
    """A successful answer, read in full (and within the size limit)."""

    status: int
    content: bytes


class _SecretHeaders:
    """The secret headers added to each request, kept in one place and out of every repr; and the means to take
    their values out of any text that could reach the user.

    Header values replaced later (a renewed token) and `secrets` sent elsewhere (a key secret in a body) stay
    redacted too: a server may echo any of them in an error message.
    """

    def __init__(self, headers: Mapping[str, str], secrets: Collection[str] = ()):
        self.headers = dict(headers)
        self._secrets = {secret for secret in (*secrets, *self.headers.values()) if secret}

    def replace(self, headers: Mapping[str, str]) -> None:
        self.headers = dict(headers)
        self._secrets.update(value for value in self.headers.values() if value)

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, _REDACTED)
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(self.headers)})"


class _Pools:
    """httpx's own transports (connection pools) to one server, `POOL_SIZE` connections each, filled in order.

    httpcore's pool polls every idle connection's socket whenever a request starts or ends, so the cost of a
    request grows with the connections of its pool: 1,000 reads at loopback took 1.7 s of CPU through one pool
    of 16 connections and 0.8 s through four pools of four. A request goes to the first pool with room, so the
    warm connections of the first pool are reused before a second pool opens any, as one big pool would.
    Once the server answered over HTTP/2, every request goes to the first pool, whose one connection carries
    them all.
    """

    def __init__(self, make_pool: Callable[[], httpx.AsyncBaseTransport], count: int, size: int):
        self._make_pool = make_pool
        self._pools: list[httpx.AsyncBaseTransport | None] = [None] * count
        self._busy = [0] * count
        self._size = size
        self.multiplexed = False

    @contextlib.asynccontextmanager
    async def borrowed(self) -> AsyncIterator[httpx.AsyncBaseTransport]:
        index = 0 if self.multiplexed else next(
            (index for index, busy in enumerate(self._busy) if busy < self._size), 0)
        pool = self._pools[index]
        if pool is None:
            pool = self._pools[index] = self._make_pool()
        self._busy[index] += 1
        try:
            yield pool
        finally:
            self._busy[index] -= 1

    async def aclose(self) -> None:
        for pool in self._pools:
            if pool is not None:
                await pool.aclose()


class _Retryable(Exception):
    """A failure worth another try, with how long the server asked us to wait (if it did).

    `unsent`: the request never left in full (its connection broke before the end of its body), so no server can
    have acted on it and it may be repeated whatever its method. `refused`: the server answered 429, turning the
    request away without acting on it; it too may be repeated whatever its method, once the wait is over.
    `closed_by_server`: the server closed the connection in its normal course (a kept-alive connection's end, an HTTP/2
    GOAWAY) with the request on it: it may have acted on the request, so only a request safe to repeat goes again,
    and at once, on a new connection (a server that is down then fails the connect, and the backoff follows).
    """

    def __init__(self, failure: PromptStudioError, retry_after: float | None = None, *, unsent: bool = False,
                 refused: bool = False, closed_by_server: bool = False):
        super().__init__(failure.message)
        self.failure = failure
        self.retry_after = retry_after
        self.unsent = unsent
        self.refused = refused
        self.closed_by_server = closed_by_server


WHEN_SENT: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar("when_sent", default=None)
"""Called each time a request sent from this context has been handed to its connection in full: set it in the
context of a task to learn when that task's request has left (the app's start, see `PromptService.start_listing`)."""


class _SendProgress:
    """httpcore's `trace` extension: whether the request was handed to the connection in full, told to
    `WHEN_SENT`'s callback.

    An HTTP/2 connection the server closed while it was idle (a proxy's keep-alive timeout) stays in httpcore's
    pool: httpcore checks an idle HTTP/1.1 connection for a close before reusing it, not an HTTP/2 one (see the
    open encode/httpcore#679 and #1054). The next request is written into a dead socket and fails before its
    body's end. That request reached no one; repeating it (on a new connection) is safe even for
    a sync. Where no event was traced (a transport given by a test), nothing is known and nothing is assumed.
    """

    def __init__(self) -> None:
        self.began = False
        self.sent = False
        self._when_sent = WHEN_SENT.get()

    async def __call__(self, event: str, info: dict[str, Any]) -> None:
        self.began = True
        if event.endswith(".send_request_body.complete"):
            self.sent = True
            if self._when_sent is not None:
                self._when_sent()

    @property
    def unsent(self) -> bool:
        return self.began and not self.sent


def system_proxy(base_url: str) -> str | None:
    """The proxy the system routes this address through, or None.

    `urllib` reads the environment (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY) everywhere, and the system settings on
    Windows and macOS, which httpx alone does not.
    """
    parts = urlsplit(base_url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _transport(**settings: Any) -> httpx.AsyncHTTPTransport:
    """httpx's own transport, its connections opened by asyncio itself (`api/network.py` says why).

    httpx takes no network backend, so it is given to its connection pool (or proxy) after the fact; httpx and
    httpcore are held to the releases this was tried with (pyproject.toml), and `tests/api/test_network.py`
    fails if the backend stops being used.
    """
    transport = httpx.AsyncHTTPTransport(**settings)
    transport._pool._network_backend = _ASYNCIO_BACKEND
    return transport


_ASYNCIO_BACKEND = AsyncioBackend()
_MAX_LISTED_PROBLEMS = 3


def parse_answer(adapter: TypeAdapter[Parsed], response: ApiResponse) -> Parsed:
    """The answer's bytes as models; a body that is not JSON, or not the promised shape, is malformed.

    Validating straight from the bytes is also the cheapest parse (no intermediate dicts). The message says where
    the shape broke without echoing the (possibly huge) data itself.
    """
    try:
        return adapter.validate_json(response.content)
    except ValidationError as error:
        shape = wire_summary(error, empty="the body", limit=_MAX_LISTED_PROBLEMS)
        raise MalformedResponse(f"the answer does not have the expected shape: {shape}") from None


class HttpConnection:
    """httpx's own transports with their keep-alive connections to one server.

    `auth_headers` are secrets: sent on every request and blanked out of every message; `headers` are not.
    `secrets` are blanked out too without being sent as headers (a key secret that only goes in a body).
    Requests go straight to the transports: httpx's client around them would add cookies, redirects, auth flows
    and URL merging this connection never uses, and cost a third of the CPU of a request.
    """

    def __init__(
        self,
        base_url: str,
        auth_headers: Mapping[str, str],
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry_policy: RetryPolicy | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        transport: httpx.AsyncBaseTransport | None = None,
        secrets: Collection[str] = (),
    ):
        if not isinstance(timeout, httpx.Timeout):
            timeout = httpx.Timeout(timeout, connect=min(timeout, DEFAULT_TIMEOUT.connect))
        self.base_url = base_url.rstrip("/")
        self.retry_policy = retry_policy or RetryPolicy()
        self.max_response_bytes = max_response_bytes
        self._timeout = timeout
        self._auth = _SecretHeaders(auth_headers, secrets)
        self._headers = {**_DEFAULT_HEADERS, **(headers or {})}
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._paused_until = 0.0
        """After a 429, no request leaves before this (the event loop's clock): one server, one wait."""
        if transport is not None:
            self._pools = _Pools(lambda: transport, count=1, size=MAX_IN_FLIGHT)
            self._http1_pools: _Pools | None = None
            return
        # HTTP/2 where the server offers it by ALPN, HTTP/1.1 otherwise; keep-alive expiry, happy eyeballs,
        # the system's proxy; the system's trust store.
        settings: dict[str, Any] = dict(
            verify=trust_context(),
            proxy=system_proxy(self.base_url),
            limits=httpx.Limits(max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE,
                                keepalive_expiry=KEEPALIVE_EXPIRY),
        )
        self._pools = _Pools(lambda: _transport(http2=True, **settings),
                             count=MAX_IN_FLIGHT // POOL_SIZE, size=POOL_SIZE)
        self._http1_pools = _Pools(lambda: _transport(http2=False, **settings),
                                   count=MAX_IN_FLIGHT // POOL_SIZE, size=POOL_SIZE)
        """For bodies over `HTTP2_BODY_BYTES`; None when a transport was given."""

    def replace_auth_headers(self, auth_headers: Mapping[str, str]) -> None:
        """Send these secret headers from now on (a renewed token); the old values stay redacted."""
        self._auth.replace(auth_headers)

    async def request(
        self,
        method: str,
        path: str,
        *,
        safe_to_repeat: bool,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
    ) -> ApiResponse:
        """Send one request and return its successful answer, or raise the matching shared exception.

        Only a request the caller marks `safe_to_repeat` (reads and idempotent writes) is retried on 5xx, a
        dropped connection or a timeout: repeating a create or a sync could write a second version. A 429 turned
        the request away unread, so any request is sent again after the wait the server asked for (or the
        backoff), and every other request to this server waits with it.
        A param whose value is a list is sent once per item (`models=a&models=b`); `content` is a raw body
        (give its Content-Type in `headers`); `authenticated=False` leaves the auth headers off (a token request).
        """
        if params is not None:
            params = {key: value for key, value in params.items() if value is not None}
        retries_taken = 0
        while True:
            try:
                return await self._send(
                    method,
                    path,
                    params=params,
                    json=json,
                    content=content,
                    headers=headers,
                    authenticated=authenticated,
                )
            except _Retryable as retryable:
                delay = 0.0 if retryable.unsent or retryable.closed_by_server else self.retry_policy.delay(
                    retries_taken, retryable.retry_after, random.random())
                if retryable.refused:
                    loop = asyncio.get_running_loop()
                    self._paused_until = max(self._paused_until, loop.time() + delay)
                repeatable = safe_to_repeat or retryable.unsent or retryable.refused
                if not repeatable or retries_taken >= self.retry_policy.max_retries:
                    raise retryable.failure from retryable.__cause__
                logger.info(
                    "%s %s failed (%s); retrying in %.2f s", method, path, retryable.failure.error, delay
                )
            retries_taken += 1
            await asyncio.sleep(delay)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None,
        json: Any,
        content: str | bytes | None,
        headers: Mapping[str, str] | None,
        authenticated: bool,
    ) -> ApiResponse:
        progress = _SendProgress()
        try:
            request = httpx.Request(
                method,
                self.base_url + path,
                params=params,
                json=json,
                content=content,
                headers={**self._headers, **(self._auth.headers if authenticated else {}),
                         **(headers or {})},
                extensions={"timeout": self._timeout.as_dict(), "trace": progress},
            )
            pools = self._pools_for(request)
            await self._pause_over()
            async with self._in_flight, pools.borrowed() as pool:
                response = await pool.handle_async_request(request)
                try:
                    content = await self._read_bounded(response)
                finally:
                    await response.aclose()
                if response.extensions.get("http_version") == b"HTTP/2":
                    pools.multiplexed = True
        except httpx.TimeoutException as exc:
            raise _Retryable(TimedOut(self._describe_timeout(exc))) from exc
        except httpx.ConnectError as exc:
            host = urlsplit(self.base_url).hostname or self.base_url
            problem = certificate_problem(exc, host)
            if problem is not None:
                raise CertificateRefused(problem) from exc
            kind = ServerNameNotFound if _caused_by(exc, socket.gaierror) else ConnectionFailed
            failure = kind(self._auth.redact(f"could not connect to {self.base_url}: {exc}"))
            raise _Retryable(failure) from exc
        except UnicodeError as exc:
            if "idna" not in str(exc):
                raise
            # A host label the IDNA codec refuses (too long, empty): no server can have that name.
            raise ServerNameNotFound(self._auth.redact(f"{self.base_url} is not a valid server name: {exc}")) from exc
        except httpx.ProtocolError as exc:
            if _closed_by_server(exc):
                failure = ConnectionFailed(f"lost the connection to {self.base_url}: the server closed it")
                raise _Retryable(failure, unsent=progress.unsent, closed_by_server=True) from exc
            if isinstance(exc, httpx.LocalProtocolError):
                raise ConnectionFailed(self._auth.redact(f"could not talk to {self.base_url}: {exc}")) from exc
            failure = ConnectionFailed(self._auth.redact(f"lost the connection to {self.base_url}: {exc}"))
            raise _Retryable(failure, unsent=progress.unsent) from exc
        except httpx.NetworkError as exc:
            what = "could not connect to" if isinstance(exc, httpx.ConnectError) else "lost the connection to"
            failure = ConnectionFailed(self._auth.redact(f"{what} {self.base_url}: {exc}"))
            raise _Retryable(failure, unsent=progress.unsent) from exc
        except httpx.DecodingError as exc:
            raise MalformedResponse(self._auth.redact(f"could not decode the answer: {exc}")) from exc
        except httpx.HTTPError as exc:
            raise ConnectionFailed(self._auth.redact(f"could not talk to {self.base_url}: {exc}")) from exc
        status = response.status_code
        if 200 <= status < 300:
            return ApiResponse(status, content)
        location = response.headers.get("location")
        redirected_to = urljoin(str(request.url), location) if location else None
        failure = error_from_response(status, content, self._auth.redact, redirected_to)
        if status == 429 or status >= 500:
            raise _Retryable(failure, parse_retry_after(response.headers.get("retry-after")), refused=status == 429)
        raise failure

    async def _pause_over(self) -> None:
        """Wait out a 429's pause: the requests after it would only be turned away too."""
        loop = asyncio.get_running_loop()
        while (wait := self._paused_until - loop.time()) > 0:
            await asyncio.sleep(wait)

    async def _read_bounded(self, response: httpx.Response) -> bytes:
        """The whole body, refused as soon as it is larger than the limit rather than read without bound."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_response_bytes:
            raise self._too_large(f"declares {int(declared)} bytes")
        chunks: list[bytes] = []
        size = 0
        # Closed here, in the loop, when the body is refused half-way: left to the garbage collector, httpcore's
        # stream would be closed later, outside any event loop.
        async with contextlib.aclosing(response.aiter_bytes()) as body:
            async for chunk in body:
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise self._too_large("kept going")
                chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, how: str) -> MalformedResponse:
        return MalformedResponse(
            f"the answer {how} past the limit of {self.max_response_bytes} bytes", error="response_too_large"
        )

    def _describe_timeout(self, exc: httpx.TimeoutException) -> str:
        timeout = self._timeout
        if isinstance(exc, httpx.ConnectTimeout):
            return f"could not connect to {self.base_url} within {timeout.connect} s"
        if isinstance(exc, httpx.PoolTimeout):
            return f"no free connection to {self.base_url} within {timeout.pool} s"
        if isinstance(exc, httpx.WriteTimeout):
            return f"could not send the request to {self.base_url} within {timeout.write} s"
        return f"{self.base_url} did not answer within {timeout.read} s"

    def _pools_for(self, request: httpx.Request) -> _Pools:
        """The HTTP/2 pools, or the HTTP/1.1 ones for a body a server may answer before reading it all."""
        if len(request.content) <= HTTP2_BODY_BYTES or self._http1_pools is None:
            return self._pools
        return self._http1_pools

    async def aclose(self) -> None:
        await self._pools.aclose()
        if self._http1_pools is not None:
            await self._http1_pools.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"
