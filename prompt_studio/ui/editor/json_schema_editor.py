"""A dialog to write the JSON schema of a structured output, checked as the author types.

First the text must be JSON (the message gives line and column), then the `Output` model judges it as a
schema: the dialog never has rules of its own, and OK stays disabled until both agree. Leaving with changes
(Esc, Cancel, closing the window) asks before throwing away what was typed.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic_core import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout, QWidget

from prompt_studio.models import Output
from prompt_studio.models.problems import first_problem, json_problem
from prompt_studio.ui.editor.widgets import TemplateTextEdit, named

_EXAMPLE = {
    "type": "object",
    "properties": {"answer": {"type": "string"}},
    "required": ["answer"],
}


class JsonSchemaEditor(QDialog):
    """Edit one output's JSON schema; `sig_schema_accepted` carries the result when the author presses OK."""

    sig_schema_accepted = Signal(object)
    """The author accepted this schema (a dict, or None for no schema)."""

    def __init__(
        self, output_name: str, schema: dict[str, Any] | None, *, read_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("jsonSchemaEditor")
        self.setWindowTitle(f"Schema of output “{output_name}”")
        self.setAccessibleName(f"Schema of output {output_name}")
        self._output_name = output_name
        self._schema: dict[str, Any] | None = schema
        self._read_only = read_only
        self.discard_question: QMessageBox | None = None
        intro = QLabel(
            "Describe the JSON the model must answer with, as a JSON schema. It is checked as you type."
        )
        intro.setWordWrap(True)
        self.text_edit = named(TemplateTextEdit("json", grows_with_text=False), "jsonSchemaText",
                               "JSON schema")
        self.text_edit.setTabChangesFocus(False)
        self.text_edit.setUndoRedoEnabled(True)  # the dialog has no form history: the text keeps its own
        self.text_edit.setLineWrapMode(TemplateTextEdit.LineWrapMode.NoWrap)
        font = self.text_edit.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        self.text_edit.setFont(font)
        self.text_edit.setReadOnly(read_only)
        self.status = named(QLabel(), "jsonSchemaStatus", "Schema check")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Close if read_only
            else QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(620, 520)

        self.text_edit.sig_text_edited.connect(lambda _word_done: self._check())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text_edit.set_text(json.dumps(schema if schema is not None else _EXAMPLE, indent=2))
        self._opening_text = self.text_edit.text()
        self._check()

    def schema(self) -> dict[str, Any] | None:
        """The schema as last checked valid."""
        return self._schema

    def has_changes(self) -> bool:
        """Whether the text differs from what the dialog opened with."""
        return not self._read_only and self.text_edit.text() != self._opening_text

    def accept(self) -> None:
        if self.ok_button is not None and self.ok_button.isEnabled():
            self.sig_schema_accepted.emit(self._schema)
        super().accept()

    def reject(self) -> None:
        """Esc, Cancel and closing the window: leave at once without changes, otherwise ask first.

        The question is opened, never `exec()`ed: its answer comes through `finished`, so no event loop nests.
        """
        if not self.has_changes():
            super().reject()
            return
        if self.discard_question is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Discard changes", "Discard your changes to the schema?",
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("discardSchemaQuestion")
        box.setInformativeText(f"What you changed in the schema of output “{self._output_name}” will be lost.")
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole).setObjectName("discardSchemaButton")
        keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("keepEditingButton")
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: self._on_discard_question_finished(box))
        self.discard_question = box
        box.open()

    def _on_discard_question_finished(self, box: QMessageBox) -> None:
        self.discard_question = None
        clicked = box.clickedButton()
        if clicked is not None and box.buttonRole(clicked) == QMessageBox.ButtonRole.DestructiveRole:
            super().reject()
        else:
            self.text_edit.setFocus()

    def _check(self) -> None:
        problem = self._problem_with(self.text_edit.text())
        self.status.setText(problem or "This is a valid JSON schema.")
        if self.ok_button is not None:
            self.ok_button.setEnabled(not problem)

    def _problem_with(self, text: str) -> str:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            return json_problem(error)
        try:
            Output.model_validate({"identifier": "schema", "type": "json_schema", "json_schema": parsed})
        except ValidationError as error:
            return first_problem(error).near("The schema")
        self._schema = parsed
        return ""
