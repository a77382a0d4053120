"""The real window when the server fails under it: a plain error dialog (or the conflict flow), the draft kept on
disk, no version written twice, a window that still answers, and a save that works once the server is back."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit

from prompt_studio.api import MAX_RESPONSE_BYTES, LangWatchClient
from prompt_studio.ui.dialogs import CommitMessageDialog
from tests.api.raw_server import endless_body, hang_up
from tests.faults.support import FaultyFront, is_list, is_save_sync, status_step
from tests.support.server_process import free_port, running_server
from tests.ui.main_window_support import open_window

HANDLE = "support/triage"
ADDITION = " Reply in one line."


@pytest.fixture
def front(server, run_async):
    context = FaultyFront(server.url).running()
    running = run_async(context.__aenter__())
    yield running
    run_async(context.__aexit__(None, None, None))


@pytest.fixture
def colleague(server, run_async):
    client = LangWatchClient(server.url, server.api_key)
    yield client
    run_async(client.aclose())


def _window(qtbot, run_async, data_dir, url: str, api_key: str):
    return open_window(qtbot, run_async, data_dir, SimpleNamespace(url=url, api_key=api_key))


def _open_and_edit(window, qtbot) -> None:
    row = window.prompt_model.row_of(HANDLE)
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.prompt_list.setCurrentIndex(window.prompt_model.index(row, 0))
    system = window.editor.findChild(QPlainTextEdit, "systemPromptEdit")
    system.setFocus()
    system.moveCursor(system.textCursor().MoveOperation.End)
    qtbot.keyClicks(system, ADDITION)
    qtbot.waitUntil(lambda: _draft_prompt(window) is not None and _draft_prompt(window).endswith(ADDITION),
                    timeout=5000)


def _draft_prompt(window) -> str | None:
    kept = window.drafts.load(HANDLE)
    return kept.config["prompt"] if kept is not None else None


def _save_through_the_dialog(window, qtbot, message: str) -> None:
    """As a user does: Ctrl+S, type what changed, press Save."""
    window.save_action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CommitMessageDialog), timeout=5000)
    dialog = QApplication.activeModalWidget()
    qtbot.keyClicks(dialog.message_edit, message)
    dialog.accept()


def _error_box(window, qtbot) -> QMessageBox:
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorDialog") is not None, timeout=15000)
    box = window.findChild(QMessageBox, "errorDialog")
    qtbot.waitUntil(box.isVisible, timeout=5000)
    return box


def _dismiss(window, box: QMessageBox, qtbot) -> None:
    """Press OK and wait until the box is gone for good (it deletes itself on close)."""
    box.done(QMessageBox.StandardButton.Ok)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorDialog") is None, timeout=5000)


def _assert_responsive(window, qtbot) -> None:
    """The window still takes input: filtering the list answers at once, and the editor can still be typed in."""
    total = window.prompt_model.total
    qtbot.keyClicks(window.prompt_filter, "triage")
    assert window.prompt_model.shown_handles() == [HANDLE]
    window.prompt_filter.clear()
    assert window.prompt_model.matching == total
    assert window.editor.isEnabled() and not window.editor.is_read_only()


def _versions(run_async, client) -> list[int]:
    return [version.version for version in run_async(client.list_versions(HANDLE))]


@pytest.mark.parametrize(
    ("spoil", "plain_words", "written"),
    [
        (lambda front: hang_up(), "Could not reach the server.", False),
        (lambda front: front.relay_then(hang_up()), "Could not reach the server.", True),
        (lambda front: status_step(500, "Internal server error"), "The server had a problem.", False),
        (lambda front: status_step(503, "Service Unavailable", retry_after="1"), "The server had a problem.", False),
    ],
    ids=["dropped-before-the-server-saw-it", "answer-lost-after-writing", "500", "503-retry-after"],
)
def test_a_failed_save_shows_a_plain_error_keeps_the_draft_and_the_next_save_works(
    qtbot, run_async, tmp_path, server, front, colleague, spoil, plain_words, written
):
    window = _window(qtbot, run_async, tmp_path / "app", front.url, server.api_key)
    _open_and_edit(window, qtbot)
    before = _versions(run_async, colleague)
    front.spoil(is_save_sync, spoil(front))

    _save_through_the_dialog(window, qtbot, "One line")
    box = _error_box(window, qtbot)

    assert box.text() == f"Saving: {plain_words}" or box.text().startswith(f"Saving: {plain_words} (")
    assert "Traceback" not in box.text() and server.api_key not in box.detailedText()
    assert _draft_prompt(window).endswith(ADDITION)
    assert len(front.received(is_save_sync)) == 1
    expected = [before[0] + 1, *before] if written else before
    assert _versions(run_async, colleague) == expected
    _dismiss(window, box, qtbot)
    _assert_responsive(window, qtbot)

    outcome = run_async(window.save_with_message("One line"))

    assert outcome.action == ("up_to_date" if written else "updated")
    assert _versions(run_async, colleague) == [before[0] + 1, *before]
    assert run_async(colleague.get_prompt(HANDLE)).prompt.endswith(ADDITION)
    assert window.drafts.load(HANDLE) is None
    qtbot.waitUntil(lambda: window.history_model.version_at(0).version == before[0] + 1, timeout=10000)


def test_a_list_over_the_size_limit_is_refused_with_a_plain_error_and_the_next_refresh_works(
    qtbot, run_async, tmp_path, server, front
):
    window = _window(qtbot, run_async, tmp_path / "app", front.url, server.api_key)
    total = window.prompt_model.total
    front.spoil(is_list, endless_body(MAX_RESPONSE_BYTES + 1024 * 1024, declare_length=False))

    window.refresh()
    qtbot.waitUntil(lambda: not window.server_notice.isHidden(), timeout=10000)

    assert "The server sent an answer this app cannot read." in window.server_notice.text.text()
    assert window.findChild(QMessageBox, "errorDialog") is None  # a background load never blocks with a box
    assert window.prompt_model.total == total
    run_async(window.refresh())
    assert window.prompt_model.total == total
    assert window.server_notice.isHidden() and not window.retry_timer.isActive()


def test_the_server_killed_restarted_then_rekeyed_under_an_open_window(qtbot, run_async, tmp_path):
    data_dir, port = tmp_path / "served", free_port()
    with running_server(data_dir, port=port) as first:
        window = _window(qtbot, run_async, tmp_path / "app", first.url, first.api_key)
        _open_and_edit(window, qtbot)
        before = window.history_model.version_at(0).version
        first.kill()

        _save_through_the_dialog(window, qtbot, "While down")
        box = _error_box(window, qtbot)
        assert box.text().startswith("Saving: Could not reach the server.")
        assert _draft_prompt(window).endswith(ADDITION)
        _dismiss(window, box, qtbot)
        _assert_responsive(window, qtbot)

    with running_server(data_dir, api_key="sk-lw-rotated_fedcba9876543210", port=port):
        # What the Save action runs.
        window.tasks.run("save-flow", "Saving", window.save_with_message("Stale key"))
        box = _error_box(window, qtbot)
        assert box.text().startswith("Saving: The server did not accept the API key.")
        assert first.api_key not in box.text() + box.detailedText()
        assert _draft_prompt(window).endswith(ADDITION)
        _dismiss(window, box, qtbot)

    with running_server(data_dir, port=port) as back:
        outcome = run_async(window.save_with_message("Back"))
        assert outcome.action == "updated"
        qtbot.waitUntil(lambda: window.history_model.version_at(0).version == before + 1, timeout=10000)
        with_a_client = LangWatchClient(back.url, back.api_key)
        try:
            versions = run_async(with_a_client.list_versions(HANDLE))
        finally:
            run_async(with_a_client.aclose())
        assert [version.version for version in versions][:2] == [before + 1, before]


def test_a_prompt_deleted_by_a_colleague_while_edited_is_saved_again_and_the_draft_survives(
    qtbot, run_async, tmp_path, server, colleague
):
    window = _window(qtbot, run_async, tmp_path / "app", server.url, server.api_key)
    _open_and_edit(window, qtbot)
    run_async(colleague.delete_prompt(HANDLE))

    run_async(window.refresh())
    assert window.prompt_model.row_of(HANDLE) is None
    assert _draft_prompt(window).endswith(ADDITION)

    outcome = run_async(window.save_with_message("Saved again"))

    assert outcome.action == "created"
    assert _versions(run_async, colleague) == [1]
    assert run_async(colleague.get_prompt(HANDLE)).prompt.endswith(ADDITION)
    qtbot.waitUntil(lambda: window.prompt_model.row_of(HANDLE) is not None, timeout=10000)


def test_saving_a_prompt_someone_deleted_tells_the_author_it_had_been_deleted(
    qtbot, run_async, tmp_path, server, colleague
):
    window = _window(qtbot, run_async, tmp_path / "app", server.url, server.api_key)
    _open_and_edit(window, qtbot)
    run_async(colleague.delete_prompt(HANDLE))

    run_async(window.save_with_message("Saved again"))

    assert "deleted" in window.statusBar().currentMessage().lower()


def test_save_is_offered_again_after_a_failed_save(qtbot, run_async, tmp_path, server, front):
    window = _window(qtbot, run_async, tmp_path / "app", front.url, server.api_key)
    _open_and_edit(window, qtbot)
    front.spoil(is_save_sync, status_step(500, "Internal server error"))

    _save_through_the_dialog(window, qtbot, "One line")
    _dismiss(window, _error_box(window, qtbot), qtbot)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)

    assert window.save_action.isEnabled()


def test_a_server_answering_503_for_a_while_is_said_so_and_the_window_recovers(
    qtbot, run_async, tmp_path, server, front
):
    front.spoil(is_list, status_step(503, "Service Unavailable"), times=3)  # one load: a try and two retries
    window = _window(qtbot, run_async, tmp_path / "app", front.url, server.api_key)
    assert window.connection_status.text().startswith("Test server answered with an error")
    assert "The server had a problem." in window.server_notice.text.text()
    assert window.findChild(QMessageBox, "errorDialog") is None
    qtbot.waitUntil(lambda: window.connection_status.text() == "Connected: Test server", timeout=20000)
    qtbot.waitUntil(lambda: window.prompt_model.total > 0, timeout=10000)
    assert window.server_notice.isHidden()
