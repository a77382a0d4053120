"""Try it: sample values for the prompt's inputs, what the model receives with them, and the model's answer.

The rendering is `prompt_studio.rendering` (the official SDK's Liquid, or Orkes's `${name}`), a run goes through
`services.trying`; this panel only collects values and shows results: the messages with their roles, each
variable without a value marked, a template that cannot render said at its message, and the answer as it streams
in with its figures, or the provider's refusal in plain words, never as a dialog.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models.labels import INPUT_TYPE_LABELS
from prompt_studio.models.problems import json_problem
from prompt_studio.models.variables import orkes_variables
from prompt_studio.rendering import Rendering, preview_messages, templates_of_config
from prompt_studio.services.trying import RunSummary, TextDelta, Trials

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

    sig_run_finished = Signal(object)
    """A run ended (its RunSummary), stopped or not."""

    def __init__(self, parent: QWidget | None = None, trials: Trials | None = None):
        super().__init__(parent)
        self.trials = trials
        self._running: asyncio.Task | None = None
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
        self.run_action = QAction("Run", self)
        self.run_action.setObjectName("runAction")
        self.run_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.run_button = QPushButton("Run  (Ctrl+Enter)")
        self.run_button.setObjectName("runButton")
        self.run_button.setAccessibleName("Run the prompt on its model")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setObjectName("stopRunButton")
        self.stop_button.setAccessibleName("Stop the run")
        self.stop_button.setEnabled(False)
        self.answer = QPlainTextEdit()
        self.answer.setObjectName("runAnswer")
        self.answer.setAccessibleName("The model's answer")
        self.answer.setReadOnly(True)
        self.answer.setPlaceholderText("The model's answer appears here as it is written.")
        self.stats = QLabel()
        self.stats.setObjectName("runStats")
        self.stats.setWordWrap(True)
        self.stats.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)

        layout = QVBoxLayout(self)
        layout.addWidget(self.inputs_title)
        layout.addWidget(self.no_inputs)
        layout.addWidget(self.inputs_area)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.answer, 1)
        layout.addWidget(self.stats)

        self.preview_timer.timeout.connect(self.refresh)
        self.run_action.triggered.connect(self.run)
        self.run_button.clicked.connect(self.run)
        self.stop_button.clicked.connect(self.stop)

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

    # -- running ------------------------------------------------------------------------------------------------

    def run(self) -> asyncio.Task | None:
        """Send what the model receives (as on screen now, draft included) to the prompt's model."""
        if self.trials is None or self._running is not None or not self._config:
            return None
        self.refresh()
        self.answer.clear()
        self.stats.setText(f"Asking {self._config.get('model') or 'the model'}...")
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self._running = asyncio.ensure_future(self._run(dict(self._config), self.rendering))
        return self._running

    def stop(self) -> None:
        """End the run now: the connection closes and no more of the answer arrives."""
        if self._running is not None:
            self._running.cancel()

    async def _run(self, config: dict[str, Any], rendering: Rendering) -> RunSummary | None:
        summary: RunSummary | None = None
        try:
            async with contextlib.aclosing(self.trials.run(config, rendering)) as events:
                async for event in events:
                    if isinstance(event, TextDelta):
                        self.answer.moveCursor(self.answer.textCursor().MoveOperation.End)
                        self.answer.insertPlainText(event.text)
                    else:
                        summary = event
            self.stats.setText(_stats_words(summary) if summary is not None else "")
        except asyncio.CancelledError:
            self.stats.setText("Stopped: what arrived before Stop is shown; nothing more will come.")
        finally:
            self._running = None
            self.run_button.setEnabled(True)
            self.stop_button.setEnabled(False)
            self.sig_run_finished.emit(summary)
        return summary


def _seconds(value: float | None) -> str:
    if value is None:
        return "unknown"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def _stats_words(summary: RunSummary) -> str:
    """The run's figures in one or two lines, or what went wrong and what to do."""
    if summary.error is not None:
        return summary.error.message
    tokens = (f"{summary.input_tokens} + {summary.output_tokens} tokens"
              if summary.input_tokens is not None and summary.output_tokens is not None else "tokens unknown")
    lines = [f"{_seconds(summary.time_to_first_token)} to the first token, {_seconds(summary.total_time)} in all, "
             f"{tokens}, cost {summary.cost_words}, finished: {summary.finish_reason or 'unknown'}"]
    if summary.cut_off:
        lines.append("The answer was cut off: the provider ended the stream before saying it was complete.")
    if summary.schema_check is not None and summary.schema_check.problem:
        lines.append(summary.schema_check.problem)
    lines += summary.parameters.notes
    lines += [f"Not sent: {name}: {why}" for name, why in summary.parameters.left_out.items()]
    return "\n".join(lines)


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
