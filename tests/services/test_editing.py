"""The life of a draft without a window: open, edit, keep on disk, save, conflict, merge, restore, delete."""

from __future__ import annotations

import itertools

import pytest

from prompt_studio.models import ConfigData, SyncRequest
from prompt_studio.services.backends import LocalLibraryBackend
from prompt_studio.services.connections import LOCAL_LIBRARY, Workspace
from prompt_studio.services.drafts import DraftStore
from prompt_studio.services.editing import EditingSession, MergeDecision, draft_status
from prompt_studio.services.prompts import PromptService
from prompt_studio.store import PromptLibrary

_numbers = itertools.count(1)


@pytest.fixture
async def session(tmp_path):
    library = PromptLibrary(tmp_path / "library.sqlite3", seed_examples=False)
    service = PromptService(LocalLibraryBackend(library))
    session = EditingSession(Workspace(LOCAL_LIBRARY, service, DraftStore(tmp_path / "drafts", "local")))
    yield session
    await service.backend.aclose()


async def _new(session: EditingSession) -> str:
    """A prompt on the server (version 1), open in the session."""
    handle = f"team/faq-{next(_numbers)}"
    await session.create(handle)
    outcome = await session.save("first", _never_asked)
    assert outcome.action == "created" and session.draft.base_version == 1
    return handle


def _edited(session: EditingSession, prompt: str) -> None:
    session.edit({**session.draft.config, "prompt": prompt}, session.draft.parameters)


async def _colleague_saves(session: EditingSession, handle: str, prompt: str) -> None:
    newest = await session.service.open_prompt(handle)
    config = ConfigData.model_validate({**newest.config, "prompt": prompt})
    answer = await session.service.backend.sync_prompt(
        handle, SyncRequest(config_data=config, local_version=newest.prompt.version, commit_message="colleague"))
    assert answer.action == "updated"


async def _never_asked(_merge):
    raise AssertionError("no merge was expected")


async def test_an_edit_reaches_the_disk_at_flush_and_an_undone_edit_leaves_it(session):
    handle = await _new(session)
    _edited(session, "Be brief.")
    assert handle not in session.drafts.handles(), "edits wait for the flush"
    await session.flush()
    assert session.drafts.load(handle).config["prompt"] == "Be brief."
    assert handle in session.draft_handles

    session.edit(session.draft.base_config, session.draft.base_parameters)
    await session.flush()
    assert handle not in session.drafts.handles() and handle not in session.draft_handles


async def test_opening_prefers_the_draft_kept_on_disk_and_reads_the_history(session):
    handle = await _new(session)
    _edited(session, "Kept.")
    await session.flush()
    other = await _new(session)
    assert session.handle == other

    draft = await session.open(handle)
    assert draft.config["prompt"] == "Kept." and draft.base_version == 1
    assert [version.version for version in session.versions] == [1]


async def test_a_save_drops_the_draft_and_starts_from_the_new_version(session):
    handle = await _new(session)
    _edited(session, "Shorter.")
    outcome = await session.save("shorter", _never_asked)
    assert outcome.action == "updated"
    assert session.draft.base_version == 2 and not session.draft.differs_from_base
    assert handle not in session.drafts.handles()
    assert draft_status(session.draft) == "No changes, based on v2."


async def test_edits_made_while_saving_stay_as_a_draft_on_the_new_version(session):
    handle = await _new(session)
    _edited(session, "First.")
    real_save = session.service.save

    async def save_while_typing(draft, message):
        outcome = await real_save(draft, message)
        _edited(session, "First, then more.")
        return outcome

    session.service.save = save_while_typing
    await session.save("first", _never_asked)
    assert session.draft.config["prompt"] == "First, then more."
    assert session.draft.base_version == 2 and session.draft.base_config["prompt"] == "First."
    assert session.drafts.load(handle).config["prompt"] == "First, then more."


async def test_a_conflict_is_kept_on_disk_before_the_merge_is_asked_and_kept_when_cancelled(session):
    handle = await _new(session)
    _edited(session, "Mine.")
    await _colleague_saves(session, handle, "Theirs.")
    seen = []

    async def cancel(merge):
        kept = session.drafts.load(handle)
        seen.append((kept.config["prompt"], kept.pending_conflict.remote_version, merge.remote_version))
        return None

    outcome = await session.save("mine", cancel)
    assert outcome.action == "conflict"
    assert seen == [("Mine.", 2, 2)]
    assert session.draft.pending_conflict.remote_version == 2
    assert "Someone saved v2 meanwhile" in draft_status(session.draft)


async def test_a_merge_is_saved_on_the_servers_version(session):
    handle = await _new(session)
    _edited(session, "Mine.")
    await _colleague_saves(session, handle, "Theirs.")

    async def take_mine(merge):
        for field in merge.fields():
            if field.state == "conflict":
                merge = merge.resolve(field.path, "ours")
        return MergeDecision(merge.merged_draft(), "merged")

    outcome = await session.save("mine", take_mine)
    assert outcome.action == "updated" and session.draft.base_version == 3
    assert session.draft.pending_conflict is None and handle not in session.drafts.handles()
    history = await session.load_history(handle)
    assert (history[0].prompt, history[0].commit_message) == ("Mine.", "merged")


async def test_a_save_answer_for_a_prompt_no_longer_open_goes_to_its_own_draft(session):
    handle = await _new(session)
    _edited(session, "Mine.")
    await _colleague_saves(session, handle, "Theirs.")
    real_save = session.service.save
    other = f"team/other-{next(_numbers)}"

    async def save_then_switch(draft, message):
        outcome = await real_save(draft, message)
        await session.create(other)
        return outcome

    session.service.save = save_then_switch
    outcome = await session.save("mine", _never_asked)
    assert outcome.action == "conflict" and session.handle == other
    assert session.draft.pending_conflict is None, "the other prompt's draft is untouched"
    kept = session.drafts.load(handle)
    assert kept.config["prompt"] == "Mine." and kept.pending_conflict.remote_version == 2


async def test_restoring_keeps_edits_on_top_of_the_restored_version(session):
    handle = await _new(session)
    _edited(session, "Second.")
    await session.save("second", _never_asked)
    first = (await session.load_history(handle))[-1]
    _edited(session, "Unsaved.")

    opened = await session.restore(first)
    assert opened.prompt.version == 3
    assert session.draft.base_version == 3 and session.draft.config["prompt"] == "Unsaved."
    assert session.drafts.load(handle).base_version == 3


async def test_viewing_an_old_version_and_back(session):
    handle = await _new(session)
    _edited(session, "Second.")
    await session.save("second", _never_asked)
    newest, first = await session.load_history(handle)
    assert session.view(first) and session.viewing == first and not session.editing
    _edited(session, "ignored while viewing")
    assert session.draft.config["prompt"] == "Second."
    assert not session.view(newest), "the draft's own version is the draft"
    assert session.editing


async def test_a_new_prompt_is_only_a_draft_here_until_its_first_save(session, tmp_path):
    handle = f"team/new-{next(_numbers)}"
    draft = await session.create(handle)
    assert draft.is_new and handle in session.new_handles
    assert session.drafts.load(handle) == draft, "kept on disk at once"
    assert handle not in {prompt.handle for prompt in await session.service.list_prompts()}

    again = EditingSession(session.workspace)  # the next start
    await again.start()
    assert handle in again.new_handles
    assert (await again.open(handle)).config == draft.config, "opened without asking the server"


async def test_deleting_forgets_the_draft(session):
    handle = await _new(session)
    _edited(session, "Doomed.")
    await session.flush()
    await session.delete(handle)
    assert session.draft is None and session.versions == []
    assert handle not in session.drafts.handles()
    assert draft_status(None).startswith("Choose a prompt")


async def test_a_cancelled_flush_still_finishes_its_write_before_the_next_one(session):
    import asyncio

    handle = await _new(session)
    _edited(session, "Older.")
    first = asyncio.ensure_future(session.flush())
    await asyncio.sleep(0)
    first.cancel()
    _edited(session, "Newer.")
    await session.flush()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert session.drafts.load(handle).config["prompt"] == "Newer."


async def test_draft_files_are_written_off_the_event_loops_thread(session):
    import threading

    handle = await _new(session)
    writers = []
    real_save = session.drafts.save

    def save(draft):
        writers.append(threading.current_thread())
        real_save(draft)

    session.drafts.save = save
    _edited(session, "Somewhere else.")
    await session.flush()
    assert writers and all(thread is not threading.main_thread() for thread in writers)
    assert session.drafts.load(handle).config["prompt"] == "Somewhere else."


async def test_save_all_saves_every_draft_once_and_merges_the_conflict_in_turn(session):
    handles = [await _new(session) for _ in range(3)]
    for handle in handles:
        await session.open(handle)
        _edited(session, f"Edited {handle}.")
        await session.flush()
    await _colleague_saves(session, handles[1], "Theirs.")
    fresh = f"team/new-{next(_numbers)}"
    await session.create(fresh)
    asked, answered = [], []

    async def take_mine(merge):
        asked.append(merge.draft.handle)
        for field in merge.fields():
            if field.state == "conflict":
                merge = merge.resolve(field.path, "ours")
        return MergeDecision(merge.merged_draft(), merge.commit_message)

    summary = await session.save_all("Save all", take_mine, on_answered=answered.append)

    assert sorted(summary.updated) == sorted([handles[0], handles[2]])
    assert summary.created == [fresh] and summary.merged == [handles[1]] and asked == [handles[1]]
    assert summary.conflicts == [] and summary.failed == []
    assert sorted(answered) == sorted([*handles, fresh])
    assert session.drafts.handles() == [], "every draft reached the server"
    for handle in handles:
        versions = await session.load_history(handle)
        expected = 3 if handle == handles[1] else 2  # the colleague's version, then ours
        assert versions[0].version == expected and versions[0].prompt == f"Edited {handle}."
        assert versions[0].commit_message == "Save all"
    assert "1 merged and saved" in summary.text and "2 saved as new versions" in summary.text


async def test_save_all_keeps_a_draft_whose_save_failed(session):
    handle = await _new(session)
    _edited(session, "Fine.")
    await session.flush()
    broken = f"team/broken-{next(_numbers)}"
    await session.create(broken)
    session.edit({**session.draft.config, "model": ""}, session.draft.parameters)
    await session.flush()

    summary = await session.save_all("Save all", _never_asked)

    assert summary.updated == [handle]
    assert [name for name, _error in summary.failed] == [broken]
    assert "Model cannot be empty" in summary.text
    assert session.drafts.handles() == [broken]
