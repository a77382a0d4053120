"""pytest-qt with qasync: one QEventLoop per test that runs inside pytest-qt's waits."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine
from typing import Any

import pytest
import qasync

from prompt_studio.services.preferences import Preferences
from prompt_studio.ui.appearance import Appearance
from prompt_studio.ui.event_loop import manage_async_generators, stop_managing_async_generators


@pytest.fixture
def qt_loop(qapp, qtbot):
    """An asyncio loop driven by Qt; tasks left running at the end are cancelled and worker threads joined."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    executor = qasync.QThreadExecutor(4)
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    manage_async_generators(loop)
    yield loop
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        qtbot.waitUntil(lambda: all(task.done() for task in pending), timeout=5000)
    closing = stop_managing_async_generators(loop)
    qtbot.waitUntil(closing.done, timeout=5000)
    # qasync has no public way to leave a loop created with already_running=True: undo what it set up, so that
    # asyncio.run() in a later test does not find a "running" loop.
    asyncio.events._set_running_loop(None)
    loop._QEventLoop__is_running = False
    loop.close()  # joins the worker threads of the executor
    asyncio.set_event_loop(None)
    # The loop's timers are QObjects in reference cycles. Collect them here, on the GUI thread: left to the
    # garbage collector they may be freed from a server thread of a later test, leaving Qt a dangling timer.
    del loop, executor
    gc.collect()


@pytest.fixture
def run_async(qt_loop, qtbot):
    """Run a coroutine to its end while the Qt event loop keeps spinning, and return its result."""

    def run(coroutine: Coroutine[Any, Any, Any] | asyncio.Future, timeout: int = 15000) -> Any:
        future = asyncio.ensure_future(coroutine)
        qtbot.waitUntil(future.done, timeout=timeout)
        return future.result()

    return run


@pytest.fixture
def dark_palette(qapp):
    """The app in its Dark theme, applied the way Preferences applies it (to the widgets already on screen too);
    the system's look again afterwards."""
    appearance = Appearance(qapp)
    appearance.apply(Preferences(theme="dark"))
    yield
    appearance.restore()
