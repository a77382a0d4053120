"""How fast the merge engine is, next to `git merge-file` on the same input.

Run: `python benchmarks/merge_bench.py`. Prints the median of several runs for each case: our merge in
process, and git as a subprocess (its wall time, start-up included, which is what a user would wait for).
For the prompt case git merges the three configs written as indented JSON, a fair stand-in for the text
it would have to read.
"""

from __future__ import annotations

import copy
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prompt_studio.merge import merge_config, merge_text

RUNS = 15
WORDS = [
    "the", "a", "prompt", "model", "user", "system", "answer", "question", "context", "data", "you", "should",
    "always", "never", "be", "brief",
]


def timings_ms(action: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """(median, best) of `runs` timed runs after one warm-up; the best shows the cost without a busy machine."""
    action()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000, min(timings) * 1000


def edited_lines(lines: list[str], generator: random.Random, edits: int, tag: str) -> list[str]:
    result = list(lines)
    for number in range(edits):
        position = generator.randrange(len(result))
        roll = generator.random()
        if roll < 0.6:
            result[position] = f"{tag} edit {number}: {generator.choice(WORDS)}\n"
        elif roll < 0.8:
            result.insert(position, f"{tag} insert {number}\n")
        else:
            del result[position]
    return result


def text_case(generator: random.Random) -> tuple[str, str, str]:
    """10,000 lines of prose with blank lines; each side makes 60 scattered edits."""
    base = [" ".join(generator.choice(WORDS) for _ in range(generator.randint(0, 12))) + "\n"
            for _ in range(10_000)]
    return (
        "".join(base),
        "".join(edited_lines(base, generator, 60, "ours")),
        "".join(edited_lines(base, generator, 60, "theirs")),
    )


def prompt_case(generator: random.Random) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A prompt with 200 messages; one side inserts and edits messages, the other edits and deletes."""
    base = {
        "prompt": "You are a careful assistant.\nAnswer briefly.\n",
        "model": "openai/gpt-4o",
        "messages": [
            {"role": "user" if index % 2 == 0 else "assistant",
             "content": "\n".join(" ".join(generator.choice(WORDS) for _ in range(8)) for _ in range(4))}
            for index in range(200)
        ],
        "inputs": [{"identifier": "question", "type": "str"}],
        "outputs": [{"identifier": "output", "type": "str"}],
        "temperature": 0.5,
    }
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    for index in range(0, 200, 20):
        ours["messages"].insert(index, {"role": "system", "content": f"Note {index}."})
    for index in range(5, 200, 10):
        message = ours["messages"][index]
        message["content"] = "Edited first line.\n" + message["content"].split("\n", 1)[1]
        theirs["messages"][index + 3]["content"] += "\nOne more line."
    del theirs["messages"][150:155]
    theirs["temperature"] = 0.7
    return base, ours, theirs


def git_ms(folder: Path, base: str, ours: str, theirs: str) -> tuple[float, float]:
    paths = []
    for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
        path = folder / name
        path.write_text(text)
        paths.append(str(path))
    return timings_ms(lambda: subprocess.run(["git", "merge-file", "-p", *paths], capture_output=True, check=False))


def main() -> None:
    generator = random.Random(20240601)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        base, ours, theirs = text_case(generator)
        text_result = merge_text(base, ours, theirs)
        rows.append(("10,000-line text", timings_ms(lambda: merge_text(base, ours, theirs)),
                     git_ms(Path(folder), base, ours, theirs), f"{len(text_result.conflicts)} conflicts"))

        base_config, ours_config, theirs_config = prompt_case(generator)
        config_result = merge_config(base_config, ours_config, theirs_config)
        as_json = [json.dumps(config, indent=2) + "\n" for config in (base_config, ours_config, theirs_config)]
        rows.append(("prompt, 200 messages",
                     timings_ms(lambda: merge_config(base_config, ours_config, theirs_config)),
                     git_ms(Path(folder), *as_json),
                     f"{len(config_result.conflicts)} conflicts, {len(config_result.changes)} changes"))

    print(f"{RUNS} runs each, Python {sys.version.split()[0]}; times in ms as median / best")
    print(f"{'case':<22} {'ours':>13} {'git merge-file':>15} {'ratio (median)':>15}  result")
    for name, (ours_median, ours_best), (git_median, git_best), outcome in rows:
        print(f"{name:<22} {ours_median:>6.1f} / {ours_best:<4.1f} {git_median:>7.1f} / {git_best:<5.1f} "
              f"{ours_median / git_median:>14.2f}x  {outcome}")


if __name__ == "__main__":
    main()
