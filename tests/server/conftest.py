"""An in-process server on 127.0.0.1 over a real library file, for the tests that do not need a subprocess."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from prompt_studio.server import create_app
from prompt_studio.store import PromptLibrary
from tests.support.server_process import TEST_API_KEY, free_port, wait_for_uvicorn


@dataclass
class LiveServer:
    url: str
    api_key: str
    library: PromptLibrary

    def client(self, **headers: str) -> httpx.Client:
        """A client with its own connection pool, sending the right key unless `headers` say otherwise."""
        return httpx.Client(
            base_url=self.url,
            headers={"X-Auth-Token": self.api_key, **headers},
            timeout=30.0,
            trust_env=False,
        )


@pytest.fixture
def library(tmp_path) -> Iterator[PromptLibrary]:
    opened = PromptLibrary(tmp_path / "library.sqlite3", seed_examples=False)
    yield opened
    opened.close()


@pytest.fixture
def live_server(library) -> Iterator[LiveServer]:
    port = free_port()
    config = uvicorn.Config(
        create_app(library, TEST_API_KEY), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-under-test", daemon=True)
    thread.start()
    wait_for_uvicorn(server, thread, "the in-process server")
    yield LiveServer(f"http://127.0.0.1:{port}", TEST_API_KEY, library)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def client(live_server) -> Iterator[httpx.Client]:
    with live_server.client() as opened:
        yield opened
