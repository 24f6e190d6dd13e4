"""Run every benchmark: ``python -m bench`` (``make bench``), or one by name.

Each benchmark is a module ``bench/bench_<name>.py`` run in its own process, so that
its memory figures are its own. ``python -m bench ctf storage`` runs those two only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = argv or sorted(path.stem[6:] for path in here.glob("bench_*.py"))
    failed = 0
    for name in names:
        print(f"\n=== bench_{name}", flush=True)
        result = subprocess.run(
            [sys.executable, "-m", f"bench.bench_{name}"], check=False
        )
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
