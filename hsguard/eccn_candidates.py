"""ECCN candidates: evaluate the dbt ECCN candidate models, and rank entries for one text.

Both entry points build the nightly run's own SQL (``models/intermediate/eccn_candidates``
and ``marts.fct_product_eccn_candidates``) on a scratch DuckDB file holding only what those
models read (the CCL, its paragraph texts, the EU Annex I paragraphs and the products);
nothing is scored in Python.

* :func:`suggest` ranks the entries for one free-text description.
* :func:`evaluate_eccn` runs the evaluation set (``data/evaluation/eccn_descriptions.csv``:
  descriptions written from the CCL paragraphs' parameters, each with the entry and
  paragraph it rests on, plus ordinary EAR99 goods). The one tuned value, the confidence
  ``eccn_text_review_min_confidence`` that ranks an entry above EAR99 and raises
  ECCN_TEXT_REVIEW, is chosen on the ``train`` fold only; the figures reported are the
  ``heldout`` fold's (the train fold's are shown too, labelled in-sample).
"""

from __future__ import annotations

import math
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from hsguard.contracts import PRODUCTS, SOURCE_CONTRACTS
from hsguard.dbt import invoke_dbt
from hsguard.paths import PROJECT_ROOT
from hsguard.reference import REFERENCE_FILES
from hsguard.settings import apply_offline_defaults
from hsguard.sources import ROW_NUMBER
from hsguard.warehouse import write_table

EVALUATION_FILE = PROJECT_ROOT / "data" / "evaluation" / "eccn_descriptions.csv"
#: The raw reference tables the ECCN candidate models read.
REFERENCE_TABLES = (
    "ref_ccl_eccns",
    "ref_ccl_paragraph_texts",
    "ref_eu_annex_i_paragraphs",
    "ref_eu_annex_i_definitions",
)
SUGGEST_SKU = "__SUGGEST_ECCN__"
#: ECCN_TEXT_REVIEW may flag at most this share of the training fold's EAR99 goods.
MAX_EAR99_FLAGGED = 0.05
TOP_K = 5
#: The ``set`` of the evaluation items written first (the others were added later and are
#: reported with and without).
FIRST_SET = "first"


class EccnBuildError(RuntimeError):
    """The dbt ECCN candidate models did not build."""


def _with_lineage(frame: pl.DataFrame, source: str, run_id: str) -> pl.DataFrame:
    if ROW_NUMBER not in frame.columns:
        frame = frame.with_row_index(ROW_NUMBER, offset=2).with_columns(pl.col(ROW_NUMBER).cast(pl.Int64))
    return frame.with_columns(
        pl.lit(source).alias("_source_file"),
        pl.lit("").alias("_source_sha256"),
        pl.lit(datetime.now(UTC)).cast(pl.Datetime("us", "UTC")).alias("_loaded_at"),
        pl.lit(run_id).alias("_run_id"),
    )


def build_scratch(database: Path, skus: list[str], descriptions: list[str], run_id: str = "eccn") -> None:
    """A DuckDB file with the CCL texts and ``descriptions`` as products (every other raw table empty)."""
    con = duckdb.connect(str(database))
    try:
        for ref in REFERENCE_FILES:
            if ref.raw_table in REFERENCE_TABLES:
                write_table(
                    con,
                    "raw",
                    ref.raw_table,
                    _with_lineage(ref.parse(ref.bundled_path), ref.relative_path, run_id),
                )
        for contract in SOURCE_CONTRACTS:
            rows = {"sku": skus, "description": descriptions} if contract is PRODUCTS else {}
            height = len(skus) if contract is PRODUCTS else 0
            frame = pl.DataFrame(
                {
                    name: pl.Series(name, rows.get(name, [None] * height), dtype=pl.Utf8)
                    for name in contract.column_names
                }
            )
            write_table(con, "raw", contract.raw_table, _with_lineage(frame, contract.file_name, run_id))
        con.execute("checkpoint")
    finally:
        con.close()


def run_models(
    database: Path,
    work_dir: Path,
    dbt_vars: dict,
    select: str = "+fct_product_eccn_candidates",
    exclude: str | None = None,
) -> float:
    """``dbt run`` the ECCN candidate models (and what they read); seconds taken."""
    apply_offline_defaults()
    started = time.perf_counter()
    command = ["--quiet", "run", "--select", select, *(["--exclude", exclude] if exclude else [])]
    result = invoke_dbt(command, database, work_dir, dbt_vars, run_id="eccn")
    seconds = time.perf_counter() - started
    if result.exception is not None:
        raise EccnBuildError(f"dbt could not run: {result.exception}")
    failures = [
        f"{r.node.unique_id}: {str(r.message or r.status).splitlines()[0]}"
        for r in (getattr(result.result, "results", []) or [])
        if str(r.status) in ("error", "fail", "runtime error")
    ]
    if failures or not result.success:
        raise EccnBuildError("ECCN candidate build failed: " + ("; ".join(failures[:5]) or "see dbt log"))
    return seconds


def _read_candidates(database: Path) -> pl.DataFrame:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(
            "select c.sku, c.rank, c.eccn, c.eccn_entry, c.score, c.confidence, c.is_abstain, "
            "c.evidence, c.source, s.confidence as controlled_confidence "
            "from marts.fct_product_eccn_candidates as c "
            "left join (select sku, max(confidence) filter (where eccn_entry != 'EAR99') as confidence "
            "from marts.fct_product_eccn_candidates group by sku) as s on c.sku = s.sku "
            "order by c.sku, c.rank"
        ).pl()
    finally:
        con.close()


def suggest(text: str, top: int = TOP_K, threshold: float | None = None) -> list[dict]:
    """The ranked ECCN outcomes (EAR99 among them) for one description, with evidence."""
    root = Path(tempfile.mkdtemp(prefix="hsguard-eccn-"))
    try:
        database = root / "hsguard.duckdb"
        build_scratch(database, [SUGGEST_SKU], [text])
        dbt_vars: dict = {"eccn_candidates_top_k": top}
        if threshold is not None:
            dbt_vars["eccn_text_review_min_confidence"] = threshold
        run_models(database, root, dbt_vars)
        return _read_candidates(database).to_dicts()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def read_evaluation(path: Path | None = None) -> pl.DataFrame:
    """The evaluation set: id, fold, expected_eccn (5 characters or EAR99), description, ..."""
    frame = pl.read_csv(path or EVALUATION_FILE, infer_schema=False)
    missing = {"id", "fold", "expected_eccn", "description"} - set(frame.columns)
    if missing:
        raise ValueError(f"{(path or EVALUATION_FILE).name}: missing column(s) {', '.join(sorted(missing))}")
    return frame


def choose_threshold(rank1: pl.DataFrame, max_flagged: float = MAX_EAR99_FLAGGED) -> float:
    """Lowest confidence that flags at most ``max_flagged`` of the EAR99 goods given.

    ``rank1``: one row per item (expected_eccn, controlled_confidence = the best controlled
    entry's confidence). Every distinct confidence, cut to 4 decimals, is a candidate
    threshold (cut, not rounded: a candidate rounded up would not flag the item it was
    taken from, 0.34497 -> 0.345); the chosen one keeps the most controlled items flagged
    under the EAR99 constraint.
    """
    ear99 = rank1.filter(pl.col("expected_eccn") == "EAR99")["controlled_confidence"].fill_null(0.0).to_list()
    candidates = sorted(
        {math.floor(c * 10_000) / 10_000 for c in rank1["controlled_confidence"].fill_null(0.0).to_list()}
        | {1.0}
    )
    for threshold in candidates:
        flagged = sum(1 for c in ear99 if c >= threshold)
        if not ear99 or flagged / len(ear99) <= max_flagged:
            return max(threshold, 0.01)
    return 1.0


def score(candidates: pl.DataFrame, truth: pl.DataFrame) -> dict:
    """Top-1/top-3 at 5 characters of the controlled items, and the share of EAR99 goods flagged."""
    by_sku: dict[str, list[dict]] = {}
    for row in candidates.iter_rows(named=True):
        by_sku.setdefault(row["sku"], []).append(row)
    controlled = truth.filter(pl.col("expected_eccn") != "EAR99")
    ear99 = truth.filter(pl.col("expected_eccn") == "EAR99")
    top1 = top3 = 0
    misses = []
    for item in controlled.iter_rows(named=True):
        ranked = [r["eccn_entry"] for r in sorted(by_sku.get(item["id"], []), key=lambda r: r["rank"])]
        expected = item["expected_eccn"][:5]
        top1 += bool(ranked) and ranked[0] == expected
        top3 += expected in ranked[:3]
        if expected not in ranked[:3]:
            misses.append({"id": item["id"], "expected": expected, "got": ranked[:3]})
    flagged_controlled = sum(
        1 for item in controlled.iter_rows(named=True) if not _abstains(by_sku.get(item["id"], []))
    )
    flagged_ear99 = [
        item["id"] for item in ear99.iter_rows(named=True) if not _abstains(by_sku.get(item["id"], []))
    ]
    n, m = controlled.height, ear99.height
    return {
        "controlled": n,
        "ear99": m,
        "top1_5": top1 / n if n else 0.0,
        "top3_5": top3 / n if n else 0.0,
        "controlled_flagged": flagged_controlled / n if n else 0.0,
        "ear99_flagged": len(flagged_ear99) / m if m else 0.0,
        "ear99_flagged_ids": flagged_ear99,
        "misses": misses,
    }


def _abstains(rows: list[dict]) -> bool:
    """ECCN_TEXT_REVIEW's condition on an EAR99 product: it fires unless the text abstains."""
    return not rows or bool(rows[0]["is_abstain"])


def evaluate_eccn(path: Path | None = None, work_dir: Path | None = None) -> dict:
    """Build the candidates for the evaluation set, choose the threshold on the train fold,
    rebuild the ranking with it and score each fold."""
    truth = read_evaluation(path)
    owned = work_dir is None
    root = Path(tempfile.mkdtemp(prefix="hsguard-eccn-eval-")) if owned else work_dir
    try:
        root.mkdir(parents=True, exist_ok=True)
        database = root / "hsguard.duckdb"
        if database.exists():
            database.unlink()
        build_scratch(database, truth["id"].to_list(), truth["description"].to_list())
        seconds = run_models(database, root, {"eccn_candidates_top_k": TOP_K})
        first = _read_candidates(database)
        best = first.group_by("sku").agg(pl.col("controlled_confidence").first())
        rank1 = truth.join(best, left_on="id", right_on="sku", how="left")
        first_set = None
        if "set" in truth.columns and truth["set"].n_unique() > 1:
            # the set as first written, on its own: threshold chosen on its own train fold
            first = truth.filter(pl.col("set") == FIRST_SET)
            first_threshold = choose_threshold(
                rank1.filter((pl.col("fold") == "train") & (pl.col("set") == FIRST_SET))
            )
            seconds += _rerank(database, root, first_threshold)
            first_candidates = _read_candidates(database)
            first_set = {
                "threshold": first_threshold,
                "folds": {
                    fold: score(first_candidates, first.filter(pl.col("fold") == fold))
                    for fold in ("train", "heldout")
                },
            }
        threshold = choose_threshold(rank1.filter(pl.col("fold") == "train"))
        seconds += _rerank(database, root, threshold)
        candidates = _read_candidates(database)
    finally:
        if owned:
            shutil.rmtree(root, ignore_errors=True)
    folds = {fold: score(candidates, truth.filter(pl.col("fold") == fold)) for fold in ("train", "heldout")}
    heldout = truth.filter(pl.col("fold") == "heldout")
    by_set = (
        {
            name: score(candidates, heldout.filter(pl.col("set") == name))
            for name in heldout["set"].unique(maintain_order=True)
        }
        if "set" in truth.columns and truth["set"].n_unique() > 1
        else {}
    )
    return {
        "threshold": threshold,
        "folds": folds,
        "heldout_by_set": by_set,
        "first_set": first_set,
        "all": score(candidates, truth),
        "seconds": seconds,
        "candidates": candidates,
    }


def _rerank(database: Path, root: Path, threshold: float) -> float:
    """Rebuild the ranking (EAR99's place) with ``threshold``; seconds taken."""
    return run_models(
        database,
        root,
        {"eccn_candidates_top_k": TOP_K, "eccn_text_review_min_confidence": threshold},
        select="int_eccn_candidates_ranked fct_product_eccn_candidates",
    )


def format_evaluation(result: dict) -> str:
    """The evaluation as a Markdown table (held-out first)."""
    lines = [
        f"ECCN_TEXT_REVIEW threshold chosen on the train fold: confidence >= {result['threshold']:.4f}",
        "",
        "| fold | controlled | top-1 (5 char) | top-3 (5 char) | controlled flagged "
        "| EAR99 goods | EAR99 flagged |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {"heldout": "held-out", "train": "train (in-sample for the threshold)"}
    runs = [("", result)]
    if result.get("first_set"):
        runs.append(
            (f", first set only (threshold {result['first_set']['threshold']:.4f})", result["first_set"])
        )
    rows = [
        (f"{labels[fold]}{suffix}", run["folds"][fold])
        for suffix, run in runs
        for fold in ("heldout", "train")
    ]
    # each set's held-out items alone, with the threshold of the first line (all train items)
    rows[1:1] = [(f"held-out, set {name} only", f) for name, f in result.get("heldout_by_set", {}).items()]
    for label, f in rows:
        lines.append(
            f"| {label} | {f['controlled']} | {f['top1_5']:.1%} | {f['top3_5']:.1%} | "
            f"{f['controlled_flagged']:.1%} | {f['ear99']} | {f['ear99_flagged']:.1%} |"
        )
    return "\n".join(lines)
