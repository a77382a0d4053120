"""Finding a prompt by a few of its letters ("sptr" finds support/triage), and reading `handle:tag` or
`handle:N`: Qt-free, so the rules are tested without a display; `ui/quick_open.py` shows them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from prompt_studio.models import Prompt
from prompt_studio.models.names import VIRTUAL_TAG

MATCH = 1
"""Each typed letter found."""
WORD_START = 8
"""A letter found at the start of a word: the handle's start, or after `/`, `-`, `_`, `.` or a space."""
CONTIGUOUS = 5
"""A letter found right after the previous one (which also earns the bonus its run started with)."""
WORD_SEPARATORS = frozenset("/-_. :")

_NONE = float("-inf")


def _is_word_start(text: str, position: int) -> bool:
    return position == 0 or text[position - 1] in WORD_SEPARATORS or (
        text[position].isupper() and text[position - 1].islower()
    )


def fuzzy_score(query: str, candidate: str) -> int | None:
    """How well `candidate` matches the letters of `query` typed in order (case ignored), or None if it does not.

    The best placement of the letters wins: each letter scores, more at a word's start and more right after the
    previous letter (a run of letters from a word's start earns that start's bonus on each letter), so "sptr" finds
    "support/triage" by its words, and "tri" puts "triage" before "team/review-issues".
    """
    if not query:
        return 0
    folded_query, folded = query.lower(), candidate.lower()
    position = -1
    for letter in folded_query:  # a cheap first look: most handles do not hold the letters at all
        position = folded.find(letter, position + 1)
        if position < 0:
            return None
    bonus = [MATCH + (WORD_START if _is_word_start(candidate, j) else 0) for j in range(len(candidate))]
    # best[j]: the best score of the letters so far with the last one at position j; carried[j]: the bonus of the
    # word start its run of contiguous letters began at, which the run's next letters earn too (as fzf does)
    best = [bonus[j] if folded[j] == folded_query[0] else _NONE for j in range(len(folded))]
    carried = list(bonus)
    for letter in folded_query[1:]:
        row, row_carried = [_NONE] * len(folded), list(bonus)
        earlier = _NONE  # the best of best[0 .. j-2]: a letter found after a gap
        for j in range(1, len(folded)):
            if j >= 2:
                earlier = max(earlier, best[j - 2])
            if folded[j] != letter:
                continue
            run_bonus = max(bonus[j], carried[j - 1])
            contiguous = best[j - 1] + run_bonus + CONTIGUOUS
            after_gap = earlier + bonus[j]
            if contiguous >= after_gap and best[j - 1] != _NONE:
                row[j], row_carried[j] = contiguous, run_bonus
            elif after_gap != _NONE:
                row[j] = after_gap
        best, carried = row, row_carried
    score = max(best)
    return None if score == _NONE else int(score)


def rank(query: str, handles: Iterable[str]) -> list[str]:
    """The handles that match `query`, best first; equal scores go shorter first, then alphabetically."""
    scored = []
    for handle in handles:
        score = fuzzy_score(query, handle)
        if score is not None:
            scored.append((-score, len(handle), handle))
    return [handle for _score, _length, handle in sorted(scored)]


@dataclass(frozen=True)
class Reference:
    """What was typed: part of a handle, and perhaps the version (`:2`) or the tag (`:production`) wanted."""

    text: str
    version: int | None = None
    tag: str | None = None

    @property
    def wants_version(self) -> bool:
        return self.version is not None or self.tag is not None


def parse_reference(typed: str) -> Reference:
    """`triage` -> a handle to match; `support/triage:2` -> version 2; `support/triage:production` -> that tag.

    Split on the last `:` as the library reads its shorthand; `:latest` (and a bare trailing `:`) mean the newest.
    """
    typed = typed.strip()
    text, separator, suffix = typed.rpartition(":")
    if not separator:
        return Reference(typed)
    text, suffix = text.strip(), suffix.strip()
    if not suffix or suffix == VIRTUAL_TAG:
        return Reference(text)
    if suffix.isascii() and suffix.isdigit():
        return Reference(text, version=int(suffix))
    return Reference(text, tag=suffix)


def find_version(versions: Sequence[Prompt], reference: Reference) -> Prompt | None:
    """The version `reference` names among a prompt's `versions` (newest first), or None if it has none such."""
    for version in versions:
        if reference.version is not None and version.version == reference.version:
            return version
        if reference.tag is not None and reference.tag in version.tag_names:
            return version
    return None


def missing_version_message(handle: str, reference: Reference) -> str:
    if reference.version is not None:
        return f"{handle} has no v{reference.version}."
    return f"{handle} has no version tagged “{reference.tag}”."
