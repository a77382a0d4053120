"""Loading a library of 1,000 prompts with each one's version history: our client against the official SDK's.

    python benchmarks/load_vs_sdk.py [--prompts 1000] [--runs 5]

One `prompt-studio serve` on 127.0.0.1 holds 1,000 prompts with 1 to 5 versions each (3,000 versions). Both
sides make the same calls: the list of prompts, then the versions of each one. The SDK side is the generated
client of the official Python SDK (`langwatch.generated.langwatch_rest_api_client`, sync httpx, one keep-alive
connection, as the SDK builds it); ours is `LangWatchClient` with `concurrency` requests in flight. Both parse
every answer into their models. Target: ours at least 2x faster.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from common import Comparison, fresh_server, print_table, scratch_folder
from langwatch.generated.langwatch_rest_api_client.api.default import get_api_prompts, get_api_prompts_by_id_versions
from langwatch.generated.langwatch_rest_api_client.client import AuthenticatedClient

from prompt_studio.api import LangWatchClient
from prompt_studio.models import CreatePromptBody, UpdatePromptBody
from prompt_studio.paths import DataPaths
from prompt_studio.store import PromptLibrary

TARGET = 2.0
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


def load_with_sdk(server) -> tuple[float, int]:
    """The official generated client, sequential, exactly one list and one versions call per prompt."""
    started = time.perf_counter()
    with AuthenticatedClient(
        base_url=server.url, token=server.api_key, raise_on_unexpected_status=True, httpx_args={"trust_env": False}
    ) as client:
        prompts = get_api_prompts.sync(client=client)
        loaded = 0
        for prompt in prompts:
            versions = get_api_prompts_by_id_versions.sync(prompt.id, client=client)
            if not isinstance(versions, list):
                raise SystemExit(f"the SDK got {type(versions).__name__} for {prompt.handle}")
            loaded += len(versions)
    return time.perf_counter() - started, loaded


async def load_with_ours(server, concurrency: int) -> tuple[float, int]:
    started = time.perf_counter()
    async with LangWatchClient(server.url, server.api_key) as client:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=4, help="our requests in flight")
    arguments = parser.parse_args()

    with scratch_folder("load-vs-sdk-") as folder:
        data_dir = folder / "server" / "data"
        started = time.perf_counter()
        expected = seed(data_dir, arguments.prompts)
        print(f"seeded {arguments.prompts} prompts, {expected} versions in {time.perf_counter() - started:.1f} s")
        ours: list[float] = []
        sdk: list[float] = []
        with fresh_server(folder, "server") as server:
            load_with_sdk(server)
            asyncio.run(load_with_ours(server, arguments.concurrency))
            for run in range(arguments.runs):
                sides = [("ours", lambda: asyncio.run(load_with_ours(server, arguments.concurrency))),
                         ("sdk", lambda: load_with_sdk(server))]
                if run % 2:
                    sides.reverse()
                for side, measure in sides:
                    seconds, loaded = measure()
                    if loaded != expected:
                        raise SystemExit(f"{side} loaded {loaded} versions, expected {expected}")
                    (ours if side == "ours" else sdk).append(seconds)
                    print(f"run {run + 1}: {side:<4} {seconds:.3f} s", flush=True)

    print_table(
        f"Load {arguments.prompts} prompts and their {expected} versions from prompt-studio serve on 127.0.0.1 "
        f"(ours: LangWatchClient, {arguments.concurrency} in flight; SDK: generated client, sequential)",
        "SDK",
        [Comparison(f"{arguments.prompts} prompts + histories", ours, sdk, TARGET)],
    )


if __name__ == "__main__":
    main()
