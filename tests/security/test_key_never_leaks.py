"""The API key never shows: not in the server's log, not in the app's DEBUG log, not in an exception (message,
repr, traceback), not in an error dialog, not in crash output; even when a server echoes the key back in its
error bodies, and whichever failure is provoked (401, 500, timeouts, dropped connections, garbage)."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import traceback
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from PySide6.QtWidgets import QLabel

from prompt_studio.api import LangWatchClient
from prompt_studio.models.errors import PromptStudioError
from prompt_studio.services.prompts import PromptService
from tests.api.raw_server import answer, hang_up, stall
from tests.faults.support import FaultyFront, is_get, is_list, is_save_sync
from tests.support.screenshots import check_screenshot
from tests.support.server_process import TEST_API_KEY
from tests.ui.main_window_support import open_window

HANDLE = "support/triage"
WRONG_KEY = "sk-lw-wrong_aaaaaaaaaaaaaaaa"


def echo_key(front: FaultyFront, status: int):
    """An error answer that repeats the key the request carried, as a careless proxy might."""

    async def step(writer) -> bool:
        key = front.raw.requests[-1].headers.get("x-auth-token", "")
        body = f'{{"error": "echo {key}", "message": "your key {key} is not welcome"}}'
        return await answer(status, body, {"Content-Type": "application/json"})(writer)

    return step


def everything_said(error: BaseException) -> str:
    said = [str(error), repr(error), "".join(traceback.format_exception(error))]
    if isinstance(error, PromptStudioError):
        said += [error.user_message, error.message, error.error]
    return "\n".join(said)


def server_log(server) -> str:
    return (server.data_dir.parent / f"server-{urlsplit(server.url).port}.log").read_text(encoding="utf-8")


async def test_a_session_full_of_failures_never_shows_the_key(server, caplog):
    caplog.set_level(logging.DEBUG)
    said: list[str] = []
    async with FaultyFront(server.url).running() as front:
        client = LangWatchClient(front.url, server.api_key, timeout=0.5)
        service = PromptService(client)
        said += [repr(client), repr(service.backend)]
        opened = await service.open_prompt(HANDLE)
        draft = opened.start_draft()
        draft = draft.model_copy(update={"config": {**draft.config, "prompt": "Shorter."}})
        assert (await service.save(draft, "ok")).action == "updated"

        front.spoil(is_save_sync, echo_key(front, 500))
        front.spoil(is_list, echo_key(front, 401))
        front.spoil(is_get, echo_key(front, 503), times=3)
        front.spoil(is_save_sync, stall())
        front.spoil(is_save_sync, hang_up())
        garbage = answer(200, f'{{"action": "{server.api_key}"}}', {"Content-Type": "application/json"})
        front.spoil(is_save_sync, garbage)
        provoked = [
            lambda: service.save(draft, "echoed 500"),
            service.list_prompts,
            lambda: client.get_prompt(HANDLE, version=1),
            lambda: service.save(draft, "timed out"),
            lambda: service.save(draft, "dropped"),
            lambda: service.save(draft, "garbage"),
        ]
        for call in provoked:
            with pytest.raises(PromptStudioError) as failure:
                await call()
            said.append(everything_said(failure.value))
        await client.aclose()

    async with LangWatchClient(server.url, WRONG_KEY) as stranger:
        with pytest.raises(PromptStudioError) as refused:
            await stranger.list_prompts()
        said.append(everything_said(refused.value))

    assert "echo [redacted]" in said[2], "the server's echo must reach the user, redacted"
    everything = "\n".join([*said, caplog.text, server_log(server)])
    assert server.api_key not in everything
    assert WRONG_KEY not in everything


def test_the_list_notice_shows_no_key_even_when_the_server_echoes_it(qtbot, run_async, tmp_path, server):
    context = FaultyFront(server.url).running()
    front = run_async(context.__aenter__())
    try:
        window = open_window(qtbot, run_async, tmp_path / "app", SimpleNamespace(url=front.url, api_key=server.api_key))
        front.spoil(is_list, echo_key(front, 401))
        window.refresh()
        qtbot.waitUntil(lambda: not window.server_notice.isHidden(), timeout=10000)
        window.server_notice.details_button.click()
        shown = [window.statusBar().currentMessage(), window.connection_status.toolTip()]
        shown += [label.text() for label in window.findChildren(QLabel)]
        assert "did not accept the key" in window.server_notice.text.text()
        assert "API key" in window.server_notice.details.text()
        check_screenshot(window, tmp_path / "list-problem.png")  # the notice as drawn, not only its texts
        assert not any(server.api_key in text for text in shown)
    finally:
        run_async(context.__aexit__(None, None, None))


def test_a_server_that_cannot_start_does_not_print_its_key(tmp_path):
    """Crash output: `serve` on a port already taken fails; what it prints must not carry the key."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        crashed = subprocess.run(
            [sys.executable, "-m", "prompt_studio", "serve", "--port", str(port), "--data-dir", str(tmp_path / "d"),
             "--api-key-env", "SERVE_KEY"],
            env=dict(os.environ, SERVE_KEY=TEST_API_KEY), capture_output=True, timeout=60,
            cwd=Path(__file__).resolve().parents[2],
        )
    assert crashed.returncode != 0
    output = (crashed.stdout + crashed.stderr).decode("utf-8", errors="replace")
    assert "address already in use" in output.lower() or "errno 98" in output.lower(), output[-500:]
    assert TEST_API_KEY not in output
