"""GX suites read only the columns their expectations check (a 1M-row frame stays small)."""

import duckdb
import great_expectations.expectations as gxe

from expectations.suites import SuiteSpec, frame_columns, frame_query, input_suites


def test_input_products_frame_has_the_key_and_the_checked_columns_only():
    products = next(s for s in input_suites() if s.name == "input_products")
    assert frame_columns(products) == ["_row_number", "country_of_origin"]


def test_row_count_needs_no_column_and_an_unknown_expectation_loads_every_column():
    counted = SuiteSpec(
        "t", "select * from t", None, False, [gxe.ExpectTableRowCountToBeBetween(min_value=1)]
    )
    assert frame_columns(counted) == []
    assert len(duckdb.connect().execute(frame_query(counted).replace("from t", "from range(3)")).df()) == 3
    whole = SuiteSpec(
        "t", "select * from t", "k", False, [gxe.ExpectTableColumnsToMatchSet(column_set=["k"])]
    )
    assert frame_columns(whole) is None
    assert frame_query(whole) == "select * from t"


def test_frame_query_runs_on_duckdb_and_keeps_every_row():
    con = duckdb.connect()
    con.execute(
        """create table t as select range as k, 'x' || range as "odd ""name", 1 as unused from range(5)"""
    )
    spec = SuiteSpec(
        "t",
        "with rows as (select * from t) select * from rows",
        "k",
        False,
        [
            gxe.ExpectColumnValuesToNotBeNull(column='odd "name'),
        ],
    )
    frame = con.execute(frame_query(spec)).df()
    assert list(frame.columns) == ["k", 'odd "name']
    assert len(frame) == 5
