"""Orkes's `${name}` substitution, as Conductor does it.

Conductor fills a prompt with `StringTemplate.fString` (conductor-oss `common/.../utils/StringTemplate.java`,
called by `LLMHelper.replacePromptVariables`):

- a placeholder is `${` up to the first `}` on the same line (`\\$\\{(.*?)\\}`, Java's `.` stops at line ends),
  and its whole inside is the name: `${ name }` looks up " name ", `${workflow.input.x}` the key
  "workflow.input.x" (no nesting);
- a name without a value (absent, or null) leaves its placeholder as it is;
- strings and numbers are written with Java's `toString`, anything else (true/false, lists, objects) as JSON;
- each placeholder found in the template is replaced everywhere in the text as it is by then, in order, so a value
  that itself contains `${other}` is filled too when `other` is found later (Conductor's own quirk, kept).

Strict mode (ours: Orkes has none) refuses a placeholder without a value, as strict Liquid does.
"""

from __future__ import annotations

import decimal
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_PLACEHOLDER = re.compile(r"\$\{([^\n\r\u0085\u2028\u2029]*?)\}")


def java_double(number: float) -> str:
    """Java's `Double.toString` (JDK 19+: the shortest digits that read back as the same double)."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "-0.0" if math.copysign(1.0, number) < 0 else "0.0"
    magnitude = abs(number)
    if 1e-3 <= magnitude < 1e7:
        text = repr(number)  # Python writes this range without an exponent, with ".0" when whole
        return text if "." in text else f"{text}.0"
    sign, digits, exponent = decimal.Decimal(repr(number)).as_tuple()
    shown = "".join(str(digit) for digit in digits).rstrip("0") or "0"
    power = exponent + len(digits) - 1
    return f"{'-' if sign else ''}{shown[0]}.{shown[1:] or '0'}E{power}"


def _jackson(value: Any) -> str:
    """JSON as Jackson writes it by default: compact, non-ASCII as is, doubles in Java's spelling."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{json.dumps(str(key), ensure_ascii=False)}:{_jackson(item)}"
                              for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_jackson(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def value_text(value: Any) -> str:
    """How Conductor writes one variable's value into the text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double(value)
    return _jackson(value)


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A `${...}` of the template that had no value: its name and where it is in the template."""

    name: str
    start: int
    end: int


def fill(template: str, variables: Mapping[str, Any]) -> tuple[str, tuple[Placeholder, ...]]:
    """The text Conductor sends, and the placeholders left unfilled (at their place in `template`)."""
    text = template
    unfilled: list[Placeholder] = []
    for match in _PLACEHOLDER.finditer(template):
        value = variables.get(match.group(1))
        if value is None:
            unfilled.append(Placeholder(match.group(1), match.start(), match.end()))
            continue
        text = text.replace(match.group(0), value_text(value))
    return text, tuple(unfilled)
