"""Removing a saved server forgets its key and its drafts on this computer, after a question whose default is No."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox

from prompt_studio.models.draft import Draft
from prompt_studio.services.connections import LOCAL_LIBRARY
from tests.ui.main_window_support import open_window, server_connection


def test_removing_a_connection_forgets_its_key_and_drafts(qtbot, run_async, tmp_path, server):
    window = open_window(qtbot, run_async, tmp_path / "app")
    connection = server_connection(server.url)
    run_async(window.connector.add(connection, server.api_key))
    run_async(window.switch_connection(connection))
    window.drafts.save(Draft(handle="unsaved", config={"prompt": "x"}))
    run_async(window.refresh())
    removing_row = window.connection_selector.findText(window.REMOVE_CONNECTION)
    assert removing_row >= 0, "a saved server can be removed from the selector"

    asking = window.tasks.run("connect-flow", "Removing", window.remove_connection())
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=5000)
    box = QApplication.activeModalWidget()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert "1 unsaved draft" in box.informativeText() and "not touched" in box.informativeText()
    box.done(QMessageBox.StandardButton.Cancel)
    qtbot.waitUntil(asking.done, timeout=5000)
    assert asking.result() is False and window.workspace.connection == connection

    assert run_async(window.remove_connection(confirm=False))
    assert window.workspace.connection == LOCAL_LIBRARY
    assert connection not in window.connector.connections()
    assert window.connector.secrets.get(connection.id) is None
    assert not any("unsaved" in path.name for path in (tmp_path / "app" / "drafts").rglob("*"))
    assert window.connection_selector.findText(window.REMOVE_CONNECTION) < 0, "the local library stays"


def test_a_flow_belongs_to_the_connection_it_started_on(qtbot, run_async, tmp_path, server):
    """Delete asked on the server; the user switches to the local library before answering: the question goes
    away with its connection, and nothing is deleted anywhere."""
    window = open_window(qtbot, run_async, tmp_path / "app")
    connection = server_connection(server.url)
    run_async(window.connector.add(connection, server.api_key))
    run_async(window.switch_connection(connection))
    handle = window.prompt_model.shown_handles()[0]
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt(handle)
    window.drafts.save(window.draft.model_copy(update={"config": {**window.draft.config, "prompt": "kept"}}))

    deleting = window.tasks.run("delete-flow", "Deleting", window.delete_prompt(handle))
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=5000)
    question = QApplication.activeModalWidget()
    run_async(window.switch_connection(LOCAL_LIBRARY))

    qtbot.waitUntil(deleting.done, timeout=5000)
    assert deleting.cancelled()
    assert not question.isVisible()
    assert window.workspace.connection == LOCAL_LIBRARY
    run_async(window.switch_connection(connection))
    assert window.prompt_model.row_of(handle) is not None, "still on the server"
    assert handle in window.drafts.handles(), "its draft too"
