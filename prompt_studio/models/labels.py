"""The names a prompt author knows the fields by, and the order the editor shows them in.

Compare, merge and the form all speak of fields; they take their words and their order from here, so that
"Max tokens" is called the same everywhere and a new field needs a label once.
"""

from __future__ import annotations

from prompt_studio.models.config import SAMPLING_FIELDS

FIELD_LABELS: dict[str, str] = {
    "model": "Model",
    "prompt": "System prompt",
    "messages": "Messages",
    "temperature": "Temperature",
    "max_tokens": "Max tokens",
    "top_p": "Top P",
    "frequency_penalty": "Frequency penalty",
    "presence_penalty": "Presence penalty",
    "seed": "Seed",
    "top_k": "Top K",
    "min_p": "Min P",
    "repetition_penalty": "Repetition penalty",
    "reasoning": "Reasoning",
    "reasoning_effort": "Reasoning effort",
    "thinkingLevel": "Thinking level",
    "effort": "Effort",
    "verbosity": "Verbosity",
    "inputs": "Inputs",
    "outputs": "Outputs",
    "demonstrations": "Demonstrations",
    "prompting_technique": "Prompting technique",
    "response_format": "Response format",
    "parameters": "Runtime parameters",
    "description": "Description",
    "integrations": "Models",
    "stop_words": "Stop words",
}
"""By wire key of `configData` (snake_case but `thinkingLevel`), plus `parameters` and Orkes's own fields."""

WIRE_SAMPLING_FIELDS: tuple[str, ...] = tuple(
    "thinkingLevel" if name == "thinking_level" else name for name in SAMPLING_FIELDS
)
"""The sampling parameters by their wire key, in the order the form lists them."""

READING_ORDER: tuple[str, ...] = (
    "model", "prompt", "messages", *WIRE_SAMPLING_FIELDS, "inputs", "outputs", "demonstrations",
    "prompting_technique", "response_format", "parameters",
)


def field_label(key: str) -> str:
    """The label of a top-level field; an unknown key (a newer server's) reads as words."""
    return FIELD_LABELS.get(key) or key.replace("_", " ").capitalize()


def reading_position(key: str) -> int:
    """Where a top-level field stands in the editor; unknown keys come last."""
    return READING_ORDER.index(key) if key in READING_ORDER else len(READING_ORDER)


_PART_LABELS = {"identifier": "Name", "type": "Type", "json_schema": "Schema", "content": "Text", "role": "Role"}
_ITEM_LABELS = {"messages": "Message", "inputs": "Input", "outputs": "Output"}


def part_label(parts: tuple[str | int, ...]) -> str:
    """The inner part of a field in words ("Name", "Schema"); positions inside it are left out."""
    return " › ".join(_PART_LABELS.get(str(part), str(part)) for part in parts if not isinstance(part, int))


def location_label(location: tuple[str | int, ...]) -> str:
    """A validation error's `loc` as a prompt author names the place ("Input 2 › Name", "Temperature")."""
    if not location:
        return "The prompt"
    top, rest = str(location[0]), location[1:]
    if top in _ITEM_LABELS and rest and isinstance(rest[0], int):
        item = f"{_ITEM_LABELS[top]} {rest[0] + 1}"
        inner = part_label(rest[1:])
        return f"{item} › {inner}" if inner else item
    inner = part_label(rest)
    return f"{field_label(top)} › {inner}" if inner else field_label(top)
