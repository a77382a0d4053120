"""How sync decides that two `configData`s are the same, and the `differences` lines it reports.

Both sides are compared after normalising them the way the LangWatch server does: through the schema (so a
missing `messages` equals `[]`), without `response_format` (it is derived from the outputs, and older clients
send it while the server never stores it apart), without unset or null values, and regardless of key order.
The `differences` strings are the server's, character for character, numbers rendered as JavaScript would.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from prompt_studio.models import ConfigData

_DERIVED_FIELDS = ("response_format",)
_LISTED_FIELDS = (("messages", "messages differ"), ("inputs", "inputs differ"), ("outputs", "outputs differ"))
_NUMERIC_FIELDS = ("temperature", "max_tokens")


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    return value


def comparable(config: ConfigData) -> dict[str, Any]:
    """The normalised form two configs are compared in (unknown keys included, so no change goes unseen)."""
    dumped = config.model_dump(mode="json", by_alias=True, exclude_none=True)
    for field in _DERIVED_FIELDS:
        dumped.pop(field, None)
    return _without_none(dumped)


def parameters_equal(first: dict[str, Any] | None, second: dict[str, Any] | None) -> bool:
    """Runtime parameters compared as LangWatch does: absent, null and `{}` are all the same empty set."""
    return (first or {}) == (second or {})


def js_number(value: float | int) -> str:
    """`String(value)` in JavaScript: 0.7 stays 0.7, 1.0 is 1, 0.000001 stays fixed, 1e-7 is 1e-7."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    shortest = Decimal(repr(value))
    if 1e-6 <= abs(value) < 1e21:
        text = format(shortest, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa, exponent = f"{shortest:e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    sign = "+" if int(exponent) >= 0 else "-"
    return f"{mantissa}e{sign}{abs(int(exponent))}"


def js_value(value: Any) -> str:
    """A value inside a JavaScript template string: a missing one reads `undefined`."""
    if value is None:
        return "undefined"
    if isinstance(value, int | float):
        return js_number(value)
    return str(value)


def differences(local: ConfigData, remote: ConfigData) -> list[str]:
    """What differs, local -> remote, in the server's words; other fields differ silently."""
    ours, theirs = comparable(local), comparable(remote)
    found: list[str] = []
    if ours.get("model") != theirs.get("model"):
        found.append(f"model: {js_value(ours.get('model'))} → {js_value(theirs.get('model'))}")
    if ours.get("prompt") != theirs.get("prompt"):
        found.append("prompt content differs")
    for field, line in _LISTED_FIELDS:
        if ours.get(field) != theirs.get(field):
            found.append(line)
    for field in _NUMERIC_FIELDS:
        if ours.get(field) != theirs.get(field):
            found.append(f"{field}: {js_value(ours.get(field))} → {js_value(theirs.get(field))}")
    return found
