"""Every name and alternate name of the Consolidated Screening List with its comparison key
(hsguard.screening.party_name_key: the one normalisation of a party name), computed once per
list edition. One row per entry and distinct name."""

import polars as pl


def model(dbt, session):
    dbt.config(materialized="table")
    from hsguard.screening import KEY_VERSION, cached_party_name_keys

    entries = dbt.ref("stg_screening__entries").select("entry_id, name, alt_names").pl()
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
    names = (
        names.with_columns(pl.col("matched_name").str.strip_chars())
        .filter(pl.col("matched_name").is_not_null() & (pl.col("matched_name") != ""))
        .sort("entry_id", "is_alias", "matched_name")
        .unique(["entry_id", "matched_name"], keep="first", maintain_order=True)
    )
    keys = cached_party_name_keys(
        session, repr(dbt.this), "matched_name", names["matched_name"].unique().to_list()
    )
    return names.with_columns(
        pl.col("matched_name").replace_strict(keys, return_dtype=pl.Utf8).alias("name_key"),
        pl.lit(KEY_VERSION).alias("key_version"),
    )
