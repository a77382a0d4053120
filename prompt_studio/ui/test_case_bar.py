"""Test cases in Try it: choose a named set of sample values for the prompt, or make, rename, copy, delete, import
and export them. The chosen case follows what the author types in the inputs; the window keeps them on disk."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models.errors import PromptStudioError
from prompt_studio.models.test_cases import TestCase, case_name_problem, free_case_name, with_imported
from prompt_studio.services.test_cases import exported_cases, imported_cases
from prompt_studio.ui.dialogs import NameDialog
from prompt_studio.ui.editor.widgets import named
from prompt_studio.ui.tasks import wait_for_dialog

_FILE_FILTER = "Test cases (*.json);;All files (*)"


class TestCaseBar(QWidget):
    """The test cases of the prompt on screen, and what can be done with them."""

    __test__ = False
    sig_chosen = Signal(object)
    """A case was chosen: its values (a dict), to put in the inputs."""
    sig_changed = Signal(str, object)
    """The prompt's cases changed (its handle and the new list), to be kept on disk."""

    def __init__(self, values_now: Callable[[], dict[str, Any]], parent: QWidget | None = None):
        super().__init__(parent)
        self._values_now = values_now
        self.handle: str | None = None
        self.cases: list[TestCase] = []
        self._flows: set[asyncio.Task] = set()
        self.setObjectName("testCaseBar")
        self.selector = named(QComboBox(), "testCaseSelector", "Test case")
        self.selector.setPlaceholderText("None (values not kept)")
        self.selector.setToolTip("A test case keeps the sample values under a name, for the next time: Test cases > "
                                 "New test case")
        self.selector.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.selector.setMinimumContentsLength(12)  # the panel shares a 1366 px screen with the form
        self.menu_button = named(QToolButton(), "testCaseMenuButton", "Test case actions")
        self.menu_button.setText("Test cases")
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.menu_button)
        self.new_action = self._action("New test case...", "newTestCaseAction")
        self.rename_action = self._action("Rename...", "renameTestCaseAction")
        self.duplicate_action = self._action("Duplicate", "duplicateTestCaseAction")
        self.delete_action = self._action("Delete...", "deleteTestCaseAction")
        self.menu.addSeparator()
        self.import_action = self._action("Import...", "importTestCasesAction")
        self.export_action = self._action("Export...", "exportTestCasesAction")
        self.menu_button.setMenu(self.menu)
        self.problem = named(QLabel(), "testCaseProblem", "What went wrong with the test cases")
        self.problem.setWordWrap(True)
        self.problem.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        title = QLabel("Test case:")
        title.setBuddy(self.selector)
        row.addWidget(title)
        row.addWidget(self.selector, 1)
        row.addWidget(self.menu_button)
        layout.addLayout(row)
        layout.addWidget(self.problem)

        self.selector.activated.connect(self._on_selector_activated)
        self.new_action.triggered.connect(lambda: self._flow(self.add()))
        self.rename_action.triggered.connect(lambda: self._flow(self.rename()))
        self.duplicate_action.triggered.connect(self.duplicate)
        self.delete_action.triggered.connect(lambda: self._flow(self.delete()))
        self.import_action.triggered.connect(lambda: self._flow(self.import_from()))
        self.export_action.triggered.connect(lambda: self._flow(self.export_to()))
        self._update()

    def _action(self, text: str, object_name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(object_name)
        self.menu.addAction(action)
        return action

    def _flow(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task:
        task = asyncio.ensure_future(work)
        self._flows.add(task)
        task.add_done_callback(self._flows.discard)
        return task

    # -- what the panel tells ------------------------------------------------------------------------------------

    def show_cases(self, handle: str | None, cases: list[TestCase]) -> None:
        """The cases of the prompt now on screen; the first one is chosen (and its values sent to the inputs)."""
        for task in list(self._flows):
            task.cancel()
        self.handle, self.cases = handle, list(cases)
        self.problem.hide()
        self._list(0 if self.cases else -1)

    def follow_values(self, values: dict[str, Any]) -> None:
        """The author typed in the inputs: the chosen case takes the new values."""
        index = self.selector.currentIndex()
        if not 0 <= index < len(self.cases) or self.cases[index].values == values:
            return
        self.cases[index] = self.cases[index].model_copy(update={"values": dict(values)})
        self._changed()

    @property
    def current(self) -> TestCase | None:
        index = self.selector.currentIndex()
        return self.cases[index] if 0 <= index < len(self.cases) else None

    # -- what the author does ------------------------------------------------------------------------------------

    async def add(self, name: str | None = None) -> TestCase | None:
        """A new case holding the values in the inputs now."""
        taken = self._names()
        if name is None:
            name = await self._ask_name("New test case", "Name of the test case:", free_case_name("Case 1", taken),
                                        taken)
            if name is None:
                return None
        case = TestCase(name=name, values=self._values_now())
        self.cases.append(case)
        self._list(len(self.cases) - 1)
        self._changed()
        return case

    async def rename(self, name: str | None = None) -> bool:
        current = self.current
        if current is None:
            return False
        others = [item for item in self._names() if item != current.name]
        if name is None:
            name = await self._ask_name("Rename test case", "New name of the test case:", current.name, others)
            if name is None:
                return False
        index = self.selector.currentIndex()
        self.cases[index] = current.model_copy(update={"name": name})
        self._list(index)
        self._changed()
        return True

    def duplicate(self) -> TestCase | None:
        current = self.current
        if current is None:
            return None
        copy = current.model_copy(update={"name": free_case_name(f"{current.name} (copy)", self._names())})
        self.cases.insert(self.selector.currentIndex() + 1, copy)
        self._list(self.selector.currentIndex() + 1)
        self._changed()
        return copy

    async def delete(self, *, confirm: bool = True) -> bool:
        current = self.current
        if current is None:
            return False
        if confirm:
            box = QMessageBox(QMessageBox.Icon.Question, "Delete test case", f"Delete the test case '{current.name}'?",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
            box.setObjectName("deleteTestCaseDialog")
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            if await wait_for_dialog(box) != QMessageBox.StandardButton.Yes:
                return False
        index = self.selector.currentIndex()
        del self.cases[index]
        self._list(min(index, len(self.cases) - 1))
        self._changed()
        return True

    async def import_from(self, path: Path | None = None) -> int:
        """Add the cases of an exported file; a name already taken gets a number. Returns how many came in."""
        if path is None:
            path = await self._ask_file(QFileDialog.AcceptMode.AcceptOpen, "Import test cases")
            if path is None:
                return 0
        try:
            data = await asyncio.to_thread(path.read_bytes)
            cases = imported_cases(data, path.name)
        except OSError as error:
            return self._say(f"{path.name} could not be read: {error.strerror or error}.")
        except PromptStudioError as error:
            return self._say(error.user_message)
        self.problem.hide()
        self.cases = with_imported(self.cases, cases)
        self._list(len(self.cases) - len(cases) if cases else self.selector.currentIndex())
        self._changed()
        return len(cases)

    async def export_to(self, path: Path | None = None) -> bool:
        if self.handle is None or not self.cases:
            self._say("There are no test cases to export yet: make one with New test case.")
            return False
        if path is None:
            path = await self._ask_file(QFileDialog.AcceptMode.AcceptSave, "Export test cases")
            if path is None:
                return False
        try:
            await asyncio.to_thread(path.write_bytes, exported_cases(self.handle, self.cases))
        except OSError as error:
            self._say(f"{path.name} could not be written: {error.strerror or error}.")
            return False
        self.problem.hide()
        return True

    # -- helpers ---------------------------------------------------------------------------------------------

    def _on_selector_activated(self, index: int) -> None:
        self._update()
        if 0 <= index < len(self.cases):
            self.sig_chosen.emit(dict(self.cases[index].values))

    def _list(self, chosen: int) -> None:
        self.selector.blockSignals(True)
        self.selector.clear()
        for case in self.cases:
            self.selector.addItem(case.name)
        self.selector.setCurrentIndex(chosen)
        self.selector.blockSignals(False)
        self._update()
        if self.current is not None:
            self.sig_chosen.emit(dict(self.current.values))

    def _changed(self) -> None:
        if self.handle is not None:
            self.sig_changed.emit(self.handle, list(self.cases))

    def _update(self) -> None:
        chosen = self.current is not None
        for action in (self.rename_action, self.duplicate_action, self.delete_action):
            action.setEnabled(chosen)
        self.export_action.setEnabled(bool(self.cases))
        for action in (self.new_action, self.import_action):
            action.setEnabled(self.handle is not None)

    def _names(self) -> list[str]:
        return [case.name for case in self.cases]

    def _say(self, words: str) -> int:
        self.problem.setText(words)
        self.problem.show()
        return 0

    async def _ask_name(self, title: str, question: str, suggestion: str, taken: list[str]) -> str | None:
        dialog = NameDialog(self, object_name="testCaseNameDialog", title=title, question=question,
                            placeholder="for example: angry customer", problem=lambda name: case_name_problem(name,
                                                                                                             taken))
        dialog.name_edit.setText(suggestion)
        dialog.name_edit.selectAll()
        if await wait_for_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        return dialog.name

    async def _ask_file(self, mode: QFileDialog.AcceptMode, title: str) -> Path | None:
        dialog = QFileDialog(self, title)
        dialog.setObjectName("testCasesFileDialog")
        dialog.setAcceptMode(mode)
        dialog.setNameFilter(_FILE_FILTER)
        dialog.setDefaultSuffix("json")
        if mode == QFileDialog.AcceptMode.AcceptSave and self.handle:
            dialog.selectFile(f"{self.handle.replace('/', '-')}.test-cases.json")
        if await wait_for_dialog(dialog) != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        return Path(dialog.selectedFiles()[0])
