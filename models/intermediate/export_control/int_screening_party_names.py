"""The party names to screen, each with its comparison key (hsguard.screening.party_name_key,
the same normalisation as the list's names), computed once per distinct name: the shipment
lines' end users, and the names of the screening evaluation set (seed
screening_evaluation_names, tests/screening_evaluation/), which the evaluation data test
scores in every build (docs/SCREENING.md). One row per name and origin."""

import polars as pl


def model(dbt, session):
    dbt.config(materialized="table")
    from hsguard.screening import KEY_VERSION, cached_party_name_keys

    end_users = (
        dbt.ref("int_shipment_lines_classified")
        .filter("end_user is not null and trim(end_user) != ''")
        .select("trim(end_user) as party_name")
        .distinct()
        .pl()
        .with_columns(pl.lit("end_user").alias("name_origin"))
    )
    evaluation = (
        dbt.ref("screening_evaluation_names")
        .select("trim(party_name) as party_name")
        .distinct()
        .pl()
        .with_columns(pl.lit("evaluation").alias("name_origin"))
    )
    names = pl.concat([end_users, evaluation]).sort("name_origin", "party_name")
    keys = cached_party_name_keys(
        session, repr(dbt.this), "party_name", names["party_name"].unique().to_list()
    )
    return names.with_columns(
        pl.col("party_name").replace_strict(keys, return_dtype=pl.Utf8).alias("name_key"),
        pl.lit(KEY_VERSION).alias("key_version"),
    )
