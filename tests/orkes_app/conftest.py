"""The fake Orkes of tests/orkes, and an `OrkesBackend` over a real client of it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from prompt_studio.services.orkes_backend import OrkesBackend
from tests.orkes.conftest import KEY_ID, KEY_SECRET, orkes, orkes_server, start_orkes  # noqa: F401
from tests.ui.conftest import qt_loop, run_async  # noqa: F401

__all__ = ["KEY_ID", "KEY_SECRET"]


@pytest.fixture
async def backend(orkes) -> AsyncIterator[OrkesBackend]:  # noqa: F811
    opened = OrkesBackend(orkes.client())
    yield opened
    await opened.aclose()


@pytest.fixture
def orkes_window(qtbot, run_async, tmp_path, orkes):  # noqa: F811
    """The real main window, composed as the app composes it, on an Orkes connection to the fake."""
    from PySide6.QtCore import QSettings

    from prompt_studio.paths import DataPaths
    from prompt_studio.services.connector import AppConnector, orkes_connection
    from prompt_studio.services.secrets import SecretStore
    from prompt_studio.ui.main_window import MainWindow

    paths = DataPaths.resolve(tmp_path / "app")
    connector = AppConnector(paths, SecretStore(paths.fallback_secrets, use_keyring=False))
    connection = orkes_connection(orkes.url + "/api", KEY_ID)
    connector.use_for_this_session(connection, KEY_SECRET)
    workspace = run_async(connector.open(connection))
    window = MainWindow(connector, workspace, QSettings(str(paths.settings), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    yield window
    run_async(connector.close(window.workspace))
