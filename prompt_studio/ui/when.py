"""Times as people read them, in the computer's own time zone; the wire's ISO timestamps stay on the wire."""

from __future__ import annotations

from datetime import datetime


def _local(timestamp: str) -> datetime | None:
    try:
        return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return None


def friendly_time(timestamp: str) -> str:
    """'14:02' today, '23 Nov' this year, '23 Nov 2025' before; the raw text if it is not a timestamp."""
    moment = _local(timestamp)
    if moment is None:
        return timestamp
    now = datetime.now().astimezone()
    if moment.date() == now.date():
        return moment.strftime("%H:%M")
    if moment.year == now.year:
        return moment.strftime("%d %b")
    return moment.strftime("%d %b %Y")


def full_time(timestamp: str) -> str:
    """'1 Dec 2026, 09:48': the whole moment, for tooltips and banners."""
    moment = _local(timestamp)
    if moment is None:
        return timestamp
    return f"{moment.day} {moment:%b %Y, %H:%M}"


def duration_words(seconds: float | None) -> str:
    """"840 ms", "2.3 s", or "unknown": how long a run took, as Try it and its history say it."""
    if seconds is None:
        return "unknown"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"
