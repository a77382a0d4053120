"""Where Prompt Studio keeps its files. `--data-dir` overrides every one of them (tests, portable use)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "PromptStudio"


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @classmethod
    def resolve(cls, data_dir: str | Path | None = None) -> DataPaths:
        root = Path(data_dir) if data_dir else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        root.mkdir(parents=True, exist_ok=True)
        return cls(root.resolve())

    @property
    def library(self) -> Path:
        """The embedded prompt library's SQLite file."""
        return self.root / "library.sqlite3"

    @property
    def drafts(self) -> Path:
        """One folder per connection, one file per draft."""
        return self.root / "drafts"

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
