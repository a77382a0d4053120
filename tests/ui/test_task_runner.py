"""The window's task runner at the end: a task cancelled as its window closes, or as the loop stops at quit, takes
its last step later, when the runner may be deleted with its window or no loop is running."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from prompt_studio.ui.tasks import TaskRunner


def waiting_task(qtbot, window: QWidget) -> tuple[TaskRunner, asyncio.Task]:
    """A runner of `window` with a list load under way that waits for an answer which never comes."""
    runner = TaskRunner(window)
    started = asyncio.Event()

    async def waits_for_an_answer() -> None:
        started.set()
        await asyncio.Event().wait()

    task = runner.run("list", "Loading the prompts", waits_for_an_answer())
    qtbot.waitUntil(started.is_set, timeout=2000)
    return runner, task


def test_a_task_cancelled_as_its_window_closes_ends_quietly_after_the_window_is_gone(qtbot, qt_loop):
    window = QWidget()
    runner, task = waiting_task(qtbot, window)
    runner.cancel_all()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert not isValid(runner)

    qtbot.waitUntil(task.done, timeout=2000)
    assert task.cancelled(), "it ends as cancelled, not with an error about a deleted signal source"


def test_a_task_whose_last_step_runs_after_the_loop_stopped_still_ends_as_cancelled(qtbot, qt_loop):
    """At quit the loop stops and the tasks it cancelled may take their last step after it, from Qt's queue: the
    runner must not ask asyncio for the running task then (there is none), or the task ends with that error."""
    window = QWidget()
    qtbot.addWidget(window)
    runner, task = waiting_task(qtbot, window)
    task.cancel()
    asyncio.events._set_running_loop(None)  # the loop has stopped; Qt still delivers its timers
    try:
        qtbot.waitUntil(task.done, timeout=2000)
    finally:
        asyncio.events._set_running_loop(qt_loop)
    assert task.cancelled(), "it ends as cancelled, not with 'no running event loop'"
    assert not runner.is_running("list")
