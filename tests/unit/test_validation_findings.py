"""Failing input rows become INPUT_EXPECTATION_FAILED flags: products by sku, shipments
by shipment_id with their product's sku; unknown shipments and other keys are not flagged."""

import duckdb
import polars as pl

from hsguard.validation import FINDINGS_SCHEMA, flag_input_findings


def warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for schema in ("raw", "seeds", "marts"):
        con.execute(f"create schema {schema}")
    con.execute(
        "create table raw.erp_shipments as "
        "select * from (values ('SH1', 'P1'), ('SH2', 'P2')) as t(shipment_id, sku)"
    )
    con.execute(
        "create table seeds.check_catalog as select 'INPUT_EXPECTATION_FAILED' as check_code, "
        "'low' as severity, 1 as severity_rank, 'Input row failed a data expectation' as title"
    )
    con.execute(
        "create table marts.fct_classification_flags (flag_id varchar, sku varchar, check_code varchar, "
        "severity varchar, severity_rank integer, title varchar, scheme varchar, declared_code varchar, "
        "suggested_code varchar, evidence varchar, shipment_id varchar, run_id varchar, "
        "is_overridden boolean)"
    )
    return con


def finding(suite, key_column, key, column, value):
    return {
        "suite": suite,
        "expectation": "expect_column_values_to_match_regex",
        "key_column": key_column,
        "key": key,
        "column_name": column,
        "value": value,
    }


def test_products_by_sku_and_shipments_by_id_with_their_sku():
    con = warehouse()
    findings = pl.DataFrame(
        [
            finding("input_products", "sku", "P9", "eccn", "5A99"),
            finding("input_products", "sku", "P9", "country_of_origin", "XXX"),
            finding("input_shipments", "shipment_id", "SH2", "destination_country", "Germany"),
            finding("input_shipments", "shipment_id", "SH404", "destination_country", "??"),
            finding("input_rulings", "ruling_id", "N1", "status", "odd"),
        ],
        schema=FINDINGS_SCHEMA,
    )
    assert flag_input_findings(con, findings, "20261123T020000Z-abcdef") == 2
    rows = con.execute(
        "select sku, shipment_id, scheme, run_id, evidence from marts.fct_classification_flags order by sku"
    ).fetchall()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("P2", "SH2", "DATA", "20261123T020000Z-abcdef"),
        ("P9", None, "DATA", "20261123T020000Z-abcdef"),
    ]
    assert 'destination_country) failed on value "Germany"' in rows[0][4]
    assert "(country_of_origin)" in rows[1][4] and "(eccn)" in rows[1][4]


def test_no_findings_adds_nothing():
    con = warehouse()
    assert flag_input_findings(con, pl.DataFrame(schema=FINDINGS_SCHEMA), "r") == 0
