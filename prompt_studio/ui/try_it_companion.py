"""What the window does for Try it besides showing it: the prompt on screen followed, its test cases read from and
kept on disk, every run that ends kept in the run history, and the runs of the prompt shown.

The window tells it which connection is open (`use`) and what is on screen (`follow`); it never reads the form.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from prompt_studio.models.test_cases import TestCase
from prompt_studio.services.connections import Workspace
from prompt_studio.services.trying import RunRecord, RunSummary, Trials, run_record
from prompt_studio.ui.run_history_dialog import RunHistoryDialog
from prompt_studio.ui.tasks import TaskRunner
from prompt_studio.ui.try_it_panel import TryItPanel, version_label

TEST_CASES_WRITE_DELAY_MS = 500
"""A pause in typing in a test case before it is written; an added or removed case is written at once."""


class TryItCompanion(QObject):
    """The test cases and the runs of the prompt Try it shows, for one connection at a time."""

    def __init__(self, panel: TryItPanel, tasks: TaskRunner, trials: Trials | None, window: QWidget,
                 say: Callable[[str], Any]):
        super().__init__(window)
        self.panel, self.tasks, self.trials, self.window, self.say = panel, tasks, trials, window, say
        self.workspace: Workspace | None = None
        self.handle: str | None = None
        self._book: dict[str, list[TestCase]] | None = None
        """The connection's test cases by prompt, once read from disk."""
        self.run_history_dialog: RunHistoryDialog | None = None
        self._kept_runs = 0
        self.write_timer = QTimer(self)
        self.write_timer.setSingleShot(True)

        self.write_timer.timeout.connect(self.write_test_cases)
        panel.test_cases.sig_changed.connect(self._on_test_cases_changed)
        panel.sig_run_finished.connect(lambda summary: self.keep_runs([(summary, panel.subject)]))
        panel.sig_repeat_finished.connect(
            lambda summaries: self.keep_runs([(summary, panel.subject) for summary in summaries]))
        panel.sig_comparison_finished.connect(self._on_panel_comparison_finished)
        panel.sig_history_requested.connect(
            lambda: self.tasks.run("run-history", "Reading the runs", self.show_run_history()))

    def use(self, workspace: Workspace) -> None:
        """Another connection: the last typing in a test case of the old one is written first."""
        if self.write_timer.isActive():
            self.write_test_cases()
        self.workspace, self.handle, self._book = workspace, None, None
        self.panel.test_cases.show_cases(None, [])

    def follow(self, handle: str, config: dict[str, Any], syntax: str, subject: str) -> None:
        """The prompt on screen (`subject`: the draft, or the old version on view) and, for a new one, its cases."""
        self.handle = handle
        self.panel.show_prompt(config, syntax, subject)
        if self.panel.test_cases.handle != handle:
            self._show_test_cases(handle)

    # -- test cases ----------------------------------------------------------------------------------------------

    def _show_test_cases(self, handle: str) -> None:
        """The prompt's test cases, read from disk (in a worker thread) the first time."""
        store = self.workspace.test_cases if self.workspace is not None else None
        bar = self.panel.test_cases
        bar.show_cases(None, [])
        if store is None:
            return

        async def load() -> list[TestCase]:
            if self._book is None:
                self._book = await asyncio.to_thread(store.load)
            return self._book.get(handle, [])

        self.tasks.run("test-cases", "Reading the test cases", load(), lambda cases: bar.show_cases(handle, cases))

    def _on_test_cases_changed(self, handle: str, cases: list[TestCase]) -> None:
        if self._book is None:
            return
        structural = len(cases) != len(self._book.get(handle, []))
        self._book[handle] = cases
        self.write_timer.start(0 if structural else TEST_CASES_WRITE_DELAY_MS)

    def write_test_cases(self) -> asyncio.Task | None:
        self.write_timer.stop()
        store = self.workspace.test_cases if self.workspace is not None else None
        if store is None or self._book is None:
            return None
        return self.tasks.run("test-cases-write", "Keeping the test cases",
                              asyncio.to_thread(store.save, dict(self._book)))

    def close(self) -> None:
        """The window goes: the last typing in a test case is written now (a small file; no loop is left)."""
        store = self.workspace.test_cases if self.workspace is not None else None
        if self.write_timer.isActive() and store is not None:
            self.write_timer.stop()
            store.save(dict(self._book or {}))

    # -- runs ----------------------------------------------------------------------------------------------------

    def _on_panel_comparison_finished(self, draft: RunSummary | None, version: RunSummary | None) -> None:
        chosen = self.panel.chosen_version()
        self.keep_runs([(draft, self.panel.subject), (version, version_label(chosen) if chosen else "a version")])

    def keep_runs(self, finished: list[tuple[RunSummary | None, str]]) -> asyncio.Task | None:
        """Keep each run that ended in the run history, with the prompt, what ran and the test case."""
        trials, workspace, handle = self.trials, self.workspace, self.handle
        if trials is None or workspace is None or handle is None:
            return None
        case = self.panel.test_cases.current
        records = [run_record(summary, connection=workspace.connection.id, handle=handle, source=source,
                              test_case=case.name if case is not None else None)
                   for summary, source in finished if summary is not None]
        if not records:
            return None

        async def keep() -> None:
            kept = [await trials.keep(record) for record in records]
            if None in kept:
                self.say("The run could not be kept in the run history (the data folder could not be written); "
                         "its answer is still on screen.")
            if self.run_history_dialog is not None and self.run_history_dialog.isVisible():
                await self.show_run_history()

        self._kept_runs += 1
        return self.tasks.run(f"keep-runs-{self._kept_runs}", "Keeping the run", keep())

    async def show_run_history(self) -> RunHistoryDialog | None:
        """The runs of the prompt on screen, newest first (one dialog, brought up to date if it is open)."""
        trials, workspace, handle = self.trials, self.workspace, self.handle
        if trials is None or workspace is None or handle is None:
            return None
        connection = workspace.connection.id
        runs = await trials.runs(connection, handle)
        dialog = self.run_history_dialog
        if dialog is None or dialog.windowTitle() != f"Runs of {handle}":
            if dialog is not None:
                dialog.close()

            async def delete(run: RunRecord) -> None:
                await trials.delete_run(run.id)

            async def clear() -> None:
                await trials.clear_runs(connection, handle)

            dialog = self.run_history_dialog = RunHistoryDialog(self.window, handle, runs, delete, clear)
        else:
            dialog.show_runs(runs)
        dialog.show()
        dialog.raise_()
        return dialog
