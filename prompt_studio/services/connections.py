"""The places a user keeps prompts: the local library and the servers they added.

Only names, kinds and addresses live here (a JSON file beside the settings); keys live in `SecretStore`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import urlsplit

from prompt_studio.models.names import is_loopback_host
from prompt_studio.paths import write_private_file
from prompt_studio.services.drafts import DraftStore
from prompt_studio.services.prompts import PromptService
from prompt_studio.services.test_cases import TestCaseStore

ConnectionKind = Literal["local", "langwatch", "orkes", "folder"]
DEFAULT_LANGWATCH_URL = "https://app.langwatch.ai"
LOCAL_CONNECTION_ID = "local"


@dataclass(frozen=True)
class Connection:
    id: str
    name: str
    kind: ConnectionKind
    url: str = ""
    project_id: str | None = None
    key_id: str | None = None
    """Orkes only: the id of the application key; its secret lives in `SecretStore` like an API key."""
    folder: str | None = None
    """A LangWatch CLI project folder (kind "folder"), bound to the LangWatch server at `url`."""
    key_of: str | None = None
    """The connection whose key this one uses (a folder: the saved LangWatch connection it is bound to)."""


LOCAL_LIBRARY = Connection(LOCAL_CONNECTION_ID, "Local library", "local")


def connection_id_for(kind: ConnectionKind, url: str) -> str:
    """Stable across runs, so each connection finds its own drafts again."""
    return f"{kind}:{url.strip().rstrip('/')}"


def folder_connection(folder: Path, server: Connection) -> Connection:
    """A LangWatch CLI project folder bound to a LangWatch connection; its drafts are kept apart per folder."""
    root = str(folder.resolve())
    return Connection(connection_id_for("folder", root), f"{folder.resolve().name} (folder, {server.name})", "folder",
                      server.url, server.project_id, folder=root, key_of=server.id)


def url_problem(url: str) -> str | None:
    """Why a server address cannot be used, in plain words, or None.

    An address with a user name or password is refused: it would show in the connection id, the drafts folder's
    name and error messages. The message never repeats the address."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Enter the server's address, for example https://app.langwatch.ai"
    if parts.username is not None or parts.password is not None:
        return "Put the API key in the key field, not in the address."
    return None


def insecure_url_warning(url: str) -> str | None:
    """A warning for plain http to another machine: the API key would cross the network unencrypted."""
    parts = urlsplit(url.strip())
    if parts.scheme == "http" and parts.hostname and not is_loopback_host(parts.hostname):
        return ("This address uses http://, so your API key would travel unencrypted. "
                "Use https:// unless you trust every network in between.")
    return None


class ConnectionRegistry:
    """The saved connections; the local library is always first and cannot be removed."""

    def __init__(self, file: Path):
        self.file = file

    def load(self) -> list[Connection]:
        try:
            items = json.loads(self.file.read_text())
        except (FileNotFoundError, ValueError):
            items = []
        saved = [Connection(**item) for item in items if isinstance(item, dict) and item.get("kind") != "local"]
        return [LOCAL_LIBRARY, *saved]

    def save(self, connections: list[Connection]) -> None:
        data = [asdict(connection) for connection in connections if connection.kind != "local"]
        write_private_file(self.file, json.dumps(data, indent=1).encode())

    def add(self, connection: Connection) -> list[Connection]:
        connections = [item for item in self.load() if item.id != connection.id] + [connection]
        self.save(connections)
        return connections

    def remove(self, connection_id: str) -> list[Connection]:
        connections = [item for item in self.load() if item.id != connection_id]
        self.save(connections)
        return connections


@dataclass
class Workspace:
    """An open connection: its service and its drafts."""

    connection: Connection
    service: PromptService
    drafts: DraftStore
    test_cases: TestCaseStore | None = None
    """Try it's named sample inputs, by prompt (None where nothing is kept, as in some tests)."""


class Connector(Protocol):
    """Opens connections for the window; the composition root implements it with real back ends."""

    secrets_where: str

    def connections(self) -> list[Connection]: ...
    async def open(self, connection: Connection) -> Workspace: ...
    async def close(self, workspace: Workspace) -> None: ...
    async def probe(self, url: str, api_key: str, project_id: str | None) -> str: ...
    async def probe_orkes(self, url: str, key_id: str, key_secret: str) -> str: ...
    async def add(self, connection: Connection, api_key: str) -> None: ...
    def use_for_this_session(self, connection: Connection, api_key: str | None = None) -> None: ...
    async def change_key(self, connection: Connection, api_key: str) -> None: ...
    async def remember(self, connection: Connection) -> bool: ...
    async def remove(self, connection: Connection) -> None: ...
