"""Three-way merge of a prompt's `configData` (snake_case, as `ConfigData.to_wire()` gives it) by field.

People who are not developers merge here, so the unit of a decision is a field they recognise: the model,
the temperature, one message, one input. Only long texts are merged by line, and lists merge item by item
(inputs and outputs by identifier, messages by an alignment on role and content), so that one side
inserting a message does not make every later message look changed.

The result is immutable: `resolve` returns a new result with one more conflict settled. Paths name
fields: dict keys, the identifier of an input, output or demonstration column, or for messages and
demonstration rows their position in the merged list as first proposed (a resolution that drops an item
does not renumber the other paths).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from prompt_studio.merge.diff import Change, line_changes
from prompt_studio.merge.text import TextMergeResult, merge_text


class _NotSet:
    """A key absent from a dict or an item absent from a list: a value of its own, distinct from None."""

    _instance: _NotSet | None = None

    def __new__(cls) -> _NotSet:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_SET"

    def __deepcopy__(self, memo: dict[int, Any]) -> _NotSet:
        return self


NOT_SET: Any = _NotSet()

PathPart = str | int
Path = tuple[PathPart, ...]
Side = Literal["ours", "theirs"]
ChangeSource = Literal["ours", "theirs", "both"]
ConflictKind = Literal["value", "text", "presence", "insertion"]
Choice = Literal["ours", "theirs", "both"] | tuple[Literal["value"], Any]

_TEXT_FIELDS = {("prompt",)}
_KEYED_LISTS = {"inputs": "identifier", "outputs": "identifier", "columnTypes": "name"}
_NEVER_EMPTY_LISTS = {("outputs",)}


@dataclass(frozen=True)
class FieldChange:
    """A field that merged without a question, and whose edit it carries."""

    path: Path
    source: ChangeSource
    action: Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class FieldConflict:
    """A field both sides changed differently; `merged` holds the `placeholder` choice until resolved.

    kind "value": two different values; "text": a long text whose line merge conflicts (`text` holds it);
    "presence": removed on one side, changed on the other; "insertion": both sides inserted different list
    items at the same place (ours, theirs and base are then lists of items).
    """

    path: Path
    kind: ConflictKind
    base: Any
    ours: Any
    theirs: Any
    placeholder: Choice
    choices: tuple[str, ...]
    text: TextMergeResult | None = None


@dataclass(frozen=True)
class Resolution:
    conflict: FieldConflict
    choice: Choice


@dataclass(frozen=True)
class _Value:
    value: Any


@dataclass(frozen=True)
class _Open:
    conflict: FieldConflict


@dataclass(frozen=True)
class _Object:
    entries: tuple[tuple[str, _Node], ...]


@dataclass(frozen=True)
class _Items:
    slots: tuple[tuple[PathPart, _Node], ...]


_Node = _Value | _Open | _Object | _Items


@dataclass(frozen=True)
class ConfigMergeResult:
    """The merged `configData` and what happened to each field on the way."""

    merged: dict[str, Any]
    conflicts: list[FieldConflict]
    """The conflicts still open, in the order of the fields."""
    changes: list[FieldChange]
    """What merged automatically, for "N changes merged automatically" and the field list."""
    resolutions: list[Resolution] = field(default_factory=list)
    _tree: _Object = field(default=_Object(()), repr=False, compare=False)
    _all_conflicts: tuple[FieldConflict, ...] = field(default=(), repr=False, compare=False)

    @property
    def clean(self) -> bool:
        return not self.conflicts

    def conflict_at(self, path: Path) -> FieldConflict:
        """The conflict at `path`, open or already resolved."""
        for conflict in self._all_conflicts:
            if conflict.path == path:
                return conflict
        raise KeyError(f"no conflict at {path!r}")

    def value_at(self, path: Path) -> Any:
        """The merged value at `path` as it stands (NOT_SET if absent); paths follow the conflicts' paths."""
        choices = {resolution.conflict.path: resolution.choice for resolution in self.resolutions}
        node: _Node = self._tree
        for position, part in enumerate(path):
            if isinstance(node, _Object):
                node = dict(node.entries).get(part, _Value(NOT_SET))
            elif isinstance(node, _Items):
                node = dict(node.slots).get(part, _Value(NOT_SET))
            else:
                return _dig(_render(node, choices), path[position:])
        return _render(node, choices)


def _dig(value: Any, path: Path) -> Any:
    for part in path:
        in_dict = isinstance(value, dict) and part in value
        in_list = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if not (in_dict or in_list):
            return NOT_SET
        value = value[part]
    return value


def merge_config(
    base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any]
) -> ConfigMergeResult:
    """Merge two edited `configData` dicts (with an optional top-level `parameters`) against their base."""
    merger = _Merger()
    tree = merger.merge_object((), dict(base), dict(ours), dict(theirs))
    conflicts = tuple(merger.conflicts)
    return ConfigMergeResult(
        merged=_render(tree, {}),
        conflicts=list(conflicts),
        changes=merger.changes,
        _tree=tree,
        _all_conflicts=conflicts,
    )


def resolve(result: ConfigMergeResult, path: Path, choice: Choice) -> ConfigMergeResult:
    """A new result with the conflict at `path` settled by `choice` (it may be settled again later)."""
    conflict = result.conflict_at(path)
    _check_choice(conflict, choice)
    choices = {resolution.conflict.path: resolution.choice for resolution in result.resolutions}
    choices[path] = choice
    return replace(
        result,
        merged=_render(result._tree, choices),
        conflicts=[open_one for open_one in result._all_conflicts if open_one.path not in choices],
        resolutions=[
            Resolution(settled, choices[settled.path])
            for settled in result._all_conflicts
            if settled.path in choices
        ],
    )


def _check_choice(conflict: FieldConflict, choice: Choice) -> None:
    if isinstance(choice, tuple) and len(choice) == 2 and choice[0] == "value":
        if conflict.kind == "text" and not isinstance(choice[1], str):
            raise ValueError(f"the text at {conflict.path!r} needs a string, got {choice[1]!r}")
        if conflict.kind == "insertion" and not isinstance(choice[1], list):
            raise ValueError(f"the insertion at {conflict.path!r} needs a list of items, got {choice[1]!r}")
        return
    if choice not in conflict.choices:
        raise ValueError(f"{choice!r} does not settle the conflict at {conflict.path!r}; use one of "
                         f"{', '.join(conflict.choices)} or ('value', ...)")


def _render(node: _Node, choices: Mapping[Path, Choice]) -> Any:
    if isinstance(node, _Value):
        return copy.deepcopy(node.value)
    if isinstance(node, _Open):
        return _chosen_value(node.conflict, choices.get(node.conflict.path, node.conflict.placeholder))
    if isinstance(node, _Object):
        rendered = {}
        for key, child in node.entries:
            value = _render(child, choices)
            if value is not NOT_SET:
                rendered[key] = value
        return rendered
    items: list[Any] = []
    for _key, child in node.slots:
        value = _render(child, choices)
        if isinstance(child, _Open) and child.conflict.kind == "insertion":
            items.extend(value)
        elif value is not NOT_SET:
            items.append(value)
    return items


def _chosen_value(conflict: FieldConflict, choice: Choice) -> Any:
    if isinstance(choice, tuple):
        return copy.deepcopy(choice[1])
    if conflict.text is not None:
        return conflict.text.resolved(choice)
    if choice == "both":
        ours, theirs = conflict.ours, conflict.theirs
        return copy.deepcopy(ours + [item for item in theirs if item not in ours])
    return copy.deepcopy(conflict.ours if choice == "ours" else conflict.theirs)


def _same(left: Any, right: Any) -> bool:
    """Equal as JSON values: True is not 1, though 1 and 1.0 are the same number."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    return bool(left == right)


class _Merger:
    """One merge run: walks the three documents together and collects conflicts and changes."""

    def __init__(self) -> None:
        self.conflicts: list[FieldConflict] = []
        self.changes: list[FieldChange] = []

    def merge(self, path: Path, base: Any, ours: Any, theirs: Any) -> _Node:
        if _same(ours, theirs):
            if not _same(ours, base):
                self._changed(path, "both", base, ours)
            return _Value(ours)
        if _same(ours, base):
            self._changed(path, "theirs", base, theirs)
            return _Value(theirs)
        if _same(theirs, base):
            self._changed(path, "ours", base, ours)
            return _Value(ours)
        if ours is NOT_SET or theirs is NOT_SET:
            kept: Side = "theirs" if ours is NOT_SET else "ours"
            return self._conflict(path, "presence", base, ours, theirs, kept, ("ours", "theirs"))
        if _is_text(path, base, ours, theirs):
            return self._merge_text(path, base, ours, theirs)
        if isinstance(ours, dict) and isinstance(theirs, dict):
            return self.merge_object(path, base if isinstance(base, dict) else {}, ours, theirs)
        if isinstance(ours, list) and isinstance(theirs, list):
            merged = self._merge_list(path, base if isinstance(base, list) else [], ours, theirs)
            if merged is not None:
                return merged
        choices = ("ours", "theirs", "both") if isinstance(ours, list) and isinstance(theirs, list) else (
            "ours", "theirs")
        return self._conflict(path, "value", base, ours, theirs, "ours", choices)

    def merge_object(
        self, path: Path, base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]
    ) -> _Object:
        keys = list(ours) + [key for key in theirs if key not in ours]
        keys += [key for key in base if key not in ours and key not in theirs]
        return _Object(tuple(
            (key, self.merge((*path, key), base.get(key, NOT_SET), ours.get(key, NOT_SET),
                             theirs.get(key, NOT_SET)))
            for key in keys
        ))

    def _merge_text(self, path: Path, base: Any, ours: str, theirs: str) -> _Node:
        merged = merge_text(base if isinstance(base, str) else "", ours, theirs)
        if merged.clean:
            self._changed(path, "both", base, merged.text)
            return _Value(merged.text)
        return self._conflict(path, "text", base, ours, theirs, "ours", ("ours", "theirs", "both"), merged)

    def _merge_list(self, path: Path, base: list[Any], ours: list[Any], theirs: list[Any]) -> _Node | None:
        """Item by item where the list has a known shape; None where it is just a value."""
        if path == ("messages",):
            return self._merge_sequence(path, base, ours, theirs)
        key_name = _KEYED_LISTS.get(str(path[-1]))
        if key_name is not None and all(_has_unique_keys(items, key_name) for items in (base, ours, theirs)):
            merged = self._merge_keyed(path, key_name, base, ours, theirs)
            if path in _NEVER_EMPTY_LISTS and ours and theirs and all(map(_is_absent, dict(merged.slots).values())):
                return self._conflict(path, "value", base, ours, theirs, "ours", ("ours", "theirs", "both"))
            return merged
        if len(path) >= 2 and path[-2] == "records":
            return self._merge_rows(path, base, ours, theirs)
        return None

    def _merge_keyed(self, path: Path, key_name: str, base: list[Any], ours: list[Any],
                     theirs: list[Any]) -> _Items:
        base_by_key = {item[key_name]: item for item in base}
        ours_by_key = {item[key_name]: item for item in ours}
        theirs_by_key = {item[key_name]: item for item in theirs}
        order = list(ours_by_key)
        for position, key in enumerate(theirs_by_key):
            if key in ours_by_key:
                continue
            earlier = [other for other in list(theirs_by_key)[:position] if other in order]
            order.insert(order.index(earlier[-1]) + 1 if earlier else 0, key)
        order += [key for key in base_by_key if key not in order]
        return _Items(tuple(
            (key, self.merge((*path, key), base_by_key.get(key, NOT_SET), ours_by_key.get(key, NOT_SET),
                             theirs_by_key.get(key, NOT_SET)))
            for key in order
        ))

    def _merge_rows(self, path: Path, base: list[Any], ours: list[Any], theirs: list[Any]) -> _Items:
        def at(items: list[Any], index: int) -> Any:
            return items[index] if index < len(items) else NOT_SET

        size = max(len(base), len(ours), len(theirs))
        return _Items(tuple(
            (index, self.merge((*path, index), at(base, index), at(ours, index), at(theirs, index)))
            for index in range(size)
        ))

    def _merge_sequence(self, path: Path, base: list[Any], ours: list[Any], theirs: list[Any]) -> _Items:
        """Messages: align each side with the base, then merge each base message with its counterparts.

        What a side inserted between two base messages goes there; if both sides inserted different
        messages at the same place, that is one conflict whose "both" keeps yours then the server's.
        """
        ours_match, ours_inserted = _align(base, ours)
        theirs_match, theirs_inserted = _align(base, theirs)
        slots: list[tuple[PathPart, _Node]] = []
        position = 0

        def settled(items: list[Any], source: ChangeSource) -> None:
            nonlocal position
            for item in items:
                self.changes.append(FieldChange((*path, position), source, "added"))
                slots.append((position, _Value(item)))
                position += 1

        for gap in range(len(base) + 1):
            from_ours, from_theirs = ours_inserted.get(gap, []), theirs_inserted.get(gap, [])
            if from_ours and from_theirs:
                if _same(from_ours, from_theirs):
                    settled(from_ours, "both")
                else:
                    node = self._conflict((*path, position), "insertion", [], from_ours, from_theirs, "both",
                                          ("ours", "theirs", "both"))
                    slots.append((position, node))
                    position += len(from_ours) + len(from_theirs)
            elif from_ours or from_theirs:
                settled(from_ours or from_theirs, "ours" if from_ours else "theirs")
            if gap < len(base):
                ours_item = NOT_SET if ours_match[gap] is None else ours[ours_match[gap]]
                theirs_item = NOT_SET if theirs_match[gap] is None else theirs[theirs_match[gap]]
                node = self.merge((*path, position), base[gap], ours_item, theirs_item)
                slots.append((position, node))
                if not _is_absent(node):
                    position += 1
        return _Items(tuple(slots))

    def _conflict(
        self, path: Path, kind: ConflictKind, base: Any, ours: Any, theirs: Any, placeholder: Choice,
        choices: tuple[str, ...], text: TextMergeResult | None = None,
    ) -> _Open:
        conflict = FieldConflict(path, kind, base, ours, theirs, placeholder, choices, text)
        self.conflicts.append(conflict)
        return _Open(conflict)

    def _changed(self, path: Path, source: ChangeSource, base: Any, merged: Any) -> None:
        action = "added" if base is NOT_SET else "removed" if merged is NOT_SET else "changed"
        self.changes.append(FieldChange(path, source, action))


def _is_absent(node: _Node) -> bool:
    return isinstance(node, _Value) and node.value is NOT_SET


def _is_text(path: Path, base: Any, ours: Any, theirs: Any) -> bool:
    """Long texts merge by line: the prompt, each message's content, and any string with several lines."""
    if not (isinstance(ours, str) and isinstance(theirs, str) and (base is NOT_SET or isinstance(base, str))):
        return False
    if path in _TEXT_FIELDS or (len(path) == 3 and path[0] == "messages" and path[2] == "content"):
        return True
    return any("\n" in value for value in (base, ours, theirs) if isinstance(value, str))


def _has_unique_keys(items: list[Any], key_name: str) -> bool:
    keys = [item.get(key_name) if isinstance(item, dict) else None for item in items]
    return all(isinstance(key, str) for key in keys) and len(set(keys)) == len(keys)


def _align(base: list[Any], side: list[Any]) -> tuple[list[int | None], dict[int, list[Any]]]:
    """Which side item continues each base item (None: removed), and what the side inserted where.

    Identical items are matched by a diff over whole items; among the items a change replaced, those with
    the same role are paired in order (an edit), the others are removals and insertions. An insertion is
    filed under the index of the base item it precedes (len(base) for the end).
    """
    numbers: dict[Any, int] = {}
    base_ids = [_number(item, numbers) for item in base]
    side_ids = [_number(item, numbers) for item in side]
    changes = line_changes(base_ids, side_ids)
    match: list[int | None] = [None] * len(base)
    for base_index, side_index in _unchanged_pairs(changes, len(base), len(side)):
        match[base_index] = side_index
    for base_start, side_start, removed, added in changes:
        base_roles = [_role_number(item, numbers) for item in base[base_start : base_start + removed]]
        side_roles = [_role_number(item, numbers) for item in side[side_start : side_start + added]]
        role_changes = line_changes(base_roles, side_roles)
        for base_offset, side_offset in _unchanged_pairs(role_changes, removed, added):
            match[base_start + base_offset] = side_start + side_offset
    continued = {side_index: base_index for base_index, side_index in enumerate(match)
                 if side_index is not None}
    inserted: dict[int, list[Any]] = {}
    pending: list[Any] = []
    for side_index, item in enumerate(side):
        if side_index in continued:
            if pending:
                inserted[continued[side_index]] = pending
                pending = []
        else:
            pending.append(item)
    if pending:
        inserted[len(base)] = pending
    return match, inserted


def _number(item: Any, numbers: dict[Any, int]) -> int:
    """Equal items, equal numbers; a message of plain strings skips the slower JSON spelling."""
    if isinstance(item, dict) and all(isinstance(value, str) for value in item.values()):
        identity: Any = tuple(sorted(item.items()))
    else:
        identity = json.dumps(item, sort_keys=True)
    return numbers.setdefault(identity, len(numbers))


def _role_number(item: Any, numbers: dict[Any, int]) -> int:
    role = item.get("role") if isinstance(item, dict) else None
    return numbers.setdefault(f"role:{role}", len(numbers))


def _unchanged_pairs(changes: list[Change], size_a: int, size_b: int) -> Iterator[tuple[int, int]]:
    i = j = 0
    for start_a, start_b, removed, added in changes:
        while i < start_a:
            yield i, j
            i += 1
            j += 1
        i, j = start_a + removed, start_b + added
    while i < size_a and j < size_b:
        yield i, j
        i += 1
        j += 1

