"""What the server checks about a request before its key: the host it names, and how often its address guessed.

Host names: a web page can make a browser send requests to 127.0.0.1 under a name its own server resolves there
(DNS rebinding); such a request still names that host, so answering only the names this server is reached by
closes the door. Guesses: 3,000 wrong keys at 540/s met no slowdown; after a few different wrong keys from one
address in a minute, the next failures are answered 429 at once, without ever holding a connection. A right key
is never slowed, whoever else guesses from the same address.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable, Iterable

from prompt_studio.models.names import LOOPBACK_HOST_NAMES


def host_name(value: str) -> str:
    """The name in a Host header, lowercased and without its port: `[::1]:5560` -> `[::1]`."""
    host = value.strip().lower()
    name, colon, port = host.rpartition(":")
    return name if colon and port.isdigit() else host


def as_host_name(name: str) -> str:
    """A name given on the command line as a Host header writes it: an IPv6 address in brackets."""
    bare = name.strip().lower().removeprefix("[").removesuffix("]")
    try:
        return f"[{bare}]" if ipaddress.ip_address(bare).version == 6 else bare
    except ValueError:
        return bare


class HostNames:
    """The Host header names this server answers: this machine's loopback names and any added."""

    def __init__(self, extra: Iterable[str] = ()):
        self._names = frozenset((*LOOPBACK_HOST_NAMES, *(as_host_name(name) for name in extra)))

    def allows(self, header: bytes | None) -> bool:
        return header is not None and host_name(header.decode("latin-1")) in self._names


class AuthFailures:
    """Different wrong keys per client address within the last `window` seconds.

    Only different keys count: a client set up with a stale key may repeat it all day, while guessing takes
    a new key each time. Per address at most `limit` keys are remembered, as hashes, and at most `max_addresses`
    addresses (the oldest forgotten first), so the table stays small whatever the traffic.
    """

    def __init__(
        self,
        limit: int = 10,
        window: float = 60.0,
        max_addresses: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._limit = limit
        self._window = window
        self._max_addresses = max_addresses
        self._clock = clock
        self._seen: dict[str, dict[int, float]] = {}

    def refusal(self, address: str, credential: bytes) -> int | None:
        """Record a failure; seconds the address must wait (for Retry-After) if it has guessed too often."""
        now = self._clock()
        seen = self._seen.get(address)
        if seen is None:
            if len(self._seen) >= self._max_addresses:
                del self._seen[next(iter(self._seen))]
            seen = self._seen[address] = {}
        while seen and next(iter(seen.values())) <= now - self._window:
            del seen[next(iter(seen))]
        if len(seen) >= self._limit:
            return max(1, math.ceil(next(iter(seen.values())) + self._window - now))
        seen.setdefault(hash(credential), now)
        return None

    def __len__(self) -> int:
        """How many addresses are remembered."""
        return len(self._seen)
