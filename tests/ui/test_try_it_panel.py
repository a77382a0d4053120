"""Try it in the window: sample values typed for the inputs, and what the model receives, following the form."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QToolButton

from tests.ui.main_window_support import open_window

HANDLE = "support/triage"


def test_the_preview_follows_the_sample_inputs_and_the_form(qtbot, run_async, tmp_path, screenshots):
    window = open_window(qtbot, run_async, tmp_path / "app")
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt(HANDLE)
    window.try_it_action.trigger()
    panel = window.try_it
    assert window.try_it_dock.isVisible() and panel.objectName() == "tryItPanel"
    assert set(panel.inputs) == {"input", "product"}, "one editor per declared input"
    preview = panel.preview
    qtbot.waitUntil(lambda: "has no value" in preview.toPlainText(), timeout=2000)
    assert "{{ product }} has no value" in preview.toPlainText()

    product = panel.findChild(QPlainTextEdit, "sampleInputField_product")
    qtbot.keyClicks(product, "Acme Mail")
    qtbot.waitUntil(lambda: "support tickets for Acme Mail." in preview.toPlainText(), timeout=2000)
    assert "{{ product }} has no value" not in preview.toPlainText()
    assert preview.toPlainText().startswith("System"), "the system prompt first, with its role"

    system = window.editor.findChild(QPlainTextEdit, "systemPromptEdit")
    system.moveCursor(system.textCursor().MoveOperation.End)
    qtbot.keyClicks(system, " Reply in {{ language }}.")
    qtbot.waitUntil(lambda: "{{ language }} has no value" in preview.toPlainText(), timeout=2000)
    window.resize(1440, 900)
    qtbot.waitUntil(lambda: window.width() == 1440, timeout=2000)
    screenshots.take(window, "try-it-panel.png")


def test_json_inputs_are_checked_as_they_are_typed(qtbot):
    from prompt_studio.ui.try_it_panel import TryItPanel

    panel = TryItPanel()
    qtbot.addWidget(panel)
    panel.show_prompt({"prompt": "{% for item in items %}{{ item }} {% endfor %}", "model": "m",
                       "inputs": [{"identifier": "items", "type": "list[str]"},
                                  {"identifier": "weight", "type": "float"}],
                       "outputs": [{"identifier": "o", "type": "str"}]})
    items = panel.findChild(QPlainTextEdit, "sampleInputField_items")
    qtbot.keyClicks(items, '["a", "b"')
    problem = panel.findChild(type(panel.no_inputs), "sampleInputProblem_items")
    assert not problem.isHidden() and "line 1" in problem.text()
    qtbot.keyClicks(items, "]")
    assert problem.isHidden()
    panel.refresh()
    assert panel.rendering.messages[0].content == "a b "
    weight = panel.findChild(QLineEdit, "sampleInputField_weight")
    qtbot.keyClicks(weight, "heavy")
    assert panel.findChild(type(panel.no_inputs), "sampleInputProblem_weight").text().startswith("This needs")


def test_the_versions_to_compare_with_follow_the_history(qtbot, run_async, tmp_path):
    from PySide6.QtWidgets import QComboBox

    window = open_window(qtbot, run_async, tmp_path / "app")
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt(HANDLE)
    selector = window.try_it.findChild(QComboBox, "compareWithSelector")
    qtbot.waitUntil(lambda: selector.count() == window.history_model.rowCount() > 0, timeout=5000)
    assert "production" in " ".join(selector.itemText(row) for row in range(selector.count()))


def test_chat_messages_are_edited_as_messages_and_rendered(qtbot):
    from prompt_studio.ui.sample_inputs import ChatMessagesField
    from prompt_studio.ui.try_it_panel import TryItPanel

    panel = TryItPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_prompt({"prompt": "{% for turn in history %}{{ turn.role }}: {{ turn.content }}\n{% endfor %}",
                       "model": "m", "inputs": [{"identifier": "history", "type": "chat_messages"}],
                       "outputs": [{"identifier": "o", "type": "str"}]})
    field = panel.findChild(ChatMessagesField, "sampleInputField_history")
    assert panel.inputs["history"].value() is None, "no message yet: missing"
    field.add_button.click()
    qtbot.keyClicks(field.rows[0][1], "Where is my refund?")
    field.add_button.click()
    assert field.rows[1][0].currentText() == "assistant", "turns alternate"
    qtbot.keyClicks(field.rows[1][1], "On its way.")
    panel.refresh()
    assert panel.rendering.messages[0].content == "user: Where is my refund?\nassistant: On its way.\n"

    panel.inputs["history"].set_value([{"role": "user", "content": "Hello"}])
    assert panel.inputs["history"].value() == [{"role": "user", "content": "Hello"}]
    field.rows[0][2].findChild(QToolButton).click()  # the row's remove button
    assert panel.inputs["history"].value() is None


def test_a_variable_the_text_reads_but_no_input_declares_is_offered_as_an_input(qtbot, run_async, tmp_path):
    window = open_window(qtbot, run_async, tmp_path / "app")
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt(HANDLE)
    window.try_it_action.trigger()
    panel = window.try_it
    assert panel.undeclared.isHidden()
    system = window.editor.findChild(QPlainTextEdit, "systemPromptEdit")
    system.moveCursor(system.textCursor().MoveOperation.End)
    qtbot.keyClicks(system, " Reply in {{ language }}.")
    qtbot.waitUntil(lambda: not panel.undeclared.isHidden(), timeout=3000)
    assert "language" in panel.undeclared_label.text()
    panel.add_inputs_button.click()
    qtbot.waitUntil(lambda: "language" in panel.inputs, timeout=3000)
    assert panel.undeclared.isHidden()
    assert "language" in [row["identifier"] for row in window.editor.content()[0]["inputs"]]
    window.editor.undo_action.trigger()
    qtbot.waitUntil(lambda: "language" not in panel.inputs, timeout=3000)


def test_screenshot_try_it_dark(qtbot, run_async, tmp_path, dark_palette, screenshots):
    window = open_window(qtbot, run_async, tmp_path / "app")
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt(HANDLE)
    window.try_it_action.trigger()
    panel = window.try_it
    panel.findChild(QPlainTextEdit, "sampleInputField_input").setPlainText("I was charged twice this month.")
    qtbot.waitUntil(lambda: "charged twice" in panel.preview.toPlainText(), timeout=2000)
    window.resize(1440, 900)
    qtbot.waitUntil(lambda: window.width() == 1440, timeout=2000)
    image = screenshots.take(window, "try-it-panel-dark.png")
    assert image.pixelColor(image.width() - 40, image.height() // 2).lightness() < 128, "the panel is dark too"


def test_with_try_it_open_the_form_stacks_its_rows_and_the_history_keeps_room_for_its_messages(
        qtbot, run_async, tmp_path, screenshots):
    """Beside the history and Try it the form is narrow: its side-by-side rows (the model and its parameters,
    inputs and outputs) go one under the other, rather than setting how narrow the form may be."""
    window = open_window(qtbot, run_async, tmp_path / "app")
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt(HANDLE)
    editor = window.editor
    window.resize(1440, 900)
    qtbot.waitUntil(lambda: window.width() == 1440, timeout=2000)
    assert editor.model_settings.header_row.side_by_side() and editor.fields_row.side_by_side()

    window.try_it_action.trigger()
    qtbot.waitUntil(lambda: window.try_it.test_cases.handle == HANDLE, timeout=5000)
    qtbot.waitUntil(lambda: not editor.fields_row.side_by_side(), timeout=2000)
    assert not editor.model_settings.header_row.side_by_side()
    metrics = window.history_view.fontMetrics()
    assert window.history_view.columnWidth(3) >= metrics.horizontalAdvance("Fixed list of"), "messages legible"
    qtbot.waitUntil(lambda: "has no value" in window.try_it.preview.toPlainText(), timeout=2000)

    assert window.minimumSizeHint().width() <= 1280, "a small laptop holds the list, form, history and Try it"
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=2000)
    body = editor.scroll_area.widget()
    qtbot.waitUntil(lambda: body.width() <= editor.scroll_area.viewport().width(), timeout=2000)
    outputs = editor.outputs_editor.view
    assert outputs.columnWidth(0) >= outputs.fontMetrics().horizontalAdvance("category") + 8, "output names read"
    screenshots.take(window, "try-it-at-1280.png")
