"""Preferences in the real window (a server on 127.0.0.1 for the connection at start): each choice applies at once
to the whole app, and the next start (the composition root's own function) finds it kept."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFontDatabase, QPalette
from PySide6.QtWidgets import QPlainTextEdit, QPushButton

from prompt_studio.app import start_as_preferred
from prompt_studio.paths import DataPaths
from prompt_studio.providers import settings_file
from prompt_studio.services.trying import Trials
from prompt_studio.ui.appearance import Appearance, read_preferences
from prompt_studio.ui.editor.widgets import TemplateTextEdit
from prompt_studio.ui.main_window import MainWindow
from prompt_studio.ui.preferences_dialog import PreferencesDialog
from tests.ui.main_window_support import make_connector, server_connection

HANDLE = "support/triage"


@pytest.fixture
def appearance(qapp):
    """The app's look before the test, restored after it."""
    before = Appearance(qapp)
    yield before
    before.restore()


def _start(qtbot, run_async, data, qapp) -> MainWindow:
    """Start as the app does: the preferences applied first, then the connection they name, opened."""
    connector, _connection = make_connector(data)
    settings = QSettings(str(DataPaths.resolve(data).settings), QSettings.Format.IniFormat)
    appearance, first = start_as_preferred(qapp, settings, connector)
    trials = Trials(connector.paths, connector.secrets)
    window = MainWindow(connector, run_async(connector.open(first)), settings, trials, appearance)
    qtbot.addWidget(window)
    window.show()
    run_async(window.refresh())
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt(HANDLE)
    return window


def _preferences(window, qtbot) -> PreferencesDialog:
    window.preferences_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(PreferencesDialog, "preferencesDialog") is not None, timeout=5000)
    dialog = window.findChild(PreferencesDialog, "preferencesDialog")
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    return dialog


def _texts(window) -> list[TemplateTextEdit]:
    """The prompt texts on screen (the JSON schema editor keeps its fixed-width font)."""
    return [edit for edit in window.editor.findChildren(TemplateTextEdit)
            if edit.isVisible() and edit.objectName() != "jsonSchemaText"]


def _choose(combo, data) -> None:
    row = combo.findData(data)
    assert row >= 0, data
    combo.setCurrentIndex(row)


def test_preferences_apply_at_once_and_the_next_start_keeps_them(qtbot, run_async, tmp_path, qapp, appearance,
                                                                 server, screenshots):
    data = tmp_path / "app"
    window = _start(qtbot, run_async, data, qapp)
    connection = server_connection(server.url)
    run_async(window.connector.add(connection, server.api_key))
    dialog = _preferences(window, qtbot)
    assert dialog.theme_choice.currentData() == "system" and dialog.start_choice.currentText() == "Local library"

    _choose(dialog.theme_choice, "dark")
    qtbot.waitUntil(lambda: window.palette().color(QPalette.ColorRole.Window).lightness() < 128, timeout=2000)
    assert all(edit.highlighter._dark for edit in _texts(window)), "the template colours follow"
    assert read_preferences(window.settings).editor_font == "", "a font not chosen follows the system's"
    assert run_async(window.show_preferences()) is dialog, "one Preferences at a time"
    dialog.font_choice.setCurrentFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    mono = dialog.font_choice.currentFont().family()
    dialog.size_choice.setValue(17)
    window.editor.findChild(QPushButton, "addMessageButton").click()
    qtbot.waitUntil(lambda: len(_texts(window)) == 3, timeout=2000)
    fonts = {(edit.font().family(), edit.font().pointSize()) for edit in _texts(window)}
    assert fonts == {(mono, 17)}, "every prompt text, the message just added too"
    assert window.title_label.font().pointSize() != 17, "the rest of the window keeps its font"
    _choose(dialog.start_choice, connection.id)
    _choose(dialog.provider_choice, "anthropic")
    path = settings_file(DataPaths.resolve(data))
    qtbot.waitUntil(lambda: path.exists() and json.loads(path.read_text()).get("default_prefix") == "anthropic",
                    timeout=5000)
    dialog.close()
    window.close()
    run_async(window.trials.aclose())

    again = _start(qtbot, run_async, data, qapp)
    assert again.workspace.connection.id == connection.id, "the connection chosen to open at start"
    assert again.palette().color(QPalette.ColorRole.Window).lightness() < 128
    assert {edit.font().pointSize() for edit in _texts(again)} == {17}
    dialog = _preferences(again, qtbot)
    assert (dialog.theme_choice.currentData(), dialog.font_choice.currentFont().family(), dialog.size_choice.value(),
            dialog.start_choice.currentData(), dialog.provider_choice.currentData()) == (
        "dark", mono, 17, connection.id, "anthropic")
    screenshots.take(dialog, "preferences-dialog.png")

    _choose(dialog.theme_choice, "system")
    qtbot.waitUntil(lambda: again.palette().color(QPalette.ColorRole.Window).lightness() > 128, timeout=2000)
    assert not any(edit.highlighter._dark for edit in _texts(again)), "back to the system's look, light here"
    dialog.close()
    run_async(again.trials.aclose())


def test_the_system_prompt_is_a_template_text_the_font_reaches(qtbot, run_async, tmp_path, qapp, appearance):
    window = _start(qtbot, run_async, tmp_path / "app", qapp)
    assert isinstance(window.editor.findChild(QPlainTextEdit, "systemPromptEdit"), TemplateTextEdit)
    run_async(window.trials.aclose())
