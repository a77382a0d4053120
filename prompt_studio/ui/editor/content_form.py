"""What both editor forms (LangWatch's and Orkes's) are to the window: a content, its validity, whole-form undo.

The window holds either form through this interface; each form adds only how it shows and reads its fields
(`_load`, `content`, `_refresh`, `set_read_only`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic_core import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from prompt_studio.models import ConfigData
from prompt_studio.models.problems import Problem, problems_of
from prompt_studio.ui.editor.form_history import FormHistory, Snapshot
from prompt_studio.ui.editor.widgets import UndoKeysToForm


class ContentForm(QWidget):
    """A form over one version's content; every edit is a snapshot on one undo stack."""

    sig_edited = Signal()
    """The user changed something."""
    sig_validity_changed = Signal(bool)
    """The form became valid or invalid."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._undo_keys = UndoKeysToForm(self)
        self._history = FormHistory(self._restore, self)
        self._updating = False
        self._read_only = False
        self._valid = True
        self._snapshot: Snapshot = ({}, {})

    @property
    def undo_action(self) -> QAction:
        return self._history.undo_action

    @property
    def redo_action(self) -> QAction:
        return self._history.redo_action

    def content(self) -> tuple[dict, dict]:
        raise NotImplementedError

    def validation_errors(self) -> list[Problem]:
        """What `ConfigData.model_validate` finds wrong with the content (empty when it is valid)."""
        try:
            ConfigData.model_validate(self.content()[0])
        except ValidationError as error:
            return problems_of(error)
        return []

    def is_valid(self) -> bool:
        """Whether the content can be saved (kept up to date by `_refresh`)."""
        return self._valid

    def is_read_only(self) -> bool:
        return self._read_only

    def _set_valid(self, valid: bool) -> None:
        if valid != self._valid:
            self._valid = valid
            self.sig_validity_changed.emit(valid)

    @contextmanager
    def _updating_form(self) -> Iterator[None]:
        """Changes made by the form itself (loading, undo) are not edits of the author."""
        previous, self._updating = self._updating, True
        try:
            yield
        finally:
            self._updating = previous

    def _load(self, config: dict[str, Any], parameters: dict[str, Any]) -> None:
        raise NotImplementedError

    def _refresh(self) -> None:
        raise NotImplementedError

    def _after_edit(self, key: str) -> None:
        """What a form re-checks after one edit besides `_refresh` (nothing here)."""

    def _record_edit(self, key: str, description: str, closes_step: bool) -> None:
        """Turn one change of the author into a step of history, then re-check the form."""
        if self._updating:
            return
        before, after = self._snapshot, self.content()
        self._snapshot = after
        self._history.record(before, after, key, description, closes_step)
        self._refresh()
        self._after_edit(key)
        self.sig_edited.emit()

    def _restore(self, snapshot: Snapshot) -> None:
        """Put the whole form back as a snapshot had it (undo and redo)."""
        with self._updating_form():
            self._load(*snapshot)
        self._snapshot = snapshot
        self._refresh()
        self.sig_edited.emit()
