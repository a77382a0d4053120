"""What the side-by-side benchmarks share: a server process on loopback, medians, and the result table."""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

from tests.support.server_process import ServerProcess, running_server  # noqa: E402


@contextlib.contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder that is removed afterwards, whatever happens."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield Path(folder)


@contextlib.contextmanager
def fresh_server(folder: Path, name: str) -> Iterator[ServerProcess]:
    """A `prompt-studio serve` subprocess on 127.0.0.1 over the library in `folder/name` (new if absent)."""
    with running_server(folder / name / "data") as server:
        yield server


def loopback_environment() -> dict[str, str]:
    """The environment without proxy settings, so nothing any client sends leaves 127.0.0.1."""
    proxies = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    return {key: value for key, value in os.environ.items() if key.lower() not in proxies}


@dataclass
class Comparison:
    """One scenario measured for both sides, in seconds per run."""

    scenario: str
    ours: list[float]
    theirs: list[float]
    target: float

    @property
    def ratio(self) -> float:
        """How many times faster we are (their median over ours)."""
        return statistics.median(self.theirs) / statistics.median(self.ours)


def print_table(title: str, their_name: str, comparisons: list[Comparison]) -> None:
    print()
    print(title)
    header = f"{'scenario':<28} {'ours s':>8} {their_name + ' s':>12} {'ratio':>7} {'target':>7}  met"
    print(header)
    print("-" * len(header))
    for row in comparisons:
        met = "yes" if row.ratio >= row.target else "NO"
        print(
            f"{row.scenario:<28} {statistics.median(row.ours):>8.3f} {statistics.median(row.theirs):>12.3f} "
            f"{row.ratio:>6.1f}x {row.target:>6.1f}x  {met}"
        )
    print()
    print("medians of", ", ".join(f"{len(row.ours)}/{len(row.theirs)}" for row in comparisons), "runs")
    for row in comparisons:
        print(f"  {row.scenario}: ours {_runs(row.ours)}; {their_name} {_runs(row.theirs)}")


def _runs(values: list[float]) -> str:
    return " ".join(f"{value:.3f}" for value in values)
