"""A LangWatch CLI folder of many prompts: what opening and refreshing it, opening one prompt and saving one cost in
the app, beside the official CLI's `langwatch prompt sync` of the same folder (nothing to push), on loopback.

    python benchmarks/cli_folder_bench.py [--prompts 200] [--runs 5]

One `prompt-studio serve` on 127.0.0.1; the folder is `prompt init` and N local prompts as `prompt create` writes
them, pushed once by the app. Ours is timed in-process through the service layer (`CliFolderBackend`): a refresh
reads prompts.json, the lock and every file, lists the server's prompts and pulls; an open reads one file and the
history; a save writes one file and the lock after its sync. The CLI is a whole process (node's start included),
timed by its own report ("Synced in N s"). Medians of `--runs`, reported as numbers, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import time
from pathlib import Path

from common import scratch_folder  # also puts the repository on sys.path

from prompt_studio.api import LangWatchClient
from prompt_studio.services.cli_folder import CliFolderBackend
from prompt_studio.services.prompts import PromptService
from tests.cli_folders.conftest import GREETER
from tests.support.official_cli import OfficialCli
from tests.support.server_process import running_server

CLI_TIME = re.compile(r"in ([0-9.]+)s")


def make_folder(root: Path, count: int) -> None:
    (root / "prompts").mkdir(parents=True)
    dependencies = {}
    for number in range(count):
        name = f"prompt-{number:03d}"
        (root / "prompts" / f"{name}.prompt.yaml").write_text(GREETER, encoding="utf-8")
        dependencies[name] = f"file:prompts/{name}.prompt.yaml"
    (root / "prompts.json").write_text(json.dumps({"prompts": dependencies}, indent=2) + "\n", encoding="utf-8")


async def measure(service: PromptService, runs: int) -> dict[str, float]:
    """Milliseconds (median) of a refresh, an open and a save of one prompt."""
    timings: dict[str, list[float]] = {"refresh the folder": [], "open one prompt": [], "save one prompt": []}
    for run in range(runs):
        started = time.perf_counter()
        await service.list_prompts()
        timings["refresh the folder"].append(time.perf_counter() - started)
        started = time.perf_counter()
        opened, _versions = await service.open_with_history("prompt-007")
        timings["open one prompt"].append(time.perf_counter() - started)
        draft = opened.start_draft()
        draft = draft.model_copy(update={"config": {**draft.config, "temperature": round(0.1 + run / 100, 2)}})
        started = time.perf_counter()
        await service.save(draft, f"run {run}")
        timings["save one prompt"].append(time.perf_counter() - started)
    return {what: statistics.median(values) * 1000 for what, values in timings.items()}


async def push_all(service: PromptService, count: int) -> None:
    for number in range(count):
        opened = await service.open_prompt(f"prompt-{number:03d}")
        await service.save(opened.start_draft(), "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    with scratch_folder("cli-folder-bench-") as folder:
        root = folder / "project"
        make_folder(root, arguments.prompts)
        with running_server(folder / "server") as server:
            async def ours() -> dict[str, float]:
                backend = CliFolderBackend(root, LangWatchClient(server.url, server.api_key))
                service = PromptService(backend, backend.capabilities)
                try:
                    await push_all(service, arguments.prompts)
                    return await measure(service, arguments.runs)
                finally:
                    await backend.aclose()

            results = asyncio.run(ours())
            (folder / "cli").mkdir()
            cli = OfficialCli(root, server, folder / "cli")
            cli_times = [float(CLI_TIME.search(cli("prompt", "sync")).group(1)) * 1000 for _ in range(arguments.runs)]
    print(f"A CLI folder of {arguments.prompts} prompts on loopback, medians of {arguments.runs} runs:")
    for what, milliseconds in results.items():
        print(f"  Prompt Studio, {what}: {milliseconds:8.1f} ms")
    print(f"  langwatch prompt sync (nothing to push, its own report): {statistics.median(cli_times):8.1f} ms")


if __name__ == "__main__":
    main()
