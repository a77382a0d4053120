"""What is true about a connection's server right now, in plain words, and when to try it again.

Qt-free, so the rules (never "Connected" before an answer, a rejected key is not tried again, the backoff) are
tested without a display; the window shows these words and runs the timers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from prompt_studio.models.errors import (
    AuthenticationError,
    ConnectionFailed,
    FolderFormatError,
    PromptStudioError,
    TimedOut,
)

RETRY_DELAYS = (1, 2, 4, 8, 16, 30)
"""Seconds before each automatic try after a failure; the last one repeats."""


class ServerState(Enum):
    REACHING = "reaching"
    CONNECTED = "connected"
    UNREACHABLE = "unreachable"
    KEY_REJECTED = "key_rejected"
    ERROR = "error"


def clock(moment: datetime | float) -> str:
    """A time of today as the status bar says it ("14:05")."""
    when = datetime.fromtimestamp(moment) if isinstance(moment, float | int) else moment
    return f"{when:%H:%M}"


@dataclass
class Reachability:
    """The state of one connection's server, from the window's loads."""

    name: str
    state: ServerState = ServerState.REACHING
    since: datetime | None = None
    """When the server stopped answering (the first failure of a run of them)."""
    error: PromptStudioError | None = None
    retries: int = 0
    offline_seen_at: float | None = None
    """When the offline copy on view was seen, while the server is away and one is shown."""

    def failed(self, error: PromptStudioError, now: datetime | None = None) -> int | None:
        """A load failed: the seconds to wait before the next try, or None when trying again cannot help."""
        if self.since is None:
            self.since = now or datetime.now()
        self.error = error
        if isinstance(error, AuthenticationError):
            self.state = ServerState.KEY_REJECTED
            return None
        self.state = ServerState.UNREACHABLE if isinstance(error, ConnectionFailed | TimedOut) else ServerState.ERROR
        delay = RETRY_DELAYS[min(self.retries, len(RETRY_DELAYS) - 1)]
        self.retries += 1
        return delay

    def reached(self) -> bool:
        """The server answered; True when it had not been answering before (worth saying so)."""
        was_away = self.since is not None
        self.state, self.since, self.error, self.retries, self.offline_seen_at = (
            ServerState.CONNECTED, None, None, 0, None)
        return was_away

    @property
    def away(self) -> bool:
        return self.since is not None

    def status(self, seconds_left: int | None = None) -> str:
        """The status bar's words."""
        name = self.name
        if self.state is ServerState.REACHING:
            return f"Reaching {name}..."
        if self.state is ServerState.CONNECTED:
            return f"Connected: {name}"
        if self.state is ServerState.KEY_REJECTED:
            return f"{name} did not accept the key"
        if isinstance(self.error, FolderFormatError):
            return f"{name}: a file cannot be read"
        words = (f"Cannot reach {name} (since {clock(self.since)})" if self.state is ServerState.UNREACHABLE
                 else f"{name} answered with an error")
        return words + (f", next try in {seconds_left} s" if seconds_left is not None else "")

    def notice(self, seconds_left: int | None = None) -> str:
        """The words above the list: what happened, what is shown instead, and what happens next."""
        name = self.name
        if self.state is ServerState.KEY_REJECTED:
            words = f"{name} did not accept the key. Change the key to go on."
        elif isinstance(self.error, FolderFormatError):  # which file, which line: the author fixes it, the list follows
            words = self.error.user_message
        elif self.state is ServerState.UNREACHABLE:
            words = f"Cannot reach {name} since {clock(self.since)}."
            if self.error is not None and type(self.error) is not ConnectionFailed:
                words += f" {self.error.plain_words}"  # why, where it says more (a name not found, a timeout)
        elif self.error is not None:
            words = f"{name} answered with an error: {self.error.plain_words}"
        else:
            return ""
        if self.offline_seen_at is not None:
            words += f" Showing the offline copy from {clock(self.offline_seen_at)}."
        if seconds_left is not None:
            words += f" Trying again in {seconds_left} s."
        return words

    def save_blocker(self) -> str | None:
        """Why Save waits, while the server is away; None when it may be tried."""
        if self.state not in (ServerState.UNREACHABLE, ServerState.KEY_REJECTED):
            return None
        if self.state is ServerState.KEY_REJECTED:
            return f"{self.name} did not accept the key: change the key, then save. Your draft is safe here."
        return (f"{self.name} cannot be reached: Save works again once it answers. "
                "Your draft is safe on this computer.")
