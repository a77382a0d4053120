"""Fake OpenAI and Anthropic servers, written from the providers' API references:

- OpenAI chat completions (`POST /v1/chat/completions`): `chat.completion.chunk` server-sent events, each `data:`
  line a chunk with `usage: null` when `stream_options.include_usage` is set, then the finish chunk, a last chunk
  with `choices: []` and the usage, then `data: [DONE]`; errors as `{"error": {"message", "type", "param", "code"}}`.
- Anthropic Messages (`POST /v1/messages`): `event:`/`data:` pairs message_start, content_block_start, ping,
  content_block_delta (text_delta)..., content_block_stop, message_delta (stop_reason, usage.output_tokens),
  message_stop; errors as `{"type": "error", "error": {"type", "message"}, "request_id"}`.
- `GET /v1/models` for both.

One Starlette app serves both, OpenAI under `/openai/v1`, Anthropic under `/anthropic/v1`. What it answers is the
`Script` a test sets; every request is recorded (path, headers, JSON body) for the test to assert.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

OPENAI_KEY = "sk-test-openai-7f3a9c"
ANTHROPIC_KEY = "sk-ant-test-2b9c41"

Mode = Literal["answer", "cut", "drop", "error"]
"""answer: the whole answer; cut: the stream ends cleanly before its final events (no finish reason, no usage, no
[DONE] / message_stop); drop: the connection is closed mid-stream; error: `error_status` in the provider's shape."""


@dataclass
class Script:
    mode: Mode = "answer"
    tokens: list[str] = field(default_factory=lambda: ["Arr, ", "yer ", "refund ", "be ", "on its way."])
    tokens_for: Callable[[Any], list[str] | None] | None = None
    """The tokens of one request from its JSON body (None: `tokens`), for answers that differ between requests."""
    delay: float = 0.0
    """Seconds before each token (a slow stream, for Stop)."""
    usage: bool = True
    """False: no usage chunk even when asked (llama.cpp's server)."""
    finish_reason: str | None = None
    """None: "stop" (OpenAI) / "end_turn" (Anthropic)."""
    error_status: int = 500
    error_message: str | None = None
    error_code: str | None = None
    retry_after: str | None = None
    input_tokens: int = 21
    models: list[str] = field(default_factory=lambda: ["model-b", "model-a"])


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: Any


class Dropped(Exception):
    """Raised inside a streamed body: uvicorn closes the connection without ending the chunked body."""


def _sse(data: Any, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    payload = data if isinstance(data, str) else json.dumps(data)
    return f"{head}data: {payload}\n\n".encode()


class FakeProviders:
    def __init__(self) -> None:
        self.script = Script()
        self.requests: list[Recorded] = []
        self.tokens_sent = 0
        self.stream_closed = threading.Event()
        """Set when a streamed body ends, however it ends (the client's disconnect included)."""
        self.stream_completed = False
        self.app = Starlette(routes=[
            Route("/openai/v1/chat/completions", self._openai_chat, methods=["POST"]),
            Route("/openai/v1/models", self._openai_models, methods=["GET"]),
            Route("/anthropic/v1/messages", self._anthropic_messages, methods=["POST"]),
            Route("/anthropic/v1/models", self._anthropic_models, methods=["GET"]),
        ])

    @property
    def last(self) -> Recorded:
        return self.requests[-1]

    async def _record(self, request: Request) -> Recorded:
        body = await request.json() if request.method == "POST" else None
        recorded = Recorded(request.url.path, {k.lower(): v for k, v in request.headers.items()}, body)
        self.requests.append(recorded)
        return recorded

    def _tokens_of(self, body: Any) -> list[str]:
        chosen = self.script.tokens_for(body) if self.script.tokens_for is not None else None
        return self.script.tokens if chosen is None else chosen

    async def _tokens(self, tokens: list[str]) -> AsyncIterator[tuple[int, str]]:
        try:
            for index, token in enumerate(tokens):
                if self.script.delay:
                    await asyncio.sleep(self.script.delay)
                self.tokens_sent += 1
                yield index, token
                if self.script.mode == "drop" and index == 1:
                    raise Dropped("the connection drops mid-stream")
        finally:
            self.stream_closed.set()

    # OpenAI ---------------------------------------------------------------------------------------------------

    def _openai_error(self, status: int, message: str, type_: str, code: str | None) -> JSONResponse:
        headers = {"retry-after": self.script.retry_after} if self.script.retry_after else None
        return JSONResponse({"error": {"message": message, "type": type_, "param": None, "code": code}},
                            status_code=status, headers=headers)

    def _openai_refusal(self, recorded: Recorded) -> Response | None:
        if recorded.headers.get("authorization") != f"Bearer {OPENAI_KEY}":
            return self._openai_error(401, "Incorrect API key provided: sk-wro**********. You can find your API "
                                      "key at https://platform.openai.com/account/api-keys.",
                                      "invalid_request_error", "invalid_api_key")
        if self.script.mode == "error":
            status = self.script.error_status
            kinds = {429: ("tokens", "rate_limit_exceeded"), 404: ("invalid_request_error", "model_not_found"),
                     400: ("invalid_request_error", "context_length_exceeded")}
            type_, code = kinds.get(status, ("server_error", None))
            message = self.script.error_message or {
                429: "Rate limit reached for gpt-5 on tokens per min (TPM): Limit 30000, Used 30000.",
                404: f"The model `{(recorded.body or {}).get('model')}` does not exist or you do not have access "
                     "to it.",
                400: "This model's maximum context length is 128000 tokens. However, your messages resulted in "
                     "130412 tokens. Please reduce the length of the messages.",
            }.get(status, "The server had an error while processing your request. Sorry about that!")
            return self._openai_error(status, message, type_, self.script.error_code or code)
        return None

    async def _openai_models(self, request: Request) -> Response:
        recorded = await self._record(request)
        refusal = self._openai_refusal(recorded)
        if refusal is not None:
            return refusal
        return JSONResponse({"object": "list", "data": [
            {"id": name, "object": "model", "created": 1_700_000_000, "owned_by": "fake"}
            for name in self.script.models
        ]})

    async def _openai_chat(self, request: Request) -> Response:
        recorded = await self._record(request)
        refusal = self._openai_refusal(recorded)
        if refusal is not None:
            return refusal
        problem = _openai_content_problem(recorded.body["messages"])
        if problem is not None:
            return self._openai_error(400, problem, "invalid_request_error", None)
        body = recorded.body
        model = body["model"]
        tokens = self._tokens_of(body)
        finish = self.script.finish_reason or "stop"
        output_tokens = len(tokens)
        usage = {"prompt_tokens": self.script.input_tokens, "completion_tokens": output_tokens,
                 "total_tokens": self.script.input_tokens + output_tokens}
        base = {"id": "chatcmpl-fake1", "created": 1_700_000_000, "model": model, "system_fingerprint": "fp_fake"}
        if not body.get("stream"):
            await asyncio.sleep(self.script.delay * len(tokens))
            return JSONResponse({**base, "object": "chat.completion", "choices": [{
                "index": 0, "message": {"role": "assistant", "content": "".join(tokens),
                                        "refusal": None},
                "logprobs": None, "finish_reason": finish}], "usage": usage})
        with_usage = bool((body.get("stream_options") or {}).get("include_usage")) and self.script.usage

        def chunk(delta: dict[str, Any], finish_reason: str | None) -> bytes:
            data = {**base, "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]}
            if with_usage:
                data["usage"] = None
            return _sse(data)

        async def events() -> AsyncIterator[bytes]:
            self.stream_completed = False
            yield chunk({"role": "assistant", "content": "", "refusal": None}, None)
            async for _index, token in self._tokens(tokens):
                yield chunk({"content": token}, None)
            if self.script.mode == "cut":
                return
            yield chunk({}, finish)
            if with_usage:
                yield _sse({**base, "object": "chat.completion.chunk", "choices": [], "usage": usage})
            yield _sse("[DONE]")
            self.stream_completed = True

        return StreamingResponse(events(), media_type="text/event-stream")

    # Anthropic ------------------------------------------------------------------------------------------------

    def _anthropic_error(self, status: int, type_: str, message: str) -> JSONResponse:
        headers = {"retry-after": self.script.retry_after} if self.script.retry_after else None
        return JSONResponse({"type": "error", "error": {"type": type_, "message": message},
                             "request_id": "req_fake01"}, status_code=status, headers=headers)

    def _anthropic_refusal(self, recorded: Recorded) -> Response | None:
        # The API takes `x-api-key`; recent `anthropic` clients send `Authorization: Bearer` instead.
        keys = {recorded.headers.get("x-api-key"), recorded.headers.get("authorization", "").removeprefix("Bearer ")}
        if ANTHROPIC_KEY not in keys:
            return self._anthropic_error(401, "authentication_error", "invalid x-api-key")
        if self.script.mode == "error":
            status = self.script.error_status
            model = (recorded.body or {}).get("model")
            type_, message = {
                429: ("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
                404: ("not_found_error", f"model: {model}"),
                400: ("invalid_request_error", "prompt is too long: 210432 tokens > 200000 maximum"),
                529: ("overloaded_error", "Overloaded"),
            }.get(status, ("api_error", "Internal server error"))
            return self._anthropic_error(status, type_, self.script.error_message or message)
        return None

    async def _anthropic_models(self, request: Request) -> Response:
        recorded = await self._record(request)
        refusal = self._anthropic_refusal(recorded)
        if refusal is not None:
            return refusal
        data = [{"type": "model", "id": name, "display_name": name, "created_at": "2025-09-29T00:00:00Z"}
                for name in self.script.models]
        return JSONResponse({"data": data, "has_more": False, "first_id": data[0]["id"], "last_id": data[-1]["id"]})

    async def _anthropic_messages(self, request: Request) -> Response:
        recorded = await self._record(request)
        refusal = self._anthropic_refusal(recorded)
        if refusal is not None:
            return refusal
        problem = _anthropic_content_problem(recorded.body["messages"])
        if problem is not None:
            return self._anthropic_error(400, "invalid_request_error", problem)
        body = recorded.body
        tokens = self._tokens_of(body)
        stop_reason = self.script.finish_reason or "end_turn"
        usage = {"input_tokens": self.script.input_tokens, "output_tokens": len(tokens),
                 "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        message = {"id": "msg_fake01", "type": "message", "role": "assistant", "model": body["model"],
                   "stop_reason": None, "stop_sequence": None}
        if not body.get("stream"):
            return JSONResponse({**message, "content": [{"type": "text", "text": "".join(tokens)}],
                                 "stop_reason": stop_reason, "usage": usage})

        async def events() -> AsyncIterator[bytes]:
            self.stream_completed = False
            yield _sse({"type": "message_start", "message": {**message, "content": [], "usage": {
                **usage, "output_tokens": 1}}}, "message_start")
            yield _sse({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
                       "content_block_start")
            yield _sse({"type": "ping"}, "ping")
            async for _index, token in self._tokens(tokens):
                yield _sse({"type": "content_block_delta", "index": 0,
                            "delta": {"type": "text_delta", "text": token}}, "content_block_delta")
            if self.script.mode == "cut":
                return
            yield _sse({"type": "content_block_stop", "index": 0}, "content_block_stop")
            yield _sse({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                        "usage": {"output_tokens": len(tokens)}}, "message_delta")
            yield _sse({"type": "message_stop"}, "message_stop")
            self.stream_completed = True

        return StreamingResponse(events(), media_type="text/event-stream")


def _openai_content_problem(messages: list[dict[str, Any]]) -> str | None:
    """Chat Completions: a message's content is a string or a list of `text` and `image_url` parts."""
    for number, message in enumerate(messages):
        content = message.get("content")
        if isinstance(content, str):
            continue
        if not isinstance(content, list):
            return f"Invalid type for 'messages[{number}].content'"
        for part in content:
            if part.get("type") == "text" and isinstance(part.get("text"), str):
                continue
            if part.get("type") == "image_url" and isinstance((part.get("image_url") or {}).get("url"), str):
                continue
            return f"Invalid content part in 'messages[{number}].content': {part.get('type')}"
    return None


def _anthropic_content_problem(messages: list[dict[str, Any]]) -> str | None:
    """Messages API: content is a string or a list of `text` blocks and `image` blocks (source url or base64)."""
    for number, message in enumerate(messages):
        content = message.get("content")
        if isinstance(content, str):
            continue
        for part in content if isinstance(content, list) else [None]:
            if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                continue
            source = part.get("source") if isinstance(part, dict) and part.get("type") == "image" else None
            if isinstance(source, dict) and (
                    (source.get("type") == "url" and isinstance(source.get("url"), str))
                    or (source.get("type") == "base64" and source.get("media_type", "").startswith("image/")
                        and isinstance(source.get("data"), str))):
                continue
            kind = (part or {}).get("type")
            return f"messages.{number}.content: Input tag '{kind}' found using 'type' does not match"
    return None
