"""The JSON of version answers the server already wrote, so a history is shaped once, not on every read.

A version row never changes (the schema refuses it), so one version's answer depends only on its prompt's row
(handle, scope, `updatedAt`, which version is the latest) and on the tags that point at it. Keyed by exactly
those, an entry can never be stale: any change makes a new key, and old keys just age out.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from pydantic import BaseModel

from prompt_studio.server.wire import wire_json

MAX_ENTRIES = 20_000
"""About 1-2 kB each: a few tens of MB at most, for a library of thousands of versions."""


class ResponseCache:
    """Serialised answers by key, the oldest dropped first once `max_entries` are kept."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._max_entries = max_entries
        self._entries: dict[Hashable, bytes] = {}

    def json_of(self, key: Hashable, build: Callable[[], BaseModel]) -> bytes:
        """The cached JSON for `key`, or `wire_json(build())` kept for next time."""
        cached = self._entries.get(key)
        if cached is None:
            cached = wire_json(build())
            if len(self._entries) >= self._max_entries:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = cached
        return cached

    def __len__(self) -> int:
        return len(self._entries)
