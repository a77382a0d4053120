"""Field-by-field comparison of two prompt contents, in words a prompt author reads (no JSON paths)."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Any

from prompt_studio.models.labels import READING_ORDER, field_label


@dataclass(frozen=True)
class FieldDifference:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class WordChange:
    """A run of words: `kind` is "same", "removed" or "added"."""

    kind: str
    text: str


def _render(key: str, value: Any) -> str:
    if value is None:
        return "(not set)"
    if key in ("inputs", "outputs"):
        lines = []
        for item in value:
            line = f"{item.get('identifier')}: {item.get('type')}"
            if item.get("json_schema") is not None:
                line += "\n" + json.dumps(item["json_schema"], indent=2, sort_keys=True)
            lines.append(line)
        return "\n".join(lines) or "(none)"
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def compare_contents(old: dict[str, Any], new: dict[str, Any]) -> list[FieldDifference]:
    """The fields that differ between two snake_case configs (with `parameters`), in reading order."""
    differences: list[FieldDifference] = []
    seen: set[str] = set()
    for key in [*READING_ORDER, *sorted(set(old) | set(new))]:
        if key in seen:
            continue
        seen.add(key)
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "messages":
            differences.extend(_message_differences(before or [], after or []))
            continue
        differences.append(FieldDifference(field_label(key), _render(key, before), _render(key, after)))
    return differences


def unchanged_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Labels of the fields both contents hold with the same value, for the one collapsed "unchanged" line."""
    return [field_label(key) for key in READING_ORDER
            if key in old and key in new and old[key] == new[key]]


def _message_differences(old: list[dict], new: list[dict]) -> list[FieldDifference]:
    differences = []
    for position in range(max(len(old), len(new))):
        before = old[position] if position < len(old) else None
        after = new[position] if position < len(new) else None
        if before == after:
            continue
        role = (after or before or {}).get("role", "message")
        differences.append(FieldDifference(
            f"Message {position + 1} ({role})",
            "(no message)" if before is None else f"[{before.get('role')}] {before.get('content', '')}",
            "(no message)" if after is None else f"[{after.get('role')}] {after.get('content', '')}",
        ))
    return differences


_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def word_changes(old: str, new: str) -> list[WordChange]:
    """The two texts as runs of same, removed and added words, for highlighting what changed."""
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    runs: list[WordChange] = []
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            runs.append(WordChange("same", "".join(old_words[a_start:a_end])))
            continue
        if a_end > a_start:
            runs.append(WordChange("removed", "".join(old_words[a_start:a_end])))
        if b_end > b_start:
            runs.append(WordChange("added", "".join(new_words[b_start:b_end])))
    return runs
