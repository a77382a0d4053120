"""The searchable prompt list, in folders: an item model that filters itself, and the view that folds it.

A QSortFilterProxyModel asks Python for every row's data on every keystroke, which is tens of milliseconds for ten
thousand prompts; matching a precomputed lowercase key per row in plain Python and resetting the visible rows is a
few. The rows on screen (folders and prompts, `services/prompt_tree.py` says which) are a flat table, so the view
only asks for the rows it draws (uniform row heights); the delegate indents them and draws the folders' arrows.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QModelIndex, QRect, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QWidget

from prompt_studio.models import VIRTUAL_TAG, Prompt
from prompt_studio.services.prompt_tree import Folder, PromptRow, PromptTree
from prompt_studio.ui.table_model import FlatTableModel, Index
from prompt_studio.ui.when import friendly_time, full_time


class PromptListModel(FlatTableModel):
    """Folders with their prompt counts, then prompts with their newest version, tags and last update; `*` marks
    an unsaved draft."""

    COLUMNS = ("Prompt", "Version", "Tags", "Updated")
    HandleRole = Qt.ItemDataRole.UserRole + 1

    sig_folding_changed = Signal()
    """The author folded or unfolded a folder (not while filtering): `folded_folders` is worth keeping."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tree = PromptTree()
        self._drafts: set[str] = set()
        self._tag_places: dict[str, str] = {}
        """Per handle, where its tags point ("production v1, staging v3"), once its history was seen."""

    def set_tag_places(self, handle: str, versions: list[Prompt]) -> None:
        """Show where each tag of this prompt is, from its history (the list itself only knows the newest)."""
        places = [f"{tag} v{version.version}" for version in versions for tag in version.tag_names
                  if tag != VIRTUAL_TAG]
        text = ", ".join(places)
        if self._tag_places.get(handle) == text:
            return
        self._tag_places[handle] = text
        row = self.row_of(handle)
        if row is not None:
            self.dataChanged.emit(self.index(row, 2), self.index(row, 2))

    def set_prompts(self, prompts: list[Prompt], unsaved: set[str] | frozenset[str] = frozenset()) -> None:
        """The server's prompts, and first the new ones that exist only as drafts here (`unsaved`)."""
        self.beginResetModel()
        listed = [PromptRow.from_prompt(prompt) for prompt in prompts]
        known = {row.handle for row in listed}
        new = [PromptRow.unsaved(handle) for handle in sorted(unsaved) if handle not in known]
        self.tree.set_rows(new + listed)
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        if not self.tree.changes_filter(text):
            return
        self.beginResetModel()
        self.tree.set_filter(text)
        self.endResetModel()

    def set_search_in_text(self, on: bool) -> None:
        """Match the words in the prompts' texts and messages too, not only in names and tags."""
        if on == self.tree.in_text:
            return
        self.beginResetModel()
        self.tree.set_search_in_text(on)
        self.endResetModel()

    def set_drafts(self, handles: set[str]) -> None:
        if handles == self._drafts:
            return
        self._drafts = set(handles)
        if self.tree.entries:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.tree.entries) - 1, 0))

    # -- folders ------------------------------------------------------------------------------------------------

    def folder_at(self, row: int) -> Folder | None:
        entry = self.tree.entries[row] if 0 <= row < len(self.tree.entries) else None
        return entry if isinstance(entry, Folder) else None

    def set_folded(self, row: int, folded: bool) -> None:
        """Fold or unfold the folder of this row; the rows under it leave or come, the others stay selected."""
        folder = self.folder_at(row)
        if folder is None or self.tree.is_folded(folder) == folded:
            return
        if folded:
            inside = self._rows_under(row)
            self.beginRemoveRows(QModelIndex(), row + 1, row + inside)
            self.tree.set_folded(folder, True)
            self.endRemoveRows()
        else:
            inside = self.tree.rows_inside(folder)
            self.beginInsertRows(QModelIndex(), row + 1, row + inside)
            self.tree.set_folded(folder, False)
            self.endInsertRows()
        self.dataChanged.emit(self.index(row, 0), self.index(row, 0))
        if not self.tree.filtering:
            self.sig_folding_changed.emit()

    def _rows_under(self, row: int) -> int:
        """The rows after this folder's row that are inside it (deeper than it), on screen now."""
        depth = self.tree.entries[row].depth
        count = 0
        for below in range(row + 1, len(self.tree.entries)):
            if self.shape_at(below)[0] <= depth:
                break
            count += 1
        return count

    def shape_at(self, row: int) -> tuple[int, bool | None]:
        """How many folders the row is in (0 at the top), and for a folder's row whether it is folded (None for a
        prompt): what the delegate draws, read directly rather than through roles, since it draws every row."""
        entry = self.tree.entries[row]
        if isinstance(entry, Folder):
            return entry.depth, self.tree.is_folded(entry)
        return self.tree.folder_of(entry).depth + 1, None

    def folded_folders(self) -> list[str]:
        return sorted(self.tree.folded)

    def set_folded_folders(self, paths: list[str]) -> None:
        """The folders folded last time (this connection's)."""
        self.beginResetModel()
        self.tree.set_all_folded(paths)
        self.endResetModel()

    def reveal(self, handle: str) -> None:
        """Unfold the folders of `handle`, so that it can be selected."""
        if self.row_of(handle) is not None or handle not in self.handles():
            return
        self.beginResetModel()
        self.tree.unfold_to(handle)
        self.endResetModel()
        if not self.tree.filtering:
            self.sig_folding_changed.emit()

    # -- prompts ------------------------------------------------------------------------------------------------

    def row_of(self, handle: str) -> int | None:
        """The row of this prompt on screen; None when it is filtered out or in a folded folder."""
        rows = self.tree.rows
        for row, entry in enumerate(self.tree.entries):
            if isinstance(entry, int) and rows[entry].handle == handle:
                return row
        return None

    def handles(self) -> frozenset[str]:
        """Every prompt's handle, filtered out or not."""
        return frozenset(row.handle for row in self.tree.rows)

    def handle_at(self, row: int) -> str | None:
        """The handle of the prompt on this row; None on a folder's row."""
        entry = self.tree.entries[row]
        return None if isinstance(entry, Folder) else self.tree.rows[entry].handle

    def shown_handles(self) -> list[str]:
        """The prompts on screen, from the top."""
        rows = self.tree.rows
        return [rows[entry].handle for entry in self.tree.entries if isinstance(entry, int)]

    @property
    def total(self) -> int:
        return len(self.tree.rows)

    @property
    def matching(self) -> int:
        """How many prompts the filter keeps, in folded folders too."""
        return self.tree.shown_prompts

    def shown_rows(self) -> int:
        return len(self.tree.entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.tree.entries):
            return None
        entry = self.tree.entries[index.row()]
        if isinstance(entry, Folder):
            return self._folder_data(entry, index.column(), role)
        row = self.tree.rows[entry]
        column = index.column()
        draft = row.handle in self._drafts
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"* {row.name}" if draft else row.name
            if column == 1:
                return f"v{row.version}" if row.version else "new"
            if column == 2:
                return self._tag_places.get(row.handle, ", ".join(row.tags))
            return friendly_time(row.updated_at)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            if not row.version:
                return f"{row.handle}, not saved yet: your first save makes it version 1"
            mark = " - unsaved draft on this computer" if draft else ""
            return f"{row.handle}, version {row.version}, changed {full_time(row.updated_at)}{mark}"
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return row.handle + (", unsaved draft" if draft else "")
        if role == self.HandleRole:
            return row.handle
        return None

    def _folder_data(self, folder: Folder, column: int, role: int):
        if column != 0 or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                                       Qt.ItemDataRole.AccessibleTextRole):
            return None
        folded = self.tree.is_folded(folder)
        count = f"{folder.matches} of {folder.total}" if self.tree.filtering else f"{folder.total}"
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{folder.name} ({count})"
        prompts = f"{count} prompt{'s' if folder.total != 1 else ''}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Folder {folder.path}: {prompts}" + (" (folded: click to open)" if folded else "")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Folder {folder.path}, {prompts}, {'folded' if folded else 'open'}"
        return None


class FoldedFolders:
    """Which folders the author folded, per connection, in the window's settings: the same next time."""

    KEY = "promptList/foldedFolders"

    def __init__(self, settings: QSettings | None):
        self.settings = settings

    def _all(self) -> dict[str, list[str]]:
        try:
            kept = json.loads(str(self.settings.value(self.KEY, "{}")))
        except ValueError:
            return {}
        if not isinstance(kept, dict):
            return {}
        return {connection: [path for path in paths if isinstance(path, str)]
                for connection, paths in kept.items() if isinstance(paths, list)}

    def of(self, connection_id: str) -> list[str]:
        return self._all().get(connection_id, []) if self.settings is not None else []

    def keep(self, connection_id: str, paths: list[str]) -> None:
        if self.settings is None:
            return
        kept = self._all()
        kept[connection_id] = paths
        self.settings.setValue(self.KEY, json.dumps({name: folded for name, folded in kept.items() if folded}))


class FolderIndentDelegate(QStyledItemDelegate):
    """Draws the first column as a tree: each row indented by its folders, a folder with its arrow."""

    def _indent(self, option: QStyleOptionViewItem) -> int:
        return option.fontMetrics.height()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if index.column() != 0:
            super().paint(painter, option, index)
            return
        depth, folded = index.model().shape_at(index.row())
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        # The row's background (selection, alternate colour) under the indent too; the item draws on the rest.
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        step = self._indent(option)
        rect = QRect(option.rect)
        rect.setLeft(rect.left() + depth * step)
        if folded is not None:
            arrow = QStyleOptionViewItem(option)
            arrow.rect = QRect(rect.left(), rect.top(), step, rect.height())
            arrow.state = option.state | QStyle.StateFlag.State_Children
            if not folded:
                arrow.state |= QStyle.StateFlag.State_Open
            style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorBranch, arrow, painter, widget)
        rect.setLeft(rect.left() + step)
        item = QStyleOptionViewItem(option)
        item.rect = rect
        super().paint(painter, item, index)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        if index.column() == 0:
            size.setWidth(size.width() + (index.model().shape_at(index.row())[0] + 1) * self._indent(option))
        return size


class PromptListView(QTableView):
    """The prompt list: a click or Enter on a folder folds or unfolds it; Left folds it (or goes up to the folder
    of a prompt), Right unfolds it, as in a tree."""

    MIN_WIDTH = 200
    """Room for a name under two folders beside the version, when Try it and the history take the rest; no
    more, so that the window with Try it open still fits a 1366 px wide screen."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setItemDelegateForColumn(0, FolderIndentDelegate(self))
        self.setMinimumWidth(self.MIN_WIDTH)
        self.clicked.connect(self._on_self_clicked)

    @property
    def prompts(self) -> PromptListModel:
        return self.model()

    def _on_self_clicked(self, index: QModelIndex) -> None:
        folder = self.prompts.folder_at(index.row())
        if folder is not None:
            self.prompts.set_folded(index.row(), not self.prompts.tree.is_folded(folder))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentIndex().row()
        folder = self.prompts.folder_at(row)
        key = event.key()
        if folder is not None and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.prompts.set_folded(row, not self.prompts.tree.is_folded(folder))
        elif folder is not None and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            folded = key == Qt.Key.Key_Left
            if self.prompts.tree.is_folded(folder) != folded:
                self.prompts.set_folded(row, folded)
            elif folded:
                self._go_up(row)
            else:
                self.selectRow(row + 1)
        elif row >= 0 and key == Qt.Key.Key_Left:
            self._go_up(row)
        else:
            super().keyPressEvent(event)

    def _go_up(self, row: int) -> None:
        """To the folder this row is in, if it is in one."""
        depth = self.prompts.shape_at(row)[0]
        for above in range(row - 1, -1, -1):
            if self.prompts.shape_at(above)[0] < depth:
                self.selectRow(above)
                return
