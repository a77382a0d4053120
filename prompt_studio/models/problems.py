"""How a validation error reads: for people in the app, and for programs on the wire.

Every place that turns a pydantic `ValidationError` into text comes here. The app speaks plain words next to
the field ("Temperature must be at most 2"); the server's 422 answers and the client's "malformed answer" keep
the dotted path and pydantic's own words, which is what a developer reading an SDK error needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

Location = tuple[str | int, ...]

_PHRASES: dict[str, str] = {
    "missing": "is missing",
    "float_parsing": "needs a number, such as 0.2",
    "float_type": "needs a number, such as 0.2",
    "int_parsing": "needs a whole number, such as 3",
    "int_type": "needs a whole number, such as 3",
    "int_from_float": "needs a whole number, such as 3",
    "bool_parsing": "needs yes or no",
    "bool_type": "needs yes or no",
    "string_type": "needs text",
    "string_too_short": "cannot be empty",
    "string_pattern_mismatch": "cannot be empty or only spaces",
    "list_type": "needs a list",
    "dict_type": "needs a set of named values",
    "model_type": "needs a set of named values",
    "model_attributes_type": "needs a set of named values",
    "json_invalid": "is not valid JSON",
    "extra_forbidden": "is not a field this prompt can have",
}


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _phrase(kind: str, context: dict[str, Any], message: str) -> str:
    if kind in _PHRASES:
        return _PHRASES[kind]
    bounds = {
        "greater_than_equal": ("ge", "must be at least {}"),
        "less_than_equal": ("le", "must be at most {}"),
        "greater_than": ("gt", "must be more than {}"),
        "less_than": ("lt", "must be less than {}"),
    }
    if kind in bounds:
        key, words = bounds[kind]
        return words.format(_number(context.get(key)))
    if kind == "too_short":
        least = context.get("min_length", 1)
        return "must have at least one" if least == 1 else f"must have at least {least}"
    if kind == "literal_error":
        return f"must be one of {context.get('expected', '')}".replace("'", "")
    return message[:1].lower() + message[1:]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field: where (pydantic's `loc`) and what, in plain words."""

    location: Location
    kind: str
    words: str
    """A predicate ("must be at most 2") for the common kinds, or a sentence of our own validators."""

    @property
    def is_sentence(self) -> bool:
        return self.kind == "value_error"

    def about(self, subject: str) -> str:
        """The problem as one sentence about `subject` ("Temperature must be at most 2")."""
        if self.is_sentence:
            return f"{subject}: {self.words}" if subject else self.words
        return f"{subject} {self.words}" if subject else self.words[:1].upper() + self.words[1:]

    def near(self, subject: str) -> str:
        """The problem shown next to its field: our own validators' sentences stand alone, the rest name it."""
        return self.words if self.is_sentence else self.about(subject)


def problems_of(error: ValidationError) -> list[Problem]:
    """Every problem pydantic found, in plain words."""
    problems = []
    for found in error.errors(include_url=False, include_input=False):
        kind = found["type"]
        message = str(found["msg"])
        if kind == "value_error":
            text = message.removeprefix("Value error, ")
            words = text[:1].upper() + text[1:]
        else:
            words = _phrase(kind, found.get("ctx") or {}, message)
        problems.append(Problem(tuple(found["loc"]), kind, words))
    return problems


def first_problem(error: ValidationError) -> Problem:
    return problems_of(error)[0]


def dotted_path(location: Location, prefix: str = "") -> str:
    """`configData.messages[0].content`: a field's place as developers write it."""
    path = prefix
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def wire_summary(error: ValidationError, prefix: str = "", *, empty: str = "body", limit: int | None = None) -> str:
    """Every problem as `path: pydantic's words`, joined by "; " (a 422 message, a malformed answer).

    `limit` keeps a message about a huge document short: the rest is counted, not listed.
    """
    found = error.errors(include_url=False, include_input=False)
    shown = found if limit is None else found[:limit]
    text = "; ".join(f"{dotted_path(tuple(item['loc']), prefix) or empty}: {item['msg']}" for item in shown)
    hidden = len(found) - len(shown)
    return f"{text} (and {hidden} more)" if hidden else text
