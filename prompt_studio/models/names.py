"""The naming rules the server enforces for handles, tags and the host names it answers, so that forms can check
them before a request.

The patterns are matched with `fullmatch`: `$` also matches before a final newline, which let `"a\n"` become a
handle beside `a`.
"""

from __future__ import annotations

import ipaddress
import re

HANDLE_PATTERN = re.compile(r"[a-z0-9_-]+(/[a-z0-9_-]+)?")
TAG_NAME_PATTERN = re.compile(r"[a-z][a-z0-9_-]*")
MAX_TAG_NAME_LENGTH = 100
"""Every answer about a version lists the tags on it, so a tag name the size of a request body would grow each
of them."""
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
    if not HANDLE_PATTERN.fullmatch(handle):
        return (
            "A handle uses lowercase letters, digits, '-' and '_', with at most one '/' "
            "to put it in a folder (for example support/triage)."
        )
    return None


FOLDER_SEPARATOR = "/"


def split_handle(handle: str) -> tuple[tuple[str, ...], str]:
    """The folders of a handle and its own name: "support/triage" -> (("support",), "triage"), as LangWatch's
    sidebar groups prompts. A handle from elsewhere (Orkes, an older server) may have more than one folder.

    Empty segments make no folder ("a//b" is in "a"; "/a" and "a/" are in no folder).
    """
    parts = [part for part in handle.split(FOLDER_SEPARATOR) if part]
    if len(parts) < 2:
        return (), handle
    return tuple(parts[:-1]), parts[-1]


def tag_name_problem(name: str) -> str | None:
    """Why a tag name is not acceptable, in plain words, or None when it is."""
    if name == VIRTUAL_TAG:
        return "'latest' always means the newest version; it cannot be assigned, renamed or deleted."
    if len(name) > MAX_TAG_NAME_LENGTH:
        return f"A tag name has at most {MAX_TAG_NAME_LENGTH} characters."
    if not TAG_NAME_PATTERN.fullmatch(name):
        return "A tag starts with a lowercase letter and uses lowercase letters, digits, '-' and '_'."
    return None


LOOPBACK_HOST_NAMES = ("127.0.0.1", "localhost", "[::1]")
"""How clients on this machine name it in a URL or a Host header (an IPv6 address in brackets)."""


def is_loopback_host(host: str) -> bool:
    """Whether `host` (a name or an address, IPv6 with or without brackets) can only be this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False
