"""A run: a prompt's rendered messages and parameters sent to its model, the answer streamed back as events.

`Runner.run` is an async iterator of `TextDelta`s, then one `RunSummary` (always last, also when the run failed:
its `error` says why, in plain words). Stopping is cancelling the task that iterates, or closing the iterator: the
HTTP response is closed at once and no further token is read.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import jsonschema

from prompt_studio.providers.clients import make_client
from prompt_studio.providers.errors import CutOff, RunError, UnknownProvider, plain_error, transport_errors
from prompt_studio.providers.parameters import Parameters, plan_parameters
from prompt_studio.providers.settings import ProviderSettings, ProvidersSettings, Secrets, Target, resolve
from prompt_studio.rendering import Rendering

if TYPE_CHECKING:
    from prompt_studio.providers.clients import Client

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextDelta:
    """The next piece of the answer."""

    text: str


@dataclass(frozen=True)
class SchemaCheck:
    """A `json_schema` output's answer, parsed and checked: `value` when valid, else `problem` in plain words
    (`path` is where, as `items[2].price`; empty for the whole answer)."""

    value: Any = None
    problem: str | None = None
    path: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass
class RunSummary:
    """The last event of a run: the whole answer and its figures. Unknown figures are None."""

    provider: str
    model: str
    """The model name on the wire (its prefix stripped)."""
    request: dict[str, Any]
    """What was sent, as the package was asked (model, messages, parameters, stream); never a key."""
    parameters: Parameters
    text: str = ""
    input_tokens: int | None = None
    output_tokens: int | None = None
    time_to_first_token: float | None = None
    """Seconds from sending to the first piece of text."""
    total_time: float = 0.0
    cost: Decimal | None = None
    """US dollars, from `genai-prices`; None where it has no price."""
    finish_reason: str | None = None
    cut_off: bool = False
    """The stream ended before the provider said the answer was complete."""
    error: RunError | None = None
    schema_check: SchemaCheck | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def cost_words(self) -> str:
        if self.cost is None:
            return "unknown"
        return f"${self.cost:.4f}" if self.cost >= Decimal("0.0001") or self.cost == 0 else f"${self.cost:.6f}"


RunEvent = TextDelta | RunSummary


@dataclass
class _StreamState:
    opened: bool = False
    """The provider accepted the request and the stream began: a failure from here on cuts the answer short."""
    complete: bool = False
    """The stream ended with its final event (a finish reason, `message_stop`)."""


def message_dicts(messages: Rendering | Sequence[Any]) -> list[dict[str, Any]]:
    """A `Rendering`, `RenderedMessage`s or `{"role", "content"}` dicts, as the OpenAI-style wire takes them: a
    message with images becomes a list of parts, its text first, then one `image_url` part per image."""
    if isinstance(messages, Rendering):
        messages = messages.messages
    result = []
    for message in messages:
        if isinstance(message, Mapping):
            result.append({"role": str(message["role"]), "content": message["content"]})
        elif message.images:
            parts: list[dict[str, Any]] = [{"type": "text", "text": message.content}]
            parts += [{"type": "image_url", "image_url": {"url": url}} for url in message.images]
            result.append({"role": message.role, "content": parts})
        else:
            result.append({"role": message.role, "content": message.content})
    return result


def _anthropic_part(part: Mapping[str, Any]) -> dict[str, Any]:
    """An OpenAI-style part as Anthropic's Messages API takes it (an image by URL, or its bytes in base64)."""
    if part.get("type") != "image_url":
        return dict(part)
    url = str(part["image_url"]["url"])
    header, comma, data = url.partition(",")
    if url.startswith("data:") and comma and header.endswith(";base64"):
        media_type = header.removeprefix("data:").removesuffix(";base64")
        return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}
    return {"type": "image", "source": {"type": "url", "url": url}}


def anthropic_messages(messages: list[dict[str, Any]]) -> tuple[str | None, list[dict[str, Any]]]:
    """Anthropic takes the system prompt apart from the messages: every system message, joined, becomes it."""
    system = [_text_of(message["content"]) for message in messages if message["role"] == "system"]
    rest = [
        {**message, "content": [_anthropic_part(part) for part in message["content"]]}
        if isinstance(message["content"], list) else message
        for message in messages if message["role"] != "system"
    ]
    return ("\n\n".join(system) if system else None), rest


def _text_of(content: str | list[dict[str, Any]]) -> str:
    """A message's text, whether it is a string or a list of parts (a system prompt takes no image)."""
    if isinstance(content, str):
        return content
    return "".join(str(part.get("text", "")) for part in content if part.get("type") == "text")


def check_schema(text: str, schema: Mapping[str, Any]) -> SchemaCheck:
    """The answer parsed as JSON and validated against `schema`, the first failure in plain words."""
    try:
        value = json.loads(text)
    except ValueError as error:
        return SchemaCheck(problem=f"The answer is not JSON: {error}")
    validator_class = jsonschema.validators.validator_for(schema)
    try:
        errors = list(validator_class(schema).iter_errors(value))
    except jsonschema.SchemaError as error:
        return SchemaCheck(value=value, problem=f"The output's schema is not a valid JSON schema: {error.message}")
    if not errors:
        return SchemaCheck(value=value)
    worst = jsonschema.exceptions.best_match(errors)
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in worst.absolute_path).lstrip(".")
    where = f"at {path}" if path else "at the top level"
    return SchemaCheck(value=value, problem=f"The answer does not match the schema {where}: {worst.message}",
                       path=path)


def price(model: str, provider: ProviderSettings, input_tokens: int | None, output_tokens: int | None
          ) -> Decimal | None:
    """What a run cost, from genai-prices (imported here: with its transport it takes a quarter of a second, after
    the answer rather than at the app's start)."""
    if provider.price_provider is None or input_tokens is None or output_tokens is None:
        return None
    import genai_prices

    try:
        usage = genai_prices.Usage(input_tokens=input_tokens, output_tokens=output_tokens)
        return genai_prices.calc_price(usage, model, provider_id=provider.price_provider).total_price
    except LookupError:
        return None
    except Exception:  # a price table the package could not read is no reason to lose the answer
        log.warning("genai-prices could not price %s at %s", model, provider.price_provider, exc_info=True)
        return None


class Runner:
    """Runs prompts against the configured providers; one client per provider, kept until `reconfigure`."""

    def __init__(self, settings: ProvidersSettings | None = None, secrets: Secrets | None = None):
        self.settings = settings or ProvidersSettings()
        self.secrets = secrets
        self._clients: dict[str, Client] = {}

    async def reconfigure(self, settings: ProvidersSettings) -> None:
        """New settings (or a changed key): the clients made with the old ones are closed."""
        self.settings = settings
        await self.aclose()

    async def aclose(self) -> None:
        clients, self._clients = self._clients, {}
        for client in clients.values():
            await client.close()

    def _client(self, provider: ProviderSettings) -> Client:
        client = self._clients.get(provider.prefix)
        if client is None:
            client = self._clients[provider.prefix] = make_client(provider, self.secrets)
        return client

    async def list_models(self, prefix: str) -> list[str]:
        """"Test" in Model providers: the provider's models, sorted; a `RunError` in plain words otherwise."""
        provider = self.settings.find(prefix)
        if provider is None:
            raise UnknownProvider(f"No model provider is called {prefix!r}. Add it in Model providers.")
        try:
            client = self._client(provider)
            return sorted([model.id async for model in client.models.list()])
        except Exception as error:
            if not isinstance(error, transport_errors()):
                raise
            raise plain_error(error, provider.label) from None

    async def run(self, config: Mapping[str, Any], messages: Rendering | Sequence[Any], *, stream: bool = True
                  ) -> AsyncIterator[RunEvent]:
        """Send `messages` (rendered, system first) with `config`'s model and parameters (a snake_case configData
        dict); yield the answer's pieces, then its `RunSummary`."""
        wire_messages = message_dicts(messages)
        try:
            target = resolve(str(config.get("model") or ""), self.settings)
        except RunError as error:
            yield RunSummary(provider="", model=str(config.get("model") or ""), request={},
                             parameters=Parameters(), error=error)
            return
        parameters = plan_parameters(config, target.provider.kind, target.model)
        if target.provider.kind == "anthropic":
            events = self._run_anthropic(target, wire_messages, parameters, stream)
        else:
            events = self._run_openai(target, wire_messages, parameters, stream)
        async with contextlib.aclosing(events):  # closing this iterator closes the stream now, not at GC
            async for event in events:
                yield event

    def _summary(self, target: Target, request: dict[str, Any], parameters: Parameters) -> RunSummary:
        return RunSummary(provider=target.provider.label, model=target.model, request=request,
                          parameters=parameters, warnings=[*parameters.notes])

    def _finish(self, summary: RunSummary, target: Target, started: float) -> RunSummary:
        summary.total_time = time.perf_counter() - started
        summary.cost = price(target.model, target.provider, summary.input_tokens, summary.output_tokens)
        if summary.error is None and summary.parameters.schema is not None:
            summary.schema_check = check_schema(summary.text, summary.parameters.schema)
        return summary

    def _cut(self, summary: RunSummary, error: BaseException | None = None) -> None:
        """The stream ended early: by itself (`error` None), with its connection lost, or with an error event."""
        summary.cut_off = True
        mapped = plain_error(error, summary.provider, summary.model) if error is not None else None
        if mapped is not None and getattr(error, "status_code", None) is not None:
            summary.error = mapped  # an error event in the stream (Anthropic's overloaded_error...): its own words
            return
        summary.error = CutOff(
            f"The answer was cut off: {summary.provider} stopped sending before it was complete. Run again.",
            detail=mapped.detail if mapped is not None else "",
        )

    async def _run_openai(self, target: Target, messages: list[dict[str, Any]], parameters: Parameters,
                          stream: bool) -> AsyncIterator[RunEvent]:
        request: dict[str, Any] = {"model": target.model, "messages": messages, **parameters.sent}
        if stream:
            request |= {"stream": True, "stream_options": {"include_usage": True}}

        async def answer(client: Any, summary: RunSummary) -> None:
            completion = await client.chat.completions.create(**request)
            choice = completion.choices[0] if completion.choices else None
            summary.text = (choice.message.content or "") if choice else ""
            summary.finish_reason = choice.finish_reason if choice else None
            if completion.usage is not None:
                summary.input_tokens = completion.usage.prompt_tokens
                summary.output_tokens = completion.usage.completion_tokens

        async def pieces(client: Any, summary: RunSummary, state: _StreamState) -> AsyncIterator[str]:
            async with await client.chat.completions.create(**request) as chunks:
                state.opened = True
                async for chunk in chunks:
                    if chunk.usage is not None:
                        summary.input_tokens = chunk.usage.prompt_tokens
                        summary.output_tokens = chunk.usage.completion_tokens
                    for choice in chunk.choices[:1]:
                        if choice.finish_reason is not None:
                            summary.finish_reason = choice.finish_reason
                        text = choice.delta.content if choice.delta is not None else None
                        if text:
                            yield text
            state.complete = summary.finish_reason is not None  # the official client ends quietly without it

        async for event in self._run_with(target, request, parameters, stream, answer, pieces):
            yield event

    async def _run_anthropic(self, target: Target, messages: list[dict[str, Any]], parameters: Parameters,
                             stream: bool) -> AsyncIterator[RunEvent]:
        system, rest = anthropic_messages(messages)
        request: dict[str, Any] = {"model": target.model, "messages": rest, **parameters.sent}
        if system is not None:
            request["system"] = system
        if stream:
            request["stream"] = True

        async def answer(client: Any, summary: RunSummary) -> None:
            message = await client.messages.create(**request)
            summary.text = "".join(block.text for block in message.content if block.type == "text")
            summary.finish_reason = message.stop_reason
            summary.input_tokens = message.usage.input_tokens
            summary.output_tokens = message.usage.output_tokens

        async def pieces(client: Any, summary: RunSummary, state: _StreamState) -> AsyncIterator[str]:
            async with await client.messages.create(**request) as events:
                state.opened = True
                async for event in events:
                    if event.type == "message_start":
                        summary.input_tokens = event.message.usage.input_tokens
                        summary.output_tokens = event.message.usage.output_tokens
                    elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                        yield event.delta.text
                    elif event.type == "message_delta":
                        summary.finish_reason = event.delta.stop_reason
                        summary.output_tokens = event.usage.output_tokens
                        if event.usage.input_tokens is not None:
                            summary.input_tokens = event.usage.input_tokens
                    elif event.type == "message_stop":
                        state.complete = True

        async for event in self._run_with(target, request, parameters, stream, answer, pieces):
            yield event

    async def _run_with(
        self, target: Target, request: dict[str, Any], parameters: Parameters, stream: bool,
        answer: Callable[[Any, RunSummary], Awaitable[None]],
        pieces: Callable[[Any, RunSummary, _StreamState], AsyncIterator[str]],
    ) -> AsyncIterator[RunEvent]:
        """What every provider's run shares: the times, the pieces as they come, a stream cut short, the error in
        plain words, and the summary last. `answer` fills the summary from one whole answer; `pieces` yields the
        text of a stream and says when it opened and whether it ended as complete."""
        summary = self._summary(target, request, parameters)
        started = time.perf_counter()
        state = _StreamState()
        texts: list[str] = []
        try:
            client = self._client(target.provider)
            if not stream:
                await answer(client, summary)
                summary.time_to_first_token = time.perf_counter() - started
                if summary.text:
                    yield TextDelta(summary.text)
            else:
                # Closed with this generator (Stop): the provider's stream ends at once, not when collected.
                async with contextlib.aclosing(pieces(client, summary, state)) as streamed:
                    async for text in streamed:
                        if summary.time_to_first_token is None:
                            summary.time_to_first_token = time.perf_counter() - started
                        texts.append(text)
                        yield TextDelta(text)
                summary.text = "".join(texts)
                if not state.complete:
                    self._cut(summary)
                elif summary.input_tokens is None:
                    summary.warnings.append(f"{target.provider.label} sent no token counts")
        except Exception as error:
            if not isinstance(error, (*transport_errors(), RunError)):
                raise
            if state.opened:
                summary.text = "".join(texts)
                self._cut(summary, error)
            else:
                summary.error = plain_error(error, target.provider.label, target.model)
        yield self._finish(summary, target, started)

