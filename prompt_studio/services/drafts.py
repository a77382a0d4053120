"""Drafts on disk: one JSON file per prompt, one folder per connection, written atomically.

A crash, a killed process or a full disk in the middle of a write leaves either the old draft or the new one, never
a torn file: each write goes to a temporary file in the same folder, is flushed to disk, then renamed over the old.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from pathlib import Path
from urllib.parse import quote, unquote

from pydantic import ValidationError

from prompt_studio.models.draft import Draft
from prompt_studio.paths import write_private_file

log = logging.getLogger(__name__)

_SUFFIX = ".draft.json"


def _connection_folder_name(connection_id: str) -> str:
    return quote(connection_id, safe="")


class DraftStore:
    """The drafts of one connection."""

    def __init__(self, root: Path, connection_id: str):
        self.folder = root / _connection_folder_name(connection_id)
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder.mkdir(mode=0o700, exist_ok=True)

    def _path(self, handle: str) -> Path:
        return self.folder / (quote(handle, safe="") + _SUFFIX)

    def save(self, draft: Draft) -> None:
        write_private_file(self._path(draft.handle), draft.model_dump_json(indent=1).encode())

    def _sync_folder(self) -> None:
        """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
        with contextlib.suppress(OSError):
            folder = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)

    def load(self, handle: str) -> Draft | None:
        path = self._path(handle)
        try:
            return Draft.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except (ValidationError, ValueError):
            self._set_aside(path)
            return None

    def _set_aside(self, path: Path) -> None:
        """Keep an unreadable draft under another name rather than delete what might be someone's work."""
        log.warning("draft file %s is unreadable; kept as %s.unreadable", path.name, path.name)
        with contextlib.suppress(OSError):
            os.replace(path, path.with_name(path.name + ".unreadable"))

    def delete(self, handle: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(handle).unlink()
        self._sync_folder()

    def handles(self) -> list[str]:
        """The handles that have a draft, without reading the files."""
        return sorted(
            unquote(path.name[: -len(_SUFFIX)])
            for path in self.folder.glob("*" + _SUFFIX)
            if not path.name.startswith(".")  # a write in progress
        )

    def load_all(self) -> list[Draft]:
        return [draft for handle in self.handles() if (draft := self.load(handle)) is not None]

    def remove_all(self) -> None:
        """Delete every draft of this connection and its folder (the user removed the connection)."""
        shutil.rmtree(self.folder, ignore_errors=True)
