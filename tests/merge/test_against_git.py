"""Differential test: our text merge against `git merge-file -p` on generated texts.

Where git merges cleanly we must give the same text; where git reports conflicts we must too, and we aim at
the very same marked text and number of conflicts.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prompt_studio.merge import merge_text
from prompt_studio.merge.diff import line_changes
from tests.merge.strategies import LINE_WORDS, as_text, edited, text_triples

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git_merge_file(folder: Path, base: str, ours: str, theirs: str) -> tuple[int, str]:
    paths = []
    for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
        path = folder / name
        path.write_bytes(text.encode())
        paths.append(str(path))
    completed = subprocess.run(
        ["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs", *paths],
        capture_output=True,
        check=False,
    )
    assert completed.returncode >= 0, completed.stderr
    return completed.returncode, completed.stdout.decode()


def assert_same_as_git(folder: Path, base: str, ours: str, theirs: str) -> None:
    exit_code, git_text = git_merge_file(folder, base, ours, theirs)
    result = merge_text(base, ours, theirs)
    assert result.clean == (exit_code == 0)
    assert result.text == git_text
    assert min(len(result.conflicts), 127) == exit_code  # git caps its exit code


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text_triples())
def test_small_texts_merge_as_git_does(tmp_path: Path, triple: tuple[str, str, str]) -> None:
    assert_same_as_git(tmp_path, *triple)


def crlf(line: str) -> str:
    return line if line.endswith("\r\n") else line.replace("\n", "\r\n")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_longer_crlf_texts_merge_as_git_does(tmp_path: Path, data: st.DataObject) -> None:
    base = [crlf(line) for line in data.draw(st.lists(
        st.sampled_from([word + "\n" for word in LINE_WORDS]), min_size=20, max_size=60))]
    ours = [crlf(line) for line in data.draw(edited(base))]
    theirs = [crlf(line) for line in data.draw(edited(base))]
    assert_same_as_git(tmp_path, as_text(base, True), as_text(ours, True), as_text(theirs, True))


def test_heavily_rewritten_texts_merge_as_git_does(tmp_path: Path) -> None:
    """Dense edits over few distinct lines push xdiff into its cost heuristics; we must cut where it cuts."""
    generator = random.Random(7)
    base = [f"w{generator.randrange(20)}\n" for _ in range(1_000)]

    def rewrite(lines: list[str]) -> list[str]:
        result = []
        for line in lines:
            roll = generator.random()
            if roll < 0.3:
                continue
            if roll < 0.6:
                result.append(f"w{generator.randrange(20)}\n")
            result.append(line)
        return result

    ours, theirs = rewrite(base), rewrite(base)
    base_ids, ours_ids = [int(line[1:]) for line in base], [int(line[1:]) for line in ours]
    heuristic_changes = line_changes(base_ids, ours_ids)
    assert heuristic_changes != line_changes(base_ids, ours_ids, minimal=True), "the heuristics went unused"
    assert_same_as_git(tmp_path, "".join(base), "".join(ours), "".join(theirs))
