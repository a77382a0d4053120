"""The runtime `parameters` object, versioned with the prompt: a name/value table.

Values are typed the way people write them: `3` is a number, `true` a yes/no, `[1, 2]` a list, and anything
that is not JSON is plain text (`"3"` in quotes when the text itself looks like JSON). Text that starts like
JSON but is broken gets a clear message instead of silently becoming a string.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QStyle, QTableView, QVBoxLayout, QWidget

from prompt_studio.models.problems import json_problem
from prompt_studio.ui.editor.widgets import TABLE_EDIT_TRIGGERS, FieldMessage, named, setup_small_table

ModelIndex = QModelIndex | QPersistentModelIndex
NAME_COLUMN, VALUE_COLUMN = 0, 1
_JSON_OPENINGS = ("{", "[", '"')


def read_value(text: str) -> tuple[Any, str]:
    """(the value the text stands for, a problem to show or "")."""
    stripped = text.strip()
    try:
        return json.loads(stripped), ""
    except json.JSONDecodeError as error:
        if stripped.startswith(_JSON_OPENINGS):
            return text, f"{json_problem(error, lines=False)} Write plain text without quotes or braces, or fix " \
                         "the JSON."
        return text, ""


def value_text(value: Any) -> str:
    """The text that reads back as `value`: plain for ordinary text, JSON for everything else."""
    if isinstance(value, str):
        parsed, problem = read_value(value)
        if not problem and isinstance(parsed, str) and parsed == value:
            return value
    return json.dumps(value, ensure_ascii=False)


class RuntimeParametersModel(QAbstractTableModel):
    """One row per parameter: name, the value as typed, what it reads as, and any problem."""

    sig_edited = Signal()
    """The user changed a parameter, added one or removed one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[list[Any]] = []  # [name, text, value, problem]
        self._warning_icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Name", "Value")[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        name, text, _value, _problem = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return name if index.column() == NAME_COLUMN else text
        problem = self.problems().get(index.row())
        if role == Qt.ItemDataRole.DecorationRole and index.column() == VALUE_COLUMN and problem:
            return self._warning_icon
        if role == Qt.ItemDataRole.ToolTipRole and problem:
            return problem
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row = self._rows[index.row()]
        text = str(value)
        if index.column() == NAME_COLUMN:
            if row[0] == text:
                return False
            row[0] = text
        else:
            if row[1] == text:
                return False
            row[1] = text
            row[2], row[3] = read_value(text)
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 1))
        self.sig_edited.emit()
        return True

    def parameters(self) -> dict[str, Any]:
        """The parameters as edited; a row without name and value is a row being written, and left out."""
        return {name: value for name, text, value, _problem in self._rows if name or text}

    def set_parameters(self, parameters: dict[str, Any]) -> None:
        if parameters == self.parameters() and len(parameters) == len(self._rows):
            return
        self.beginResetModel()
        self._rows = [[name, value_text(value), value, ""] for name, value in parameters.items()]
        self.endResetModel()

    def problems(self) -> dict[int, str]:
        """What is wrong with each row: broken JSON, a missing name, or a name used twice."""
        problems: dict[int, str] = {}
        seen: dict[str, int] = {}
        for position, (name, text, _value, problem) in enumerate(self._rows):
            if problem:
                problems[position] = problem
            elif text and not name:
                problems[position] = "Give this parameter a name."
            elif name in seen:
                problems[position] = f"Parameters {seen[name] + 1} and {position + 1} are both named “{name}”."
            if name:
                seen.setdefault(name, position)
        return problems

    def add_row(self) -> int:
        position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.append(["", "", "", ""])
        self.endInsertRows()
        return position

    def remove_row(self, position: int) -> None:
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        self.endRemoveRows()
        self.sig_edited.emit()


class RuntimeParametersEditor(QWidget):
    """The parameters table with add and remove, and a message for every row with a problem."""

    sig_edited = Signal()
    """The user changed the parameters."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parametersSection")
        intro = QLabel(
            "Settings your application reads at run time, saved with each version. "
            "Values: 3 is a number, true a yes/no, [1, 2] a list; anything else is text."
        )
        intro.setWordWrap(True)
        self.model = RuntimeParametersModel(self)
        self.view = named(QTableView(), "parametersEditor", "Runtime parameters")
        self.view.setModel(self.model)
        setup_small_table(self.view, max_rows=8)
        self.view.horizontalHeader().resizeSection(NAME_COLUMN, 180)
        self.add_button = named(QPushButton("+ Parameter"), "addParameterButton", "Add a runtime parameter")
        self.remove_button = named(QPushButton("Remove"), "removeParameterButton",
                                   "Remove the selected runtime parameter")
        self.message = FieldMessage("parametersEditorMessage")

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(intro)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

        self.model.sig_edited.connect(self.sig_edited)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)

    def focus_order(self) -> list[QWidget]:
        """The Tab stops in reading order: the table, then its buttons."""
        return [self.view, self.add_button, self.remove_button]

    def summary(self) -> str:
        count = len(self.model.parameters())
        return f"{count} set" if count else ""

    def show_problems(self) -> None:
        problems = self.model.problems()
        self.message.set_message(
            "\n".join(f"Parameter {position + 1}: {problem}" for position, problem in sorted(problems.items()))
        )

    def set_read_only(self, read_only: bool) -> None:
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers if read_only else TABLE_EDIT_TRIGGERS)
        for button in (self.add_button, self.remove_button):
            button.setVisible(not read_only)

    def _on_add_button_clicked(self) -> None:
        position = self.model.add_row()
        index = self.model.index(position, NAME_COLUMN)
        self.view.setCurrentIndex(index)
        self.view.edit(index)

    def _on_remove_button_clicked(self) -> None:
        row = self.view.currentIndex().row()
        if 0 <= row < self.model.rowCount():
            self.model.remove_row(row)
