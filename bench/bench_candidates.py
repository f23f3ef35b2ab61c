"""Benchmark: candidate codes for 100k generated products (the dbt candidate models only).

    .venv/bin/python bench/bench_candidates.py [--products 100000] [--rulings 200000] [--keep DIR]

1. generates a product master with ``hsguard.sample.generate`` (real ruling and HTSUS
   descriptions, the usual error mix); with ``--rulings N``, replaces its rulings.csv by a
   synthetic corpus of N rulings (``synthetic_rulings``: a user's own CROSS export at
   scale, for the cost of ruling evidence, not for accuracy);
2. loads it and the bundled reference data into a scratch DuckDB file and builds the
   upstream models (staging, tariff union, normalised codes) - not timed;
3. times ``dbt run`` of the candidate models (``int_candidate_*`` and
   ``fct_product_candidates``) for every scheme, and prints products/s and seconds,
   with the time of each model.

Target on the project's 2-core machine: 100k products in <= 2 minutes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hsguard.dbt import invoke_dbt  # noqa: E402
from hsguard.loading import load_reference, load_sources, read_sources  # noqa: E402
from hsguard.sample import generate  # noqa: E402
from hsguard.settings import apply_offline_defaults  # noqa: E402

CANDIDATE_MODELS = "path:models/intermediate/candidates path:models/marts/candidates"


def synthetic_rulings(count: int, path: Path, seed: int = 7) -> int:
    """Write ``count`` synthetic rulings (input-contract rulings.csv) to ``path``.

    Each is a real description (bundled ruling or HTSUS line text) with its real code,
    made distinct by two or three further words drawn from the tariff's own line texts
    (a different text key for every ruling: the cost of ruling evidence grows with
    distinct texts). Synthetic: for timing only, never for accuracy or tuning."""
    import csv
    import random
    import re

    from hsguard.sample import Tariff, load_material

    rng = random.Random(seed)
    tariff = Tariff()
    material, review = load_material(tariff, rng)
    material += review
    vocabulary = sorted({w for _, chain in tariff.leaves for w in re.findall(r"[a-z]{4,}", chain.lower())})
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ruling_id", "authority", "issued_date", "status", "description", "hts_code"])
        for i in range(count):
            item = material[i % len(material)]
            extra = " ".join(rng.sample(vocabulary, rng.randint(2, 3)))
            code = item.code
            writer.writerow(
                [
                    f"SYN-{i + 1:07d}",
                    "CBP",
                    "2025-01-01",
                    "active",
                    f"{item.description}, {extra}",
                    f"{code[:4]}.{code[4:6]}.{code[6:]}",
                ]
            )
    return count


def run(args: list[str], database: Path, work: Path, dbt_vars: dict) -> float:
    started = time.perf_counter()
    result = invoke_dbt(args, database, work, dbt_vars, run_id="bench")
    seconds = time.perf_counter() - started
    if result.exception is not None or not result.success:
        failed = [
            f"{r.node.unique_id}: {r.message}"
            for r in (getattr(result.result, "results", []) or [])
            if str(r.status) in ("error", "fail", "runtime error")
        ]
        raise SystemExit(f"dbt {' '.join(args[:1])} failed: {result.exception or failed[:3]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the scratch folder here (default: a temp dir)")
    parser.add_argument("--schemes", nargs="*", help="only these schemes (default: every loaded scheme)")
    parser.add_argument("--rulings", type=int, help="replace the rulings by N synthetic ones (cost at scale)")
    options = parser.parse_args()
    apply_offline_defaults()

    work = options.keep or Path(tempfile.mkdtemp(prefix="hsguard-bench-candidates-"))
    work.mkdir(parents=True, exist_ok=True)
    sources, database = work / "sources", work / "hsguard.duckdb"
    try:
        started = time.perf_counter()
        summary = generate(options.products, sources)
        print(f"generated {summary['products']} products in {time.perf_counter() - started:.1f} s")
        if options.rulings:
            started = time.perf_counter()
            synthetic_rulings(options.rulings, sources / "rulings.csv")
            print(f"wrote {options.rulings} synthetic rulings in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        if database.exists():
            database.unlink()
        con = duckdb.connect(str(database))
        try:
            now = datetime.now(UTC)
            load_sources(con, read_sources(sources), "bench", now)
            load_reference(con, None, "bench", now)
            con.execute("checkpoint")
        finally:
            con.close()
        print(f"loaded sources and reference data in {time.perf_counter() - started:.1f} s")

        dbt_vars: dict = {}
        if options.schemes:
            dbt_vars["candidate_schemes"] = options.schemes
        upstream = run(
            [
                "run",
                "--select",
                "+fct_product_candidates",
                "--exclude",
                CANDIDATE_MODELS,
                "fct_product_candidates",
            ],
            database,
            work,
            dbt_vars,
        )
        run(["seed", "--select", "text_synonyms"], database, work, dbt_vars)
        print(f"upstream models (not timed) in {upstream:.1f} s")

        seconds = run(["run", "--select", CANDIDATE_MODELS], database, work, dbt_vars)
        results = json.loads((work / "dbt_target" / "run_results.json").read_text())["results"]
        con = duckdb.connect(str(database), read_only=True)
        try:
            products = con.execute("select count(*) from intermediate.int_candidate_queries").fetchone()[0]
            texts = con.execute(
                "select count(distinct text_key) from intermediate.int_candidate_queries"
            ).fetchone()[0]
            rows, schemes = con.execute(
                "select count(*), count(distinct scheme) from marts.fct_product_candidates"
            ).fetchone()
            rulings = con.execute("select count(*) from staging.stg_rulings__rulings").fetchone()[0]
        finally:
            con.close()
        print()
        for r in sorted(results, key=lambda r: -r["execution_time"]):
            print(f"  {r['unique_id'].split('.')[-1]:<40} {r['execution_time']:6.1f} s")
        print()
        print(
            f"candidate generation: {products} products ({texts} distinct descriptions), {rulings} rulings, "
            f"{schemes} scheme(s), {rows} candidate rows in {seconds:.1f} s = "
            f"{products / seconds:,.0f} products/s"
        )
    finally:
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
