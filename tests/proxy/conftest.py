"""nginx in front of `prompt-studio serve`, over TLS from a test authority the system trusts, for the tests here.

Each test gets its own upstream server (one it can kill and start again on the same port and data folder) and its
own nginx; the authority is installed into the system trust store once for the session. Where nginx, root or
update-ca-certificates is missing, every test here is skipped with the reason.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from prompt_studio.api import LangWatchClient
from prompt_studio.services.drafts import DraftStore
from prompt_studio.services.prompts import PromptService
from tests.support.nginx_proxy import NginxProxy, authority_in_system_store, missing_for_proxy_tests, running_nginx
from tests.support.server_process import ServerProcess, free_port, running_server


@pytest.fixture(scope="session")
def authority() -> Iterator[trustme.CA]:
    """A test certificate authority, trusted through the operating system's store for the whole run."""
    missing = missing_for_proxy_tests()
    if missing:
        pytest.skip(f"the nginx tests need nginx, root and update-ca-certificates: {missing}")
    authority = trustme.CA(organization_name="Prompt Studio test CA")
    with authority_in_system_store(authority):
        yield authority


@pytest.fixture(autouse=True)
def _system_store_only(monkeypatch):
    """No environment variable points the client at a bundle: the trust comes from the system store alone."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


class Upstream:
    """`prompt-studio serve` on a fixed port and data folder, which a test may kill and start again."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self._running: contextlib.AbstractContextManager[ServerProcess] | None = None
        self.server: ServerProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_key(self) -> str:
        assert self.server is not None
        return self.server.api_key

    def start(self) -> None:
        self._running = running_server(self.data_dir, port=self.port)
        self.server = self._running.__enter__()

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        assert self.server is not None
        self.server.kill()

    def restart(self) -> None:
        self.close()
        self.start()

    def close(self) -> None:
        if self._running is not None:
            self._running.__exit__(None, None, None)
            self._running = None


@pytest.fixture
def upstream(tmp_path) -> Iterator[Upstream]:
    upstream = Upstream(tmp_path / "server-data")
    upstream.start()
    try:
        yield upstream
    finally:
        upstream.close()


@pytest.fixture
def proxy(authority, upstream, tmp_path) -> Iterator[NginxProxy]:
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    with running_nginx(tmp_path / "nginx", upstream.port, certificate) as running:
        yield running


@pytest.fixture
async def client(proxy, upstream) -> LangWatchClient:
    """The app's client through nginx, created after the authority went into the system store."""
    async with LangWatchClient(proxy.url, upstream.api_key, timeout=5.0) as client:
        yield client


@pytest.fixture
def service(client) -> PromptService:
    return PromptService(client)


@pytest.fixture
async def direct(upstream) -> LangWatchClient:
    """A client straight to the upstream, past nginx: the judge of what was written."""
    async with LangWatchClient(upstream.url, upstream.api_key) as direct:
        yield direct


@pytest.fixture
def drafts(tmp_path) -> DraftStore:
    return DraftStore(tmp_path / "drafts", "nginx")
