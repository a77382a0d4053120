"""What the side-by-side benchmarks share: a server process on loopback, medians, and the result table."""

from __future__ import annotations

import contextlib
import gc
import os
import statistics
import sys
import tempfile
from collections.abc import Iterator, Sequence
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


ROUND_TRIPS_MS = (0, 40, 150)
"""The distances every side-by-side is measured at: loopback (no proxy), a nearby region, another continent."""


def clear_proxy_settings() -> None:
    """Drop proxy settings from this process's environment: every client here talks to 127.0.0.1 directly."""
    for key in list(os.environ):
        if key.lower() in {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}:
            del os.environ[key]


def settle() -> None:
    """Collect the garbage before a timed side, so that neither side pays for what the other left."""
    gc.collect()


def add_distance_arguments(parser, runs: tuple[int, ...]) -> None:
    """`--rtt` (round trips in ms) and `--runs` (runs at each of them; the last figure repeats)."""
    parser.add_argument("--rtt", type=float, nargs="+", default=list(ROUND_TRIPS_MS),
                        help="round trips in ms, 0 for loopback without the proxy (default: %(default)s)")
    parser.add_argument("--runs", type=int, nargs="+", default=list(runs),
                        help="runs at each round trip, in the order of --rtt; the last repeats (default: %(default)s)")


def runs_at(arguments, position: int) -> int:
    return arguments.runs[min(position, len(arguments.runs) - 1)]


def milliseconds(rtt: float) -> str:
    return f"{rtt:g} ms"


def round_trips(seconds: float, loopback: float, rtt_ms: float) -> str:
    """How many round trips a time is beyond the same work at loopback ("-" at loopback itself)."""
    if rtt_ms <= 0:
        return "-"
    return f"{(seconds - loopback) / (rtt_ms / 1000):.2f}"


def print_grid(
    title: str, columns: list[str], rows: list[list[str]], notes: Sequence[str] = (), left: int = 2
) -> None:
    """A plain table: the first `left` columns left-aligned, the others right-aligned, each as wide as it needs."""
    widths = [max(len(str(row[index])) for row in [columns, *rows]) for index in range(len(columns))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(cell).ljust(width) if index < left else str(cell).rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print()
    print(title)
    print(line(columns))
    print("-" * len(line(columns)))
    for row in rows:
        print(line(row))
    for note in notes:
        print(note)
