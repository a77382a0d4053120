"""The menu bar: every action of the window in a menu with its shortcut, Help > Keyboard shortcuts and About,
and `prompt-studio --version`. Against the local library (no server needed)."""

from __future__ import annotations

from importlib import metadata

import pytest
from PySide6.QtCore import QRect, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QToolButton, QWidgetAction

from prompt_studio.cli import main as cli_main
from prompt_studio.services.backends import Capabilities
from prompt_studio.ui.connection_dialog import ConnectionDialog
from prompt_studio.ui.menus import walk_menus
from prompt_studio.ui.shortcuts_dialog import ShortcutsDialog
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


def _menu_actions(window) -> dict[QAction, tuple[str, ...]]:
    return {action: path for path, action in walk_menus(window.menuBar())}


def test_the_menu_bar_has_file_edit_view_prompt_help_with_object_names(window):
    menus = [action.menu() for action in window.menuBar().actions()]
    assert [m.title().replace("&", "") for m in menus] == ["File", "Edit", "View", "Prompt", "Help"]
    assert [m.objectName() for m in menus] == ["fileMenu", "editMenu", "viewMenu", "promptMenu", "helpMenu"]
    for path, action in walk_menus(window.menuBar()):
        assert action.objectName(), f"{' > '.join(path)} > {action.text()} has no object name"


def test_every_toolbar_action_is_in_a_menu(window):
    in_menus = _menu_actions(window)
    widget_stand_ins = {  # a widget of the toolbar, and the menu items that do what it does
        window.tag_button: [window.move_tag_action],
        window.connection_selector: [window.add_server_action, window.remove_connection_action],
    }
    checked = 0
    for action in window.toolbar.actions():
        if action.isSeparator():
            continue
        widget = action.defaultWidget() if isinstance(action, QWidgetAction) else None
        if widget is None:
            assert action in in_menus, f"the toolbar's {action.text()!r} is in no menu"
        elif widget in widget_stand_ins:
            for stand_in in widget_stand_ins[widget]:
                assert stand_in in in_menus, f"{stand_in.text()!r} (for {widget.objectName()}) is in no menu"
        else:  # the "Connection:" label and the spacer do nothing
            assert isinstance(widget, QLabel) or type(widget).__name__ == "QWidget", widget
            assert not isinstance(widget, (QToolButton, QComboBox))
        checked += 1
    assert checked >= 10


def test_the_menus_carry_the_shortcuts(window):
    in_menus = _menu_actions(window)
    expected = {
        window.new_action: (("File",), QKeySequence.StandardKey.New),
        window.save_action: (("File",), QKeySequence.StandardKey.Save),
        window.refresh_action: (("File",), QKeySequence.StandardKey.Refresh),
        window.find_action: (("Edit",), QKeySequence.StandardKey.Find),
        window.editor.undo_action: (("Edit",), QKeySequence.StandardKey.Undo),
        window.editor.redo_action: (("Edit",), QKeySequence.StandardKey.Redo),
        window.compare_action: (("Prompt",), QKeySequence("Ctrl+D")),
        window.restore_action: (("Prompt",), QKeySequence("Ctrl+Shift+R")),
        window.move_tag_action: (("Prompt",), QKeySequence("Ctrl+T")),
    }
    for action, (path, keys) in expected.items():
        assert in_menus.get(action) == path, action.text()
        assert action.shortcut() == QKeySequence(keys) and not action.shortcut().isEmpty(), action.text()
    assert in_menus.get(window.quit_action) == ("File",) and not window.quit_action.shortcut().isEmpty()
    for action in (window.resume_merge_action, window.delete_action, window.add_server_action,
                   window.remove_connection_action):
        assert in_menus.get(action) == ("File",), action.text()
    for action in (window.prompt_tags_action, window.test_prompt_action):
        assert in_menus.get(action) == ("Prompt",), action.text()
    assert in_menus.get(window.history_panel_action) == ("View",)
    assert in_menus.get(window.preferences_action) == ("Edit",) and not window.preferences_action.shortcut().isEmpty()
    assert in_menus.get(window.shortcuts_action) == in_menus.get(window.about_action) == ("Help",)


def test_menu_roles_put_about_and_quit_where_macos_expects_them(window):
    assert window.about_action.objectName() == "aboutAction"
    assert window.about_action.menuRole() == QAction.MenuRole.AboutRole
    assert window.quit_action.menuRole() == QAction.MenuRole.QuitRole
    assert window.preferences_action.menuRole() == QAction.MenuRole.PreferencesRole
    placed = (window.about_action, window.quit_action, window.preferences_action)
    others = [action for action in _menu_actions(window) if action not in placed]
    assert all(action.menuRole() == QAction.MenuRole.NoRole for action in others), \
        "no other item is guessed into the application menu"


def test_the_connection_items_of_the_file_menu(window, qtbot):
    assert window.add_server_action.isEnabled()
    assert not window.remove_connection_action.isVisible(), "the local library cannot be removed"
    window.add_server_action.trigger()
    assert window.tasks.is_running("connect-flow")
    qtbot.waitUntil(lambda: window.findChild(ConnectionDialog) is not None, timeout=5000)
    dialog = window.findChild(ConnectionDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    dialog.reject()
    qtbot.waitUntil(lambda: not window.tasks.is_running("connect-flow"), timeout=5000)


def test_the_history_panel_can_be_hidden_and_stays_so(window, qtbot, run_async, tmp_path):
    assert window.history_panel.isVisible()
    window.history_panel_action.trigger()
    assert not window.history_panel.isVisible() and not window.history_panel_action.isChecked()
    window._save_layout()
    again = open_window(qtbot, run_async, tmp_path / "app")
    assert not again.history_panel_action.isChecked() and not again.history_panel.isVisible()
    again.history_panel_action.trigger()
    assert again.history_panel.isVisible()


def test_the_edit_menu_undo_follows_an_editor_swap(window):
    old_undo, old_redo = window.editor.undo_action, window.editor.redo_action
    window._use_editor_for(Capabilities(prompt_shape="orkes", content_by_sync=False))
    new_undo, new_redo = window.editor.undo_action, window.editor.redo_action
    assert new_undo is not old_undo
    edit = window.edit_menu.actions()
    assert edit[0] is new_undo and edit[1] is new_redo
    assert old_undo not in edit and old_redo not in edit
    assert new_undo.menuRole() == QAction.MenuRole.NoRole
    shortcuts = window.show_shortcuts()
    assert ("Undo", QKeySequence(QKeySequence.StandardKey.Undo).toString(QKeySequence.SequenceFormat.NativeText)) \
        in shortcuts.shown()
    shortcuts.close()


def test_the_shortcuts_dialog_lists_the_window_shortcuts_and_filters(window, qtbot, screenshots):
    window.shortcuts_action.trigger()
    dialog = window.findChild(ShortcutsDialog, "shortcutsDialog")
    assert dialog.isVisible()
    screenshots.take(dialog, "keyboard-shortcuts.png")
    shown = dict(dialog.shown())
    native = QKeySequence.SequenceFormat.NativeText
    assert shown["Save"] == QKeySequence(QKeySequence.StandardKey.Save).toString(native) == "Ctrl+S"
    assert shown["Compare"] == "Ctrl+D"
    assert shown["Restore"] == "Ctrl+Shift+R"
    assert shown["Find prompt"] == "Ctrl+F"
    assert "Undo" in shown and "Quit" in shown and "Keyboard shortcuts" in shown
    assert "Delete prompt" not in shown, "only what has a shortcut"
    qtbot.keyClicks(dialog.filter_edit, "sav")
    assert dialog.shown() == [("Save", "Ctrl+S"), ("Save all", "Ctrl+Shift+S")]
    dialog.filter_edit.setText("ctrl+shift")
    assert ("Restore", "Ctrl+Shift+R") in dialog.shown() and all("Shift" in keys for _, keys in dialog.shown())
    dialog.filter_edit.setText("no such thing")
    assert dialog.shown() == [] and dialog.empty_label.isVisible()
    dialog.close()


def test_about_names_the_version_the_licences_and_the_data_folder(window, qtbot, run_async, monkeypatch,
                                                                  screenshots):
    dialog = run_async(window.show_about())
    assert dialog.objectName() == "aboutDialog" and dialog.isVisible()
    assert metadata.version("prompt-studio") in dialog.version_label.text()
    assert dialog.licence_of("PySide6-Essentials").startswith("LGPL-3.0")
    assert dialog.licence_of("httpx") == "BSD-3-Clause"
    assert dialog.licence_of("pydantic") == "MIT"
    names = {dialog.licence_model.licences[row].name.lower() for row in range(dialog.licence_model.rowCount())}
    assert {"qasync", "pygments", "python-liquid", "keyring", "platformdirs", "truststore", "h2", "starlette",
            "uvicorn"} <= names
    assert all(licence.licence for licence in dialog.licence_model.licences), "every library names its licence"
    data_folder = window.connector.paths.root
    assert dialog.folder_label.text() == str(data_folder)

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    dialog.open_folder_button.click()
    assert opened == [QUrl.fromLocalFile(str(data_folder))]
    screenshots.take(dialog, "about-dialog.png")
    dialog.close()


def test_about_without_a_data_folder_says_so(window, run_async, monkeypatch):
    monkeypatch.setattr(window, "connector", object())
    dialog = run_async(window.show_about())
    assert dialog.folder_label.text() == "(not known)" and not dialog.open_folder_button.isEnabled()
    dialog.close()


def test_screenshot_main_window_with_its_menu_bar(window, qtbot, screenshots):
    window.fit_to_screen(area=QRect(0, 0, 1280, 720))
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=2000)
    assert window.menuBar().isVisible() and window.menuBar().height() > 0
    screenshots.take(window, "main-window-menu-bar.png")
    file_menu: QMenu = window.file_menu
    file_menu.popup(window.mapToGlobal(window.menuBar().geometry().bottomLeft()))
    qtbot.waitUntil(file_menu.isVisible, timeout=2000)
    screenshots.take(file_menu, "file-menu.png")
    file_menu.close()


def test_version_flag_prints_the_installed_version(capsys):
    with pytest.raises(SystemExit) as exited:
        cli_main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"prompt-studio {metadata.version('prompt-studio')}\n"
