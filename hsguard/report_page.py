"""The compliance report page: one self-contained ``report.html``, rendered from the
report feeds (``reports.rpt_*``, models/reports) with the Jinja template in
``templates/report.html.j2``, and the review queue files written beside it.

This module lays the feeds out for the template and formats values; it counts, sums
and ranks nothing: every figure is a row of a feed, read through hsguard.report_feeds.
The run summary (``flows/report.py``) supplies only what the run itself knows (sources,
warehouse path, rows loaded, stage timings).

Security: the template autoescapes every value; the only markup inserted verbatim is
the SVG that vl-convert renders from the data (hsguard.report_charts checks it).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from hsguard import report_charts as charts
from hsguard.report_charts import SEVERITY_COLOURS, Chart
from hsguard.report_exports import candidate_measure, queue_rows, write_queue_csv, write_queue_xlsx
from hsguard.report_feeds import FeedReader

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "report.html.j2"

EXPORT_CONTROL_DETAIL_LIMIT = 200
QUARANTINE_DETAIL_LIMIT = 200
FAILING_KEYS_SHOWN = 400
CHAPTERS_SHOWN = 10
DESTINATIONS_CHARTED = 20


@dataclass
class Context:
    """Everything the template renders; filled section by section."""

    run_id: str
    generated_at: str
    warnings: list[str] = field(default_factory=list)
    kpis: list[dict[str, Any]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    queue: dict[str, Any] = field(default_factory=dict)
    export_control: dict[str, Any] = field(default_factory=dict)
    data_quality: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- formatting


def _json(text: Any) -> Any:
    """Parsed JSON text, or the value unchanged when it is not JSON."""
    if text is None or not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _text(value: Any) -> str:
    """Display text of a list-or-scalar warehouse value."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value if v is not None)
    return str(value)


def _fmt_num(value: Any, decimals: int = 0) -> str:
    """Number with thousands separators (``—`` for none)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    try:
        return f"{float(value):,.{decimals}f}"
    except (TypeError, ValueError):
        return str(value)


def _fmt_usd(value: Any) -> str:
    """Whole US dollars with thousands separators."""
    return "—" if value is None else f"${float(value):,.0f}"


def _fmt_seconds(value: Any) -> str:
    """Seconds, as minutes and seconds past two minutes."""
    if value is None:
        return "—"
    seconds = float(value)
    return f"{seconds:,.1f} s" if seconds < 120 else f"{int(seconds // 60)} min {seconds % 60:.0f} s"


def _fmt_time(value: Any) -> str:
    """``2026-11-23 05:12:50 UTC`` from a datetime or an ISO string; other text unchanged."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%d %H:%M:%S") + (" UTC" if value.tzinfo is not None else "")
    return str(value)


def _basename(value: Any) -> str:
    """The file name of a path."""
    return "" if value is None else Path(str(value)).name


def _count(value: Any) -> int | float | None:
    """A feed's count as an int (rpt_kpis holds every figure as a double)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _environment() -> Environment:
    """Jinja2 environment: autoescape on, undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        num=_fmt_num,
        ts=_fmt_time,
        usd=_fmt_usd,
        seconds=_fmt_seconds,
        basename=_basename,
        text=_text,
        candidate=candidate_measure,
    )
    env.globals.update(severity_colours=SEVERITY_COLOURS)
    return env


# --------------------------------------------------------------------------- sections


def _kpi_cards(kpis: dict[str, dict]) -> list[dict[str, Any]]:
    """The KPI cards (rpt_kpis rows with is_card), formatted."""
    cards = []
    for key, row in kpis.items():
        if not row["is_card"]:
            continue
        value = row["value"] if key == "trade_value_exposed_usd" else _count(row["value"])
        display = _fmt_usd(value) if key == "trade_value_exposed_usd" else _fmt_num(value)
        card = {"key": key, "label": row["label"], "value": value, "display": display}
        for name, column in (("sub", "detail"), ("severity", "severity"), ("title", "basis")):
            if row[column] is not None:
                card[name] = row[column]
        cards.append(card)
    return cards


def _section_charts(feeds: FeedReader, by_check: list[dict], run: dict, ctx: Context) -> None:
    """The #charts section."""
    ctx.charts.append(charts.flags_by_check(by_check))
    ctx.charts.append(charts.risk_distribution(feeds.rows("rpt_risk_bins")))
    ctx.charts.append(
        charts.chapters(feeds.rows("rpt_exposure_by_chapter", "exposure_rank <= ?", [CHAPTERS_SHOWN]))
    )
    ctx.charts.append(charts.trend(feeds.rows("rpt_flag_trend")))
    ctx.charts.append(charts.new_resolved(feeds.rows("rpt_flag_changes"), run.get("previous_run_id")))


def _review_queue(feeds: FeedReader, kpis: dict[str, dict], top_n: int) -> tuple[dict[str, Any], list[dict]]:
    """The first ``top_n`` products of rpt_review_queue, their rows grouped under each
    product for the page, and the spreadsheet rows."""
    items = feeds.rows("rpt_review_queue", "product_rank <= ?", [top_n])
    candidates: dict[tuple[str, str], list[dict]] = {}
    for c in feeds.rows(
        "rpt_review_queue_candidates",
        "sku in (select sku from reports.rpt_review_queue where product_rank <= ?)",
        [top_n],
    ):
        candidates.setdefault((c["sku"], c["scheme"]), []).append(c)
    products: dict[str, dict[str, Any]] = {}
    for item in items:
        product = products.setdefault(
            item["sku"],
            {
                "rank": item["product_rank"],
                "sku": item["sku"],
                "description": item["description"],
                "severity": item["product_severity"],
                "flags": item["product_flags"],
                "exposure_usd": item["trade_value_exposed_usd"],
                "risk_score": item["risk_score"],
                "top_reasons": _text(_json(item["top_reasons"])),
                "flag_groups": [],
                "candidates": [],
            },
        )
        group = {k: item[k] for k in ("check_code", "scheme", "severity", "title", "flags")}
        group |= {k: item[k] for k in ("declared_codes", "suggested_codes", "evidence", "shipment_ids")}
        group["candidates"] = candidates.get((item["sku"], item["scheme"]), [])
        product["flag_groups"].append(group)
    for product in products.values():
        schemes = dict.fromkeys(f["scheme"] for f in product["flag_groups"])
        product["candidates"] = [
            c for scheme in schemes for c in candidates.get((product["sku"], scheme), [])
        ]
    queue = {
        "products": list(products.values()),
        "total_flagged": _count(kpis["review_queue_products"]["value"]),
        "top_n": top_n,
        "ordered_by": "risk score, then severity, then trade value exposed",
    }
    return queue, queue_rows(items, candidates)


def _section_export_control(feeds: FeedReader, ctx: Context) -> None:
    """The #export-control section: ECCN flags, determinations, embargo and screening hits."""
    by_check = feeds.rows("rpt_export_control_by_check")
    source = "marts.fct_license_determinations (decision: licence required)"
    destinations = feeds.rows("rpt_licence_destinations")
    section: dict[str, Any] = {
        "by_check": by_check,
        "decisions": feeds.rows("rpt_licence_decisions"),
        "destinations": destinations,
        "destinations_source": source,
        "chart": charts.licence_destinations(destinations[:DESTINATIONS_CHARTED], source)
        if destinations
        else None,
        "detail_limit": EXPORT_CONTROL_DETAIL_LIMIT,
    }
    flags_per_check = {r["check_code"]: r["flags"] for r in by_check}
    for key, check in (("embargo", "EMBARGOED_DESTINATION"), ("screening", "PARTY_SCREENING_HIT")):
        section[key] = feeds.rows(
            "rpt_export_control_flags",
            "check_code = ? and check_order <= ?",
            [check, EXPORT_CONTROL_DETAIL_LIMIT],
        )
        section[f"{key}_total"] = flags_per_check.get(check, 0)
    ctx.export_control = section


def _section_data_quality(
    feeds: FeedReader, kpis: dict[str, dict], data_docs_index: str | None, ctx: Context
) -> None:
    """The #data-quality section: input files, quarantine, expectations, Data Docs link."""
    figure = {key: _count(row["value"]) for key, row in kpis.items()}
    validation = feeds.rows("rpt_expectation_results", "is_listed")
    for row in validation:
        keys = row["failing_keys"] or ""
        row["failing_keys"] = keys if len(keys) <= FAILING_KEYS_SHOWN else keys[:FAILING_KEYS_SHOWN] + " …"
    ctx.data_quality = {
        "files": feeds.rows("rpt_input_files"),
        "quarantine_total": figure["quarantined_rows"],
        "quarantine_by_reason": [
            {"source_file": r["source_file"], "columns": r["columns"], "rows": r["rows_rejected"]}
            for r in feeds.rows("rpt_input_rejected", "rejection_kind = 'row_quarantined'")
        ],
        "nulled_total": figure["values_nulled"],
        "nulled_by_column": [
            {"source_file": r["source_file"], "columns": r["columns"], "rows": r["rows_rejected"]}
            for r in feeds.rows("rpt_input_rejected", "rejection_kind = 'value_nulled'")
        ],
        "nulled": feeds.rows("rpt_field_rejections", "field_rejection_id <= ?", [QUARANTINE_DETAIL_LIMIT]),
        "quarantine": feeds.rows(
            "rpt_quarantined_rows", "quarantined_row_id <= ?", [QUARANTINE_DETAIL_LIMIT]
        ),
        "quarantine_limit": QUARANTINE_DETAIL_LIMIT,
        "expectations": figure["expectations"],
        "expectations_failed": figure["expectations_failed"],
        "expectations_blocking": figure["expectations_blocking"],
        "suites_reused": (figure["suites_reused"], figure["suites"]),
        "validation": validation,
        "data_docs": _data_docs_href(data_docs_index),
        "data_docs_given": data_docs_index is not None,
    }


def _data_docs_href(index: str | None) -> str | None:
    """Link target for the GX Data Docs index: http(s)/file URLs and paths, nothing else (no javascript:)."""
    index = (index or "").strip()
    if not index:
        return None
    parsed = urlparse(index)
    if parsed.scheme in ("http", "https", "file"):
        return index
    if parsed.scheme and len(parsed.scheme) > 1:  # not a Windows drive letter
        return None
    path = Path(index)
    return path.resolve().as_uri() if path.is_absolute() else index


def _section_metadata(feeds: FeedReader, run: dict, summary: dict, ctx: Context) -> None:
    """The #run-metadata section: run identity and timings (the summary's), status once
    recorded (rpt_run) and the reference editions loaded (rpt_reference_data)."""
    stages = list((summary.get("stage_seconds") or {}).items())
    ctx.metadata = {
        "run_id": summary.get("run_id"),
        "started_at": summary.get("started_at"),
        "sources": summary.get("sources"),
        "warehouse": summary.get("warehouse"),
        "rows_in": summary.get("rows_in"),
        "rows_loaded": summary.get("rows_loaded"),
        "rows_quarantined": summary.get("rows_quarantined"),
        "stages": stages,
        "stage_total": sum(float(v) for _, v in stages) if stages else None,
        "status": run.get("status"),
        "finished_at": run.get("finished_at"),
        "duration": run.get("duration_seconds"),
        "reference": [
            {
                "dataset": r["dataset"],
                "edition": r["edition"],
                "file": r["source_file"],
                "sha256": r["sha256"],
                "rows_loaded": r["rows_loaded"],
            }
            for r in feeds.rows("rpt_reference_data")
        ],
    }


def _consistency_warnings(feeds: FeedReader, run_id: str) -> list[str]:
    """The summary and the feeds must describe the same run; say so loudly when they do not."""
    others = sorted(r for r in feeds.run_ids() if r != run_id)
    if others:
        return [
            f"The report feeds were built for run(s) {', '.join(others)}, the summary is of run {run_id}: "
            "figures from the summary and from the warehouse may differ."
        ]
    return []


# --------------------------------------------------------------------------- entry point


def render_report(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    summary: dict,
    data_docs_index: str | None = None,
    top_n: int = 50,
) -> Path:
    """Write ``report.html``, ``review_queue.csv`` and ``review_queue.xlsx`` into ``out_dir``
    from the report feeds of the warehouse ``con`` (which may be read-only).

    ``summary`` is the dict ``flows/report.py`` builds. Returns the HTML path.
    """
    if top_n < 1:
        raise ValueError("top_n must be at least 1")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    run_id = str(summary.get("run_id") or "")
    feeds = FeedReader(con)
    ctx = Context(run_id=run_id, generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    ctx.warnings = _consistency_warnings(feeds, run_id)

    kpis = feeds.kpis()
    by_check = feeds.rows("rpt_flags_by_check")
    run = next(iter(feeds.rows("rpt_run")), {})
    ctx.kpis = _kpi_cards(kpis)
    _section_charts(feeds, by_check, run, ctx)
    ctx.queue, rows = _review_queue(feeds, kpis, top_n)
    _section_export_control(feeds, ctx)
    _section_data_quality(feeds, kpis, data_docs_index, ctx)
    _section_metadata(feeds, run, summary, ctx)

    write_queue_csv(rows, out_dir / "review_queue.csv")
    write_queue_xlsx(rows, out_dir / "review_queue.xlsx", run_id)

    html = (
        _environment()
        .get_template(TEMPLATE_NAME)
        .render(
            ctx=ctx,
            summary=summary,
            by_check=by_check,
            queue_rows=len(rows),
            render_seconds=time.perf_counter() - started,
        )
    )
    path = out_dir / "report.html"
    tmp = out_dir / ".report.html.tmp"
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path
