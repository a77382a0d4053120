"""Every run of Try it, kept on this computer: what was sent, what came back and what it cost, per connection.

One SQLite file in the data folder, readable by the user alone (a run's request holds the prompt's text and the
sample inputs, never a key). Rows are plain values; the service layer makes them from a run's summary.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prompt_studio.store.private_files import make_private_database

MAX_RUNS_PER_PROMPT = 500
"""Older runs of a prompt go when it has more: a history to look back on, not an archive."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    connection TEXT NOT NULL,
    handle TEXT NOT NULL,
    ran_at TEXT NOT NULL,
    source TEXT NOT NULL,
    test_case TEXT,
    model TEXT NOT NULL,
    request TEXT NOT NULL,
    answer TEXT NOT NULL,
    input_tokens INTEGER,
    output_tokens INTEGER,
    cost TEXT,
    time_to_first_token REAL,
    total_time REAL NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_of_a_prompt ON runs (connection, handle, id);
"""


@dataclass(frozen=True)
class RunRecord:
    """One run as it is kept: which prompt and version, with what, and what came back."""

    connection: str
    handle: str
    ran_at: str
    """ISO 8601 in UTC."""
    source: str
    """"Your draft", or the version that ran ("v3 (production)")."""
    test_case: str | None
    model: str
    request: dict[str, Any]
    """What was sent (model, messages, parameters, stream), never a key."""
    answer: str
    input_tokens: int | None
    output_tokens: int | None
    cost: str
    """As the panel says it ("$0.0012", "unknown")."""
    time_to_first_token: float | None
    total_time: float
    outcome: str
    """How it finished ("stop", "length"), "cut off", or the provider's refusal in plain words."""
    id: int | None = field(default=None, compare=False)


_COLUMNS = ("connection", "handle", "ran_at", "source", "test_case", "model", "request", "answer", "input_tokens",
            "output_tokens", "cost", "time_to_first_token", "total_time", "outcome")


class RunHistory:
    """The runs of every connection; safe to use from worker threads (one connection, one lock)."""

    def __init__(self, path: Path):
        self.path = path
        make_private_database(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def add(self, run: RunRecord) -> RunRecord:
        values = [getattr(run, name) for name in _COLUMNS]
        values[_COLUMNS.index("request")] = json.dumps(run.request, ensure_ascii=False, default=str)
        with self._lock:
            cursor = self._db.execute(
                f"INSERT INTO runs ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})", values)
            self._db.execute(
                "DELETE FROM runs WHERE connection = ? AND handle = ? AND id NOT IN (SELECT id FROM runs WHERE "
                "connection = ? AND handle = ? ORDER BY id DESC LIMIT ?)",
                (run.connection, run.handle, run.connection, run.handle, MAX_RUNS_PER_PROMPT))
        return RunRecord(**{**run.__dict__, "id": cursor.lastrowid})

    def runs(self, connection: str, handle: str) -> list[RunRecord]:
        """The prompt's runs, newest first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT id, {', '.join(_COLUMNS)} FROM runs WHERE connection = ? AND handle = ? ORDER BY id DESC",
                (connection, handle)).fetchall()
        return [_record(row) for row in rows]

    def delete(self, run_id: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM runs WHERE id = ?", (run_id,))

    def clear(self, connection: str, handle: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM runs WHERE connection = ? AND handle = ?", (connection, handle))

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _record(row: tuple) -> RunRecord:
    values = dict(zip(("id", *_COLUMNS), row, strict=True))
    values["request"] = json.loads(values["request"])
    return RunRecord(**values)
