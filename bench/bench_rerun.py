"""Unchanged-rerun benchmark: a first `hsguard run` on the bundled sample into a fresh
warehouse, then reruns on the same warehouse with nothing changed (same files, same
reference data, same code), as a scheduled night with no new export is.

    python bench/bench_rerun.py            # one first run, two unchanged reruns
    python bench/bench_rerun.py --reruns 3

For each run it prints the wall time, the CPU time of the run process and every process
it waited for (Prefect's temporary server included: os.wait4), the stage times from
the run's summary.json, the 1-minute load average before and after it, and whether the
run said plainly that nothing changed. Runs use Prefect's temporary server, as a user's
`hsguard run` does. The reruns take the unchanged-night path (flows/unchanged.py) only
when they start on the first run's day (UTC): a bench across midnight measures the
ordinary rerun after it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTHING_CHANGED = "nothing changed since the published run"


def one_run(warehouse: Path, reports: Path, env: dict) -> dict:
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hsguard.cli", "run", "--sources", str(ROOT / "data" / "sample"),
             "--warehouse", str(warehouse), "--reports", str(reports)],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        output = out.read()
    if proc.returncode != 0:
        raise SystemExit(f"run failed:\n{output[-3000:]}")
    summary = json.loads((reports / "latest" / "summary.json").read_text(encoding="utf-8"))
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "stages_s": {k: round(v, 1) for k, v in summary["stage_seconds"].items()},
        "nothing_changed": NOTHING_CHANGED in output,
        "load": f"{load_before:.1f}-{os.getloadavg()[0]:.1f}",
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hsguard-bench-rerun-") as tmp:
        root = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env["PREFECT_HOME"] = str(root / "prefect")
        warehouse, reports = root / "wh" / "hsguard.duckdb", root / "reports"
        runs = [("first run", one_run(warehouse, reports, env))]
        for n in range(1, args.reruns + 1):
            runs.append((f"unchanged rerun {n}", one_run(warehouse, reports, env)))
    first = runs[0][1]
    print(
        f"{'run':<20} {'wall (s)':>9} {'wall / first':>13} {'CPU (s)':>8} {'CPU / first':>12} "
        f"{'load (1 min)':>13}  stages (s)"
    )
    for name, r in runs:
        share = f"{r['cpu_s'] / first['cpu_s']:.0%}"
        wall = f"{r['wall_s'] / first['wall_s']:.0%}"
        said = "  (said: nothing changed)" if r["nothing_changed"] else ""
        print(
            f"{name:<20} {r['wall_s']:>9} {wall:>13} {r['cpu_s']:>8} {share:>12} {r['load']:>13}  "
            f"{r['stages_s']}{said}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
