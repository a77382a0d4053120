"""Loading a library of 1,000 prompts with each one's version history, over a distance: ours against the SDK's.

    python benchmarks/load_vs_sdk.py [--prompts 1000] [--far-prompts 200] [--rtt 0 40 150] [--runs 5 2 1]

One `prompt-studio serve` on 127.0.0.1 holds 1,000 prompts with 1 to 5 versions each (3,000 versions); both
sides load from it at each round trip (0: loopback, no proxy; else through `latency_proxy.py`), alternating
which goes first. Both make the same calls: the list of prompts, then the versions of each one. The SDK side is
the generated client of the official Python SDK (`langwatch.generated.langwatch_rest_api_client`, sync httpx,
one keep-alive connection, as the SDK builds it), one request after the other; ours is `LangWatchClient` with
16 requests in flight (the transport's bound per server). Both parse every answer into their models and are
timed from opening their client (a new connection costs a round trip) to the last answer.

The SDK needs 1,001 round trips: at 150 ms that is 150 s a run, so round trips of 100 ms and more load a second
server of `--far-prompts` prompts (200: 600 versions) instead. Each server is warmed once on loopback first.
The test server is plain http: HTTP/1.1, so 16 in flight are 16 connections (HTTP/2 needs TLS for ALPN).

`--tls` puts nginx in front of each server (tests/support/nginx_proxy.py: TLS with a test authority installed into
the system trust store for the run, HTTP/2 by ALPN, gzip of JSON; needs root and nginx), and the proxy in front of
nginx: ours then speaks HTTP/2, its 16 requests in flight on one connection; the SDK and plain httpx HTTP/1.1 over
TLS (they trust the authority's file). nginx's access log says which protocol each side spoke.

A third side, a plain `httpx.AsyncClient` making the same calls as many at once and parsing JSON only, shows what
httpx itself allows: no client built on it can be faster than that by more than its own overheads.

Targets: ours at least 2x faster at loopback, at least 10x at 40 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import trustme
from common import (
    add_distance_arguments,
    clear_proxy_settings,
    fresh_server,
    milliseconds,
    print_grid,
    runs_at,
    scratch_folder,
    settle,
)
from langwatch.generated.langwatch_rest_api_client.api.default import get_api_prompts, get_api_prompts_by_id_versions
from langwatch.generated.langwatch_rest_api_client.client import AuthenticatedClient
from latency_proxy import latency_proxy

from prompt_studio.api import LangWatchClient
from prompt_studio.api.transport import MAX_IN_FLIGHT
from prompt_studio.models import CreatePromptBody, UpdatePromptBody
from prompt_studio.paths import DataPaths
from prompt_studio.store import PromptLibrary
from tests.support.nginx_proxy import authority_in_system_store, missing_for_proxy_tests, running_nginx

TARGETS = {0.0: 2.0, 40.0: 10.0}
"""Ours over the SDK, by round trip in ms (none set at other distances)."""
FAR = 100.0
"""Round trips from this many ms on load the smaller library."""
MAX_VERSIONS = 5


def seed(data_dir: Path, count: int) -> int:
    """`count` prompts with 1 to MAX_VERSIONS versions each, written straight into the server's library."""
    library = PromptLibrary(DataPaths.resolve(data_dir).library, seed_examples=False)
    versions = 0
    try:
        for number in range(count):
            handle = f"team-{number % 20}/prompt-{number}"
            library.create_prompt(
                CreatePromptBody(
                    handle=handle,
                    model="openai/gpt-5",
                    prompt=f"You are assistant {number}. Answer questions about {{{{topic}}}} briefly.",
                    messages=[{"role": "user", "content": "{{question}}"}],
                    inputs=[{"identifier": "question", "type": "str"}, {"identifier": "topic", "type": "str"}],
                    outputs=[{"identifier": "answer", "type": "str"}],
                    temperature=0.7,
                    commit_message="First version",
                )
            )
            for version in range(2, 2 + number % MAX_VERSIONS):
                library.update_prompt(
                    handle,
                    UpdatePromptBody(
                        prompt=f"You are assistant {number}, revision {version}. Be brief about {{{{topic}}}}.",
                        commit_message=f"Revision {version}",
                    ),
                )
            versions += 1 + number % MAX_VERSIONS
    finally:
        library.close()
    return versions


def load_with_sdk(url: str, api_key: str, verify: str | bool = True) -> tuple[float, int]:
    """The official generated client, sequential, exactly one list and one versions call per prompt."""
    started = time.perf_counter()
    with AuthenticatedClient(
        base_url=url, token=api_key, raise_on_unexpected_status=True, verify_ssl=verify,
        httpx_args={"trust_env": False},
    ) as client:
        prompts = get_api_prompts.sync(client=client)
        loaded = 0
        for prompt in prompts:
            versions = get_api_prompts_by_id_versions.sync(prompt.id, client=client)
            if not isinstance(versions, list):
                raise SystemExit(f"the SDK got {type(versions).__name__} for {prompt.handle}")
            loaded += len(versions)
    return time.perf_counter() - started, loaded


async def load_with_ours(url: str, api_key: str, concurrency: int) -> tuple[float, int]:
    started = time.perf_counter()
    async with LangWatchClient(url, api_key) as client:
        prompts = await client.list_prompts()
        pending = iter(prompts)
        loaded = 0

        async def worker() -> None:
            nonlocal loaded
            for prompt in pending:
                versions = await client.list_versions(prompt.id)
                loaded += len(versions)

        async with asyncio.TaskGroup() as workers:
            for _ in range(concurrency):
                workers.create_task(worker())
    return time.perf_counter() - started, loaded


async def load_with_plain_httpx(url: str, api_key: str, concurrency: int,
                                verify: str | bool = True) -> tuple[float, int]:
    """The same calls through an `httpx.AsyncClient` as most code uses it, as many in flight as ours, the answers
    parsed as JSON only: how fast httpx itself goes, which bounds how much faster than the SDK a client built on it
    can be."""
    started = time.perf_counter()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {api_key}"}, limits=limits,
                                 trust_env=False, verify=verify) as client:
        prompts = (await client.get("/api/prompts")).raise_for_status().json()
        pending = iter(prompts)
        loaded = 0

        async def worker() -> None:
            nonlocal loaded
            for prompt in pending:
                response = await client.get(f"/api/prompts/{prompt['id']}/versions")
                loaded += len(response.raise_for_status().json())

        async with asyncio.TaskGroup() as workers:
            for _ in range(concurrency):
                workers.create_task(worker())
    return time.perf_counter() - started, loaded


SIDES = ("ours", "sdk", "httpx")


def measure_at(target: str, api_key: str, rtt: float, runs: int, expected: int, concurrency: int,
               verify: str | bool) -> dict[str, list]:
    """The three sides through one proxy in front of `target`: seconds per run, and the connections each run
    opened."""
    figures: dict[str, list] = {key: [] for side in SIDES for key in (side, f"{side} connections")}
    with latency_proxy(target, rtt) as url:
        for run in range(runs):
            sides = [("ours", lambda: asyncio.run(load_with_ours(url, api_key, concurrency))),
                     ("sdk", lambda: load_with_sdk(url, api_key, verify)),
                     ("httpx", lambda: asyncio.run(load_with_plain_httpx(url, api_key, concurrency, verify)))]
            if run % 2:
                sides.reverse()
            for side, measure in sides:
                settle()
                before = url.connections()
                seconds, loaded = measure()
                if loaded != expected:
                    raise SystemExit(f"{side} loaded {loaded} versions, expected {expected}")
                figures[side].append(seconds)
                opened = ""
                if before is not None:
                    figures[f"{side} connections"].append(url.connections() - before)
                    opened = f", {figures[f'{side} connections'][-1]} connections opened"
                print(f"{milliseconds(rtt)} run {run + 1}: {side:<5} {seconds:.3f} s{opened}", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=1000)
    parser.add_argument("--far-prompts", type=int, default=200, help=f"prompts loaded at {FAR:g} ms and more")
    add_distance_arguments(parser, runs=(5, 2, 1))
    parser.add_argument("--concurrency", type=int, default=MAX_IN_FLIGHT, help="our requests in flight")
    parser.add_argument("--tls", action="store_true", help="through nginx: TLS, HTTP/2 by ALPN (needs root, nginx)")
    arguments = parser.parse_args()
    clear_proxy_settings()
    concurrency = arguments.concurrency
    if arguments.tls and (missing := missing_for_proxy_tests()):
        raise SystemExit(f"--tls cannot run here: {missing}")

    rows = []
    details = []
    protocols: list[str] = []
    with scratch_folder("load-vs-sdk-") as folder, contextlib.ExitStack() as servers:
        libraries: dict[int, tuple[str, str, int]] = {}
        fronts = []
        verify: str | bool = True
        if arguments.tls:
            authority = trustme.CA()
            servers.enter_context(authority_in_system_store(authority))  # for ours: the system's store
            verify = str(folder / "authority.pem")  # for the SDK and plain httpx, which trust certifi's
            authority.cert_pem.write_to_path(verify)

        def library_of(count: int) -> tuple[str, str, int]:
            """The address of a server holding `count` seeded prompts (nginx's with --tls), its key and its
            versions; started, and warmed on loopback, the first time."""
            if count not in libraries:
                started = time.perf_counter()
                expected = seed(folder / f"server-{count}" / "data", count)
                server = servers.enter_context(fresh_server(folder, f"server-{count}"))
                url = server.url
                if arguments.tls:
                    certificate = authority.issue_cert("127.0.0.1", "localhost")
                    front = servers.enter_context(
                        running_nginx(folder / f"nginx-{count}", urlsplit(server.url).port, certificate))
                    fronts.append(front)
                    url = front.url
                load_with_sdk(url, server.api_key, verify)
                asyncio.run(load_with_ours(url, server.api_key, concurrency))
                print(f"seeded and warmed {count} prompts, {expected} versions in "
                      f"{time.perf_counter() - started:.1f} s", flush=True)
                libraries[count] = (url, server.api_key, expected)
            return libraries[count]

        for position, rtt in enumerate(arguments.rtt):
            count = arguments.far_prompts if rtt >= FAR else arguments.prompts
            url, api_key, expected = library_of(count)
            runs = runs_at(arguments, position)
            figures = measure_at(url, api_key, rtt, runs, expected, concurrency, verify)
            ours, sdk, plain = (statistics.median(figures[side]) for side in SIDES)
            target = TARGETS.get(rtt)
            connections = [f"{statistics.median(figures[f'{side} connections']):g}"
                           if figures[f"{side} connections"] else "-" for side in ("ours", "sdk")]
            rows.append([
                milliseconds(rtt), f"{count} + {expected}", f"{ours:.3f}", connections[0], f"{sdk:.3f}",
                connections[1], f"{sdk / ours:.1f}x", f"{target:g}x" if target else "-",
                ("yes" if sdk / ours >= target else "NO") if target else "-", f"{plain:.3f}", f"{sdk / plain:.1f}x",
                str(runs),
            ])
            details.append(f"  {milliseconds(rtt)}: ours {_runs(figures['ours'])}; SDK {_runs(figures['sdk'])}; "
                           f"httpx {_runs(figures['httpx'])}")

        for front in fronts:
            spoken = Counter((_side_of(entry["user_agent"]), entry["protocol"]) for entry in front.requests())
            protocols.extend(f"{side} {protocol}: {requests} requests" for (side, protocol), requests in
                             sorted(spoken.items()))

    behind = " behind nginx (TLS)" if arguments.tls else ""
    print_grid(
        f"Load the prompts and all their versions from prompt-studio serve{behind} (ours: LangWatchClient, "
        f"{concurrency} in flight; SDK: generated client, sequential; httpx: a plain httpx.AsyncClient, as many in "
        "flight), the same server and proxy for all",
        ["rtt", "prompts + versions", "ours s", "conns", "SDK s", "conns", "ratio", "target", "met", "httpx s",
         "SDK/httpx", "runs"],
        rows,
        [
            "Medians. ratio: the SDK's time over ours. conns: TCP connections opened per run, counted by the proxy.",
            "SDK/httpx: the SDK's time over plain httpx's, parsing JSON only: what a client built on httpx could "
            "reach with no work of its own.",
            f"At {FAR:g} ms and more the smaller library is loaded (the SDK's sequential requests would take "
            f"{arguments.prompts + 1} round trips a run); no target is set there.",
            "Through nginx over TLS: HTTP/2 where a client offers it by ALPN (see below)." if arguments.tls
            else "Plain http: HTTP/1.1 for all (no ALPN, no HTTP/2).",
        ],
    )
    for line in details:
        print(line)
    if protocols:
        print("  nginx's access log: " + "; ".join(protocols))


def _side_of(user_agent: str) -> str:
    """Which side sent a request, from its User-Agent: ours names itself; the SDK's and plain httpx's are httpx's."""
    return "ours" if user_agent.startswith("prompt-studio") else "SDK and plain httpx"


def _runs(values: list[float]) -> str:
    return " ".join(f"{value:.3f}" for value in values)


if __name__ == "__main__":
    main()
