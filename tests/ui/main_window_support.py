"""Build the real main window, composed as the app composes it, for tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton

from prompt_studio.paths import DataPaths
from prompt_studio.services.connections import LOCAL_LIBRARY, Connection, connection_id_for
from prompt_studio.services.connector import AppConnector
from prompt_studio.services.secrets import SecretStore
from prompt_studio.ui.main_window import MainWindow
from prompt_studio.ui.merge_dialog import MergeDialog


def server_connection(url: str) -> Connection:
    return Connection(connection_id_for("langwatch", url), "Test server", "langwatch", url)


def make_connector(data_dir: Path, server=None) -> tuple[AppConnector, Connection]:
    paths = DataPaths.resolve(data_dir)
    connector = AppConnector(paths, SecretStore(paths.fallback_secrets, use_keyring=False))
    if server is None:
        return connector, LOCAL_LIBRARY
    connection = server_connection(server.url)
    connector.use_for_this_session(connection, server.api_key)
    return connector, connection


def open_window(qtbot, run_async, data_dir: Path, server=None) -> MainWindow:
    connector, connection = make_connector(data_dir, server)
    workspace = run_async(connector.open(connection))
    settings = QSettings(str(DataPaths.resolve(data_dir).settings), QSettings.Format.IniFormat)
    window = MainWindow(connector, workspace, settings)

    def close_as_the_app_does(shown: MainWindow) -> None:
        """The window, then its connection (app.py does the same at quit): no socket is left to the collector."""
        shown.close()
        run_async(connector.close(workspace))

    qtbot.addWidget(window, before_close_func=close_as_the_app_does)
    window.show()
    run_async(window.refresh())
    return window


def merge_keeping_ours(qtbot) -> MergeDialog:
    """Wait for the merge dialog, keep "Your version" at every conflict, and complete the merge."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), MergeDialog), timeout=15000)
    merge = QApplication.activeModalWidget()
    for field in merge.session.fields():
        if field.state == "conflict":
            merge.select_field(field.path)
            merge.choose("ours")
    complete = merge.findChild(QPushButton, "completeMergeButton")
    complete.click()
    complete.click()
    return merge


def select_prompt(window, qtbot, handle: str) -> None:
    """Click a prompt in the list and wait until it and its history are shown."""
    row = window.prompt_model.row_of(handle)
    assert row is not None, f"{handle} is not in the list"
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.prompt_list.setCurrentIndex(window.prompt_model.index(row, 0))
    qtbot.waitUntil(lambda: window.history_model.rowCount() > 0, timeout=15000)


def type_at_end(edit: QPlainTextEdit, qtbot, text: str) -> None:
    edit.setFocus()
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, text)
