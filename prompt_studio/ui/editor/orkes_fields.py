"""What an Orkes prompt holds besides its template: a description and the models (integrations) it may run on."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.ui.editor.widgets import UndoKeysToForm, named

_MODELS_HELP = ("Each line is integrationName:modelName, as the Orkes integrations name them. The first one is the "
                "model above; Test prompt runs on it.")


class OrkesFields(QWidget):
    """The description and the list of `integrationName:modelName` of one Orkes prompt version."""

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
        self.models_list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                         | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.add_model_button = named(QPushButton("Add model"), "addModelButton", "Add a model")
        self.remove_model_button = named(QPushButton("Remove"), "removeModelButton", "Remove the selected model")
        self._loading = False

        buttons = QVBoxLayout()
        buttons.addWidget(self.add_model_button)
        buttons.addWidget(self.remove_model_button)
        buttons.addStretch(1)
        models = QHBoxLayout()
        models.addWidget(self.models_list, 1)
        models.addLayout(buttons)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Description", self.description_field)
        form.addRow("Models", models)
        self._fit_list()

        self.description_field.installEventFilter(undo_keys)
        self.description_field.textEdited.connect(lambda _text: self.sig_edited.emit("description", False))
        self.models_model.dataChanged.connect(self._on_models_model_changed)
        self.models_model.rowsRemoved.connect(self._on_models_model_changed)
        self.add_model_button.clicked.connect(self._on_add_model_button_clicked)
        self.remove_model_button.clicked.connect(self._on_remove_model_button_clicked)

    def set_values(self, description: str, models: list[str]) -> None:
        self._loading = True
        try:
            self.description_field.setText(description)
            self.models_model.setStringList(models)
        finally:
            self._loading = False
        self._fit_list()

    def description(self) -> str:
        return self.description_field.text()

    def models(self) -> list[str]:
        return [model.strip() for model in self.models_model.stringList() if model.strip()]

    def replace_first_model(self, model: str) -> None:
        """The model field above is the first model: keep the list saying the same, without an edit of its own."""
        self._loading = True
        try:
            if self.models_model.rowCount():
                self.models_model.setData(self.models_model.index(0), model)
            else:
                self.models_model.setStringList([model])
        finally:
            self._loading = False
        self._fit_list()

    def set_read_only(self, read_only: bool) -> None:
        self.description_field.setReadOnly(read_only)
        self.models_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only else
                                         QAbstractItemView.EditTrigger.DoubleClicked
                                         | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.add_model_button.setEnabled(not read_only)
        self.remove_model_button.setEnabled(not read_only)

    def _fit_list(self) -> None:
        """As tall as its rows (two to six): a prompt usually has one or two models."""
        rows = min(max(self.models_model.rowCount(), 2), 6)
        self.models_list.setFixedHeight(rows * (self.models_list.fontMetrics().height() + 6) + 6)

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
