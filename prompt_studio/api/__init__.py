"""The only package that speaks HTTP (httpx): clients of prompt servers, with retries, auth and errors."""

from prompt_studio.api.langwatch import LangWatchClient
from prompt_studio.api.orkes import OrkesClient
from prompt_studio.api.transport import DEFAULT_TIMEOUT, MAX_RESPONSE_BYTES, WHEN_SENT, HttpConnection, RetryPolicy

__all__ = [
    "DEFAULT_TIMEOUT", "MAX_RESPONSE_BYTES", "WHEN_SENT", "HttpConnection", "LangWatchClient", "OrkesClient",
    "RetryPolicy",
]
