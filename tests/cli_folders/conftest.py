"""A LangWatch CLI project folder made by the official CLI 0.16.1, bound to a fresh `prompt-studio serve`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prompt_studio.api import LangWatchClient
from prompt_studio.services.cli_folder import CliFolderBackend
from prompt_studio.services.connections import Connection, Workspace
from prompt_studio.services.drafts import DraftStore
from prompt_studio.services.editing import EditingSession
from prompt_studio.services.prompts import PromptService
from tests.support.official_cli import OfficialCli
from tests.ui.conftest import qt_loop, run_async  # noqa: F401 (the window tests' event loop)

GREETER = """\
# The greeter: our first prompt. Keep the tone friendly.
model: openai/gpt-5  # chosen in the March review
modelParameters:
  temperature: 0.7
messages:
  - role: system
    content: You are a helpful assistant.
  - role: user
    content: "{{input}}"
"""


def folder_bytes(root: Path) -> dict[str, bytes]:
    """Every file of a folder and its bytes, to show what a step wrote (or did not)."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file()}


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


@pytest.fixture
def cli(project, server, tmp_path) -> OfficialCli:
    """The official CLI in the project folder: `init`, then `create greeter` with an author's comments, synced
    once (version 1 on the server)."""
    scratch = tmp_path / "cli"
    scratch.mkdir()
    cli = OfficialCli(project, server, scratch)
    cli("prompt", "init")
    cli("prompt", "create", "greeter")
    (project / "prompts" / "greeter.prompt.yaml").write_text(GREETER, encoding="utf-8")
    cli("prompt", "sync")
    yield cli
    assert cli.reached_outside == ""


@pytest.fixture
def colleague(project, cli, server, tmp_path) -> OfficialCli:
    """A colleague's clone of the same folder (as git would give it), with the CLI of their own."""
    clone = tmp_path / "colleague"
    shutil.copytree(project, clone, ignore=shutil.ignore_patterns(".materialized"))
    scratch = tmp_path / "colleague-cli"
    scratch.mkdir()
    return OfficialCli(clone, server, scratch)


@pytest.fixture
async def service(project, cli, server):
    backend = CliFolderBackend(project, LangWatchClient(server.url, server.api_key))
    yield PromptService(backend, backend.capabilities)
    await backend.aclose()


@pytest.fixture
def session(service, project, tmp_path) -> EditingSession:
    connection = Connection(f"folder:{project}", "project", "folder", service.backend.client.base_url)
    return EditingSession(Workspace(connection, service, DraftStore(tmp_path / "drafts", connection.id)))
