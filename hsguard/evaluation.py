"""Measure the checks against a ground-truth labels file (``kind,id,check_code``).

kind = sku (the product must carry check_code), shipment (the shipment line must
carry it), clean (the product must carry no flag), clean_shipment (the shipment
line must carry no flag).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl


@dataclass
class Evaluation:
    recall: pl.DataFrame  # check_code, expected, found, recall
    clean: pl.DataFrame  # kind, total, without_flag, share
    unexpected: pl.DataFrame  # flags on clean items (for inspection)
    clean_by_check: pl.DataFrame | None = None  # check_code, clean products carrying it, share


def evaluate(con: duckdb.DuckDBPyConnection, labels_file: Path) -> Evaluation:
    labels = pl.read_csv(labels_file, infer_schema=False).with_columns(pl.col("check_code").fill_null(""))
    flags = con.execute(
        "select sku, check_code, coalesce(shipment_id, '') as shipment_id from marts.fct_classification_flags"
    ).pl()
    # product checks are judged on product-level flags; a shipment's flag is the shipment's
    product_flags = flags.filter(pl.col("shipment_id") == "").select("sku", "check_code").unique()
    shipment_flags = flags.filter(pl.col("shipment_id") != "").select("shipment_id", "check_code").unique()

    expected = pl.concat(
        [
            labels.filter(pl.col("kind") == "sku").join(
                product_flags.with_columns(pl.lit(True).alias("found")),
                left_on=["id", "check_code"],
                right_on=["sku", "check_code"],
                how="left",
            ),
            labels.filter(pl.col("kind") == "shipment").join(
                shipment_flags.with_columns(pl.lit(True).alias("found")),
                left_on=["id", "check_code"],
                right_on=["shipment_id", "check_code"],
                how="left",
            ),
        ],
        how="vertical_relaxed",
    )
    recall = (
        expected.group_by("check_code")
        .agg(pl.len().alias("expected"), pl.col("found").fill_null(False).sum().alias("found"))
        .with_columns((pl.col("found") / pl.col("expected")).alias("recall"))
        .sort("check_code")
    )

    flagged_skus = set(product_flags["sku"].to_list())
    flagged_shipments = set(shipment_flags["shipment_id"].to_list())
    rows, unexpected = [], []
    for kind, flagged in (("clean", flagged_skus), ("clean_shipment", flagged_shipments)):
        ids = labels.filter(pl.col("kind") == kind)["id"].to_list()
        hit = [i for i in ids if i in flagged]
        rows.append(
            {
                "kind": kind,
                "total": len(ids),
                "without_flag": len(ids) - len(hit),
                "share": (len(ids) - len(hit)) / len(ids) if ids else 1.0,
            }
        )
        unexpected += hit
    unexpected_flags = flags.filter(pl.col("sku").is_in(unexpected) | pl.col("shipment_id").is_in(unexpected))
    clean_skus = labels.filter(pl.col("kind") == "clean")["id"].to_list()
    clean_by_check = (
        product_flags.filter(pl.col("sku").is_in(clean_skus))
        .group_by("check_code")
        .agg(pl.col("sku").n_unique().alias("clean_flagged"))
        .with_columns((pl.col("clean_flagged") / max(len(clean_skus), 1)).alias("share"))
        .sort("check_code")
    )
    return Evaluation(recall, pl.DataFrame(rows), unexpected_flags, clean_by_check)


def format_evaluation(result: Evaluation) -> str:
    lines = ["| check | expected | found | recall |", "|---|---:|---:|---:|"]
    for row in result.recall.iter_rows(named=True):
        lines.append(f"| {row['check_code']} | {row['expected']} | {row['found']} | {row['recall']:.1%} |")
    lines += ["", "| clean items | total | without a flag | share |", "|---|---:|---:|---:|"]
    for row in result.clean.iter_rows(named=True):
        lines.append(f"| {row['kind']} | {row['total']} | {row['without_flag']} | {row['share']:.1%} |")
    if result.clean_by_check is not None and result.clean_by_check.height:
        lines += ["", "| check on clean products | clean products flagged | share |", "|---|---:|---:|"]
        for row in result.clean_by_check.iter_rows(named=True):
            lines.append(f"| {row['check_code']} | {row['clean_flagged']} | {row['share']:.1%} |")
    return "\n".join(lines)
