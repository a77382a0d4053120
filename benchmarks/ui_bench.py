"""The app's own figures: start to an interactive window, filtering, opening a huge prompt, memory.

    python benchmarks/ui_bench.py [--runs 5]

Runs offscreen. The library's handles are in 37 folders (team-N/), so the list is a folder tree. Start-up is
measured from launching a fresh Python process to the moment the window shows the 1,000 prompts of its library
(imports, library, window and first list load included). Reports medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prompt_studio.models import CreatePromptBody
from prompt_studio.paths import DataPaths
from prompt_studio.store import PromptLibrary

READY = "ready"


def make_library(data_dir: Path, count: int) -> None:
    library = PromptLibrary(DataPaths.resolve(data_dir).library, seed_examples=False)
    for number in range(count):
        library.create_prompt(CreatePromptBody(
            handle=f"team-{number % 37}/prompt-{number}", model="openai/gpt-5",
            prompt=f"You are assistant number {number}. Answer about {{{{topic}}}}.",
            outputs=[{"identifier": "output", "type": "str"}],
        ))
    library.close()


def child_start(data_dir: str, expected: int) -> None:
    """Runs in the measured process: the real composition root, until the list shows every prompt."""
    import asyncio

    import qasync
    from PySide6.QtWidgets import QApplication

    from prompt_studio.app import AppConnector
    from prompt_studio.services.connections import LOCAL_LIBRARY
    from prompt_studio.services.secrets import SecretStore
    from prompt_studio.ui.main_window import MainWindow

    async def main() -> None:
        paths = DataPaths.resolve(data_dir)
        connector = AppConnector(paths, SecretStore(paths.fallback_secrets, use_keyring=False))
        window = MainWindow(connector, await connector.open(LOCAL_LIBRARY))
        window.show()
        await window.refresh()
        while window.prompt_model.total < expected:
            await asyncio.sleep(0.001)
        QApplication.processEvents()
        print(READY, flush=True)

    QApplication(sys.argv)
    qasync.run(main())


def measure_start(data_dir: Path, expected: int) -> float:
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, "--child-start", str(data_dir), str(expected)],
                               stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().strip()
    elapsed = time.perf_counter() - started
    process.kill()
    process.wait()
    if line != READY:
        raise RuntimeError("the window did not come up")
    return elapsed


def rss_megabytes() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def in_process_figures(runs: int) -> dict[str, float]:
    import asyncio

    import qasync
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from prompt_studio.app import AppConnector
    from prompt_studio.services.connections import LOCAL_LIBRARY
    from prompt_studio.services.secrets import SecretStore
    from prompt_studio.ui.main_window import MainWindow

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        make_library(Path(folder), 10_000)
        app = QApplication.instance() or QApplication(sys.argv)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)

        async def load() -> MainWindow:
            paths = DataPaths.resolve(folder)
            connector = AppConnector(paths, SecretStore(paths.fallback_secrets, use_keyring=False))
            window = MainWindow(connector, await connector.open(LOCAL_LIBRARY))
            window.resize(1440, 900)
            window.show()
            await window.refresh()
            return window

        window = loop.run_until_complete(load())
        app.processEvents()
        figures["rss_mb_10000"] = rss_megabytes()

        keystrokes = []
        for _ in range(runs):
            window.prompt_filter.clear()
            app.processEvents()
            for character in "team-3/prompt-1":
                started = time.perf_counter()
                QTest.keyClick(window.prompt_filter, character)
                app.processEvents()
                keystrokes.append(time.perf_counter() - started)
        figures["filter_ms_median"] = statistics.median(keystrokes) * 1000
        figures["filter_ms_p95"] = sorted(keystrokes)[int(len(keystrokes) * 0.95)] * 1000

        window.search_in_text.setChecked(True)
        in_text = []
        for _ in range(runs):
            window.prompt_filter.clear()
            app.processEvents()
            for character in "careful answer":
                started = time.perf_counter()
                QTest.keyClick(window.prompt_filter, character)
                app.processEvents()
                in_text.append(time.perf_counter() - started)
        window.search_in_text.setChecked(False)
        figures["text_filter_ms_median"] = statistics.median(in_text) * 1000
        figures["text_filter_ms_p95"] = sorted(in_text)[int(len(in_text) * 0.95)] * 1000

        big = {"prompt": "You are careful.", "model": "openai/gpt-5",
               "messages": [{"role": "user", "content": ("All work and no play. {{input}}\n" * 32_000)[:1_000_000]}],
               "inputs": [{"identifier": "input", "type": "str"}], "outputs": [{"identifier": "output", "type": "str"}]}
        openings = []
        for _ in range(runs):
            window.editor.set_content({"prompt": "", "model": "m", "outputs": [{"identifier": "o", "type": "str"}]}, {})
            app.processEvents()
            started = time.perf_counter()
            window.editor.set_content(big, {})
            app.processEvents()
            openings.append(time.perf_counter() - started)
        figures["open_1mb_ms_median"] = statistics.median(openings) * 1000
        window.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child-start", nargs=2, metavar=("DATA_DIR", "EXPECTED"))
    args = parser.parse_args()
    if args.child_start:
        child_start(args.child_start[0], int(args.child_start[1]))
        return

    with tempfile.TemporaryDirectory() as folder:
        make_library(Path(folder), 1000)
        measure_start(Path(folder), 1000)  # warm the disk cache and byte-code
        starts = [measure_start(Path(folder), 1000) for _ in range(args.runs)]
    figures = in_process_figures(args.runs)
    print(f"{'measure':<52}{'result':>12}{'target':>12}")
    print(f"{'start to interactive window, 1,000 prompts (median)':<52}{statistics.median(starts):>10.2f} s"
          f"{'< 1.5 s':>12}")
    print(f"{'filter 10,000 prompts per keystroke (median)':<52}{figures['filter_ms_median']:>9.1f} ms"
          f"{'< 16 ms':>12}")
    print(f"{'filter 10,000 prompts per keystroke (p95)':<52}{figures['filter_ms_p95']:>9.1f} ms{'':>12}")
    print(f"{'search in the texts of 10,000, per keystroke (median)':<52}"
          f"{figures['text_filter_ms_median']:>9.1f} ms")
    print(f"{'search in the texts of 10,000, per keystroke (p95)':<52}{figures['text_filter_ms_p95']:>9.1f} ms")
    print(f"{'open a prompt with 1 MB of message text (median)':<52}{figures['open_1mb_ms_median']:>9.1f} ms"
          f"{'< 200 ms':>12}")
    print(f"{'memory (RSS) with 10,000 prompts loaded':<52}{figures['rss_mb_10000']:>9.0f} MB{'< 300 MB':>12}")


if __name__ == "__main__":
    main()
