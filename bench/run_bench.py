"""Nightly-run benchmark: generate masters with `hsguard sample`, run the real nightly flow
on each, and record per-stage wall time, peak RSS and rows/s.

    python bench/run_bench.py                 # 10k and 100k products (what `make bench` runs)
    python bench/run_bench.py 10000 100000 1000000
    python bench/run_bench.py --write-docs    # also rewrite the table in docs/BENCHMARKS.md

Each size also gets two incremental reruns on the same warehouse: 1 % of the products with
new unit values, then 1 % of them reclassified (another product's HTS code).
Results go to bench/results/<date>.json (ignored by git) and are printed as a table.
"""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
HSGUARD = [sys.executable, "-m", "hsguard.cli"]


def run_nightly(sources: Path, warehouse: Path, reports: Path, env: dict) -> dict:
    """One ``hsguard run``; its own peak RSS comes from wait4 (not the max over every child
    this script ever started, which would mix in the sample generator and earlier runs)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [
                *HSGUARD,
                "run",
                "--sources",
                str(sources),
                "--warehouse",
                str(warehouse),
                "--reports",
                str(reports),
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        # reaped by wait4: record the exit code so that Popen does not try to wait again
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"run failed on {sources}:\n{err.read()[-3000:]}")
    peak_kb = usage.ru_maxrss
    summary = json.loads((reports / "latest" / "summary.json").read_text())
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:  # the run history has the report stage too (summary.json is written during it)
        stages = json.loads(
            con.execute(
                "select stage_seconds from audit.run_history where run_id = ?", [summary["run_id"]]
            ).fetchone()[0]
        )
        slowest = con.execute(
            "select unique_id, execution_seconds from audit.dbt_node_results where run_id = ? "
            "order by execution_seconds desc limit 8",
            [summary["run_id"]],
        ).fetchall()
    finally:
        con.close()
    return {
        "wall_seconds": round(wall, 1),
        "stage_seconds": {k: round(v, 1) for k, v in stages.items()},
        # everything outside the stages: Prefect temporary server, imports, publish
        "startup_seconds": round(wall - sum(stages.values()), 1),
        "peak_rss_mb": round(peak_kb / 1024),
        "rows_in": summary["rows_in"],
        "rows_per_second": round(summary["rows_in"] / wall),
        "warehouse_mb": round(warehouse.stat().st_size / 2**20),
        "flags": summary["flags_total"],
        "slowest_dbt_nodes": {name.split(".")[2]: round(sec, 1) for name, sec in slowest},
    }


def change_one_percent(sources: Path, seed: int = 7) -> None:
    """New unit values for 1 % of the products (the common night: prices move)."""
    products = pl.read_csv(sources / "products.csv", infer_schema=False)
    rng = random.Random(seed)
    rows = rng.sample(range(products.height), max(1, products.height // 100))
    values = products["unit_value_usd"].to_list()
    for i in rows:
        values[i] = f"{float(values[i] or 0) + 1:.2f}" if values[i] not in (None, "n/a") else values[i]
    products.with_columns(pl.Series("unit_value_usd", values)).write_csv(sources / "products.csv")


def reclassify_one_percent(sources: Path, seed: int = 11) -> None:
    """1 % of the products get the HTS code of another product of the master (a
    reclassification night: the candidate evidence from classified products changes)."""
    products = pl.read_csv(sources / "products.csv", infer_schema=False)
    rng = random.Random(seed)
    rows = rng.sample(range(products.height), max(1, products.height // 100))
    codes = products["hts_code"].to_list()
    donors = [c for c in codes if c]
    for i in rows:
        codes[i] = rng.choice(donors)
    products.with_columns(pl.Series("hts_code", codes)).write_csv(sources / "products.csv")


def main(argv: list[str]) -> None:
    write_docs = "--write-docs" in argv
    sizes = [int(a) for a in argv if a.isdigit()] or [10_000, 100_000]
    env = dict(os.environ)
    results = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB RAM, "
        f"Python {platform.python_version()}",
        "runs": [],
    }
    with tempfile.TemporaryDirectory(prefix="hsguard-bench-") as tmp:
        env.setdefault("PREFECT_HOME", str(Path(tmp) / "prefect"))
        for size in sizes:
            sources = Path(tmp) / f"sample_{size}"
            started = time.perf_counter()
            subprocess.run(
                [*HSGUARD, "sample", "--products", str(size), "--out", str(sources)],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            generate = round(time.perf_counter() - started, 1)
            warehouse = Path(tmp) / f"wh_{size}" / "hsguard.duckdb"
            reports = Path(tmp) / f"reports_{size}"
            full = run_nightly(sources, warehouse, reports, env)
            change_one_percent(sources)
            rerun = run_nightly(sources, warehouse, reports, env)
            reclassify_one_percent(sources)
            reclassified = run_nightly(sources, warehouse, reports, env)
            row = {
                "products": size,
                "generate_seconds": generate,
                "full": full,
                "rerun_1pct": rerun,
                "rerun_1pct_reclassified": reclassified,
            }
            results["runs"].append(row)
            print(json.dumps(row), flush=True)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{results['date']}.json").write_text(json.dumps(results, indent=2))
    table = format_table(results)
    print(table)
    if write_docs:
        docs = ROOT / "docs" / "BENCHMARKS.md"
        docs.write_text(with_table(docs.read_text() if docs.exists() else "", table))


BEGIN, END = "<!-- bench table -->", "<!-- /bench table -->"


def with_table(text: str, table: str) -> str:
    """``text`` with the part between the bench-table markers replaced by ``table``
    (the markers are appended when absent); everything else is kept."""
    block = f"{BEGIN}\n{table}\n{END}"
    if BEGIN in text and END in text.split(BEGIN, 1)[1]:
        head, rest = text.split(BEGIN, 1)
        return head + block + rest.split(END, 1)[1]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def format_table(results: dict) -> str:
    lines = [
        f"Measured {results['date']} on {results['machine']}.",
        "",
        "| products | rows in | full run (s) | ingest | transform | validate | report "
        "| start-up + publish (s) | peak RSS (MB) | rows/s | 1 % new prices: rerun (s) | rerun / full "
        "| 1 % reclassified: rerun (s) | rerun / full |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in results["runs"]:
        f, r, s = run["full"], run["rerun_1pct"], run["full"]["stage_seconds"]
        c = run.get("rerun_1pct_reclassified")
        reclassified = f"{c['wall_seconds']} | {c['wall_seconds'] / f['wall_seconds']:.0%}" if c else "- | -"
        lines.append(
            f"| {run['products']:,} | {f['rows_in']:,} | {f['wall_seconds']} | {s.get('ingest')} | "
            f"{s.get('transform')} | {s.get('validate')} | {s.get('report')} | "
            f"{f['startup_seconds']} | {f['peak_rss_mb']:,} | {f['rows_per_second']:,} | "
            f"{r['wall_seconds']} | {r['wall_seconds'] / f['wall_seconds']:.0%} | {reclassified} |"
        )
    lines.append("")
    for run in results["runs"]:
        for key, label in (("rerun_1pct", "1 % new prices"), ("rerun_1pct_reclassified", "1 % reclassified")):
            if key in run:
                r = run[key]
                stages = ", ".join(f"{k} {v} s" for k, v in r["stage_seconds"].items())
                lines.append(
                    f"Rerun at {run['products']:,} products, {label}: {stages}, start-up + publish "
                    f"{r['startup_seconds']} s, peak RSS {r['peak_rss_mb']:,} MB, warehouse file "
                    f"{r.get('warehouse_mb', 0):,} MB (full run: {run['full'].get('warehouse_mb', 0):,} MB); "
                    "slowest dbt nodes: "
                    + ", ".join(f"{k} {v} s" for k, v in r.get("slowest_dbt_nodes", {}).items())
                    + "."
                )
    lines.append("")
    for run in results["runs"]:
        nodes = ", ".join(f"{k} {v} s" for k, v in run["full"].get("slowest_dbt_nodes", {}).items())
        lines.append(f"Slowest dbt nodes at {run['products']:,} products (full run): {nodes}.")
    return "\n".join(lines)


if __name__ == "__main__":
    main(sys.argv[1:])
