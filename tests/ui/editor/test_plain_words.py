"""What the form says reads as plain words: no pydantic, json or jsonschema sentence reaches it; types read as Text,
Number, Yes/No...; an emptied parameter says what LangWatch will do; long messages wrap instead of being cut off."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QTableView, QWidget

from prompt_studio.models import COLUMN_TYPES, INPUT_TYPES, OUTPUT_TYPES, PROMPTING_TECHNIQUES, ROLES
from prompt_studio.models.labels import (
    COLUMN_TYPE_LABELS,
    INPUT_TYPE_LABELS,
    OUTPUT_TYPE_LABELS,
    ROLE_LABELS,
    TECHNIQUE_LABELS,
)
from prompt_studio.ui.editor import PromptEditor
from prompt_studio.ui.editor.json_schema_editor import JsonSchemaEditor
from prompt_studio.ui.editor.widgets import FieldMessage
from tests.ui.editor.conftest import RICH_CONFIG

RAW_PHRASES = (
    # pydantic
    "input should be", "string should have", "field required", "unable to parse", "value error",
    "list should have", "should be a valid", "dictionary or instance", "exceeded maximum size",
    # json
    "expecting", "unterminated string", "extra data", "invalid control character", "invalid \\escape",
    "invalid \\uxxxx", "delimiter",
    # jsonschema
    "is not valid under any of the given schemas", "is not of type", "is less than the minimum",
    "has non-unique elements", "is not a 'regex'",
)
"""The sentences of the libraries, as the walkthrough saw them in the form (compared ignoring case)."""

VALID: dict[str, Any] = {"prompt": "Hi {{ name }}", "model": "openai/gpt-5",
                         "inputs": [{"identifier": "name", "type": "str"}],
                         "outputs": [{"identifier": "answer", "type": "str"}]}


def output_schema(schema: Any) -> dict[str, Any]:
    return {"outputs": [{"identifier": "answer", "type": "json_schema", "json_schema": schema}]}


def demonstrations(records: Any, column_types: Any) -> dict[str, Any]:
    return {"demonstrations": {"inline": {"records": records, "columnTypes": column_types}}}


BAD_CONFIGS: list[dict[str, Any]] = [
    # the model and every sampling parameter, as numbers, text and the wrong kind
    {"model": ""}, {"model": "   "}, {"model": 5},
    {"temperature": "hot"}, {"temperature": 3}, {"temperature": -1}, {"temperature": float("nan")},
    {"max_tokens": 1.5}, {"max_tokens": "x"}, {"max_tokens": 0}, {"max_tokens": 10**30},
    {"top_p": 2}, {"top_p": "most"}, {"frequency_penalty": "a"}, {"frequency_penalty": 9},
    {"presence_penalty": -9}, {"seed": "1e3"}, {"seed": 1.5}, {"seed": 10**40}, {"top_k": -1}, {"top_k": "k"},
    {"min_p": "x"}, {"min_p": 3}, {"repetition_penalty": 0}, {"repetition_penalty": "r"},
    {"reasoning": 5}, {"reasoning_effort": []}, {"thinkingLevel": {}}, {"effort": 3}, {"verbosity": [1]},
    # the messages (the texts themselves are text whatever they hold)
    {"messages": [{"role": "robot", "content": "x"}]}, {"messages": [{"content": "x"}]},
    # inputs and outputs
    {"inputs": [{"identifier": "", "type": "str"}]}, {"inputs": [{"identifier": " ", "type": "str"}]},
    {"inputs": [{"identifier": "a", "type": "audio"}]}, {"inputs": [{"type": "str"}]},
    {"inputs": [{"identifier": "a"}]}, {"inputs": [{"identifier": 5, "type": "str"}]},
    {"inputs": [{"identifier": "a", "type": "str"}, {"identifier": "a", "type": "bool"}]},
    {"outputs": []}, {"outputs": [{"identifier": "answer", "type": "xml"}]}, {"outputs": [{"type": "str"}]},
    output_schema({"type": "objekt"}), output_schema({"properties": {}}), output_schema("object"),
    output_schema({"type": "object", "properties": {"reply": {"type": 5}}}),
    output_schema({"type": "object", "required": "reply"}), output_schema({"type": "object", "properties": []}),
    output_schema({"type": "string", "minLength": -1}), output_schema({"type": "object", "required": ["a", "a"]}),
    output_schema({"type": "string", "pattern": "("}), output_schema({"type": ["string", "objekt"]}),
    output_schema({"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "strin"}}}}),
    # demonstrations, the technique and the response format
    {"demonstrations": 5}, {"demonstrations": {"inline": 5}}, demonstrations({"q": "x"}, []),
    demonstrations([], {}), demonstrations({"q": ["x"]}, [{"name": "q", "type": "strin"}]),
    demonstrations({"q": ["x"]}, [{"type": "string"}]), {"demonstrations": {"inline": {"records": {}}}},
    {"demonstrations": {"name": 5}},
    {"prompting_technique": {"type": "magic"}}, {"prompting_technique": {"type": 5}},
    {"prompting_technique": {"type": "few_shot", "demonstrations": 5}},
    {"response_format": {"type": "text", "json_schema": None}}, {"response_format": 5},
    {"response_format": {"type": "json_schema", "json_schema": {"schema": {}}}},
    {"response_format": {"type": "json_schema", "json_schema": {"name": "a", "schema": 5}}},
]

BAD_JSON = ['{"a": 1,}', "{'a': 1}", '{"a" 1}', '{"a": 1 "b": 2}', "[1, 2,]", '{"daily": 100', '"abc',
            '{"a": "x\ny"}', '"\\q"', "{} x", "", "[1, 2", "tru", '"\\u12"', "{", "[", '{"a": }']


def shown_texts(root: QWidget) -> list[str]:
    """Everything the form says: visible labels and messages, tooltips, and the text and tooltips of table cells."""
    texts = [label.text() for label in root.findChildren(QLabel) if label.isVisibleTo(root)]
    texts += [widget.toolTip() for widget in root.findChildren(QWidget)]
    texts += [field.placeholderText() for field in root.findChildren(QLineEdit)]
    for view in root.findChildren(QTableView):
        model = view.model()
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    texts.append(str(model.index(row, column).data(role) or ""))
        for column in range(model.columnCount()):
            texts.append(str(model.headerData(column, Qt.Orientation.Horizontal)))
    for combo in root.findChildren(QComboBox):
        texts += [combo.itemText(item) for item in range(combo.count())]
        texts += [str(combo.itemData(item, Qt.ItemDataRole.ToolTipRole) or "") for item in range(combo.count())]
    return [text for text in texts if text]


def messages_shown(root: QWidget) -> list[str]:
    return [message.text() for message in root.findChildren(FieldMessage) if message.isVisibleTo(root)]


def raw_phrases_in(texts: list[str]) -> list[tuple[str, str]]:
    return [(phrase, text) for text in texts for phrase in RAW_PHRASES if phrase in text.lower()]


@pytest.fixture
def plain_editor(qtbot) -> PromptEditor:
    editor = PromptEditor()
    qtbot.addWidget(editor)
    editor.resize(1100, 1400)
    editor.show()
    qtbot.waitExposed(editor)
    editor.demonstrations_section.set_open(True)
    editor.parameters_section.set_open(True)
    return editor


@pytest.mark.parametrize("changes", BAD_CONFIGS, ids=lambda changes: repr(changes)[:60])
def test_the_models_errors_reach_the_form_in_plain_words(plain_editor, changes):
    plain_editor.set_content({**copy.deepcopy(VALID), **copy.deepcopy(changes)}, None)
    QApplication.processEvents()

    assert not plain_editor.is_valid(), "a bad config is reported"
    assert messages_shown(plain_editor), "next to a field"
    assert raw_phrases_in(shown_texts(plain_editor)) == []


def test_a_few_of_the_messages_word_for_word(plain_editor):
    cases = [
        ({"temperature": "hot"}, "temperatureFieldMessage", "Temperature needs a number, such as 0.2"),
        ({"model": ""}, "modelFieldMessage", "Model cannot be empty"),
        ({"inputs": [{"identifier": "a", "type": "audio"}]}, "inputsEditorMessage",
         "Input 1 — Type must be one of Text, Number, Yes/No, Image, List, List of texts, List of numbers, "
         "List of whole numbers, List of yes/no, Dict (JSON object) or Chat messages"),
        ({"messages": [{"role": "robot", "content": "x"}]}, "messageRowMessage",
         "Role must be one of System, User or Assistant"),
        (output_schema({"type": "objekt"}), "outputsEditorMessage",
         "Output 1 — Schema: Not a valid JSON schema: “type” must be one of string, number, integer, boolean, "
         "object, array or null (or a list of them), not \"objekt\"."),
        (demonstrations({"q": ["x"]}, [{"name": "q", "type": "strin"}]), "demonstrationsEditorMessage",
         "Column 1 › Type must be one of Text, Yes/No, Number, Date, List, JSON, Spans, RAG contexts, "
         "Chat messages, Annotations, Evaluations or Image"),
        (demonstrations({"q": "x"}, []), "demonstrationsEditorMessage", "Column “q” needs a list"),
        ({"prompting_technique": {"type": "magic"}}, "promptingTechniqueFieldMessage",
         "Type must be one of Few-shot (learn from the demonstrations), In-context examples or Chain of thought "
         "(think step by step)"),
    ]
    for changes, name, expected in cases:
        plain_editor.set_content({**copy.deepcopy(VALID), **changes}, None)
        message = plain_editor.findChild(FieldMessage, name)
        assert message.text() == expected, changes


@pytest.mark.parametrize("text", BAD_JSON, ids=repr)
def test_broken_json_in_the_schema_dialog_reads_as_plain_words_with_line_and_column(qtbot, text):
    dialog = JsonSchemaEditor("answer", None)
    qtbot.addWidget(dialog)
    dialog.text_edit.set_text(text)
    dialog._check()

    assert dialog.status.text().startswith("Not valid JSON at line 1, column ")
    assert raw_phrases_in([dialog.status.text()]) == []
    assert not dialog.ok_button.isEnabled()


def test_a_json_error_names_the_line_in_a_long_schema(qtbot):
    dialog = JsonSchemaEditor("answer", None)
    qtbot.addWidget(dialog)
    dialog.text_edit.set_text('{\n  "type": "object",\n  "properties": {"a": {"type": "string"},}\n}')
    dialog._check()

    assert dialog.status.text() == (
        'Not valid JSON at line 3, column 42: a name in double quotes, such as "answer", should come here '
        "(single quotes, or a comma before }, are not JSON)."
    )


@pytest.mark.parametrize("text", [text for text in BAD_JSON if text.strip().startswith(("{", "[", '"'))], ids=repr)
def test_broken_json_in_a_runtime_parameter_reads_as_plain_words(editor, text):
    model = editor.parameters_editor.model
    model.setData(model.index(4, 1), text)

    assert not editor.is_valid()
    message = editor.parameters_editor.message.text()
    assert message.startswith("Parameter 5: Not valid JSON at column ")
    assert raw_phrases_in([message, str(model.index(4, 1).data(Qt.ItemDataRole.ToolTipRole))]) == []


@pytest.mark.parametrize("text", [text for text in BAD_JSON if text.strip().startswith(("{", "[", '"'))], ids=repr)
def test_broken_json_in_a_demonstration_cell_reads_as_plain_words(editor, text):
    editor.demonstrations_section.set_open(True)
    model = editor.demonstrations_editor.model
    model.setData(model.index(1, 2), text)  # the "tags" column is a list

    message = editor.demonstrations_editor.message.text()
    assert message.startswith("Example 2 › tags: Not valid JSON at column ")
    assert message.endswith("It is kept as text.")
    assert model.index(1, 2).data(Qt.ItemDataRole.DecorationRole) is not None
    assert raw_phrases_in([message, str(model.index(1, 2).data(Qt.ItemDataRole.ToolTipRole))]) == []
    assert editor.content()[0]["demonstrations"]["inline"]["records"]["tags"][1] == text


def test_a_demonstration_cell_that_reads_says_nothing(editor):
    model = editor.demonstrations_editor.model
    model.setData(model.index(1, 2), '["billing"]')
    model.setData(model.index(0, 0), "{not json, but a text column}")

    assert editor.demonstrations_editor.message.text() == ""
    assert editor.content()[0]["demonstrations"]["inline"]["records"]["tags"][1] == ["billing"]


# -- types in words ---------------------------------------------------------------------------------------------


def test_every_choice_has_words():
    for values, labels in ((INPUT_TYPES, INPUT_TYPE_LABELS), (OUTPUT_TYPES, OUTPUT_TYPE_LABELS),
                           (COLUMN_TYPES, COLUMN_TYPE_LABELS), (ROLES, ROLE_LABELS),
                           (PROMPTING_TECHNIQUES, TECHNIQUE_LABELS)):
        assert set(labels) == set(values)
        assert all(labels[value] != value for value in values if value not in ("list", "dict", "json", "image"))


def type_combo(editor: PromptEditor, kind: str, row: int) -> QComboBox:
    fields = editor.inputs_editor if kind == "input" else editor.outputs_editor
    widget = fields.view.indexWidget(fields.model.index(row, 1))
    assert isinstance(widget, QComboBox)
    return widget


def items(combo: QComboBox) -> list[tuple[str, str, str]]:
    return [(combo.itemText(item), combo.itemData(item), combo.itemData(item, Qt.ItemDataRole.ToolTipRole))
            for item in range(combo.count())]


def test_input_and_output_types_read_as_words_with_the_wire_name_in_the_tooltip(editor):
    assert [text for text, _wire, _tip in items(type_combo(editor, "input", 0))] == [
        "Text", "Number", "Yes/No", "Image", "List", "List of texts", "List of numbers", "List of whole numbers",
        "List of yes/no", "Dict (JSON object)", "Chat messages",
    ]
    assert [text for text, _wire, _tip in items(type_combo(editor, "output", 0))] == [
        "Text", "Number", "Yes/No", "JSON (with a schema)",
    ]
    for kind in ("input", "output"):
        for text, wire, tip in items(type_combo(editor, kind, 0)):
            assert wire in (INPUT_TYPES if kind == "input" else OUTPUT_TYPES), text
            assert tip == f"Stored as {wire}"
    assert type_combo(editor, "input", 1).currentText() == "Yes/No"
    assert type_combo(editor, "output", 0).currentText() == "JSON (with a schema)"
    assert type_combo(editor, "input", 1).toolTip() == "Stored as bool"


def test_choosing_a_type_in_words_stores_its_wire_name(editor):
    combo = type_combo(editor, "input", 0)
    combo.setCurrentIndex(combo.findText("List of whole numbers"))

    assert editor.content()[0]["inputs"][0] == {"identifier": "product", "type": "list[int]"}
    assert editor.inputs_editor.model.index(0, 1).data(Qt.ItemDataRole.DisplayRole) == "List of whole numbers"
    assert editor.inputs_editor.model.index(0, 1).data(Qt.ItemDataRole.EditRole) == "list[int]"


def test_a_read_only_version_shows_the_types_in_words(editor):
    editor.set_content(RICH_CONFIG, None, read_only=True)
    model = editor.inputs_editor.model

    assert editor.inputs_editor.view.indexWidget(model.index(1, 1)) is None
    assert model.index(1, 1).data(Qt.ItemDataRole.DisplayRole) == "Yes/No"
    assert model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole) == "Stored as bool"


def test_a_type_from_a_newer_server_shows_its_wire_name_and_is_kept(qtbot):
    editor = PromptEditor()
    qtbot.addWidget(editor)
    config = copy.deepcopy(RICH_CONFIG)
    config["inputs"].append({"identifier": "clip", "type": "audio"})
    config["outputs"][1]["type"] = "xml"
    editor.set_content(config, None)

    assert type_combo(editor, "input", 3).currentText() == "audio"
    assert type_combo(editor, "output", 1).currentText() == "xml"
    assert editor.content()[0] == config


def test_demonstration_columns_and_roles_read_as_words(editor):
    editor.demonstrations_section.set_open(True)
    model = editor.demonstrations_editor.model
    assert [model.headerData(column, Qt.Orientation.Horizontal) for column in range(3)] == [
        "question (Text)", "resolved (Yes/No)", "tags (List)",
    ]
    column_type = editor.demonstrations_editor.column_type_field
    editor.demonstrations_editor.view.setCurrentIndex(model.index(0, 1))
    assert column_type.currentText() == "Yes/No" and column_type.currentData() == "boolean"
    column_type.setCurrentIndex(column_type.findText("Number"))
    assert editor.content()[0]["demonstrations"]["inline"]["columnTypes"][1]["type"] == "number"
    assert editor.messages_editor.rows[1].role_field.currentText() == "Assistant"


# -- emptying a parameter ---------------------------------------------------------------------------------------


def note_of(editor: PromptEditor, key: str) -> str:
    message = editor.model_settings.messages[key]
    return message.text() if message.isVisibleTo(editor) else ""


def test_emptying_a_parameter_says_langwatch_keeps_the_old_value(editor, qtbot):
    temperature = editor.model_settings.fields["temperature"]
    temperature.clear()

    assert note_of(editor, "temperature") == (
        "LangWatch keeps the old value (0.7) when this is left empty: set it to the value you want instead."
    )
    assert temperature.toolTip() == note_of(editor, "temperature")
    assert "temperature" not in editor.content()[0], "the form still sends only what is set"
    assert editor.is_valid(), "a note, not an error: saving stays possible"

    qtbot.keyClicks(temperature, "0.2")
    assert note_of(editor, "temperature") == ""


def test_emptying_a_folded_or_word_parameter_says_so_too(editor):
    editor.model_settings.more_section.set_open(True)
    effort = editor.model_settings.fields["reasoning_effort"]
    effort.lineEdit().clear()
    editor.model_settings.fields["seed"].clear()

    assert note_of(editor, "reasoning_effort").startswith("LangWatch keeps the old value (high)")
    assert note_of(editor, "seed").startswith("LangWatch keeps the old value (42)")


def test_a_parameter_the_version_did_not_have_says_nothing_when_empty(qtbot):
    editor = PromptEditor()
    qtbot.addWidget(editor)
    editor.set_content(copy.deepcopy(VALID), None)
    temperature = editor.model_settings.fields["temperature"]
    temperature.setText("0.5")
    temperature.clear()

    assert all(note_of(editor, key) == "" for key in editor.model_settings.messages)


def test_a_draft_compares_with_the_version_it_was_edited_from(qtbot):
    editor = PromptEditor()
    qtbot.addWidget(editor)
    base = {**copy.deepcopy(VALID), "temperature": 0.7, "max_tokens": 500}
    draft = {key: value for key, value in base.items() if key != "temperature"}

    editor.set_content(draft, None, base_config=base)

    assert note_of(editor, "temperature").startswith("LangWatch keeps the old value (0.7)")
    assert note_of(editor, "max_tokens") == ""


# -- long messages wrap -----------------------------------------------------------------------------------------


def test_long_messages_wrap_instead_of_being_cut_off(qtbot):
    editor = PromptEditor()
    qtbot.addWidget(editor)
    config = {**copy.deepcopy(VALID), "temperature": 0.7,
              "inputs": [{"identifier": "a", "type": "audio"}, {"identifier": "", "type": "video"}]}
    editor.set_content(config, None)
    editor.resize(640, 900)
    editor.show()
    qtbot.waitExposed(editor)
    editor.model_settings.fields["temperature"].clear()
    QApplication.processEvents()

    messages = [message for message in editor.findChildren(FieldMessage) if message.isVisibleTo(editor)]
    assert {message.objectName() for message in messages} >= {"temperatureFieldMessage", "inputsEditorMessage"}
    for message in messages:
        label = next(child for child in message.findChildren(QLabel) if child.text() == message.text())
        assert label.wordWrap(), message.objectName()
        assert label.height() >= label.heightForWidth(label.width()), f"{message.objectName()} is cut off"
        right = label.mapTo(editor, label.rect().topRight()).x()
        assert right <= editor.width(), f"{message.objectName()} runs past the form"
        assert label.height() >= 2 * label.fontMetrics().height(), f"{message.objectName()} takes more than a line"
