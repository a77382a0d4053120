"""The app and the official CLI on one folder, both ways, through the service layer (real files, real HTTP)."""

from __future__ import annotations

import json

import httpx
import pytest

from prompt_studio.services.editing import MergeDecision
from tests.cli_folders.conftest import folder_bytes

pytestmark = pytest.mark.slow

GREETER = "prompts/greeter.prompt.yaml"


def _server_versions(server, handle: str) -> list[dict]:
    with httpx.Client(base_url=server.url, headers={"X-Auth-Token": server.api_key}, trust_env=False) as client:
        answer = client.get(f"/api/prompts/{handle}/versions")
        answer.raise_for_status()
        return answer.json()


def _lock(project) -> dict:
    return json.loads((project / "prompts-lock.json").read_text(encoding="utf-8"))


async def test_after_the_app_saves_the_cli_pushes_nothing_and_rewrites_nothing(session, project, cli, server):
    await session.open("greeter")
    config = dict(session.draft.config, prompt="You are a cheerful assistant.", max_tokens=300)
    session.edit(config, session.draft.parameters)
    outcome = await session.save("Cheerier greeting", merge=None)

    assert outcome.action == "updated"
    text = (project / GREETER).read_text(encoding="utf-8")
    assert "# The greeter: our first prompt. Keep the tone friendly." in text
    assert "model: openai/gpt-5  # chosen in the March review" in text
    assert "content: You are a cheerful assistant." in text
    assert "  max_tokens: 300\n" in text
    newest = _server_versions(server, "greeter")[0]
    assert (newest["version"], newest["commitMessage"], newest["maxTokens"]) == (2, "Cheerier greeting", 300)
    assert _lock(project)["prompts"]["greeter"] == {
        "version": 2, "versionId": newest["versionId"], "materialized": GREETER}
    assert (project / "prompts-lock.json").read_text(encoding="utf-8").endswith("}\n")

    before = folder_bytes(project)
    output = cli("prompt", "sync")
    assert "no changes" in output
    assert folder_bytes(project) == before
    assert [version["version"] for version in _server_versions(server, "greeter")] == [2, 1]


async def test_after_the_cli_syncs_the_app_shows_the_same_content(session, project, cli, server):
    file = project / GREETER
    file.write_text(file.read_text(encoding="utf-8").replace("temperature: 0.7", "temperature: 0.2\n  max_tokens: 99")
                    .replace("helpful assistant", "terse assistant for {{product}}"), encoding="utf-8")
    cli("prompt", "sync")

    draft = await session.open("greeter")
    newest = _server_versions(server, "greeter")[0]
    assert draft.base_version == newest["version"] == 2
    assert not draft.differs_from_base
    assert draft.config["prompt"] == newest["prompt"] == "You are a terse assistant for {{product}}."
    assert draft.config["messages"] == newest["messages"][1:]
    assert (draft.config["temperature"], draft.config["max_tokens"]) == (newest["temperature"], newest["maxTokens"])
    assert draft.config["inputs"] == newest["inputs"]
    assert draft.config["outputs"] == newest["outputs"]
    assert [version.version for version in session.versions] == [2, 1]


async def test_a_colleagues_change_is_merged_and_the_file_and_lock_follow(session, project, cli, colleague, server):
    await session.open("greeter")
    session.edit(dict(session.draft.config, temperature=0.3), session.draft.parameters)
    theirs = colleague.workdir / GREETER
    theirs.write_text(theirs.read_text(encoding="utf-8").replace("helpful", "patient"), encoding="utf-8")
    colleague("prompt", "sync")
    before = folder_bytes(project)
    originals = []

    async def accept_the_automatic_merge(merge):
        originals.append(merge.result)
        assert merge.conflicts_remaining == 0
        assert folder_bytes(project) == before  # the conflict wrote nothing
        return MergeDecision(merge.merged_draft(), "Cooler, and patient")

    outcome = await session.save("Cooler", accept_the_automatic_merge)

    assert outcome.action == "updated" and originals
    text = (project / GREETER).read_text(encoding="utf-8")
    assert "temperature: 0.3" in text and "You are a patient assistant." in text
    assert "# chosen in the March review" in text
    newest = _server_versions(server, "greeter")[0]
    assert (newest["version"], newest["temperature"], newest["prompt"]) == (3, 0.3, "You are a patient assistant.")
    assert _lock(project)["prompts"]["greeter"]["version"] == 3
    before = folder_bytes(project)
    assert "no changes" in cli("prompt", "sync")
    assert folder_bytes(project) == before


async def test_a_file_left_behind_is_brought_forward_and_stays_so_across_two_cli_syncs(
        service, project, cli, colleague, server):
    theirs = colleague.workdir / GREETER
    theirs.write_text(theirs.read_text(encoding="utf-8").replace("helpful", "patient"), encoding="utf-8")
    colleague("prompt", "sync")

    listed = {prompt.handle: prompt for prompt in await service.list_prompts()}

    assert listed["greeter"].version == 2
    assert "content: You are a patient assistant." in (project / GREETER).read_text(encoding="utf-8")
    assert "# The greeter: our first prompt." in (project / GREETER).read_text(encoding="utf-8")
    assert _lock(project)["prompts"]["greeter"]["version"] == 2
    cli("prompt", "sync")
    cli("prompt", "sync")
    versions = _server_versions(server, "greeter")
    assert [version["version"] for version in versions] == [2, 1]
    assert versions[0]["prompt"] == "You are a patient assistant."
    assert "You are a patient assistant." in (project / GREETER).read_text(encoding="utf-8")


async def test_a_file_edited_in_a_text_editor_opens_as_a_draft_to_save(session, project, cli, server):
    file = project / GREETER
    file.write_text(file.read_text(encoding="utf-8").replace("helpful", "careful"), encoding="utf-8")

    draft = await session.open("greeter")

    assert draft.differs_from_base
    assert (draft.config["prompt"], draft.base_config["prompt"]) == (
        "You are a careful assistant.", "You are a helpful assistant.")
    outcome = await session.save("", merge=None)
    assert outcome.action == "updated"
    newest = _server_versions(server, "greeter")[0]
    assert (newest["version"], newest["commitMessage"]) == (2, "Synced from local file: greeter.prompt.yaml")
    assert "no changes" in cli("prompt", "sync")


async def test_restoring_an_old_version_writes_it_to_the_file_and_the_lock(session, project, cli, server):
    await session.open("greeter")
    session.edit(dict(session.draft.config, prompt="You are a grumpy assistant."), session.draft.parameters)
    await session.save("Grumpy", merge=None)
    first = next(version for version in await session.load_history("greeter") if version.version == 1)

    opened = await session.restore(first)

    assert opened.prompt.version == 3
    assert "content: You are a helpful assistant." in (project / GREETER).read_text(encoding="utf-8")
    assert "# chosen in the March review" in (project / GREETER).read_text(encoding="utf-8")
    assert _lock(project)["prompts"]["greeter"]["version"] == 3
    assert session.draft.config["prompt"] == "You are a helpful assistant." and not session.draft.differs_from_base
    before = folder_bytes(project)
    assert "no changes" in cli("prompt", "sync")
    assert folder_bytes(project) == before
