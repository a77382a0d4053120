"""Fifty clients at once against one `prompt-studio serve` for about ten seconds: syncs, reads and tag moves on a
hundred prompts. Conflicts are expected answers; anything else failing is an error. Afterwards every history is
contiguous and every version the server said it wrote is in it, with the same versionId."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from prompt_studio.api import LangWatchClient
from prompt_studio.models import CreatePromptBody, SyncRequest, config_from_prompt

CLIENTS = 50
PROMPTS = 100
RUN_SECONDS = 10.0
MAX_OPERATIONS_PER_CLIENT = 3000
TAGS = ("production", "staging")


@dataclass
class Tally:
    operations: Counter = field(default_factory=Counter)
    written: list[tuple[str, int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _one_client(server, number: int, handles: list[str], tally: Tally, deadline: float) -> None:
    chooser = random.Random(number)
    async with LangWatchClient(server.url, server.api_key) as client:
        for count in range(MAX_OPERATIONS_PER_CLIENT):
            if time.monotonic() > deadline:
                return
            handle = chooser.choice(handles)
            kind = chooser.choices(("sync", "read", "history", "tag", "list"), weights=(4, 4, 2, 2, 1))[0]
            try:
                if kind == "sync":
                    latest = await client.get_prompt(handle)
                    config = config_from_prompt(latest).model_copy(update={"prompt": f"client {number}, {count}"})
                    result = await client.sync_prompt(handle, SyncRequest(config_data=config,
                                                                          local_version=latest.version))
                    kind = f"sync {result.action}"
                    if result.action in ("created", "updated"):
                        tally.written.append((handle, result.prompt.version, result.prompt.version_id))
                elif kind == "read":
                    await client.get_prompt(handle)
                elif kind == "history":
                    await client.list_versions(handle)
                elif kind == "tag":
                    versions = await client.list_versions(handle)
                    target = chooser.choice(versions)
                    moved = await client.assign_tag(handle, chooser.choice(TAGS), target.version_id)
                    assert moved.version_id == target.version_id
                else:
                    await client.list_prompts()
            except Exception as error:  # every failure is counted, none stops the run
                tally.errors.append(f"{kind} {handle}: {type(error).__name__}: {error}")
            tally.operations[kind] += 1


async def test_fifty_clients_for_ten_seconds_make_no_errors_and_lose_no_version(server):
    handles = [f"load/prompt-{index:03d}" for index in range(PROMPTS)]
    async with LangWatchClient(server.url, server.api_key) as setup:
        for handle in handles:
            await setup.create_prompt(CreatePromptBody(handle=handle, model="openai/gpt-5", prompt="Start."))

        tally = Tally()
        started = time.monotonic()
        await asyncio.gather(*(_one_client(server, number, handles, tally, started + RUN_SECONDS)
                               for number in range(CLIENTS)))
        elapsed = time.monotonic() - started

        assert tally.errors == [], tally.errors[:5]
        assert tally.operations["sync updated"] > 0 and tally.operations["sync conflict"] > 0
        histories = {}
        for handle in handles:
            histories[handle] = {version.version: version.version_id for version in await setup.list_versions(handle)}
    for handle, versions in histories.items():
        assert sorted(versions) == list(range(1, len(versions) + 1)), f"{handle}: {sorted(versions)}"
    for handle, version, version_id in tally.written:
        assert histories[handle].get(version) == version_id, f"{handle} v{version} was answered, then missing"
    total = sum(tally.operations.values())
    print(f"\n{total} operations in {elapsed:.1f} s ({total / elapsed:.0f}/s) by {CLIENTS} clients: "
          f"{dict(sorted(tally.operations.items()))}")
