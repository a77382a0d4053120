"""The service layer over the real client when the server misbehaves: every failure is a plain message, the draft
on disk is untouched, nothing is written twice, and the next save works once the server is back."""

from __future__ import annotations

import pytest

from prompt_studio.api import MAX_RESPONSE_BYTES, LangWatchClient
from prompt_studio.models.draft import Draft
from prompt_studio.models.errors import (
    AuthenticationError,
    ConnectionFailed,
    MalformedResponse,
    NotFoundError,
    PromptStudioError,
    ServerError,
    TimedOut,
)
from prompt_studio.services.drafts import DraftStore
from prompt_studio.services.prompts import PromptService
from tests.api.raw_server import answer, answer_json, close_mid_body, endless_body, hang_up, stall
from tests.faults.support import FaultyFront, is_get, is_list, is_save_sync, status_step
from tests.support.server_process import free_port, running_server

HANDLE = "support/triage"
"""A seeded example, with a slash, so every request also exercises the encoded handle."""


@pytest.fixture
async def front(server):
    async with FaultyFront(server.url).running() as running:
        yield running


@pytest.fixture
async def colleague(server):
    """Someone else's client straight to the real server: the judge of what was written."""
    async with LangWatchClient(server.url, server.api_key) as client:
        yield client


@pytest.fixture
async def service(front, server):
    client = LangWatchClient(front.url, server.api_key, timeout=2.0)
    yield PromptService(client)
    await client.aclose()


@pytest.fixture
def drafts(tmp_path) -> DraftStore:
    return DraftStore(tmp_path / "drafts", "faults")


async def edited_draft(service: PromptService, drafts: DraftStore, words: str = " Be brief.") -> Draft:
    """Open the prompt, change its system prompt, and keep the draft on disk as the window does."""
    opened = await service.open_prompt(HANDLE)
    draft = opened.start_draft()
    draft = draft.model_copy(update={"config": {**draft.config, "prompt": draft.config["prompt"] + words}})
    drafts.save(draft)
    return draft


async def version_numbers(client: LangWatchClient, handle: str = HANDLE) -> list[int]:
    return [version.version for version in await client.list_versions(handle)]


def assert_plain(error: PromptStudioError, api_key: str) -> None:
    """A sentence for a person: the class's plain words first, no traceback, no secret."""
    assert error.user_message.startswith(type(error).plain_words)
    assert "Traceback" not in error.user_message
    assert api_key not in error.user_message and api_key not in str(error)


async def test_a_save_dropped_before_the_server_saw_it_writes_nothing(service, front, drafts, colleague, server):
    draft = await edited_draft(service, drafts)
    before = await version_numbers(colleague)
    front.spoil(is_save_sync, hang_up())

    with pytest.raises(ConnectionFailed) as failure:
        await service.save(draft, "Brief")

    assert_plain(failure.value, server.api_key)
    assert len(front.received(is_save_sync)) == 1, "a sync must never be repeated blindly"
    assert await version_numbers(colleague) == before
    assert drafts.load(HANDLE) == draft
    saved = await service.save(draft, "Brief")
    assert saved.action == "updated"
    assert await version_numbers(colleague) == [before[0] + 1, *before]


@pytest.mark.parametrize(
    ("spoiled_answer", "error_class"),
    [
        (hang_up(), ConnectionFailed),
        (close_mid_body(), ConnectionFailed),
        (stall(), TimedOut),
        (answer(200, '{"action": "updated", "prompt": {"id": "prompt_', {"Content-Type": "application/json"}),
         MalformedResponse),
        (answer_json(200, {"action": "updated", "prompt": {"id": "prompt_x", "handle": HANDLE}}), MalformedResponse),
    ],
    ids=["hang-up", "cut-mid-body", "read-timeout", "truncated-json", "missing-fields"],
)
async def test_a_save_whose_answer_is_lost_wrote_one_version_and_the_retry_knows_it(
    service, front, drafts, colleague, server, spoiled_answer, error_class
):
    """The server wrote the version, then the answer never arrived whole. Saving again must not write a
    second copy, and must not call the user's own version "someone else's"."""
    draft = await edited_draft(service, drafts)
    before = await version_numbers(colleague)
    front.spoil(is_save_sync, front.relay_then(spoiled_answer))

    with pytest.raises(error_class) as failure:
        await service.save(draft, "Brief")

    assert_plain(failure.value, server.api_key)
    assert len(front.received(is_save_sync)) == 1
    assert await version_numbers(colleague) == [before[0] + 1, *before]
    assert drafts.load(HANDLE) == draft

    again = await service.save(draft, "Brief")

    assert again.action == "up_to_date"
    assert again.draft.base_version == before[0] + 1
    assert await version_numbers(colleague) == [before[0] + 1, *before]
    assert (await colleague.get_prompt(HANDLE)).prompt == draft.config["prompt"]


@pytest.mark.parametrize(
    ("status", "error", "retry_after"),
    [(500, "Internal server error", None), (503, "Service Unavailable", None), (503, "Service Unavailable", "1")],
)
async def test_a_save_answered_5xx_is_reported_and_never_repeated(
    service, front, drafts, colleague, server, status, error, retry_after
):
    draft = await edited_draft(service, drafts)
    before = await version_numbers(colleague)
    front.spoil(is_save_sync, status_step(status, error, retry_after))

    with pytest.raises(ServerError) as failure:
        await service.save(draft, "Brief")

    assert failure.value.status == status
    assert failure.value.user_message == "The server had a problem. (injected by the test)"
    assert len(front.received(is_save_sync)) == 1
    assert await version_numbers(colleague) == before
    assert drafts.load(HANDLE) == draft
    assert (await service.save(draft, "Brief")).action == "updated"


async def test_reads_ride_out_a_503_and_give_up_plainly_when_it_lasts(service, front, server):
    front.spoil(is_list, status_step(503, "Service Unavailable"))
    assert any(prompt.handle == HANDLE for prompt in await service.list_prompts())
    assert len(front.received(is_list)) == 2

    front.spoil(is_list, status_step(503, "Service Unavailable", retry_after="0"), times=3)
    with pytest.raises(ServerError) as failure:
        await service.list_prompts()
    assert_plain(failure.value, server.api_key)
    assert len(front.received(is_list)) == 2 + 3
    assert await service.list_prompts()


@pytest.mark.parametrize("declare_length", [True, False], ids=["declared", "streamed"])
async def test_an_answer_over_the_size_limit_is_refused_not_read(service, front, server, declare_length):
    front.spoil(is_list, endless_body(MAX_RESPONSE_BYTES + 1024 * 1024, declare_length=declare_length))

    with pytest.raises(MalformedResponse) as failure:
        await service.list_prompts()

    assert failure.value.error == "response_too_large"
    assert_plain(failure.value, server.api_key)
    assert len(front.received(is_list)) == 1
    assert await service.list_prompts()


async def test_an_answer_missing_required_fields_is_malformed_when_opening(service, front, server):
    front.spoil(is_get, answer_json(200, {"id": "prompt_1", "handle": HANDLE, "version": 3}))

    with pytest.raises(MalformedResponse) as failure:
        await service.open_prompt(HANDLE)

    assert_plain(failure.value, server.api_key)
    assert "the answer does not have the expected shape" in failure.value.user_message
    assert (await service.open_prompt(HANDLE)).prompt.handle == HANDLE


async def test_nothing_listening_is_a_plain_connection_failure(drafts, tmp_path):
    nowhere = LangWatchClient(f"http://127.0.0.1:{free_port()}", "sk-lw-nobody")
    service = PromptService(nowhere)
    draft = Draft(handle=HANDLE, base_version=1, config={"prompt": "x", "model": "m",
                                                          "outputs": [{"identifier": "output", "type": "str"}]})
    drafts.save(draft)
    try:
        with pytest.raises(ConnectionFailed) as failure:
            await service.save(draft, "Offline")
    finally:
        await nowhere.aclose()
    assert failure.value.user_message.startswith("Could not reach the server. (could not connect to http://127.0.0.1:")
    assert drafts.load(HANDLE) == draft


async def test_a_prompt_deleted_while_edited_is_saved_again_as_a_new_prompt(service, drafts, colleague):
    """The contract's sync CREATES a prompt when the handle is gone. We accept it: the author's work is kept
    (as version 1 of a fresh prompt under the same handle), and the deleted history stays soft-deleted on the
    server. The outcome says `created`, so the window can tell the author it had been deleted."""
    draft = await edited_draft(service, drafts)
    assert draft.base_version > 1
    await colleague.delete_prompt(HANDLE)

    with pytest.raises(NotFoundError) as failure:
        await service.open_prompt(HANDLE)
    assert failure.value.user_message.startswith("The server does not have that prompt or version.")
    assert drafts.load(HANDLE) == draft

    saved = await service.save(draft, "Brief")

    assert saved.action == "created"
    assert saved.draft.base_version == 1
    assert await version_numbers(colleague) == [1]
    assert (await colleague.get_prompt(HANDLE)).prompt == draft.config["prompt"]


async def test_the_server_killed_restarted_and_rekeyed_under_one_session(tmp_path, drafts):
    """One client for the whole session, as the window keeps: its pooled connections die with the server."""
    data_dir, port = tmp_path / "served", free_port()
    with running_server(data_dir, port=port) as first:
        client = LangWatchClient(first.url, first.api_key)
        service = PromptService(client)
        draft = await edited_draft(service, drafts)
        before = await version_numbers(client)
        first.kill()

        with pytest.raises(ConnectionFailed) as down:
            await service.save(draft, "While down")
        assert_plain(down.value, first.api_key)
        assert drafts.load(HANDLE) == draft

    with running_server(data_dir, api_key="sk-lw-rotated_fedcba9876543210", port=port):
        with pytest.raises(AuthenticationError) as refused:
            await service.save(draft, "With a stale key")
        assert refused.value.user_message.startswith("The server did not accept the API key.")
        assert_plain(refused.value, first.api_key)
        assert drafts.load(HANDLE) == draft

    with running_server(data_dir, port=port):
        try:
            saved = await service.save(draft, "Back")
            assert saved.action == "updated"
            assert await version_numbers(client) == [before[0] + 1, *before]
        finally:
            await client.aclose()

