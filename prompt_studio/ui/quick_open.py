"""Go to prompt (Ctrl+P): type a few letters of a handle, or `handle:tag` / `handle:N` for one of its versions.

The matching and the reading of what was typed are plain functions (`fuzzy_score`, `rank`, `parse_reference`,
`find_version`), tested without a display; the dialog only shows the matches and says which one was chosen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QDialog, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from prompt_studio.models import Prompt
from prompt_studio.models.names import VIRTUAL_TAG

Index = QModelIndex | QPersistentModelIndex

MATCH = 1
"""Each typed letter found."""
WORD_START = 8
"""A letter found at the start of a word: the handle's start, or after `/`, `-`, `_`, `.` or a space."""
CONTIGUOUS = 5
"""A letter found right after the previous one (which also earns the bonus its run started with)."""
WORD_SEPARATORS = frozenset("/-_. :")

_NONE = float("-inf")


def _is_word_start(text: str, position: int) -> bool:
    return position == 0 or text[position - 1] in WORD_SEPARATORS or (
        text[position].isupper() and text[position - 1].islower()
    )


def fuzzy_score(query: str, candidate: str) -> int | None:
    """How well `candidate` matches the letters of `query` typed in order (case ignored), or None if it does not.

    The best placement of the letters wins: each letter scores, more at a word's start and more right after the
    previous letter (a run of letters from a word's start earns that start's bonus on each letter), so "sptr" finds
    "support/triage" by its words, and "tri" puts "triage" before "team/review-issues".
    """
    if not query:
        return 0
    folded_query, folded = query.lower(), candidate.lower()
    position = -1
    for letter in folded_query:  # a cheap first look: most handles do not hold the letters at all
        position = folded.find(letter, position + 1)
        if position < 0:
            return None
    bonus = [MATCH + (WORD_START if _is_word_start(candidate, j) else 0) for j in range(len(candidate))]
    # best[j]: the best score of the letters so far with the last one at position j; carried[j]: the bonus of the
    # word start its run of contiguous letters began at, which the run's next letters earn too (as fzf does)
    best = [bonus[j] if folded[j] == folded_query[0] else _NONE for j in range(len(folded))]
    carried = list(bonus)
    for letter in folded_query[1:]:
        row, row_carried = [_NONE] * len(folded), list(bonus)
        earlier = _NONE  # the best of best[0 .. j-2]: a letter found after a gap
        for j in range(1, len(folded)):
            if j >= 2:
                earlier = max(earlier, best[j - 2])
            if folded[j] != letter:
                continue
            run_bonus = max(bonus[j], carried[j - 1])
            contiguous = best[j - 1] + run_bonus + CONTIGUOUS
            after_gap = earlier + bonus[j]
            if contiguous >= after_gap and best[j - 1] != _NONE:
                row[j], row_carried[j] = contiguous, run_bonus
            elif after_gap != _NONE:
                row[j] = after_gap
        best, carried = row, row_carried
    score = max(best)
    return None if score == _NONE else int(score)


def rank(query: str, handles: Iterable[str]) -> list[str]:
    """The handles that match `query`, best first; equal scores go shorter first, then alphabetically."""
    scored = []
    for handle in handles:
        score = fuzzy_score(query, handle)
        if score is not None:
            scored.append((-score, len(handle), handle))
    return [handle for _score, _length, handle in sorted(scored)]


@dataclass(frozen=True)
class Reference:
    """What was typed: part of a handle, and perhaps the version (`:2`) or the tag (`:production`) wanted."""

    text: str
    version: int | None = None
    tag: str | None = None

    @property
    def wants_version(self) -> bool:
        return self.version is not None or self.tag is not None


def parse_reference(typed: str) -> Reference:
    """`triage` -> a handle to match; `support/triage:2` -> version 2; `support/triage:production` -> that tag.

    Split on the last `:` as the library reads its shorthand; `:latest` (and a bare trailing `:`) mean the newest.
    """
    typed = typed.strip()
    text, separator, suffix = typed.rpartition(":")
    if not separator:
        return Reference(typed)
    text, suffix = text.strip(), suffix.strip()
    if not suffix or suffix == VIRTUAL_TAG:
        return Reference(text)
    if suffix.isascii() and suffix.isdigit():
        return Reference(text, version=int(suffix))
    return Reference(text, tag=suffix)


def find_version(versions: Sequence[Prompt], reference: Reference) -> Prompt | None:
    """The version `reference` names among a prompt's `versions` (newest first), or None if it has none such."""
    for version in versions:
        if reference.version is not None and version.version == reference.version:
            return version
        if reference.tag is not None and reference.tag in version.tag_names:
            return version
    return None


def missing_version_message(handle: str, reference: Reference) -> str:
    if reference.version is not None:
        return f"{handle} has no v{reference.version}."
    return f"{handle} has no version tagged “{reference.tag}”."


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
