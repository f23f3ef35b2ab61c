"""Every name and alternate name of the Consolidated Screening List with its comparison key
(hsguard.screening.party_name_key: the one normalisation of a party name), computed once per
list edition. One row per entry and distinct name."""

import polars as pl


def model(dbt, session):
    dbt.config(materialized="table")
    from hsguard.screening import KEY_VERSION, cached_party_name_keys
    from hsguard.screening_names import screening_list_names

    entries = dbt.ref("stg_screening__entries").select("entry_id, name, alt_names").pl()
    names = screening_list_names(entries)
    keys = cached_party_name_keys(
        session, repr(dbt.this), "matched_name", names["matched_name"].unique().to_list()
    )
    return names.with_columns(
        pl.col("matched_name").replace_strict(keys, return_dtype=pl.Utf8).alias("name_key"),
        pl.lit(KEY_VERSION).alias("key_version"),
    )
