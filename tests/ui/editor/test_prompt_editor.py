"""The prompt editor form: lossless round trips, edits through the widgets, validation, undo, read-only."""

from __future__ import annotations

import copy
import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from prompt_studio.models import ConfigData
from prompt_studio.ui.editor import PromptEditor
from prompt_studio.ui.editor.widgets import FieldMessage
from tests.ui.editor.conftest import RICH_CONFIG, RICH_PARAMETERS

CONTROL_TYPES = (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QTableView)


def line_edit(editor: PromptEditor, name: str) -> QLineEdit:
    return editor.findChild(QLineEdit, name)


def combo(editor: PromptEditor, name: str) -> QComboBox:
    return editor.findChild(QComboBox, name)


def message_of(editor: PromptEditor, name: str) -> str:
    label = editor.findChild(FieldMessage, name)
    return label.text() if label.isVisibleTo(editor) else ""


def type_at_end(qtbot, text_edit: QPlainTextEdit, text: str) -> None:
    text_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(text_edit, text)


# -- round trips ------------------------------------------------------------------------------------------------


def test_rich_content_round_trips_without_loss(editor):
    config, parameters = editor.content()

    assert config == RICH_CONFIG
    assert parameters == RICH_PARAMETERS
    assert editor.is_valid()
    assert editor.validation_errors() == []


def test_content_validates_as_the_config_the_server_would_send(editor):
    wire = ConfigData.model_validate(RICH_CONFIG).to_wire()
    editor.set_content(wire, None)

    assert editor.content() == (wire, {})


def test_unset_parameters_stay_absent(qtbot):
    editor = PromptEditor()
    qtbot.addWidget(editor)
    minimal = {"prompt": "Hi", "model": "openai/gpt-4.1", "outputs": [{"identifier": "output", "type": "str"}]}
    editor.set_content(minimal, None)

    config, parameters = editor.content()

    assert config == minimal
    assert parameters == {}
    assert line_edit(editor, "temperatureField").text() == ""
    assert line_edit(editor, "temperatureField").placeholderText() == "not set"
    assert combo(editor, "verbosityField").currentText() == ""


def test_exact_text_survives_non_breaking_spaces_and_windows_line_endings(qtbot):
    editor = PromptEditor()
    qtbot.addWidget(editor)
    config = {
        "prompt": "Line one\r\nLine\u00a0two\r\nemoji 😀 end",
        "model": "openai/gpt-5",
        "messages": [{"role": "user", "content": "tab\there\u2028next"}],
        "outputs": [{"identifier": "output", "type": "str"}],
    }
    editor.set_content(config, None)

    assert editor.content()[0] == config


# -- edits through the widgets ----------------------------------------------------------------------------------


def test_typing_sampling_parameters_sets_numbers_and_clearing_unsets(editor, qtbot):
    edits = []
    editor.sig_edited.connect(lambda: edits.append(1))
    temperature = line_edit(editor, "temperatureField")
    temperature.clear()
    qtbot.keyClicks(temperature, "0.3")
    seed = line_edit(editor, "seedField")
    seed.clear()
    qtbot.keyClicks(seed, "7")
    line_edit(editor, "maxTokensField").clear()

    config = editor.content()[0]

    assert config["temperature"] == 0.3
    assert config["seed"] == 7 and isinstance(config["seed"], int)
    assert "max_tokens" not in config
    assert edits


def test_choosing_model_and_text_parameters(editor, qtbot):
    model = combo(editor, "modelField")
    model.setCurrentIndex(model.findText("anthropic/claude-sonnet-4-5"))
    effort = combo(editor, "reasoningEffortField")
    effort.setCurrentIndex(effort.findText("low"))
    verbosity = combo(editor, "verbosityField")
    verbosity.lineEdit().clear()
    qtbot.keyClicks(verbosity.lineEdit(), "terse")
    combo(editor, "effortField").lineEdit().clear()

    config = editor.content()[0]

    assert config["model"] == "anthropic/claude-sonnet-4-5"
    assert config["reasoning_effort"] == "low"
    assert config["verbosity"] == "terse"
    assert "effort" not in config


def test_typing_a_free_model_name(editor, qtbot):
    model = combo(editor, "modelField")
    model.lineEdit().clear()
    qtbot.keyClicks(model.lineEdit(), "ollama/llama3.1")

    assert editor.content()[0]["model"] == "ollama/llama3.1"


def test_editing_the_system_prompt(editor, qtbot):
    prompt = editor.findChild(QPlainTextEdit, "systemPromptEdit")
    type_at_end(qtbot, prompt, " Sign as {{ agent_name }}.")

    assert editor.content()[0]["prompt"] == RICH_CONFIG["prompt"] + " Sign as {{ agent_name }}."


def test_adding_editing_moving_and_removing_messages(editor, qtbot):
    messages = editor.messages_editor
    qtbot.mouseClick(editor.findChild(QPushButton, "addMessageButton"), Qt.MouseButton.LeftButton)
    new_row = messages.rows[2]
    assert new_row.role_field.currentData() == "user"
    qtbot.keyClicks(new_row.content_edit, "And the refund?")
    new_row.role_field.setCurrentIndex(new_row.role_field.findData("system"))

    assert editor.content()[0]["messages"][2] == {"role": "system", "content": "And the refund?"}

    qtbot.mouseClick(new_row.up_button, Qt.MouseButton.LeftButton)
    moved = editor.content()[0]["messages"]
    assert [message["content"] for message in moved] == [
        "{{ question }}", "And the refund?", "Sure, here is what I found about your order.",
    ]
    assert moved[2]["name"] == "agent", "a message keeps its unknown keys when it moves"

    qtbot.mouseClick(messages.rows[0].remove_button, Qt.MouseButton.LeftButton)
    assert [message["role"] for message in editor.content()[0]["messages"]] == ["system", "assistant"]


def test_choosing_a_prompting_technique(editor):
    technique = combo(editor, "promptingTechniqueField")
    technique.setCurrentIndex(technique.findData("chain_of_thought"))
    assert editor.content()[0]["prompting_technique"] == {
        "type": "chain_of_thought", "demonstrations": {"name": "inner"},
    }

    technique.setCurrentIndex(technique.findData(None))
    assert "prompting_technique" not in editor.content()[0]


def test_response_format_follows_the_first_structured_output(editor, qtbot):
    field = editor.response_format_field
    assert field.isChecked()

    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert "response_format" not in editor.content()[0]

    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert editor.content()[0]["response_format"] == RICH_CONFIG["response_format"]

    outputs = editor.outputs_editor.model
    outputs.setData(outputs.index(0, 0), "result")
    assert editor.content()[0]["response_format"]["json_schema"]["name"] == "result"


# -- validation -------------------------------------------------------------------------------------------------


def test_temperature_out_of_range_is_shown_next_to_it(editor, qtbot):
    validity = []
    editor.sig_validity_changed.connect(validity.append)
    temperature = line_edit(editor, "temperatureField")
    temperature.clear()
    qtbot.keyClicks(temperature, "3")

    assert not editor.is_valid()
    assert validity == [False]
    assert message_of(editor, "temperatureFieldMessage") == "Temperature must be at most 2"
    assert [error.location for error in editor.validation_errors()] == [("temperature",)]

    temperature.clear()
    qtbot.keyClicks(temperature, "1")
    assert editor.is_valid()
    assert validity == [False, True]
    assert message_of(editor, "temperatureFieldMessage") == ""


def test_text_in_a_number_field_gets_the_models_message(editor, qtbot):
    top_k = line_edit(editor, "topKField")
    top_k.clear()
    qtbot.keyClicks(top_k, "many")

    assert not editor.is_valid()
    assert editor.content()[0]["top_k"] == "many"
    assert message_of(editor, "topKFieldMessage") == "Top K needs a whole number, such as 3"
    assert editor.model_settings.more_section.is_open(), "a problem in a folded field unfolds it"


def test_duplicate_input_names_are_reported_under_the_inputs(editor):
    inputs = editor.inputs_editor.model
    inputs.setData(inputs.index(2, 0), "product")

    assert not editor.is_valid()
    assert message_of(editor, "inputsEditorMessage") == (
        "Input 1 and 3 are both named 'product'; each input needs its own name"
    )


def test_an_empty_input_name_is_marked_on_its_row(editor):
    inputs = editor.inputs_editor.model
    inputs.setData(inputs.index(1, 0), "")

    assert not editor.is_valid()
    assert message_of(editor, "inputsEditorMessage") == "Input 2 — Name cannot be empty"
    assert inputs.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == "Name cannot be empty"
    assert inputs.index(1, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    assert inputs.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is None


def test_an_empty_model_name_is_shown_next_to_the_model(editor):
    combo(editor, "modelField").lineEdit().clear()

    assert not editor.is_valid()
    assert message_of(editor, "modelFieldMessage") == "Model cannot be empty"


def test_removing_every_output_is_reported(editor, qtbot):
    outputs = editor.outputs_editor
    for _ in range(2):
        outputs.view.selectRow(0)
        qtbot.mouseClick(outputs.remove_button, Qt.MouseButton.LeftButton)

    assert not editor.is_valid()
    assert message_of(editor, "outputsEditorMessage") == "Outputs must have at least one"


def test_an_unknown_type_from_a_newer_server_is_kept_and_reported(qtbot):
    editor = PromptEditor()
    qtbot.addWidget(editor)
    config = copy.deepcopy(RICH_CONFIG)
    config["inputs"].append({"identifier": "audio_clip", "type": "audio"})
    editor.set_content(config, None)

    assert editor.content()[0] == config
    assert not editor.is_valid()
    assert message_of(editor, "inputsEditorMessage").startswith("Input 4 — Type must be one of Text, Number, Yes/No")
    type_combo = editor.inputs_editor.view.indexWidget(editor.inputs_editor.model.index(3, 1))
    assert type_combo.currentText() == "audio", "a type this version does not know shows as its wire name"
    assert type_combo.currentData() == "audio"


# -- undo and redo ----------------------------------------------------------------------------------------------


def test_undo_restores_the_whole_form_step_by_step(editor, qtbot):
    prompt = editor.findChild(QPlainTextEdit, "systemPromptEdit")
    type_at_end(qtbot, prompt, "!")
    temperature = line_edit(editor, "temperatureField")
    temperature.clear()
    qtbot.keyClicks(temperature, "1.5")
    qtbot.mouseClick(editor.findChild(QPushButton, "addMessageButton"), Qt.MouseButton.LeftButton)
    edited = editor.content()

    editor.undo_action.trigger()
    assert len(editor.content()[0]["messages"]) == 2
    editor.undo_action.trigger()
    assert editor.content()[0]["temperature"] == 0.7
    editor.undo_action.trigger()
    assert editor.content() == (RICH_CONFIG, RICH_PARAMETERS)
    assert not editor.undo_action.isEnabled()

    for _ in range(3):
        editor.redo_action.trigger()
    assert editor.content() == edited


def test_typing_is_one_undo_step_per_word(editor, qtbot):
    prompt = editor.findChild(QPlainTextEdit, "systemPromptEdit")
    type_at_end(qtbot, prompt, " Be brief")

    editor.undo_action.trigger()
    assert editor.content()[0]["prompt"] == RICH_CONFIG["prompt"] + " Be "
    editor.undo_action.trigger()
    assert editor.content()[0]["prompt"] == RICH_CONFIG["prompt"] + " "
    editor.undo_action.trigger()
    assert editor.content()[0]["prompt"] == RICH_CONFIG["prompt"]


def test_typing_pauses_close_an_undo_step(editor, qtbot):
    temperature = line_edit(editor, "temperatureField")
    temperature.clear()
    qtbot.keyClicks(temperature, "1")
    qtbot.waitUntil(lambda: not editor._history.typing_pause.isActive())
    qtbot.keyClicks(temperature, ".2")

    editor.undo_action.trigger()
    assert editor.content()[0]["temperature"] == 1


def test_undo_actions_use_the_platform_shortcuts(editor):
    assert editor.undo_action.shortcut().matches(editor.undo_action.shortcut()) is not None
    assert editor.undo_action.shortcut().toString() == "Ctrl+Z"
    assert editor.redo_action.shortcut().toString() in ("Ctrl+Y", "Ctrl+Shift+Z")


def test_loading_a_prompt_starts_a_new_history(editor, qtbot):
    type_at_end(qtbot, editor.findChild(QPlainTextEdit, "systemPromptEdit"), "x")
    edits = []
    editor.sig_edited.connect(lambda: edits.append(1))
    editor.set_content(RICH_CONFIG, RICH_PARAMETERS)

    assert not editor.undo_action.isEnabled()
    assert edits == [], "set_content is not an edit of the author"


# -- variables that are not inputs ------------------------------------------------------------------------------


def test_variables_used_but_not_declared_are_offered_as_inputs(editor, qtbot):
    banner = editor.findChild(type(editor.missing_variables), "missingVariables")
    assert not banner.isVisible()

    type_at_end(qtbot, editor.findChild(QPlainTextEdit, "systemPromptEdit"), " Hello {{ customer_name }}.")
    qtbot.keyClicks(editor.messages_editor.rows[1].content_edit, "{% for item in items %}{{ item }}{% endfor %}")

    qtbot.waitUntil(banner.isVisible)
    assert editor.missing_variables_label.text() == "Not an input yet: customer_name, items"

    qtbot.mouseClick(editor.findChild(QPushButton, "addMissingInputsButton"), Qt.MouseButton.LeftButton)

    assert editor.content()[0]["inputs"][-2:] == [
        {"identifier": "customer_name", "type": "str"}, {"identifier": "items", "type": "str"},
    ]
    assert not banner.isVisible()


# -- read-only --------------------------------------------------------------------------------------------------


def test_read_only_mode_disables_editing_but_keeps_text_selectable(editor, qtbot):
    editor.set_content(RICH_CONFIG, RICH_PARAMETERS, read_only=True)
    prompt = editor.findChild(QPlainTextEdit, "systemPromptEdit")
    temperature = line_edit(editor, "temperatureField")

    qtbot.keyClicks(prompt, "typed")
    qtbot.keyClicks(temperature, "9")

    assert editor.content() == (RICH_CONFIG, RICH_PARAMETERS)
    assert prompt.isReadOnly() and temperature.isReadOnly()
    assert prompt.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert not combo(editor, "modelField").isEnabled()
    assert not combo(editor, "reasoningEffortField").isEnabled()
    assert not combo(editor, "promptingTechniqueField").isEnabled()
    assert not editor.response_format_field.isEnabled()
    for name in ("addMessageButton", "addInputButton", "addOutputButton", "addParameterButton"):
        assert not editor.findChild(QPushButton, name).isVisible(), name
    for row in editor.messages_editor.rows:
        assert row.content_edit.isReadOnly() and not row.role_field.isEnabled()
        assert not row.remove_button.isVisible()
    assert editor.inputs_editor.view.editTriggers() == editor.inputs_editor.view.EditTrigger.NoEditTriggers
    assert editor.inputs_editor.view.indexWidget(editor.inputs_editor.model.index(0, 1)) is None

    editor.set_read_only(False)
    temperature.end(False)
    qtbot.keyClicks(temperature, "5")
    assert editor.content()[0]["temperature"] == 0.75


# -- long prompts -----------------------------------------------------------------------------------------------


def test_two_hundred_messages_load_and_stay_editable(qtbot, capsys):
    editor = PromptEditor()
    qtbot.addWidget(editor)
    config = copy.deepcopy(RICH_CONFIG)
    config["messages"] = [
        {"role": ("user", "assistant")[position % 2], "content": f"Message {position} about {{{{ question }}}}"}
        for position in range(200)
    ]
    started = time.perf_counter()
    editor.set_content(config, None)
    editor.show()
    qtbot.waitExposed(editor)
    loaded = time.perf_counter() - started

    rows = editor.messages_editor.rows
    rows[150].content_edit.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClicks(rows[150].content_edit, "Edited: ")
    rows[199].up_button.click()  # scrolled out of the window, where a synthetic mouse click would not land
    assert editor.content()[0]["messages"][198]["content"] == "Message 199 about {{ question }}"
    started = time.perf_counter()
    editor.undo_action.trigger()
    undone = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n200 messages: set_content + show {loaded * 1000:.0f} ms, one undo {undone * 1000:.0f} ms")

    messages = editor.content()[0]["messages"]
    assert len(messages) == 200
    assert messages[150]["content"] == "Edited: Message 150 about {{ question }}"
    assert messages[199]["content"] == "Message 199 about {{ question }}"


def underlined_words(block) -> dict[str, bool]:
    """Each coloured piece of one line, and whether it is underlined as a variable that is not an input."""
    return {
        block.text()[piece.start : piece.start + piece.length]: bool(piece.format.underlineStyle().value)
        for piece in block.layout().formats()
    }


def test_a_one_megabyte_prompt_opens_coloured_at_the_top_and_ends_coloured_everywhere(qtbot, capsys):
    editor = PromptEditor()
    qtbot.addWidget(editor)
    line = "Answer the customer about {{ product }} {% if vip %}with care{% endif %} and stay polite. "
    prompt = "\n".join(f"{position}: {line}" for position in range(1_000_000 // (len(line) + 8)))
    message = ("All work and no play. {{input}}\n" * 32_000)[:1_000_000]
    config = {"prompt": prompt, "model": "openai/gpt-5", "messages": [{"role": "user", "content": message}],
              "inputs": [{"identifier": "product", "type": "str"}, {"identifier": "vip", "type": "bool"}],
              "outputs": [{"identifier": "output", "type": "str"}]}
    edits = []
    editor.sig_edited.connect(lambda: edits.append(1))
    editor.show()
    started = time.perf_counter()
    editor.set_content(config, None)
    loaded = time.perf_counter() - started
    prompt_edit, message_edit = editor.system_prompt_edit, editor.messages_editor.rows[0].content_edit

    assert editor.content()[0]["prompt"] == prompt
    assert editor.content()[0]["messages"][0]["content"] == message
    assert editor.missing_variables_label.text() == "Not an input yet: input"
    assert underlined_words(message_edit.document().firstBlock())["input"], "on screen at once, underlined"
    far_message_line = message_edit.document().findBlockByNumber(30_000)
    assert "{{input}}" in far_message_line.text()
    assert not underlined_words(far_message_line), "the far end comes later"

    started = time.perf_counter()
    qtbot.waitUntil(lambda: prompt_edit.highlighter.is_highlighting_complete()
                    and message_edit.highlighter.is_highlighting_complete(), timeout=30_000)
    coloured = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n2 MB prompt: set_content {loaded * 1000:.0f} ms, coloured to the end {coloured * 1000:.0f} ms later")

    far_prompt_line = underlined_words(prompt_edit.document().lastBlock())
    assert {"{{", "product", "}}", "{%", "if", "vip"} <= set(far_prompt_line)
    assert not far_prompt_line["product"]
    assert underlined_words(far_message_line)["input"]
    assert edits == [] and not editor.undo_action.isEnabled(), "colouring is no edit of the author"


def test_only_liquid_variables_are_offered_as_inputs(qtbot):
    """This editor is LangWatch's, whose templates are Liquid: `${name}` (Orkes) is plain text here."""
    editor = PromptEditor()
    qtbot.addWidget(editor)
    outputs = [{"identifier": "o", "type": "str"}]
    messages = [{"role": "user", "content": "${orkes_question} {{ liquid_question }}"}]
    editor.set_content({"prompt": "Hi {{ liquid_name }}, ${orkes_name}", "model": "m", "messages": messages,
                        "outputs": outputs}, None)

    assert editor.template_syntax == "liquid"
    assert editor.missing_variables_label.text() == "Not an input yet: liquid_name, liquid_question"
    assert "{{ name }}" in editor.syntax_hint.text() and "{{ name }}" in editor.system_prompt_edit.placeholderText()
    message_words = underlined_words(editor.messages_editor.rows[0].content_edit.document().firstBlock())
    assert message_words == {"{{": False, "liquid_question": True, "}}": False}


# -- names for tests and screen readers -------------------------------------------------------------------------


def test_every_control_has_an_object_name_and_an_accessible_name(editor):
    editor.set_content(RICH_CONFIG, RICH_PARAMETERS)
    controls = [
        widget for widget in editor.findChildren(QWidget)
        if isinstance(widget, CONTROL_TYPES)
        and not isinstance(widget.parent(), (QComboBox, QLineEdit, QTableView))  # parts of a control
        and not isinstance(widget.parent().parent(), QTableView)  # the type drop-downs inside a table's cells
    ]
    assert len(controls) > 40
    unnamed = [
        f"{type(widget).__name__} {widget.objectName()!r} {widget.accessibleName()!r}"
        for widget in controls if not widget.objectName() or not widget.accessibleName()
    ]
    assert unnamed == []


def test_ctrl_z_in_a_text_field_undoes_the_form_not_only_the_field(editor, qtbot):
    editor.activateWindow()
    qtbot.waitActive(editor)
    temperature = line_edit(editor, "temperatureField")
    temperature.setFocus()
    temperature.clear()
    qtbot.keyClicks(temperature, "1")
    qtbot.mouseClick(editor.findChild(QPushButton, "addMessageButton"), Qt.MouseButton.LeftButton)
    prompt = editor.findChild(QPlainTextEdit, "systemPromptEdit")
    prompt.setFocus()

    qtbot.keyClick(prompt, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    assert len(editor.content()[0]["messages"]) == 2, "the message added last is undone, from the prompt's field"


def test_the_form_lists_the_sampling_fields_in_the_models_order():
    from prompt_studio.models.labels import WIRE_SAMPLING_FIELDS
    from prompt_studio.ui.editor.model_settings import SAMPLING_FIELDS

    assert tuple(field.wire_name for field in SAMPLING_FIELDS) == WIRE_SAMPLING_FIELDS
