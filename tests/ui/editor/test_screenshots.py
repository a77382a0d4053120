"""Screenshots of the editor with a realistic prompt, in the light and the dark palette: look at them."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication

from prompt_studio.ui.editor import PromptEditor
from prompt_studio.ui.highlighting import palette_is_dark

REALISTIC_CONFIG = {
    "prompt": (
        "You are the support assistant of {{ product }}, an online bike shop.\n"
        "Greet {{ customer_name }} by name and answer their question in at most three short paragraphs.\n"
        "\n"
        "{% if vip %}This customer has a premium plan: offer free express shipping when it helps.{% endif %}\n"
        "Never promise a refund; explain the return policy and link to it instead.\n"
        "If you are not sure, say so and offer to hand over to a human colleague."
    ),
    "model": "anthropic/claude-sonnet-4-5",
    "temperature": 0.4,
    "max_tokens": 800,
    "reasoning_effort": "medium",
    "messages": [
        {"role": "user", "content": "My order {{ order_id }} has not arrived yet. What can I do?"},
        {"role": "assistant", "content": "I am sorry about the wait! Let me check the tracking for you."},
        {"role": "user", "content": "{{ question }}"},
    ],
    "inputs": [
        {"identifier": "product", "type": "str"},
        {"identifier": "vip", "type": "bool"},
        {"identifier": "order_id", "type": "str"},
        {"identifier": "question", "type": "str"},
    ],
    "outputs": [
        {
            "identifier": "reply",
            "type": "json_schema",
            "json_schema": {
                "type": "object",
                "properties": {"answer": {"type": "string"}, "handover": {"type": "boolean"}},
                "required": ["answer"],
            },
        },
    ],
    "response_format": {
        "type": "json_schema",
        "json_schema": {
            "name": "reply",
            "schema": {
                "type": "object",
                "properties": {"answer": {"type": "string"}, "handover": {"type": "boolean"}},
                "required": ["answer"],
            },
        },
    },
    "demonstrations": {
        "inline": {
            "records": {
                "question": ["Where is my order?", "Can I change the delivery address?"],
                "answer": ["It left our warehouse yesterday.", "Yes, until the parcel ships."],
            },
            "columnTypes": [{"name": "question", "type": "string"}, {"name": "answer", "type": "string"}],
        },
    },
    "prompting_technique": {"type": "few_shot"},
}


def dark_palette() -> QPalette:
    """A dark palette such as a desktop in dark mode gives."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2d31", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1f2023", QPalette.ColorRole.AlternateBase: "#26282c",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.PlaceholderText: "#8a8d93",
        QPalette.ColorRole.Button: "#35373c", QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.ToolTipBase: "#2b2d31", QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.Light: "#45474d", QPalette.ColorRole.Midlight: "#3a3c41",
        QPalette.ColorRole.Mid: "#303236", QPalette.ColorRole.Dark: "#1a1b1e",
        QPalette.ColorRole.Shadow: "#111214", QPalette.ColorRole.Highlight: "#3d6fb6",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Link: "#7aa7e8",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7c7f86"))
    return palette


@pytest.fixture
def dark_application(qapp):
    """The application in the dark palette for one test, then back to what it was."""
    previous = qapp.palette()
    qapp.setPalette(dark_palette())
    yield qapp
    qapp.setPalette(previous)


def shoot(qtbot, screenshots, name: str) -> tuple[PromptEditor, QImage]:
    editor = PromptEditor()
    qtbot.addWidget(editor)
    editor.set_content(REALISTIC_CONFIG, {"shop_region": "EU", "max_turns": 6})
    editor.resize(900, 1000)
    editor.show()
    qtbot.waitExposed(editor)
    editor.demonstrations_section.set_open(True)
    QApplication.processEvents()
    assert (editor.width(), editor.height()) == (900, 1000)
    assert editor.system_prompt_edit.toPlainText() == REALISTIC_CONFIG["prompt"]
    assert editor.content()[0]["model"] == REALISTIC_CONFIG["model"]
    assert editor.demonstrations_section.is_open() and editor.demonstrations_editor.isVisible()
    return editor, screenshots.take(editor, name)


def test_screenshot_light(qtbot, screenshots):
    editor, image = shoot(qtbot, screenshots, "editor.png")

    assert not palette_is_dark(editor.system_prompt_edit.palette())
    assert QColor(image.pixel(5, 5)).lightness() > 128, "a light window behind the editor"


def test_screenshot_dark(qtbot, dark_application, screenshots):
    editor, image = shoot(qtbot, screenshots, "editor-dark.png")

    assert palette_is_dark(editor.system_prompt_edit.palette())
    assert QColor(image.pixel(5, 5)).lightness() < 128, "a dark window behind the editor"
    block = editor.system_prompt_edit.document().firstBlock()
    variable = next(piece for piece in block.layout().formats() if block.text()[piece.start:].startswith("product"))
    assert variable.format.foreground().color().lightness() > 128, "variables stay readable on a dark base"


def test_screenshot_at_1280x720_with_the_keyboard_in_the_form(qtbot, screenshots):
    """The editor as a 1280x720 screen leaves room for it: first with the keyboard on the system prompt (its focus
    frame shows) and a temperature just emptied (LangWatch would keep 0.4); then scrolled down to the inputs,
    outputs, demonstrations and runtime parameters, the keyboard on the inputs table."""
    editor = PromptEditor()
    qtbot.addWidget(editor)
    editor.set_content(REALISTIC_CONFIG, {"shop_region": "EU", "max_turns": 6})
    editor.resize(1280, 720)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    editor.model_settings.fields["temperature"].clear()
    editor.system_prompt_edit.setFocus()
    QApplication.processEvents()

    assert editor.system_prompt_edit.hasFocus()
    assert editor.model_settings.messages["temperature"].isVisible()
    screenshots.take(editor, "editor-1280x720.png")

    editor.demonstrations_section.set_open(True)
    editor.parameters_section.set_open(True)
    editor.inputs_editor.view.setFocus()
    QApplication.processEvents()
    bar = editor.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    assert editor.inputs_editor.view.visibleRegion().boundingRect().height() > 0, "the inputs stay in view"
    screenshots.take(editor, "editor-1280x720-lower.png")
