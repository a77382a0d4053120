"""The provider packages (openai, anthropic, their httpx2 transport, genai-prices) take about a second and 80 MB
to import: the app's start and the command line do without them, and a run loads them in a worker thread."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("openai", "anthropic", "httpx2", "genai_prices")


def test_the_window_and_the_commands_import_no_provider_package():
    probe = ("import sys, prompt_studio.app, prompt_studio.ui.main_window, prompt_studio.commands.transfer, "
             f"prompt_studio.commands.render; print(' '.join(name for name in {HEAVY!r} if name in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}).stdout.split()
    assert loaded == []


async def test_a_runner_loads_them_off_the_event_loop_thread(tmp_path, monkeypatch):
    import threading

    from prompt_studio.paths import DataPaths
    from prompt_studio.providers import errors
    from prompt_studio.services.trying import Trials

    threads: list[threading.Thread] = []
    loaded = errors.transport_errors

    def watched():
        threads.append(threading.current_thread())
        return loaded()

    monkeypatch.setattr("prompt_studio.services.trying.transport_errors", watched)
    trials = Trials(DataPaths.resolve(tmp_path), secrets=None)
    await trials.runner()
    await trials.aclose()
    assert threads and threads[0] is not threading.main_thread()
