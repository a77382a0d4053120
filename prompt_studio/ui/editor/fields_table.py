"""Inputs and outputs: a small table of name + type per row, with the JSON schema of structured outputs.

Rows keep every key they came with (a newer server's extras included) and only the edited keys change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models.labels import INPUT_TYPE_LABELS, OUTPUT_TYPE_LABELS, choice_label
from prompt_studio.ui.editor.widgets import (
    TABLE_EDIT_TRIGGERS,
    FieldMessage,
    TableItemDelegate,
    named,
    setup_small_table,
    wheel_only_when_focused,
)

ModelIndex = QModelIndex | QPersistentModelIndex
NAME_COLUMN, TYPE_COLUMN, SCHEMA_COLUMN = 0, 1, 2
_NEW_SCHEMA: dict[str, Any] = {"type": "object", "properties": {}}


def schema_summary(schema: Any) -> str:
    """A few words describing a JSON schema, e.g. "object: answer, confidence"."""
    if not isinstance(schema, dict):
        return "no schema yet"
    kind = str(schema.get("type", "schema"))
    properties = schema.get("properties")
    if isinstance(properties, dict) and properties:
        names = list(properties)
        shown = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
        return f"{kind}: {shown}"
    return kind


def type_labels(kind: str) -> Mapping[str, str]:
    """The words for the types of an input or an output."""
    return OUTPUT_TYPE_LABELS if kind == "output" else INPUT_TYPE_LABELS


class FieldListModel(QAbstractTableModel):
    """The rows of `inputs` or `outputs`; the Schema column appears for outputs only.

    A type shows in words ("Text") and is edited and stored as its wire name (`str`), which its tooltip gives.
    """

    sig_edited = Signal()
    """The user changed a row, added one or removed one."""

    def __init__(self, kind: str, types: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.types = types
        self._with_schema = kind == "output"
        self._labels = type_labels(kind)
        self._rows: list[dict[str, Any]] = []
        self._problems: dict[int, str] = {}
        self._warning_icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return 3 if self._with_schema else 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Name", "Type", "Schema")[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (NAME_COLUMN, TYPE_COLUMN):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == NAME_COLUMN:
                return str(row.get("identifier", ""))
            if column == TYPE_COLUMN:
                wire = str(row.get("type", ""))
                return choice_label(self._labels, wire) if role == Qt.ItemDataRole.DisplayRole else wire
            if row.get("type") == "json_schema":
                return schema_summary(row.get("json_schema"))
            return ""
        problem = self._problems.get(index.row())
        if role == Qt.ItemDataRole.DecorationRole and column == NAME_COLUMN and problem:
            return self._warning_icon
        if role == Qt.ItemDataRole.ToolTipRole:
            if problem:
                return problem
            if column == TYPE_COLUMN:
                return f"Stored as {row.get('type', '')}"
            if column == SCHEMA_COLUMN and row.get("type") == "json_schema":
                return "Double-click to edit the schema"
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() not in (0, 1):
            return False
        row = dict(self._rows[index.row()])
        key = "identifier" if index.column() == NAME_COLUMN else "type"
        if row.get(key) == value:
            return False
        row[key] = value
        if key == "type" and self._with_schema:
            if value == "json_schema":
                row.setdefault("json_schema", dict(_NEW_SCHEMA))
            else:
                row.pop("json_schema", None)
        self._rows[index.row()] = row
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1))
        self.sig_edited.emit()
        return True

    def rows(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self._rows]

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        if rows == self._rows:
            return
        self.beginResetModel()
        self._rows = [dict(row) for row in rows]
        self._problems = {}
        self.endResetModel()

    def add_row(self, identifier: str, type_name: str = "str") -> int:
        position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.append({"identifier": identifier, "type": type_name})
        self.endInsertRows()
        self.sig_edited.emit()
        return position

    def remove_row(self, position: int) -> None:
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        self._problems = {}
        self.endRemoveRows()
        self.sig_edited.emit()

    def set_schema(self, position: int, schema: dict[str, Any] | None) -> None:
        row = dict(self._rows[position])
        if schema is None:
            row.pop("json_schema", None)
        else:
            row["json_schema"] = schema
        if row == self._rows[position]:
            return
        self._rows[position] = row
        self.dataChanged.emit(self.index(position, 0), self.index(position, self.columnCount() - 1))
        self.sig_edited.emit()

    def set_problems(self, problems: dict[int, str]) -> None:
        if problems == self._problems:
            return
        self._problems = problems
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, self.columnCount() - 1))


class TypeDelegate(TableItemDelegate):
    """An always-open drop-down of the allowed types: choosing a type should not need a double-click.

    Each type reads in words, its wire name in the item's tooltip; a type from a newer server shows as its wire
    name and is kept. The drop-down never takes the focus (the table keeps the keyboard: Space opens the list),
    so neither Tab nor the wheel changes it on the way.
    """

    def __init__(self, types: tuple[str, ...], labels: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._types = types
        self._labels = labels

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex) -> QWidget:
        editor = wheel_only_when_focused(QComboBox(parent), in_table=True)
        editor.setObjectName("typeField")
        editor.setAccessibleName(f"Type of row {index.row() + 1}")
        for wire in self._types:
            self._add_type(editor, wire)
        editor.setProperty("settingData", False)
        editor.currentIndexChanged.connect(lambda _index, editor=editor: self._on_editor_changed(editor))
        return editor

    def _add_type(self, editor: QComboBox, wire: str) -> None:
        editor.addItem(choice_label(self._labels, wire), wire)
        editor.setItemData(editor.count() - 1, f"Stored as {wire}", Qt.ItemDataRole.ToolTipRole)

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        value = index.data(Qt.ItemDataRole.EditRole)
        editor.setProperty("settingData", True)
        if editor.findData(value) < 0:
            self._add_type(editor, value)
        editor.setCurrentIndex(editor.findData(value))
        editor.setToolTip(f"Stored as {value}")
        editor.setProperty("settingData", False)

    def setModelData(self, editor: QWidget, model: QAbstractTableModel, index: ModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

    def _on_editor_changed(self, editor: QComboBox) -> None:
        if not editor.property("settingData"):
            self.commitData.emit(editor)


class FieldListEditor(QWidget):
    """The Inputs (or Outputs) part of the form: title, table, add and remove, and the model's messages."""

    sig_edited = Signal()
    """The user changed the rows."""
    sig_edit_schema_requested = Signal(int)
    """The author wants to edit the JSON schema of this output row."""

    def __init__(self, kind: str, types: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        plural = f"{kind.capitalize()}s"
        self.setObjectName(f"{kind}sSection")
        self._read_only = False
        self.model = FieldListModel(kind, types, self)
        self.view = named(QTableView(), f"{kind}sEditor", plural)
        self.view.setModel(self.model)
        setup_small_table(self.view, max_rows=8)
        self.view.setItemDelegateForColumn(TYPE_COLUMN, TypeDelegate(types, type_labels(kind), self.view))
        title = QLabel(plural)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        title.setBuddy(self.view)
        self.add_button = named(QPushButton(f"+ {kind.capitalize()}"), f"add{kind.capitalize()}Button",
                                f"Add an {kind}")
        self.remove_button = named(QPushButton("Remove"), f"remove{kind.capitalize()}Button",
                                   f"Remove the selected {kind}")
        self.remove_button.setEnabled(False)
        self.schema_button: QPushButton | None = None
        if kind == "output":
            self.schema_button = named(QPushButton("Edit schema…"), "editSchemaButton",
                                       "Edit the JSON schema of the output")
            self.schema_button.setEnabled(False)
        self.message = FieldMessage(f"{kind}sEditorMessage")

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        if self.schema_button is not None:
            buttons.addWidget(self.schema_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(title)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)

        self.model.sig_edited.connect(self.sig_edited)
        self.model.sig_edited.connect(self._update_buttons)
        self.model.modelReset.connect(self._open_type_editors)
        self.model.modelReset.connect(self._update_buttons)
        self.model.rowsInserted.connect(self._open_type_editors)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        if self.schema_button is not None:
            self.schema_button.clicked.connect(self._on_schema_button_clicked)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        # The names and the schemas share what the types leave: in a narrow form (beside Try it) a fixed schema
        # column left the names a few letters.
        header.setSectionResizeMode(NAME_COLUMN, header.ResizeMode.Stretch)
        if self.schema_button is not None:
            header.setSectionResizeMode(SCHEMA_COLUMN, header.ResizeMode.Stretch)
        # Wide enough for the longest type in words and the drop-down's arrow ("JSON (with a schema)").
        widest = max(self.view.fontMetrics().horizontalAdvance(label) for label in type_labels(kind).values())
        header.resizeSection(TYPE_COLUMN, widest + 44)

    def focus_order(self) -> list[QWidget]:
        """The Tab stops of this part, in reading order: the table (one stop), then its buttons."""
        return [self.view, self.add_button, self.remove_button, *([self.schema_button] if self.schema_button else [])]

    def set_read_only(self, read_only: bool) -> None:
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers if read_only else TABLE_EDIT_TRIGGERS)
        for button in (self.add_button, self.remove_button):
            button.setVisible(not read_only)
        self._read_only = read_only
        self._open_type_editors()
        self._update_buttons()

    def schema_target(self) -> int | None:
        """The output whose schema "Edit schema…" opens: the selected one, else the first structured one."""
        rows = self.model.rows()
        selected = self.view.selectionModel().selectedRows()
        if selected and rows[selected[0].row()].get("type") == "json_schema":
            return selected[0].row()
        return next((position for position, row in enumerate(rows) if row.get("type") == "json_schema"), None)

    def _open_type_editors(self) -> None:
        """Each row's type as an open drop-down (none when read-only). A row keeps the one it has: making them
        all again on every open was most of the form's work in showing a prompt (10-15 ms of it, now 2-3)."""
        for position in range(self.model.rowCount()):
            index = self.model.index(position, TYPE_COLUMN)
            if self._read_only:
                self.view.closePersistentEditor(index)
            elif not self.view.isPersistentEditorOpen(index):
                self.view.openPersistentEditor(index)

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.view.selectionModel().selectedRows()))
        if self.schema_button is None:
            return
        target = self.schema_target()
        self.schema_button.setEnabled(target is not None)
        if target is None:
            self.schema_button.setText("Edit schema…")
        else:
            name = self.model.rows()[target].get("identifier") or f"output {target + 1}"
            verb = "View" if self._read_only else "Edit"
            self.schema_button.setText(f"{verb} schema of “{name}”…")

    def _on_add_button_clicked(self) -> None:
        taken = {row.get("identifier") for row in self.model.rows()}
        number = 1
        while f"{self.model.kind}_{number}" in taken:
            number += 1
        position = self.model.add_row(f"{self.model.kind}_{number}")
        index = self.model.index(position, NAME_COLUMN)
        self.view.setCurrentIndex(index)
        self.view.edit(index)

    def _on_remove_button_clicked(self) -> None:
        selected = self.view.selectionModel().selectedRows()
        if selected:
            self.model.remove_row(selected[0].row())

    def _on_schema_button_clicked(self) -> None:
        target = self.schema_target()
        if target is not None:
            self.sig_edit_schema_requested.emit(target)

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        if index.column() == SCHEMA_COLUMN and self.model.rows()[index.row()].get("type") == "json_schema":
            self.sig_edit_schema_requested.emit(index.row())
