"""Opening connections: the local library, a LangWatch server or an Orkes server, with their keys.

Qt-free, so the app, the command-line tools and the tests open a connection the same way. Keys come from the
keyring (or the private fallback file), or from the command line for one session, and are read in worker threads:
a keyring may wait on the desktop.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from prompt_studio.api import LangWatchClient
from prompt_studio.api.orkes import OrkesClient
from prompt_studio.models.errors import AuthenticationError
from prompt_studio.paths import DataPaths
from prompt_studio.services.backends import LocalLibraryBackend
from prompt_studio.services.cli_folder import CliFolderBackend
from prompt_studio.services.connections import Connection, ConnectionRegistry, Workspace, connection_id_for
from prompt_studio.services.drafts import DraftStore
from prompt_studio.services.offline import OfflineCopy
from prompt_studio.services.orkes_backend import OrkesBackend
from prompt_studio.services.prompts import PromptService
from prompt_studio.services.secrets import SecretStore
from prompt_studio.services.test_cases import TestCaseStore
from prompt_studio.store import PromptLibrary
from prompt_studio.store.offline_copies import OfflineCopies


def langwatch_connection(url: str, project_id: str | None = None) -> Connection:
    """The connection of a LangWatch server given on the command line."""
    url = url.strip().rstrip("/")
    return Connection(connection_id_for("langwatch", url), f"LangWatch ({url})", "langwatch", url, project_id)


def orkes_connection(url: str, key_id: str) -> Connection:
    """The connection of an Orkes server root (without `/api`) and the id of its application key."""
    root = url.strip().rstrip("/").removesuffix("/api")
    return Connection(connection_id_for("orkes", root), f"Orkes ({root})", "orkes", root, key_id=key_id)


class AppConnector:
    """Opens the local library, a LangWatch or an Orkes server, with keys from the keyring (or the command line)."""

    def __init__(self, paths: DataPaths, secrets: SecretStore, session_keys: dict[str, str] | None = None):
        self.paths = paths
        self.secrets = secrets
        self.registry = ConnectionRegistry(paths.connections)
        self._session_keys = dict(session_keys or {})
        self._session_connections: list[Connection] = []
        self._offline_copies: OfflineCopies | None = None

    @property
    def secrets_where(self) -> str:
        return self.secrets.where

    def connections(self) -> list[Connection]:
        saved = self.registry.load()
        known = {connection.id for connection in saved}
        return saved + [connection for connection in self._session_connections if connection.id not in known]

    def use_for_this_session(self, connection: Connection, api_key: str | None = None) -> None:
        """A connection from the command line (its key stays in memory only), or a folder opened in the window
        (it uses the key of the connection it is bound to)."""
        self._session_connections = [item for item in self._session_connections if item.id != connection.id]
        self._session_connections.append(connection)
        if api_key is not None:
            self._session_keys[connection.id] = api_key

    async def remember(self, connection: Connection) -> bool:
        """Keep a folder opened in the window for the next start, when the server it is bound to is saved too (a
        server from the command line is not: its folder stays for this session only). True when it was kept."""
        saved = await asyncio.to_thread(self.registry.load)
        if connection.key_of not in {item.id for item in saved}:
            self.use_for_this_session(connection)
            return False
        await asyncio.to_thread(self.registry.add, connection)
        return True

    async def add(self, connection: Connection, api_key: str) -> None:
        """Keep the key in the keyring (a worker thread: a keyring may block on a desktop prompt), then the rest."""
        await asyncio.to_thread(self.secrets.set, connection.id, api_key)
        await asyncio.to_thread(self.registry.add, connection)

    async def change_key(self, connection: Connection, api_key: str) -> None:
        """A new key for a known connection: in memory for one given on the command line, else in the keyring."""
        if connection.id in self._session_keys:
            self._session_keys[connection.id] = api_key
        else:
            await asyncio.to_thread(self.secrets.set, connection.id, api_key)

    async def remove(self, connection: Connection) -> None:
        """Forget a connection on this computer: its key, its drafts and its entry (the server is not touched)."""
        self._session_connections = [item for item in self._session_connections if item.id != connection.id]
        self._session_keys.pop(connection.id, None)
        await asyncio.to_thread(self.secrets.delete, connection.id)
        await asyncio.to_thread(self.registry.remove, connection.id)
        await asyncio.to_thread(lambda: DraftStore(self.paths.drafts, connection.id).remove_all())
        copies = await self._copies()
        await asyncio.to_thread(copies.forget, connection.id)

    async def _copies(self) -> OfflineCopies:
        """The offline copies' file, opened at the first connection to a server (in a worker thread)."""
        if self._offline_copies is None:
            self._offline_copies = await asyncio.to_thread(OfflineCopies, self.paths.offline_copies)
        return self._offline_copies

    def _api_key(self, connection: Connection) -> str:
        owner = connection.key_of or connection.id
        key = self._session_keys.get(connection.id) or self._session_keys.get(owner) or self.secrets.get(owner)
        if not key:
            raise AuthenticationError(f"No API key is stored for {connection.name}; add the server again.")
        return key

    async def open(self, connection: Connection) -> Workspace:
        if connection.kind == "local":
            library = await asyncio.to_thread(PromptLibrary, self.paths.library)
            service = PromptService(LocalLibraryBackend(library))
        elif connection.kind == "orkes":
            secret = await asyncio.to_thread(self._api_key, connection)
            client = OrkesClient(connection.url, connection.key_id or "", secret)
            backend = OrkesBackend(client)
            offline = OfflineCopy(await self._copies(), connection.id)
            service = PromptService(backend, backend.capabilities, offline=offline)
        elif connection.kind == "folder":
            api_key = await asyncio.to_thread(self._api_key, connection)
            client = LangWatchClient(connection.url, api_key, project_id=connection.project_id)
            backend = CliFolderBackend(Path(connection.folder or "."), client)
            service = PromptService(backend, backend.capabilities)
        else:
            api_key = await asyncio.to_thread(self._api_key, connection)
            client = LangWatchClient(connection.url, api_key, project_id=connection.project_id)
            service = PromptService(client, offline=OfflineCopy(await self._copies(), connection.id))
        drafts = await asyncio.to_thread(DraftStore, self.paths.drafts, connection.id)
        return Workspace(connection, service, drafts, TestCaseStore(self.paths.test_cases, connection.id))

    async def close(self, workspace: Workspace) -> None:
        if workspace.service.offline is not None:
            await workspace.service.offline.settled()
        await workspace.service.backend.aclose()

    async def probe(self, url: str, api_key: str, project_id: str | None) -> str:
        async with LangWatchClient(url, api_key, project_id=project_id, max_retries=0) as client:
            prompts = await client.list_prompts()
        return f"Connected. The server has {len(prompts)} prompt{'s' if len(prompts) != 1 else ''}."

    async def probe_orkes(self, url: str, key_id: str, key_secret: str) -> str:
        async with OrkesClient(url, key_id, key_secret, max_retries=0) as client:
            prompts = await client.list_prompts()
        return f"Connected. Orkes has {len(prompts)} prompt template{'s' if len(prompts) != 1 else ''}."
