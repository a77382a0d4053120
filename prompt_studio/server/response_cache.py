"""The JSON of version answers the server already wrote, so a history is shaped once, not on every read.

A version row never changes (the schema refuses it), so one version's answer depends only on its prompt's row
(handle, scope, `updatedAt`, which version is the latest) and on the tags that point at it. Keyed by exactly
those, an entry can never be stale: any change makes a new key, and old keys just age out.

Bounded in bytes, not entries: the key changes with every write, so counting entries let four syncs of a prompt
with ten 9 MB versions hold a gigabyte.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from pydantic import BaseModel

from prompt_studio.server.wire import wire_json

MAX_BYTES = 32 * 1024 * 1024
"""Tens of thousands of ordinary versions (1-2 kB each); the largest answer a version may have (4 MB) fits."""


class ResponseCache:
    """Serialised answers by key, the oldest dropped first once they hold more than `max_bytes`.

    An answer larger than a quarter of the budget is returned without being kept, so one huge history cannot
    push out everything else.
    """

    def __init__(self, max_bytes: int = MAX_BYTES):
        self._max_bytes = max_bytes
        self._entries: dict[Hashable, bytes] = {}
        self._size = 0

    def json_of(self, key: Hashable, build: Callable[[], BaseModel]) -> bytes:
        """The cached JSON for `key`, or `wire_json(build())`, kept for next time unless it is too large."""
        cached = self._entries.get(key)
        if cached is not None:
            return cached
        built = wire_json(build())
        if len(built) * 4 > self._max_bytes:
            return built
        while self._size + len(built) > self._max_bytes:
            self._size -= len(self._entries.pop(next(iter(self._entries))))
        self._entries[key] = built
        self._size += len(built)
        return built

    @property
    def size(self) -> int:
        """Bytes of JSON kept."""
        return self._size

    def __len__(self) -> int:
        return len(self._entries)
