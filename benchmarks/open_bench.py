"""Opening a prompt over a distance: its text in the form and its history listed. The real window against the SDK.

    python benchmarks/open_bench.py [--rtt 0 40 150] [--runs 5 5 3] [--opens 3] [--idle-runs 1]

One `prompt-studio serve` on 127.0.0.1 holds 1,000 prompts with 1 to 5 versions each; every opened prompt has 5.
At each round trip (0: loopback, no proxy; else through `latency_proxy.py`) the real `MainWindow` runs offscreen
on a LangWatch connection to that address. Ours is timed from selecting the prompt in the list (as a click does,
on a row on screen: the list is scrolled to it and painted first) to `sig_prompt_opened` with the text in the
form and the 5 versions in the history model: the open sends the sync that reads its full content and the read of
its versions at once (the newest version's answer is the history's first entry), and reads the draft file beside
them. The peer is the official Python SDK's generated client (`langwatch` 1.4.0, as tests/server/
test_official_sdk.py builds it), what it offers for the same data: get the prompt, then its versions.

Each run starts a window on a new data folder (its list and tags load on two connections) and an SDK client that
lists the prompts (one connection), then measures, alternating which side goes first:
- first open after the start: our pool holds what the start left (2 connections);
- warm (`--opens` per run): our pool holds the 3 connections an earlier open left, the SDK its one;
- after idling (`--idle-runs` runs): 6 s without a request, past the server's 5 s keep-alive, so both sides
  open new connections.
The test server is plain http, where HTTP/2 is not negotiated (no TLS, no ALPN): httpx speaks HTTP/1.1 and reads
sent at once need a connection each. Target: ours at most 1 round trip + 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass, field

from common import (
    add_distance_arguments,
    clear_proxy_settings,
    fresh_server,
    milliseconds,
    print_grid,
    round_trips,
    runs_at,
    scratch_folder,
    settle,
)
from langwatch.generated.langwatch_rest_api_client.api.default import (
    get_api_prompts,
    get_api_prompts_by_id,
    get_api_prompts_by_id_versions,
)
from langwatch.generated.langwatch_rest_api_client.client import AuthenticatedClient
from langwatch.generated.langwatch_rest_api_client.models import GetApiPromptsByIdResponse200
from latency_proxy import ProxiedUrl, latency_proxy
from load_vs_sdk import MAX_VERSIONS, seed
from remote_window import RemoteWindows, close_event_loop, open_in_window, qt_event_loop, scroll_into_view

PROMPTS = 1000
TARGET_EXTRA = 0.050
"""Ours may take one round trip and this much more."""
IDLE = 6.0
"""Seconds without a request: past the server's keep-alive (uvicorn's 5 s), which then closes the connections."""
SCENARIOS = {
    "first": "first open after start",
    "warm": "warm",
    "idle": "after 6 s idle (new connections)",
}


@dataclass
class Samples:
    seconds: list[float] = field(default_factory=list)
    connections: list[int] = field(default_factory=list)
    """New TCP connections each open made (through the proxy only)."""

    def add(self, seconds: float, connections: int | None) -> None:
        self.seconds.append(seconds)
        if connections is not None:
            self.connections.append(connections)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def new_connections(self) -> str:
        return "-" if not self.connections else f"{statistics.median(self.connections):g}"


def handles_with_full_history() -> list[str]:
    """The seeded prompts with MAX_VERSIONS versions, in seed order."""
    return [f"team-{number % 20}/prompt-{number}" for number in range(PROMPTS) if number % MAX_VERSIONS == 4]


def sdk_client(url: str, api_key: str) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url=url, token=api_key, raise_on_unexpected_status=True, httpx_args={"trust_env": False}
    )


def sdk_open(client: AuthenticatedClient, handle: str) -> float:
    started = time.perf_counter()
    prompt = get_api_prompts_by_id.sync(handle, client=client)
    if not isinstance(prompt, GetApiPromptsByIdResponse200):
        raise SystemExit(f"the SDK got {type(prompt).__name__} for {handle}")
    versions = get_api_prompts_by_id_versions.sync(prompt.id, client=client)
    elapsed = time.perf_counter() - started
    if not isinstance(versions, list) or len(versions) != MAX_VERSIONS or not prompt.prompt:
        raise SystemExit(f"the SDK read {handle} without its text or its {MAX_VERSIONS} versions")
    return elapsed


async def our_open(window, handle: str) -> float:
    scroll_into_view(window, handle)  # a click is on a row on screen: no scrolling in the time
    started = time.perf_counter()
    await open_in_window(window, handle, MAX_VERSIONS)
    return time.perf_counter() - started


def counted(url: ProxiedUrl, measure):
    """Run `measure()` (a time) after collecting the garbage, and count the connections the proxy accepted
    meanwhile."""
    settle()
    before = url.connections()
    seconds = measure()
    after = url.connections()
    return seconds, None if before is None else after - before


async def counted_async(url: ProxiedUrl, measure):
    settle()
    before = url.connections()
    seconds = await measure()
    after = url.connections()
    return seconds, None if before is None else after - before


async def measure_distance(server, url: ProxiedUrl, folder, rtt: float, runs: int, opens: int,
                           idle_runs: int, handles) -> dict[str, dict[str, Samples]]:
    results = {scenario: {"ours": Samples(), "sdk": Samples()} for scenario in SCENARIOS}
    turn = 0
    for run in range(runs):
        # A new data folder each run: on one with the offline copy of an earlier start, the list would show that
        # copy at once and the first open would race the start's own requests (a separate case from this one).
        windows = RemoteWindows(folder / f"app-{rtt:g}-{run}", url, server.api_key)
        window = await windows.start(PROMPTS)
        try:
            with sdk_client(url, server.api_key) as client:
                listed = get_api_prompts.sync(client=client)  # the SDK's start: its one connection is warm
                if len(listed) < PROMPTS:
                    raise SystemExit(f"the SDK listed {len(listed)} prompts")
                plan = ["first", *["warm"] * opens, *(["idle"] if run < idle_runs else [])]
                for scenario in plan:
                    if scenario == "idle":
                        await asyncio.sleep(IDLE)
                    ours_handle, sdk_handle = next(handles), next(handles)
                    sides = ["ours", "sdk"] if turn % 2 == 0 else ["sdk", "ours"]
                    turn += 1
                    for side in sides:
                        if side == "ours":
                            seconds, connections = await counted_async(
                                url, lambda handle=ours_handle, shown=window: our_open(shown, handle))
                        else:
                            seconds, connections = counted(url, lambda handle=sdk_handle: sdk_open(client, handle))
                        results[scenario][side].add(seconds, connections)
        finally:
            await windows.close(window)
    return results


async def measure(arguments) -> tuple[dict, dict]:
    every_handle = handles_with_full_history()
    needed = sum(runs_at(arguments, position) * (1 + arguments.opens + 1) * 2
                 for position in range(len(arguments.rtt)))
    if needed > len(every_handle):
        raise SystemExit(f"{needed} opens asked for, {len(every_handle)} prompts with full histories: fewer runs")
    handles = iter(every_handle)
    by_rtt: dict[float, dict[str, dict[str, Samples]]] = {}
    runs_by_rtt: dict[float, int] = {}
    with scratch_folder("open-bench-") as folder:
        seed(folder / "server" / "data", PROMPTS)
        with fresh_server(folder, "server") as server:
            for position, rtt in enumerate(arguments.rtt):
                runs = runs_at(arguments, position)
                runs_by_rtt[rtt] = runs
                with latency_proxy(server.url, rtt) as url:
                    by_rtt[rtt] = await measure_distance(
                        server, url, folder, rtt, runs, arguments.opens, arguments.idle_runs, handles)
                warm = by_rtt[rtt]["warm"]
                print(f"{milliseconds(rtt)}: {runs} runs; warm open ours {warm['ours'].median:.3f} s, "
                      f"SDK {warm['sdk'].median:.3f} s", flush=True)
    return by_rtt, runs_by_rtt


def report(by_rtt: dict, runs_by_rtt: dict, arguments) -> None:
    loopback = by_rtt.get(0.0)
    rows = []
    for rtt, results in by_rtt.items():
        for scenario, label in SCENARIOS.items():
            ours, sdk = results[scenario]["ours"], results[scenario]["sdk"]
            if not ours.seconds:
                continue
            base_ours = loopback[scenario]["ours"].median if loopback else 0.0
            base_sdk = loopback[scenario]["sdk"].median if loopback else 0.0
            limit = rtt / 1000 + TARGET_EXTRA
            rows.append([
                milliseconds(rtt), label, f"{ours.median:.3f}", round_trips(ours.median, base_ours, rtt),
                ours.new_connections(), f"{sdk.median:.3f}", round_trips(sdk.median, base_sdk, rtt),
                sdk.new_connections(), f"{sdk.median / ours.median:.1f}x", f"{limit:.3f}",
                "yes" if ours.median <= limit else "NO", f"{len(ours.seconds)}/{len(sdk.seconds)}",
            ])
    print_grid(
        f"Open a prompt of {PROMPTS} (text in the form, 5 versions listed): the real window (its sync and its "
        "versions at once) against the SDK (get prompt, then versions)",
        ["rtt", "scenario", "ours s", "RTs", "conns", "SDK s", "RTs", "conns", "ratio", "target s", "met", "n"],
        rows,
        [
            "Medians. RTs: round trips beyond the same scenario at loopback, (t - t0) / rtt. conns: new TCP "
            "connections per open, counted by the proxy.",
            "ratio: the SDK's time over ours. target: ours within 1 round trip + 50 ms.",
            "Plain http: no ALPN, so no HTTP/2; our two reads sent at once (sync and versions) need two HTTP/1.1 "
            "connections.",
            "Runs per round trip: " + ", ".join(f"{milliseconds(rtt)} {runs}" for rtt, runs in runs_by_rtt.items())
            + f"; {arguments.opens} warm opens per run; the idle case in the first {arguments.idle_runs} run(s).",
        ],
    )
    print()
    for rtt, results in by_rtt.items():
        for scenario in SCENARIOS:
            ours, sdk = results[scenario]["ours"], results[scenario]["sdk"]
            if ours.seconds:
                print(f"  {milliseconds(rtt)} {scenario}: ours {_runs(ours.seconds)}; SDK {_runs(sdk.seconds)}")


def _runs(values: list[float]) -> str:
    return " ".join(f"{value:.3f}" for value in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_distance_arguments(parser, runs=(5, 5, 3))
    parser.add_argument("--opens", type=int, default=3, help="warm opens per run and side")
    parser.add_argument("--idle-runs", type=int, default=1, help="runs that also open after 6 s idle")
    arguments = parser.parse_args()
    clear_proxy_settings()
    loop = qt_event_loop()
    try:
        by_rtt, runs_by_rtt = loop.run_until_complete(measure(arguments))
    finally:
        close_event_loop(loop)
    report(by_rtt, runs_by_rtt, arguments)


if __name__ == "__main__":
    main()
