"""How fast `prompt-studio serve` answers over loopback: run `python benchmarks/server_bench.py`.

Seeds a temporary library through `PromptLibrary`, starts the real server subprocess on it, and measures with
10 concurrent clients (each on its own keep-alive connection): GET of one prompt, a sync that is up to date,
and the list of every prompt. Targets: p99 < 20 ms for the first two, under 1 s for a list of 10,000.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from prompt_studio.models import CreatePromptBody  # noqa: E402
from prompt_studio.paths import DataPaths  # noqa: E402
from prompt_studio.store import PromptLibrary  # noqa: E402
from tests.support.server_process import running_server  # noqa: E402

CONFIG = {
    "prompt": "You answer questions about {{topic}}.",
    "model": "openai/gpt-5",
    "messages": [{"role": "user", "content": "{{question}}"}],
    "inputs": [{"identifier": "question", "type": "str"}, {"identifier": "topic", "type": "str"}],
    "outputs": [{"identifier": "answer", "type": "str"}],
    "temperature": 0.7,
    "max_tokens": 256,
}


def seed(data_dir: Path, count: int) -> None:
    """`count` prompts written straight into the library the server will open."""
    library = PromptLibrary(DataPaths.resolve(data_dir).library, seed_examples=False)
    try:
        for number in range(count):
            library.create_prompt(
                CreatePromptBody.model_validate(
                    {
                        "handle": f"team-{number % 50}/prompt-{number}",
                        "prompt": CONFIG["prompt"],
                        "model": CONFIG["model"],
                        "messages": CONFIG["messages"],
                        "inputs": CONFIG["inputs"],
                        "outputs": CONFIG["outputs"],
                        "temperature": CONFIG["temperature"],
                        "maxTokens": CONFIG["max_tokens"],
                        "commitMessage": "Seeded",
                    }
                )
            )
    finally:
        library.close()


def http_request(method: str, path: str, api_key: str, body: dict | None = None) -> bytes:
    """One raw HTTP/1.1 keep-alive request, prepared once so the client costs almost nothing per request."""
    payload = json.dumps(body).encode("utf-8") if body is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: {api_key}\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
    return head.encode("ascii") + b"\r\n" + payload


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def concurrent_latencies(port: int, request: bytes, clients: int, per_client: int) -> tuple[list[float], float]:
    """Latency of every request (seconds) and the wall time, for `clients` connections sending one at a time.

    A plain asyncio client rather than httpx: on a 2-core machine httpx's own CPU time would be measured too.
    """
    latencies: list[float] = []
    connections = [await asyncio.open_connection("127.0.0.1", port) for _ in range(clients)]
    for reader, writer in connections:
        if await _exchange(reader, writer, request) != 200:
            raise SystemExit(f"the warm-up request failed: {request[:80]!r}")

    async def run(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(per_client):
            started = time.perf_counter()
            status = await _exchange(reader, writer, request)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                raise SystemExit(f"answered {status}: {request[:80]!r}")

    started = time.perf_counter()
    await asyncio.gather(*(run(reader, writer) for reader, writer in connections))
    wall = time.perf_counter() - started
    for _, writer in connections:
        writer.close()
    return latencies, wall


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=10_000, help="prompts in the library (default 10,000)")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200, help="requests per client and scenario")
    parser.add_argument("--list-runs", type=int, default=5)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="server-bench-") as folder:
        data_dir = Path(folder) / "data"
        started = time.perf_counter()
        seed(data_dir, arguments.prompts)
        print(f"seeded {arguments.prompts} prompts in {time.perf_counter() - started:.1f} s", flush=True)

        with running_server(data_dir) as server:
            handle = "team-7/prompt-7"
            sync_body = {"configData": CONFIG, "localVersion": 1}
            scenarios = [
                ("GET one prompt", http_request("GET", f"/api/prompts/{handle}", server.api_key)),
                (
                    "sync up_to_date",
                    http_request("POST", f"/api/prompts/{handle}/sync", server.api_key, sync_body),
                ),
            ]
            with httpx.Client(base_url=server.url, headers={"X-Auth-Token": server.api_key}) as probe:
                action = probe.post(f"/api/prompts/{handle}/sync", json=sync_body).json()["action"]
                if action != "up_to_date":
                    raise SystemExit(f"the sync scenario is not up to date but {action!r}")

            port = int(server.url.rsplit(":", 1)[1])
            rows = []
            for name, request in scenarios:
                latencies, wall = asyncio.run(
                    concurrent_latencies(port, request, arguments.clients, arguments.requests)
                )
                rows.append((name, len(latencies) / wall, statistics.median(latencies), percentile(latencies, 0.99)))

            list_latencies = []
            with httpx.Client(base_url=server.url, headers={"X-Auth-Token": server.api_key}, timeout=60) as client:
                for _ in range(arguments.list_runs):
                    started = time.perf_counter()
                    response = client.get("/api/prompts")
                    list_latencies.append(time.perf_counter() - started)
                    response.raise_for_status()
                listed = len(response.json())
                size = len(response.content)

        print()
        print(f"{arguments.clients} concurrent clients x {arguments.requests} requests, loopback")
        print(f"{'scenario':<20} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        for name, rate, p50, p99 in rows:
            print(f"{name:<20} {rate:>8.0f} {p50 * 1000:>8.2f} {p99 * 1000:>8.2f}")
        print()
        print(f"list of {listed} prompts ({size / 1e6:.1f} MB), {arguments.list_runs} runs, one client")
        print(f"{'median s':>10} {'max s':>8}")
        print(f"{statistics.median(list_latencies):>10.3f} {max(list_latencies):>8.3f}")


if __name__ == "__main__":
    main()
