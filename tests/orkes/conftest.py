"""The fake Orkes server on 127.0.0.1 (uvicorn in a thread), and clients of it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.types import Receive, Scope, Send

from prompt_studio.api.orkes import OrkesClient
from tests.orkes.fake_orkes import FakeOrkes
from tests.support.server_process import serving_in_a_thread

KEY_ID = "key-prompt-studio"
KEY_SECRET = "orkes-secret-4f9c2a7e1b3d"


@dataclass
class RunningOrkes:
    url: str
    fake: FakeOrkes

    def client(self, key_id: str = KEY_ID, key_secret: str = KEY_SECRET, **options: Any) -> OrkesClient:
        """A client of this server, with the test key unless told otherwise."""
        return OrkesClient(self.url, key_id, key_secret, **options)


class _CurrentFake:
    """The ASGI app of whichever fake the running test installed: one uvicorn serves the whole session, since
    starting and stopping one per test would cost more than the tests themselves."""

    def __init__(self) -> None:
        self.fake: FakeOrkes | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.fake is not None, "no fake Orkes installed"
        await self.fake.app(scope, receive, send)


@pytest.fixture(scope="session")
def orkes_server() -> Iterator[tuple[str, _CurrentFake]]:
    current = _CurrentFake()
    with serving_in_a_thread(current, "the fake Orkes server") as url:
        yield url, current


@pytest.fixture
def start_orkes(orkes_server) -> Iterator[Callable[..., RunningOrkes]]:
    """Serve a fresh `FakeOrkes(**options)` that knows the test key; the previous one is gone."""
    url, current = orkes_server

    def start(**options: Any) -> RunningOrkes:
        fake = FakeOrkes(**options)
        fake.add_key(KEY_ID, KEY_SECRET, user="me@example.com")
        current.fake = fake
        return RunningOrkes(url, fake)

    yield start
    current.fake = None


@pytest.fixture
def orkes(start_orkes) -> RunningOrkes:
    return start_orkes()


@pytest.fixture
async def client(orkes) -> AsyncIterator[OrkesClient]:
    async with orkes.client() as opened:
        yield opened
