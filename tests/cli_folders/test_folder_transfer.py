"""`prompt-studio export --format folder` and `prompt-studio import FOLDER` with the official CLI 0.16.1: a server's
prompts written as a CLI project, which `langwatch prompt sync` pushes into an empty server with the same content as
our own import of the folder and as the bundle route; folder -> server -> folder gives the same files."""

from __future__ import annotations

import json
from contextlib import ExitStack

import pytest

from prompt_studio.api import LangWatchClient
from prompt_studio.models import ConfigData, SyncRequest
from tests.cli_folders.conftest import folder_bytes
from tests.commands.test_transfer_commands import _cli, _content, _server_options
from tests.support.official_cli import OfficialCli
from tests.support.server_process import running_server

ANSWER_SCHEMA = {"type": "object", "properties": {"refund": {"type": "boolean"}, "reason": {"type": "string"}},
                 "required": ["refund"]}
SOURCE_PROMPTS = {
    "team/refunds": {
        "prompt": "You answer refund questions for {{ shop }}.\nBe brief.",
        "model": "openai/gpt-5",
        "messages": [{"role": "user", "content": "{{ question }}"}, {"role": "assistant", "content": "Noted."},
                     {"role": "user", "content": "Reply as JSON."}],
        "temperature": 0.2, "max_tokens": 900,
        "inputs": [{"identifier": "input", "type": "str"}],
        "outputs": [{"identifier": "answer", "type": "json_schema", "json_schema": ANSWER_SCHEMA}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": ANSWER_SCHEMA}},
    },
    "greeter": {
        "prompt": "You are a friendly greeter. Café, naïve, 日本語.",
        "model": "openai/gpt-4o-mini", "temperature": 0.7,
        "messages": [{"role": "user", "content": "{{input}}"}],
        "inputs": [{"identifier": "input", "type": "str"}],
        "outputs": [{"identifier": "output", "type": "str"}],
    },
    "faq": {
        "prompt": "", "model": "anthropic/claude-sonnet-4", "max_tokens": 300,
        "messages": [{"role": "user", "content": "Answer from the FAQ: {{ question }}"}],
        "inputs": [{"identifier": "input", "type": "str"}],
        "outputs": [{"identifier": "output", "type": "str"}],
    },
}
HANDLES = list(SOURCE_PROMPTS)


async def _fill(server) -> None:
    async with LangWatchClient(server.url, server.api_key) as client:
        for handle, content in SOURCE_PROMPTS.items():
            await client.sync_prompt(handle, SyncRequest(config_data=ConfigData.model_validate(content)))


async def _contents(server) -> dict[str, tuple[dict, dict]]:
    return {handle: await _content(server, handle) for handle in HANDLES}


def _export_folder(server, destination) -> None:
    exported = _cli("export", str(destination), "--format", "folder", "--handles", *HANDLES, *_server_options(server),
                    key=server.api_key)
    assert exported.returncode == 0, exported.stderr
    assert f"{len(HANDLES)} prompts written" in exported.stderr and "does not keep" not in exported.stderr


@pytest.mark.slow
async def test_an_exported_folder_goes_into_empty_servers_by_the_official_cli_and_by_our_import_the_same(tmp_path):
    with ExitStack() as servers:
        dev, by_cli, by_folder, by_bundle = (servers.enter_context(running_server(tmp_path / name))
                                            for name in ("dev", "by-cli", "by-folder", "by-bundle"))
        await _fill(dev)
        folder = tmp_path / "exported"
        _export_folder(dev, folder)
        files = folder_bytes(folder)
        assert sorted(files) == ["prompts-lock.json", "prompts.json", "prompts/faq.prompt.yaml",
                                 "prompts/greeter.prompt.yaml", "prompts/team/refunds.prompt.yaml"]
        assert json.loads(files["prompts.json"]) == {"prompts": {
            handle: f"file:prompts/{handle}.prompt.yaml" for handle in HANDLES}}
        assert files["prompts/faq.prompt.yaml"].decode() == (
            "model: anthropic/claude-sonnet-4\nmodelParameters:\n  max_tokens: 300\nmessages:\n  - role: user\n"
            "    content: 'Answer from the FAQ: {{ question }}'\n")
        source = await _contents(dev)

        scratch = tmp_path / "cli-scratch"
        scratch.mkdir()
        cli = OfficialCli(folder, by_cli, scratch)
        said = cli("prompt", "sync")
        assert cli.reached_outside == ""
        assert f"Synced {len(HANDLES)} pushed" in said, said
        assert await _contents(by_cli) == source, said

        imported = _cli("import", str(tmp_path / "exported"), *_server_options(by_folder), key=by_folder.api_key)
        assert imported.returncode == 0, imported.stderr
        assert f"{len(HANDLES)}/{len(HANDLES)}" in imported.stderr and f"{len(HANDLES)} created" in imported.stderr
        assert await _contents(by_folder) == source

        bundle = tmp_path / "bundle.json"
        assert _cli("export", str(bundle), "--handles", *HANDLES, *_server_options(dev),
                    key=dev.api_key).returncode == 0
        assert _cli("import", str(bundle), *_server_options(by_bundle), key=by_bundle.api_key).returncode == 0
        assert await _contents(by_bundle) == source

        again = tmp_path / "again"
        _export_folder(by_folder, again)
        returned = folder_bytes(again)
        lock, returned_lock = (json.loads(found.pop("prompts-lock.json")) for found in (files, returned))
        assert returned == files, "folder -> server -> folder: the same prompts.json and prompt files, byte for byte"
        assert {name: entry["materialized"] for name, entry in returned_lock["prompts"].items()} == \
            {name: entry["materialized"] for name, entry in lock["prompts"].items()}

        synced_again = cli("prompt", "sync")
        assert "pushed" not in synced_again and await _contents(by_cli) == source, synced_again
