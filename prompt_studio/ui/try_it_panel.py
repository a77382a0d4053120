"""Try it: sample values for the prompt's inputs, and what the model receives with them, as the author types.

The rendering is `prompt_studio.rendering` (the official SDK's Liquid, or Orkes's `${name}`); this panel only
collects values and shows the result: the messages with their roles, each variable without a value marked, and a
template that cannot render said in words at its message, never as a dialog.
"""

from __future__ import annotations

import html
import json
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models.labels import INPUT_TYPE_LABELS
from prompt_studio.models.problems import json_problem
from prompt_studio.models.variables import orkes_variables
from prompt_studio.rendering import Rendering, preview_messages, templates_of_config

PREVIEW_DELAY_MS = 80
"""A pause in typing before the preview follows: a typical prompt renders in well under a millisecond, so this
only spares a 1 MB one from rendering on every keystroke."""
_JSON_TYPES = {"list", "dict", "chat_messages", "list[str]", "list[float]", "list[int]", "list[bool]"}


class SampleInput(QWidget):
    """One input's value, edited as its type asks: text, a number, yes/no, or JSON checked as it is typed."""

    sig_changed = Signal()
    """The value changed (it may not be valid yet)."""

    def __init__(self, identifier: str, kind: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.identifier, self.kind = identifier, kind
        self.setObjectName(f"sampleInput_{identifier}")
        self.setAccessibleName(f"Sample value of {identifier}")
        self.problem = QLabel()
        self.problem.setObjectName(f"sampleInputProblem_{identifier}")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #d93025;")
        self.problem.hide()
        if kind == "bool":
            self.field: QWidget = QCheckBox("Yes")
            self.field.toggled.connect(self.sig_changed)
        elif kind in ("float", "image"):
            self.field = QLineEdit()
            self.field.setPlaceholderText("A number, such as 0.5" if kind == "float" else "An image's URL")
            self.field.textChanged.connect(self._on_field_edited)
        else:
            self.field = QPlainTextEdit()
            self.field.setTabChangesFocus(True)
            self.field.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
            if kind in _JSON_TYPES:
                self.field.setPlaceholderText('JSON, such as ["a", "b"]' if kind.startswith("list") else "JSON")
            self.field.textChanged.connect(self._on_field_edited)
        self.field.setObjectName(f"sampleInputField_{identifier}")
        self.field.setAccessibleName(f"{identifier} ({INPUT_TYPE_LABELS.get(kind, kind)})")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.problem)

    def value(self) -> Any:
        """The value to render with; None when it is empty or does not read (it then counts as missing)."""
        if isinstance(self.field, QCheckBox):
            return self.field.isChecked()
        text = self.field.text() if isinstance(self.field, QLineEdit) else self.field.toPlainText()
        if not text.strip():
            return None
        if self.kind == "float":
            try:
                return float(text)
            except ValueError:
                return None
        if self.kind in _JSON_TYPES:
            try:
                return json.loads(text)
            except ValueError:
                return None
        return text

    def set_value(self, value: Any) -> None:
        if isinstance(self.field, QCheckBox):
            self.field.setChecked(bool(value))
            return
        text = "" if value is None else (json.dumps(value, ensure_ascii=False) if self.kind in _JSON_TYPES
                                         else str(value))
        if isinstance(self.field, QLineEdit):
            self.field.setText(text)
        else:
            self.field.setPlainText(text)

    def _on_field_edited(self, *_args: Any) -> None:
        self.problem.setText(self._problem() or "")
        self.problem.setVisible(bool(self.problem.text()))
        self.sig_changed.emit()

    def _problem(self) -> str | None:
        text = self.field.text() if isinstance(self.field, QLineEdit) else self.field.toPlainText()
        if not text.strip():
            return None
        if self.kind == "float":
            try:
                float(text)
            except ValueError:
                return "This needs a number, such as 0.5."
        if self.kind in _JSON_TYPES:
            try:
                json.loads(text)
            except json.JSONDecodeError as error:
                return json_problem(error)
        return None


class TryItPanel(QWidget):
    """What the model receives for the prompt on screen (draft included) and the sample values given here."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("tryItPanel")
        self.setAccessibleName("Try it")
        self._config: dict[str, Any] = {}
        self._syntax = "liquid"
        self.inputs: dict[str, SampleInput] = {}
        self.rendering: Rendering | None = None
        self.inputs_title = QLabel("<b>Sample inputs</b>")
        self.no_inputs = QLabel("This prompt has no inputs.")
        self.no_inputs.setObjectName("tryItNoInputs")
        self.inputs_area = QWidget()
        self.inputs_form = QFormLayout(self.inputs_area)
        self.inputs_form.setContentsMargins(0, 0, 0, 0)
        self.preview_title = QLabel("<b>What the model receives</b>")
        self.preview = QTextBrowser()
        self.preview.setObjectName("renderedPreview")
        self.preview.setAccessibleName("What the model receives")
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)

        layout = QVBoxLayout(self)
        layout.addWidget(self.inputs_title)
        layout.addWidget(self.no_inputs)
        layout.addWidget(self.inputs_area)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview, 1)

        self.preview_timer.timeout.connect(self.refresh)

    def show_prompt(self, config: dict[str, Any], syntax: str = "liquid") -> None:
        """The prompt as it is on screen now; the inputs follow its declared inputs, keeping values typed."""
        self._config, self._syntax = config, syntax
        declared = [(str(item.get("identifier") or ""), str(item.get("type") or "str"))
                    for item in config.get("inputs") or [] if isinstance(item, dict) and item.get("identifier")]
        if syntax == "orkes":
            declared = [(name, "str") for name in orkes_variables([str(config.get("prompt") or "")])]
        if [(name, widget.kind) for name, widget in self.inputs.items()] != declared:
            self._rebuild_inputs(declared)
        self.preview_timer.start()

    def values(self) -> dict[str, Any]:
        """The sample values that are given (an empty one counts as missing, as a missing variable would)."""
        return {name: value for name, widget in self.inputs.items() if (value := widget.value()) is not None}

    def _rebuild_inputs(self, declared: list[tuple[str, str]]) -> None:
        kept = {name: widget.value() for name, widget in self.inputs.items()}
        while self.inputs_form.rowCount():
            self.inputs_form.removeRow(0)
        self.inputs = {}
        for name, kind in declared:
            widget = SampleInput(name, kind, self.inputs_area)
            if kept.get(name) is not None:
                widget.set_value(kept[name])
            widget.sig_changed.connect(self.preview_timer.start)
            label = QLabel(name)
            label.setToolTip(INPUT_TYPE_LABELS.get(kind, kind))
            label.setBuddy(widget.field)
            self.inputs_form.addRow(label, widget)
            self.inputs[name] = widget
        self.no_inputs.setVisible(not declared)

    def refresh(self) -> None:
        """Render now (the timer calls this after a pause in typing)."""
        self.preview_timer.stop()
        templates = templates_of_config(self._config, self._syntax)
        self.rendering = preview_messages(templates, self.values(), syntax=self._syntax)
        self.preview.setHtml(_rendering_html(self.rendering))


def _rendering_html(rendering: Rendering) -> str:
    blocks = []
    for index, message in enumerate(rendering.messages):
        notes = [f"<span style='color:#b06000;'>! {html.escape(item.description)}</span>"
                 for item in rendering.missing if item.message == index]
        notes += [f"<span style='color:#d93025;'>This text cannot be rendered: {html.escape(problem.reason)}</span>"
                  for problem in rendering.problems if problem.message == index]
        text = html.escape(message.content) or "<i style='color:gray;'>(empty)</i>"
        blocks.append(
            f"<p><b>{html.escape(message.role.capitalize())}</b><br>{text.replace(chr(10), '<br>')}</p>"
            + "".join(f"<p style='margin-top:0;'>{note}</p>" for note in notes)
        )
    return "".join(blocks)
