"""What a prompt author's walkthrough found in the window: safe defaults, shortcuts that say why, a history and a
list that agree, and a window that fits a small screen. Against the local library (no server needed)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox, QPushButton

from prompt_studio.models import ConfigData, SyncRequest
from prompt_studio.ui.main_window import RoomForWords
from tests.ui.main_window_support import open_window

HANDLE = "support/triage"


@pytest.fixture
def window(qtbot, run_async, tmp_path):
    window = open_window(qtbot, run_async, tmp_path / "app")
    row = window.prompt_model.row_of(HANDLE)
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.prompt_list.setCurrentIndex(window.prompt_model.index(row, 0))
    qtbot.waitUntil(lambda: window.history_model.rowCount() > 0, timeout=15000)
    return window


def _question(qtbot) -> QMessageBox:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=5000)
    return QApplication.activeModalWidget()


def test_delete_asks_with_cancel_as_the_default_and_says_it_cannot_be_undone(window, qtbot):
    deleting = window.tasks.run("delete-flow", "Deleting", window.delete_prompt(HANDLE))
    box = _question(qtbot)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert "cannot be undone" in box.informativeText()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(deleting.done, timeout=5000)
    assert deleting.result() is False, "Enter keeps the prompt"
    assert window.prompt_model.row_of(HANDLE) is not None


def test_after_a_delete_the_status_no_longer_talks_about_the_prompt(window, qtbot, run_async):
    assert run_async(window.delete_prompt(HANDLE, confirm=False))
    assert window.draft_status.text().startswith("Choose a prompt")
    assert window.statusBar().currentMessage() == f"Deleted {HANDLE}."


def test_ctrl_s_on_an_invalid_form_says_what_to_fix(window, qtbot):
    temperature = window.editor.findChild(QLineEdit, "temperatureField")
    temperature.setFocus()
    temperature.selectAll()
    qtbot.keyClicks(temperature, "hot")
    qtbot.waitUntil(lambda: not window.save_action.isEnabled(), timeout=5000)
    assert "Temperature needs a number" in window.save_action.toolTip()

    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.statusBar().currentMessage() == (
        "Cannot save yet. Fix this first: Temperature needs a number, such as 0.2.")
    assert window.findChild(QDialog, "commitMessageDialog") is None


def test_save_without_changes_says_so_without_asking_for_a_message(window, qtbot, run_async):
    assert run_async(window.save_with_message()) is None
    assert window.findChild(QDialog, "commitMessageDialog") is None
    assert window.statusBar().currentMessage().startswith("Nothing to save: no changes since v")


def test_compare_restore_and_move_tag_have_shortcuts(window):
    assert window.compare_action.shortcut() == QKeySequence("Ctrl+D")
    assert window.restore_action.shortcut() == QKeySequence("Ctrl+Shift+R")
    assert window.move_tag_action.shortcut() == QKeySequence("Ctrl+T")


def test_the_tag_menu_says_where_each_tag_is_and_moving_production_asks(window, qtbot, run_async):
    newest = window.history_model.version_at(0)
    oldest = window.history_model.version_at(window.history_model.rowCount() - 1)
    assert "production" in oldest.tag_names and newest.version != oldest.version
    window.history_view.selectRow(0)
    window.tag_menu.aboutToShow.emit()
    texts = {action.objectName(): action.text() for action in window.tag_menu.actions()}
    assert texts["tag-production"] == f"Move 'production' to v{newest.version} (now on v{oldest.version})"

    moving = window.tasks.run("tag-flow", "Moving", window.history_flows.move_tag_asking(newest, "production"))
    box = _question(qtbot)
    assert box.text() == f"Move 'production' from v{oldest.version} to v{newest.version}?"
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.done(QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(moving.done, timeout=5000)
    qtbot.waitUntil(lambda: "production" in window.history_model.version_at(0).tag_names, timeout=5000)


def test_compare_with_newest_compares_the_version_on_view(window, qtbot, run_async):
    draft = window.draft
    config = ConfigData.model_validate({**draft.config, "prompt": "A newer version."})
    run_async(window.service.backend.sync_prompt(HANDLE, SyncRequest(config_data=config,
                                                                     local_version=draft.base_version)))
    run_async(window.refresh())
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 3, timeout=5000)
    window.history_view.selectRow(2)  # v1 only: it goes on view
    window.history_view.selectRow(1)  # then v2 on view
    viewing = window.session.viewing
    window.banner.compare_button.click()
    dialog = window.findChild(QDialog, "compareDialog")
    assert dialog.windowTitle() == f"Compare v{viewing.version} with v3"
    dialog.close()


def test_back_to_my_draft_leaves_nothing_selected_in_the_history(window, qtbot):
    window.history_view.selectRow(window.history_model.rowCount() - 1)
    assert window.session.viewing is not None
    window.banner.back_button.click()
    assert window.history_view.selectionModel().selectedRows() == []
    assert not window.restore_action.isEnabled() and not window.move_tag_action.isEnabled()


def test_refresh_brings_the_history_up_to_the_list(window, qtbot, run_async):
    draft = window.draft
    config = ConfigData.model_validate({**draft.config, "prompt": "Someone else's version."})
    run_async(window.service.backend.sync_prompt(HANDLE, SyncRequest(config_data=config,
                                                                     local_version=draft.base_version)))
    run_async(window.refresh())
    newest = window.prompt_model.data(window.prompt_model.index(window.prompt_model.row_of(HANDLE), 1))
    qtbot.waitUntil(lambda: f"v{window.history_model.version_at(0).version}" == newest, timeout=5000)


def test_the_window_fits_a_1280_by_720_screen_with_every_panel_usable(window, qtbot):
    """The offscreen screen is 800x800, so a 1280x720 laptop's free area is applied by hand."""
    hint = window.minimumSizeHint()
    area = window.screen().availableGeometry()
    assert window.width() <= max(area.width(), hint.width()), "never larger than the screen it opens on"
    assert hint.width() <= 1280 and hint.height() <= 720 - 40
    window.fit_to_screen(area=QRect(0, 0, 1280, 720))
    assert (window.width(), window.height()) == (1280, 680)
    left, middle, right = window.splitter.sizes()
    assert left >= 250 and middle >= 500 and right >= 250, (left, middle, right)


def test_names_are_elided_in_the_middle_and_the_unsaved_mark_comes_first(window, qtbot):
    assert window.prompt_list.textElideMode() == Qt.TextElideMode.ElideMiddle
    window.drafts.save(window.draft.model_copy(update={"config": {**window.draft.config, "prompt": "x"}}))
    window.session.draft_handles.add(HANDLE)
    window.prompt_model.set_drafts(window.session.draft_handles)
    row = window.prompt_model.row_of(HANDLE)
    assert window.prompt_model.data(window.prompt_model.index(row, 0)) == "* triage", "under its folder 'support'"
    tooltip = window.prompt_model.data(window.prompt_model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith(f"{HANDLE}, version ") and "unsaved draft" in tooltip


def test_the_handle_problem_is_shown_whole(qtbot):
    from prompt_studio.ui.dialogs import new_prompt_dialog

    dialog = new_prompt_dialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name_edit, "Support / Refund Requests")
    label = dialog.problem_label
    assert label.text().startswith("A handle uses lowercase letters")
    assert label.height() >= label.heightForWidth(label.width()), "no line of the explanation is cut off"
    dialog.close()


def test_the_list_says_where_each_tag_of_a_seen_prompt_is(window, qtbot):
    row = window.prompt_model.row_of(HANDLE)
    oldest = window.history_model.version_at(window.history_model.rowCount() - 1)
    assert window.prompt_model.data(window.prompt_model.index(row, 2)) == f"production v{oldest.version}"


def test_screenshot_main_window_at_1280_by_720(window, qtbot, screenshots):
    window.fit_to_screen(area=QRect(0, 0, 1280, 720))
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=2000)
    image = screenshots.take(window, "main-window-1280x720.png")
    assert image.width() >= 1280


def test_in_a_narrow_panel_the_names_keep_their_room(window, qtbot):
    window.fit_to_screen(area=QRect(0, 0, 1280, 720))
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=2000)
    window.splitter.setSizes([260, 760, 260])
    qtbot.waitUntil(lambda: window.prompt_list.columnWidth(0) >= RoomForWords.MIN_WORDS_WIDTH - 30, timeout=2000)
    assert window.prompt_list.isColumnHidden(3), "Updated steps aside first"
    window.splitter.setSizes([520, 500, 260])
    qtbot.waitUntil(lambda: not window.prompt_list.isColumnHidden(3), timeout=2000)
    assert not window.prompt_list.isColumnHidden(2)


def test_an_empty_window_welcomes_and_a_new_prompt_says_it_has_no_history_yet(qtbot, run_async, tmp_path,
                                                                            screenshots):
    window = open_window(qtbot, run_async, tmp_path / "app")
    assert window.editor_stack.currentIndex() == 0
    assert "Choose a prompt on the left" in window.welcome.text()
    assert window.findChild(QPushButton, "welcomeNewPrompt").isVisible()
    assert window.findChild(QPushButton, "welcomeOpenFolder").isVisible()
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=2000)
    screenshots.take(window, "welcome.png")
    run_async(window.new_prompt("team/fresh"))
    assert window.editor_stack.currentWidget() is window.editor
    assert window.history_note.isVisible()
    assert window.history_note.text() == "Not saved yet: your first save makes version 1."


def test_an_empty_library_says_how_to_start(qtbot, run_async, tmp_path):
    window = open_window(qtbot, run_async, tmp_path / "app")
    for handle in window.prompt_model.shown_handles():
        run_async(window.delete_prompt(handle, confirm=False))
    assert window.prompt_model.total == 0
    assert "has no prompts yet" in window.welcome.text()


def test_the_status_says_connected_only_once_the_server_answered(qtbot, run_async, tmp_path):
    from prompt_studio.services.connections import Connection, connection_id_for
    from prompt_studio.ui.main_window import MainWindow
    from tests.support.server_process import free_port
    from tests.ui.main_window_support import make_connector

    window = open_window(qtbot, run_async, tmp_path / "app")
    assert window.connection_status.text() == "Connected: Local library"

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    connector, _ = make_connector(tmp_path / "other")
    unreachable = Connection(connection_id_for("langwatch", url), "Nowhere", "langwatch", url)
    connector.use_for_this_session(unreachable, "sk-lw-some-key")
    lost = MainWindow(connector, run_async(connector.open(unreachable)))
    qtbot.addWidget(lost)
    assert lost.connection_status.text() == "Reaching Nowhere...", "never Connected before an answer"
    listing = lost.refresh()
    qtbot.waitUntil(listing.done, timeout=20000)
    assert lost.connection_status.text().startswith("Cannot reach Nowhere (since ")
    assert "Could not reach the server" in lost.connection_status.toolTip()
    assert lost.findChild(QMessageBox, "errorDialog") is None, "no dialog for a load no one asked for"
    assert not lost.server_notice.isHidden() and "Trying again in 1 s." in lost.server_notice.text.text()
    assert not lost.server_notice.details.isVisible()
    lost.server_notice.details_button.click()
    assert "ConnectionFailed" in lost.server_notice.details.text()


def _window_on_a_silent_port(qtbot, run_async, tmp_path):
    """A window on a server address where nothing listens yet; the test starts a server there later."""
    from prompt_studio.services.connections import Connection, connection_id_for
    from prompt_studio.ui.main_window import MainWindow
    from tests.support.server_process import TEST_API_KEY, free_port
    from tests.ui.main_window_support import make_connector

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    connector, _ = make_connector(tmp_path / "app")
    connection = Connection(connection_id_for("langwatch", url), "Our server", "langwatch", url)
    connector.use_for_this_session(connection, TEST_API_KEY)
    window = MainWindow(connector, run_async(connector.open(connection)))
    qtbot.addWidget(window)
    window.show()
    return window, port


def test_the_window_tries_again_by_itself_and_recovers_when_the_server_is_back(qtbot, run_async, tmp_path):
    from tests.support.server_process import running_server

    window, port = _window_on_a_silent_port(qtbot, run_async, tmp_path)
    assert run_async(window.refresh(), timeout=30000) is None, "the load failed, quietly"
    assert window.server_notice.isVisible() and window.prompt_model.total == 0

    with running_server(tmp_path / "served", port=port):
        qtbot.waitUntil(lambda: window.connection_status.text() == "Connected: Our server", timeout=40000)
        qtbot.waitUntil(lambda: window.prompt_model.total > 0, timeout=10000)
        assert not window.server_notice.isVisible()
        assert window.findChild(QMessageBox, "errorDialog") is None


def test_the_network_coming_back_tries_at_once_without_waiting_out_the_backoff(qtbot, run_async, tmp_path):
    from PySide6.QtNetwork import QNetworkInformation

    from tests.support.server_process import running_server

    window, port = _window_on_a_silent_port(qtbot, run_async, tmp_path)
    for _ in range(4):  # four failures: the next automatic try is 8 s away
        assert run_async(window.refresh(), timeout=30000) is None
    assert "Trying again in 8 s." in window.server_notice.text.text()

    with running_server(tmp_path / "served", port=port):
        window._on_reachability_changed(QNetworkInformation.Reachability.Local)  # not the network back: no try
        assert not window.tasks.is_running("list")
        assert window.retry_timer.remainingTime() > 3000, "the automatic try is still far off"
        # What Qt sends when the platform reports the network back.
        window._on_reachability_changed(QNetworkInformation.Reachability.Online)
        qtbot.waitUntil(lambda: window.connection_status.text() == "Connected: Our server", timeout=3000)
        qtbot.waitUntil(lambda: window.prompt_model.total > 0, timeout=3000)
        assert window.server_notice.isHidden()
