"""A faulty front for the real server: it relays every request to `prompt-studio serve`, except the ones a test
tells it to spoil (drop before relaying, relay then hang up, answer garbage...).

Relaying keeps the real server the judge of what was written, so a test counts versions there, while the
client sees exactly the misbehaviour under test. Built on `tests/api/raw_server.py`, which reads raw requests
and lets a step write anything at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import httpx

from tests.api.raw_server import RawHttpServer, ReceivedRequest, Step, answer

_RELAYED_HEADERS = ("x-auth-token", "authorization", "content-type", "accept", "x-project-id")

Matcher = Callable[[ReceivedRequest], bool]


def is_save_sync(request: ReceivedRequest) -> bool:
    """The sync a save sends (with the draft's base version), not the read-only probe an open sends."""
    return request.method == "POST" and request.target.endswith("/sync") and "localVersion" in request.json


def is_list(request: ReceivedRequest) -> bool:
    return request.method == "GET" and request.target.rstrip("/") == "/api/prompts"


def is_get(request: ReceivedRequest) -> bool:
    return request.method == "GET"


@dataclass
class _Fault:
    matches: Matcher
    step: Step
    times: int


@dataclass
class FaultyFront:
    """A loopback server in front of `upstream`; `spoil` arms a fault for the next matching requests."""

    upstream: str
    raw: RawHttpServer = field(default_factory=RawHttpServer)
    _faults: list[_Fault] = field(default_factory=list)
    _client: httpx.AsyncClient | None = None

    @property
    def url(self) -> str:
        return self.raw.url

    def spoil(self, matches: Matcher, step: Step, times: int = 1) -> None:
        self._faults.append(_Fault(matches, step, times))

    def received(self, matches: Matcher) -> list[ReceivedRequest]:
        return [request for request in self.raw.requests if matches(request)]

    async def relay(self) -> httpx.Response:
        """Send the request being answered to the real server, exactly once, and return its answer."""
        assert self._client is not None
        request = self.raw.requests[-1]
        headers = {name: value for name, value in request.headers.items() if name in _RELAYED_HEADERS}
        return await self._client.request(request.method, self.upstream + request.target,
                                          headers=headers, content=request.body)

    def relay_then(self, step: Step) -> Step:
        """The real server does the work; the client gets `step` instead of its answer."""

        async def relayed(writer) -> bool:
            await self.relay()
            return await step(writer)

        return relayed

    async def _dispatch(self, writer) -> bool:
        request = self.raw.requests[-1]
        for fault in self._faults:
            if fault.times > 0 and fault.matches(request):
                fault.times -= 1
                return await fault.step(writer)
        relayed = await self.relay()
        headers = {"Content-Type": relayed.headers.get("content-type", "application/json")}
        return await answer(relayed.status_code, relayed.content, headers)(writer)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[FaultyFront]:
        self.raw.script = [self._dispatch]
        self._client = httpx.AsyncClient(trust_env=False, timeout=30.0)
        await self.raw.start()
        try:
            yield self
        finally:
            await self.raw.close()
            await self._client.aclose()


def status_step(status: int, error: str, retry_after: str | None = None) -> Step:
    """A flat error body, as LangWatch (or a proxy in front of it) would send."""
    headers = {"Content-Type": "application/json", **({"Retry-After": retry_after} if retry_after else {})}
    return answer(status, f'{{"error": "{error}", "message": "injected by the test"}}', headers)
