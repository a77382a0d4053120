"""A line diff that finds the same changes as git's xdiff (Myers, the default of `git merge-file`).

Any minimal diff would do for two-way display, but a three-way merge reports a conflict wherever the two
diffs against the original touch the same or adjacent lines, so the exact placement of each change decides
whether a merge is clean. Users compare our result with git's, and so do our tests; this module therefore
follows xdiff's choices step by step: trim the common ends, set aside lines the other side lacks, split the
rest with Myers' middle snake (with xdiff's cost heuristics), then slide each change the way xdiff does.

Lines are given as lists of ints (equal lines, equal ints), so the inner loops compare small ints only.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Sequence
from itertools import compress, repeat

Change = tuple[int, int, int, int]
"""(start in a, start in b, lines removed from a, lines added from b)."""

_MAX_COST_MIN = 256
_HEURISTIC_MIN_COST = 256
_SNAKE_LENGTH = 20
_HEURISTIC_FACTOR = 4
_MULTIMATCH_RUN = 4
_MAX_EQUAL_LIMIT = 1024
_SIMILAR_SCAN_WINDOW = 100
_LINE_MAX = sys.maxsize
_FLIP = bytes.maketrans(b"\x00\x01", b"\x01\x00")
_NOT_SINGLE_MATCH = re.compile(b"[\x00\x02]")


def _rough_sqrt(value: int) -> int:
    """xdiff's power-of-two square root; its result sets the cost limits, so it must be the same."""
    result = 1
    while value > 0:
        result <<= 1
        value >>= 2
    return result


def line_changes(a: Sequence[int], b: Sequence[int], minimal: bool = False) -> list[Change]:
    """The changes that turn `a` into `b`, in order, as xdiff finds them."""
    size_a, size_b = len(a), len(b)
    # One spare zero at the end of each array: index -1 reads it, which spares a bounds test in every loop.
    changed_a = bytearray(size_a + 1)
    changed_b = bytearray(size_b + 1)
    start = _common_prefix(a, b, 0, 0, min(size_a, size_b))
    suffix = _common_suffix(a, b, size_a, size_b, min(size_a, size_b) - start)
    kept_a, kept_b = _set_aside_unmatched(a, b, start, size_a - suffix, size_b - suffix, changed_a, changed_b)
    _compare(a, kept_a, changed_a, b, kept_b, changed_b, minimal)
    _compact(a, changed_a, changed_b)
    _compact(b, changed_b, changed_a)
    return _changes_from_marks(changed_a, size_a, changed_b, size_b)


def _common_prefix(a: Sequence[int], b: Sequence[int], i: int, j: int, limit: int) -> int:
    """How far `a[i:]` and `b[j:]` agree, up to `limit` lines; returns the index reached in `a`.

    Long runs are compared by slices (C speed) and halved on a mismatch.
    """
    end = i + limit
    step = 64
    while i < end:
        span = min(step, end - i)
        if a[i : i + span] == b[j : j + span]:
            i += span
            j += span
            step *= 2
        elif span <= 8:
            while i < end and a[i] == b[j]:
                i += 1
                j += 1
            return i
        else:
            step = span // 2
    return i


def _common_suffix(a: Sequence[int], b: Sequence[int], end_a: int, end_b: int, limit: int) -> int:
    """How many lines `a[:end_a]` and `b[:end_b]` share at their ends, up to `limit`."""
    count = 0
    step = 64
    while count < limit:
        span = min(step, limit - count)
        if a[end_a - count - span : end_a - count] == b[end_b - count - span : end_b - count]:
            count += span
            step *= 2
        elif span <= 8:
            while count < limit and a[end_a - count - 1] == b[end_b - count - 1]:
                count += 1
            return count
        else:
            step = span // 2
    return count


def _set_aside_unmatched(
    a: Sequence[int],
    b: Sequence[int],
    start: int,
    end_a: int,
    end_b: int,
    changed_a: bytearray,
    changed_b: bytearray,
) -> tuple[list[int], list[int]]:
    """Mark as changed the lines of the middle that cannot match, and return the indices of the others.

    A line absent from the other side is changed whatever the alignment; a line that occurs very often on
    the other side is set aside too when it sits among such lines (xdiff's rule, which keeps blank lines
    and braces from pinning an alignment).
    """
    count_in_a = Counter(a)
    count_in_b = Counter(b)
    kept_a = _kept_lines(a, start, end_a, count_in_b, _rough_sqrt(len(a)), changed_a)
    kept_b = _kept_lines(b, start, end_b, count_in_a, _rough_sqrt(len(b)), changed_b)
    return kept_a, kept_b


def _kept_lines(
    lines: Sequence[int], start: int, end: int, other_counts: Counter[int], limit: int, changed: bytearray
) -> list[int]:
    limit = min(limit, _MAX_EQUAL_LIMIT)
    # 0: no match on the other side, 1: a few matches, 2: many matches.
    class_of = dict.fromkeys(other_counts, 1)
    class_of.update(dict.fromkeys(compress(other_counts.keys(), map(limit.__le__, other_counts.values())), 2))
    classes = bytearray(start) + bytes(map(class_of.get, lines[start:end], repeat(0)))
    for found in _NOT_SINGLE_MATCH.finditer(classes, start):
        index = found.start()
        if classes[index] == 0 or (
            index > start and classes[index - 1] != 1 and _among_unmatched(classes, index, start, end - 1)
        ):
            changed[index] = 1
    return list(compress(range(start, end), changed[start:end].translate(_FLIP)))


def _among_unmatched(classes: bytearray, index: int, first: int, last: int) -> bool:
    """Whether a many-times-matched line sits in a run of mostly unmatched lines (then it is set aside)."""
    first = max(first, index - _SIMILAR_SCAN_WINDOW)
    last = min(last, index + _SIMILAR_SCAN_WINDOW)
    unmatched_before, multiple_before = 0, 1
    position = index - 1
    while position >= first:
        kind = classes[position]
        if kind == 0:
            unmatched_before += 1
        elif kind == 2:
            multiple_before += 1
        else:
            break
        position -= 1
    if unmatched_before == 0:
        return False
    unmatched_after, multiple_after = 0, 1
    position = index + 1
    while position <= last:
        kind = classes[position]
        if kind == 0:
            unmatched_after += 1
        elif kind == 2:
            multiple_after += 1
        else:
            break
        position += 1
    if unmatched_after == 0:
        return False
    unmatched = unmatched_after + unmatched_before
    multiple = multiple_after + multiple_before
    return multiple * _MULTIMATCH_RUN < multiple + unmatched


def _compare(
    a: Sequence[int],
    kept_a: list[int],
    changed_a: bytearray,
    b: Sequence[int],
    kept_b: list[int],
    changed_b: bytearray,
    minimal: bool,
) -> None:
    """Mark the changed lines among the kept ones: Myers' divide and conquer, as xdiff runs it."""
    lines_a = [a[index] for index in kept_a]
    lines_b = [b[index] for index in kept_b]
    count_a, count_b = len(lines_a), len(lines_b)
    diagonals = count_a + count_b + 3
    # Indexed by diagonal d in [-count_b - 1, count_a + 1]; negative d wraps to the tail of the list.
    forward = [0] * diagonals
    backward = [0] * diagonals
    max_cost = max(_rough_sqrt(diagonals), _MAX_COST_MIN)
    boxes = [(0, count_a, 0, count_b, minimal)]
    while boxes:
        off_a, lim_a, off_b, lim_b, need_minimal = boxes.pop()
        start_a = off_a
        off_a = _common_prefix(lines_a, lines_b, off_a, off_b, min(lim_a - off_a, lim_b - off_b))
        off_b += off_a - start_a
        common_end = _common_suffix(lines_a, lines_b, lim_a, lim_b, min(lim_a - off_a, lim_b - off_b))
        lim_a -= common_end
        lim_b -= common_end
        if off_a == lim_a:
            for index in range(off_b, lim_b):
                changed_b[kept_b[index]] = 1
        elif off_b == lim_b:
            for index in range(off_a, lim_a):
                changed_a[kept_a[index]] = 1
        else:
            split_a, split_b, minimal_low, minimal_high = _split(
                lines_a, off_a, lim_a, lines_b, off_b, lim_b, forward, backward, need_minimal, max_cost
            )
            boxes.append((split_a, lim_a, split_b, lim_b, minimal_high))
            boxes.append((off_a, split_a, off_b, split_b, minimal_low))


def _split(
    lines_a: list[int],
    off_a: int,
    lim_a: int,
    lines_b: list[int],
    off_b: int,
    lim_b: int,
    forward: list[int],
    backward: list[int],
    need_minimal: bool,
    max_cost: int,
) -> tuple[int, int, bool, bool]:
    """Where to cut the box in two: the middle snake, or xdiff's good-enough point when that gets costly.

    Returns the cut point and whether each half must then be diffed minimally.
    """
    lowest, highest = off_a - lim_b, lim_a - off_b
    forward_mid, backward_mid = off_a - off_b, lim_a - lim_b
    odd = (forward_mid - backward_mid) & 1
    forward_min = forward_max = forward_mid
    backward_min = backward_max = backward_mid
    forward[forward_mid] = off_a
    backward[backward_mid] = lim_a
    cost = 0
    while True:
        cost += 1
        got_snake = False
        if forward_min > lowest:
            forward_min -= 1
            forward[forward_min - 1] = -1
        else:
            forward_min += 1
        if forward_max < highest:
            forward_max += 1
            forward[forward_max + 1] = -1
        else:
            forward_max -= 1
        for d in range(forward_max, forward_min - 1, -2):
            i = forward[d - 1] + 1 if forward[d - 1] >= forward[d + 1] else forward[d + 1]
            start = i
            j = i - d
            if i < lim_a and j < lim_b and lines_a[i] == lines_b[j]:
                i = _common_prefix(lines_a, lines_b, i, j, min(lim_a - i, lim_b - j))
                j = i - d
                if i - start > _SNAKE_LENGTH:
                    got_snake = True
            forward[d] = i
            if odd and backward_min <= d <= backward_max and backward[d] <= i:
                return i, j, True, True

        if backward_min > lowest:
            backward_min -= 1
            backward[backward_min - 1] = _LINE_MAX
        else:
            backward_min += 1
        if backward_max < highest:
            backward_max += 1
            backward[backward_max + 1] = _LINE_MAX
        else:
            backward_max -= 1
        for d in range(backward_max, backward_min - 1, -2):
            i = backward[d - 1] if backward[d - 1] < backward[d + 1] else backward[d + 1] - 1
            start = i
            j = i - d
            if i > off_a and j > off_b and lines_a[i - 1] == lines_b[j - 1]:
                i -= _common_suffix(lines_a, lines_b, i, j, min(i - off_a, j - off_b))
                j = i - d
                if start - i > _SNAKE_LENGTH:
                    got_snake = True
            backward[d] = i
            if not odd and forward_min <= d <= forward_max and i <= forward[d]:
                return i, j, True, True

        if need_minimal:
            continue
        if got_snake and cost > _HEURISTIC_MIN_COST:
            cut = _promising_forward_cut(lines_a, off_a, lim_a, lines_b, off_b, lim_b, forward,
                                         forward_min, forward_max, forward_mid, cost)
            if cut is not None:
                return cut[0], cut[1], True, False
            cut = _promising_backward_cut(lines_a, off_a, lim_a, lines_b, off_b, lim_b, backward,
                                          backward_min, backward_max, backward_mid, cost)
            if cut is not None:
                return cut[0], cut[1], False, True
        if cost >= max_cost:
            return _furthest_cut(off_a, lim_a, off_b, lim_b, forward, forward_min, forward_max,
                                 backward, backward_min, backward_max)


def _promising_forward_cut(
    lines_a: list[int], off_a: int, lim_a: int, lines_b: list[int], off_b: int, lim_b: int,
    forward: list[int], forward_min: int, forward_max: int, forward_mid: int, cost: int,
) -> tuple[int, int] | None:
    """A forward path that went far, near the middle diagonal, and ends in a long snake."""
    best = 0
    cut = None
    for d in range(forward_max, forward_min - 1, -2):
        distance = d - forward_mid if d > forward_mid else forward_mid - d
        i = forward[d]
        j = i - d
        value = (i - off_a) + (j - off_b) - distance
        if (value > _HEURISTIC_FACTOR * cost and value > best
                and off_a + _SNAKE_LENGTH <= i < lim_a and off_b + _SNAKE_LENGTH <= j < lim_b):
            k = 1
            while lines_a[i - k] == lines_b[j - k]:
                if k == _SNAKE_LENGTH:
                    best = value
                    cut = (i, j)
                    break
                k += 1
    return cut


def _promising_backward_cut(
    lines_a: list[int], off_a: int, lim_a: int, lines_b: list[int], off_b: int, lim_b: int,
    backward: list[int], backward_min: int, backward_max: int, backward_mid: int, cost: int,
) -> tuple[int, int] | None:
    """The backward twin of `_promising_forward_cut`."""
    best = 0
    cut = None
    for d in range(backward_max, backward_min - 1, -2):
        distance = d - backward_mid if d > backward_mid else backward_mid - d
        i = backward[d]
        j = i - d
        value = (lim_a - i) + (lim_b - j) - distance
        if (value > _HEURISTIC_FACTOR * cost and value > best
                and off_a < i <= lim_a - _SNAKE_LENGTH and off_b < j <= lim_b - _SNAKE_LENGTH):
            k = 0
            while lines_a[i + k] == lines_b[j + k]:
                if k == _SNAKE_LENGTH - 1:
                    best = value
                    cut = (i, j)
                    break
                k += 1
    return cut


def _furthest_cut(
    off_a: int, lim_a: int, off_b: int, lim_b: int,
    forward: list[int], forward_min: int, forward_max: int,
    backward: list[int], backward_min: int, backward_max: int,
) -> tuple[int, int, bool, bool]:
    """Enough search: cut where either path got furthest (xdiff's last resort on costly inputs)."""
    forward_best, forward_best_a = -1, -1
    for d in range(forward_max, forward_min - 1, -2):
        i = min(forward[d], lim_a)
        j = i - d
        if lim_b < j:
            i = lim_b + d
            j = lim_b
        if forward_best < i + j:
            forward_best = i + j
            forward_best_a = i
    backward_best, backward_best_a = _LINE_MAX, _LINE_MAX
    for d in range(backward_max, backward_min - 1, -2):
        i = max(off_a, backward[d])
        j = i - d
        if j < off_b:
            i = off_b + d
            j = off_b
        if i + j < backward_best:
            backward_best = i + j
            backward_best_a = i
    if (lim_a + lim_b) - backward_best < forward_best - (off_a + off_b):
        return forward_best_a, forward_best - forward_best_a, True, False
    return backward_best_a, backward_best - backward_best_a, False, True


def _compact(lines: Sequence[int], changed: bytearray, other_changed: bytearray) -> None:
    """Slide each group of changed lines as xdiff does: down as far as it goes, unless it can line up with
    a group of changes on the other side, and merge groups that bump into each other.

    The k-th unchanged line of one side pairs with the k-th of the other, so the other side's group facing
    ours is found from `unchanged_before` (our unchanged lines above the group) without walking to it.
    """
    size = len(lines)
    other_unchanged = list(compress(range(len(other_changed) - 1), other_changed[:-1].translate(_FLIP)))
    other_size = len(other_changed) - 1

    def other_group_is_empty(unchanged_before: int) -> bool:
        other_start = other_unchanged[unchanged_before - 1] + 1 if unchanged_before else 0
        if unchanged_before < len(other_unchanged):
            return other_unchanged[unchanged_before] == other_start
        return other_size == other_start

    position = unchanged_before = 0
    while True:
        start = changed.find(1, position, size)
        if start < 0:
            return
        unchanged_before += start - position
        end = changed.find(0, start)
        while True:
            group_size = end - start
            end_matching_other = -1
            while start > 0 and lines[start - 1] == lines[end - 1]:
                start -= 1
                changed[start] = 1
                end -= 1
                changed[end] = 0
                while changed[start - 1]:
                    start -= 1
                unchanged_before -= 1
            earliest_end = end
            if not other_group_is_empty(unchanged_before):
                end_matching_other = end
            while end < size and lines[start] == lines[end]:
                changed[start] = 0
                start += 1
                changed[end] = 1
                end = changed.find(0, end)
                unchanged_before += 1
                if not other_group_is_empty(unchanged_before):
                    end_matching_other = end
            if group_size == end - start:
                break
        if end != earliest_end and end_matching_other != -1:
            while other_group_is_empty(unchanged_before):
                start -= 1
                changed[start] = 1
                end -= 1
                changed[end] = 0
                while changed[start - 1]:
                    start -= 1
                unchanged_before -= 1
        position = end


def _changes_from_marks(changed_a: bytearray, size_a: int, changed_b: bytearray, size_b: int) -> list[Change]:
    """Group the marks into changes, pairing the unchanged lines of both sides in order."""
    changes: list[Change] = []
    i = j = 0
    while i < size_a or j < size_b:
        next_a = changed_a.find(1, i, size_a)
        next_b = changed_b.find(1, j, size_b)
        step = min(size_a - i if next_a < 0 else next_a - i, size_b - j if next_b < 0 else next_b - j)
        i += step
        j += step
        if i == size_a and j == size_b:
            break
        end_i = changed_a.find(0, i)
        end_j = changed_b.find(0, j)
        changes.append((i, j, end_i - i, end_j - j))
        i, j = end_i, end_j
    return changes
