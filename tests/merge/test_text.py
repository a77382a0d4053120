"""Line merge of long texts: readable examples of each rule, then properties over generated texts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prompt_studio.merge import merge_text
from prompt_studio.merge.diff import line_changes
from prompt_studio.merge.text import split_lines
from tests.merge.strategies import edited, lines, text_triples, texts

BASE = "You are a helpful assistant.\nAnswer in English.\nBe brief.\nCite your sources.\n"


def test_edits_to_distant_lines_merge_cleanly() -> None:
    ours = BASE.replace("helpful", "friendly")
    theirs = BASE.replace("Cite your sources.", "Cite at most three sources.")

    result = merge_text(BASE, ours, theirs)

    assert result.clean
    assert result.conflicts == []
    assert result.text == (
        "You are a friendly assistant.\nAnswer in English.\nBe brief.\nCite at most three sources.\n"
    )


def test_edits_to_adjacent_lines_conflict_as_in_git() -> None:
    result = merge_text("a\nb\nc\nd\n", "a\nB\nc\nd\n", "a\nb\nC\nd\n")

    assert not result.clean
    assert result.text == "a\n<<<<<<< ours\nB\nc\n=======\nb\nC\n>>>>>>> theirs\nd\n"
    [conflict] = result.conflicts
    assert (conflict.base, conflict.ours, conflict.theirs) == ("b\nc\n", "B\nc\n", "b\nC\n")
    assert (conflict.base_line, conflict.ours_line, conflict.theirs_line) == (1, 1, 1)
    assert conflict.merged_line == 1


def test_different_edits_of_one_line_conflict() -> None:
    result = merge_text(BASE, BASE.replace("English", "French"), BASE.replace("English", "German"))

    [conflict] = result.conflicts
    assert conflict.base == "Answer in English.\n"
    assert conflict.ours == "Answer in French.\n"
    assert conflict.theirs == "Answer in German.\n"
    assert result.text.splitlines()[conflict.merged_line] == "<<<<<<< ours"


def test_the_same_edit_on_both_sides_is_no_conflict() -> None:
    edited_text = BASE.replace("Be brief.", "Be very brief.")

    result = merge_text(BASE, edited_text + "Thanks.\n", edited_text)

    assert result.clean
    assert result.text == edited_text + "Thanks.\n"


def test_a_conflict_is_narrowed_to_the_lines_that_differ() -> None:
    base = "one\ntwo\nthree\n"
    ours = "ONE\nTWO\nTHREE\n"
    theirs = "ONE\nTWO!\nTHREE\n"

    result = merge_text(base, ours, theirs)

    assert result.text == "ONE\n<<<<<<< ours\nTWO\n=======\nTWO!\n>>>>>>> theirs\nTHREE\n"


def test_conflicts_separated_only_by_punctuation_become_one() -> None:
    base = "a\n}\n}\n}\n}\nb\n"
    ours = "A\n}\n}\n}\n}\nB\n"
    theirs = "X\n}\n}\n}\n}\nY\n"

    result = merge_text(base, ours, theirs)

    assert len(result.conflicts) == 1
    assert result.conflicts[0].ours == ours


def test_conflicts_separated_by_four_lines_of_words_stay_apart() -> None:
    base = "a\nw\nw\nw\nw\nb\n"
    ours = "A\nw\nw\nw\nw\nB\n"
    theirs = "X\nw\nw\nw\nw\nY\n"

    assert len(merge_text(base, ours, theirs).conflicts) == 2


def test_conflicts_separated_by_three_lines_become_one() -> None:
    base = "a\nw\nw\nw\nb\n"
    ours = "A\nw\nw\nw\nB\n"
    theirs = "X\nw\nw\nw\nY\n"

    [conflict] = merge_text(base, ours, theirs).conflicts

    assert (conflict.base, conflict.ours, conflict.theirs) == (base, ours, theirs)


def test_a_missing_final_newline_gets_one_before_the_next_marker() -> None:
    result = merge_text("a\nb", "a\nours", "a\ntheirs")

    assert result.text == "a\n<<<<<<< ours\nours\n=======\ntheirs\n>>>>>>> theirs\n"
    assert result.conflicts[0].ours == "ours"
    assert result.resolved("ours") == "a\nours"
    assert result.resolved("both") == "a\nours\ntheirs"


def test_adding_a_final_newline_is_a_change_of_the_last_line() -> None:
    assert merge_text("a\nb", "a\nb\n", "a\nb").text == "a\nb\n"
    assert not merge_text("a\nb", "a\nb\n", "a\nc").clean


def test_labels_are_parameters() -> None:
    result = merge_text("x\n", "y\n", "z\n", ours_label="yours", theirs_label="server")
    assert result.text == "<<<<<<< yours\ny\n=======\nz\n>>>>>>> server\n"

    bare = merge_text("x\n", "y\n", "z\n", ours_label=None, theirs_label=None)
    assert bare.text == "<<<<<<<\ny\n=======\nz\n>>>>>>>\n"


def test_markers_follow_crlf_files() -> None:
    result = merge_text("x\r\nb\r\nc\r\n", "x\r\nX\r\nc\r\n", "x\r\nY\r\nc\r\n")
    assert result.text == "x\r\n<<<<<<< ours\r\nX\r\n=======\r\nY\r\n>>>>>>> theirs\r\nc\r\n"

    mixed = merge_text("a\nb\r\nc\r\n", "a\nX\r\nc\r\n", "a\nY\r\nc\r\n")
    assert mixed.text == "a\n<<<<<<< ours\nX\r\n=======\nY\r\n>>>>>>> theirs\nc\r\n"


def test_lines_are_cut_at_newlines_only() -> None:
    assert split_lines("a\rb\u2028c\nd") == ["a\rb\u2028c\n", "d"]
    assert split_lines("a\r\nb\n") == ["a\r\n", "b\n"]
    assert split_lines("") == []


def test_each_conflict_can_be_settled_its_own_way() -> None:
    base = "title\none\nmiddle\nmiddle\nmiddle\nmiddle\ntwo\n"
    ours = base.replace("one", "ONE").replace("two", "TWO")
    theirs = base.replace("one", "1").replace("two", "2")
    result = merge_text(base, ours, theirs)
    assert len(result.conflicts) == 2

    settled = result.resolved_each(["ours", ("value", "zwei\n")])

    assert settled == "title\nONE\nmiddle\nmiddle\nmiddle\nmiddle\nzwei\n"
    assert result.resolved("theirs") == theirs
    with pytest.raises(ValueError, match="2 conflicts need as many choices"):
        result.resolved_each(["ours"])
    with pytest.raises(ValueError, match="not a way to settle"):
        result.resolved_each(["ours", "mine"])


def test_a_clean_result_resolves_to_itself() -> None:
    result = merge_text(BASE, BASE + "More.\n", BASE)
    assert result.resolved_each([]) == result.text == BASE + "More.\n"


def test_changes_slide_down_like_xdiff() -> None:
    # Deleting one of two equal lines: xdiff reports the later one.
    assert line_changes([1, 1, 2], [1, 2]) == [(1, 1, 1, 0)]
    assert line_changes([], [7, 8]) == [(0, 0, 0, 2)]
    assert line_changes([3, 4], [3, 4]) == []


def test_ten_thousand_lines_merge() -> None:
    base = [f"line {number}\n" for number in range(10_000)]
    ours, theirs = list(base), list(base)
    for number in range(0, 10_000, 500):
        ours[number] = f"ours {number}\n"
        theirs[number + 250] = f"theirs {number}\n"
    ours[9_999] = theirs[9_999] = "both\n"

    result = merge_text("".join(base), "".join(ours), "".join(theirs))

    expected = list(base)
    for number in range(0, 10_000, 500):
        expected[number] = ours[number]
        expected[number + 250] = theirs[number + 250]
    expected[9_999] = "both\n"
    assert result.clean
    assert result.text == "".join(expected)


@given(st.data())
def test_one_sided_changes_are_taken_whole(data: st.DataObject) -> None:
    base, changed = data.draw(texts()), data.draw(texts())
    for result in (merge_text(base, base, changed), merge_text(base, changed, base),
                   merge_text(base, changed, changed)):
        assert result.clean
        assert result.text == changed


@given(text_triples())
def test_conflicts_keep_both_sides_in_their_markers(triple: tuple[str, str, str]) -> None:
    base, ours, theirs = triple

    result = merge_text(base, ours, theirs)

    merged_lines = split_lines(result.text)
    for conflict in result.conflicts:
        block = "".join(merged_lines[conflict.merged_line :])
        ours_part, theirs_part = (
            side + ("\n" if side and not side.endswith("\n") else "")
            for side in (conflict.ours, conflict.theirs)
        )
        assert block.startswith(f"<<<<<<< ours\n{ours_part}=======\n{theirs_part}>>>>>>> theirs\n")
        assert conflict.ours in ours
        assert conflict.theirs in theirs
        assert conflict.base in base
    assert result.clean == ("<<<<<<< ours\n" not in result.text)


@given(text_triples())
def test_taking_one_side_everywhere_keeps_the_other_sides_clean_edits(triple: tuple[str, str, str]) -> None:
    base, ours, theirs = triple

    result = merge_text(base, ours, theirs)

    if result.clean:
        assert result.resolved("ours") == result.text
    # With no edits from the other side, settling for one side gives exactly that side.
    assert merge_text(base, ours, base).resolved("theirs") == ours


@given(st.data())
def test_merging_is_deterministic_and_symmetric_in_cleanliness(data: st.DataObject) -> None:
    base = data.draw(lines())
    ours, theirs = "".join(data.draw(edited(base))), "".join(data.draw(edited(base)))
    base_text = "".join(base)

    forward = merge_text(base_text, ours, theirs)

    assert merge_text(base_text, ours, theirs) == forward
    assert merge_text(base_text, theirs, ours).clean == forward.clean


@settings(max_examples=30)
@given(text_triples())
def test_hunk_positions_point_into_each_side(triple: tuple[str, str, str]) -> None:
    base, ours, theirs = triple
    result = merge_text(base, ours, theirs)
    for conflict in result.conflicts:
        assert "".join(split_lines(ours)[conflict.ours_line :]).startswith(conflict.ours)
        assert "".join(split_lines(theirs)[conflict.theirs_line :]).startswith(conflict.theirs)
        assert "".join(split_lines(base)[conflict.base_line :]).startswith(conflict.base)
