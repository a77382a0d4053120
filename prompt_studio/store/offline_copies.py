"""What was last seen from each server, kept so the window still shows it when the server cannot be reached.

One SQLite file in the data folder holds every connection's copies: the list, and each opened prompt with its
history. A copy is an opaque JSON document (the service layer knows what it holds) with the time it was seen.
The file has a size cap: past it, the copies used least recently go first, so a long-lived install never grows
without bound while the prompts an author works on stay.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from prompt_studio.store.private_files import make_private_database

DEFAULT_CAP_BYTES = 64 * 1024 * 1024
"""About ten thousand prompts with their histories; far above what an author opens."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS copies (
    connection TEXT NOT NULL,
    name TEXT NOT NULL,
    body BLOB NOT NULL,
    seen_at REAL NOT NULL,
    used_at REAL NOT NULL,
    PRIMARY KEY (connection, name)
);
CREATE INDEX IF NOT EXISTS copies_by_use ON copies (used_at);
"""


@dataclass(frozen=True)
class Copy:
    body: bytes
    seen_at: float
    """When the server gave what the copy holds (seconds since the epoch)."""


class OfflineCopies:
    """Copies by connection and name ("list", "prompt:<handle>"), within a size cap; safe to use from threads."""

    def __init__(self, path: Path, cap_bytes: int = DEFAULT_CAP_BYTES):
        self.path = path
        self.cap_bytes = cap_bytes
        make_private_database(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def keep(self, connection: str, name: str, body: bytes) -> None:
        """Keep `body` as the newest copy of `name`, then drop the least recently used copies over the cap."""
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO copies VALUES (?, ?, ?, ?, ?) ON CONFLICT (connection, name) DO UPDATE SET "
                    "body = excluded.body, seen_at = excluded.seen_at, used_at = excluded.used_at",
                    (connection, name, body, now, now))
                self._drop_over_cap()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _drop_over_cap(self) -> None:
        (total,) = self._db.execute("SELECT COALESCE(SUM(LENGTH(body)), 0) FROM copies").fetchone()
        if total <= self.cap_bytes:
            return
        rows = self._db.execute("SELECT connection, name, LENGTH(body) FROM copies ORDER BY used_at").fetchall()
        dropped = []
        for connection, name, size in rows[:-1]:  # the copy just kept stays, whatever its size
            if total <= self.cap_bytes:
                break
            dropped.append((connection, name))
            total -= size
        self._db.executemany("DELETE FROM copies WHERE connection = ? AND name = ?", dropped)

    def read(self, connection: str, name: str) -> Copy | None:
        """The copy, or None; reading it counts as a use, so it is kept over copies no one looked at."""
        with self._lock:
            row = self._db.execute("SELECT body, seen_at FROM copies WHERE connection = ? AND name = ?",
                                   (connection, name)).fetchone()
            if row is None:
                return None
            self._db.execute("UPDATE copies SET used_at = ? WHERE connection = ? AND name = ?",
                             (time.time(), connection, name))
        return Copy(bytes(row[0]), row[1])

    def forget(self, connection: str) -> None:
        """Every copy of a connection the user removed from this computer."""
        with self._lock:
            self._db.execute("DELETE FROM copies WHERE connection = ?", (connection,))

    def size(self) -> int:
        with self._lock:
            (total,) = self._db.execute("SELECT COALESCE(SUM(LENGTH(body)), 0) FROM copies").fetchone()
        return total

    def close(self) -> None:
        with self._lock:
            self._db.close()
