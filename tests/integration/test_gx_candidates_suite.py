"""The blocking GX suite over marts.fct_product_candidates (real GX on a small DuckDB)."""

from __future__ import annotations

import duckdb
import pytest

from expectations.suites import mart_suites
from hsguard.validation import run_suites

pytestmark = pytest.mark.integration


def test_candidates_suite_names_the_products_whose_lists_are_broken(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute(
        """
        create table marts.fct_product_candidates as
        select * from (values
            ('GOOD', 'HTSUS', 1, 2.0), ('GOOD', 'HTSUS', 2, 1.5), ('GOOD', 'CN', 1, 0.7),
            ('UNORDERED', 'HTSUS', 1, 1.0), ('UNORDERED', 'HTSUS', 2, 1.4),
            ('NO_FIRST', 'HTSUS', 2, 1.0),
            ('NULL_SCORE', 'CN', 1, null)
        ) as t(sku, scheme, rank, score)
        """
    )
    spec = next(s for s in mart_suites(["low"]) if s.name == "mart_product_candidates")
    [outcome] = run_suites(con, [spec], "test", tmp_path / "gx")
    con.close()
    assert outcome.blocking and not outcome.success
    failing = {
        row["column_name"]: row["failing_keys"]
        for row in outcome.results.iter_rows(named=True)
        if not row["success"]
    }
    assert set(failing) == {"first_rank", "scores_missing", "is_score_ordered"}
    assert "UNORDERED" in failing["is_score_ordered"] and "GOOD" not in failing["is_score_ordered"]
    assert "NO_FIRST" in failing["first_rank"]
    assert "NULL_SCORE" in failing["scores_missing"]
