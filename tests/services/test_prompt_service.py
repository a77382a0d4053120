"""The service layer over both back ends: the embedded library in-process, and a real server over HTTP."""

import asyncio
import itertools
import time

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from prompt_studio.api import LangWatchClient
from prompt_studio.models import ConfigData, CreatePromptBody, SyncRequest
from prompt_studio.models.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from prompt_studio.services.backends import LocalLibraryBackend
from prompt_studio.services.prompts import PromptService
from prompt_studio.store import PromptLibrary
from tests.api.raw_server import RawHttpServer, answer_json
from tests.api.wire_samples import prompt_payload
from tests.support.server_process import serving_in_a_thread

BASE = {
    "prompt": "You answer questions about {{product}}.",
    "model": "openai/gpt-5",
    "messages": [{"role": "user", "content": "{{input}}"}],
    "inputs": [{"identifier": "input", "type": "str"}, {"identifier": "product", "type": "str"}],
    "outputs": [{"identifier": "output", "type": "str"}],
    "temperature": 0.5,
    "top_p": 0.9,
    "reasoning_effort": "low",
}


_handle_numbers = itertools.count(1)


@pytest.fixture(params=["library", "server"])
async def service(request, tmp_path):
    """The service over a fresh library, or over the module's one server (each test has a `handle` of its own)."""
    if request.param == "library":
        backend = LocalLibraryBackend(PromptLibrary(tmp_path / "library.sqlite3", seed_examples=False))
    else:
        server = request.getfixturevalue("module_server")
        backend = LangWatchClient(server.url, server.api_key)
    service = PromptService(backend)
    yield service
    await backend.aclose()


@pytest.fixture
def handle() -> str:
    """This test's own prompt."""
    return f"team/faq-{next(_handle_numbers)}"


async def _make(service: PromptService, handle: str) -> None:
    await service.backend.create_prompt(CreatePromptBody(handle=handle, model="openai/gpt-5", prompt="draft",
                                                         outputs=[{"identifier": "output", "type": "str"}]))
    result = await service.backend.sync_prompt(
        handle, SyncRequest(config_data=ConfigData.model_validate(BASE), parameters={"retries": 1}, local_version=1)
    )
    assert result.action == "updated"


async def test_opening_reads_every_sampling_field_without_writing(service, handle):
    await _make(service, handle)
    opened = await service.open_prompt(handle)
    assert opened.config["top_p"] == 0.9 and opened.config["reasoning_effort"] == "low"
    assert opened.parameters == {"retries": 1}
    assert [version.version for version in await service.history(handle)] == [2, 1]


async def test_save_makes_a_new_version_and_moves_the_draft_base(service, handle):
    await _make(service, handle)
    draft = (await service.open_prompt(handle)).start_draft()
    edited = draft.model_copy(update={"config": {**draft.config, "prompt": "Be brief.", "top_p": 0.5}})
    outcome = await service.save(edited, "shorter")
    assert outcome.action == "updated"
    assert outcome.draft.base_version == 3
    assert outcome.draft.base_config["top_p"] == 0.5
    newest = (await service.history(handle))[0]
    assert (newest.version, newest.commit_message, newest.prompt) == (3, "shorter", "Be brief.")


async def test_a_colleague_saving_first_gives_a_conflict_and_writes_nothing(service, handle):
    await _make(service, handle)
    mine = (await service.open_prompt(handle)).start_draft()
    theirs = mine.model_copy(update={"config": {**mine.config, "temperature": 0.9}})
    assert (await service.save(theirs, "theirs")).action == "updated"
    ours = mine.model_copy(update={"config": {**mine.config, "prompt": "Mine."}})
    outcome = await service.save(ours, "mine")
    assert outcome.action == "conflict"
    assert outcome.conflict.remote_version == 3
    assert outcome.conflict.remote_config_data.temperature == 0.9
    assert outcome.draft.pending_conflict.remote_version == 3
    assert outcome.draft.config["prompt"] == "Mine."
    assert [version.version for version in await service.history(handle)] == [3, 2, 1]


async def test_saving_an_unchanged_draft_is_up_to_date(service, handle):
    await _make(service, handle)
    draft = (await service.open_prompt(handle)).start_draft()
    assert (await service.save(draft, "")).action == "up_to_date"
    assert len(await service.history(handle)) == 2


async def test_an_invalid_draft_is_refused_before_anything_is_sent(service, handle):
    await _make(service, handle)
    draft = (await service.open_prompt(handle)).start_draft()
    broken = draft.model_copy(update={"config": {**draft.config, "temperature": 7}})
    with pytest.raises(ValidationFailedError, match="Temperature must be at most 2"):
        await service.save(broken, "x")


async def test_restore_tags_create_and_delete(service, handle):
    await _make(service, handle)
    first = (await service.history(handle))[-1]
    restored = await service.restore(handle, first.version_id)
    assert restored.prompt.version == 3 and restored.config["prompt"] == "draft"
    await service.move_tag(handle, "production", first.version_id)
    assert "production" in (await service.backend.get_prompt(handle, version=1)).tag_names
    fresh = f"{handle}-fresh"
    new = service.new_draft(fresh)
    with pytest.raises(NotFoundError):
        await service.open_prompt(fresh)  # a new draft is not on the server
    created = await service.save(new, "first")
    assert (created.action, created.draft.base_version) == ("created", 1)
    assert created.draft.base_config == (await service.open_prompt(fresh)).config
    await service.delete_prompt(fresh)
    with pytest.raises(NotFoundError):
        await service.open_prompt(fresh)


async def test_the_library_backend_runs_off_the_event_loop(tmp_path):
    backend = LocalLibraryBackend(PromptLibrary(tmp_path / "library.sqlite3"))
    prompts, tags = await asyncio.gather(backend.list_prompts(), backend.list_tags())
    assert prompts and {"production", "staging"} <= {tag.name for tag in tags}
    await backend.aclose()


@pytest.mark.parametrize(
    "change",
    [
        {"prompt": "Answer about {{product}} for {{customer}}."},  # an undeclared variable the server adds
        {"temperature": None, "top_p": 0.2},  # a cleared field the server carries over
        {"messages": [{"role": "user", "content": "{{input}}"}, {"role": "assistant", "content": "Sure."}]},
    ],
)
async def test_a_save_knows_what_the_server_stored_without_reading_it_back(service, handle, change):
    await _make(service, handle)
    draft = (await service.open_prompt(handle)).start_draft()
    edited = draft.model_copy(update={"config": {
        key: value for key, value in {**draft.config, **change}.items() if value is not None}})
    sent: list[str] = []
    real_sync = service.backend.sync_prompt

    async def counted(handle_, request):
        sent.append("sync")
        return await real_sync(handle_, request)

    service.backend.sync_prompt = counted
    outcome = await service.save(edited, "edit")
    service.backend.sync_prompt = real_sync
    assert outcome.action == "updated" and sent == ["sync"], "one request, no read-back"
    fresh = await service.open_prompt(handle)
    assert outcome.draft.base_config == fresh.config
    assert outcome.draft.base_parameters == fresh.parameters


async def test_opening_a_prompt_deleted_meanwhile_leaves_it_deleted(service, handle):
    """The scripted race: the prompt is in the list, then a colleague deletes it, then it is opened."""
    await _make(service, handle)
    listed = {prompt.handle for prompt in await service.list_prompts()}
    assert handle in listed
    await service.backend.delete_prompt(handle)

    with pytest.raises(NotFoundError, match="is not on the server"):
        await service.open_prompt(handle)

    assert handle not in {prompt.handle for prompt in await service.list_prompts()}
    with pytest.raises(NotFoundError):
        await service.backend.get_prompt(handle)


async def test_a_delete_between_the_two_reads_of_an_open_writes_nothing(service, handle):
    await _make(service, handle)
    real_sync = service.backend.sync_prompt

    async def deleted_just_before(handle_, request):
        await service.backend.delete_prompt(handle_)
        return await real_sync(handle_, request)

    service.backend.sync_prompt = deleted_just_before
    with pytest.raises(NotFoundError):
        await service.open_prompt(handle)
    service.backend.sync_prompt = real_sync
    assert handle not in {prompt.handle for prompt in await service.list_prompts()}


async def test_a_key_that_may_not_sync_still_opens_the_prompt_and_says_what_is_missing(service, handle):
    await _make(service, handle)

    async def refused(_handle, _request):
        raise PermissionDeniedError("This key may only read")

    service.backend.sync_prompt = refused
    opened = await service.open_prompt(handle)
    assert opened.config["prompt"] == BASE["prompt"] and opened.config["temperature"] == 0.5
    assert "top_p" not in opened.config, "a plain read does not have it"
    assert "may read prompts but not use LangWatch's sync" in opened.partial_note


async def test_an_open_with_its_history_is_two_reads_sent_at_once(service, handle):
    await _make(service, handle)
    sent: list[str] = []
    for name in ("get_prompt", "list_versions", "sync_prompt"):
        real = getattr(service.backend, name)

        async def counted(*args, _real=real, _name=name, **kwargs):
            sent.append(_name)
            return await _real(*args, **kwargs)

        setattr(service.backend, name, counted)
    opened, versions = await service.open_with_history(handle)
    assert sorted(sent) == ["list_versions", "sync_prompt"], "no separate read of the prompt"
    assert opened.prompt.version == versions[0].version == 2
    assert opened.config["top_p"] == 0.9 and [version.version for version in versions] == [2, 1]


async def test_the_list_asked_for_at_the_start_reaches_the_server_while_the_window_is_built():
    """Building the window runs nothing else on the event loop: `start_listing` returns only once the request is
    written, so the server (here in a thread of its own) has it while the loop is still busy."""
    arrived: list[float] = []

    async def list_prompts(_request):
        arrived.append(time.monotonic())
        return JSONResponse([prompt_payload()])

    with serving_in_a_thread(Starlette(routes=[Route("/api/prompts", list_prompts)]), "a prompt list") as url:
        async with LangWatchClient(url, "sk-lw-start-listing") as client:
            service = PromptService(client)
            await service.start_listing()
            returned = time.monotonic()
            time.sleep(0.5)  # the window being built: the event loop runs nothing meanwhile
            assert arrived and arrived[0] < returned + 0.5, "the request left only after the window was built"
            listed = await service.list_prompts()
    assert len(arrived) == 1 and [prompt.handle for prompt in listed] == ["support/triage"]


async def test_the_list_asked_for_at_the_start_is_the_one_the_first_list_gets():
    """The app's start asks for the list before its window exists; the window's first list takes that answer
    rather than asking again, and every later list asks the server afresh."""
    server = RawHttpServer(script=[answer_json(200, [prompt_payload()])])
    await server.start()
    try:
        async with LangWatchClient(server.url, "sk-lw-start-listing") as client:
            service = PromptService(client)
            await service.start_listing()
            for _ in range(200):  # the request is on its way before anything asks for the list
                if server.requests:
                    break
                await asyncio.sleep(0.01)
            assert len(server.requests) == 1
            first = await service.list_prompts()
            assert len(server.requests) == 1
            await service.list_prompts()
            assert len(server.requests) == 2
    finally:
        await server.close()
    assert [prompt.handle for prompt in first] == ["support/triage"]
    assert {request.target for request in server.requests} == {"/api/prompts"}
