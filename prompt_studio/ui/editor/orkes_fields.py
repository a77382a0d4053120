"""What an Orkes prompt holds besides its template: a description, the models (integrations) it may run on, and the
settings newer servers keep, which Prompt Studio shows but cannot change."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models.labels import field_label
from prompt_studio.models.orkes import KEPT_SETTINGS
from prompt_studio.ui.editor.widgets import FocusFrame, UndoKeysToForm, named

_MODELS_HELP = ("Each line is integrationName:modelName, as the Orkes integrations name them. Test prompt runs on "
                "the first one.")
_NO_MODEL_NOTE = ("No model: this prompt names none, and saving keeps it that way. Add one to try the prompt with "
                  "Test prompt.")
_KEPT_NOTE = "Orkes keeps these settings; Prompt Studio shows them but cannot change them."
_EDITABLE = QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
# (object name, label) of each setting Orkes keeps; `orkes_response_format` is the response format of Orkes' shape.
_KEPT_FIELDS: dict[str, tuple[str, str]] = {
    "temperature": ("temperatureValue", field_label("temperature")),
    "top_p": ("topPValue", field_label("top_p")),
    "orkes_response_format": ("responseFormatValue", field_label("response_format")),
    "stop_words": ("stopWordsValue", field_label("stop_words")),
}


def _setting_text(value: Any) -> str:
    """A kept setting as a prompt author reads it; stop words quoted, so that a space or a line break shows."""
    if isinstance(value, list):
        return ", ".join(json.dumps(item, ensure_ascii=False) for item in value)
    return str(value)


class OrkesFields(QWidget):
    """The description, the list of `integrationName:modelName` (first: the one a test runs on) and the kept
    settings of one Orkes prompt version."""

    sig_edited = Signal(str, bool)
    """The user changed a field: (undo key for typing that may merge into one step, whether a step ended)."""

    def __init__(self, undo_keys: UndoKeysToForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orkesFields")
        self.description_field = named(QLineEdit(), "descriptionField", "Description")
        self.description_field.setPlaceholderText("What this prompt is for (Orkes requires one when saving)")
        self.models_model = QStringListModel(self)
        self.models_list = named(QListView(), "modelsList", "Models")
        self.models_list.setModel(self.models_model)
        self.models_list.setToolTip(_MODELS_HELP)
        self.models_list.setEditTriggers(_EDITABLE)
        FocusFrame(self.models_list)
        self.add_model_button = named(QPushButton("Add model"), "addModelButton", "Add a model")
        self.remove_model_button = named(QPushButton("Remove"), "removeModelButton", "Remove the selected model")
        self.first_model_button = named(QPushButton("Make first"), "firstModelButton",
                                        "Make the selected model the first: Test prompt runs on it")
        self.model_note = named(QLabel(), "modelNote", "Which model Test prompt runs on")
        self.model_note.setWordWrap(True)
        self.setting_captions: dict[str, QLabel] = {}
        self.setting_values: dict[str, QLabel] = {}
        for key in KEPT_SETTINGS:
            object_name, label = _KEPT_FIELDS[key]
            self.setting_captions[key] = QLabel(label)
            value = named(QLabel(), object_name, label)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            font = value.font()
            font.setBold(True)
            value.setFont(font)
            value.setToolTip(_KEPT_NOTE)
            self.setting_values[key] = value
        self.settings_note = QLabel(_KEPT_NOTE)
        self.settings_note.setWordWrap(True)
        self.settings_note.setEnabled(False)
        self._loading = False

        buttons = QVBoxLayout()
        buttons.addWidget(self.add_model_button)
        buttons.addWidget(self.remove_model_button)
        buttons.addWidget(self.first_model_button)
        buttons.addStretch(1)
        models_row = QHBoxLayout()
        models_row.addWidget(self.models_list, 1)
        models_row.addLayout(buttons)
        models = QVBoxLayout()
        models.setSpacing(2)
        models.addLayout(models_row)
        models.addWidget(self.model_note)
        values = QHBoxLayout()
        values.setSpacing(6)
        for key, value in self.setting_values.items():
            self.setting_captions[key].setBuddy(value)
            values.addWidget(self.setting_captions[key])
            values.addWidget(value)
            values.addSpacing(18)
        values.addStretch(1)
        self._settings = QWidget()
        settings = QVBoxLayout(self._settings)
        settings.setContentsMargins(0, 0, 0, 0)
        settings.setSpacing(2)
        settings.addLayout(values)
        settings.addWidget(self.settings_note)
        self._form = QFormLayout(self)
        self._form.setContentsMargins(0, 0, 0, 0)
        self._form.addRow("Description", self.description_field)
        self._form.addRow("Models", models)
        self._form.addRow("Settings", self._settings)
        self._fit_list()

        self.description_field.installEventFilter(undo_keys)
        self.description_field.textEdited.connect(self._on_description_field_text_edited)
        self.models_model.dataChanged.connect(self._on_models_model_changed)
        self.models_model.rowsRemoved.connect(self._on_models_model_changed)
        self.models_model.rowsMoved.connect(self._on_models_model_changed)
        self.add_model_button.clicked.connect(self._on_add_model_button_clicked)
        self.remove_model_button.clicked.connect(self._on_remove_model_button_clicked)
        self.first_model_button.clicked.connect(self._on_first_model_button_clicked)

    def set_values(self, description: str, models: list[str], settings: Mapping[str, Any]) -> None:
        """Show a version's description, its models (first: the one a test runs on) and the settings it keeps;
        a setting it does not have is not shown at all."""
        self._loading = True
        try:
            self.description_field.setText(description)
            self.models_model.setStringList(models)
        finally:
            self._loading = False
        for key, label in self.setting_values.items():
            value = settings.get(key)
            label.setText("" if value is None else _setting_text(value))
            label.setVisible(value is not None)
            self.setting_captions[key].setVisible(value is not None)
        self._form.setRowVisible(self._settings, any(settings.get(key) is not None for key in KEPT_SETTINGS))
        self._fit_list()

    def description(self) -> str:
        return self.description_field.text()

    def models(self) -> list[str]:
        return [model.strip() for model in self.models_model.stringList() if model.strip()]

    def set_read_only(self, read_only: bool) -> None:
        self.description_field.setReadOnly(read_only)
        self.models_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only else _EDITABLE)
        for button in (self.add_model_button, self.remove_model_button, self.first_model_button):
            button.setVisible(not read_only)

    def _fit_list(self) -> None:
        """As tall as its rows (two to six): a prompt usually has one or two models. The note under it says which
        one a test runs on, or plainly that there is none."""
        rows = min(max(self.models_model.rowCount(), 2), 6)
        self.models_list.setFixedHeight(rows * (self.models_list.fontMetrics().height() + 6) + 6)
        models = self.models()
        self.model_note.setText(f"Test prompt runs on the first: {models[0]}" if models else _NO_MODEL_NOTE)

    def _on_description_field_text_edited(self, _text: str) -> None:
        self.sig_edited.emit("description", False)

    def _on_models_model_changed(self, *_args) -> None:
        self._fit_list()
        if not self._loading:
            self.sig_edited.emit("", True)

    def _on_add_model_button_clicked(self) -> None:
        row = self.models_model.rowCount()
        self._loading = True
        self.models_model.insertRows(row, 1)
        self._loading = False
        index = self.models_model.index(row)
        self.models_list.setCurrentIndex(index)
        self.models_list.edit(index)

    def _on_remove_model_button_clicked(self) -> None:
        index = self.models_list.currentIndex()
        if index.isValid():
            self.models_model.removeRows(index.row(), 1)

    def _on_first_model_button_clicked(self) -> None:
        index = self.models_list.currentIndex()
        if index.isValid() and index.row() > 0:
            self.models_model.moveRows(index.parent(), index.row(), 1, index.parent(), 0)
            self.models_list.setCurrentIndex(self.models_model.index(0))
