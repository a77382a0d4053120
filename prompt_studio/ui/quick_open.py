"""Go to prompt (Ctrl+P): type a few letters of a handle, or `handle:tag` / `handle:N` for one of its versions.

The matching and the reading of what was typed are plain functions (`fuzzy_score`, `rank`, `parse_reference`,
`find_version`), tested without a display; the dialog only shows the matches and says which one was chosen.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QDialog, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from prompt_studio.services.finding import Reference, parse_reference, rank

Index = QModelIndex | QPersistentModelIndex

class QuickOpenModel(QAbstractListModel):
    """The handles that match what was typed, best first."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._handles: list[str] = []

    def set_handles(self, handles: list[str]) -> None:
        self.beginResetModel()
        self._handles = list(handles)
        self.endResetModel()

    def handle_at(self, row: int) -> str:
        return self._handles[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._handles)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._handles):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._handles[index.row()]
        return None


class QuickOpenDialog(QDialog):
    """A box to type in and the matching prompts: Up/Down move, Enter opens, Esc closes.

    Enter on a plain handle closes the dialog and says which prompt; with `:tag` or `:N` the window looks the
    version up first and either closes the dialog (`accept`) or leaves it open with `show_problem`.
    """

    sig_chosen = Signal(str, object)
    """The user chose a prompt (its handle) and perhaps one of its versions (the `Reference` typed)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("quickOpenDialog")
        self.setAccessibleName("Go to prompt")
        self.setWindowTitle("Go to prompt")
        self._all: list[str] = []

        self.input = QLineEdit()
        self.input.setObjectName("quickOpenInput")
        self.input.setAccessibleName("Prompt name, and :tag or :version")
        self.input.setPlaceholderText("Type part of a name; add :production or :2 for a version")
        self.input.setClearButtonEnabled(True)
        self.model = QuickOpenModel(self)
        self.list = QListView()
        self.list.setObjectName("quickOpenList")
        self.list.setAccessibleName("Matching prompts")
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the typing stays in the box; Up/Down move the list
        self.message = QLabel()
        self.message.setObjectName("quickOpenMessage")
        self.message.setAccessibleName("Go to prompt message")
        self.message.setWordWrap(True)
        self.message.hide()
        self.hint = QLabel("Up/Down move, Enter opens, Esc closes; add :production or :2 for that version.")
        self.hint.setObjectName("quickOpenHint")
        self.hint.setAccessibleName("How to use Go to prompt")
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)  # drawn dimmed: a hint, not content

        layout = QVBoxLayout(self)
        layout.addWidget(self.input)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        self.resize(520, 320)

        self.input.textChanged.connect(self._on_input_text_changed)
        self.input.returnPressed.connect(self._on_input_return_pressed)
        self.list.activated.connect(self._on_list_activated)
        self.input.installEventFilter(self)

    def start(self, handles: Iterable[str]) -> None:
        """Begin again with these handles and an empty box (the dialog is kept between uses)."""
        self._all = sorted(handles)
        self.input.clear()
        self._on_input_text_changed("")
        self.input.setFocus()

    @property
    def shown_handles(self) -> list[str]:
        return [self.model.handle_at(row) for row in range(self.model.rowCount())]

    def current_handle(self) -> str | None:
        index = self.list.currentIndex()
        return self.model.handle_at(index.row()) if index.isValid() else None

    def show_problem(self, text: str) -> None:
        """Say why nothing opened, and stay open for another try."""
        self.message.setText(text)
        self.message.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.input and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
            if step is not None:
                self._move(step)
                return True
        return super().eventFilter(watched, event)

    def _move(self, step: int) -> None:
        rows = self.model.rowCount()
        if rows:
            row = min(max(self.list.currentIndex().row() + step, 0), rows - 1)
            self.list.setCurrentIndex(self.model.index(row, 0))

    def _on_input_text_changed(self, text: str) -> None:
        self.message.hide()
        query = parse_reference(text).text
        self.model.set_handles(rank(query, self._all) if query else self._all)
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0, 0))

    def _on_input_return_pressed(self) -> None:
        reference = parse_reference(self.input.text())
        handle = reference.text if reference.text in self._all else self.current_handle()
        if handle is None:
            self.show_problem(f"No prompt is called “{reference.text}”.")
            return
        self._choose(handle, reference)

    def _on_list_activated(self, index: QModelIndex) -> None:
        self._choose(self.model.handle_at(index.row()), parse_reference(self.input.text()))

    def _choose(self, handle: str, reference: Reference) -> None:
        if not reference.wants_version:
            self.accept()
        self.sig_chosen.emit(handle, reference)
