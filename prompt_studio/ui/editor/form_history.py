"""One undo history for a whole editor form, shared by the LangWatch prompt editor and the Orkes template editor.

Every step is the whole content before and after it, so undo restores what the author saw, whichever field had
focus. Typing in one field merges into one step until a pause, a finished word or another field seals it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack

Snapshot = tuple[dict[str, Any], dict[str, Any]]
"""What a form shows: its `configData` wire dict and its runtime parameters."""

_TYPING_PAUSE_MS = 800
_UNDO_LIMIT = 200


class _SnapshotCommand(QUndoCommand):
    """One step of the history: the whole content before and after it.

    `generation` is the history's at the time of the edit; a step takes in the next edit of the same field only
    while the generation has not moved on (no pause, no finished word, no other field in between).
    """

    def __init__(self, history: FormHistory, before: Snapshot, after: Snapshot, key: str, text: str) -> None:
        super().__init__(text)
        self._history = history
        self.before = before
        self.after = after
        self.key = key
        self.generation = history.generation
        self._applied = True

    def id(self) -> int:
        return 1 if self.key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _SnapshotCommand) or other.key != self.key:
            return False
        if other.generation != self.generation:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        if self._applied:  # pushed after the form already shows it
            self._applied = False
            return
        self._history.restore(self.after)

    def undo(self) -> None:
        self._history.restore(self.before)


class FormHistory(QObject):
    """The undo stack of one form, its Undo and Redo actions (platform shortcuts), and when typing ends a step.

    `restore` puts a snapshot back on the form (undo and redo); the current step is sealed first, so what the
    author types after an undo is a step of its own.
    """

    def __init__(self, restore: Callable[[Snapshot], None], form: QObject) -> None:
        super().__init__(form)
        self._restore = restore
        self._stack = QUndoStack(self)
        self._stack.setUndoLimit(_UNDO_LIMIT)
        self.generation = 0
        self.typing_pause = QTimer(self)
        self.typing_pause.setSingleShot(True)
        self.typing_pause.setInterval(_TYPING_PAUSE_MS)
        self.undo_action: QAction = self._stack.createUndoAction(form, "Undo")
        self.undo_action.setObjectName("undoAction")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action: QAction = self._stack.createRedoAction(form, "Redo")
        self.redo_action.setObjectName("redoAction")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)

        self.typing_pause.timeout.connect(self.seal)

    def record(self, before: Snapshot, after: Snapshot, key: str, description: str, closes_step: bool) -> None:
        """One change of the author, already on the form.

        `key` names the field of a run of typing that may merge into one step ("" for a change that is a step of
        its own); `closes_step` ends the step after this change (a finished word).
        """
        if key:
            self.typing_pause.start()
        else:
            self.seal()
        self._stack.push(_SnapshotCommand(self, before, after, key, description))
        if closes_step or not key:
            self.seal()

    def seal(self) -> None:
        """End the current step: the next edit starts a new one."""
        self.generation += 1

    def clear(self) -> None:
        """Forget every step (another prompt, or a version only viewed)."""
        self.typing_pause.stop()
        self._stack.clear()

    def restore(self, snapshot: Snapshot) -> None:
        self.seal()
        self._restore(snapshot)
