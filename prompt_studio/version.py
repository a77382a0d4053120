"""The installed version of Prompt Studio, for `--version` and About (Qt-free, so the command line stays light)."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "prompt-studio"
SOURCE_TREE_PROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
"""Where a clone keeps its version, for a tree that runs without ever being installed."""


def installed_version() -> str | None:
    """The version pip (or the bundle) installed, or None when running from a tree that was never installed."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None


def version_text() -> str:
    """What `--version` says: the installed version, else the source tree's with a note, else that it is unknown."""
    installed = installed_version()
    if installed is not None:
        return installed
    try:
        project = tomllib.loads(SOURCE_TREE_PROJECT.read_text(encoding="utf-8"))["project"]
        if project["name"] == DISTRIBUTION:
            return f"{project['version']} (source tree, not installed)"
    except (OSError, tomllib.TOMLDecodeError, KeyError):
        pass
    return "unknown (not installed)"
