"""LangWatchClient against the real `prompt-studio serve` over HTTP on 127.0.0.1: every route, every way of
naming a version, the four sync actions, and the failures a user can meet.

One server serves the whole module (starting one per test would dominate the run time); each test works on
handles of its own so the tests cannot see each other's prompts.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator

import pytest

from prompt_studio.api.langwatch import LangWatchClient
from prompt_studio.models import (
    ConfigData,
    CreatePromptBody,
    Prompt,
    SyncRequest,
    UpdatePromptBody,
    config_from_prompt,
)
from prompt_studio.models.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    ValidationFailedError,
)
from tests.support.server_process import ServerProcess, running_server

_handle_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory) -> Iterator[ServerProcess]:
    with running_server(tmp_path_factory.mktemp("api-server") / "data") as process:
        yield process


@pytest.fixture
async def client(shared_server) -> AsyncIterator[LangWatchClient]:
    async with LangWatchClient(shared_server.url, shared_server.api_key) as client:
        yield client


def new_handle(stem: str = "prompt") -> str:
    return f"{stem}-{next(_handle_numbers)}"


def config(prompt: str = "You sort support tickets.", **fields) -> ConfigData:
    outputs = [{"identifier": "output", "type": "str"}]
    data = {"prompt": prompt, "model": "openai/gpt-4o-mini", "outputs": outputs, **fields}
    return ConfigData.model_validate(data)


async def create(client: LangWatchClient, handle: str, prompt: str = "You sort support tickets.") -> Prompt:
    body = CreatePromptBody(handle=handle, prompt=prompt, model="openai/gpt-4o-mini")
    return await client.create_prompt(body)


async def update(client: LangWatchClient, id_or_handle: str, prompt: str) -> Prompt:
    body = UpdatePromptBody(commit_message=f"Say {prompt}", prompt=prompt)
    return await client.update_prompt(id_or_handle, body)


# --- prompts and versions ----------------------------------------------------------------------------------


async def test_create_then_list(client):
    handle = new_handle()
    created = await create(client, handle)
    assert (created.handle, created.version) == (handle, 1)
    assert created.version_id.startswith("prompt_version_")
    assert created.tag_names[0] == "latest"
    assert created.messages[0].role == "system" and created.messages[0].content == created.prompt

    listed = await client.list_prompts()
    assert created.id in [prompt.id for prompt in listed]
    assert all(isinstance(prompt, Prompt) for prompt in listed)


async def test_update_adds_a_version_and_history_is_newest_first(client):
    handle = new_handle()
    first = await create(client, handle, "One")
    second = await update(client, handle, "Two")
    assert (second.id, second.version, second.prompt) == (first.id, 2, "Two")
    assert second.commit_message == "Say Two"

    history = await client.list_versions(handle)
    assert [(version.version, version.prompt) for version in history] == [(2, "Two"), (1, "One")]
    assert history[0].tag_names == ["latest"]
    assert "latest" not in history[1].tag_names


@pytest.mark.parametrize("stem", ["pizza", "support/triage"])
async def test_every_way_of_naming_a_version(client, stem):
    handle = new_handle(stem)
    first = await create(client, handle, "One")
    await update(client, handle, "Two")
    await client.assign_tag(handle, "production", first.version_id)

    async def prompt_of(id_or_handle: str, **query) -> str:
        return (await client.get_prompt(id_or_handle, **query)).prompt

    assert await prompt_of(first.id) == "Two"
    assert await prompt_of(handle) == "Two"
    assert await prompt_of(f"{handle}:latest") == "Two"
    assert await prompt_of(f"{handle}:1") == "One"
    assert await prompt_of(f"{handle}:2") == "Two"
    assert await prompt_of(f"{handle}:production") == "One"
    assert await prompt_of(handle, version=1) == "One"
    assert await prompt_of(first.id, version=1) == "One"
    assert await prompt_of(handle, tag="production") == "One"


async def test_a_handle_with_a_slash_works_on_every_route(client):
    handle = new_handle("support/triage")
    created = await create(client, handle)
    assert created.handle == handle
    assert (await client.get_prompt(handle)).id == created.id
    await update(client, handle, "Two")
    assert [version.version for version in await client.list_versions(handle)] == [2, 1]
    restored = await client.restore_version(handle, created.version_id)
    assert restored.version == 3
    assignment = await client.assign_tag(handle, "staging", created.version_id)
    assert assignment.version_id == created.version_id
    result = await client.sync_prompt(handle, SyncRequest(config_data=config("Four"), local_version=3))
    assert result.action == "updated"
    await client.delete_prompt(handle)
    with pytest.raises(NotFoundError):
        await client.get_prompt(handle)


async def test_restore_copies_an_old_version_into_a_new_one(client):
    handle = new_handle()
    first = await create(client, handle, "One")
    await update(client, handle, "Two")
    restored = await client.restore_version(first.id, first.version_id)
    assert (restored.version, restored.prompt) == (3, "One")
    assert restored.commit_message == "Restore from version 1"
    assert [version.version for version in await client.list_versions(handle)] == [3, 2, 1]


async def test_delete_frees_the_handle(client):
    handle = new_handle()
    first = await create(client, handle)
    assert await client.delete_prompt(handle) is None
    with pytest.raises(NotFoundError):
        await client.get_prompt(first.id)
    assert first.id not in [prompt.id for prompt in await client.list_prompts()]
    again = await create(client, handle)
    assert again.id != first.id and again.version == 1


async def test_fields_round_trip_without_loss(client):
    handle = new_handle()
    outputs = [{"identifier": "verdict", "type": "json_schema",
                "json_schema": {"type": "object", "properties": {"label": {"type": "string"}}}}]
    body = CreatePromptBody(
        handle=handle, prompt="Label {{ticket}}", model="openai/gpt-4o", temperature=0.3, max_tokens=200,
        messages=[{"role": "user", "content": "{{ticket}}"}],
        inputs=[{"identifier": "ticket", "type": "str"}], outputs=outputs,
        parameters={"retries": 2, "nested": {"a": [1, 2]}},
    )
    created = await client.create_prompt(body)
    fetched = await client.get_prompt(handle)
    for prompt in (created, fetched):
        assert (prompt.temperature, prompt.max_tokens) == (0.3, 200)
        assert prompt.parameters == {"retries": 2, "nested": {"a": [1, 2]}}
        assert [message.to_wire() for message in prompt.messages] == [
            {"role": "system", "content": "Label {{ticket}}"}, {"role": "user", "content": "{{ticket}}"}
        ]
        assert prompt.outputs[0].json_schema == outputs[0]["json_schema"]
        assert prompt.response_format is not None
        assert prompt.response_format.json_schema.name == "verdict"


# --- tags --------------------------------------------------------------------------------------------------


async def test_tag_definitions_can_be_listed_created_renamed_and_deleted(client):
    name = f"canary{next(_handle_numbers)}"
    assert {"production", "staging"} <= {tag.name for tag in await client.list_tags()}

    created = await client.create_tag(name)
    assert created.name == name and created.id
    renamed = await client.rename_tag(name, f"{name}-beta")
    assert (renamed.id, renamed.name) == (created.id, f"{name}-beta")
    names = {tag.name for tag in await client.list_tags()}
    assert f"{name}-beta" in names and name not in names

    assert await client.delete_tag(f"{name}-beta") is None
    assert f"{name}-beta" not in {tag.name for tag in await client.list_tags()}


async def test_a_tag_moves_between_versions(client):
    handle = new_handle()
    first = await create(client, handle, "One")
    second = await update(client, handle, "Two")
    assignment = await client.assign_tag(handle, "production", first.version_id)
    assert (assignment.config_id, assignment.version_id) == (first.id, first.version_id)
    assert assignment.tag == "production"
    assert (await client.get_prompt(handle, tag="production")).version == 1

    await client.assign_tag(handle, "production", second.version_id)
    assert (await client.get_prompt(handle, tag="production")).version == 2
    assert (await client.get_prompt(handle, version=2)).tag_names == ["latest", "production"]


# --- sync --------------------------------------------------------------------------------------------------


async def test_sync_created_up_to_date_updated_and_conflict(client):
    handle = new_handle("team/sync")
    created = await client.sync_prompt(handle, SyncRequest(config_data=config("One"), commit_message="First"))
    assert created.action == "created"
    assert (created.prompt.handle, created.prompt.version) == (handle, 1)
    assert created.prompt.commit_message == "First"

    same = await client.sync_prompt(handle, SyncRequest(config_data=config("One"), local_version=1))
    assert same.action == "up_to_date"
    assert same.prompt.version == 1

    changed = await client.sync_prompt(handle, SyncRequest(config_data=config("Two"), local_version=1))
    assert changed.action == "updated"
    assert (changed.prompt.version, changed.prompt.prompt) == (2, "Two")

    behind = await client.sync_prompt(handle, SyncRequest(config_data=config("One"), local_version=1))
    assert behind.action == "up_to_date"
    assert behind.prompt.version == 2

    clash = await client.sync_prompt(
        handle, SyncRequest(config_data=config("Three", temperature=0.5), local_version=1)
    )
    assert clash.action == "conflict"
    info = clash.conflict_info
    assert (info.local_version, info.remote_version) == (1, 2)
    assert "prompt content differs" in info.differences
    assert info.remote_config_data.prompt == "Two"
    assert [version.version for version in await client.list_versions(handle)] == [2, 1]


async def test_sync_of_a_fetched_prompt_is_up_to_date(client):
    """The client's own conversion of R to configData must match what the server compares against."""
    handle = new_handle()
    created = await create(client, handle)
    result = await client.sync_prompt(
        handle, SyncRequest(config_data=config_from_prompt(created), local_version=created.version)
    )
    assert result.action == "up_to_date"


# --- failures ----------------------------------------------------------------------------------------------


async def test_unknown_prompts_versions_and_tags_are_not_found(client):
    handle = new_handle()
    await create(client, handle)
    with pytest.raises(NotFoundError) as caught:
        await client.get_prompt(new_handle("missing"))
    assert caught.value.error == "Prompt not found"
    for call in (client.get_prompt(handle, version=99), client.get_prompt(f"{handle}:nosuchtag"),
                 client.list_versions(new_handle("missing")), client.delete_tag("nosuchtag")):
        with pytest.raises(NotFoundError) as caught:
            await call
        assert caught.value.status == 404


async def test_a_taken_handle_is_a_conflict(client):
    handle = new_handle()
    await create(client, handle)
    with pytest.raises(ConflictError) as caught:
        await create(client, handle)
    assert caught.value.status == 409
    assert caught.value.message or caught.value.error != ConflictError.default_error


async def test_invalid_requests_are_validation_failures(client):
    handle = new_handle()
    await create(client, handle)
    with pytest.raises(ValidationFailedError) as caught:
        await client.get_prompt(f"{handle}:1", version=1)
    assert caught.value.status == 422
    with pytest.raises(ValidationFailedError):
        await client.create_tag("latest")
    with pytest.raises(ValidationFailedError):
        await client.create_prompt(CreatePromptBody(handle="Not A Handle!"))


async def test_a_wrong_key_is_an_authentication_failure(shared_server):
    wrong_key = "sk-lw-wrong_key_for_the_test"
    async with LangWatchClient(shared_server.url, wrong_key) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.list_prompts()
    assert (caught.value.status, caught.value.error) == (401, "Unauthorized")
    assert wrong_key not in str(caught.value) and wrong_key not in caught.value.message
