"""Leaving the JSON schema dialog: Esc, Cancel or closing it never throws away what was typed without asking."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QPushButton

from prompt_studio.ui.editor.json_schema_editor import JsonSchemaEditor

SCHEMA = {"type": "object", "properties": {"reply": {"type": "string"}}}


@pytest.fixture
def dialog(qtbot) -> Iterator[JsonSchemaEditor]:
    shown = JsonSchemaEditor("answer", dict(SCHEMA))
    qtbot.addWidget(shown, before_close_func=leave)
    shown.open()
    qtbot.waitExposed(shown)
    yield shown
    leave(shown)


def leave(dialog: JsonSchemaEditor) -> None:
    """Close a dialog a test leaves with changes: close() would ask (and wait) instead of closing."""
    if dialog.discard_question is not None:
        dialog.discard_question.done(0)
    dialog.done(JsonSchemaEditor.DialogCode.Rejected)


def type_over(qtbot, dialog: JsonSchemaEditor, text: str) -> None:
    dialog.text_edit.setFocus()
    dialog.text_edit.selectAll()
    qtbot.keyClicks(dialog.text_edit, text)


def question(qtbot, dialog: JsonSchemaEditor) -> QMessageBox:
    qtbot.waitUntil(lambda: dialog.discard_question is not None and dialog.discard_question.isVisible())
    box = dialog.discard_question
    assert box is not None
    return box


def test_esc_with_changes_asks_and_keep_editing_is_the_default(dialog, qtbot):
    accepted = []
    dialog.sig_schema_accepted.connect(accepted.append)
    type_over(qtbot, dialog, '{"type": "string"}')

    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Escape)

    box = question(qtbot, dialog)
    assert box.text() == "Discard your changes to the schema?"
    assert box.defaultButton().objectName() == "keepEditingButton"
    assert box.defaultButton().text() == "Keep editing"
    assert box.findChild(QPushButton, "discardSchemaButton").text() == "Discard"
    assert box.windowModality() == Qt.WindowModality.WindowModal, "opened, not exec()ed"
    assert dialog.isVisible(), "the dialog waits for the answer"

    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter presses the default: Keep editing

    qtbot.waitUntil(lambda: dialog.discard_question is None)
    assert dialog.isVisible()
    assert dialog.text_edit.text() == '{"type": "string"}', "what was typed is still there"
    assert accepted == []


def test_esc_on_the_question_keeps_editing_too(dialog, qtbot):
    type_over(qtbot, dialog, "{}")
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Escape)
    box = question(qtbot, dialog)

    qtbot.keyClick(box, Qt.Key.Key_Escape)

    qtbot.waitUntil(lambda: dialog.discard_question is None)
    assert dialog.isVisible() and dialog.text_edit.text() == "{}"


def test_discard_closes_without_changing_the_schema(dialog, qtbot):
    accepted = []
    dialog.sig_schema_accepted.connect(accepted.append)
    type_over(qtbot, dialog, '{"type": "string"}')
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()

    question(qtbot, dialog).findChild(QPushButton, "discardSchemaButton").click()

    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == JsonSchemaEditor.DialogCode.Rejected
    assert accepted == []


def test_closing_the_window_with_changes_asks(dialog, qtbot):
    type_over(qtbot, dialog, '{"type": "number"}')

    dialog.close()

    box = question(qtbot, dialog)
    assert dialog.isVisible(), "the close waits for the answer"
    box.findChild(QPushButton, "discardSchemaButton").click()
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_esc_without_changes_closes_at_once(dialog, qtbot):
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Escape)

    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.discard_question is None


def test_typing_back_what_was_there_is_no_change(dialog, qtbot):
    original = dialog.text_edit.text()
    type_over(qtbot, dialog, "{}")
    dialog.text_edit.set_text(original)

    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()

    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.discard_question is None


def test_a_schema_only_viewed_closes_without_a_question(qtbot):
    dialog = JsonSchemaEditor("answer", dict(SCHEMA), read_only=True)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)

    dialog.buttons.button(QDialogButtonBox.StandardButton.Close).click()

    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.discard_question is None


def test_ok_keeps_the_new_schema_without_a_question(dialog, qtbot):
    accepted = []
    dialog.sig_schema_accepted.connect(accepted.append)
    type_over(qtbot, dialog, '{"type": "string"}')

    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert accepted == [{"type": "string"}]
    assert dialog.discard_question is None
