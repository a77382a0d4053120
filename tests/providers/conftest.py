"""The fake providers on 127.0.0.1 (uvicorn in a thread, one for the session), and runners pointed at them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from starlette.types import Receive, Scope, Send

from prompt_studio.providers import ProviderSettings, ProvidersSettings, Runner, key_id
from tests.providers.fakes import ANTHROPIC_KEY, OPENAI_KEY, FakeProviders
from tests.support.server_process import serving_in_a_thread


class MemorySecrets:
    """SecretStore's shape, in memory."""

    def __init__(self, keys: dict[str, str] | None = None):
        self.keys = dict(keys or {})

    def get(self, connection_id: str) -> str | None:
        return self.keys.get(connection_id)

    def set(self, connection_id: str, secret: str) -> None:
        self.keys[connection_id] = secret

    def delete(self, connection_id: str) -> None:
        self.keys.pop(connection_id, None)


class _CurrentFake:
    def __init__(self) -> None:
        self.fake: FakeProviders | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.fake is not None, "no fake provider installed"
        await self.fake.app(scope, receive, send)


@pytest.fixture(scope="session")
def providers_server() -> Iterator[tuple[str, _CurrentFake]]:
    current = _CurrentFake()
    with serving_in_a_thread(current, "the fake providers", log_level="critical") as url:
        yield url, current


@dataclass
class Fakes:
    url: str
    fake: FakeProviders
    settings: ProvidersSettings
    secrets: MemorySecrets

    @property
    def openai_url(self) -> str:
        return f"{self.url}/openai/v1"

    @property
    def anthropic_url(self) -> str:
        return f"{self.url}/anthropic"


@pytest.fixture
def fakes(providers_server) -> Iterator[Fakes]:
    url, current = providers_server
    current.fake = FakeProviders()
    settings = ProvidersSettings(providers=[
        ProviderSettings(prefix="openai", kind="openai", name="OpenAI", base_url=f"{url}/openai/v1",
                         price_provider="openai"),
        ProviderSettings(prefix="anthropic", kind="anthropic", name="Anthropic", base_url=f"{url}/anthropic",
                         price_provider="anthropic"),
        ProviderSettings(prefix="local", kind="openai_compatible", name="Local server",
                         base_url=f"{url}/openai/v1"),
    ])
    secrets = MemorySecrets({key_id("openai"): OPENAI_KEY, key_id("anthropic"): ANTHROPIC_KEY,
                            key_id("local"): OPENAI_KEY})
    yield Fakes(url, current.fake, settings, secrets)
    current.fake = None


@pytest.fixture
async def runner(fakes) -> AsyncIterator[Runner]:
    runner = Runner(fakes.settings, fakes.secrets)
    yield runner
    await runner.aclose()
