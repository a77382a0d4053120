"""Saving 200 drafts at once, over a distance: our service layer against the official LangWatch CLI.

    python benchmarks/sync_vs_cli.py [--prompts 200] [--rtt 0 40 150] [--runs 3 2 1]

One `prompt-studio serve` on 127.0.0.1 takes both sides, at each round trip (0: loopback, no proxy; else through
`latency_proxy.py`, which the CLI reaches too: LANGWATCH_ENDPOINT is the proxy's address). Each run, each side
pushes 200 prompts of its own (handles `r<rtt>-<run>-<side>-prompt-<n>`, so both meet a server of the same size):
first as new prompts (200 `created`), then unchanged (200 `up_to_date`, nothing written); which side goes first
alternates. The CLI (npm `langwatch` 0.16.1, installed into `.cache/langwatch-cli` as
tests/server/test_official_cli.py does) syncs a project of 200 `file:` prompts; it reports its own time
("Synced 200 pushed in 0.9s", to 0.1 s), which leaves out node's start-up, and its whole process is timed too.
Ours is `PromptService.save_many` (what "Save all" and import use) over `LangWatchClient`, 16 in flight, timed
from opening the client to closing it (its connections included). The test server is plain http: HTTP/1.1, so
16 in flight are 16 connections (HTTP/2 is only negotiated over TLS).

Targets: ours at least 3x the CLI's reported time at loopback, at least 15x at 40 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import subprocess
import time
from pathlib import Path

from common import (
    add_distance_arguments,
    clear_proxy_settings,
    fresh_server,
    loopback_environment,
    milliseconds,
    print_grid,
    runs_at,
    scratch_folder,
    settle,
)
from latency_proxy import latency_proxy

from prompt_studio.api import LangWatchClient
from prompt_studio.models.draft import Draft
from prompt_studio.services.bulk import DEFAULT_CONCURRENCY
from prompt_studio.services.prompts import PromptService
from tests.support.official_cli import CLI_BINARY, CLI_PREFIX, CLI_VERSION, LOOPBACK_ONLY, NodeMissing, install_cli

TARGETS = {0.0: 3.0, 40.0: 15.0}
"""Ours over the CLI's reported time, by round trip in ms (none set at other distances)."""
CLI_TIME = re.compile(r"Synced (?:(\d+) pushed )?in ([0-9.]+)s")


def prompt_content(number: int) -> dict:
    """One prompt as the CLI sends it for a `*.prompt.yaml` with a system and a user message."""
    return {
        "model": "openai/gpt-5",
        "prompt": f"You are assistant {number} of the support team. Answer briefly and cite the manual.",
        "messages": [{"role": "user", "content": "{{input}}"}],
        "temperature": 0.7,
        "inputs": [{"identifier": "input", "type": "str"}],
        "outputs": [{"identifier": "output", "type": "str"}],
    }


def prompt_yaml(content: dict) -> str:
    return (
        f"model: {content['model']}\n"
        f"modelParameters:\n  temperature: {content['temperature']}\n"
        "messages:\n"
        f"  - role: system\n    content: {json.dumps(content['prompt'])}\n"
        f"  - role: user\n    content: {json.dumps(content['messages'][0]['content'])}\n"
    )


def cli_binary() -> Path:
    if not CLI_BINARY.exists():
        print(f"installing langwatch@{CLI_VERSION} into {CLI_PREFIX} ...", flush=True)
    try:
        return install_cli()
    except NodeMissing as missing:
        raise SystemExit(str(missing)) from None


def cli_project(folder: Path, prefix: str, count: int) -> Path:
    """A CLI project of `count` local prompts, as `prompt init` and `prompt create` would leave it."""
    project = folder / f"project-{prefix}"
    (project / "prompts").mkdir(parents=True)
    dependencies = {}
    for number in range(count):
        name = f"{prefix}prompt-{number}"
        (project / "prompts" / f"{name}.prompt.yaml").write_text(prompt_yaml(prompt_content(number)), "utf-8")
        dependencies[name] = f"file:prompts/{name}.prompt.yaml"
    (project / "prompts.json").write_text(json.dumps({"prompts": dependencies}, indent=2), "utf-8")
    (project / "prompts-lock.json").write_text(json.dumps({"lockfileVersion": 1, "prompts": {}}), "utf-8")
    return project


def run_cli_sync(binary: Path, project: Path, url: str, api_key: str, guard: Path, expect_pushed: int,
                 timeout: float) -> tuple[float, float]:
    """One `langwatch prompt sync` against `url`: its own reported seconds (to 0.1 s) and its process's."""
    environment = {
        key: value
        for key, value in loopback_environment().items()
        if not key.startswith(("LANGWATCH_", "OTEL_", "NODE_"))
    }
    environment.update(
        LANGWATCH_ENDPOINT=url,
        LANGWATCH_API_KEY=api_key,
        NODE_OPTIONS=f'--require "{guard}"',
        OUTSIDE_NETWORK_REPORT=str(guard.with_suffix(".report")),
        OTEL_SDK_DISABLED="true",
    )
    started = time.perf_counter()
    finished = subprocess.run(
        [str(binary), "prompt", "sync"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    process_seconds = time.perf_counter() - started
    output = finished.stdout + finished.stderr
    found = CLI_TIME.findall(output)
    if finished.returncode != 0 or not found:
        raise SystemExit(f"the CLI failed:\n{output[-2000:]}")
    pushed, reported = found[-1]
    if int(pushed or 0) != expect_pushed:
        raise SystemExit(f"the CLI pushed {pushed or 0} prompts, expected {expect_pushed}:\n{output[-2000:]}")
    return max(float(reported), 0.05), process_seconds


def measure_cli(binary: Path, folder: Path, server, url: str, prefix: str, count: int, rtt: float) -> dict:
    guard = folder / "loopback-only.cjs"
    if not guard.exists():
        guard.write_text(LOOPBACK_ONLY, encoding="utf-8")
        guard.with_suffix(".report").touch()
    project = cli_project(folder, prefix, count)
    timeout = 120 + 4 * count * rtt / 1000
    new = run_cli_sync(binary, project, url, server.api_key, guard, expect_pushed=count, timeout=timeout)
    unchanged = run_cli_sync(binary, project, url, server.api_key, guard, expect_pushed=0, timeout=timeout)
    if guard.with_suffix(".report").read_text(encoding="utf-8"):
        raise SystemExit("the CLI tried to reach beyond 127.0.0.1")
    check_versions(server, prefix, count)
    return {"new": new, "unchanged": unchanged}


def check_versions(server, prefix: str, count: int) -> None:
    versions = asyncio.run(_latest_versions(server, prefix))
    if versions != [1] * count:
        raise SystemExit(f"{prefix}: versions {sorted(set(versions))} on {len(versions)} prompts, not 1 on {count}")


async def _latest_versions(server, prefix: str) -> list[int]:
    """The latest version number of each prompt one side pushed (read on loopback, not through the proxy)."""
    async with LangWatchClient(server.url, server.api_key) as client:
        listed = await client.list_prompts()
    return [prompt.version for prompt in listed if (prompt.handle or "").startswith(f"{prefix}prompt-")]


def drafts(prefix: str, count: int, base_version: int | None) -> list[Draft]:
    """New drafts, or drafts of prompts saved as version `base_version` (as the app keeps them: with their base)."""
    return [
        Draft(handle=f"{prefix}prompt-{number}", base_version=base_version, config=prompt_content(number),
              base_config=prompt_content(number) if base_version is not None else None)
        for number in range(count)
    ]


async def timed_sync_many(url: str, api_key: str, to_save: list[Draft], expected_action: str,
                          concurrency: int) -> float:
    started = time.perf_counter()
    async with LangWatchClient(url, api_key) as client:
        outcomes = await PromptService(client).save_many(to_save, "Save all", concurrency=concurrency)
    elapsed = time.perf_counter() - started
    actions = {outcome.outcome.action if outcome.outcome else repr(outcome.error) for outcome in outcomes}
    if actions != {expected_action} or len(outcomes) != len(to_save):
        raise SystemExit(f"expected {len(to_save)} x {expected_action}, got {actions}")
    return elapsed


def measure_ours(server, url: str, prefix: str, count: int, concurrency: int) -> dict:
    new = asyncio.run(timed_sync_many(url, server.api_key, drafts(prefix, count, None), "created", concurrency))
    unchanged = asyncio.run(timed_sync_many(url, server.api_key, drafts(prefix, count, 1), "up_to_date", concurrency))
    check_versions(server, prefix, count)
    return {"new": new, "unchanged": unchanged}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=200)
    add_distance_arguments(parser, runs=(3, 2, 1))
    parser.add_argument("--concurrency", type=int, default=None, help="ours; default: the service's default")
    arguments = parser.parse_args()
    clear_proxy_settings()
    concurrency = arguments.concurrency or DEFAULT_CONCURRENCY
    count = arguments.prompts
    binary = cli_binary()
    # results[rtt][scenario]: our seconds, the CLI's reported seconds, the CLI's process seconds
    results: dict[float, dict[str, tuple[list[float], list[float], list[float]]]] = {}
    runs_by_rtt: dict[float, int] = {}
    with scratch_folder("sync-vs-cli-") as folder, fresh_server(folder, "server") as server:
        for position, rtt in enumerate(arguments.rtt):
            runs = runs_by_rtt[rtt] = runs_at(arguments, position)
            figures = results[rtt] = {"new": ([], [], []), "unchanged": ([], [], [])}
            with latency_proxy(server.url, rtt) as url:
                for run in range(runs):
                    sides = ["ours", "cli"] if run % 2 == 0 else ["cli", "ours"]
                    for side in sides:
                        prefix = f"r{rtt:g}-{run}-{side}-"
                        settle()
                        before = url.connections()
                        if side == "ours":
                            measured = measure_ours(server, url, prefix, count, concurrency)
                            for scenario, seconds in measured.items():
                                figures[scenario][0].append(seconds)
                            said = ", ".join(f"{scenario} {seconds:.3f} s" for scenario, seconds in measured.items())
                        else:
                            measured = measure_cli(binary, folder, server, url, prefix, count, rtt)
                            for scenario, (reported, process) in measured.items():
                                figures[scenario][1].append(reported)
                                figures[scenario][2].append(process)
                            said = ", ".join(f"{scenario} {reported:.1f} s (process {process:.3f} s)"
                                             for scenario, (reported, process) in measured.items())
                        opened = "" if before is None else f"; {url.connections() - before} connections opened"
                        print(f"{milliseconds(rtt)} run {run + 1}: {side:<4} {said}{opened}", flush=True)
    report(results, runs_by_rtt, count, concurrency)


def report(results: dict, runs_by_rtt: dict, count: int, concurrency: int) -> None:
    rows = []
    for rtt, figures in results.items():
        target = TARGETS.get(rtt)
        for scenario, label in (("new", f"{count} new (created)"), ("unchanged", f"{count} unchanged (up_to_date)")):
            ours, reported, process = (statistics.median(values) for values in figures[scenario])
            rows.append([
                milliseconds(rtt), label, f"{ours:.3f}", f"{reported:.1f}", f"{reported / ours:.1f}x",
                f"{process:.3f}", f"{process / ours:.1f}x",
                f"{target:g}x" if target else "-",
                ("yes" if reported / ours >= target else "NO") if target else "-",
                str(runs_by_rtt[rtt]),
            ])
    print_grid(
        f"Save {count} drafts at once to prompt-studio serve (ours: PromptService.save_many, {concurrency} in "
        f"flight; CLI: langwatch@{CLI_VERSION} prompt sync), the same server and proxy for both",
        ["rtt", "scenario", "ours s", "CLI said s", "ratio", "CLI process s", "ratio", "target", "met", "runs"],
        rows,
        [
            "Medians. ratio: the CLI's time over ours; 'CLI said' is its own report (to 0.1 s, node's start-up left "
            "out; a reported 0.0 s counts as 0.05 s), 'CLI process' the wall time of the whole `langwatch` process.",
            "target: on the CLI's reported time; none is set at distances other than loopback and 40 ms.",
            "Plain http: HTTP/1.1 for both (no ALPN, no HTTP/2); ours opens up to 16 connections, the CLI reuses one.",
        ],
    )
    for rtt, figures in results.items():
        for scenario, (ours, reported, process) in figures.items():
            print(f"  {milliseconds(rtt)} {scenario}: ours {_runs(ours)}; CLI said {_runs(reported, 1)}; "
                  f"CLI process {_runs(process)}")


def _runs(values: list[float], decimals: int = 3) -> str:
    return " ".join(f"{value:.{decimals}f}" for value in values)


if __name__ == "__main__":
    main()
