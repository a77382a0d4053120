"""Inputs, outputs, the JSON schema dialog, demonstrations and runtime parameters, edited through their widgets."""

from __future__ import annotations

import copy

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit, QPushButton, QTableView, QWidget

from prompt_studio.ui.editor import PromptEditor
from prompt_studio.ui.editor.demonstrations import DemonstrationsModel
from prompt_studio.ui.editor.fields_table import FieldListModel
from prompt_studio.ui.editor.json_schema_editor import JsonSchemaEditor
from prompt_studio.ui.editor.runtime_parameters import RuntimeParametersModel, read_value, value_text
from prompt_studio.ui.editor.widgets import FieldMessage
from tests.ui.editor.conftest import RICH_CONFIG, RICH_PARAMETERS


def type_into_cell(qtbot, view: QTableView, row: int, column: int, text: str) -> None:
    """Open the cell's editor the way a double-click does, replace its text and press Enter."""
    index = view.model().index(row, column)
    view.setCurrentIndex(index)
    if view.indexWidget(index) is None:
        view.edit(index)
    cell_editor = view.indexWidget(index)
    assert isinstance(cell_editor, QLineEdit)
    cell_editor.selectAll()
    qtbot.keyClicks(cell_editor, text)
    qtbot.keyClick(cell_editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.indexWidget(index) is None)  # the delegate commits on the next loop turn


def type_combo(view: QTableView, row: int) -> QComboBox:
    widget = view.indexWidget(view.model().index(row, 1))
    assert isinstance(widget, QComboBox)
    return widget


def shown_message(editor: QWidget, name: str) -> str:
    label = editor.findChild(FieldMessage, name)
    return label.text() if label.isVisibleTo(editor) else ""


# -- inputs and outputs -----------------------------------------------------------------------------------------


def test_adding_naming_typing_and_removing_inputs(editor, qtbot):
    view = editor.findChild(QTableView, "inputsEditor")
    qtbot.mouseClick(editor.findChild(QPushButton, "addInputButton"), Qt.MouseButton.LeftButton)
    type_into_cell(qtbot, view, 3, 0, "order_id")
    type_combo(view, 3).setCurrentIndex(type_combo(view, 3).findData("float"))

    assert editor.content()[0]["inputs"][3] == {"identifier": "order_id", "type": "float"}

    view.selectRow(0)
    qtbot.mouseClick(editor.findChild(QPushButton, "removeInputButton"), Qt.MouseButton.LeftButton)
    assert [item["identifier"] for item in editor.content()[0]["inputs"]] == ["vip", "question", "order_id"]


def test_changing_an_output_to_json_schema_starts_a_schema_and_back_drops_it(editor):
    view = editor.findChild(QTableView, "outputsEditor")
    type_combo(view, 1).setCurrentIndex(type_combo(view, 1).findData("json_schema"))
    assert editor.content()[0]["outputs"][1] == {
        "identifier": "summary", "type": "json_schema", "json_schema": {"type": "object", "properties": {}},
    }

    type_combo(view, 1).setCurrentIndex(type_combo(view, 1).findData("str"))
    assert editor.content()[0]["outputs"][1] == {"identifier": "summary", "type": "str"}


def test_editing_a_schema_in_the_dialog(editor, qtbot):
    qtbot.mouseClick(editor.findChild(QPushButton, "editSchemaButton"), Qt.MouseButton.LeftButton)
    dialog = editor.findChild(JsonSchemaEditor, "jsonSchemaEditor")
    assert dialog is not None and dialog.isVisible()
    ok_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)

    dialog.text_edit.selectAll()
    qtbot.keyClicks(dialog.text_edit, '{"type": "object",')
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.text_edit, ' "properties": {"reply": {"type": "string"}')
    assert not ok_button.isEnabled()
    assert dialog.status.text().startswith("Not valid JSON at line 2, column")

    dialog.text_edit.selectAll()
    qtbot.keyClicks(dialog.text_edit, '{"type": "object", "properties": {"reply": {"type": 5}}}')
    assert not ok_button.isEnabled()
    assert dialog.status.text() == (
        "Not a valid JSON schema: “type” of property “reply” must be one of string, number, integer, boolean, "
        "object, array or null (or a list of them), not 5."
    )

    dialog.text_edit.selectAll()
    qtbot.keyClicks(dialog.text_edit, '{"type": "object", "properties": {"reply": {"type": "string"}}}')
    assert ok_button.isEnabled()
    qtbot.mouseClick(ok_button, Qt.MouseButton.LeftButton)

    expected = {"type": "object", "properties": {"reply": {"type": "string"}}}
    assert editor.content()[0]["outputs"][0]["json_schema"] == expected
    assert editor.content()[0]["response_format"]["json_schema"]["schema"] == expected
    assert not dialog.isVisible()


def test_cancelling_the_schema_dialog_changes_nothing(editor, qtbot):
    editor.findChild(QPushButton, "editSchemaButton").click()
    dialog = editor.findChild(JsonSchemaEditor, "jsonSchemaEditor")
    dialog.text_edit.selectAll()
    qtbot.keyClicks(dialog.text_edit, '{"type": "string"}')
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: dialog.discard_question is not None and dialog.discard_question.isVisible())
    dialog.discard_question.findChild(QPushButton, "discardSchemaButton").click()

    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert editor.content() == (RICH_CONFIG, RICH_PARAMETERS)


def test_a_schema_the_model_rejects_on_load_is_reported_under_the_outputs(qtbot):
    editor = PromptEditor()
    qtbot.addWidget(editor)
    config = copy.deepcopy(RICH_CONFIG)
    config["outputs"][0]["json_schema"] = {"properties": {}}
    editor.set_content(config, None)

    assert not editor.is_valid()
    assert editor.outputs_editor.message.text() == (
        "Output 1 — Schema: A JSON schema needs a 'type', such as \"object\""
    )


# -- demonstrations ---------------------------------------------------------------------------------------------


def test_editing_demonstration_cells_columns_and_rows(editor, qtbot):
    editor.demonstrations_section.set_open(True)
    view = editor.findChild(QTableView, "demonstrationsEditor")

    type_into_cell(qtbot, view, 0, 0, "Where is my parcel?")
    type_into_cell(qtbot, view, 1, 1, "true")
    qtbot.mouseClick(editor.findChild(QPushButton, "addDemonstrationColumnButton"), Qt.MouseButton.LeftButton)
    name_field = editor.findChild(QLineEdit, "demonstrationColumnNameField")
    name_field.selectAll()
    qtbot.keyClicks(name_field, "score")
    qtbot.keyClick(name_field, Qt.Key.Key_Return)
    type_field = editor.findChild(QComboBox, "demonstrationColumnTypeField")
    type_field.setCurrentIndex(type_field.findData("number"))
    type_into_cell(qtbot, view, 0, 3, "4.5")
    qtbot.mouseClick(editor.findChild(QPushButton, "addDemonstrationRowButton"), Qt.MouseButton.LeftButton)

    inline = editor.content()[0]["demonstrations"]["inline"]
    assert inline["records"] == {
        "question": ["Where is my parcel?", "Can I get a refund?", ""],
        "resolved": [True, True, None],
        "tags": [["shipping"], ["billing", "refund"], None],
        "score": [4.5, "", None],
    }
    assert inline["columnTypes"][-1] == {"name": "score", "type": "number"}
    assert inline["columnTypes"][0] == {"id": "col_q", "name": "question", "type": "string"}
    assert editor.content()[0]["demonstrations"]["name"] == "Support examples"
    assert editor.demonstrations_section.toggle.text() == "Demonstrations  ·  3 examples, 4 columns"


def test_a_column_name_already_taken_is_refused(editor, qtbot):
    editor.demonstrations_section.set_open(True)
    view = editor.findChild(QTableView, "demonstrationsEditor")
    view.setCurrentIndex(view.model().index(0, 1))
    name_field = editor.findChild(QLineEdit, "demonstrationColumnNameField")
    name_field.selectAll()
    qtbot.keyClicks(name_field, "question")
    qtbot.keyClick(name_field, Qt.Key.Key_Return)

    assert name_field.text() == "resolved"
    assert shown_message(editor, "demonstrationsEditorMessage") == (
        "Another column is already named “question”; pick a different name."
    )
    assert editor.content()[0]["demonstrations"] == RICH_CONFIG["demonstrations"]


def test_removing_demonstration_rows_and_columns(editor, qtbot):
    editor.demonstrations_section.set_open(True)
    view = editor.findChild(QTableView, "demonstrationsEditor")
    view.setCurrentIndex(view.model().index(0, 2))
    qtbot.mouseClick(editor.findChild(QPushButton, "removeDemonstrationColumnButton"), Qt.MouseButton.LeftButton)
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.mouseClick(editor.findChild(QPushButton, "removeDemonstrationRowButton"), Qt.MouseButton.LeftButton)

    inline = editor.content()[0]["demonstrations"]["inline"]
    assert inline["records"] == {"question": ["Can I get a refund?"], "resolved": [False]}
    assert [column["name"] for column in inline["columnTypes"]] == ["question", "resolved"]


def test_demonstrations_added_to_a_prompt_without_any(qtbot):
    editor = PromptEditor()
    qtbot.addWidget(editor)
    editor.set_content({"prompt": "p", "model": "m", "outputs": [{"identifier": "o", "type": "str"}]}, None)
    assert "demonstrations" not in editor.content()[0]

    editor.demonstrations_editor.add_column_button.click()

    assert editor.content()[0]["demonstrations"] == {
        "inline": {"records": {"column_1": [""]}, "columnTypes": [{"name": "column_1", "type": "string"}]},
    }


# -- runtime parameters -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3), ("2.5", 2.5), ("true", True), ("null", None), ('"x"', "x"), ("x", "x"), ('"3"', "3"),
     ("[1, 2]", [1, 2]), ('{"a": 1}', {"a": 1}), ("hello world", "hello world"), ("", "")],
)
def test_parameter_values_read_as_json_or_plain_text(text, value):
    assert read_value(text) == (value, "")


@pytest.mark.parametrize("value", ["plain", "3", "true", '{"a"', " padded ", 3, 2.5, True, None, [1], {"a": [1]}])
def test_parameter_values_show_as_text_that_reads_back_the_same(value):
    parsed, problem = read_value(value_text(value))
    assert problem == ""
    assert parsed == value and type(parsed) is type(value)


def test_editing_runtime_parameters(editor, qtbot):
    editor.parameters_section.set_open(True)
    view = editor.findChild(QTableView, "parametersEditor")
    qtbot.mouseClick(editor.findChild(QPushButton, "addParameterButton"), Qt.MouseButton.LeftButton)
    type_into_cell(qtbot, view, 6, 0, "max_turns")
    type_into_cell(qtbot, view, 6, 1, "5")
    type_into_cell(qtbot, view, 0, 1, "four")

    parameters = editor.content()[1]
    assert parameters["max_turns"] == 5
    assert parameters["retries"] == "four"
    assert editor.is_valid()

    view.setCurrentIndex(view.model().index(1, 0))
    qtbot.mouseClick(editor.findChild(QPushButton, "removeParameterButton"), Qt.MouseButton.LeftButton)
    assert "escalate" not in editor.content()[1]


def test_broken_json_in_a_parameter_is_shown_and_makes_the_form_invalid(editor, qtbot):
    editor.parameters_section.set_open(True)
    view = editor.findChild(QTableView, "parametersEditor")
    type_into_cell(qtbot, view, 4, 1, '{"daily": 100')

    assert not editor.is_valid()
    assert editor.validation_errors() == [], "the config itself is still valid"
    assert shown_message(editor, "parametersEditorMessage").startswith("Parameter 5: Not valid JSON at column")
    assert view.model().index(4, 1).data(Qt.ItemDataRole.DecorationRole) is not None

    type_into_cell(qtbot, view, 4, 1, '{"daily": 100}')
    assert editor.is_valid()
    assert shown_message(editor, "parametersEditorMessage") == ""


def test_duplicate_parameter_names_are_reported(editor, qtbot):
    editor.parameters_section.set_open(True)
    view = editor.findChild(QTableView, "parametersEditor")
    type_into_cell(qtbot, view, 1, 0, "retries")

    assert not editor.is_valid()
    assert shown_message(editor, "parametersEditorMessage") == (
        "Parameter 2: Parameters 1 and 2 are both named “retries”."
    )


# -- the item models pass Qt's model checks ---------------------------------------------------------------------


def test_field_list_model_passes_the_model_tester(qtmodeltester):
    model = FieldListModel("output", ("str", "json_schema"))
    model.set_rows(copy.deepcopy(RICH_CONFIG["outputs"]))
    model.set_problems({1: "Name: something is wrong"})
    qtmodeltester.check(model)
    model.add_row("another")
    model.remove_row(0)
    qtmodeltester.check(model)


def test_demonstrations_model_passes_the_model_tester(qtmodeltester):
    model = DemonstrationsModel()
    model.set_demonstrations(copy.deepcopy(RICH_CONFIG["demonstrations"]))
    qtmodeltester.check(model)
    model.add_column("extra", "json")
    model.add_row()
    model.remove_column(0)
    qtmodeltester.check(model)


def test_runtime_parameters_model_passes_the_model_tester(qtmodeltester):
    model = RuntimeParametersModel()
    model.set_parameters(copy.deepcopy(RICH_PARAMETERS))
    model.setData(model.index(0, 1), "[1,")
    qtmodeltester.check(model)
    model.add_row()
    model.remove_row(0)
    qtmodeltester.check(model)
