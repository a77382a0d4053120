"""Many threads writing one prompt at once: one winner per base version, and no gap or repeat in the history."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from prompt_studio.models import UpdatePromptBody
from tests.store.conftest import config_data, create_body, sync_request

THREADS = 20


@pytest.fixture(autouse=True)
def threads_switch_often():
    """Switch threads every microsecond, so the transactions really interleave instead of running in turn."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def run_together(count: int, work):
    """Run `work(index)` in `count` threads released at the same instant; the results in index order."""
    start = threading.Barrier(count)

    def released(index: int):
        start.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(released, range(count)))


def test_concurrent_syncs_from_one_base_give_one_update_and_conflicts_for_the_rest(library):
    library.create_prompt(create_body("pizza"))

    results = run_together(
        THREADS,
        lambda index: library.sync_prompt(
            "pizza", sync_request(config_data(prompt=f"Edit {index} about {{{{topic}}}}."), localVersion=1)
        ),
    )

    actions = [result.action for result in results]
    assert actions.count("updated") == 1
    assert actions.count("conflict") == THREADS - 1
    winner = next(result for result in results if result.action == "updated")
    assert winner.prompt.version == 2
    assert all(result.conflict_info.remote_version == 2 for result in results if result.action == "conflict")
    versions = library.list_versions("pizza")
    assert [version.version for version in versions] == [2, 1]
    assert versions[0].prompt == winner.prompt.prompt


def test_concurrent_updates_each_get_their_own_contiguous_version(library):
    library.create_prompt(create_body("pizza"))

    results = run_together(
        THREADS,
        lambda index: library.update_prompt(
            "pizza", UpdatePromptBody(commit_message=f"Edit {index}", prompt=f"Edit {index}")
        ),
    )

    assert sorted(result.version for result in results) == list(range(2, THREADS + 2))
    assert len({result.version_id for result in results}) == THREADS
    history = library.list_versions("pizza")
    assert [version.version for version in history] == list(range(THREADS + 1, 0, -1))
    by_message = {version.commit_message: version.prompt for version in history}
    assert all(by_message[f"Edit {index}"] == f"Edit {index}" for index in range(THREADS))


def test_reads_run_while_writers_hold_the_write_lock(library):
    library.create_prompt(create_body("pizza"))

    def read_or_write(index: int):
        if index % 2:
            return library.update_prompt("pizza", UpdatePromptBody(commit_message="w", prompt=f"w{index}")).version
        return len(library.list_prompts())

    results = run_together(10, read_or_write)
    assert sorted(results[1::2]) == [2, 3, 4, 5, 6]
    assert results[0::2] == [1] * 5
