"""The offline copy without a display: the SQLite file with its cap, the words of each server state, and the
service that keeps what the real server gave and shows it once that server is gone."""

from __future__ import annotations

import os
import stat
from datetime import datetime

import pytest

from prompt_studio.api import LangWatchClient
from prompt_studio.models.errors import (
    AuthenticationError,
    ConnectionFailed,
    ServerError,
    ServerNameNotFound,
    TimedOut,
)
from prompt_studio.services.offline import OfflineCopy
from prompt_studio.services.prompts import PromptService
from prompt_studio.services.reachability import RETRY_DELAYS, Reachability, ServerState
from prompt_studio.store.offline_copies import OfflineCopies
from tests.support.server_process import running_server


@pytest.fixture
def copies(tmp_path):
    opened = OfflineCopies(tmp_path / "offline-copies.sqlite3", cap_bytes=10_000)
    yield opened
    opened.close()


def test_a_copy_is_kept_per_connection_and_replaced_by_the_newer_answer(copies):
    copies.keep("a", "list", b"first")
    copies.keep("b", "list", b"other")
    copies.keep("a", "list", b"second")
    assert copies.read("a", "list").body == b"second"
    assert copies.read("b", "list").body == b"other"
    assert copies.read("a", "prompt:x") is None
    copies.forget("a")
    assert copies.read("a", "list") is None and copies.read("b", "list") is not None


def test_over_the_cap_the_least_recently_used_copies_go_first(copies):
    for number in range(4):
        copies.keep("a", f"prompt:{number}", bytes(3000))
    assert copies.read("a", "prompt:0") is None, "the oldest went"
    assert copies.size() <= copies.cap_bytes
    copies.read("a", "prompt:1")  # looked at: kept over the ones no one read since
    copies.keep("a", "prompt:4", bytes(3000))
    assert copies.read("a", "prompt:1") is not None
    assert copies.read("a", "prompt:2") is None
    copies.keep("a", "huge", bytes(50_000))
    assert copies.read("a", "huge") is not None, "the copy just kept stays, whatever its size"


def test_the_file_is_the_users_alone(copies):
    assert stat.S_IMODE(os.stat(copies.path).st_mode) == 0o600


def test_the_status_never_says_connected_before_an_answer_and_counts_down_the_next_try():
    state = Reachability("Our server")
    assert state.status() == "Reaching Our server..."
    assert state.failed(ConnectionFailed("refused"), datetime(2026, 12, 1, 9, 5)) == 1
    assert state.status(1) == "Cannot reach Our server (since 09:05), next try in 1 s"
    assert state.notice(1) == "Cannot reach Our server since 09:05. Trying again in 1 s."
    delays = [state.failed(TimedOut("slow")) for _ in range(7)]
    assert delays == [*RETRY_DELAYS[1:], 30, 30]
    assert "did not answer in time" in state.notice(), "a timeout says so"
    assert state.save_blocker().startswith("Our server cannot be reached: Save works again once it answers.")
    state.offline_seen_at = datetime(2026, 12, 1, 8, 55).timestamp()
    assert "Showing the offline copy from 08:55." in state.notice()
    assert state.reached() is True
    assert state.status() == "Connected: Our server" and state.save_blocker() is None
    assert state.reached() is False, "answering again is said once"


def test_a_rejected_key_is_not_tried_again_and_a_server_error_says_it_answered():
    state = Reachability("Our server")
    assert state.failed(AuthenticationError("401")) is None
    assert state.state is ServerState.KEY_REJECTED
    assert "Change the key" in state.notice() and "change the key" in state.save_blocker()
    errors = Reachability("Our server")
    assert errors.failed(ServerError("503")) == 1
    assert errors.status() == "Our server answered with an error"
    assert errors.save_blocker() is None, "a server that answers may take a save"
    names = Reachability("Our server")
    names.failed(ServerNameNotFound("gaierror"))
    assert "name was not found" in names.notice()


async def test_the_service_shows_what_the_server_last_gave_once_it_is_gone(tmp_path):
    copies = OfflineCopies(tmp_path / "offline-copies.sqlite3")
    try:
        with running_server(tmp_path / "served") as server:
            client = LangWatchClient(server.url, server.api_key, max_retries=0)
            service = PromptService(client, offline=OfflineCopy(copies, "langwatch:test"))
            listed = await service.list_prompts()
            handle = listed[0].handle
            first, _ = await service.open_with_history(handle)
            assert first.offline_seen_at is None
            draft = first.start_draft()
            draft = draft.model_copy(update={"config": {**draft.config, "prompt": "Saved just before the train."}})
            saved = await service.save(draft, "Before the tunnel")
            assert saved.action == "updated"
            opened = saved.opened
            versions = await service.history(handle)
            await service.offline.settled()
        # The server is gone: nothing listens on its port any more.
        with pytest.raises(ConnectionFailed):
            await service.list_prompts()
        kept = await service.offline_list()
        assert [prompt.handle for prompt in kept.prompts] == [prompt.handle for prompt in listed]
        again, history = await service.open_with_history(handle)
        assert again.offline_seen_at == pytest.approx(kept.seen_at, abs=5)
        assert (again.config, again.parameters, again.prompt.version) == (
            opened.config, opened.parameters, opened.prompt.version)
        assert again.config["prompt"] == "Saved just before the train.", "a save updates the copy"
        assert [version.version for version in history] == [version.version for version in versions]
        with pytest.raises(ConnectionFailed):
            await service.open_with_history("never-opened")
        await client.aclose()
    finally:
        copies.close()


async def test_a_copy_that_cannot_be_read_is_no_copy(tmp_path):
    copies = OfflineCopies(tmp_path / "offline-copies.sqlite3")
    copies.keep("langwatch:test", "list", b"{not json")
    offline = OfflineCopy(copies, "langwatch:test")
    assert await offline.read_list() is None
    copies.close()
