"""The transport under the `openai` and `anthropic` packages (httpx2), kept here with the rest of HTTP.

Both packages wrap what fails while a request starts, but a streamed answer that breaks or stalls midway lets the
transport's own exceptions out unwrapped; `providers` names them through these tuples.
"""

from __future__ import annotations

import httpx2

PROVIDER_TRANSPORT_ERRORS: tuple[type[Exception], ...] = (httpx2.TransportError,)
"""A connection that failed, broke or stalled under a provider SDK."""

PROVIDER_TIMEOUTS: tuple[type[Exception], ...] = (httpx2.TimeoutException,)
"""The part of `PROVIDER_TRANSPORT_ERRORS` that is a wait running out."""
