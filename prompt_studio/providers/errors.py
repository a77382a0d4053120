"""Why a run failed, in plain words: one class per failure, mapped from the `openai` and `anthropic` exceptions by
one function (`plain_error`). Each carries the provider's own message (`detail`) for a "Details" button; the
`message` says what to do. Never a key in either."""

from __future__ import annotations

import functools
import re
from types import ModuleType
from typing import Any


@functools.cache
def provider_packages() -> tuple[ModuleType, ModuleType]:
    """The `openai` and `anthropic` packages, imported on first use: with their transport they take about a
    second, which the app's start does not wait for (`Trials` imports them in a worker thread before a run)."""
    import anthropic
    import openai

    return openai, anthropic


@functools.cache
def transport_errors() -> tuple[type[Exception], ...]:
    """What a provider call may raise besides `RunError`: every one of them goes through `plain_error`."""
    from prompt_studio.api.provider_transport import PROVIDER_TRANSPORT_ERRORS

    openai, anthropic = provider_packages()
    return (openai.OpenAIError, anthropic.AnthropicError, *PROVIDER_TRANSPORT_ERRORS)


class RunError(Exception):
    """A run that could not finish. `message` is for the user; `detail` is what the provider said."""

    def __init__(self, message: str, *, detail: str = "", status: int | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.status = status

    def __str__(self) -> str:
        return self.message


class UnknownProvider(RunError):
    """The model's `provider/` prefix names no provider."""


class NoKey(RunError):
    """The provider needs a key and none is kept or in the environment."""


class KeyRejected(RunError):
    """401: the provider rejected the key."""


class PermissionDenied(RunError):
    """403: the key may not use this model or endpoint."""


class RateLimited(RunError):
    """429: too many requests (or no credit left); `retry_after` in seconds when the provider said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ModelNotFound(RunError):
    """404: the provider has no model of that name (or no such endpoint)."""


class ContextTooLong(RunError):
    """400: the messages and the answer do not fit in the model's context."""


class RequestRejected(RunError):
    """400/422 for another reason: a parameter the model does not take, a bad schema..."""


class ProviderDown(RunError):
    """5xx, 529 (overloaded), or nothing answering at the address."""


class TimedOut(RunError):
    """No answer (or no next token) in time."""


class CutOff(RunError):
    """The answer stopped before the provider said it was complete."""


_CONTEXT_WORDS = re.compile(
    r"context[_ ]length|context window|maximum context|prompt is too long|too many tokens|input is too long"
    r"|reduce the length",
    re.IGNORECASE,
)


def _provider_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"]
        if isinstance(body.get("message"), str):
            return body["message"]
    return getattr(exc, "message", None) or str(exc)


def _error_code(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    error = body.get("error", body) if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("code") or error.get("type") or "")
    return str(getattr(exc, "code", "") or "")


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name in ("retry-after-ms", "retry-after"):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value)
        except ValueError:
            continue
        return seconds / 1000 if name == "retry-after-ms" else seconds
    return None


def _wait_words(seconds: float | None) -> str:
    if seconds is None:
        return "Wait a little and run again."
    if seconds < 60:
        return f"Wait {max(1, round(seconds))} s and run again."
    return f"Wait {round(seconds / 60)} min and run again."


def plain_error(exc: BaseException, provider: str, model: str = "") -> RunError:
    """The `RunError` for an exception of the `openai` or `anthropic` package (or one already mapped).

    `provider` is the provider's name as the user knows it ("OpenAI", "Ollama"); `model` is the wire model name.
    """
    if isinstance(exc, RunError):
        return exc
    from prompt_studio.api.provider_transport import PROVIDER_TIMEOUTS, PROVIDER_TRANSPORT_ERRORS

    openai, anthropic = provider_packages()
    detail = _provider_message(exc) if isinstance(exc, Exception) else str(exc)
    status = getattr(exc, "status_code", None)
    if isinstance(exc, (openai.APITimeoutError, anthropic.APITimeoutError, *PROVIDER_TIMEOUTS)):
        return TimedOut(f"{provider} did not answer in time. Run again, or try a smaller prompt.", detail=detail)
    if isinstance(exc, (openai.APIConnectionError, anthropic.APIConnectionError, *PROVIDER_TRANSPORT_ERRORS)):
        return ProviderDown(
            f"Could not reach {provider}. Check that it is running and its address in Model providers.",
            detail=detail,
        )
    if not isinstance(exc, openai.APIStatusError | anthropic.APIStatusError):
        if isinstance(exc, openai.OpenAIError | anthropic.AnthropicError) and "api_key" in str(exc):
            return NoKey(f"There is no key for {provider}. Add one in Model providers.", detail=detail)
        return RunError(f"The run against {provider} failed: {detail}", detail=detail)
    code = _error_code(exc)
    if status == 401:
        return KeyRejected(
            f"The provider rejected the key for {provider}. Check it in Model providers.", detail=detail, status=status
        )
    if status == 403:
        return PermissionDenied(
            f"{provider} does not let this key use {model or 'this model'}. Check the key's permissions.",
            detail=detail, status=status,
        )
    if status == 429:
        wait = _retry_after(exc)
        return RateLimited(
            f"{provider} is limiting requests. {_wait_words(wait)}", retry_after=wait, detail=detail, status=status
        )
    if status == 404:
        return ModelNotFound(
            f"{provider} has no model named {model!r}. Check the model name, or the address in Model providers."
            if model else f"{provider} has no such model. Check the model name.",
            detail=detail, status=status,
        )
    if status in (400, 413, 422) and (_CONTEXT_WORDS.search(detail) or "context_length" in code):
        return ContextTooLong(
            f"The prompt is too long for {model or 'this model'}: shorten the messages or lower Max tokens.",
            detail=detail, status=status,
        )
    if status is not None and (status >= 500 or status == 529):
        return ProviderDown(f"{provider} is having trouble (error {status}). Try again later.", detail=detail,
                            status=status)
    return RequestRejected(f"{provider} refused the request: {detail}", detail=detail, status=status)
