"""The real main window, offscreen, on a LangWatch connection to a server address (a latency proxy's, say).

What `open_bench.py` and `start_bench.py` share: one qasync loop for the process, the window built the way the
composition root builds it (`AppConnector` -> `Workspace` -> `MainWindow`), and waits on the window's own signals
rather than on time.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPOSITORY = Path(__file__).resolve().parents[1]
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

import qasync  # noqa: E402
from PySide6.QtCore import QEvent, QItemSelectionModel, SignalInstance  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from prompt_studio.app import AppConnector  # noqa: E402
from prompt_studio.paths import DataPaths  # noqa: E402
from prompt_studio.services.connections import Connection, connection_id_for  # noqa: E402
from prompt_studio.services.secrets import SecretStore  # noqa: E402
from prompt_studio.ui.event_loop import manage_async_generators, stop_managing_async_generators  # noqa: E402
from prompt_studio.ui.main_window import MainWindow  # noqa: E402

WAIT_LIMIT = 60.0
"""Seconds any one wait may take before the benchmark gives up (a broken run, not a slow one)."""


def qt_event_loop() -> asyncio.AbstractEventLoop:
    """The process's QApplication and a qasync loop on it, set as the current loop (as `app.run_app` does)."""
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)  # a closed window must not end the loop with the benchmark
    loop = qasync.QEventLoop(app)
    loop.set_default_executor(qasync.QThreadExecutor(4))
    asyncio.set_event_loop(loop)
    manage_async_generators(loop)
    return loop


def close_event_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Finish what the windows left running, then close the loop (which joins its worker threads)."""
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(stop_managing_async_generators(loop))
    loop.close()
    asyncio.set_event_loop(None)


async def until(signals: list[SignalInstance], condition: Callable[[], bool]) -> None:
    """Return as soon as `condition()` holds, checking it now and after each emission of `signals`."""
    if condition():
        return
    reached = asyncio.get_running_loop().create_future()

    def check(*_arguments) -> None:
        if not reached.done() and condition():
            reached.set_result(None)

    for signal in signals:
        signal.connect(check)
    try:
        await asyncio.wait_for(reached, WAIT_LIMIT)
    finally:
        for signal in signals:
            signal.disconnect(check)


class RemoteWindows:
    """Opens main windows on a LangWatch connection to `url`, as `prompt-studio --server URL` does."""

    def __init__(self, data_dir: Path, url: str, api_key: str):
        paths = DataPaths.resolve(data_dir)
        self.connector = AppConnector(paths, SecretStore(paths.fallback_secrets, use_keyring=False))
        self.connection = Connection(connection_id_for("langwatch", url), f"LangWatch ({url})", "langwatch", url)
        self.connector.use_for_this_session(self.connection, api_key)
        self.list_seconds: list[float] = []
        """For each start, the seconds from asking for the list (`refresh`) to the list painted."""

    async def start(self, expected_prompts: int) -> MainWindow:
        """Construct the window, show it and load its list; return when the list shows `expected_prompts`."""
        workspace = await self.connector.open(self.connection)
        await workspace.service.start_listing()  # as the app's start does
        window = MainWindow(self.connector, workspace)
        window.resize(1440, 900)
        window.show()
        failed: list[str] = []
        window.tasks.sig_failed.connect(lambda what, error: failed.append(f"{what}: {type(error).__name__}"))
        refreshed = time.perf_counter()
        window.refresh()
        await until([window.prompt_model.modelReset, window.tasks.sig_failed],
                    lambda: failed or window.prompt_model.rowCount() >= expected_prompts)
        if failed:
            raise RuntimeError(f"the window could not load its list ({failed[0]})")
        # The list painted, here and now: processEvents() would run other tasks' callbacks inside this one's step.
        window.repaint()
        self.list_seconds.append(time.perf_counter() - refreshed)
        return window

    async def close(self, window: MainWindow) -> None:
        """Close the window and its connection, and free them now: a closed window lives in reference cycles,
        and left to the garbage collector the windows of earlier runs made its pauses grow to 100-250 ms,
        landing in later measurements."""
        window.close()
        await self.connector.close(window.workspace)
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        gc.collect()


def scroll_into_view(window: MainWindow, handle: str) -> None:
    """Bring `handle`'s row on screen, painted, as it is before anyone clicks it."""
    row = window.prompt_model.row_of(handle)
    if row is None:
        raise RuntimeError(f"{handle} is not in the list")
    window.prompt_list.scrollTo(window.prompt_model.index(row, 0))
    window.repaint()


async def open_in_window(window: MainWindow, handle: str, expected_versions: int) -> None:
    """Select `handle` in the list, as a click does; return when its text is in the form and its history listed."""
    row = window.prompt_model.row_of(handle)
    if row is None:
        raise RuntimeError(f"{handle} is not in the list")
    opened: list[str] = []
    failed: list[str] = []

    def on_opened(opened_handle: str) -> None:
        opened.append(opened_handle)

    def on_failed(what: str, error: object) -> None:
        failed.append(f"{what}: {type(error).__name__}")

    window.sig_prompt_opened.connect(on_opened)
    window.tasks.sig_failed.connect(on_failed)
    try:
        window.prompt_list.selectionModel().setCurrentIndex(
            window.prompt_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        await until([window.sig_prompt_opened, window.tasks.sig_failed],
                    lambda: bool(failed) or handle in opened)
    finally:
        window.sig_prompt_opened.disconnect(on_opened)
        window.tasks.sig_failed.disconnect(on_failed)
    if failed:
        raise RuntimeError(f"opening {handle} failed ({failed[0]})")
    config, _parameters = window.editor.content()
    if not config.get("prompt") or window.history_model.rowCount() != expected_versions:
        raise RuntimeError(f"{handle} opened with {window.history_model.rowCount()} versions listed, "
                           f"expected {expected_versions}, or without its text")
