"""Saving many drafts at once: one sync each, in order, each failure kept with its own prompt."""

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
    created = await service.sync_many(new, "Save all", concurrency=3)
    assert [outcome.handle for outcome in created] == [draft.handle for draft in new]
    assert {outcome.result.action for outcome in created} == {"created"}

    unchanged = [draft.model_copy(update={"base_version": 1}) for draft in new]
    assert {outcome.result.action for outcome in await service.sync_many(unchanged, "Save all")} == {"up_to_date"}

    edited = [unchanged[0].model_copy(update={"config": {**content(0), "top_p": 0.9}}), unchanged[1]]
    outcomes = await service.sync_many(edited, "  ")
    assert [outcome.result.action for outcome in outcomes] == ["updated", "up_to_date"]
    latest = outcomes[0].result.prompt
    assert latest.version == 2
    assert latest.commit_message.startswith("Updated from local file")
    opened = await service.open_prompt("bulk/p-0")
    assert opened.config["top_p"] == 0.9


async def test_a_bad_draft_or_a_refused_handle_fails_alone(service):
    drafts = [
        Draft(handle="bulk/good", config=content(1)),
        Draft(handle="bulk/no-model", config={**content(2), "model": ""}),
        Draft(handle="Not A Handle", config=content(3)),
        Draft(handle="bulk/also-good", config=content(4)),
    ]
    outcomes = await service.sync_many(drafts, "Save all", concurrency=2)
    assert [outcome.handle for outcome in outcomes] == [draft.handle for draft in drafts]
    assert [outcome.result.action if outcome.result else None for outcome in outcomes] == [
        "created", None, None, "created"
    ]
    assert isinstance(outcomes[1].error, ValidationFailedError) and "Model" in outcomes[1].error.message
    assert isinstance(outcomes[2].error, ValidationFailedError)


async def test_a_conflict_is_reported_and_writes_nothing(service):
    first = ConfigData.model_validate(content(1))
    await service.backend.sync_prompt("bulk/shared", SyncRequest(config_data=first))
    await service.backend.sync_prompt(
        "bulk/shared", SyncRequest(config_data=ConfigData.model_validate(content(2)), local_version=1)
    )
    stale = Draft(handle="bulk/shared", base_version=1, config={**content(1), "prompt": "mine"})
    [outcome] = await service.sync_many([stale], "Save all")
    assert outcome.result.action == "conflict"
    assert outcome.result.conflict_info.remote_version == 2
    assert [version.version for version in await service.history("bulk/shared")] == [2, 1]


async def test_concurrency_must_be_positive(service):
    with pytest.raises(ValueError, match="at least 1"):
        await sync_many(service.backend, [], concurrency=0)
    assert await sync_many(service.backend, []) == []
