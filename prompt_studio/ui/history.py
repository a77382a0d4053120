"""The version history of the selected prompt: every version with who, when, why and its tags."""

from __future__ import annotations

from PySide6.QtCore import Qt

from prompt_studio.models import Prompt
from prompt_studio.ui.table_model import FlatTableModel, Index
from prompt_studio.ui.when import friendly_time, full_time


class VersionHistoryModel(FlatTableModel):
    """Newest version first, as the server lists them."""

    COLUMNS = ("Version", "Saved", "By", "Message", "Tags")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._versions: list[Prompt] = []

    def set_versions(self, versions: list[Prompt]) -> None:
        self.beginResetModel()
        self._versions = list(versions)
        self.endResetModel()

    def version_at(self, row: int) -> Prompt:
        return self._versions[row]

    def row_of_version(self, version: int) -> int | None:
        return next((row for row, item in enumerate(self._versions) if item.version == version), None)

    @property
    def versions(self) -> list[Prompt]:
        return list(self._versions)

    def shown_rows(self) -> int:
        return len(self._versions)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._versions):
            return None
        version = self._versions[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == 0:
                return f"v{version.version}"
            if column == 1:
                return friendly_time(version.created_at)
            if column == 2:
                return version.author_id or "-"
            if column == 3:
                return version.commit_message or ""
            return ", ".join(version.tag_names)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"v{version.version}, saved {full_time(version.created_at)}\n{version.commit_message or ''}"
        return None
