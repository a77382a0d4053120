"""The Orkes template editor: what it shows of a template (one without a model too), edits, undo, read-only, the
factory that picks it by the back end's capabilities, and a screenshot."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QListView, QPlainTextEdit, QWidget

from prompt_studio.models import ConfigData
from prompt_studio.models.orkes import NO_MODEL, OrkesPromptTemplate, config_of_template
from prompt_studio.services.backends import Capabilities
from prompt_studio.services.orkes_backend import ORKES_CAPABILITIES
from prompt_studio.ui.editor import OrkesTemplateEditor, PromptEditor, editor_for

MODELS = ["openai:gpt-4o", "anthropic:claude-sonnet-4"]
TEMPLATE = ("You answer customers of ${company}.\n"
            "The customer wrote: ${message}\n"
            "Reply politely in ${language}, in at most three sentences. Mention ${company} once.")


def orkes_config(**fields: Any) -> dict[str, Any]:
    """A template's `configData` as the back end shows it (through the same conversion)."""
    wire = {"name": "support_reply", "template": TEMPLATE, "description": "Replies to support tickets",
            "integrations": MODELS, **fields}
    return config_of_template(OrkesPromptTemplate.model_validate(wire)).to_wire()


CONFIG = orkes_config(temperature=0.3, topP=0.9, responseFormat="json", stopWords=["END", "\n\n"])


@pytest.fixture
def editor(qtbot) -> OrkesTemplateEditor:
    """A shown Orkes editor holding a template with every field Orkes keeps."""
    widget = editor_for(ORKES_CAPABILITIES)
    qtbot.addWidget(widget)
    widget.set_content(copy.deepcopy(CONFIG), {})
    widget.resize(900, 760)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def template_edit(editor: QWidget) -> QPlainTextEdit:
    return editor.findChild(QPlainTextEdit, "systemPromptEdit")


def type_at_end(qtbot, edit: QPlainTextEdit | QLineEdit, text: str) -> None:
    if isinstance(edit, QPlainTextEdit):
        edit.moveCursor(QTextCursor.MoveOperation.End)
    else:
        edit.end(False)
    qtbot.keyClicks(edit, text)


def coloured_pieces(edit: QPlainTextEdit) -> list[str]:
    block = edit.document().firstBlock()
    return [block.text()[piece.start:piece.start + piece.length] for piece in block.layout().formats()]


def kept_setting(editor: QWidget, name: str) -> QLabel:
    return editor.findChild(QLabel, name)


# -- which editor ------------------------------------------------------------------------------------------------


def test_the_back_ends_capabilities_choose_the_editor(qtbot):
    orkes, langwatch = editor_for(ORKES_CAPABILITIES), editor_for(Capabilities())
    qtbot.addWidget(orkes)
    qtbot.addWidget(langwatch)

    assert isinstance(orkes, OrkesTemplateEditor) and isinstance(langwatch, PromptEditor)
    assert (orkes.template_syntax, langwatch.template_syntax) == ("orkes", "liquid")
    assert orkes.content_note.text() == ORKES_CAPABILITIES.content_note
    for editor in (orkes, langwatch):
        assert editor.undo_action.objectName() == "undoAction" and editor.redo_action.objectName() == "redoAction"
        assert editor.is_valid()


# -- what it shows -----------------------------------------------------------------------------------------------


def test_a_template_round_trips_without_loss(editor):
    assert editor.content() == (CONFIG, {})
    assert editor.is_valid() and editor.validation_errors() == []
    assert ConfigData.model_validate(editor.content()[0]).to_wire() == CONFIG


def test_it_shows_the_template_highlighted_its_variables_description_and_models(editor, qtbot):
    edit = template_edit(editor)
    qtbot.waitUntil(edit.highlighter.is_highlighting_complete)

    assert edit.toPlainText() == TEMPLATE
    assert edit.highlighter.syntax == "orkes"
    assert {"${", "company", "}"} <= set(coloured_pieces(edit))
    assert editor.findChild(QLabel, "detectedVariablesLabel").text() == "Variables: company, message, language"
    assert editor.findChild(QLineEdit, "descriptionField").text() == "Replies to support tickets"
    assert editor.findChild(QListView, "modelsList").model().stringList() == MODELS
    assert editor.findChild(QLabel, "modelNote").text() == "Test prompt runs on the first: openai:gpt-4o"
    assert editor.content_note.isVisible() and "Orkes does not keep" in editor.content_note.text()
    assert editor.findChild(QWidget, "messagesEditor") is None, "nothing of LangWatch's shape"


def test_the_settings_orkes_keeps_are_shown_but_not_editable(editor, qtbot):
    shown = {name: kept_setting(editor, name) for name in
             ("temperatureValue", "topPValue", "responseFormatValue", "stopWordsValue")}

    assert {name: label.text() for name, label in shown.items()} == {
        "temperatureValue": "0.3", "topPValue": "0.9", "responseFormatValue": "json",
        "stopWordsValue": '"END", "\\n\\n"',
    }
    assert all(label.isVisible() for label in shown.values())
    assert "cannot change them" in editor.orkes_fields.settings_note.text()
    assert not editor.findChildren(QLineEdit, "temperatureField"), "shown as text, not as a field to edit"

    editor.set_content(orkes_config(temperature=1.0), {})
    assert [name for name, label in shown.items() if label.isVisible()] == ["temperatureValue"]
    editor.set_content(orkes_config(), {})
    assert not editor.orkes_fields.settings_note.isVisible(), "a template without them shows none"


def test_keys_it_does_not_edit_are_kept_as_they_came(editor, qtbot):
    config = {**CONFIG, "a_future_field": {"kept": [1, 2]}}
    editor.set_content(config, {"unused": 1})
    type_at_end(qtbot, template_edit(editor), "!")

    content, parameters = editor.content()
    assert content == {**config, "prompt": TEMPLATE + "!"}
    assert parameters == {"unused": 1}


# -- a template without a model ----------------------------------------------------------------------------------


def test_a_template_without_a_model_says_so_plainly_and_stays_without_one(editor, qtbot):
    bare = orkes_config(integrations=[])
    editor.set_content(bare, {})

    assert editor.findChild(QListView, "modelsList").model().stringList() == []
    assert editor.findChild(QLabel, "modelNote").text().startswith("No model:")
    assert editor.is_valid()
    type_at_end(qtbot, template_edit(editor), " Thanks.")
    assert editor.content()[0] == {**bare, "prompt": TEMPLATE + " Thanks."}
    assert (editor.content()[0]["model"], editor.content()[0]["integrations"]) == (NO_MODEL, [])


def test_adding_a_model_to_a_template_without_one_and_removing_it_again(editor, qtbot):
    editor.set_content(orkes_config(integrations=[]), {})
    editor.activateWindow()
    qtbot.waitActive(editor)
    fields = editor.orkes_fields

    fields.add_model_button.click()
    typing = QApplication.focusWidget()
    assert typing.parent().parent() is fields.models_list, "the new row is being edited"
    qtbot.keyClicks(typing, "openai:gpt-4o-mini")
    qtbot.keyClick(typing, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: fields.models() == ["openai:gpt-4o-mini"])  # the view commits after the key
    assert editor.findChild(QLabel, "modelNote").text() == "Test prompt runs on the first: openai:gpt-4o-mini"
    config = editor.content()[0]
    assert (config["model"], config["integrations"]) == ("openai:gpt-4o-mini", ["openai:gpt-4o-mini"])

    fields.models_list.setCurrentIndex(fields.models_model.index(0))
    fields.remove_model_button.click()
    config = editor.content()[0]
    assert (config["model"], config["integrations"]) == (NO_MODEL, [])
    assert editor.findChild(QLabel, "modelNote").text().startswith("No model:")


# -- edits -------------------------------------------------------------------------------------------------------


def test_edits_of_the_template_description_and_models_reach_the_content(editor, qtbot):
    edits = []
    editor.sig_edited.connect(lambda: edits.append(1))
    type_at_end(qtbot, template_edit(editor), " Sign as ${agent}.")
    type_at_end(qtbot, editor.findChild(QLineEdit, "descriptionField"), " (v2)")
    fields = editor.orkes_fields
    fields.models_list.setCurrentIndex(fields.models_model.index(1))
    fields.first_model_button.click()

    config = editor.content()[0]
    assert config["prompt"] == TEMPLATE + " Sign as ${agent}."
    assert config["description"] == "Replies to support tickets (v2)"
    assert (config["model"], config["integrations"]) == ("anthropic:claude-sonnet-4", MODELS[::-1])
    assert editor.findChild(QLabel, "detectedVariablesLabel").text() == \
        "Variables: company, message, language, agent"
    assert editor.findChild(QLabel, "modelNote").text() == "Test prompt runs on the first: anthropic:claude-sonnet-4"
    assert edits and editor.is_valid()


def test_a_quoted_template_shows_the_quote_stripping_warning(editor, qtbot):
    warning = editor.quote_warning
    assert not warning.isVisible()
    edit = template_edit(editor)
    edit.selectAll()
    qtbot.keyClicks(edit, '"Quoted ${x}"')

    assert warning.isVisible()
    assert "removes one pair of enclosing quotes" in warning.text()


def test_undo_restores_the_whole_form_step_by_step(editor, qtbot):
    type_at_end(qtbot, template_edit(editor), "!")
    description = editor.findChild(QLineEdit, "descriptionField")
    type_at_end(qtbot, description, " (v2)")
    fields = editor.orkes_fields
    fields.models_list.setCurrentIndex(fields.models_model.index(1))
    fields.remove_model_button.click()
    edited = editor.content()

    editor.undo_action.trigger()
    assert editor.orkes_fields.models() == MODELS
    editor.undo_action.trigger()
    assert description.text() == "Replies to support tickets"
    editor.undo_action.trigger()
    assert editor.content() == (CONFIG, {})
    assert not editor.undo_action.isEnabled()

    for _ in range(3):
        editor.redo_action.trigger()
    assert editor.content() == edited


def test_ctrl_z_in_the_description_undoes_the_form(editor, qtbot):
    editor.activateWindow()
    qtbot.waitActive(editor)
    type_at_end(qtbot, template_edit(editor), "!")
    description = editor.findChild(QLineEdit, "descriptionField")
    description.setFocus()

    qtbot.keyClick(description, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    assert editor.content() == (CONFIG, {}), "the template's edit is undone, from the description's field"


def test_loading_starts_a_new_history_and_is_no_edit(editor, qtbot):
    type_at_end(qtbot, template_edit(editor), "x")
    edits = []
    editor.sig_edited.connect(lambda: edits.append(1))
    editor.set_content(CONFIG, {})

    assert not editor.undo_action.isEnabled()
    assert edits == []


def test_read_only_shows_a_version_without_letting_it_change(editor, qtbot):
    editor.set_content(CONFIG, {}, read_only=True)
    edit, description = template_edit(editor), editor.findChild(QLineEdit, "descriptionField")
    qtbot.keyClicks(edit, "typed")
    qtbot.keyClicks(description, "typed")

    assert editor.content() == (CONFIG, {})
    assert editor.is_read_only() and edit.isReadOnly() and description.isReadOnly()
    assert edit.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    fields = editor.orkes_fields
    assert fields.models_list.editTriggers() == QListView.EditTrigger.NoEditTriggers
    for button in (fields.add_model_button, fields.remove_model_button, fields.first_model_button):
        assert not button.isVisible()

    editor.set_read_only(False)
    type_at_end(qtbot, edit, "!")
    assert editor.content()[0]["prompt"] == TEMPLATE + "!"


def test_every_control_has_an_object_name_and_an_accessible_name(editor):
    controls = [widget for widget in editor.findChildren(QWidget)
                if isinstance(widget, QAbstractButton | QLineEdit | QPlainTextEdit | QListView)
                and not isinstance(widget.parent(), QListView | QLineEdit)]
    assert len(controls) == 6
    unnamed = [f"{type(widget).__name__} {widget.objectName()!r}" for widget in controls
               if not widget.objectName() or not widget.accessibleName()]
    assert unnamed == []


# -- screenshot --------------------------------------------------------------------------------------------------


def test_screenshot_orkes_template_editor(editor, qtbot, screenshots):
    edit = template_edit(editor)
    qtbot.waitUntil(edit.highlighter.is_highlighting_complete)

    assert edit.toPlainText() == TEMPLATE
    assert editor.findChild(QLabel, "detectedVariablesLabel").isVisible()
    assert editor.findChild(QLabel, "detectedVariablesLabel").text() == "Variables: company, message, language"
    assert kept_setting(editor, "temperatureValue").text() == "0.3"
    screenshots.take(editor, "orkes-template-editor.png")
