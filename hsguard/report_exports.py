"""The report's files for people and spreadsheets: flags.csv, quarantine.csv and the
review queue (review_queue.csv, review_queue.xlsx).

The queue's rows are those of the report feed ``reports.rpt_review_queue`` (and its
candidates, ``reports.rpt_review_queue_candidates``), as the report page reads them;
flags.csv and quarantine.csv are whole tables, written by DuckDB. Spreadsheet cells that
start with = + - @ (or tab/CR) are neutralised with a leading quote.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DECISIONS = ("accepted_risk", "false_positive", "fixed")
OVERRIDE_COLUMNS = ("decision", "reason", "reviewer", "decided_at")
QUEUE_COLUMNS = (
    "rank",
    "sku",
    "description",
    "check_code",
    "scheme",
    "severity",
    "title",
    "declared_code",
    "suggested_code",
    "evidence",
    "shipment_ids",
    "trade_value_exposed_usd",
    "risk_score",
    "candidates",
    "run_id",
    *OVERRIDE_COLUMNS,
)
XLSX_CELL_LIMIT = 32_767


def neutralise_formula(value):
    """Spreadsheet-safe text: a cell starting with = + - @ is prefixed with ' (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(
    con: duckdb.DuckDBPyConnection,
    query: str,
    path: Path,
    order_by: str | None = None,
    hidden: tuple[str, ...] = (),
) -> int:
    """Write the query's rows as CSV (header, comma, double quotes) with DuckDB's COPY, so
    that a million flags never pass through Python; a text cell starting with = + - @
    tab or CR is prefixed with ' (formula injection), as neutralise_formula does.
    ``order_by`` may use ``hidden`` columns of the query, which are not written. Query,
    order and names are fixed strings from code. Returns the number of rows written."""
    described = con.execute(f"describe {query}").fetchall()  # noqa: S608 - query from code
    prefixes = ", ".join(f"chr({ord(prefix)})" for prefix in FORMULA_PREFIXES)
    cells = []
    for name, column_type, *_ in described:
        if name in hidden:
            continue
        quoted = '"' + name.replace('"', '""') + '"'
        if column_type == "VARCHAR":
            cells.append(
                f"case when left({quoted}, 1) in ({prefixes}) then chr(39) || {quoted} "
                f"else {quoted} end as {quoted}"
            )
        else:
            cells.append(quoted)
    order = f" order by {order_by}" if order_by else ""
    target = "'" + str(path).replace("'", "''") + "'"
    written = con.execute(
        f"copy (select {', '.join(cells)} from ({query}) as query_rows{order}) "  # noqa: S608
        f"to {target} (header true, delimiter ',', quote '\"', escape '\"')"
    ).fetchone()
    return int(written[0]) if written else 0


def write_flag_exports(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    """flags.csv (every flag of marts.fct_classification_flags, most severe first) and
    quarantine.csv (every row of audit.quarantine) into ``target``."""
    write_csv(
        con,
        "select sku, check_code, severity, title, scheme, declared_code, suggested_code, evidence, "
        "shipment_id, run_id, severity_rank, flag_id from marts.fct_classification_flags",
        target / "flags.csv",
        order_by="severity_rank desc, check_code, sku, flag_id",
        hidden=("severity_rank", "flag_id"),
    )
    write_csv(
        con,
        "select source_file, row_number, columns, reason, raw_row from audit.quarantine",
        target / "quarantine.csv",
        order_by="source_file, row_number",
    )


def candidate_measure(c: dict) -> str:
    """``confidence 62%, tariff+ruling`` (score when there is no confidence)."""
    if c.get("confidence") is not None:
        measure = f"confidence {float(c['confidence']):.0%}"
    else:
        measure = f"score {float(c['score']):.2f}" if c.get("score") is not None else "no score"
    expert = ", needs expert" if c.get("is_abstain") else ""
    return f"{measure}, {c['source']}{expert}"


def candidate_text(c: dict) -> str:
    """One candidate as text for the spreadsheet."""
    return f"{c['scheme']} {c['code']} ({candidate_measure(c)})"


def queue_rows(items: list[dict], candidates: dict[tuple[str, str], list[dict]]) -> list[dict[str, Any]]:
    """One spreadsheet row per rpt_review_queue row (product, check and scheme: the key a
    reviewer's decision applies to), with empty decision columns."""
    return [
        {
            "rank": item["product_rank"],
            "sku": item["sku"],
            "description": item["description"],
            "check_code": item["check_code"],
            "scheme": item["scheme"],
            "severity": item["severity"],
            "title": item["title"],
            "declared_code": "; ".join(item["declared_codes"] or []),
            "suggested_code": "; ".join(item["suggested_codes"] or []),
            "evidence": "\n".join(item["evidence"] or []),
            "shipment_ids": "; ".join(item["shipment_ids"] or []),
            "trade_value_exposed_usd": None
            if item["trade_value_exposed_usd"] is None
            else round(item["trade_value_exposed_usd"], 2),
            "risk_score": item["risk_score"],
            "candidates": "; ".join(
                candidate_text(c) for c in candidates.get((item["sku"], item["scheme"]), [])
            ),
            "run_id": item["run_id"],
            **dict.fromkeys(OVERRIDE_COLUMNS, ""),
        }
        for item in items
    ]


def write_queue_csv(rows: list[dict], path: Path) -> None:
    """The queue as CSV, formula-like cells neutralised."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(QUEUE_COLUMNS)
        for row in rows:
            writer.writerow([neutralise_formula(csv_value(row[c])) for c in QUEUE_COLUMNS])


def csv_value(value: Any) -> Any:
    """Empty text for a missing value."""
    return "" if value is None else value


def write_queue_xlsx(rows: list[dict], path: Path, run_id: str) -> None:
    """The queue as a workbook: frozen header, filters, and a decision dropdown."""
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    try:
        sheet = workbook.add_worksheet("Review queue")
        header = workbook.add_format(
            {"bold": True, "bg_color": "#1f2937", "font_color": "white", "border": 1}
        )
        override_header = workbook.add_format({"bold": True, "bg_color": "#fde68a", "border": 1})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        top = workbook.add_format({"valign": "top"})
        money = workbook.add_format({"num_format": "#,##0", "valign": "top"})
        override = workbook.add_format(
            {"bg_color": "#fffbeb", "valign": "top", "border": 1, "border_color": "#e5e7eb"}
        )
        widths = {"description": 45, "evidence": 70, "title": 30, "candidates": 40, "shipment_ids": 20}
        widths |= {"decision": 16, "reason": 40, "reviewer": 18, "decided_at": 14, "run_id": 24}
        for col, name in enumerate(QUEUE_COLUMNS):
            sheet.write_string(0, col, name, override_header if name in OVERRIDE_COLUMNS else header)
            fmt = wrap if name in ("description", "evidence", "candidates", "reason") else top
            if name in OVERRIDE_COLUMNS:
                fmt = override
            sheet.set_column(col, col, widths.get(name, 14), fmt)
        for r, row in enumerate(rows, start=1):
            for col, name in enumerate(QUEUE_COLUMNS):
                value = row[name]
                if value is None or value == "":
                    sheet.write_blank(r, col, None, override if name in OVERRIDE_COLUMNS else top)
                elif isinstance(value, bool):
                    sheet.write_string(r, col, str(value), top)
                elif isinstance(value, int | float | Decimal):
                    sheet.write_number(r, col, float(value), money if name.endswith("_usd") else top)
                else:
                    text = str(neutralise_formula(str(value)))
                    if len(text) > XLSX_CELL_LIMIT:
                        text = text[: XLSX_CELL_LIMIT - 40] + " … (truncated; see review_queue.csv)"
                    sheet.write_string(r, col, text, wrap if "\n" in text or len(text) > 60 else top)
        sheet.freeze_panes(1, 2)
        sheet.autofilter(0, 0, max(len(rows), 1), len(QUEUE_COLUMNS) - 1)
        if rows:
            col = QUEUE_COLUMNS.index("decision")
            sheet.data_validation(
                1,
                col,
                len(rows),
                col,
                {
                    "validate": "list",
                    "source": list(DECISIONS),
                    "input_title": "Decision",
                    "input_message": " | ".join(DECISIONS),
                    "error_title": "Unknown decision",
                    "error_message": "Choose one of: " + ", ".join(DECISIONS),
                },
            )
            date_col = QUEUE_COLUMNS.index("decided_at")
            sheet.data_validation(
                1,
                date_col,
                len(rows),
                date_col,
                {
                    "validate": "any",
                    "input_title": "Decided at",
                    "input_message": "Date of the decision, YYYY-MM-DD",
                },
            )
        about = workbook.add_worksheet("About")
        about.set_column(0, 0, 18)
        about.set_column(1, 1, 100)
        notes = [
            ("run_id", run_id),
            ("rows", f"{len(rows):,} (one per SKU, check and scheme of the products with open flags)"),
            ("decision", " | ".join(DECISIONS)),
            ("reason", "why: the evidence you relied on (ruling, licence, correction made)"),
            ("reviewer", "your name or user id"),
            ("decided_at", "date of the decision, YYYY-MM-DD"),
            (
                "note",
                "cells starting with = + - @ are prefixed with ' so that they are never run as formulas",
            ),
        ]
        for r, (key, text) in enumerate(notes):
            about.write_string(r, 0, key, header)
            about.write_string(r, 1, text)
    finally:
        workbook.close()
