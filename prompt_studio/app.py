"""The composition root: settings -> back ends -> services -> main window, on one qasync event loop."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from prompt_studio.paths import DataPaths
from prompt_studio.services.connections import Connection, folder_connection
from prompt_studio.services.connector import AppConnector, langwatch_connection, orkes_connection
from prompt_studio.services.preferences import start_connection
from prompt_studio.services.secrets import SecretStore
from prompt_studio.services.trying import Trials
from prompt_studio.ui.appearance import Appearance, read_preferences
from prompt_studio.ui.event_loop import manage_async_generators, stop_managing_async_generators
from prompt_studio.ui.main_window import MainWindow


async def _main(connector: AppConnector, first: Connection, settings: QSettings, appearance: Appearance,
                screenshot: Path | None) -> int:
    app = QApplication.instance()
    loop = asyncio.get_running_loop()
    manage_async_generators(loop)
    closed = loop.create_future()
    app.lastWindowClosed.connect(lambda: closed.done() or closed.set_result(None))

    workspace = await connector.open(first)
    await workspace.service.start_listing()  # the list travels while the window is built
    trials = Trials(connector.paths, connector.secrets)
    window = MainWindow(connector, workspace, settings, trials, appearance)
    window.show()
    listed = window.refresh()
    exit_code = 0
    try:
        if screenshot is not None:
            await listed
            exit_code = _save_screenshot(window, screenshot)
            window.close()
        await closed
    finally:
        await connector.close(window.workspace)
        await trials.aclose()
        await stop_managing_async_generators(loop)
    return exit_code


def _save_screenshot(window: MainWindow, path: Path) -> int:
    """`--screenshot`: the window as it came up, and in words what it shows, so a script can tell that it opened."""
    if not window.grab().save(str(path)):
        print(f"Cannot save a picture to {path}", file=sys.stderr, flush=True)
        return 1
    print(f"Saved {path}: {window.windowTitle()}, {window.prompt_count.text()}", flush=True)
    return 0


def start_as_preferred(app: QApplication, settings: QSettings, connector: AppConnector
                       ) -> tuple[Appearance, Connection]:
    """The look chosen in Preferences, applied before the window shows, and the connection to open first (the
    command line's server, when it names one, comes before it)."""
    preferences = read_preferences(settings)
    appearance = Appearance(app)
    appearance.apply(preferences)
    return appearance, start_connection(preferences, connector.connections())


def run_app(
    *,
    data_dir: str | None,
    server_url: str | None,
    api_key: str | None,
    project_id: str | None,
    orkes_url: str | None = None,
    orkes_key_id: str | None = None,
    orkes_key_secret: str | None = None,
    screenshot: str | None = None,
    folder: str | None = None,
) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    paths = DataPaths.resolve(data_dir)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Prompt Studio")
    app.setOrganizationName("PromptStudio")
    app.setDesktopFileName("prompt-studio")
    app.setQuitOnLastWindowClosed(False)

    connector = AppConnector(paths, SecretStore(paths.fallback_secrets))
    settings = QSettings(str(paths.settings), QSettings.Format.IniFormat)
    appearance, first = start_as_preferred(app, settings, connector)
    if server_url and folder:
        first = folder_connection(Path(folder), langwatch_connection(server_url, project_id))
        connector.use_for_this_session(first, api_key or "")
    elif server_url:
        first = langwatch_connection(server_url, project_id)
        connector.use_for_this_session(first, api_key or "")
    elif orkes_url:
        first = orkes_connection(orkes_url, orkes_key_id or "")
        connector.use_for_this_session(first, orkes_key_secret or "")
    return qasync.run(_main(connector, first, settings, appearance, Path(screenshot) if screenshot else None))
