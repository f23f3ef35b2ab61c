"""hsguard.dbt.share_type_testers: dbt's query results typed as dbt types them, with one
type tester per set of text columns instead of one per result."""

from __future__ import annotations

import datetime as dt

from dbt_common.clients import agate_helper

from hsguard.dbt import share_type_testers

ROWS = [
    {"node": "model.hsguard.dim_products", "n": 3, "share": 0.5, "on": dt.date(2026, 11, 30), "ok": True},
    {"node": "test.hsguard.unique_x", "n": None, "share": 1.25, "on": None, "ok": False},
]
COLUMNS = ["node", "n", "share", "on", "ok"]


def column_types(table) -> list[str]:
    return [type(t).__name__ for t in table.column_types]


def test_results_are_typed_as_before_with_one_tester_per_set_of_text_columns():
    before = agate_helper.table_from_data_flat(ROWS, COLUMNS)
    share_type_testers()
    share_type_testers()  # idempotent: wrapped once
    assert getattr(agate_helper.build_type_tester, "hsguard_shared", False)
    after = agate_helper.table_from_data_flat(ROWS, COLUMNS)
    assert column_types(after) == column_types(before) == ["Text", "Integer", "Number", "Date", "Boolean"]
    assert [tuple(r) for r in after.rows] == [tuple(r) for r in before.rows]
    tester = agate_helper.build_type_tester({"node"})
    assert agate_helper.build_type_tester(["node"]) is tester
    assert agate_helper.build_type_tester({"node", "on"}) is not tester
    assert agate_helper.build_type_tester(["node"], string_null_values=()) is not tester
