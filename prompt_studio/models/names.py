"""The naming rules the server enforces for handles and tags, so that forms can check them before a request."""

from __future__ import annotations

import re

HANDLE_PATTERN = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)?$")
TAG_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")
MAX_HANDLE_LENGTH = 200
"""The official CLI keeps each prompt in `prompts/<handle>.prompt.yaml`, and a file name is at most 255 bytes on
common file systems; a handle is ASCII, so this leaves room for the suffix."""
VIRTUAL_TAG = "latest"
BUILT_IN_TAGS = ("production", "staging")


def handle_problem(handle: str) -> str | None:
    """Why a handle is not acceptable, in plain words, or None when it is."""
    if not handle:
        return "A handle cannot be empty."
    if len(handle) > MAX_HANDLE_LENGTH:
        return f"A handle has at most {MAX_HANDLE_LENGTH} characters."
    if not HANDLE_PATTERN.match(handle):
        return (
            "A handle uses lowercase letters, digits, '-' and '_', with at most one '/' "
            "to put it in a folder (for example support/triage)."
        )
    return None


def tag_name_problem(name: str) -> str | None:
    """Why a tag name is not acceptable, in plain words, or None when it is."""
    if name == VIRTUAL_TAG:
        return "'latest' always means the newest version; it cannot be assigned, renamed or deleted."
    if not TAG_NAME_PATTERN.match(name):
        return "A tag starts with a lowercase letter and uses lowercase letters, digits, '-' and '_'."
    return None
