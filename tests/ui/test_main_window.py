"""The real main window against `prompt-studio serve` on 127.0.0.1: open, edit, save, history, compare, restore,
tags, a colleague saving first, and screenshots of what a prompt author sees."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QMessageBox, QPlainTextEdit

from prompt_studio.api import LangWatchClient
from prompt_studio.models import ConfigData, SyncRequest
from prompt_studio.ui.compare import CompareDialog
from prompt_studio.ui.dialogs import CommitMessageDialog
from prompt_studio.ui.merge_dialog import MergeDialog
from tests.ui.main_window_support import open_window
from tests.ui.main_window_support import select_prompt as _select
from tests.ui.main_window_support import type_at_end as _type_at_end

HANDLE = "support/triage"


def _set_field(qtbot, field: QLineEdit, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Tab)


@pytest.fixture
def window(qtbot, run_async, tmp_path, server):
    return open_window(qtbot, run_async, tmp_path / "app", server)


@pytest.fixture
def colleague(server, run_async):
    client = LangWatchClient(server.url, server.api_key)
    yield client
    run_async(client.aclose())


def test_open_edit_save_then_the_new_version_is_in_history(window, qtbot, run_async, colleague):
    _select(window, qtbot, HANDLE)
    versions_before = window.history_model.rowCount()
    system = window.editor.findChild(QPlainTextEdit, "systemPromptEdit")
    _type_at_end(system, qtbot, " Answer in one sentence.")
    _set_field(qtbot, window.editor.findChild(QLineEdit, "temperatureField"), "0.3")
    qtbot.waitUntil(lambda: HANDLE in window.drafts.handles(), timeout=2000)
    qtbot.waitUntil(lambda: window.prompt_model.data(
        window.prompt_model.index(window.prompt_model.row_of(HANDLE), 0)).startswith("* "), timeout=2000)

    outcome = run_async(window.save_with_message("One sentence answers"))

    assert outcome.action == "updated"
    qtbot.waitUntil(lambda: window.history_model.rowCount() == versions_before + 1, timeout=10000)
    newest = window.history_model.version_at(0)
    assert newest.commit_message == "One sentence answers"
    assert newest.prompt.endswith("Answer in one sentence.")
    on_server = run_async(colleague.get_prompt(HANDLE))
    assert (on_server.version, on_server.temperature) == (newest.version, 0.3)
    assert HANDLE not in window.drafts.handles()


def test_save_asks_for_a_commit_message_first(window, qtbot, run_async):
    _select(window, qtbot, HANDLE)
    _type_at_end(window.editor.findChild(QPlainTextEdit, "systemPromptEdit"), qtbot, " Be kind.")
    window.save_action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CommitMessageDialog), timeout=5000)
    dialog = QApplication.activeModalWidget()
    assert dialog.objectName() == "commitMessageDialog"
    qtbot.keyClicks(dialog.message_edit, "Kinder")
    dialog.accept()
    qtbot.waitUntil(lambda: window.history_model.version_at(0).commit_message == "Kinder", timeout=10000)


def test_a_colleague_saving_first_is_caught_and_the_draft_is_kept(window, qtbot, run_async, colleague):
    _select(window, qtbot, HANDLE)
    base = window.draft
    theirs = ConfigData.model_validate({**base.config, "prompt": "Their new wording."})
    run_async(colleague.sync_prompt(HANDLE, SyncRequest(config_data=theirs, local_version=base.base_version)))

    system = window.editor.findChild(QPlainTextEdit, "systemPromptEdit")
    _type_at_end(system, qtbot, " My addition.")
    saving = asyncio.ensure_future(window.save_with_message("mine"))
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), MergeDialog), timeout=10000)
    merge = QApplication.activeModalWidget()
    assert merge.findChild(QLabel, "mergeRemaining").text() == "1 conflict remaining"
    assert merge.fields_model.fields[0].label == "System prompt"
    merge.reject()
    qtbot.waitUntil(saving.done, timeout=5000)

    assert saving.result().action == "conflict"
    assert system.toPlainText().endswith("My addition.")
    kept = window.drafts.load(HANDLE)
    assert kept.config["prompt"].endswith("My addition.")
    assert kept.pending_conflict.remote_version == base.base_version + 1
    assert run_async(colleague.get_prompt(HANDLE)).prompt == "Their new wording."


def test_compare_restore_and_move_a_tag(window, qtbot, run_async, colleague, screenshots):
    _select(window, qtbot, HANDLE)
    _type_at_end(window.editor.findChild(QPlainTextEdit, "systemPromptEdit"), qtbot, " Stay calm.")
    run_async(window.save_with_message("Calmer"))
    qtbot.waitUntil(lambda: window.history_model.version_at(0).commit_message == "Calmer", timeout=10000)
    newest, previous = window.history_model.version_at(0), window.history_model.version_at(1)

    selection = window.history_view.selectionModel()
    window.history_view.selectRow(0)
    selection.select(window.history_model.index(1, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    assert window.compare_action.isEnabled()
    window.compare_action.trigger()
    dialog = window.findChild(CompareDialog)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.summary.text().startswith("1 field changed: System prompt")
    assert "Stay calm" in dialog.browser.toPlainText()
    screenshots.take(dialog, "compare-versions.png")
    dialog.close()

    window.history_view.selectRow(1)
    assert window.banner.isVisible() and window.editor.is_read_only()
    opened = run_async(window.history_flows.restore_version(previous, confirm=False))
    assert opened.prompt.version == newest.version + 1
    assert opened.prompt.commit_message == f"Restore from version {previous.version}"
    qtbot.waitUntil(lambda: window.history_model.version_at(0).version == newest.version + 1, timeout=10000)

    target = window.history_model.version_at(window.history_model.row_of_version(previous.version))
    run_async(window.history_flows.move_tag(target, "production"))
    assert "production" in run_async(colleague.get_prompt(HANDLE, tag="production")).tag_names
    assert run_async(colleague.get_prompt(HANDLE, tag="production")).version == previous.version


def test_restore_asks_before_it_writes(window, qtbot, run_async):
    _select(window, qtbot, HANDLE)
    window.history_view.selectRow(window.history_model.rowCount() - 1)
    count = window.history_model.rowCount()
    restoring = asyncio.ensure_future(window.history_flows.restore_version(window.history_model.version_at(count - 1)))
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=5000)
    QApplication.activeModalWidget().done(QMessageBox.StandardButton.Cancel)
    qtbot.waitUntil(restoring.done, timeout=5000)
    assert restoring.result() is None
    assert window.history_model.rowCount() == count


def test_a_new_prompt_is_a_draft_until_its_first_save_makes_it_version_1(window, qtbot, run_async, colleague):
    from prompt_studio.models.errors import NotFoundError

    draft = run_async(window.new_prompt("team/new-one"))
    assert draft.is_new and window.title_label.text() == "team/new-one"
    row = window.prompt_model.row_of("team/new-one")
    assert window.prompt_model.data(window.prompt_model.index(row, 1)) == "new"
    with pytest.raises(NotFoundError):
        run_async(colleague.get_prompt("team/new-one"))
    _type_at_end(window.editor.findChild(QPlainTextEdit, "systemPromptEdit"), qtbot, " Answer briefly.")

    outcome = run_async(window.save_with_message("The first real version"))

    assert outcome.action == "created"
    saved = run_async(colleague.get_prompt("team/new-one"))
    assert (saved.version, saved.commit_message) == (1, "The first real version")
    assert saved.prompt.endswith("Answer briefly.")
    qtbot.waitUntil(lambda: window.prompt_model.data(
        window.prompt_model.index(window.prompt_model.row_of("team/new-one"), 1)) == "v1", timeout=5000)


def test_a_new_prompt_never_saved_is_deleted_without_asking_the_server(window, qtbot, run_async):
    run_async(window.new_prompt("team/never-saved"))
    assert run_async(window.delete_prompt("team/never-saved", confirm=False))
    assert window.prompt_model.row_of("team/never-saved") is None
    assert "team/never-saved" not in window.drafts.handles()


def test_new_prompt_refuses_a_handle_already_in_the_list(window, qtbot):
    from prompt_studio.ui.dialogs import new_prompt_dialog

    dialog = new_prompt_dialog(window, window.prompt_model.handles())
    qtbot.keyClicks(dialog.name_edit, HANDLE)
    assert dialog.problem_label.text().startswith(f"There is already a prompt called {HANDLE}")
    dialog.close()


def test_filter_as_you_type(window, qtbot):
    total = window.prompt_model.total
    qtbot.keyClicks(window.prompt_filter, "triage")
    assert window.prompt_model.shown_handles() == [HANDLE]
    assert window.prompt_count.text() == f"1 of {total} prompts"
    window.prompt_filter.clear()
    assert len(window.prompt_model.shown_handles()) == total


def test_controls_have_stable_names_for_tests_and_assistive_tools(window):
    for name in ("promptList", "promptFilter", "versionHistory", "modelField", "temperatureField", "maxTokensField",
                 "systemPromptEdit", "messagesEditor", "inputsEditor", "outputsEditor"):
        widget = window.findChild(QDialog.__mro__[-2], name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    for name in ("saveAction", "compareVersionsAction", "restoreVersionAction"):
        assert window.findChild(type(window.save_action), name) is not None, name


def _screenshot(window, qtbot, screenshots, name: str) -> QColor:
    """The window at the size of the README's pictures, with the prompt open; returns its background colour."""
    window.resize(1440, 900)
    qtbot.waitUntil(lambda: window.size() == QSize(1440, 900), timeout=5000)
    assert window.title_label.text() == HANDLE
    assert window.prompt_model.row_of(HANDLE) is not None and window.history_model.rowCount() > 0
    assert window.editor.findChild(QPlainTextEdit, "systemPromptEdit").toPlainText().startswith(
        "You sort incoming support tickets")
    image = screenshots.take(window, name)
    return QColor(image.pixel(image.width() // 2, image.height() - 2))


def test_screenshot_main_window(window, qtbot, screenshots):
    _select(window, qtbot, HANDLE)
    window.history_view.clearSelection()
    _type_at_end(window.editor.findChild(QPlainTextEdit, "systemPromptEdit"), qtbot, " ")
    assert _screenshot(window, qtbot, screenshots, "main-window.png").lightness() > 128


def test_screenshot_main_window_dark(window, qtbot, dark_palette, screenshots):
    _select(window, qtbot, HANDLE)
    assert _screenshot(window, qtbot, screenshots, "main-window-dark.png").lightness() < 128


def test_a_custom_tag_is_created_checked_and_moved(window, qtbot, run_async, colleague):
    _select(window, qtbot, HANDLE)
    first = window.history_model.version_at(window.history_model.rowCount() - 1)
    window.history_view.selectRow(window.history_model.rowCount() - 1)
    window.tag_menu.aboutToShow.emit()
    names = [action.objectName() for action in window.tag_menu.actions()]
    assert {"tag-production", "tag-staging", "newTagAction"} <= set(names)

    creating = asyncio.ensure_future(window.history_flows.new_tag(first))
    qtbot.waitUntil(lambda: window.findChild(QDialog, "newTagDialog") is not None, timeout=5000)
    dialog = window.findChild(QDialog, "newTagDialog")
    qtbot.keyClicks(dialog.name_edit, "Canary")
    assert "lowercase" in dialog.problem_label.text()
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "production")
    assert "already a tag" in dialog.problem_label.text()
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "canary")
    dialog.accept()
    qtbot.waitUntil(creating.done, timeout=10000)
    assert creating.result() == "canary"
    assert run_async(colleague.get_prompt(f"{HANDLE}:canary")).version == first.version
    window.history_view.selectRow(0)
    window.tag_menu.aboutToShow.emit()
    assert "tag-canary" in [action.objectName() for action in window.tag_menu.actions()]


def test_every_kind_of_field_edited_in_the_window_reaches_the_server(window, qtbot, run_async):
    from PySide6.QtWidgets import QComboBox, QPushButton

    _select(window, qtbot, HANDLE)
    editor = window.editor
    model = editor.findChild(QComboBox, "modelField")
    model.setCurrentIndex(model.findText("anthropic/claude-sonnet-4-5"))
    for name, text in (("topPField", "0.8"), ("seedField", "11"), ("maxTokensField", "300")):
        _set_field(qtbot, editor.findChild(QLineEdit, name), text)
    effort = editor.findChild(QComboBox, "reasoningEffortField")
    effort.setCurrentIndex(effort.findText("low"))
    qtbot.mouseClick(editor.findChild(QPushButton, "addMessageButton"), Qt.MouseButton.LeftButton)
    new_message = editor.messages_editor.rows[-1]
    qtbot.keyClicks(new_message.content_edit, "Also mention {{ channel }}.")
    qtbot.waitUntil(lambda: editor.findChild(QPushButton, "addMissingInputsButton") is not None
                    and editor.findChild(QPushButton, "addMissingInputsButton").isVisible(), timeout=5000)
    qtbot.mouseClick(editor.findChild(QPushButton, "addMissingInputsButton"), Qt.MouseButton.LeftButton)
    technique = editor.findChild(QComboBox, "promptingTechniqueField")
    technique.setCurrentIndex(technique.findData("chain_of_thought"))
    assert editor.is_valid(), editor.validation_errors()
    role = new_message.role_field.currentData()

    outcome = run_async(window.save_with_message("Every kind of field"))

    assert outcome.action == "updated"
    saved = run_async(window.service.open_prompt(HANDLE)).config
    assert saved["model"] == "anthropic/claude-sonnet-4-5"
    assert (saved["top_p"], saved["seed"], saved["max_tokens"], saved["reasoning_effort"]) == (0.8, 11, 300, "low")
    assert saved["messages"][-1] == {"role": role, "content": "Also mention {{ channel }}."}
    assert {"identifier": "channel", "type": "str"} in saved["inputs"]
    assert saved["prompting_technique"] == {"type": "chain_of_thought"}
