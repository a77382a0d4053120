"""What the model receives: the system prompt first, then every message, each rendered.

LangWatch answers a prompt with `messages` that begin with `{"role": "system", "content": <prompt>}` (also when the
system prompt is empty), and the official SDK's `compile` renders those messages as they are: its
`compiled.messages` is what an SDK user sends. `templates_of_prompt` takes them the same way, and
`templates_of_config` builds the same list from a draft's `prompt` and `messages`. An Orkes template is one text,
sent as the system message (Conductor's `instructions`).

`render_messages` is `Prompt.compile` / `compile_strict`: it raises at the first problem. `preview_messages` never
raises: it renders what it can, leniently, and reports what strict mode would refuse, each at its place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from prompt_studio.models.config import ConfigData, Message
from prompt_studio.models.prompt import Prompt
from prompt_studio.models.variables import variables_read
from prompt_studio.rendering import liquid_engine, orkes_engine
from prompt_studio.rendering.results import (
    MessageTemplate,
    MissingVariable,
    MissingVariableError,
    RenderedMessage,
    Rendering,
    Span,
    Syntax,
    TemplateError,
    TemplateProblem,
)

_WORD = r"\w(?:[\w-]*\w)?\??"  # a trailing `-` is whitespace control (`{{x-}}`), not part of the name
_PATH = re.compile(rf"{_WORD}(?:\s*\.\s*{_WORD}|\s*\[[^\[\]\n]*\])*")
"""A variable as Liquid writes it, from its first word: `user.name`, `items[0]`, `a["b c"].d`."""
_QUOTED_NAME = re.compile(r"'(.*)' is undefined")


def what_the_model_receives(
    system_prompt: str, messages: Iterable[Message | Mapping[str, Any]]
) -> tuple[MessageTemplate, ...]:
    """The system prompt (even when empty, as LangWatch sends it) and then the messages, as templates."""
    templates = [MessageTemplate("system", system_prompt or "")]
    for message in messages:
        if isinstance(message, Mapping):
            templates.append(MessageTemplate(str(message.get("role", "user")), str(message.get("content") or "")))
        else:
            templates.append(MessageTemplate(message.role, message.content))
    return tuple(templates)


def templates_of_config(
    config: ConfigData | Mapping[str, Any], syntax: Syntax = "liquid"
) -> tuple[MessageTemplate, ...]:
    """What a draft (or any `configData`) sends: its `prompt` as the system message, then its `messages`."""
    if isinstance(config, ConfigData):
        prompt, messages = config.prompt, config.messages
    else:
        prompt, messages = str(config.get("prompt") or ""), config.get("messages") or []
    if syntax == "orkes":
        return (MessageTemplate("system", prompt or ""),)
    return what_the_model_receives(prompt, messages)


def templates_of_prompt(prompt: Prompt, syntax: Syntax = "liquid") -> tuple[MessageTemplate, ...]:
    """What a prompt as the server answered it sends: its `messages` as they came (LangWatch puts the system
    prompt first), exactly what the SDK's `compile` renders; for Orkes, the template as the system message."""
    if syntax == "orkes":
        return (MessageTemplate("system", prompt.prompt or ""),)
    return tuple(MessageTemplate(message.role, message.content) for message in prompt.messages)


def _system_first(templates: Sequence[MessageTemplate]) -> bool:
    return bool(templates) and templates[0].role == "system"


def _spans(source: str, ranges: Sequence[tuple[int, int]]) -> dict[int, Span]:
    """Line and column of each (start, end), counting newlines once through the text however many there are."""
    spans: dict[int, Span] = {}
    line, line_start, counted_to = 1, 0, 0
    for start, end in sorted(set(ranges)):
        line += source.count("\n", counted_to, start)
        newline = source.rfind("\n", counted_to, start)
        if newline != -1:
            line_start = newline + 1
        counted_to = start
        spans[start] = Span(start, end, line, start - line_start + 1)
    return spans


def _path_end(source: str, start: int) -> int:
    match = _PATH.match(source, start)
    return match.end() if match else start


def _liquid_missing(
    noted: Iterable[liquid_engine.Noted], source: str, index: int, role: str
) -> list[MissingVariable]:
    noted = list(noted)
    ends = {item.offset: _path_end(source, item.offset) for item in noted if item.offset is not None}
    spans = _spans(source, list(ends.items()))
    missing = []
    for item in noted:
        span = spans.get(item.offset) if item.offset is not None else None
        written = source[span.start:span.end] if span is not None and span.end > span.start else item.name
        missing.append(MissingVariable(
            name=written, root=item.name, message=index, role=role, span=span, reason=item.reason,
        ))
    return missing


def _liquid_problem(failure: liquid_engine.LiquidFailure, source: str, index: int, role: str) -> TemplateProblem:
    span = None
    if failure.offset is not None:
        span = _spans(source, [(failure.offset, failure.offset)])[failure.offset]
    return TemplateProblem(failure.reason, index, role, span)


def _strict_missing(failure: liquid_engine.LiquidFailure, source: str, index: int, role: str) -> MissingVariable:
    root = failure.name
    if root is None:
        quoted = _QUOTED_NAME.fullmatch(failure.reason)
        root = quoted.group(1) if quoted else failure.reason
    noted = liquid_engine.Noted(root, failure.offset, failure.reason)
    return _liquid_missing([noted], source, index, role)[0]


def _orkes_missing(unfilled: Iterable[orkes_engine.Placeholder], source: str, index: int,
                   role: str) -> list[MissingVariable]:
    unfilled = list(unfilled)
    spans = _spans(source, [(item.start, item.end) for item in unfilled])
    return [
        MissingVariable(name=item.name, root=item.name, message=index, role=role, span=spans[item.start],
                        reason=f"no value for ${{{item.name}}}; Orkes leaves it as written", syntax="orkes")
        for item in unfilled
    ]


def render_messages(
    templates: Sequence[MessageTemplate],
    variables: Mapping[str, Any],
    *,
    strict: bool = False,
    syntax: Syntax = "liquid",
    also: Iterable[str] = (),
) -> Rendering:
    """What the model receives, rendered as `Prompt.compile` (or `compile_strict` when `strict`) renders it.

    Raises `MissingVariableError` (strict only) or `TemplateError` at the first problem, as the SDK raises its
    `PromptCompilationError`. `also` are further texts the SDK renders first and whose failure fails the whole
    (the answer's `prompt`, when it is not the first message already).
    """
    system_first = _system_first(templates)
    if syntax == "liquid":
        for text in also:
            try:
                liquid_engine.render(liquid_engine.parse(text), variables, strict=strict)
            except liquid_engine.LiquidFailure as failure:
                if failure.undefined:
                    raise MissingVariableError(_strict_missing(failure, text, 0, "system"),
                                               system_first=system_first) from None
                raise TemplateError(_liquid_problem(failure, text, 0, "system"), system_first=system_first) from None
    rendered = []
    for index, template in enumerate(templates):
        if syntax == "orkes":
            text, unfilled = orkes_engine.fill(template.content, variables)
            if strict and unfilled:
                missing = _orkes_missing(unfilled[:1], template.content, index, template.role)[0]
                raise MissingVariableError(missing, system_first=system_first)
        else:
            try:
                text = liquid_engine.render(liquid_engine.parse(template.content), variables, strict=strict)
            except liquid_engine.LiquidFailure as failure:
                if failure.undefined:
                    missing = _strict_missing(failure, template.content, index, template.role)
                    raise MissingVariableError(missing, system_first=system_first) from None
                problem = _liquid_problem(failure, template.content, index, template.role)
                raise TemplateError(problem, system_first=system_first) from None
        rendered.append(RenderedMessage(template.role, text))
    return Rendering(tuple(rendered))


def preview_messages(
    templates: Sequence[MessageTemplate], variables: Mapping[str, Any], *, syntax: Syntax = "liquid"
) -> Rendering:
    """What the model receives, rendered leniently, with every variable strict mode would refuse (at its place)
    and every text that cannot render; never raises. A text that cannot render shows as empty."""
    rendered: list[RenderedMessage] = []
    missing: list[MissingVariable] = []
    problems: list[TemplateProblem] = []
    for index, template in enumerate(templates):
        if syntax == "orkes":
            text, unfilled = orkes_engine.fill(template.content, variables)
            missing.extend(_orkes_missing(unfilled, template.content, index, template.role))
        else:
            result = liquid_engine.preview(liquid_engine.parse(template.content), variables)
            text = result.text
            missing.extend(_liquid_missing(result.noted, template.content, index, template.role))
            if result.failure is not None:
                if result.failure.undefined:  # only if a custom filter raised it; strict mode would fail here
                    missing.append(_strict_missing(result.failure, template.content, index, template.role))
                else:
                    problems.append(_liquid_problem(result.failure, template.content, index, template.role))
        rendered.append(RenderedMessage(template.role, text))
    missing.sort(key=lambda item: (item.message, item.span.start if item.span else -1))
    return Rendering(tuple(rendered), tuple(missing), tuple(problems))


def image_marker(name: str) -> str:
    """What an image input's variable reads in the text: its name, never the image's URL or data (a file's
    base64 would fill the text with tokens); the image itself travels as an image part of the message."""
    return f"[image {name}]"


def with_images(rendering: Rendering, templates: Sequence[MessageTemplate], images: Mapping[str, str],
                syntax: Syntax = "liquid") -> Rendering:
    """Each message whose template reads an image input carries that image, for the providers to send."""
    if not images:
        return rendering
    messages = []
    for message, template in zip(rendering.messages, templates, strict=True):
        read = [name for name in variables_read([template.content], syntax) if images.get(name)]
        messages.append(replace(message, images=tuple(images[name] for name in read)) if read else message)
    return replace(rendering, messages=tuple(messages))


def _also_of(prompt: Prompt) -> tuple[str, ...]:
    first = prompt.messages[0].content if prompt.messages else None
    return (prompt.prompt,) if prompt.prompt and prompt.prompt != first else ()


def render_prompt(
    prompt: Prompt, variables: Mapping[str, Any], *, strict: bool = False, syntax: Syntax = "liquid"
) -> Rendering:
    """`Prompt.compile(variables)` (or `compile_strict`) of this prompt as the server answered it."""
    also = _also_of(prompt) if syntax == "liquid" else ()
    return render_messages(templates_of_prompt(prompt, syntax), variables, strict=strict, syntax=syntax, also=also)


def preview_prompt(prompt: Prompt, variables: Mapping[str, Any], *, syntax: Syntax = "liquid") -> Rendering:
    return preview_messages(templates_of_prompt(prompt, syntax), variables, syntax=syntax)
