"""Try it: from the provider's first streamed token to that token painted in the answer (target: under 5 ms).

    python benchmarks/first_token_bench.py [--runs 30]

The fake OpenAI server of the tests runs in this process (uvicorn in a thread, on 127.0.0.1) and notes the moment
it hands its first token to the response; the real Try-it panel runs the prompt through the official `openai`
client, and an event filter on the answer notes the first paint that shows text. Both clocks are this process's
`time.perf_counter`. The difference is what the app adds between the network and the screen: the client's SSE
parsing, the runner, the event loop's hop into Qt, the text insertion and the paint. Reports the median, the 95th
percentile and the worst, offscreen.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

import qasync  # noqa: E402
from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.common import scratch_folder  # noqa: E402
from prompt_studio.paths import DataPaths  # noqa: E402
from prompt_studio.providers import ProviderSettings, ProvidersSettings, key_id, save_settings, settings_file  # noqa: E402
from prompt_studio.services.trying import Trials  # noqa: E402
from prompt_studio.ui.try_it_panel import TryItPanel  # noqa: E402
from tests.providers.conftest import MemorySecrets  # noqa: E402
from tests.providers.fakes import OPENAI_KEY, FakeProviders  # noqa: E402
from tests.support.server_process import serving_in_a_thread  # noqa: E402

CONFIG = {"prompt": "You are a helpful assistant.", "model": "openai/gpt-4o-mini",
          "messages": [{"role": "user", "content": "Say hello."}], "outputs": [{"identifier": "o", "type": "str"}]}


class TimedFake(FakeProviders):
    """The tests' fake, noting when it hands over the first token of each answer."""

    def __init__(self) -> None:
        super().__init__()
        self.first_sent: float | None = None
        self.script.delay = 0.02  # a token every 20 ms, as a fast model streams

    async def _tokens(self, tokens: list[str]) -> AsyncIterator[tuple[int, str]]:
        async for index, token in super()._tokens(tokens):
            if index == 0:
                self.first_sent = time.perf_counter()
            yield index, token


class FirstPaint(QObject):
    """Notes the first paint of the answer once it holds text."""

    def __init__(self, panel: TryItPanel):
        super().__init__()
        self.panel = panel
        self.painted: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Paint and self.painted is None
                and self.panel.answer.document().characterCount() > 1):
            self.painted = time.perf_counter()
        return False


async def measure(runs: int) -> list[float]:
    fake = TimedFake()
    latencies: list[float] = []
    with serving_in_a_thread(fake.app, "the fake provider", "critical") as url, \
            scratch_folder("first-token-") as folder:
        paths = DataPaths.resolve(folder)
        save_settings(settings_file(paths), ProvidersSettings(providers=[ProviderSettings(
            prefix="openai", kind="openai", name="OpenAI", base_url=f"{url}/openai/v1")]))
        trials = Trials(paths, MemorySecrets({key_id("openai"): OPENAI_KEY}))
        panel = TryItPanel(trials=trials)
        panel.resize(900, 700)
        panel.show()
        panel.show_prompt(CONFIG)
        panel.refresh()
        watcher = FirstPaint(panel)
        panel.answer.viewport().installEventFilter(watcher)
        for number in range(runs + 1):  # the first run opens the connection and warms the client: not counted
            fake.first_sent, watcher.painted = None, None
            finished = asyncio.get_running_loop().create_future()
            panel.sig_run_finished.connect(lambda summary, done=finished: done.done() or done.set_result(summary))
            panel.run()
            summary = await finished
            panel.sig_run_finished.disconnect()
            assert summary is not None and summary.ok, summary
            if number and fake.first_sent is not None and watcher.painted is not None:
                latencies.append(watcher.painted - fake.first_sent)
        await trials.aclose()
        panel.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    QApplication.instance() or QApplication([])
    latencies = sorted(qasync.run(measure(runs)))
    milliseconds = [value * 1000 for value in latencies]
    p95 = milliseconds[min(len(milliseconds) - 1, round(0.95 * (len(milliseconds) - 1)))]
    print(f"first token sent -> painted in the answer, {len(milliseconds)} runs: median "
          f"{statistics.median(milliseconds):.2f} ms, p95 {p95:.2f} ms, worst {milliseconds[-1]:.2f} ms "
          f"(target: under 5 ms)")


if __name__ == "__main__":
    main()
