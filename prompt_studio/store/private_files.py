"""SQLite files only their user may read: the library and the offline copies hold a team's prompts."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def make_private_database(path: Path) -> None:
    """Create the database file 0600 before SQLite opens it, and take others' access from one that exists.

    SQLite creates a database 0644 (less the umask) and gives its -wal and -shm files the database's own mode,
    so creating it first keeps all three the user's alone; an existing file and side files are tightened too.
    """
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for file in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        with contextlib.suppress(FileNotFoundError):
            if stat.S_IMODE(file.stat().st_mode) & 0o077:
                os.chmod(file, 0o600)
