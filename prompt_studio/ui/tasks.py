"""Running the service layer's coroutines from the window: busy state, errors and cancellation in one place.

Like Anki's `CollectionOp`: a caller says what to run and what to do with the answer; this class shows the busy
state, reports a failure in plain words (details on demand) and lets the newest request of a kind win, so a slow
answer never overwrites a newer one.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from shiboken6 import isValid

from prompt_studio.models.errors import PromptStudioError
from prompt_studio.services.editing import EditingSession

log = logging.getLogger(__name__)


async def wait_for_dialog(dialog: QDialog) -> int:
    """Open a dialog window-modally and wait for its result without nesting an event loop.

    `exec()` inside a coroutine re-enters the Qt loop under qasync and breaks it; `open()` plus a future that
    `finished` resolves does not.
    """
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def _on_dialog_finished(result: int) -> None:
        if not future.done():
            future.set_result(result)

    dialog.finished.connect(_on_dialog_finished)
    dialog.open()
    try:
        return await future
    except asyncio.CancelledError:
        # The flow that asked was ended (the window switched connection, or closed): its question goes too.
        with contextlib.suppress(RuntimeError):
            dialog.reject()
        raise
    finally:
        with contextlib.suppress(RuntimeError):  # the dialog may be gone already (window closed under it)
            dialog.finished.disconnect(_on_dialog_finished)


def plain_message(error: BaseException) -> str:
    if isinstance(error, PromptStudioError):
        return error.user_message
    return "Something unexpected went wrong."


class ErrorBox(QMessageBox):
    """A failure in plain words, with what is safe, and the technical details behind a button."""

    def __init__(self, parent: QWidget, what: str, error: BaseException, *, draft_kept: bool):
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("Prompt Studio")
        self.setText(f"{what}: {plain_message(error)}")
        if draft_kept:
            self.setInformativeText("Your draft is saved on this computer; nothing you typed is lost.")
        self.setDetailedText(f"{type(error).__name__}: {error}")
        self.setStandardButtons(QMessageBox.StandardButton.Ok)


def _close_if_never_started(work: Awaitable[Any]) -> None:
    """A task cancelled before its first step never awaited its coroutine; close it rather than leak a warning."""
    if inspect.iscoroutine(work) and inspect.getcoroutinestate(work) == inspect.CORO_CREATED:
        work.close()


class TaskRunner(QObject):
    """The window's running tasks: one slot per kind of work, cancelled on close."""

    sig_busy_changed = Signal(bool)
    """Some work started or all work ended."""
    sig_failed = Signal(str, object)
    """A task failed: what it was doing, and the exception."""
    sig_finished = Signal(str)
    """A task ended (done, failed or cancelled): its slot."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._tasks: dict[str, asyncio.Task] = {}

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def is_running(self, slot: str) -> bool:
        return slot in self._tasks

    def run(
        self,
        slot: str,
        what: str,
        work: Awaitable[Any],
        on_done: Callable[[Any], Any] | None = None,
    ) -> asyncio.Task:
        """Start `work` in `slot`, cancelling what that slot was doing before (the newest request wins)."""
        previous = self._tasks.pop(slot, None)
        if previous is not None:
            previous.cancel()
        task = asyncio.ensure_future(self._run(slot, what, work, on_done))
        task.add_done_callback(lambda _task: _close_if_never_started(work))
        self._tasks[slot] = task
        self.sig_busy_changed.emit(True)
        return task

    async def _run(self, slot: str, what: str, work: Awaitable[Any], on_done: Callable[[Any], Any] | None) -> Any:
        # Asked now, while the loop runs: the last step of a task cancelled as the loop shuts down may run after.
        this_task = asyncio.current_task()
        try:
            result = await work
            if on_done is not None:
                outcome = on_done(result)
                if asyncio.iscoroutine(outcome):
                    await outcome
            return result
        except asyncio.CancelledError:
            raise
        except Exception as error:  # every failure reaches the user, in plain words
            log.warning("%s failed: %s", what, type(error).__name__)
            if isValid(self):
                self.sig_failed.emit(what, error)
            return None
        finally:
            if self._tasks.get(slot) is this_task:
                del self._tasks[slot]
            # A task cancelled as its window closed ends after the window (and this runner) may be gone.
            if isValid(self):
                self.sig_finished.emit(slot)
                if not self._tasks:
                    self.sig_busy_changed.emit(False)

    def cancel(self, *slots: str) -> None:
        for slot in slots:
            task = self._tasks.pop(slot, None)
            if task is not None:
                task.cancel()

    def cancel_all(self, *, keep: str | None = None) -> None:
        """End every task (but the one in slot `keep`, the flow that asks)."""
        for slot in [slot for slot in self._tasks if slot != keep]:
            self._tasks.pop(slot).cancel()


class WindowFlows(QObject):
    """What a group of the window's flows stands on: the window (the parent of their dialogs), its task runner,
    its status bar, and its session as it is at each step (a switch of connection replaces it)."""

    def __init__(self, window: QWidget, tasks: TaskRunner, session: Callable[[], EditingSession],
                 say: Callable[[str, int], Any]):
        super().__init__(window)
        self.window, self.tasks, self._session, self.say = window, tasks, session, say

    @property
    def session(self) -> EditingSession:
        return self._session()
