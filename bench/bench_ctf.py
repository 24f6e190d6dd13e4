"""How fast, and in how much memory, Pontio reads and checks CTF files.

Run from the repository root::

    python -m bench.bench_ctf [--rounds N] [--runs N] [--single-runs N] [--keep DIR]

It makes synthetic CTFs (fixed seed): about 10 MB with 3,000 pupils, about 30 MB
with 9,000, and one with a single pupil. It then measures, side by side:

(a) lxml parsing the 10 MB file into a tree (``etree.parse``), the floor;
(b) full validation (``validate_ctf``: schema and rules);
(c) reading the file into objects (iterating ``iter_ctf``);

Each operation is timed in a fresh child process that first warms up on a tiny
file (so that imports and the compiled schema are not counted); the children run
in interleaved rounds (a, b, c, a, b, c, ...), each making a few runs. So a
neighbour's load on a shared machine falls on all three alike, and no operation
runs on a heap that another has just churned (after freeing a 150 MB tree, the
same process runs the next operation measurably slower).

Printed: the best wall-clock seconds of all runs; the median over the rounds of
each child's median, in wall-clock and in CPU seconds (which other processes
barely disturb); the ratios (b)/(a) and (c)/(a) as the median over the rounds of
each round's own ratio, in wall-clock and in CPU time; then the peak memory of
each operation in its first child, the same for the 30 MB file, and the median
time to validate the single-pupil file. Nothing is asserted: the numbers are for
reading.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from pontio.ctf.reader import iter_ctf
from pontio.ctf.synthetic import iter_fake_ctf
from pontio.ctf.validator import validate_ctf
from pontio.ctf.writer import write_ctf_stream

SEED = 2025
SOURCE = "6612001"
DESTINATION = "6614003"
# The day the validator takes as today: inside the files' academic year.
TODAY = datetime.date(2025, 11, 3)
FILES = {"10mb": 3_000, "30mb": 9_000}
TARGET_RATIO = 3.0
TARGET_PEAK_MB = 100.0
TARGET_SINGLE_MS = 5.0
KB_PER_MB = 1024
OPERATIONS = ("parse", "validate", "read")


def make_files(folder: Path) -> dict[str, Path]:
    """The benchmark's CTFs, written one pupil at a time."""
    paths: dict[str, Path] = {}
    for name, pupils in FILES.items():
        paths[name] = _make(folder / f"{name}.xml", pupils, DESTINATION)
    paths["single"] = _make(folder / "single.xml", 1, "XXXXXXX")
    return paths


def _make(path: Path, pupils: int, destination: str) -> Path:
    header, made = iter_fake_ctf(
        pupils=pupils, source=SOURCE, destination=destination, seed=SEED, today=TODAY
    )
    with path.open("wb") as target:
        write_ctf_stream(header, made, target)
    return path


def parse(path: Path) -> None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    etree.parse(str(path), parser)


def validate(path: Path) -> None:
    report = validate_ctf(path, today=TODAY)
    if not report.valid:
        raise SystemExit(f"{path} is not valid: {report.errors[:3]}")


def read(path: Path) -> None:
    with iter_ctf(path) as reader:
        for _pupil in reader:
            pass


ACTIONS: dict[str, Callable[[Path], None]] = {
    "parse": parse,
    "validate": validate,
    "read": read,
}


@dataclass
class Timings:
    """One operation's seconds: each round's median, and the best run of all."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    best_wall: float = float("inf")
    # Memory in the first round's child: MB added by the operation, process MB.
    memory: tuple[float, float] = (0.0, 0.0)

    def add(self, measured: dict[str, Any]) -> None:
        self.wall.append(statistics.median(measured["wall"]))
        self.cpu.append(statistics.median(measured["cpu"]))
        self.best_wall = min(self.best_wall, *measured["wall"])
        if len(self.wall) == 1:
            self.memory = _memory_mb(measured)


def time_rounds(path: Path, rounds: int, runs: int) -> dict[str, Timings]:
    """Each operation timed in a fresh child per round, the rounds interleaved."""
    timings = {name: Timings() for name in OPERATIONS}
    for _ in range(rounds):
        for name in OPERATIONS:
            timings[name].add(run_child(name, path, runs))
    return timings


def median_ratio(numerators: list[float], denominators: list[float]) -> float:
    """The median over the rounds of each round's own ratio."""
    pairs = zip(numerators, denominators, strict=True)
    return statistics.median(top / bottom for top, bottom in pairs)


def median_ms(action: Callable[[Path], None], path: Path, runs: int) -> float:
    action(path)  # warm: the schema is compiled once per process
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def run_child(operation: str, path: Path, runs: int) -> dict[str, Any]:
    """Time and measure ``operation`` on ``path`` in a fresh, warmed-up process."""
    result = subprocess.run(
        [
            *(sys.executable, "-m", "bench.bench_ctf"),
            *("--child", operation, str(path), str(runs)),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    measured: dict[str, Any] = json.loads(result.stdout)
    return measured


def _memory_mb(measured: dict[str, Any]) -> tuple[float, float]:
    return measured["added_kb"] / KB_PER_MB, measured["peak_kb"] / KB_PER_MB


def child(operation: str, path: Path, runs: int) -> None:
    """In a child process: warm up on a tiny file, then measure one operation.

    The first run gives the memory figures; every run gives its seconds.
    """
    tiny = Path(tempfile.mkdtemp()) / "tiny.xml"
    _make(tiny, 1, "XXXXXXX")
    action = ACTIONS[operation]
    action(tiny)
    before = _reset_peak_kb()
    walls, cpus = [], []
    for run in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        action(path)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
        if run == 0:
            peak = _status_kb("VmHWM")
    measured = {"added_kb": peak - before, "peak_kb": peak}
    print(json.dumps({**measured, "wall": walls, "cpu": cpus}))


def _status_kb(field: str) -> int:
    """A memory figure of this process from /proc, in kilobytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise SystemExit(f"no {field} in /proc/self/status")


def _reset_peak_kb() -> int:
    """Reset the peak resident size to the current one, and return it.

    ``getrusage`` will not do: Linux carries ``ru_maxrss`` over from the parent
    across fork and exec, so a child would report the parent's peak. VmHWM
    belongs to this process image alone, and writing 5 to clear_refs resets it.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return _status_kb("VmHWM")
    return _status_kb("VmRSS")


WIDTHS = (32, 7, 7, 7, 8, 8, 9, 10)
HEADINGS = (
    ("operation", "best s", "median", "CPU s", "x parse", "x parse", "MB added"),
    ("", "wall", "wall", "median", "wall", "CPU", "", "process MB"),
)


def _row(*cells: object) -> str:
    return "  ".join(
        str(cell).ljust(width) for cell, width in zip(cells, WIDTHS, strict=False)
    ).rstrip()


LABELS = {
    "parse": "(a) lxml etree.parse",
    "validate": "(b) validate_ctf (schema+rules)",
    "read": "(c) iter_ctf into objects",
}


def report(paths: dict[str, Path], rounds: int, runs: int, single_runs: int) -> None:
    big = paths["10mb"]
    timings = time_rounds(big, rounds, runs)
    memory_30 = {
        name: _memory_mb(run_child(name, paths["30mb"], 1)) for name in OPERATIONS
    }
    single = median_ms(validate, paths["single"], single_runs)

    size_mb = big.stat().st_size / KB_PER_MB / KB_PER_MB
    print(f"CTF benchmark: {size_mb:.1f} MB file, {FILES['10mb']:,} pupils; {rounds}")
    print(f"interleaved rounds, each operation in a fresh process, {runs} runs.\n")
    _print_times(timings)
    print()
    size_30 = paths["30mb"].stat().st_size / KB_PER_MB / KB_PER_MB
    print(f"{size_30:.1f} MB file ({FILES['30mb']:,} pupils), memory:")
    print(_row("operation", "", "", "", "", "", "MB added", "process MB"))
    for name in OPERATIONS:
        added, peak = memory_30[name]
        print(_row(LABELS[name], "", "", "", "", "", f"{added:.1f}", f"{peak:.1f}"))
    print()
    print(f"single-pupil file, validate_ctf median of {single_runs}: {single:.2f} ms")
    print()
    print(
        f"targets: (b)/(a) and (c)/(a) <= {TARGET_RATIO}, peak of (b) and (c) < "
        f"{TARGET_PEAK_MB:.0f} MB, single-pupil file <= {TARGET_SINGLE_MS} ms"
    )


def _print_times(timings: dict[str, Timings]) -> None:
    """The table for the 10 MB file: seconds, ratios to (a) and memory."""
    print(_row(*HEADINGS[0]))
    print(_row(*HEADINGS[1]))
    print(_row(*("-" * width for width in WIDTHS)))
    parse = timings["parse"]
    for name in OPERATIONS:
        each = timings[name]
        added, peak = each.memory
        cells = (
            f"{each.best_wall:.3f}",
            f"{statistics.median(each.wall):.3f}",
            f"{statistics.median(each.cpu):.3f}",
            f"{median_ratio(each.wall, parse.wall):.2f}",
            f"{median_ratio(each.cpu, parse.cpu):.2f}",
        )
        print(_row(LABELS[name], *cells, f"{added:.1f}", f"{peak:.1f}"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_ctf")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3, help="runs per process")
    parser.add_argument("--single-runs", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    parser.add_argument("--child", nargs=3, metavar=("OPERATION", "FILE", "RUNS"))
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), int(args.child[2]))
        return 0
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        paths = make_files(folder)
        made = time.perf_counter() - start
        print(f"made the files in {made:.1f} s\n")
        report(paths, args.rounds, args.runs, args.single_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
