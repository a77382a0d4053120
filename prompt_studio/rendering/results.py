"""What a render gives back: the rendered messages, the variables that had no value (with their place), problems.

Plain frozen dataclasses: a preview builds one per keystroke, so they stay cheap; `Rendering.to_wire()` is the
JSON the `render` command prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Syntax = Literal["liquid", "orkes"]
"""A prompt's template language: Liquid (LangWatch and the local library) or Orkes's `${name}`."""


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    """One message of what the model receives, before rendering."""

    role: str
    content: str


@dataclass(frozen=True, slots=True)
class Span:
    """A place in one message's template text.

    `start`/`end` are offsets in Python characters (code points) into the template, as given; a Qt text
    document counts UTF-16 units, so a caller converts where the text has characters beyond U+FFFF.
    `line` and `column` start at 1; lines are counted by `\\n`.
    """

    start: int
    end: int
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class MissingVariable:
    """A variable this render used without a value: strict mode refuses it, lenient mode renders it empty
    (Liquid) or leaves it as written (Orkes)."""

    name: str
    """As written at its place: `order_id`, `user.name`, `items[3]` (Liquid) or the text inside `${...}`."""
    root: str
    """The variable the inputs would have to give: `user` for `user.name` (python-liquid's own name for it)."""
    message: int
    """Index in what the model receives (0 is the system prompt when it comes first)."""
    role: str
    span: Span | None
    """None for the few names python-liquid creates without a place (`forloop.parentloop` outside a nested loop)."""
    reason: str
    """python-liquid's own words (`user.name is undefined`), or Orkes's rule for `${...}`."""
    syntax: Syntax = "liquid"

    @property
    def marker(self) -> str:
        return f"${{{self.name}}}" if self.syntax == "orkes" else f"{{{{ {self.name} }}}}"

    @property
    def description(self) -> str:
        """Plain words for the preview: `{{ order_id }} has no value`."""
        return f"{self.marker} has no value"


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """A template that cannot render at all: a syntax error, an unknown filter, a filter given a bad value."""

    reason: str
    """python-liquid's message, without its source excerpt."""
    message: int
    role: str
    span: Span | None
    """None when python-liquid names no place (a block left open at the end of the text)."""


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    role: str
    content: str
    images: tuple[str, ...] = ()
    """The image inputs this message reads (their URLs, a chosen file as a `data:` URL), sent beside its text."""


@dataclass(frozen=True, slots=True)
class Rendering:
    """What the model receives, rendered; with what had no value and what could not render (a preview only:
    `render_messages` raises instead)."""

    messages: tuple[RenderedMessage, ...]
    missing: tuple[MissingVariable, ...] = ()
    problems: tuple[TemplateProblem, ...] = ()

    @property
    def strict_ok(self) -> bool:
        """Whether strict mode would render this too."""
        return not self.missing and not self.problems

    def to_wire(self) -> dict[str, list[dict[str, str]]]:
        """`{"messages": [{"role": ..., "content": ...}, ...]}`, the shape OpenAI-style APIs take."""
        return {"messages": [{"role": message.role, "content": message.content} for message in self.messages]}


def where(message: int, role: str, span: Span | None, *, system_first: bool = True) -> str:
    """`the system prompt, line 3` or `message 2 (user), line 1`: messages counted as the prompt counts them."""
    if message == 0 and role == "system" and system_first:
        place = "the system prompt"
    else:
        place = f"message {message if system_first else message + 1} ({role})"
    return f"{place}, line {span.line}" if span is not None else place


class RenderError(Exception):
    """The prompt cannot be rendered in this mode. `str()` is a sentence for the user."""

    def __init__(self, text: str, *, message: int, role: str, span: Span | None, reason: str):
        super().__init__(text)
        self.message = message
        self.role = role
        self.span = span
        self.reason = reason


class MissingVariableError(RenderError):
    """Strict mode met a variable without a value (`compile_strict`'s failure)."""

    def __init__(self, variable: MissingVariable, *, system_first: bool = True):
        place = where(variable.message, variable.role, variable.span, system_first=system_first)
        super().__init__(
            f"{variable.description} ({place})",
            message=variable.message, role=variable.role, span=variable.span, reason=variable.reason,
        )
        self.variable = variable


class TemplateError(RenderError):
    """The template itself is wrong (`compile` and `compile_strict` both fail)."""

    def __init__(self, problem: TemplateProblem, *, system_first: bool = True):
        super().__init__(
            f"{problem.reason} ({where(problem.message, problem.role, problem.span, system_first=system_first)})",
            message=problem.message, role=problem.role, span=problem.span, reason=problem.reason,
        )
        self.problem = problem
