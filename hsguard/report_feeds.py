"""Read the report feeds: the ``reports.rpt_*`` tables dbt builds (models/reports).

The report renders these rows as they are; every count, sum, rank and bin is computed
in the models, so the report and the warehouse cannot disagree. Nothing here reads
``raw.*``, ``audit.*`` or the marts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

SCHEMA = "reports"

#: Each feed the report reads, and the order its rows are shown in.
FEEDS: dict[str, str] = {
    "rpt_kpis": "display_order, kpi_key",
    "rpt_flags_by_check": "display_order",
    "rpt_risk_bins": "bin_start",
    "rpt_exposure_by_chapter": "exposure_rank",
    "rpt_run": "run_id",
    "rpt_flag_trend": "run_order, series",
    "rpt_flag_changes": "check_code, change",
    "rpt_review_queue": "product_rank, item_order",
    "rpt_review_queue_candidates": "sku, scheme, rank",
    "rpt_export_control_by_check": "display_order",
    "rpt_licence_decisions": "display_order",
    "rpt_licence_destinations": "display_order",
    "rpt_export_control_flags": "check_code, check_order",
    "rpt_input_files": "source_file",
    "rpt_reference_data": "dataset, edition, source_file",
    "rpt_quarantined_rows": "quarantined_row_id",
    "rpt_field_rejections": "field_rejection_id",
    "rpt_input_rejected": "rejection_rank",
    "rpt_expectation_results": "expectation_result_id",
}


class MissingFeedError(RuntimeError):
    """The warehouse lacks a report feed, or holds one of other columns (built by other
    hsguard code, or by hand without models/reports)."""


@dataclass(frozen=True)
class FeedReader:
    """Reads the report feeds of one warehouse connection."""

    con: duckdb.DuckDBPyConnection

    def rows(self, feed: str, where: str = "", params: list | None = None) -> list[dict[str, Any]]:
        """The feed's rows as dicts in display order; ``where`` is a fixed condition from code."""
        order = FEEDS[feed]
        condition = f" where {where}" if where else ""
        try:
            cursor = self.con.execute(
                f"select * from {SCHEMA}.{feed}{condition} order by {order}",  # noqa: S608 - names from code
                params or [],
            )
        except duckdb.CatalogException as exc:
            raise MissingFeedError(
                f"{SCHEMA}.{feed} is not in this warehouse: rebuild it with `hsguard run`"
            ) from exc
        except duckdb.BinderException as exc:
            raise MissingFeedError(
                f"{SCHEMA}.{feed} was built by other hsguard code: rebuild it with `hsguard run`"
            ) from exc
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def kpis(self) -> dict[str, dict[str, Any]]:
        """rpt_kpis by key, in display order."""
        return {row["kpi_key"]: row for row in self.rows("rpt_kpis")}

    def flags_by_severity(self) -> dict[str, int]:
        """Flags per severity, most severe first (the rpt_kpis rows ``flags_<severity>``)."""
        return {
            row["severity"]: int(row["value"])
            for row in self.rows("rpt_kpis", "kpi_key = 'flags_' || severity and is_card")
        }

    def flags_by_check(self) -> list[dict[str, Any]]:
        """Flags per check and severity (rpt_flags_by_check)."""
        return [
            {"check_code": r["check_code"], "severity": r["severity"], "flags": r["flags"]}
            for r in self.rows("rpt_flags_by_check")
        ]

    def run_ids(self) -> list[str]:
        """The runs the feeds were built for (one, unless a table is out of step)."""
        rows = self.con.execute("select distinct run_id from reports.rpt_kpis order by run_id").fetchall()
        return [r[0] for r in rows]
