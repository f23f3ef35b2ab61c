"""The names the screening keys are computed for (hsguard.screening.party_name_key): every
name and alternate name of the Consolidated Screening List's entries. One implementation
for both engines: the dbt Python model int_screening_list_names (DuckDB) and
hsguard.spark_raw (the Spark engine, which has no dbt Python models) call it.

Kept apart from hsguard.screening, whose file content is part of the keys' KEY_VERSION."""

from __future__ import annotations

import polars as pl


def screening_list_names(entries: pl.DataFrame) -> pl.DataFrame:
    """One row per entry and distinct name (entry_id, matched_name, is_alias) of the list's
    entries (entry_id, name, alt_names: names joined by " | "), names stripped, empty ones
    dropped; a name that is both the entry's name and an alias is the name."""
    names = pl.concat(
        [
            entries.select("entry_id", pl.col("name").alias("matched_name"), pl.lit(False).alias("is_alias")),
            entries.select(
                "entry_id",
                pl.col("alt_names").str.split(" | ").alias("matched_name"),
                pl.lit(True).alias("is_alias"),
            ).explode("matched_name"),
        ]
    )
    return (
        names.with_columns(pl.col("matched_name").str.strip_chars())
        .filter(pl.col("matched_name").is_not_null() & (pl.col("matched_name") != ""))
        .sort("entry_id", "is_alias", "matched_name")
        .unique(["entry_id", "matched_name"], keep="first", maintain_order=True)
    )
