"""Benchmark: `hsguard suggest` for one description on the bundled reference data.

    .venv/bin/python bench/bench_suggest.py [--runs 10] [--scheme HTSUS]

Runs the command once to build its cache (timed apart), then ``--runs`` times with
different real descriptions (the bundled rulings' first ones) and prints the median and
the slowest wall-clock time of the whole command (Python start-up included) and the
CPU time it used (on a shared machine the CPU time says what the command costs; the
wall time what a user waits). The cache goes to a scratch folder (HSGUARD_SUGGEST_CACHE).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hsguard.candidates import read_rulings  # noqa: E402


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"suggest failed: {done.stderr.strip().splitlines()[-1:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--scheme", default="HTSUS")
    options = parser.parse_args()
    texts = read_rulings(None)["description"].drop_nulls().to_list()[: options.runs + 1]
    with tempfile.TemporaryDirectory(prefix="hsguard-bench-suggest-") as cache:
        env = {**os.environ, "HSGUARD_SUGGEST_CACHE": cache, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "hsguard.cli", "suggest", "--scheme", options.scheme]
        wall, cpu = timed([*command, texts[0]], env)
        print(f"first call (builds the cache): {wall:.1f} s wall, {cpu:.1f} s CPU")
        walls, cpus = [], []
        for text in texts[1:]:
            wall, cpu = timed([*command, text], env)
            walls.append(wall)
            cpus.append(cpu)
        print(
            f"{len(walls)} descriptions from the cache: median {statistics.median(walls):.2f} s wall "
            f"(slowest {max(walls):.2f} s), median {statistics.median(cpus):.2f} s CPU"
        )


if __name__ == "__main__":
    main()
