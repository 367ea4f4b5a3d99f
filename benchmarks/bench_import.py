"""Time `nafta-log import csv` of the whole UK processed file against tomllib parsing the files it writes.

    python benchmarks/bench_import.py [--csv PATH] [--runs N] [--dir DIR]

The issue's target: importing MixedProcessedData.csv (7,654 meetings) into an empty log takes less than 3x
the time tomllib needs to parse every file the import wrote. Each run imports into a new empty log with the
real command line (a subprocess, as a user runs it), then reads and parses every written .toml file with
tomllib; the best of N runs of each is compared, and the ratio printed. The logs are made in the repo (or in
DIR: `--dir /dev/shm` takes the disk out of the measure, which shows the share of the disk when it is busy).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CSV = REPO.parent / "shared" / "realdata" / "uk-ministers-meetings" / "MixedProcessedData.csv"


def run(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds one command takes; exit if it fails."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}")
    return took


def parse_all(root: Path) -> tuple[float, int]:
    """Seconds tomllib takes to read and parse every .toml file under `root`, and how many there are."""
    paths = [p for p in root.rglob("*.toml") if ".nafta-log" not in p.parts]
    start = time.perf_counter()
    for p in paths:
        with open(p, "rb") as f:
            tomllib.load(f)
    return time.perf_counter() - start, len(paths)


def main() -> None:
    """Import N times, parse N times, print the best times and their ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=REPO, help="where to make the logs (default: the repo)")
    args = ap.parse_args()
    exe = str(Path(sys.executable).parent / "nafta-log")
    env = {**os.environ, "NO_COLOR": "1"}
    imports, parses = [], []
    files = 0
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
            log = Path(tmp) / "log"
            run([exe, "init", str(log)], env)
            imports.append(run([exe, "import", "csv", str(args.csv), "--preset", "uk-ministers", "--log", str(log)],
                               env))
            took, files = parse_all(log)
            parses.append(took)
    best_import, best_parse = min(imports), min(parses)
    print(f"import csv --preset uk-ministers: best of {args.runs}: {best_import:.2f} s "
          f"(all: {', '.join(f'{t:.2f}' for t in imports)})")
    print(f"tomllib parse of the {files:,} files written: best of {args.runs}: {best_parse:.2f} s "
          f"(all: {', '.join(f'{t:.2f}' for t in parses)})")
    print(f"ratio: {best_import / best_parse:.2f} (target: < 3)")


if __name__ == "__main__":
    main()
