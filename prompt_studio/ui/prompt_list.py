"""The searchable prompt list: an item model that filters itself.

A QSortFilterProxyModel asks Python for every row's data on every keystroke, which is tens of milliseconds for ten
thousand prompts; matching a precomputed lowercase key per row in plain Python and resetting the visible rows is a
few. The view only asks for the rows it shows (uniform row heights).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt

from prompt_studio.models import VIRTUAL_TAG, Prompt
from prompt_studio.ui.table_model import FlatTableModel, Index
from prompt_studio.ui.when import friendly_time, full_time


@dataclass(frozen=True)
class PromptRow:
    handle: str
    version: int
    tags: tuple[str, ...]
    updated_at: str
    search_key: str
    text_key: str = ""
    """The system prompt and the messages, lowercase, for "Search in text"."""

    @classmethod
    def from_prompt(cls, prompt: Prompt) -> PromptRow:
        handle = prompt.handle or prompt.id
        tags = tuple(tag.name for tag in prompt.tags if tag.name != VIRTUAL_TAG)
        texts = "\n".join([prompt.prompt, *(message.content for message in prompt.messages)]).lower()
        return cls(handle, prompt.version, tags, prompt.updated_at, " ".join((handle, *tags)).lower(), texts)


class PromptListModel(FlatTableModel):
    """Prompts with their newest version, tags and last update; `*` marks an unsaved draft."""

    COLUMNS = ("Prompt", "Version", "Tags", "Updated")
    HandleRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[PromptRow] = []
        self._visible: list[int] = []
        self._filter = ""
        self._in_text = False
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
        new = [PromptRow(handle, 0, (), "", handle.lower()) for handle in sorted(unsaved) if handle not in known]
        self._rows = new + listed
        self._visible = self._matching_rows()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        words = text.strip().lower()
        if words == self._filter:
            return
        narrowing = bool(self._filter) and words.startswith(self._filter)
        self.beginResetModel()
        self._filter = words
        self._visible = self._matching_rows(self._visible if narrowing else None)
        self.endResetModel()

    def set_search_in_text(self, on: bool) -> None:
        """Match the words in the prompts' texts and messages too, not only in names and tags."""
        if on == self._in_text:
            return
        self.beginResetModel()
        self._in_text = on
        self._visible = self._matching_rows()
        self.endResetModel()

    def _matching_rows(self, candidates: list[int] | None = None) -> list[int]:
        """Rows whose key holds every word; typing one more letter only searches what still matched.

        In text, each word may stand in the name, the tags or the texts: a plain substring test per row, which
        keeps 10,000 prompts within a frame per keystroke (benchmarks/ui_bench.py).
        """
        if not self._filter:
            return list(range(len(self._rows)))
        words = self._filter.split()
        rows = self._rows
        in_text = self._in_text
        return [
            position for position in (range(len(rows)) if candidates is None else candidates)
            if all(word in rows[position].search_key or (in_text and word in rows[position].text_key)
                   for word in words)
        ]

    def set_drafts(self, handles: set[str]) -> None:
        if handles == self._drafts:
            return
        self._drafts = set(handles)
        if self._visible:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._visible) - 1, 0))

    def row_of(self, handle: str) -> int | None:
        for visible_row, position in enumerate(self._visible):
            if self._rows[position].handle == handle:
                return visible_row
        return None

    def handles(self) -> frozenset[str]:
        """Every prompt's handle, filtered out or not."""
        return frozenset(row.handle for row in self._rows)

    def handle_at(self, row: int) -> str:
        return self._rows[self._visible[row]].handle

    @property
    def total(self) -> int:
        return len(self._rows)

    def shown_rows(self) -> int:
        return len(self._visible)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._visible):
            return None
        row = self._rows[self._visible[index.row()]]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"* {row.handle}" if row.handle in self._drafts else row.handle
            if column == 1:
                return f"v{row.version}" if row.version else "new"
            if column == 2:
                return self._tag_places.get(row.handle, ", ".join(row.tags))
            return friendly_time(row.updated_at)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            draft = " - unsaved draft on this computer" if row.handle in self._drafts else ""
            if not row.version:
                return f"{row.handle}, not saved yet: your first save makes it version 1"
            return f"{row.handle}, version {row.version}, changed {full_time(row.updated_at)}{draft}"
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return row.handle + (", unsaved draft" if row.handle in self._drafts else "")
        if role == self.HandleRole:
            return row.handle
        return None
