"""Benchmark encrypted file storage: ``python -m bench.bench_storage``.

For a 10 MB and a 100 MB file: encrypt and store (``store_blob``, including the
fsync), and read and verify (``open_blob``, with its default verifying first pass
and with a single pass), in MB/s and peak traced Python memory. Runs in a
throw-away data folder with SQLite and the file-system storage.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

MB = 1024 * 1024
SIZES_MB = (10, 100)
DATA_DIR = Path(tempfile.mkdtemp(prefix="pontio-bench-storage-"))

# Never touch a real deployment's database, storage or keys.
os.environ["PONTIO_DATA_DIR"] = str(DATA_DIR)
for name in ("DATABASE_URL", "PONTIO_STORAGE_URL", "PONTIO_MASTER_KEY_FILE"):
    os.environ.pop(name, None)
os.environ["DJANGO_SETTINGS_MODULE"] = "pontio.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from pontio.transfers.blobs import open_blob, store_blob  # noqa: E402
from pontio.transfers.models import StoredBlob  # noqa: E402


def make_source(size_mb: int) -> Path:
    path = DATA_DIR / f"source-{size_mb}"
    with path.open("wb") as handle:
        for _ in range(size_mb):
            handle.write(os.urandom(MB))
    return path


def store(path: Path) -> StoredBlob:
    with path.open("rb") as source:
        return store_blob(source)


def read(blob: StoredBlob, *, verify_first: bool) -> int:
    total = 0
    with open_blob(blob, verify_first=verify_first) as reader:
        for chunk in reader.chunks():
            total += len(chunk)
    return total


def measure(work: Callable[[], object]) -> tuple[float, float]:
    """Return (seconds, peak traced MiB): timed untraced, then traced apart."""
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        work()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return seconds, peak / MB


def run() -> list[tuple[str, str, float, float]]:
    rows = []
    for size_mb in SIZES_MB:
        path = make_source(size_mb)
        blob = store(path)
        operations: dict[str, Callable[[], object]] = {
            "encrypt + store": lambda path=path: store(path),
            "read + verify (2 passes)": lambda b=blob: read(b, verify_first=True),
            "read + verify (1 pass)": lambda b=blob: read(b, verify_first=False),
        }
        for label, work in operations.items():
            seconds, peak_mib = measure(work)
            rows.append((f"{size_mb} MB", label, size_mb / seconds, peak_mib))
        path.unlink()
    return rows


def main() -> int:
    try:
        call_command("migrate", verbosity=0)
        rows = run()
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    print(f"{'file':<8} {'operation':<26} {'MB/s':>8} {'peak MiB':>9}")
    for size, label, rate, peak in rows:
        print(f"{size:<8} {label:<26} {rate:>8.0f} {peak:>9.2f}")
    max_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {max_rss_mib:.0f} MiB (includes the Python runtime)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
