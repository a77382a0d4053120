"""Three-way merge of text by lines, with the results of `git merge-file` (default "merge" style).

Users know git's behaviour, and our tests hold us to it: changes to the same or adjacent original lines
conflict, identical changes on both sides do not, a conflict is narrowed to the lines where the two sides
really differ, and two conflicts only a few lines (or only punctuation) apart become one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Literal

from prompt_studio.merge.diff import Change, line_changes

MARKER_SIZE = 7
_ALPHANUMERIC = re.compile(r"[A-Za-z0-9]")
_OTHER_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""Where `str.splitlines` would cut a line that git keeps whole."""

HunkChoice = Literal["ours", "theirs", "both"] | tuple[Literal["value"], str]
"""How to settle one conflicting hunk: one side, ours then theirs, or a text typed by hand."""


@dataclass(frozen=True)
class TextConflict:
    """One conflicting hunk: what each side made of the original lines at that place."""

    base: str
    ours: str
    theirs: str
    base_line: int
    """Index of the hunk's first line in the original (where it would be, if the hunk is empty there)."""
    ours_line: int
    theirs_line: int
    merged_line: int
    """Index of the `<<<<<<<` line in the merged text."""


@dataclass(frozen=True)
class TextMergeResult:
    """The merged text (with conflict markers where needed) and the conflicts it holds, in order."""

    text: str
    conflicts: list[TextConflict]
    _pieces: tuple[str | TextConflict, ...] = field(default=(), repr=False, compare=False)

    @property
    def clean(self) -> bool:
        return not self.conflicts

    def resolved(self, choice: HunkChoice) -> str:
        """The text with every conflict settled the same way, keeping what merged cleanly."""
        return self.resolved_each([choice] * len(self.conflicts))

    def resolved_each(self, choices: Sequence[HunkChoice]) -> str:
        """The text with conflict number k settled by `choices[k]`, keeping what merged cleanly."""
        if len(choices) != len(self.conflicts):
            raise ValueError(f"{len(self.conflicts)} conflicts need as many choices, got {len(choices)}")
        if not self._pieces:
            return self.text
        parts: list[str] = []
        chosen = iter(choices)
        for piece in self._pieces:
            if isinstance(piece, str):
                parts.append(piece)
            else:
                parts.extend(_chosen_parts(piece, next(chosen)))
        # A side's last line may lack its newline; once text follows it, it needs one.
        for index in range(len(parts) - 1):
            if parts[index] and not parts[index].endswith("\n") and any(parts[index + 1 :]):
                parts[index] += "\n"
        return "".join(parts)


def _chosen_parts(conflict: TextConflict, choice: HunkChoice) -> list[str]:
    if choice == "ours":
        return [conflict.ours]
    if choice == "theirs":
        return [conflict.theirs]
    if choice == "both":
        return [conflict.ours, conflict.theirs]
    if isinstance(choice, tuple) and len(choice) == 2 and choice[0] == "value" and isinstance(choice[1], str):
        return [choice[1]]
    raise ValueError(f"not a way to settle a text conflict: {choice!r}")


def split_lines(text: str) -> list[str]:
    """Lines with their newlines kept, cut at "\\n" only (as git does; `str.splitlines` cuts at more)."""
    if not any(other in text for other in _OTHER_LINE_BREAKS) and text.count("\r") == text.count("\r\n"):
        return text.splitlines(keepends=True)
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def merge_text(
    base: str, ours: str, theirs: str, *, ours_label: str | None = "ours", theirs_label: str | None = "theirs"
) -> TextMergeResult:
    """Merge the changes `ours` and `theirs` made to `base`, as `git merge-file -L ours -L base -L theirs`.

    A label of None leaves the marker bare, as git does for an unnamed side.
    """
    if ours in (base, theirs):
        return TextMergeResult(theirs, [])
    if theirs == base:
        return TextMergeResult(ours, [])
    base_lines, ours_lines, theirs_lines = split_lines(base), split_lines(ours), split_lines(theirs)
    distinct = dict.fromkeys(chain(base_lines, ours_lines, theirs_lines))
    number_of = dict(zip(distinct, range(len(distinct)), strict=True)).__getitem__
    base_ids = list(map(number_of, base_lines))
    ours_ids = list(map(number_of, ours_lines))
    theirs_ids = list(map(number_of, theirs_lines))
    ours_changes = line_changes(base_ids, ours_ids)
    theirs_changes = line_changes(base_ids, theirs_ids)
    if not ours_changes:
        return TextMergeResult(theirs, [])
    if not theirs_changes:
        return TextMergeResult(ours, [])
    regions = _regions(ours_changes, theirs_changes, len(base_ids), ours_ids, theirs_ids)
    regions = _narrow_conflicts(regions, ours_ids, theirs_ids)
    regions = _join_close_conflicts(regions, ours_lines)
    return _assemble(regions, base_lines, ours_lines, theirs_lines, ours_changes, theirs_changes,
                     ours_label, theirs_label)


# A region is [mode, ours start, ours count, theirs start, theirs count]; the original's range is not kept
# because narrowing a conflict makes it meaningless (TextConflict.base is mapped back from both sides).
_CONFLICT, _OURS, _THEIRS, _SAME = 0, 1, 2, 4


def _regions(
    ours_changes: list[Change], theirs_changes: list[Change], base_size: int, ours_ids: list[int],
    theirs_ids: list[int],
) -> list[list[int]]:
    """Walk both change lists along the original; changes that overlap or touch become one conflict."""
    regions: list[list[int]] = []
    ours_size, theirs_size = len(ours_ids), len(theirs_ids)

    def add(mode: int, ours_start: int, ours_count: int, theirs_start: int, theirs_count: int) -> None:
        if regions:
            last = regions[-1]
            if ours_start <= last[1] + last[2] or theirs_start <= last[3] + last[4]:
                if mode != last[0]:
                    last[0] = _CONFLICT
                last[2] = ours_start + ours_count - last[1]
                last[4] = theirs_start + theirs_count - last[3]
                return
        regions.append([mode, ours_start, ours_count, theirs_start, theirs_count])

    p = q = 0
    while p < len(ours_changes) and q < len(theirs_changes):
        o_base, o_side, o_removed, o_added = ours_changes[p]
        t_base, t_side, t_removed, t_added = theirs_changes[q]
        if o_base + o_removed < t_base:
            add(_OURS, o_side, o_added, t_side - t_base + o_base, o_removed)
            p += 1
            continue
        if t_base + t_removed < o_base:
            add(_THEIRS, o_side - o_base + t_base, t_removed, t_side, t_added)
            q += 1
            continue
        identical = (
            o_base == t_base
            and o_removed == t_removed
            and o_added == t_added
            and ours_ids[o_side : o_side + o_added] == theirs_ids[t_side : t_side + t_added]
        )
        if not identical:
            shift = o_base - t_base
            tail_shift = shift + o_removed - t_removed
            ours_start, theirs_start = o_side, t_side
            if shift > 0:
                ours_start -= shift
            else:
                theirs_start += shift
            ours_count = o_side + o_added - ours_start
            theirs_count = t_side + t_added - theirs_start
            if tail_shift < 0:
                ours_count -= tail_shift
            else:
                theirs_count += tail_shift
            add(_CONFLICT, ours_start, ours_count, theirs_start, theirs_count)
        ours_end, theirs_end = o_base + o_removed, t_base + t_removed
        if ours_end >= theirs_end:
            q += 1
        if theirs_end >= ours_end:
            p += 1
    for o_base, o_side, o_removed, o_added in ours_changes[p:]:
        add(_OURS, o_side, o_added, o_base + theirs_size - base_size, o_removed)
    for t_base, t_side, t_removed, t_added in theirs_changes[q:]:
        add(_THEIRS, t_base + ours_size - base_size, t_removed, t_side, t_added)
    return regions


def _narrow_conflicts(
    regions: list[list[int]], ours_ids: list[int], theirs_ids: list[int]
) -> list[list[int]]:
    """Diff the two sides of each conflict against each other and keep only the lines that differ."""
    narrowed: list[list[int]] = []
    for region in regions:
        mode, ours_start, ours_count, theirs_start, theirs_count = region
        if mode != _CONFLICT or ours_count == 0 or theirs_count == 0:
            narrowed.append(region)
            continue
        differences = line_changes(
            ours_ids[ours_start : ours_start + ours_count],
            theirs_ids[theirs_start : theirs_start + theirs_count],
        )
        if not differences:
            narrowed.append([_SAME, ours_start, ours_count, theirs_start, theirs_count])
            continue
        for in_ours, in_theirs, removed, added in differences:
            narrowed.append([_CONFLICT, ours_start + in_ours, removed, theirs_start + in_theirs, added])
    return narrowed


def _join_close_conflicts(regions: list[list[int]], ours_lines: list[str]) -> list[list[int]]:
    """Make one conflict of two that only three lines, or lines without a letter or digit, keep apart."""
    joined: list[list[int]] = []
    for region in regions:
        if joined and region[0] == _CONFLICT and joined[-1][0] == _CONFLICT:
            previous = joined[-1]
            gap_start, gap_end = previous[1] + previous[2], region[1]
            if gap_end - gap_start <= 3 or not _ALPHANUMERIC.search("".join(ours_lines[gap_start:gap_end])):
                previous[2] = region[1] + region[2] - previous[1]
                previous[4] = region[3] + region[4] - previous[3]
                continue
        joined.append(region)
    return joined


def _assemble(
    regions: list[list[int]],
    base_lines: list[str],
    ours_lines: list[str],
    theirs_lines: list[str],
    ours_changes: list[Change],
    theirs_changes: list[Change],
    ours_label: str | None,
    theirs_label: str | None,
) -> TextMergeResult:
    pieces: list[str | TextConflict] = []
    out: list[str] = []
    conflicts: list[TextConflict] = []
    line_count = 0
    position = 0  # in ours: everything before it is written

    def emit(lines: list[str]) -> None:
        nonlocal line_count
        if lines:
            chunk = "".join(lines)
            pieces.append(chunk)
            out.append(chunk)
            line_count += len(lines)

    for mode, ours_start, ours_count, theirs_start, theirs_count in regions:
        if mode == _SAME:
            continue
        if mode == _OURS:
            emit(ours_lines[position : ours_start + ours_count])
        elif mode == _THEIRS:
            emit(theirs_lines[theirs_start - ours_start + position : theirs_start + theirs_count])
        else:
            emit(ours_lines[position:ours_start])
            ours_hunk = ours_lines[ours_start : ours_start + ours_count]
            theirs_hunk = theirs_lines[theirs_start : theirs_start + theirs_count]
            base_start, base_end = _original_range(
                ours_changes, ours_start, ours_start + ours_count, theirs_changes, theirs_start,
                theirs_start + theirs_count,
            )
            conflict = TextConflict(
                base="".join(base_lines[base_start:base_end]),
                ours="".join(ours_hunk),
                theirs="".join(theirs_hunk),
                base_line=base_start,
                ours_line=ours_start,
                theirs_line=theirs_start,
                merged_line=line_count,
            )
            needs_cr = _needs_cr(ours_lines, ours_start, theirs_lines, theirs_start, base_lines)
            newline = "\r\n" if needs_cr else "\n"
            out.append(_marker("<", ours_label, newline))
            out.append(_with_final_newline(conflict.ours, newline))
            out.append(_marker("=", None, newline))
            out.append(_with_final_newline(conflict.theirs, newline))
            out.append(_marker(">", theirs_label, newline))
            line_count += ours_count + theirs_count + 3
            conflicts.append(conflict)
            pieces.append(conflict)
        position = ours_start + ours_count
    emit(ours_lines[position:])
    return TextMergeResult("".join(out), conflicts, tuple(pieces))


def _marker(sign: str, label: str | None, newline: str) -> str:
    return sign * MARKER_SIZE + ("" if label is None else " " + label) + newline


def _with_final_newline(text: str, newline: str) -> str:
    return text if not text or text.endswith("\n") else text + newline


def _ends_in_crlf(lines: list[str], index: int) -> bool | None:
    """The line ending at `index` (or near it, for a last line without one); None when nothing tells."""
    if index < len(lines) - 1:
        return lines[index].endswith("\r\n")
    if not lines:
        return None
    if lines[index].endswith("\n"):
        return lines[index].endswith("\r\n")
    if index == 0:
        return None
    return lines[index - 1].endswith("\r\n")


def _needs_cr(
    ours_lines: list[str], ours_start: int, theirs_lines: list[str], theirs_start: int, base_lines: list[str]
) -> bool:
    """Whether markers end in CRLF: only when the lines around the conflict on every side that tells do."""
    verdict = _ends_in_crlf(ours_lines, ours_start - 1 if ours_start else 0)
    if verdict is not False:
        verdict = _ends_in_crlf(theirs_lines, theirs_start - 1 if theirs_start else 0)
    if verdict is not False:
        verdict = _ends_in_crlf(base_lines, 0)
    return bool(verdict)


def _original_range(
    ours_changes: list[Change], ours_start: int, ours_end: int,
    theirs_changes: list[Change], theirs_start: int, theirs_end: int,
) -> tuple[int, int]:
    """The lines of the original that both sides' hunks replace."""
    start = min(_original_start(ours_changes, ours_start), _original_start(theirs_changes, theirs_start))
    end = max(_original_end(ours_changes, ours_end), _original_end(theirs_changes, theirs_end))
    return start, max(start, end)


def _original_start(changes: list[Change], position: int) -> int:
    index = bisect_right(changes, position, key=lambda change: change[1]) - 1
    if index < 0:
        return position
    base_start, side_start, removed, added = changes[index]
    if position < side_start + added or position == side_start:
        return base_start
    return position - side_start - added + base_start + removed


def _original_end(changes: list[Change], position: int) -> int:
    index = bisect_right(changes, position, key=lambda change: change[1]) - 1
    if index >= 0 and changes[index][1] == position and changes[index][3]:
        index -= 1
    if index < 0:
        return position
    base_start, side_start, removed, added = changes[index]
    if position <= side_start + added:
        return base_start + removed
    return position - side_start - added + base_start + removed
