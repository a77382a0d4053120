"""How a validation error reads: for people in the app, and for programs on the wire.

Every place that turns a pydantic `ValidationError` into text comes here. The app speaks plain words next to
the field ("Temperature must be at most 2"); the server's 422 answers and the client's "malformed answer" keep
the dotted path and pydantic's own words, which is what a developer reading an SDK error needs.

The other words a form says about what the author wrote live here too: JSON that does not read (`json_problem`),
a JSON schema that is not one (`schema_problem`), and what clearing a parameter does on LangWatch
(`cleared_parameter_note`). None of pydantic's, json's or jsonschema's own sentences reaches a prompt author.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

if TYPE_CHECKING:
    import jsonschema

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
    "int_parsing_size": "is a number too long to use",
    "finite_number": "needs an ordinary number, such as 0.2",
    "string_too_long": "is too long",
    "too_long": "has too many entries",
}
_UNKNOWN_KIND = "is not a value this field can have"
"""For a kind of error not listed above: pydantic's own sentence would speak of "Input should be"."""


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
        return f"must be one of {_one_of(_choices(context))}"
    return _UNKNOWN_KIND


def _choices(context: dict[str, Any]) -> tuple[str, ...]:
    """The values a `literal_error` allows (pydantic gives them as "'a', 'b' or 'c'")."""
    return tuple(re.findall(r"'([^']*)'", str(context.get("expected", ""))))


def _one_of(words: list[str] | tuple[str, ...]) -> str:
    """"a, b or c"."""
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}" if words else ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field: where (pydantic's `loc`) and what, in plain words."""

    location: Location
    kind: str
    words: str
    """A predicate ("must be at most 2") for the common kinds, or a sentence of our own validators."""
    choices: tuple[str, ...] = ()
    """The values a choice allows, as on the wire (a `literal_error`: "str", "float"...); empty otherwise."""

    @property
    def is_sentence(self) -> bool:
        return self.kind == "value_error"

    def about(self, subject: str, labels: Mapping[str, str] | None = None) -> str:
        """The problem as one sentence about `subject` ("Temperature must be at most 2").

        `labels` name the values of a choice as the form shows them ("Text" for `str`): "Type must be one of
        Text, Number..." instead of the wire names.
        """
        words = self._words(labels)
        if self.is_sentence:
            return f"{subject}: {words}" if subject else words
        return f"{subject} {words}" if subject else words[:1].upper() + words[1:]

    def near(self, subject: str, labels: Mapping[str, str] | None = None) -> str:
        """The problem shown next to its field: our own validators' sentences stand alone, the rest name it."""
        return self.words if self.is_sentence else self.about(subject, labels)

    def _words(self, labels: Mapping[str, str] | None) -> str:
        if labels is None or not self.choices:
            return self.words
        return f"must be one of {_one_of([labels.get(choice, choice) for choice in self.choices])}"


def problems_of(error: ValidationError) -> list[Problem]:
    """Every problem pydantic found, in plain words."""
    problems = []
    for found in error.errors(include_url=False):
        kind = found["type"]
        location = tuple(found["loc"])
        message = str(found["msg"])
        context = found.get("ctx") or {}
        if kind == "value_error":
            text = message.removeprefix("Value error, ")
            if location[-1:] == ("json_schema",) and isinstance(found.get("input"), dict):
                # The model's check says what jsonschema says; this says it in words.
                text = schema_problem(found["input"]) or text
            words = text[:1].upper() + text[1:]
        else:
            words = _phrase(kind, context, message)
        choices = _choices(context) if kind == "literal_error" else ()
        problems.append(Problem(location, kind, words, choices))
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


# -- JSON that does not read ------------------------------------------------------------------------------------

_JSON_WORDS: tuple[tuple[str, str], ...] = (
    ("Expecting property name enclosed in double quotes",
     'a name in double quotes, such as "answer", should come here (single quotes, or a comma before }, '
     "are not JSON)"),
    ("Expecting ':' delimiter", "a colon (:) should follow the name"),
    ("Expecting ',' delimiter", "a comma is missing between two entries"),
    ("Expecting value", "a value should come here: text in double quotes, a number, true, false, null, a [list] "
                        "or an {object} (a comma too many also leads here)"),
    ("Unterminated string", "a text in double quotes is not closed"),
    ("Invalid control character", r"a line break or a tab inside double quotes must be written as \n or \t"),
    ("Invalid \\u", r"\u must be followed by four hexadecimal digits, such as \u00e9"),
    ("Invalid \\escape", r"a backslash inside double quotes starts an escape such as \n or \"; write \\ for a "
                         "backslash itself"),
    ("Extra data", "more text follows the end of the JSON"),
    ("Illegal trailing comma", "a comma too many before the closing bracket"),
)
_JSON_ENDS_EARLY = "the text ends before every { and [ is closed"


def json_problem(error: json.JSONDecodeError, *, lines: bool = True) -> str:
    """JSON that does not read, in plain words with its place: "Not valid JSON at line 2, column 5: a comma is
    missing between two entries." `lines=False` leaves the line out, for a one-line value in a table cell."""
    ends_early = error.pos >= len(error.doc.rstrip()) and error.msg.startswith("Expecting")
    if not error.doc.strip():
        words = "there is nothing written yet"
    elif ends_early:
        words = _JSON_ENDS_EARLY
    else:
        words = next((plain for start, plain in _JSON_WORDS if error.msg.startswith(start)),
                     "it is not written the way JSON is")
    place = f"line {error.lineno}, column {error.colno}" if lines else f"column {error.colno}"
    return f"Not valid JSON at {place}: {words}."


# -- a JSON schema that is not one ------------------------------------------------------------------------------

_JSON_TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")
_JSON_TYPE_WORDS = {
    "array": "a list in square brackets [ ]", "object": "an object in braces { }", "string": "text in double quotes",
    "boolean": "a yes/no value (true or false)", "number": "a number", "integer": "a whole number", "null": "null",
}
_NAMED_CHILDREN = {"properties": "property", "patternProperties": "pattern property", "$defs": "definition",
                   "definitions": "definition", "dependentSchemas": "dependent schema"}
_NUMBERED_CHILDREN = {"anyOf": "choice", "oneOf": "choice", "allOf": "part", "prefixItems": "item"}


def _shown(value: Any) -> str:
    """A value as the author wrote it in the schema, cut short when it is long."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:39] + "…"


def _schema_place(path: list[Any]) -> tuple[str, str]:
    """(the keyword that is wrong, where it is) for a path into a schema: ("type", "property “reply”")."""
    words: list[str] = []
    position = 0
    while position < len(path):
        part = path[position]
        following = path[position + 1] if position + 1 < len(path) else None
        if part in _NAMED_CHILDREN and following is not None:
            words.append(f"{_NAMED_CHILDREN[part]} “{following}”")
            position += 2
            continue
        if part in _NUMBERED_CHILDREN and isinstance(following, int):
            words.append(f"{_NUMBERED_CHILDREN[part]} {following + 1} of “{part}”")
            position += 2
            continue
        rest = path[position + 1 :]
        if all(isinstance(entry, int) for entry in rest):  # the keyword itself, or an entry of its list
            if rest:
                words.append(f"entry {rest[0] + 1} of “{part}”")
                break
            return str(part), _inside(words)
        words.append("the items" if part == "items" else f"“{part}”")
        position += 1
    return "", _inside(words)


def _inside(words: list[str]) -> str:
    """The innermost place first: "the items of property “tags”"."""
    return " of ".join(reversed(words))


def _schema_issue(error: jsonschema.SchemaError, keyword: str) -> str:
    validator, expected, found = error.validator, error.validator_value, _shown(error.instance)
    if validator == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        return f"needs {_one_of([_JSON_TYPE_WORDS.get(kind, kind) for kind in kinds])}, not {found}"
    if validator in ("anyOf", "oneOf") and keyword == "type":
        return f"must be one of {_one_of(_JSON_TYPES)} (or a list of them), not {found}"
    if validator == "enum":
        return f"must be one of {_one_of([_shown(value) for value in expected])}, not {found}"
    if validator == "minimum":
        return f"must be at least {expected}, not {found}"
    if validator == "exclusiveMinimum":
        return f"must be more than {expected}, not {found}"
    if validator == "uniqueItems":
        return "lists the same entry twice"
    if validator == "minItems":
        return f"needs at least {expected} {'entry' if expected == 1 else 'entries'}"
    if validator == "format" and expected == "regex":
        return f"is not a pattern (a regular expression) that can be read: {found}"
    if validator == "format":
        return f"is not a valid {expected}: {found}"
    return f"has a value a JSON schema does not allow here: {found}"


def schema_problem(schema: dict[str, Any]) -> str | None:
    """What makes `schema` no JSON schema, in plain words ("Not a valid JSON schema: “type” of property “reply”
    must be one of string, ..., not 5."), or None when jsonschema accepts it."""
    import jsonschema  # here, as in models.config: most starts need no schema checked

    validator = jsonschema.validators.validator_for(schema)
    try:
        validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        keyword, place = _schema_place(list(error.absolute_path))
        if keyword and place:
            subject = f"“{keyword}” of {place}"
        elif keyword:
            subject = f"“{keyword}”"
        else:
            subject = place or "the schema"
        return f"Not a valid JSON schema: {subject} {_schema_issue(error, keyword)}."
    return None


# -- what clearing a parameter does -----------------------------------------------------------------------------


def cleared_parameter_note(previous: Any) -> str:
    """Said at a sampling parameter the author emptied: LangWatch's sync carries a field that is left out over from
    the version before, so an empty field cannot take a value away."""
    shown = f"{previous:g}" if isinstance(previous, float) else str(previous)
    return (f"LangWatch keeps the old value ({shown}) when this is left empty: set it to the value you want "
            "instead.")
