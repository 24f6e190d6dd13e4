"""How fast, and in how much memory, Pontio reads and checks CTF files.

Run from the repository root::

    python -m bench.bench_ctf [--runs N] [--single-runs N] [--keep DIR]

It makes synthetic CTFs (fixed seed): about 10 MB with 3,000 pupils, about 30 MB
with 9,000, and one with a single pupil. It then measures, side by side:

(a) lxml parsing the 10 MB file into a tree (``etree.parse``), the floor;
(b) full validation (``validate_ctf``: schema and rules);
(c) reading the file into objects (iterating ``iter_ctf``);

and prints seconds (best of N), the ratios (b)/(a) and (c)/(a), the peak memory of
each in a fresh child process, the same for the 30 MB file, and the median time to
validate the single-pupil file. Nothing is asserted: the numbers are for reading.
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
from pathlib import Path

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


def best_seconds(action: Callable[[Path], None], path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action(path)
        times.append(time.perf_counter() - start)
    return min(times)


def median_ms(action: Callable[[Path], None], path: Path, runs: int) -> float:
    action(path)  # warm: the schema is compiled once per process
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def peak_mb(operation: str, path: Path) -> tuple[float, float]:
    """Memory the operation adds to a fresh, warmed-up process, and its whole peak."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_ctf", "--child", operation, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(result.stdout)
    return measured["added_kb"] / KB_PER_MB, measured["peak_kb"] / KB_PER_MB


def child(operation: str, path: Path) -> None:
    """In a child process: warm up on a tiny file, then measure one operation."""
    tiny = Path(tempfile.mkdtemp()) / "tiny.xml"
    _make(tiny, 1, "XXXXXXX")
    ACTIONS[operation](tiny)
    before = _reset_peak_kb()
    ACTIONS[operation](path)
    peak = _status_kb("VmHWM")
    print(json.dumps({"added_kb": peak - before, "peak_kb": peak}))


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


def _row(*cells: object) -> str:
    widths = (34, 9, 9, 10, 12)
    return "  ".join(
        str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True)
    )


def report(paths: dict[str, Path], runs: int, single_runs: int) -> None:
    big = paths["10mb"]
    seconds = {name: best_seconds(ACTIONS[name], big, runs) for name in OPERATIONS}
    memory = {name: peak_mb(name, big) for name in OPERATIONS}
    memory_30 = {name: peak_mb(name, paths["30mb"]) for name in OPERATIONS}
    single = median_ms(validate, paths["single"], single_runs)

    size_mb = big.stat().st_size / KB_PER_MB / KB_PER_MB
    size_30 = paths["30mb"].stat().st_size / KB_PER_MB / KB_PER_MB
    print(f"CTF benchmark: {size_mb:.1f} MB file, {FILES['10mb']:,} pupils; best of")
    print(f"{runs} runs; peak memory measured in a fresh process each.\n")
    print(_row("operation", "seconds", "x parse", "MB added", "process MB"))
    print(_row("-" * 34, "-" * 9, "-" * 9, "-" * 10, "-" * 12))
    labels = {
        "parse": "(a) lxml etree.parse",
        "validate": "(b) validate_ctf (schema+rules)",
        "read": "(c) iter_ctf into objects",
    }
    for name in OPERATIONS:
        ratio = seconds[name] / seconds["parse"]
        added, peak = memory[name]
        print(
            _row(
                labels[name],
                f"{seconds[name]:.3f}",
                f"{ratio:.2f}",
                f"{added:.1f}",
                f"{peak:.1f}",
            )
        )
    print()
    print(f"{size_30:.1f} MB file ({FILES['30mb']:,} pupils), memory:")
    print(_row("operation", "", "", "MB added", "process MB"))
    for name in OPERATIONS:
        added, peak = memory_30[name]
        print(_row(labels[name], "", "", f"{added:.1f}", f"{peak:.1f}"))
    print()
    print(f"single-pupil file, validate_ctf median of {single_runs}: {single:.2f} ms")
    print()
    print(
        f"targets: (b)/(a) and (c)/(a) <= {TARGET_RATIO}, peak of (b) and (c) < "
        f"{TARGET_PEAK_MB:.0f} MB, single-pupil file <= {TARGET_SINGLE_MS} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_ctf")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--single-runs", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    parser.add_argument("--child", nargs=2, metavar=("OPERATION", "FILE"))
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return 0
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        paths = make_files(folder)
        made = time.perf_counter() - start
        print(f"made the files in {made:.1f} s\n")
        report(paths, args.runs, args.single_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
