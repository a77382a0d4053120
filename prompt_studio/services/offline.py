"""One connection's offline copy: what the server last gave, for when it cannot be reached.

The service keeps the list, and each prompt it opened with its history, after every answer; the window shows
them, marked with the time they were seen, while the server is away. Copies are written in the background, so
keeping them never slows a load down; a copy that cannot be written or read is only logged: it is a convenience,
never the truth.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from prompt_studio.models import Prompt
from prompt_studio.models.errors import ConnectionFailed, ServerError, TimedOut
from prompt_studio.store.offline_copies import OfflineCopies

log = logging.getLogger(__name__)

UNREACHABLE = (ConnectionFailed, TimedOut, ServerError)
"""The failures for which the offline copy stands in: no answer, or a server (or its proxy) that is down."""

_PROMPTS = TypeAdapter(list[Prompt])
_LIST = "list"
T = TypeVar("T")


@dataclass(frozen=True)
class OfflineList:
    prompts: list[Prompt]
    seen_at: float


@dataclass(frozen=True)
class OfflinePrompt:
    prompt: Prompt
    config: dict[str, Any]
    parameters: dict[str, Any]
    versions: list[Prompt]
    seen_at: float


class OfflineCopy:
    """The copies of one connection, read and written in worker threads."""

    def __init__(self, copies: OfflineCopies, connection_id: str):
        self.copies = copies
        self.connection_id = connection_id
        self._writes: set[asyncio.Task] = set()

    def keep_list(self, prompts: list[Prompt]) -> None:
        self._keep(_LIST, lambda: _PROMPTS.dump_json(prompts, by_alias=True))

    def keep_prompt(self, prompt: Prompt, config: dict[str, Any], parameters: dict[str, Any],
                    versions: list[Prompt] | None = None) -> None:
        """Keep an opened prompt with its history; without `versions` (a save), the new version goes on top of
        the history kept before, so a prompt saved just before the network went is not shown as it was."""
        name = f"prompt:{prompt.handle or prompt.id}"

        def body() -> bytes:
            history = versions
            if history is None:
                kept = self.copies.read(self.connection_id, name)
                earlier = _PROMPTS.validate_python(json.loads(kept.body)["versions"]) if kept is not None else []
                history = [prompt, *(version for version in earlier if version.version != prompt.version)]
            return json.dumps({
                "prompt": prompt.model_dump(mode="json", by_alias=True), "config": config,
                "parameters": parameters, "versions": _PROMPTS.dump_python(history, mode="json", by_alias=True),
            }).encode()

        self._keep(name, body)

    async def read_list(self) -> OfflineList | None:
        return await self._read(_LIST, lambda body, seen_at: OfflineList(_PROMPTS.validate_json(body), seen_at))

    async def read_prompt(self, handle: str) -> OfflinePrompt | None:
        def parsed(body: bytes, seen_at: float) -> OfflinePrompt:
            held = json.loads(body)
            return OfflinePrompt(Prompt.model_validate(held["prompt"]), held["config"], held["parameters"],
                                 _PROMPTS.validate_python(held["versions"]), seen_at)

        return await self._read(f"prompt:{handle}", parsed)

    def _keep(self, name: str, body: Callable[[], bytes]) -> None:
        """Write in the background, one task per copy; the newest answer lands last (one lock orders them)."""
        def write() -> None:
            try:
                self.copies.keep(self.connection_id, name, body())
            except Exception:  # a full disk must not break a load that worked
                log.warning("could not keep the offline copy of %s", name, exc_info=True)

        task = asyncio.ensure_future(asyncio.to_thread(write))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _read(self, name: str, parse: Callable[[bytes, float], T]) -> T | None:
        """The copy as `parse` makes it, or None when there is none or it cannot be read (it is then logged)."""
        await self.settled()
        try:
            copy = await asyncio.to_thread(self.copies.read, self.connection_id, name)
            return None if copy is None else parse(copy.body, copy.seen_at)
        except (OSError, sqlite3.Error, ValueError, KeyError, ValidationError):
            log.warning("could not read the offline copy of %s", name, exc_info=True)
            return None

    async def settled(self) -> None:
        """Wait for the copies being written (a read after a write sees it; closing loses none)."""
        if self._writes:
            await asyncio.gather(*list(self._writes), return_exceptions=True)

