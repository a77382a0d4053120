"""Importing 200 prompts into an empty server, whole processes: `prompt-studio import` of a bundle and of a CLI
project folder against the official CLI's `langwatch prompt sync` of that same folder.

    python benchmarks/import_bench.py [--prompts 200] [--rtt 0 40] [--runs 3 2]

Each run, each side gets a fresh `prompt-studio serve` on 127.0.0.1 (its example prompts aside, empty) and pushes
the same 200 prompts (`sync_vs_cli.prompt_content`: a system prompt, a user message, a temperature) as new
prompts; the order of the sides turns each run. At 0 ms all talk to the server directly; otherwise through
`latency_proxy.py` (the CLI too: LANGWATCH_ENDPOINT is the proxy's address). All are timed as whole processes,
start-up included: ours is `python -m prompt_studio import SOURCE --server URL --api-key-env VAR` (the
concurrent path, `services.bulk`, 16 in flight) with SOURCE the bundle or the CLI folder itself (its 200 YAML files
read and checked first), theirs the npm `langwatch` 0.16.1 binary in that folder, whose own report ("Synced 200
pushed in 9.1s", to 0.1 s, node's start-up left out) is shown too. After each side, every prompt is checked to be
at version 1 on its server.

Measured on 2 cores (2026-12-01, medians of 3 and 2 runs), ours from a bundle / from the folder against the CLI:
at loopback 0.95 / 1.22 s against 1.41 s (1.2x over the folder), at 40 ms 1.41 / 1.73 s against 9.93 s (5.8x; 7.0x
from the bundle). About 0.5 s of ours is the start-up of the Python process (httpx, pydantic and the models are
the largest imports); the folder adds ruamel's round-trip reading of 200 files (about 0.25 s: the reading that
keeps line numbers for a bad file's message); the 200 syncs themselves, 16 in flight, take 0.65 s at 40 ms, where
the CLI sends one at a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import common
from latency_proxy import latency_proxy
from sync_vs_cli import check_versions, cli_binary, cli_project, prompt_content, run_cli_sync

from prompt_studio.models import ConfigData
from prompt_studio.models.bundle import Bundle, BundledPrompt, bundle_text
from tests.support.official_cli import CLI_VERSION, LOOPBACK_ONLY

KEY_VARIABLE = "IMPORT_BENCH_KEY"


def write_bundle_of(folder: Path, prefix: str, count: int) -> Path:
    """The same prompts as `cli_project(folder, prefix, count)`, as one bundle."""
    prompts = [BundledPrompt(handle=f"{prefix}prompt-{number}",
                             config_data=ConfigData.model_validate(prompt_content(number)))
               for number in range(count)]
    path = folder / f"bundle-{prefix}.json"
    path.write_text(bundle_text(Bundle(prompts=prompts)), encoding="utf-8")
    return path


def run_ours(folder: Path, source: Path, url: str, api_key: str, count: int, timeout: float) -> float:
    """One `prompt-studio import SOURCE` process (a bundle or a CLI folder) against `url`, with its own data
    folder; its wall time."""
    environment = {**common.loopback_environment(), KEY_VARIABLE: api_key}
    command = [sys.executable, "-m", "prompt_studio", "import", str(source), "--server", url,
               "--api-key-env", KEY_VARIABLE, "--data-dir", str(folder / "ours-data")]
    started = time.perf_counter()
    finished = subprocess.run(command, cwd=common.REPOSITORY, env=environment, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    if finished.returncode != 0 or f"{count} created" not in finished.stderr:
        raise SystemExit(f"prompt-studio import failed:\n{finished.stderr[-2000:]}")
    return seconds


SIDES = ("bundle", "folder", "cli")
"""Ours from a bundle, ours from the CLI folder, the CLI's sync of that folder."""


def measure(side: str, folder: Path, binary: Path, guard: Path, prefix: str, count: int, rtt: float) -> tuple:
    timeout = 120 + 4 * count * rtt / 1000
    with common.fresh_server(folder, f"server-{prefix}") as server, latency_proxy(server.url, rtt) as url:
        if side == "cli":
            project = cli_project(folder, prefix, count)
            reported, process = run_cli_sync(binary, project, url, server.api_key, guard, count, timeout)
            figures = (process, reported)
        else:
            source = write_bundle_of(folder, prefix, count) if side == "bundle" else cli_project(folder, prefix, count)
            figures = (run_ours(folder, source, url, server.api_key, count, timeout),)
        check_versions(server, prefix, count)
    if guard.with_suffix(".report").read_text(encoding="utf-8"):
        raise SystemExit("the CLI tried to reach beyond 127.0.0.1")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=200)
    common.add_distance_arguments(parser, runs=(3, 2))
    parser.set_defaults(rtt=[0.0, 40.0])
    arguments = parser.parse_args()
    common.clear_proxy_settings()
    os.environ.pop(KEY_VARIABLE, None)
    count = arguments.prompts
    binary = cli_binary()
    results: dict[float, dict[str, list]] = {}
    with common.scratch_folder("import-bench-") as folder:
        guard = folder / "loopback-only.cjs"
        guard.write_text(LOOPBACK_ONLY, encoding="utf-8")
        guard.with_suffix(".report").touch()
        for position, rtt in enumerate(arguments.rtt):
            figures = results[rtt] = {side: [] for side in SIDES} | {"cli said": []}
            for run in range(common.runs_at(arguments, position)):
                for side in SIDES[run % len(SIDES):] + SIDES[:run % len(SIDES)]:
                    common.settle()
                    measured = measure(side, folder, binary, guard, f"r{rtt:g}-{run}-{side}-", count, rtt)
                    figures[side].append(measured[0])
                    if side == "cli":
                        figures["cli said"].append(measured[1])
                    said = f" (it said {measured[1]:.1f} s)" if side == "cli" else ""
                    print(f"{common.milliseconds(rtt)} run {run + 1}: {side:<6} {measured[0]:.3f} s{said}",
                          flush=True)
    rows = []
    for rtt, figures in results.items():
        bundle, folder_import, cli, said = (statistics.median(figures[key]) for key in (*SIDES, "cli said"))
        rows.append([common.milliseconds(rtt), f"{count} new prompts", f"{bundle:.3f}", f"{folder_import:.3f}",
                     f"{cli:.3f}", f"{cli / folder_import:.1f}x", f"{said:.1f}", str(len(figures["cli"]))])
    common.print_grid(
        f"Import {count} prompts into an empty prompt-studio serve, whole processes (ours: prompt-studio import of "
        f"a bundle, and of the CLI folder; CLI: langwatch@{CLI_VERSION} prompt sync of that folder)",
        ["rtt", "scenario", "ours bundle s", "ours folder s", "CLI s", "CLI/folder", "CLI said s", "runs"], rows,
        ["Medians. CLI/folder: the CLI process's wall time over our import of the same folder; all include their "
         "start-up (python, node). 'CLI said' is its own report, to 0.1 s, without node's start-up.",
         "Plain http: HTTP/1.1 for all; ours opens up to 16 connections, the CLI one at a time."])
    for rtt, figures in results.items():
        print(f"  {common.milliseconds(rtt)}: " + "; ".join(
            f"{key} " + " ".join(f"{value:.3f}" for value in values) for key, values in figures.items()))


if __name__ == "__main__":
    main()
