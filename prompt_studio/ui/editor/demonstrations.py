"""Demonstrations: example records the model learns from, as a table whose columns have a name and a type.

The wire keeps them column by column (`inline.records: {column: [values]}` + `columnTypes`); the table shows
them row by row. Lists of unequal length and columns without a type are kept as they came until edited.
A cell of a column that is not text reads JSON; text that starts like JSON but does not read is kept as text,
and the form says where it breaks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models import COLUMN_TYPES
from prompt_studio.models.labels import COLUMN_TYPE_LABELS, choice_label
from prompt_studio.models.problems import json_problem
from prompt_studio.ui.editor.widgets import (
    TABLE_EDIT_TRIGGERS,
    FieldMessage,
    named,
    setup_small_table,
    wheel_only_when_focused,
)

ModelIndex = QModelIndex | QPersistentModelIndex
_JSON_OPENINGS = ("{", "[", '"')


@dataclass
class DemonstrationColumn:
    """One column: its `columnTypes` entry (None when the records name a column without a type) and values."""

    name: str
    column_type: dict[str, Any] | None
    values: list[Any] | None

    @property
    def type_name(self) -> str:
        return str(self.column_type.get("type", "")) if self.column_type else ""


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def cell_value(text: str, type_name: str) -> Any:
    """Text of a `string` column stays text; other columns read JSON (`3`, `true`, `[1, 2]`) or keep the text."""
    if type_name == "string":
        return text
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def cell_problem(value: Any, type_name: str) -> str:
    """What is wrong with a cell's value: text in a column that reads JSON, which starts like JSON but breaks."""
    if type_name == "string" or not isinstance(value, str) or not value.strip().startswith(_JSON_OPENINGS):
        return ""
    try:
        json.loads(value)
    except json.JSONDecodeError as error:
        return f"{json_problem(error, lines=False)} It is kept as text."
    return ""


class DemonstrationsModel(QAbstractTableModel):
    """The demonstration records, one row per example and one column per field."""

    sig_edited = Signal()
    """The user changed a value, a column or the rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loaded: Any = None
        self._edited = False
        self._outer: dict[str, Any] | None = None
        self._had_inline = False
        self.sig_edited.connect(self._on_sig_edited)
        self._inline_extra: dict[str, Any] = {}
        self._columns: list[DemonstrationColumn] = []
        self._warning_icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        if parent.isValid():
            return 0
        return max((len(column.values or ()) for column in self._columns), default=0)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        return f"{column.name} ({choice_label(COLUMN_TYPE_LABELS, column.type_name)})" if column.type_name \
            else column.name

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(self._columns):
            return None
        column = self._columns[index.column()]
        values = column.values or []
        value = values[index.row()] if index.row() < len(values) else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return cell_text(value)
        if role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole):
            problem = cell_problem(value, column.type_name)
            if problem:
                return self._warning_icon if role == Qt.ItemDataRole.DecorationRole else problem
        return None

    def cell_problems(self) -> list[tuple[int, str, str]]:
        """(row, column name, problem) of every cell whose text does not read as the JSON it starts like."""
        return [
            (row, column.name, problem)
            for column in self._columns
            for row, value in enumerate(column.values or [])
            if (problem := cell_problem(value, column.type_name))
        ]

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        column = self._columns[index.column()]
        new_value = cell_value(str(value), column.type_name)
        values = list(column.values or [])
        if index.row() < len(values) and values[index.row()] == new_value and type(values[index.row()]) is type(
            new_value
        ):
            return False
        values.extend([None] * (index.row() + 1 - len(values)))
        values[index.row()] = new_value
        column.values = values
        self.dataChanged.emit(index, index)
        self.sig_edited.emit()
        return True

    def columns(self) -> list[DemonstrationColumn]:
        return list(self._columns)

    def demonstrations(self) -> dict[str, Any] | None:
        """The `demonstrations` object as edited, or None when there were none and none were added.

        Until the first edit it is exactly the object that was loaded, odd shapes included.
        """
        if not self._edited:
            return self._loaded
        if self._outer is None and not self._columns:
            return None
        outer = dict(self._outer or {})
        if not self._had_inline and not self._columns:
            return outer
        outer["inline"] = {
            **self._inline_extra,
            "records": {column.name: list(column.values) for column in self._columns if column.values is not None},
            "columnTypes": [dict(column.column_type) for column in self._columns if column.column_type is not None],
        }
        return outer

    def set_demonstrations(self, demonstrations: dict[str, Any] | None) -> None:
        if demonstrations == self.demonstrations():
            return
        self.beginResetModel()
        self._loaded = demonstrations
        self._edited = False
        outer = demonstrations if isinstance(demonstrations, dict) else None
        self._outer = None if outer is None else {key: value for key, value in outer.items() if key != "inline"}
        self._had_inline = outer is not None and "inline" in outer
        inline = outer.get("inline") if outer is not None else None
        inline = inline if isinstance(inline, dict) else {}
        self._inline_extra = {key: value for key, value in inline.items() if key not in ("records", "columnTypes")}
        records = inline.get("records") if isinstance(inline.get("records"), dict) else {}
        column_types = [entry for entry in inline.get("columnTypes") or [] if isinstance(entry, dict)]
        self._columns = [
            DemonstrationColumn(str(entry.get("name", "")), dict(entry), records.get(entry.get("name")))
            for entry in column_types
        ]
        typed = {column.name for column in self._columns}
        self._columns += [
            DemonstrationColumn(name, None, list(values) if isinstance(values, list) else values)
            for name, values in records.items()
            if name not in typed
        ]
        self.endResetModel()

    def _on_sig_edited(self) -> None:
        self._edited = True

    def add_row(self) -> int:
        position = self.rowCount()
        self.beginInsertRows(QModelIndex(), position, position)
        for column in self._columns:
            values = list(column.values or [])
            values.extend([None] * (position - len(values)))
            values.append("" if column.type_name == "string" else None)
            column.values = values
        self.endInsertRows()
        self.sig_edited.emit()
        return position

    def remove_row(self, position: int) -> None:
        self.beginRemoveRows(QModelIndex(), position, position)
        for column in self._columns:
            if column.values is not None and position < len(column.values):
                column.values = column.values[:position] + column.values[position + 1 :]
        self.endRemoveRows()
        self.sig_edited.emit()

    def add_column(self, name: str, type_name: str = "string") -> int:
        position = len(self._columns)
        self.beginInsertColumns(QModelIndex(), position, position)
        empty = "" if type_name == "string" else None
        self._columns.append(DemonstrationColumn(name, {"name": name, "type": type_name}, [empty] * self.rowCount()))
        self.endInsertColumns()
        self.sig_edited.emit()
        return position

    def remove_column(self, position: int) -> None:
        rows_before = self.rowCount()
        self.beginRemoveColumns(QModelIndex(), position, position)
        del self._columns[position]
        self.endRemoveColumns()
        if self.rowCount() != rows_before:
            self.beginResetModel()
            self.endResetModel()
        self.sig_edited.emit()

    def rename_column(self, position: int, name: str) -> bool:
        """Give a column a new name; False when another column has it (records are keyed by name)."""
        column = self._columns[position]
        if name == column.name:
            return True
        if any(other.name == name for other in self._columns):
            return False
        column.name = name
        column.column_type = {**(column.column_type or {"type": "string"}), "name": name}
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, position, position)
        self.sig_edited.emit()
        return True

    def set_column_type(self, position: int, type_name: str) -> None:
        column = self._columns[position]
        if type_name == column.type_name:
            return
        column.column_type = {**(column.column_type or {"name": column.name}), "type": type_name}
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, position, position)
        self.sig_edited.emit()


class DemonstrationsEditor(QWidget):
    """The demonstrations table with its row and column controls."""

    sig_edited = Signal()
    """The user changed the demonstrations."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demonstrationsSection")
        self._read_only = False
        self._setting_column = False
        intro = QLabel("Examples the model can learn from: one row per example, one column per field.")
        intro.setWordWrap(True)
        self.model = DemonstrationsModel(self)
        self.view = named(QTableView(), "demonstrationsEditor", "Demonstrations")
        self.view.setModel(self.model)
        setup_small_table(self.view, max_rows=8)
        self.view.verticalHeader().show()
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        self.view.horizontalHeader().setDefaultSectionSize(170)
        self.add_row_button = named(QPushButton("+ Row"), "addDemonstrationRowButton", "Add an example row")
        self.remove_row_button = named(QPushButton("Remove row"), "removeDemonstrationRowButton",
                                       "Remove the selected example row")
        self.add_column_button = named(QPushButton("+ Column"), "addDemonstrationColumnButton", "Add a column")
        self.remove_column_button = named(QPushButton("Remove column"), "removeDemonstrationColumnButton",
                                          "Remove the selected column")
        self.column_name_field = named(QLineEdit(), "demonstrationColumnNameField", "Column name")
        self.column_name_field.setPlaceholderText("column name")
        self.column_name_field.setMinimumWidth(220)
        self.column_type_field = named(wheel_only_when_focused(QComboBox()), "demonstrationColumnTypeField",
                                       "Column type")
        for type_name in COLUMN_TYPES:
            self._add_column_type(type_name)
        self.message = FieldMessage("demonstrationsEditorMessage")

        rows = QHBoxLayout()
        rows.setSpacing(6)
        for button in (self.add_row_button, self.remove_row_button, self.add_column_button,
                       self.remove_column_button):
            rows.addWidget(button)
        rows.addStretch(1)
        column = QHBoxLayout()
        column.setSpacing(6)
        self._column_label = QLabel("Selected column:")
        column.addWidget(self._column_label)
        column.addWidget(self.column_name_field)
        type_label = QLabel("type")
        type_label.setBuddy(self.column_type_field)
        column.addWidget(type_label)
        column.addWidget(self.column_type_field)
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(intro)
        layout.addWidget(self.view)
        layout.addLayout(rows)
        layout.addLayout(column)
        layout.addWidget(self.message)

        self.model.sig_edited.connect(self.sig_edited)
        self.model.modelReset.connect(self._show_current_column)
        self.model.columnsInserted.connect(self._show_current_column)
        self.model.columnsRemoved.connect(self._show_current_column)
        self.view.selectionModel().currentChanged.connect(self._show_current_column)
        self.add_row_button.clicked.connect(self._on_add_row_button_clicked)
        self.remove_row_button.clicked.connect(self._on_remove_row_button_clicked)
        self.add_column_button.clicked.connect(self._on_add_column_button_clicked)
        self.remove_column_button.clicked.connect(self._on_remove_column_button_clicked)
        self.column_name_field.editingFinished.connect(self._on_column_name_field_editing_finished)
        self.column_type_field.currentIndexChanged.connect(self._on_column_type_field_current_index_changed)
        self._show_current_column()

    def _add_column_type(self, type_name: str) -> None:
        self.column_type_field.addItem(choice_label(COLUMN_TYPE_LABELS, type_name), type_name)
        self.column_type_field.setItemData(self.column_type_field.count() - 1, f"Stored as {type_name}",
                                           Qt.ItemDataRole.ToolTipRole)

    def focus_order(self) -> list[QWidget]:
        """The Tab stops in reading order: the table, its buttons, then the selected column's name and type."""
        return [self.view, self.add_row_button, self.remove_row_button, self.add_column_button,
                self.remove_column_button, self.column_name_field, self.column_type_field]

    def cell_notes(self) -> list[str]:
        """A line for every cell that does not read as the JSON it starts like."""
        return [f"Example {row + 1} › {name}: {problem}" for row, name, problem in self.model.cell_problems()]

    def summary(self) -> str:
        rows, columns = self.model.rowCount(), self.model.columnCount()
        if not columns:
            return ""
        return f"{rows} example{'s' if rows != 1 else ''}, {columns} column{'s' if columns != 1 else ''}"

    def current_column(self) -> int | None:
        if not self.model.columnCount():
            return None
        column = self.view.currentIndex().column()
        return column if 0 <= column < self.model.columnCount() else 0

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers if read_only else TABLE_EDIT_TRIGGERS)
        for button in (self.add_row_button, self.remove_row_button, self.add_column_button,
                       self.remove_column_button):
            button.setVisible(not read_only)
        self.column_name_field.setReadOnly(read_only)
        self._show_current_column()

    def _show_current_column(self) -> None:
        position = self.current_column()
        has_column = position is not None
        self._setting_column = True
        self.column_name_field.setText(self.model.columns()[position].name if has_column else "")
        type_name = self.model.columns()[position].type_name if has_column else ""
        if type_name and self.column_type_field.findData(type_name) < 0:
            self._add_column_type(type_name)
        self.column_type_field.setCurrentIndex(self.column_type_field.findData(type_name) if type_name else -1)
        self._setting_column = False
        self.column_name_field.setEnabled(has_column)
        self.column_type_field.setEnabled(has_column and not self._read_only)
        self.remove_column_button.setEnabled(has_column)
        self.add_row_button.setEnabled(has_column)
        self.remove_row_button.setEnabled(self.model.rowCount() > 0)

    def _on_add_row_button_clicked(self) -> None:
        position = self.model.add_row()
        self.view.setCurrentIndex(self.model.index(position, 0))
        self._show_current_column()

    def _on_remove_row_button_clicked(self) -> None:
        row = self.view.currentIndex().row()
        if 0 <= row < self.model.rowCount():
            self.model.remove_row(row)
        elif self.model.rowCount():
            self.model.remove_row(self.model.rowCount() - 1)
        self._show_current_column()

    def _on_add_column_button_clicked(self) -> None:
        names = {column.name for column in self.model.columns()}
        number = 1
        while f"column_{number}" in names:
            number += 1
        position = self.model.add_column(f"column_{number}")
        if self.model.rowCount() == 0:
            self.model.add_row()
        self.view.setCurrentIndex(self.model.index(0, position))
        self._show_current_column()
        self.column_name_field.setFocus()
        self.column_name_field.selectAll()

    def _on_remove_column_button_clicked(self) -> None:
        position = self.current_column()
        if position is not None:
            self.model.remove_column(position)

    def _on_column_name_field_editing_finished(self) -> None:
        position = self.current_column()
        if position is None or self._read_only:
            return
        name = self.column_name_field.text()
        if self.model.rename_column(position, name):
            self.message.set_message("")
        else:
            self.message.set_message(f"Another column is already named “{name}”; pick a different name.")
            self.column_name_field.setText(self.model.columns()[position].name)

    def _on_column_type_field_current_index_changed(self, _index: int) -> None:
        position = self.current_column()
        if position is not None and not self._setting_column:
            self.model.set_column_type(position, self.column_type_field.currentData())
