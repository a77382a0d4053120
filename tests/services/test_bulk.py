"""Saving many drafts at once ("Save all"): one sync each, in order, each failure kept with its own prompt."""

from __future__ import annotations

import pytest

from prompt_studio.api import LangWatchClient
from prompt_studio.models import ConfigData, SyncRequest
from prompt_studio.models.draft import Draft
from prompt_studio.models.errors import ValidationFailedError
from prompt_studio.services.backends import LocalLibraryBackend
from prompt_studio.services.bulk import sync_many
from prompt_studio.services.prompts import PromptService
from prompt_studio.store import PromptLibrary


def content(number: int) -> dict:
    return {
        "prompt": f"You are assistant {number}.",
        "model": "openai/gpt-5",
        "messages": [{"role": "user", "content": "{{input}}"}],
        "inputs": [{"identifier": "input", "type": "str"}],
        "outputs": [{"identifier": "output", "type": "str"}],
        "top_p": 0.5,
    }


@pytest.fixture(params=["library", "server"])
async def service(request, tmp_path):
    """The service over a fresh library, or over the module's one server (each test has handles of its own)."""
    if request.param == "library":
        backend = LocalLibraryBackend(PromptLibrary(tmp_path / "library.sqlite3", seed_examples=False))
    else:
        server = request.getfixturevalue("module_server")
        backend = LangWatchClient(server.url, server.api_key)
    yield PromptService(backend)
    await backend.aclose()


async def test_new_then_unchanged_then_edited_drafts(service):
    new = [Draft(handle=f"bulk/p-{number}", config=content(number)) for number in range(12)]
    answered: list[str] = []
    created = await service.save_many(new, "Save all", concurrency=3, on_answered=answered.append)
    assert [item.handle for item in created] == [draft.handle for draft in new]
    assert {item.outcome.action for item in created} == {"created"}
    assert sorted(answered) == sorted(draft.handle for draft in new), "progress for every prompt"

    unchanged = [item.outcome.draft for item in created]
    assert {item.outcome.action for item in await service.save_many(unchanged, "Save all")} == {"up_to_date"}

    edited = [unchanged[0].model_copy(update={"config": {**unchanged[0].config, "top_p": 0.9}}), unchanged[1]]
    items = await service.save_many(edited, "  ")
    assert [item.outcome.action for item in items] == ["updated", "up_to_date"]
    latest = items[0].outcome.opened.prompt
    assert latest.version == 2
    assert latest.commit_message.startswith("Updated from local file")
    opened = await service.open_prompt("bulk/p-0")
    assert opened.config["top_p"] == 0.9 and items[0].outcome.draft.base_config == opened.config


async def test_a_bad_draft_or_a_refused_handle_fails_alone(service):
    drafts = [
        Draft(handle="bulk/good", config=content(1)),
        Draft(handle="bulk/no-model", config={**content(2), "model": ""}),
        Draft(handle="Not A Handle", config=content(3)),
        Draft(handle="bulk/also-good", config=content(4)),
    ]
    items = await service.save_many(drafts, "Save all", concurrency=2)
    assert [item.handle for item in items] == [draft.handle for draft in drafts]
    assert [item.outcome.action if item.outcome else None for item in items] == [
        "created", None, None, "created"
    ]
    assert isinstance(items[1].error, ValidationFailedError) and "Model" in items[1].error.message
    assert isinstance(items[2].error, ValidationFailedError)


async def test_a_conflict_is_reported_and_writes_nothing(service):
    first = ConfigData.model_validate(content(1))
    await service.backend.sync_prompt("bulk/shared", SyncRequest(config_data=first))
    await service.backend.sync_prompt(
        "bulk/shared", SyncRequest(config_data=ConfigData.model_validate(content(2)), local_version=1)
    )
    stale = Draft(handle="bulk/shared", base_version=1, config={**content(1), "prompt": "mine"})
    [item] = await service.save_many([stale], "Save all")
    assert item.outcome.action == "conflict"
    assert item.outcome.draft.pending_conflict.remote_version == 2
    assert [version.version for version in await service.history("bulk/shared")] == [2, 1]


async def test_concurrency_must_be_positive(service):
    with pytest.raises(ValueError, match="at least 1"):
        await sync_many(service.backend, [], concurrency=0)
    assert await sync_many(service.backend, []) == []
