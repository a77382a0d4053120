"""The window when the server is away, against the real `prompt-studio serve`: the offline copy at once, a true
status, no modal box, edits kept as a draft, and recovery by itself once the server answers again."""

from __future__ import annotations

import socket
from types import SimpleNamespace

from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit

from prompt_studio.api import LangWatchClient
from prompt_studio.ui.dialogs import ChangeKeyDialog
from prompt_studio.ui.main_window import MainWindow
from tests.support.server_process import TEST_API_KEY, free_port, running_server
from tests.ui.main_window_support import make_connector, open_window

HANDLE = "support/triage"
ADDITION = " Written on the train."


def _open(window, qtbot, handle: str = HANDLE) -> None:
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt(handle)


def _type_into_system_prompt(window, qtbot, words: str) -> None:
    system = window.editor.findChild(QPlainTextEdit, "systemPromptEdit")
    system.setFocus()
    system.moveCursor(system.textCursor().MoveOperation.End)
    qtbot.keyClicks(system, words)
    qtbot.waitUntil(lambda: (kept := window.drafts.load(HANDLE)) is not None
                    and kept.config["prompt"].endswith(words), timeout=5000)


def _close(window, run_async) -> None:
    """Quit as a user does; the copies being written land before the connection closes."""
    window.close()
    run_async(window.connector.close(window.workspace))


def _versions(run_async, url: str) -> list[int]:
    client = LangWatchClient(url, TEST_API_KEY)
    try:
        return [version.version for version in run_async(client.list_versions(HANDLE))]
    finally:
        run_async(client.aclose())


def test_a_start_without_the_server_shows_the_offline_copy_and_saves_once_the_server_is_back(
    qtbot, run_async, tmp_path, screenshots
):
    served, app, port = tmp_path / "served", tmp_path / "app", free_port()
    with running_server(served, port=port) as server:
        window = open_window(qtbot, run_async, app, server)
        listed = window.prompt_model.total
        _open(window, qtbot)
        seen = dict(window.draft.config)
        versions_before = _versions(run_async, server.url)
        _close(window, run_async)

    # The next morning, on a train: the same data folder, the server out of reach.
    window = open_window(qtbot, run_async, app, SimpleNamespace(url=server.url, api_key=TEST_API_KEY))
    assert window.prompt_model.total == listed
    assert "(offline copy from " in window.prompt_count.text()
    assert window.connection_status.text().startswith("Cannot reach Test server (since ")
    assert window.connection_status.text().endswith(" s"), "the next try is counted down"
    assert window.findChild(QMessageBox, "errorDialog") is None, "no modal box for a load no one asked for"
    assert "Showing the offline copy from " in window.server_notice.text.text()

    _open(window, qtbot)
    assert window.draft.config == seen
    assert window.offline_note.isVisible() and "Offline copy from " in window.offline_note.text()
    _type_into_system_prompt(window, qtbot, ADDITION)
    assert not window.save_action.isEnabled()
    assert "Save works again once it answers" in window.save_action.toolTip()
    qtbot.waitUntil(lambda: "Save works again once the server answers" in window.draft_status.text(), timeout=5000)
    screenshots.take(window, "offline-window.png")

    with running_server(served, port=port):
        qtbot.waitUntil(lambda: window.connection_status.text() == "Connected: Test server", timeout=40000)
        assert "offline" not in window.prompt_count.text()
        assert window.server_notice.isHidden() and window.offline_note.isHidden()
        assert window.draft.config["prompt"].endswith(ADDITION), "the draft made offline is still there"
        assert window.save_action.isEnabled()
        outcome = run_async(window.save_with_message("Written on the train"))
        assert outcome.action == "updated"
        assert _versions(run_async, server.url) == [versions_before[0] + 1, *versions_before]
        assert window.findChild(QMessageBox, "errorDialog") is None


def test_the_offline_copy_is_on_view_while_a_silent_server_is_still_being_asked(qtbot, run_async, tmp_path):
    """A server that takes the connection and never answers: the copy shows at once, not after the timeout."""
    served, app, port = tmp_path / "served", tmp_path / "app", free_port()
    with running_server(served, port=port) as server:
        _close(open_window(qtbot, run_async, app, server), run_async)
    with socket.create_server(("127.0.0.1", port)):  # accepts, never answers
        connector, connection = make_connector(app, SimpleNamespace(url=server.url, api_key=TEST_API_KEY))
        window = MainWindow(connector, run_async(connector.open(connection)))
        qtbot.addWidget(window)
        window.refresh()
        qtbot.waitUntil(lambda: window.prompt_model.total > 0, timeout=5000)
        assert window.tasks.is_running("list"), "the server is still being asked"
        assert window.connection_status.text() == "Reaching Test server..."
        assert "(offline copy from " in window.prompt_count.text()
        window.tasks.cancel_all()


def test_a_rejected_key_is_not_tried_again_and_change_the_key_connects(qtbot, run_async, tmp_path, screenshots):
    with running_server(tmp_path / "served") as server:
        window = open_window(qtbot, run_async, tmp_path / "app",
                             SimpleNamespace(url=server.url, api_key="sk-lw-stale_0000000000000000"))
        assert window.connection_status.text() == "Test server did not accept the key"
        assert not window.retry_timer.isActive(), "trying the same key again cannot help"
        notice = window.server_notice
        assert notice.change_key_button.isVisible() and not notice.try_now_button.isVisible()
        screenshots.take(window, "key-rejected.png")

        notice.change_key_button.click()
        qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ChangeKeyDialog), timeout=5000)
        dialog = QApplication.activeModalWidget()
        qtbot.keyClicks(dialog.key_edit, server.api_key)
        dialog.accept()
        qtbot.waitUntil(lambda: window.connection_status.text() == "Connected: Test server", timeout=15000)
        qtbot.waitUntil(lambda: window.prompt_model.total > 0, timeout=10000)
        assert notice.isHidden()


def test_a_server_name_that_does_not_resolve_says_so_in_plain_words(qtbot, run_async, tmp_path, monkeypatch):
    """The resolver's own answer for an unknown name, given here so that no query leaves this machine."""
    real_getaddrinfo = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host == "prompts.example.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    window = open_window(qtbot, run_async, tmp_path / "app",
                         SimpleNamespace(url="http://prompts.example.invalid:5560", api_key=TEST_API_KEY))
    assert window.connection_status.text().startswith("Cannot reach Test server (since ")
    assert "The server's name was not found: check the address" in window.server_notice.text.text()
    assert window.retry_timer.isActive()
    assert window.findChild(QMessageBox, "errorDialog") is None
