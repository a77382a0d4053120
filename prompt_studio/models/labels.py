"""The names a prompt author knows the fields by, and the order the editor shows them in.

Compare, merge and the form all speak of fields; they take their words and their order from here, so that
"Max tokens" is called the same everywhere and a new field needs a label once.
"""

from __future__ import annotations

from collections.abc import Mapping

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


_PART_LABELS = {
    "identifier": "Name", "type": "Type", "json_schema": "Schema", "schema": "Schema", "content": "Text",
    "role": "Role", "name": "Name", "demonstrations": "Demonstrations", "columnTypes": "Columns",
}
_SKIPPED_PARTS = frozenset({"inline", "records"})
"""Wire nesting a prompt author never sees: the demonstrations' `inline.records` are simply its columns."""
_ITEM_LABELS = {"messages": "Message", "inputs": "Input", "outputs": "Output"}


def part_label(parts: tuple[str | int, ...]) -> str:
    """The inner part of a field in words ("Name", "Schema", "Column 2 › Type", "Column “question”").

    Positions inside a list are left out, but for the demonstrations' columns, which are known by number or name.
    """
    words: list[str] = []
    previous: str | int | None = None
    for part in parts:
        if previous == "columnTypes" and isinstance(part, int):
            words[-1] = f"Column {part + 1}"
        elif previous == "records" and isinstance(part, str):
            words.append(f"Column “{part}”")
        elif not isinstance(part, int) and part not in _SKIPPED_PARTS:
            words.append(_PART_LABELS.get(part, part))
        previous = part
    return " › ".join(words)


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


# -- the values of choices: types, roles, techniques ------------------------------------------------------------

INPUT_TYPE_LABELS: dict[str, str] = {
    "str": "Text",
    "float": "Number",
    "bool": "Yes/No",
    "image": "Image",
    "list": "List",
    "list[str]": "List of texts",
    "list[float]": "List of numbers",
    "list[int]": "List of whole numbers",
    "list[bool]": "List of yes/no",
    "dict": "Dict (JSON object)",
    "chat_messages": "Chat messages",
}
"""An input's `type` as a prompt author reads it; the wire name stays what is stored (`models.INPUT_TYPES`)."""

OUTPUT_TYPE_LABELS: dict[str, str] = {
    "str": "Text",
    "float": "Number",
    "bool": "Yes/No",
    "json_schema": "JSON (with a schema)",
}
"""An output's `type` in words (`models.OUTPUT_TYPES`)."""

COLUMN_TYPE_LABELS: dict[str, str] = {
    "string": "Text",
    "boolean": "Yes/No",
    "number": "Number",
    "date": "Date",
    "list": "List",
    "json": "JSON",
    "spans": "Spans",
    "rag_contexts": "RAG contexts",
    "chat_messages": "Chat messages",
    "annotations": "Annotations",
    "evaluations": "Evaluations",
    "image": "Image",
}
"""A demonstrations column's `type` in words (`models.COLUMN_TYPES`)."""

ROLE_LABELS: dict[str, str] = {"user": "User", "assistant": "Assistant", "system": "System"}
"""Who speaks in a message (`models.ROLES`)."""

TECHNIQUE_LABELS: dict[str, str] = {
    "few_shot": "Few-shot (learn from the demonstrations)",
    "in_context": "In-context examples",
    "chain_of_thought": "Chain of thought (think step by step)",
}
"""The prompting techniques (`models.PROMPTING_TECHNIQUES`)."""

RESPONSE_FORMAT_LABELS: dict[str, str] = {"json_schema": "JSON with a schema"}


def choice_label(labels: Mapping[str, str], value: object) -> str:
    """A choice in words; a value these labels do not know (a newer server's) reads as it is on the wire."""
    text = "" if value is None else str(value)
    return labels.get(text, text)


def choice_labels(location: tuple[str | int, ...]) -> Mapping[str, str] | None:
    """The words of the values a field at this `loc` chooses from, or None when it is no choice."""
    head, last = (str(location[0]), location[-1]) if location else ("", None)
    if head == "inputs" and last == "type":
        return INPUT_TYPE_LABELS
    if head == "outputs" and last == "type":
        return OUTPUT_TYPE_LABELS
    if head == "messages" and last == "role":
        return ROLE_LABELS
    if "columnTypes" in location and last == "type":
        return COLUMN_TYPE_LABELS
    if head == "prompting_technique" and location[1:] == ("type",):
        return TECHNIQUE_LABELS
    if head == "response_format" and location[1:] == ("type",):
        return RESPONSE_FORMAT_LABELS
    return None
