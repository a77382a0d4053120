"""Start to an interactive window with 1,000 prompts, over a distance: the real window against the SDK's list.

    python benchmarks/start_bench.py [--rtt 0 40 150] [--runs 9 9 5]

One `prompt-studio serve` on 127.0.0.1 holds 1,000 prompts (3,000 versions). At each round trip (0: loopback, no
proxy; else through `latency_proxy.py`) ours is the real `MainWindow`, offscreen, on a LangWatch connection to
that address, on a data folder of its own (so no offline copy of an earlier start is shown first), timed from
opening the connection (`AppConnector.open` builds the client) and constructing the window to the list showing
all 1,000 prompts, painted. The window asks for the list and the tag names at once, on
new connections (a start has none yet). The peer is the official Python SDK's generated client, new, listing the
prompts into its models (`get_api_prompts`): what a script needs to have the same list. Both are cold: the first
request opens a connection, which costs one round trip more. Process start-up and imports are left out (see
ui_bench.py for those, on the local library).

Target: ours at most 2 round trips + the loopback time.
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import (
    add_distance_arguments,
    clear_proxy_settings,
    fresh_server,
    milliseconds,
    print_grid,
    round_trips,
    runs_at,
    scratch_folder,
)
from langwatch.generated.langwatch_rest_api_client.api.default import get_api_prompts
from latency_proxy import latency_proxy
from load_vs_sdk import seed
from open_bench import counted, counted_async, sdk_client
from remote_window import RemoteWindows, close_event_loop, qt_event_loop

PROMPTS = 1000
TARGET_ROUND_TRIPS = 2


def sdk_start(url: str, api_key: str) -> float:
    started = time.perf_counter()
    with sdk_client(url, api_key) as client:
        listed = get_api_prompts.sync(client=client)
        elapsed = time.perf_counter() - started
    if not isinstance(listed, list) or len(listed) != PROMPTS:
        raise SystemExit(f"the SDK listed {len(listed) if isinstance(listed, list) else listed!r}")
    return elapsed


async def our_start(windows: RemoteWindows) -> float:
    started = time.perf_counter()
    window = await windows.start(PROMPTS)
    elapsed = time.perf_counter() - started
    await windows.close(window)
    return elapsed


async def measure(arguments) -> tuple[dict, dict]:
    results: dict[float, dict[str, tuple[list[float], list[int]]]] = {}
    runs_by_rtt: dict[float, int] = {}
    with scratch_folder("start-bench-") as folder:
        seed(folder / "server" / "data", PROMPTS)
        with fresh_server(folder, "server") as server:
            for position, rtt in enumerate(arguments.rtt):
                runs = runs_by_rtt[rtt] = runs_at(arguments, position)
                sides = results[rtt] = {"ours": ([], []), "sdk": ([], []), "list": ([], []), "again": ([], [])}
                with latency_proxy(server.url, rtt) as url:
                    # The first window of the process builds Qt's caches: not counted.
                    await our_start(RemoteWindows(folder / f"app-{rtt:g}-warm-up", url, server.api_key))
                    for run in range(runs):
                        for side in ("ours", "sdk") if run % 2 == 0 else ("sdk", "ours"):
                            if side == "ours":
                                # A new data folder: no offline copy of an earlier start to show at once.
                                windows = RemoteWindows(folder / f"app-{rtt:g}-{run}", url, server.api_key)
                                seconds, connections = await counted_async(url, lambda shown=windows: our_start(shown))
                                sides["list"][0].extend(windows.list_seconds)
                                sides["again"][0].append(await our_start(windows))
                            else:
                                seconds, connections = counted(url, lambda: sdk_start(url, server.api_key))
                            sides[side][0].append(seconds)
                            if connections is not None:
                                sides[side][1].append(connections)
                print(f"{milliseconds(rtt)}: {runs} runs; ours {statistics.median(sides['ours'][0]):.3f} s, "
                      f"SDK {statistics.median(sides['sdk'][0]):.3f} s", flush=True)
    return results, runs_by_rtt


def report(results: dict, runs_by_rtt: dict) -> None:
    loopback = results.get(0.0)
    base_ours = statistics.median(loopback["ours"][0]) if loopback else 0.0
    base_sdk = statistics.median(loopback["sdk"][0]) if loopback else 0.0
    base_list = statistics.median(loopback["list"][0]) if loopback else 0.0
    rows = []
    for rtt, sides in results.items():
        ours, sdk = statistics.median(sides["ours"][0]), statistics.median(sides["sdk"][0])
        listed = statistics.median(sides["list"][0])
        again = statistics.median(sides["again"][0])
        limit = base_ours + TARGET_ROUND_TRIPS * rtt / 1000
        connections = [f"{statistics.median(sides[side][1]):g}" if sides[side][1] else "-" for side in ("ours", "sdk")]
        rows.append([
            milliseconds(rtt), f"{ours:.3f}", round_trips(ours, base_ours, rtt), connections[0],
            f"{listed:.3f}", round_trips(listed, base_list, rtt),
            f"{sdk:.3f}", round_trips(sdk, base_sdk, rtt), connections[1], f"{sdk / ours:.2f}x",
            f"{limit:.3f}", "yes" if ours <= limit else "NO", f"{again:.3f}", str(runs_by_rtt[rtt]),
        ])
    print_grid(
        f"Start to an interactive window with {PROMPTS} prompts on prompt-studio serve (the real window: list and "
        "tags at once) against the SDK's generated client listing them, both cold",
        ["rtt", "ours s", "RTs", "conns", "of it: list s", "RTs", "SDK s", "RTs", "conns", "ratio", "target s",
         "met", "again s", "runs"],
        rows,
        [
            "Medians. RTs: round trips beyond loopback, (t - t0) / rtt. conns: TCP connections opened, counted by "
            "the proxy. ratio: the SDK's time over ours.",
            "of it: list: from asking for the list (MainWindow.refresh) to the list painted; the window's first "
            "paint runs while the answer travels, which hides part of the distance in 'ours'.",
            "target: ours within the loopback time + 2 round trips (a new connection, then the list).",
            "Each of our starts is on a new data folder (no offline copy yet); 'again': a second start on the same "
            "folder, which shows the copy the first one kept while it asks the server.",
            "Plain http: HTTP/1.1 (no ALPN, no HTTP/2), so the list and the tags take a connection each.",
        ],
        left=1,
    )
    for rtt, sides in results.items():
        print(f"  {milliseconds(rtt)}: ours {_runs(sides['ours'][0])} (list {_runs(sides['list'][0])}; again "
              f"{_runs(sides['again'][0])}); SDK {_runs(sides['sdk'][0])}")


def _runs(values: list[float]) -> str:
    return " ".join(f"{value:.3f}" for value in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_distance_arguments(parser, runs=(9, 9, 5))
    arguments = parser.parse_args()
    clear_proxy_settings()
    loop = qt_event_loop()
    try:
        results, runs_by_rtt = loop.run_until_complete(measure(arguments))
    finally:
        close_event_loop(loop)
    report(results, runs_by_rtt)


if __name__ == "__main__":
    main()
