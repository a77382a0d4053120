"""Where Prompt Studio keeps its files. `--data-dir` overrides every one of them (tests, portable use).

Everything in the data folder is the user's alone, whatever the umask: the folder is 0700 and each file 0600.
Files are created so where Prompt Studio writes them itself; `DataPaths.resolve` tightens what an older version,
or a writer that follows the umask (Qt's QSettings), left readable.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "PromptStudio"
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @classmethod
    def resolve(cls, data_dir: str | Path | None = None) -> DataPaths:
        """The data folder, created 0700, with the group's and others' access to it and its files removed."""
        root = Path(data_dir) if data_dir else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        root.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        paths = cls(root.resolve())
        paths.tighten()
        return paths

    def tighten(self) -> None:
        """Make the folder 0700, and the files Prompt Studio keeps in it 0600 (drafts' folders 0700).

        The library's SQLite files are the library's to tighten (store/library.py), whatever folder they are in.
        """
        files = [self.settings, self.connections, self.fallback_secrets]
        folders = [self.root]
        if self.drafts.is_dir():
            folders += [self.drafts, *(path for path in self.drafts.iterdir() if path.is_dir())]
        for folder in folders:
            _make_private(folder, PRIVATE_FOLDER)
        for file in files:
            _make_private(file, PRIVATE_FILE)

    @property
    def library(self) -> Path:
        """The embedded prompt library's SQLite file."""
        return self.root / "library.sqlite3"

    @property
    def drafts(self) -> Path:
        """One folder per connection, one file per draft."""
        return self.root / "drafts"

    @property
    def offline_copies(self) -> Path:
        """What each server last gave (its list, the prompts opened), for when it cannot be reached."""
        return self.root / "offline-copies.sqlite3"

    @property
    def run_history(self) -> Path:
        """Every run of Try it: what was sent, what came back, what it cost."""
        return self.root / "runs.sqlite3"

    @property
    def test_cases(self) -> Path:
        """One file per connection: the named sample inputs of its prompts (Try it)."""
        return self.root / "test-cases"

    @property
    def settings(self) -> Path:
        return self.root / "settings.ini"

    @property
    def connections(self) -> Path:
        """Saved connections: names, kinds and addresses, never keys."""
        return self.root / "connections.json"

    @property
    def fallback_secrets(self) -> Path:
        """Used only where no OS keyring exists; created readable by the user alone."""
        return self.root / "secrets.json"


def _make_private(path: Path, mode: int) -> None:
    """chmod `path` to `mode` if it exists, is not a symbolic link, and others may use it; a failure is logged."""
    try:
        status = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(status.st_mode) or stat.S_IMODE(status.st_mode) & 0o077 == 0:
        return
    try:
        os.chmod(path, mode)
    except OSError as error:
        log.warning("could not make %s private: %s", path, error)


SHARED_FILE = 0o644
"""A file of the user's own project (a prompt folder in git), not a secret."""


def write_private_file(path: Path, data: bytes) -> None:
    """Replace `path` with `data`, readable by the user alone, all or nothing, without following links."""
    path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    replace_file(path, data, mode=PRIVATE_FILE)


def replace_file(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace `path` with `data`, all or nothing, without following links; `mode` None keeps the file's own
    permissions (a new file gets 0644, as editors write files).

    The bytes go to a fresh name in the same folder, created with O_EXCL|O_NOFOLLOW (tempfile.mkstemp): a link
    planted where the file is written is refused, not followed. The descriptor gets its mode and is flushed to
    disk, then renamed over `path`, which replaces a link there instead of writing through it.
    """
    if mode is None:
        try:
            mode = stat.S_IMODE(os.lstat(path).st_mode)
        except FileNotFoundError:
            mode = SHARED_FILE
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if hasattr(os, "fchmod"):  # POSIX; on Windows the folder's ACL decides
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
