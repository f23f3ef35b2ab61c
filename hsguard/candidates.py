"""Candidate codes: evaluate the dbt candidate models on real rulings, and suggest codes for one text.

Both entry points run the same dbt SQL as the nightly build (``models/intermediate/candidates``
and ``marts.fct_product_candidates``) on a scratch DuckDB file; nothing is scored in Python.

* :func:`evaluate_candidates` loads the bundled reference data and a rulings file into a
  scratch warehouse, lets the rulings be both the products to classify (sku = ruling id,
  description = the ruling's description) and the ruling evidence, and builds the
  candidates with ``candidates_exclude_self_rulings: true``: the SQL drops a product's own
  ruling from its evidence (leave-one-out). It then compares each ruling's rank-1..k
  candidates with the ruling's own code at 2, 4, 6 and 10 digits.
* :func:`suggest` scores one free-text description: on a scratch copy of a warehouse
  (the text becomes one extra product, so the master's classified products serve as peer
  evidence) or, without a warehouse, on freshly loaded reference data.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from hsguard import suggest_cache
from hsguard.codes import strip_separators
from hsguard.contracts import PRODUCTS, RULINGS, SOURCE_CONTRACTS
from hsguard.dbt import invoke_dbt
from hsguard.loading import BUNDLED_RULINGS, load_reference
from hsguard.reference import parse_atlas_rulings
from hsguard.settings import apply_offline_defaults
from hsguard.sources import ROW_NUMBER, read_contract_file
from hsguard.suggest_cache import SUGGEST_SKU
from hsguard.warehouse import write_table

#: Reference figures on the same kind of task (CBP CROSS rulings, HTSUS), for comparison.
REFERENCES = {
    "ATLAS (fine-tuned 70B LLM)": {"top1_6": 0.575, "top1_10": 0.40},
    "BM25 over HTS leaf text": {"top1_6": 0.12, "top5_6": 0.27},
}
DIGITS = (2, 4, 6, 10)
CONFIDENCE_BANDS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0001))


class CandidateBuildError(RuntimeError):
    """The dbt candidate models did not build."""


def _lineage(frame: pl.DataFrame, source: str, run_id: str) -> pl.DataFrame:
    loaded_at = datetime.now(UTC)
    if ROW_NUMBER not in frame.columns:
        frame = frame.with_row_index(ROW_NUMBER, offset=2).with_columns(pl.col(ROW_NUMBER).cast(pl.Int64))
    return frame.with_columns(
        pl.lit(source).alias("_source_file"),
        pl.lit("").alias("_source_sha256"),
        pl.lit(loaded_at).cast(pl.Datetime("us", "UTC")).alias("_loaded_at"),
        pl.lit(run_id).alias("_run_id"),
    )


def _contract_frame(contract, rows: dict[str, list]) -> pl.DataFrame:
    """A raw table with every contract column (text), filled from ``rows``."""
    height = len(next(iter(rows.values()))) if rows else 0
    return pl.DataFrame(
        {
            name: pl.Series(name, rows.get(name, [None] * height), dtype=pl.Utf8)
            for name in contract.column_names
        }
    )


def read_rulings(rulings_file: Path | None) -> pl.DataFrame:
    """Rulings as ``raw.rulings`` rows: the bundled ATLAS file, another ATLAS-style
    ``.jsonl``, or a ``rulings.csv`` following the input contract."""
    path = rulings_file or BUNDLED_RULINGS
    if path.suffix.lower() == ".jsonl":
        frame = parse_atlas_rulings(path)
    else:
        loaded = read_contract_file(path, RULINGS)
        frame = loaded.good
    frame = frame.with_columns(pl.col("status").fill_null("active"))
    columns = [*RULINGS.column_names, ROW_NUMBER] if ROW_NUMBER in frame.columns else RULINGS.column_names
    return frame.select([pl.col(c).cast(pl.Utf8) if c != ROW_NUMBER else pl.col(c) for c in columns])


def build_scratch_warehouse(
    database: Path, products: pl.DataFrame, rulings: pl.DataFrame, run_id: str = "candidates"
) -> None:
    """Load the bundled reference data, ``rulings`` and ``products`` into a fresh DuckDB file."""
    con = duckdb.connect(str(database))
    try:
        load_reference(con, None, run_id, datetime.now(UTC))
        given = {PRODUCTS.raw_table: products, RULINGS.raw_table: rulings}
        for contract in SOURCE_CONTRACTS:  # every raw table of the input contract exists
            frame = given.get(contract.raw_table)
            if frame is None:
                frame = _contract_frame(contract, {name: [] for name in contract.column_names})
            write_table(con, "raw", contract.raw_table, _lineage(frame, contract.file_name, run_id))
        con.execute("checkpoint")
    finally:
        con.close()


def run_candidate_models(
    database: Path,
    work_dir: Path,
    dbt_vars: dict,
    with_tests: bool = True,
    quiet: bool = False,
    run_id: str = "candidates",
    select: tuple[str, ...] = ("+fct_product_candidates",),
) -> float:
    """Build ``+fct_product_candidates`` (seeds and upstream models; with or without tests),
    or the nodes ``select`` names.

    Returns the seconds dbt took; raises CandidateBuildError when a node fails.
    """
    apply_offline_defaults()
    command = ["build", "--select", *select]
    if quiet:  # only errors on the console (the CLI prints its own result)
        command = ["--quiet", *command]
    if not with_tests:
        command += ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    started = time.perf_counter()
    result = invoke_dbt(command, database, work_dir, dbt_vars, run_id=run_id)
    seconds = time.perf_counter() - started
    if result.exception is not None:
        raise CandidateBuildError(f"dbt could not run: {result.exception}")
    failures = [
        f"{r.node.unique_id}: {str(r.message or r.status).splitlines()[0]}"
        for r in (getattr(result.result, "results", []) or [])
        if str(r.status) in ("error", "fail", "runtime error")
    ]
    if failures or not result.success:
        raise CandidateBuildError("candidate build failed: " + ("; ".join(failures[:5]) or "see dbt log"))
    return seconds


def _model_seconds(work_dir: Path) -> float:
    """Seconds dbt spent executing the candidate models (from run_results.json)."""
    import json

    path = work_dir / "dbt_target" / "run_results.json"
    if not path.exists():
        return 0.0
    results = json.loads(path.read_text())["results"]
    return sum(
        r.get("execution_time", 0.0)
        for r in results
        if r["unique_id"].startswith("model.") and "candidate" in r["unique_id"]
    )


def evaluate_candidates(
    rulings_file: Path | None = None,
    top_k: int = 5,
    leave_one_out: bool = True,
    work_dir: Path | None = None,
    extra_vars: dict | None = None,
    quiet: bool = False,
) -> dict:
    """Leave-one-out accuracy of the candidate models on real rulings.

    Each ruling is classified from its description with all *other* rulings as evidence
    (``leave_one_out=False`` lets a ruling be its own evidence: only to show the
    difference). Returns top-1/top-k accuracy at 2/4/6/10 digits, the calibration of the
    rank-1 confidence, the abstain rate and the time per product.
    """
    rulings = read_rulings(rulings_file)
    rulings = rulings.filter(pl.col("description").is_not_null() & pl.col("hts_code").is_not_null())
    products = _contract_frame(
        PRODUCTS,
        {"sku": rulings["ruling_id"].to_list(), "description": rulings["description"].to_list()},
    )
    owned = work_dir is None
    root = Path(tempfile.mkdtemp(prefix="hsguard-candidates-")) if owned else work_dir
    try:
        root.mkdir(parents=True, exist_ok=True)
        database = root / "hsguard.duckdb"
        if database.exists():
            database.unlink()
        build_scratch_warehouse(database, products, rulings)
        dbt_vars = {
            "candidates_exclude_self_rulings": leave_one_out,
            "candidates_top_k": top_k,
            "candidate_schemes": ["HTSUS"],
            **(extra_vars or {}),
        }
        build_seconds = run_candidate_models(
            database, root, dbt_vars, with_tests=False, quiet=quiet, run_id="evaluate-candidates"
        )
        model_seconds = _model_seconds(root)
        con = duckdb.connect(str(database), read_only=True)
        try:
            candidates = con.execute(
                "select sku, rank, candidate_code, score, tariff_score, ruling_score, peer_score, "
                "confidence, is_abstain, source, ruling_id, evidence "
                "from marts.fct_product_candidates where scheme = 'HTSUS' order by sku, rank"
            ).pl()
        finally:
            con.close()
    finally:
        if owned:
            shutil.rmtree(root, ignore_errors=True)
    result = score_candidates(candidates, rulings, top_k)
    result["seconds_total"] = build_seconds
    result["seconds_models"] = model_seconds
    result["seconds_per_product"] = model_seconds / max(result["n"], 1)
    result["leave_one_out"] = leave_one_out
    result["candidates"] = candidates.select(
        "sku",
        "rank",
        "candidate_code",
        "score",
        "confidence",
        "is_abstain",
        "source",
        "ruling_id",
        "evidence",
    ).to_dicts()
    return result


def score_candidates(candidates: pl.DataFrame, rulings: pl.DataFrame, top_k: int = 5) -> dict:
    """Accuracy of ranked candidates (sku, rank, candidate_code, confidence, ...) against ruling codes."""
    truth = {
        rid: strip_separators(code).ljust(10, "0")
        for rid, code in zip(rulings["ruling_id"].to_list(), rulings["hts_code"].to_list(), strict=True)
    }
    by_sku: dict[str, list[dict]] = {}
    for row in candidates.iter_rows(named=True):
        by_sku.setdefault(row["sku"], []).append(row)
    n = len(truth)
    hits = {(k, d): 0 for k in (1, top_k) for d in DIGITS}
    calibration_rows = []
    self_citations = 0
    for rid, code in truth.items():
        ranked = sorted(by_sku.get(rid, []), key=lambda r: r["rank"])[:top_k]
        self_citations += sum(1 for r in ranked if r.get("ruling_id") == rid)
        for d in DIGITS:
            if ranked and ranked[0]["candidate_code"][:d] == code[:d]:
                hits[(1, d)] += 1
            if any(r["candidate_code"][:d] == code[:d] for r in ranked):
                hits[(top_k, d)] += 1
        if ranked:
            first = ranked[0]
            calibration_rows.append(
                {
                    "confidence": first["confidence"],
                    "is_abstain": bool(first["is_abstain"]),
                    "correct_6": first["candidate_code"][:6] == code[:6],
                    "correct_10": first["candidate_code"][:10] == code[:10],
                }
            )
        else:
            calibration_rows.append(
                {"confidence": 0.0, "is_abstain": True, "correct_6": False, "correct_10": False}
            )
    accuracy = {f"top{k}_{d}": hits[(k, d)] / n if n else 0.0 for (k, d) in hits}
    calibration = []
    for low, high in CONFIDENCE_BANDS:
        band = [r for r in calibration_rows if low <= r["confidence"] < high]
        calibration.append(
            {
                "band": f"{low:.1f}-{min(high, 1.0):.1f}",
                "n": len(band),
                "mean_confidence": sum(r["confidence"] for r in band) / len(band) if band else None,
                "rank1_accuracy_6": sum(r["correct_6"] for r in band) / len(band) if band else None,
                "rank1_accuracy_10": sum(r["correct_10"] for r in band) / len(band) if band else None,
            }
        )
    answered = [r for r in calibration_rows if not r["is_abstain"]]
    abstained = [r for r in calibration_rows if r["is_abstain"]]
    return {
        "n": n,
        "top_k": top_k,
        "accuracy": accuracy,
        "calibration": calibration,
        "abstain_rate": len(abstained) / n if n else 0.0,
        "answered_accuracy_6": sum(r["correct_6"] for r in answered) / len(answered) if answered else None,
        "abstained_accuracy_6": sum(r["correct_6"] for r in abstained) / len(abstained)
        if abstained
        else None,
        "self_citations": self_citations,
    }


def calibration_table(calibration: list[dict]) -> list[str]:
    """The calibration bands of the rank-1 confidence as Markdown table lines."""
    lines = [
        "| confidence | n | mean confidence | rank-1 right (6 digits) | rank-1 right (10 digits) |",
        "|---|---:|---:|---:|---:|",
    ]
    for band in calibration:
        if band["n"]:
            lines.append(
                f"| {band['band']} | {band['n']} | {band['mean_confidence']:.2f} | "
                f"{band['rank1_accuracy_6']:.1%} | {band['rank1_accuracy_10']:.1%} |"
            )
        else:
            lines.append(f"| {band['band']} | 0 | | | |")
    return lines


def format_candidate_evaluation(result: dict) -> str:
    """The accuracy table (with the ATLAS and BM25 reference figures) and the calibration table."""
    k = result["top_k"]
    acc = result["accuracy"]
    mode = "leave-one-out" if result.get("leave_one_out", True) else "NOT leave-one-out"
    lines = [
        f"Candidate codes on {result['n']} rulings ({mode}; each ruling's description classified "
        "with the other rulings as evidence)",
        "",
        f"| digits | top-1 | top-{k} | ATLAS top-1 (70B LLM) | BM25 top-1 / top-5 |",
        "|---:|---:|---:|---:|---:|",
    ]
    atlas = REFERENCES["ATLAS (fine-tuned 70B LLM)"]
    bm25 = REFERENCES["BM25 over HTS leaf text"]
    for d in DIGITS:
        atlas_cell = f"{atlas[f'top1_{d}']:.1%}" if f"top1_{d}" in atlas else ""
        bm25_cell = f"~{bm25['top1_6']:.0%} / ~{bm25['top5_6']:.0%}" if d == 6 else ""
        lines.append(
            f"| {d} | {acc[f'top1_{d}']:.1%} | {acc[f'top{k}_{d}']:.1%} | {atlas_cell} | {bm25_cell} |"
        )
    lines += [
        "",
        "Calibration of the rank-1 confidence:",
        "",
    ]
    lines += calibration_table(result["calibration"])
    answered = result.get("answered_accuracy_6")
    abstained = result.get("abstained_accuracy_6")
    lines += [
        "",
        f"is_abstain (needs expert): {result['abstain_rate']:.1%} of products"
        + (f"; rank-1 right at 6 digits when answered {answered:.1%}" if answered is not None else "")
        + (f", when abstaining {abstained:.1%}" if abstained is not None else ""),
        f"candidates citing their own ruling: {result['self_citations']}",
    ]
    if "seconds_per_product" in result:
        lines.append(
            f"time: {result['seconds_models']:.1f} s in the candidate models "
            f"({result['seconds_per_product'] * 1000:.1f} ms per product), "
            f"{result['seconds_total']:.1f} s dbt total"
        )
    return "\n".join(lines)


def _put_product(con: duckdb.DuckDBPyConnection, text: str) -> None:
    """Make ``text`` the one product SUGGEST_SKU of ``raw.erp_products`` (other rows stay)."""
    product = _contract_frame(PRODUCTS, {"sku": [SUGGEST_SKU], "description": [text]})
    existing = con.execute("select * from raw.erp_products limit 0").pl()
    row = _lineage(product, "suggest", "suggest")
    row = row.with_columns(pl.lit(0, dtype=pl.Int64).alias(ROW_NUMBER))
    row = row.select(
        [
            pl.col(c).cast(existing.schema[c])
            if c in row.columns
            else pl.lit(None, dtype=existing.schema[c]).alias(c)
            for c in existing.columns
        ]
    )
    con.register("_suggest_row", row.to_arrow())
    con.execute(f"delete from raw.erp_products where sku = '{SUGGEST_SKU}'")  # noqa: S608 - constant
    con.execute("insert into raw.erp_products by name select * from _suggest_row")
    con.unregister("_suggest_row")


def suggest(
    text: str,
    scheme: str = "HTSUS",
    top: int = 5,
    warehouse: Path | None = None,
    quiet: bool = False,
    cache_dir: Path | None = None,
    use_cache: bool = True,
) -> list[dict]:
    """Ranked candidate codes for one free-text description, by the same dbt models.

    With ``warehouse``, a scratch copy of it is used and the text is added as one more
    product: the master's classified products are peer evidence and its rulings are
    ruling evidence. Without, the bundled reference data and rulings are loaded fresh.

    The first call for a given scheme, ``top``, warehouse and project runs the dbt build
    and keeps it in a cache (``hsguard.suggest_cache``: beside the warehouse, or in the
    user's cache folder); later calls re-execute only the product-dependent models' SQL,
    as dbt compiled it, on that file in a transaction that is rolled back
    (``suggest_cache.answer``).
    """
    text = (text or "").strip()
    if not text:
        raise ValueError("suggest needs a product description")
    if warehouse is not None and not Path(warehouse).is_file():
        raise FileNotFoundError(f"warehouse not found: {warehouse}")
    if use_cache:
        rows = suggest_cache.answer(text, scheme, top, warehouse, cache_dir)
        if rows is not None:
            return rows
    folder = cache_dir or suggest_cache.default_cache_dir(warehouse)
    key = suggest_cache.cache_key(scheme, top, warehouse) if use_cache else None
    root = Path(tempfile.mkdtemp(prefix="hsguard-suggest-"))
    try:
        database = root / suggest_cache.CATALOG_FILE
        if warehouse is not None:
            shutil.copyfile(warehouse, database)
            con = duckdb.connect(str(database))
            try:
                _put_product(con, text)
                con.execute("checkpoint")
            finally:
                con.close()
        else:
            product = _contract_frame(PRODUCTS, {"sku": [SUGGEST_SKU], "description": [text]})
            build_scratch_warehouse(database, product, read_rulings(None), run_id="suggest")
        dbt_vars = {
            "candidates_top_k": top,
            "candidate_schemes": [scheme],
            "candidates_only_skus": [SUGGEST_SKU],
        }
        run_candidate_models(database, root, dbt_vars, with_tests=False, quiet=quiet, run_id="suggest")
        con = duckdb.connect(str(database))
        try:
            rows = suggest_cache.read_answer(con, scheme)
            con.execute("checkpoint")
        finally:
            con.close()
        if key:
            try:
                suggest_cache.save(folder, key, database, root)
            except OSError:
                pass  # a cache that cannot be written only costs time next call
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return rows


__all__ = [
    "CandidateBuildError",
    "build_scratch_warehouse",
    "evaluate_candidates",
    "format_candidate_evaluation",
    "read_rulings",
    "run_candidate_models",
    "score_candidates",
    "suggest",
]
