"""A merge in progress: the user's draft, the server's newer version and their original, in plain words.

The engine (`prompt_studio.merge`) merges `configData` dicts by path; this layer turns its paths into the labels a
prompt author recognises ("Message 3 (user)", "Output 'answer' schema"), keeps the choices made so far, parses what
the user typed into a result, and finally builds the draft to save. It is Qt-free, so the whole merge flow but the
widgets is tested without a display; the dialog only shows a session and hands choices back to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import ValidationError

from prompt_studio.merge import NOT_SET, Choice, ConfigMergeResult, FieldConflict, merge_config, resolve
from prompt_studio.models import ConfigData, ConflictInfo, Prompt
from prompt_studio.models.draft import Draft
from prompt_studio.models.labels import field_label, reading_position
from prompt_studio.models.problems import problems_of
from prompt_studio.services.compare import FieldDifference, compare_contents

Path = tuple[str | int, ...]
FieldState = Literal["merged", "conflict", "resolved"]
ResultEditor = Literal["text", "line", "json"]

_CHANGE_WORDS = {
    ("ours", "added"): "added by you", ("ours", "removed"): "removed by you", ("ours", "changed"): "changed by you",
    ("theirs", "added"): "added on the server", ("theirs", "removed"): "removed on the server",
    ("theirs", "changed"): "changed on the server", ("both", "added"): "added on both sides",
    ("both", "removed"): "removed on both sides", ("both", "changed"): "changed on both sides",
}
_CHOICE_WORDS = {"ours": "kept yours", "theirs": "using the server's", "both": "kept both"}


@dataclass(frozen=True)
class MergeField:
    """One row of the dialog's field list: a field that merged by itself, or a conflict (open or settled)."""

    path: Path
    label: str
    state: FieldState
    how: str
    """In words: "changed by you", "needs your choice", "kept yours", "edited by hand"..."""
    conflict: FieldConflict | None = None


@dataclass(frozen=True)
class ConflictPlace:
    """One place where the two sides differ: a whole value, or one stretch of lines of a long text."""

    where: str
    original: str
    yours: str
    server: str


@dataclass(frozen=True)
class ConflictView:
    """What the dialog shows for one conflict: the sides in words, and how the result is edited."""

    heading: str
    places: list[ConflictPlace]
    editor: ResultEditor
    result_text: str
    choices: tuple[str, ...]


class ResultProblem(ValueError):
    """What the user typed as a result cannot be used; the message says why in plain words."""


def _sort_key(path: Path) -> tuple[Any, ...]:
    top = str(path[0])
    inner = ((0, part, "") if isinstance(part, int) else (1, 0, part) for part in path[1:])
    return (reading_position(top), top, *inner)


def _detail(parts: Path) -> str:
    """The trail inside a JSON object, without the words of the schema language that only add noise."""
    shown = [str(part) if not isinstance(part, int) else f"item {part + 1}" for part in parts
             if part not in ("properties", "items")]
    return " › ".join(shown)


def _with_detail(label: str, parts: Path) -> str:
    detail = _detail(parts)
    return f"{label} ({detail})" if detail else label


def _editable(value: Any) -> str:
    if value is NOT_SET or value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2 if isinstance(value, dict | list) else None, ensure_ascii=False)


def shown_value(value: Any) -> str:
    """A value as a prompt author reads it: texts as they are, messages as "User: ...", the rest as JSON."""
    if value is NOT_SET or value is None:
        return "(not set)"
    if isinstance(value, str):
        return value
    if _is_message(value):
        return f"{str(value['role']).capitalize()}: {value['content']}"
    if isinstance(value, list) and value and all(_is_message(item) for item in value):
        return "\n\n".join(shown_value(item) for item in value)
    return _editable(value)


_SHORT = 80


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _SHORT else line[: _SHORT - 1] + "…"


def _is_message(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("role"), str) and isinstance(value.get("content"), str)


def _editor_for(conflict: FieldConflict) -> ResultEditor:
    if conflict.kind == "text":
        return "text"
    sides = [value for value in (conflict.base, conflict.ours, conflict.theirs) if value is not NOT_SET]
    if all(isinstance(value, str | int | float | bool) and "\n" not in str(value) for value in sides):
        return "line"
    return "json"


def _parse_line(label: str, text: str, conflict: FieldConflict) -> Any:
    """A one-line result: empty is "not set"; numbers, yes/no and words as the sides have them."""
    stripped = text.strip()
    if not stripped:
        return NOT_SET
    sides = [value for value in (conflict.ours, conflict.theirs, conflict.base) if value is not NOT_SET]
    if sides and all(isinstance(value, bool) for value in sides):
        answers = {"true": True, "yes": True, "false": False, "no": False}
        if stripped.lower() not in answers:
            raise ResultProblem(f"{label} is yes or no: type true or false.")
        return answers[stripped.lower()]
    if sides and all(isinstance(value, int | float) and not isinstance(value, bool) for value in sides):
        try:
            number = json.loads(stripped)
        except ValueError:
            number = None
        if not isinstance(number, int | float) or isinstance(number, bool):
            raise ResultProblem(f"{label} needs a number, such as {_editable(sides[0])}.")
        return number
    if sides and all(isinstance(value, str) for value in sides):
        return text
    try:
        return json.loads(stripped)
    except ValueError:
        return text


def _parse_json(label: str, text: str) -> Any:
    if not text.strip():
        return NOT_SET
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ResultProblem(f"{label} is not readable yet: {error.msg} on line {error.lineno}.") from None


def _split(content: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    config = {key: value for key, value in content.items() if key != "parameters"}
    parameters = content.get("parameters", {})
    return config, dict(parameters) if isinstance(parameters, dict) else {}


@dataclass(frozen=True)
class MergeSession:
    """The user's draft merged with a conflicting server version; `resolve` returns a session one choice further.

    Original = the version the draft started from, Yours = the draft, Server = the conflict's newer version (its
    parameters default to the original's when the server did not send them).
    """

    draft: Draft
    conflict: ConflictInfo
    result: ConfigMergeResult
    server_version: Prompt | None = None
    """The server's newer version as its history lists it: who saved it, and why."""
    intended_message: str | None = None
    """The commit message the author gave the save that met the conflict; the merge keeps it."""

    @classmethod
    def start(cls, draft: Draft, conflict: ConflictInfo, *, server_version: Prompt | None = None,
              intended_message: str | None = None) -> MergeSession:
        base = {**(draft.base_config or {}), "parameters": draft.base_parameters}
        ours = {**draft.config, "parameters": draft.parameters}
        return cls(draft, conflict, merge_config(base, ours, cls._server_content(draft, conflict)),
                   server_version, intended_message or None)

    @classmethod
    def from_pending(cls, draft: Draft, *, server_version: Prompt | None = None,
                     intended_message: str | None = None) -> MergeSession:
        """Resume the conflict a draft keeps on disk (after a cancelled merge, or a restart)."""
        if draft.pending_conflict is None:
            raise ValueError(f"the draft of {draft.handle} has no conflict to resolve")
        return cls.start(draft, draft.pending_conflict, server_version=server_version,
                         intended_message=intended_message)

    @staticmethod
    def _server_content(draft: Draft, conflict: ConflictInfo) -> dict[str, Any]:
        parameters = conflict.remote_parameters if conflict.remote_parameters is not None else draft.base_parameters
        return {**conflict.remote_config_data.to_wire(), "parameters": dict(parameters)}

    # -- what happened -------------------------------------------------------------------------------------------

    @property
    def local_version(self) -> int | None:
        return self.conflict.local_version or self.draft.base_version

    @property
    def remote_version(self) -> int:
        return self.conflict.remote_version

    @property
    def merged_automatically(self) -> int:
        return len(self.result.changes)

    @property
    def conflicts_remaining(self) -> int:
        return len(self.result.conflicts)

    @property
    def headline(self) -> str:
        count = self.merged_automatically
        merged = f"{count} change{'s' if count != 1 else ''} merged automatically."
        theirs = self.server_version
        who = (theirs.author_id if theirs is not None else None) or "Someone"
        why = f" (“{theirs.commit_message}”)" if theirs is not None and theirs.commit_message else ""
        if self.local_version:
            return f"{who} saved v{self.remote_version}{why} while you were editing v{self.local_version}. {merged}"
        return f"{who} saved v{self.remote_version}{why} before your first save. {merged}"

    @property
    def remaining_text(self) -> str:
        count = self.conflicts_remaining
        if not count:
            return "No conflicts remaining"
        return f"{count} conflict{'s' if count != 1 else ''} remaining"

    def fields(self) -> list[MergeField]:
        """Every field that merged or conflicted, in the order they appear in the editor."""
        rows = [MergeField(change.path, self.label(change.path), "merged",
                           _CHANGE_WORDS[(change.source, change.action)]) for change in self.result.changes]
        open_paths = {conflict.path for conflict in self.result.conflicts}
        for conflict in self.result.conflicts:
            rows.append(MergeField(conflict.path, self.label(conflict.path), "conflict", "needs your choice",
                                   conflict))
        for resolution in self.result.resolutions:
            path = resolution.conflict.path
            if path in open_paths:
                continue
            choice = resolution.choice
            how = _CHOICE_WORDS[choice] if isinstance(choice, str) else "edited by hand"
            rows.append(MergeField(path, self.label(path), "resolved", how, resolution.conflict))
        return sorted(rows, key=lambda row: _sort_key(row.path))

    # -- labels --------------------------------------------------------------------------------------------------

    def label(self, path: Path) -> str:
        """The name a prompt author knows a field by; never a JSON path."""
        top = str(path[0])
        rest = path[1:]
        if top == "messages" and rest and isinstance(rest[0], int):
            return self._message_label(path[:2])
        if top in ("inputs", "outputs") and rest:
            kind = "Input" if top == "inputs" else "Output"
            item = f"{kind} '{rest[0]}'"
            if len(rest) >= 2 and rest[1] == "json_schema":
                return _with_detail(f"{item} schema", rest[2:])
            if len(rest) >= 2 and rest[1] == "type":
                return f"{item} type"
            return _with_detail(item, rest[1:])
        if top == "parameters" and rest:
            return _with_detail(f"Runtime parameter '{rest[0]}'", rest[1:])
        if top == "demonstrations" and len(rest) >= 3 and rest[:2] == ("inline", "records"):
            row = f", row {rest[3] + 1}" if len(rest) >= 4 and isinstance(rest[3], int) else ""
            return f"Demonstrations, column '{rest[2]}'{row}"
        if top == "demonstrations" and len(rest) >= 3 and rest[:2] == ("inline", "columnTypes"):
            return f"Demonstrations, column '{rest[2]}'"
        return _with_detail(field_label(top), rest)

    def _message_label(self, path: Path) -> str:
        position = int(path[1])
        conflict = self._any_conflict_at(path)
        if conflict is not None and conflict.kind == "insertion":
            return f"New messages at position {position + 1}"
        candidates = [self.result.value_at(path)]
        if conflict is not None:
            candidates += [conflict.ours, conflict.theirs, conflict.base]
        role = next((value["role"] for value in candidates if isinstance(value, dict) and "role" in value), None)
        return f"Message {position + 1} ({role})" if role else f"Message {position + 1}"

    def _any_conflict_at(self, path: Path) -> FieldConflict | None:
        try:
            return self.result.conflict_at(path)
        except KeyError:
            return None

    # -- one conflict --------------------------------------------------------------------------------------------

    def view(self, path: Path) -> ConflictView:
        """The conflict at `path` as the dialog shows it: each place that differs, and the result so far."""
        conflict = self.result.conflict_at(path)
        label = self.label(path)
        editor = _editor_for(conflict)
        if conflict.text is not None:
            places = [
                ConflictPlace(self._lines(hunk.ours_line, hunk.ours), hunk.base, hunk.ours, hunk.theirs)
                for hunk in conflict.text.conflicts
            ]
            heading = label if len(places) != 1 else f"{label}, {places[0].where.lower()}"
        else:
            places = [ConflictPlace("", shown_value(conflict.base), shown_value(conflict.ours),
                                    shown_value(conflict.theirs))]
            heading = label
        # An open conflict of one value has no result yet: it starts empty, rather than looking decided. A text
        # keeps the merged lines, with the undecided places between conflict markers.
        undecided = conflict.text is None and any(item.path == path for item in self.result.conflicts)
        result = "" if undecided else _editable(self.result.value_at(path))
        return ConflictView(heading, places, editor, result, conflict.choices)

    @staticmethod
    def _lines(first: int, text: str) -> str:
        count = max(1, text.count("\n") + (0 if text.endswith("\n") else 1)) if text else 1
        if count == 1:
            return f"Line {first + 1}"
        return f"Lines {first + 1}-{first + count}"

    def resolve(self, path: Path, choice: Choice) -> MergeSession:
        """This session with the conflict at `path` settled by a side, both sides, or ("value", x)."""
        return replace(self, result=resolve(self.result, path, choice))

    def resolve_typed(self, path: Path, text: str) -> MergeSession:
        """Settle a conflict with what the user typed as its result; `ResultProblem` says what is wrong with it."""
        conflict = self.result.conflict_at(path)
        label = self.label(path)
        editor = _editor_for(conflict)
        if editor == "text":
            value: Any = text
        elif editor == "line":
            value = _parse_line(label, text, conflict)
        else:
            value = _parse_json(label, text)
        if conflict.kind == "insertion" and not isinstance(value, list):
            raise ResultProblem(f"{label} needs a list of messages, like the two sides show.")
        return self.resolve(path, ("value", value))

    # -- the result ----------------------------------------------------------------------------------------------

    @property
    def merged_config(self) -> dict[str, Any]:
        return _split(self.result.merged)[0]

    @property
    def merged_parameters(self) -> dict[str, Any]:
        return _split(self.result.merged)[1]

    def problems(self) -> list[str]:
        """Why the merged prompt could not be saved yet, one sentence per field (empty when it can)."""
        try:
            ConfigData.model_validate(self.merged_config)
        except ValidationError as error:
            return [problem.about(self._problem_label(problem.location)) for problem in problems_of(error)]
        return []

    def _problem_label(self, location: tuple[Any, ...]) -> str:
        if not location:
            return "The prompt"
        if location[0] in ("inputs", "outputs") and len(location) >= 2 and isinstance(location[1], int):
            items = self.merged_config.get(str(location[0])) or []
            if location[1] < len(items) and isinstance(items[location[1]], dict):
                return self.label((location[0], items[location[1]].get("identifier", location[1]), *location[2:]))
        return self.label(location)

    @property
    def can_complete(self) -> bool:
        return self.result.clean and not self.problems()

    def server_content(self) -> dict[str, Any]:
        return self._server_content(self.draft, self.conflict)

    def summary_of_server_changes(self) -> list[str]:
        """The fields the saved merge will change compared with the server's version, by label."""
        return [difference.label for difference in self._changes_to_the_server()]

    def _changes_to_the_server(self) -> list[FieldDifference]:
        return compare_contents(self.server_content(), self.result.merged)

    @property
    def summary_text(self) -> str:
        changes = self._changes_to_the_server()
        if not changes:
            return (f"The merge is exactly the server's v{self.remote_version}: "
                    "nothing new will be saved, and your draft is done.")
        labels = [change.label for change in changes]
        named = ", ".join(label[0].lower() + label[1:] for label in labels)
        verb = "changes" if len(labels) == 1 else "change"
        return f"This will save v{self.remote_version + 1} on the server: {named} {verb}."

    def summary_lines(self) -> list[str]:
        """Each change the save makes to the server's version, as before → after (long texts shortened)."""
        changes = self._changes_to_the_server()
        return [f"{change.label}: {_short(change.old)} → {_short(change.new)}" for change in changes]

    @property
    def commit_message(self) -> str:
        """The author's own message for the save, or one that says what the merge was."""
        return self.intended_message or f"Merge my edits with v{self.remote_version}"

    def merged_draft(self) -> Draft:
        """The draft to save next: the merge as its content, the server's version as its base."""
        server_config, server_parameters = _split(self.server_content())
        return self.draft.model_copy(update={
            "base_version": self.remote_version,
            "base_config": server_config,
            "base_parameters": server_parameters,
            "config": self.merged_config,
            "parameters": self.merged_parameters,
            "pending_conflict": None,
        })
