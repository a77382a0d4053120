"""The installed version of Prompt Studio, for `--version` and About (Qt-free, so the command line stays light)."""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "prompt-studio"


def installed_version() -> str | None:
    """The version pip (or the bundle) installed, or None when running from a tree that was never installed."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
