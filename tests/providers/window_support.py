"""The real window with Try it open on a prompt of the local library, its runs going to the fake providers."""

from __future__ import annotations

from pathlib import Path

from prompt_studio.paths import DataPaths
from prompt_studio.providers import save_settings, settings_file
from prompt_studio.services.trying import Trials
from tests.ui.main_window_support import make_connector

HANDLE = "support/triage"


def try_it_window(qtbot, run_async, data: Path, fakes, handle: str = HANDLE):
    """The window on the library in `data` (a restart when it exists), `handle` open, Try it shown and its test
    cases read; returns the window and its Trials (the test closes them)."""
    from prompt_studio.ui.main_window import MainWindow

    connector, connection = make_connector(data)
    save_settings(settings_file(DataPaths.resolve(data)), fakes.settings)
    trials = Trials(connector.paths, fakes.secrets)
    window = MainWindow(connector, run_async(connector.open(connection)), None, trials)
    qtbot.addWidget(window)
    window.show()
    run_async(window.refresh())
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt(handle)
    window.try_it_action.trigger()
    qtbot.waitUntil(lambda: window.try_it.test_cases.handle == handle, timeout=5000)
    return window, trials
