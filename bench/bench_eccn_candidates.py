"""Benchmark: ECCN candidates for 100k generated products (the dbt ECCN candidate models only).

    .venv/bin/python bench/bench_eccn_candidates.py [--products 100000] [--keep DIR]

1. generates a product master with ``hsguard.sample.generate`` (the usual mix, the
   controlled-sounding EAR99 products included);
2. loads its descriptions and the CCL / Annex I texts into a scratch DuckDB file
   (``hsguard.eccn_candidates.build_scratch``) and builds the upstream staging and product
   models - not timed;
3. times ``dbt run`` of the ECCN candidate models (``models/intermediate/eccn_candidates``
   without the two flag models, and ``marts.fct_product_eccn_candidates``) and prints the
   time of each model.

Target (issue #17): at 100k products the ECCN candidate models add <= 30 s to a full run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hsguard.eccn_candidates import build_scratch, run_models  # noqa: E402
from hsguard.sample import generate  # noqa: E402
from hsguard.settings import apply_offline_defaults  # noqa: E402

ECCN_MODELS = "path:models/intermediate/eccn_candidates fct_product_eccn_candidates"
NOT_TIMED_HERE = "int_flags_eccn_text_review"  # a check: reads the other export-control models


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=None, help="Work folder to keep (default: a temp dir).")
    options = parser.parse_args()
    apply_offline_defaults()
    work = options.keep or Path(tempfile.mkdtemp(prefix="hsguard-bench-eccn-"))
    work.mkdir(parents=True, exist_ok=True)
    database = work / "hsguard.duckdb"
    try:
        started = time.perf_counter()
        generate(options.products, work / "sources")
        products = pl.read_csv(work / "sources" / "products.csv", infer_schema=False)
        products = products.filter(pl.col("sku").is_not_null() & pl.col("description").is_not_null())
        print(f"generated {products.height} products in {time.perf_counter() - started:.1f} s")
        if database.exists():
            database.unlink()
        build_scratch(database, products["sku"].to_list(), products["description"].to_list())
        upstream = run_models(
            database,
            work,
            {},
            select="+int_products_classified stg_ccl__eccns "
            "stg_ccl_text__paragraphs stg_eu__annex_i_paragraphs stg_eu__annex_i_definitions",
        )
        print(f"upstream models (not timed) in {upstream:.1f} s")
        seconds = run_models(database, work, {}, select=ECCN_MODELS, exclude=NOT_TIMED_HERE)
        results = json.loads((work / "dbt_target" / "run_results.json").read_text())["results"]
        con = duckdb.connect(str(database), read_only=True)
        try:
            queries = con.execute("select count(*) from intermediate.int_eccn_candidate_queries").fetchone()[
                0
            ]
            rows = con.execute("select count(*) from marts.fct_product_eccn_candidates").fetchone()[0]
        finally:
            con.close()
        model_seconds = sum(r["execution_time"] for r in results)
        print(
            f"ECCN candidate models: {model_seconds:.1f} s of model execution "
            f"({seconds:.1f} s with dbt start-up) for {products.height} products "
            f"({queries} distinct descriptions, {rows} candidate rows)"
        )
        for r in sorted(results, key=lambda r: -r["execution_time"]):
            print(f"  {r['unique_id'].split('.')[-1]:45s} {r['execution_time']:6.1f} s")
    finally:
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
