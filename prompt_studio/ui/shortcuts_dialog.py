"""Help > Keyboard shortcuts: every shortcut of the window, read from its actions, with a filter."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenuBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.ui.menus import walk_menus
from prompt_studio.ui.table_model import FlatTableModel, Index


@dataclass(frozen=True)
class Shortcut:
    command: str
    keys: str
    menu: str


def shortcuts_of(menu_bar: QMenuBar) -> list[Shortcut]:
    """One row per action of the menus that has a shortcut, as the platform writes its keys; actions this
    connection hides (tags on a server without them) are left out."""
    rows = []
    for path, action in walk_menus(menu_bar):
        keys = [sequence.toString(QKeySequence.SequenceFormat.NativeText) for sequence in action.shortcuts()]
        keys = [key for key in keys if key]
        if keys and action.isVisible():
            # iconText: the short name ("Undo", not "Undo typing in System prompt"), without "&" or "..."
            rows.append(Shortcut(action.iconText(), ", ".join(keys), " > ".join(path)))
    return rows


class ShortcutModel(FlatTableModel):
    COLUMNS = ("Command", "Shortcut", "Menu")

    def __init__(self, shortcuts: list[Shortcut], parent=None):
        super().__init__(parent)
        self.shortcuts = shortcuts

    def shown_rows(self) -> int:
        return len(self.shortcuts)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        shortcut = self.shortcuts[index.row()]
        return (shortcut.command, shortcut.keys, shortcut.menu)[index.column()]


class ShortcutsDialog(QDialog):
    """The shortcuts in a table; typing in the filter keeps the rows whose command, keys or menu match."""

    def __init__(self, parent: QWidget | None, shortcuts: list[Shortcut]):
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")

        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("shortcutFilter")
        self.filter_edit.setAccessibleName("Filter shortcuts")
        self.filter_edit.setPlaceholderText("Filter shortcuts, e.g. save or Ctrl...")
        self.filter_edit.setClearButtonEnabled(True)
        self.model = ShortcutModel(shortcuts, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView()
        self.table.setObjectName("shortcutTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setModel(self.proxy)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        for column in (1, 2):  # the longest keys or menu, with room to breathe
            texts = [self.model.headerData(column, Qt.Orientation.Horizontal)]
            texts += [str(self.model.index(row, column).data()) for row in range(self.model.rowCount())]
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, max(metrics.horizontalAdvance(text) for text in texts) + 32)
        self.empty_label = QLabel("No shortcut matches.")
        self.empty_label.setObjectName("noShortcutMatches")
        self.empty_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.buttons)
        self.resize(480, 460)

        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.buttons.rejected.connect(self.reject)

    def shown(self) -> list[tuple[str, str]]:
        """The (command, keys) rows the filter lets through, in order."""
        proxy = self.proxy
        return [(proxy.index(row, 0).data(), proxy.index(row, 1).data()) for row in range(proxy.rowCount())]

    def _on_filter_edit_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self.empty_label.setVisible(self.proxy.rowCount() == 0)
