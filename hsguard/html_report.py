"""The compliance report: one self-contained ``report.html`` and the reviewer's queue (CSV + XLSX).

Every number comes from a warehouse query below or from the run summary that
``flows/report.py`` built from the same warehouse; nothing is recomputed another way.
Marts that colleagues add later (``fct_product_risk``, ``fct_license_determinations``,
``fct_product_candidates``, ``audit.flag_history``) are optional: a section that needs
one says "not available in this run" when it is missing.

Security: the template autoescapes every value; the only markup inserted verbatim is
the SVG that vl-convert renders from the data (text escaped by Vega), after a check
that it holds no script, event handler or external reference. Spreadsheet cells that
start with = + - @ (or tab/CR) are neutralised with a leading quote.
"""

from __future__ import annotations

import csv
import json
import math
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import altair as alt
import duckdb
import vl_convert
import xlsxwriter
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from hsguard.reporting import neutralise_formula

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "report.html.j2"

SEVERITIES = ("critical", "high", "medium", "low", "info")
SEVERITY_COLOURS = {
    "critical": "#7f1d1d",
    "high": "#dc2626",
    "medium": "#d97706",
    "low": "#2563eb",
    "info": "#6b7280",
}
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
EXPORT_CONTROL_DETAIL_LIMIT = 200
QUARANTINE_DETAIL_LIMIT = 200
XLSX_CELL_LIMIT = 32_767
CHART_FONT = "Helvetica, Arial, sans-serif"
NOT_AVAILABLE = "not available in this run"

# SVG from vl-convert is inserted verbatim only when none of these occur in it.
_UNSAFE_SVG = re.compile(
    r"<\s*(script|foreignObject|iframe|object|embed|image|use|style|a)\b|\son[a-z]+\s*=|javascript:"
    r"|(?:xlink:)?href\s*=\s*[\"'](?!#)|url\(\s*[\"']?(?!#)",
    re.IGNORECASE,
)

# Shipments as the dbt staging model types them (macro parse_number: thousands commas removed).
_SHIPMENTS_CTE = """shipments as (
    select shipment_id, sku, upper(trim(destination_country)) as destination_country,
           try_cast(replace(trim(value_usd::varchar), ',', '') as double) as value_usd, {end_user} as end_user
    from raw.erp_shipments
)"""
_EXPOSURE_FROM_SHIPMENTS = """exposure as (
    select sku, sum(value_usd) as exposure_usd, count(*) as shipments
    from shipments
    where sku in (select sku from marts.fct_classification_flags)
    group by sku
)"""
_EXPOSURE_FROM_RISK = """exposure as (
    select sku, trade_value_exposed_usd as exposure_usd, null::bigint as shipments
    from marts.fct_product_risk
)"""
# dim_products has one row per SKU; this keeps joins from multiplying rows should that ever change.
_ONE_ROW_PER_SKU = "(select distinct on (sku) * from marts.dim_products order by sku)"
# "license_required" / "licence required" exactly (never "no_license_required").
_LICENCE_REQUIRED = "regexp_full_match(lower(trim(decision)), 'licen[cs]e[ _-]?required')"


# --------------------------------------------------------------------------- helpers


class _Catalog:
    """Tables and views of the connected warehouse with their columns (current database only)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.columns: dict[str, set[str]] = {}
        rows = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_catalog = current_database()"
        ).fetchall()
        for schema, table, column in rows:
            self.columns.setdefault(f"{schema}.{table}", set()).add(column)

    def has(self, table: str, *columns: str) -> bool:
        """True when ``table`` exists and has every one of ``columns``."""
        return table in self.columns and set(columns) <= self.columns[table]

    def missing(self, table: str, *columns: str) -> str | None:
        """None when usable, else the short note the report prints instead of the section."""
        if table not in self.columns:
            return f"{table} {NOT_AVAILABLE}"
        absent = sorted(set(columns) - self.columns[table])
        if absent:
            return f"{table} lacks column(s) {', '.join(absent)}; {NOT_AVAILABLE}"
        return None


@dataclass
class _Chart:
    """One rendered chart (or the note shown in its place)."""

    id: str
    title: str
    caption: str = ""
    svg: Markup | None = None
    note: str | None = None


@dataclass
class _Context:
    """Everything the template renders; filled section by section."""

    run_id: str
    generated_at: str
    warnings: list[str] = field(default_factory=list)
    kpis: list[dict[str, Any]] = field(default_factory=list)
    charts: list[_Chart] = field(default_factory=list)
    queue: dict[str, Any] = field(default_factory=dict)
    export_control: dict[str, Any] = field(default_factory=dict)
    data_quality: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


def _plain(value: Any) -> Any:
    """A JSON-friendly scalar for chart data."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    """Rows of a query as dicts."""
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


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
        candidate=_candidate_measure,
    )
    env.globals.update(severity_colours=SEVERITY_COLOURS)
    return env


# --------------------------------------------------------------------------- charts


def _safe_svg(svg: str, prefix: str) -> Markup | None:
    """vl-convert's SVG, ids namespaced per chart; None if it holds anything active or external."""
    svg = re.sub(r"^\s*<\?xml[^>]*\?>", "", svg).strip()
    if not svg.startswith("<svg") or _UNSAFE_SVG.search(svg):
        return None
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    return Markup(svg)  # noqa: S704 - produced by vl-convert from data, checked above


def _render_chart(chart_id: str, title: str, chart: alt.TopLevelMixin, caption: str = "") -> _Chart:
    """Render an Altair chart offline to inline SVG."""
    spec = (
        chart.configure(font=CHART_FONT, background="white")
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11, labelColor="#374151", titleColor="#374151")
        .configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom")
        .to_dict()
    )
    svg = _safe_svg(vl_convert.vegalite_to_svg(spec), chart_id)
    note = None if svg is not None else "chart omitted: the rendered SVG did not pass the safety check"
    return _Chart(id=chart_id, title=title, caption=caption, svg=svg, note=note)


def _severity_scale(present: list[str]) -> alt.Scale:
    """Colour scale of the severities present, in severity order."""
    domain = [s for s in SEVERITIES if s in present] + sorted(set(present) - set(SEVERITIES))
    return alt.Scale(domain=domain, range=[SEVERITY_COLOURS.get(s, "#9ca3af") for s in domain])


def _chart_flags_by_check(by_check: list[dict]) -> _Chart:
    """Horizontal bars: flags per check, stacked by severity."""
    chart_id, title = "chart-flags-by-check", "Flags by check and severity"
    if not by_check:
        return _Chart(chart_id, title, note="No flags in this run.")
    data = [
        {
            "check": r["check_code"],
            "severity": r["severity"],
            "flags": r["flags"],
            "order": SEVERITIES.index(r["severity"]) if r["severity"] in SEVERITIES else len(SEVERITIES),
        }
        for r in by_check
    ]
    by_total = alt.EncodingSortField(field="flags", op="sum", order="descending")
    y = alt.Y("check:N", sort=by_total, title=None, axis=alt.Axis(labelLimit=220))
    bars = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("sum(flags):Q", title="flags", axis=alt.Axis(format=",d", tickMinStep=1)),
            color=alt.Color(
                "severity:N", scale=_severity_scale([r["severity"] for r in data]), title="severity"
            ),
            order=alt.Order("order:Q"),
        )
    )
    labels = (
        alt.Chart(alt.Data(values=data))
        .mark_text(align="left", dx=3, fontSize=11, color="#111827")
        .encode(y=y, x=alt.X("sum(flags):Q"), text=alt.Text("sum(flags):Q", format=",d"))
    )
    checks = len({r["check"] for r in data})
    chart = (bars + labels).properties(width=380, height=max(60, 24 * checks))
    return _render_chart(chart_id, title, chart, "marts.fct_classification_flags, grouped by check")


def _risk_bins(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Products per risk-score bin, counted in DuckDB (a million scores never reach Python).

    Bins are 5 points wide on the model's 0-100 scale (at most 20 bars); a larger
    maximum doubles the width until there are at most 20 again.
    """
    top = con.execute("select max(risk_score) from marts.fct_product_risk").fetchone()[0]
    if top is None:
        return []
    width = 5.0
    while float(top) / width > 20:
        width *= 2
    last_bin = max(math.ceil(float(top) / width) - 1, 0)
    return [
        {"bin_start": float(r["bin"]) * width, "bin_end": (float(r["bin"]) + 1) * width, "products": r["n"]}
        for r in _records(
            con,
            "select least(floor(risk_score / ?), ?) as bin, count(*) as n "
            "from marts.fct_product_risk where risk_score is not null group by 1 order by 1",
            [width, last_bin],
        )
    ]


def _chart_risk_distribution(bins: list[dict]) -> _Chart:
    """Histogram of product risk scores (bins from ``_risk_bins``)."""
    chart_id, title = "chart-risk-distribution", "Risk score distribution"
    if not bins:
        return _Chart(chart_id, title, note="No risk scores in marts.fct_product_risk.")
    chart = (
        alt.Chart(alt.Data(values=bins))
        .mark_bar(color="#7c3aed")
        .encode(
            x=alt.X("bin_start:Q", bin="binned", title="risk score"),
            x2="bin_end:Q",
            y=alt.Y("products:Q", title="products", axis=alt.Axis(format=",d", tickMinStep=1)),
        )
        .properties(width=380, height=200)
    )
    return _render_chart(chart_id, title, chart, "marts.fct_product_risk, products per risk-score bin")


def _chart_chapters(rows: list[dict], source: str) -> _Chart:
    """Top HS chapters by trade value exposed."""
    chart_id, title = "chart-chapters", "Top HS chapters by trade value exposed"
    if not rows:
        return _Chart(chart_id, title, note="No trade value exposed in this run.")
    data = [
        {
            "chapter": f"{r['chapter'] or ''} {r['chapter_title'] or ''}".strip()[:60],
            "exposure_usd": _plain(r["exposure_usd"]),
            "products": r["products"],
        }
        for r in rows
    ]
    base = alt.Chart(alt.Data(values=data)).encode(
        y=alt.Y("chapter:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("exposure_usd:Q", title="USD", axis=alt.Axis(format="$,.0f")),
    )
    chart = (
        base.mark_bar(color="#0f766e")
        + base.mark_text(align="left", dx=3, fontSize=11, color="#111827").encode(
            text=alt.Text("exposure_usd:Q", format="$,.0f")
        )
    ).properties(width=300, height=max(60, 24 * len(data)))
    caption = f"chapter = first 2 digits of marts.dim_products.hts_code; exposure from {source}"
    return _render_chart(chart_id, title, chart, caption)


def _chart_trend(points: list[dict]) -> _Chart:
    """Flags (total and per severity) over the recorded runs."""
    chart_id, title = "chart-trend", "Flags over runs"
    data = []
    labels: list[str] = []
    for p in points:
        label = _fmt_time(p["started_at"]).removesuffix(" UTC")
        if label in labels or label == "—":
            label = f"{label} ({p['run_id']})"
        labels.append(label)
        data.append({"run": label, "series": "total", "flags": p["total"]})
        for severity, n in (p["by_severity"] or {}).items():
            data.append({"run": label, "series": severity, "flags": n})
    if not data:
        return _Chart(chart_id, title, note="No run history.")
    domain = ["total"] + [s for s in SEVERITIES if any(d["series"] == s for d in data)]
    domain += sorted({d["series"] for d in data} - set(domain))
    scale = alt.Scale(
        domain=domain, range=["#111827"] + [SEVERITY_COLOURS.get(s, "#9ca3af") for s in domain[1:]]
    )
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=alt.OverlayMarkDef(size=50))
        .encode(
            x=alt.X(
                "run:O",
                sort=labels,
                title="run started (UTC)",
                axis=alt.Axis(labelAngle=-30, labelOverlap=True, labelLimit=160),
            ),
            y=alt.Y("flags:Q", title="flags", axis=alt.Axis(format=",d", tickMinStep=1)),
            color=alt.Color("series:N", scale=scale, title=None),
        )
        .properties(width=380, height=200)
    )
    caption = "audit.run_history (flags_total, flags_by_severity)"
    if len(points) == 1:
        caption += "; one run so far, the trend starts with the next run"
    return _render_chart(chart_id, title, chart, caption)


def _chart_new_resolved(rows: list[dict]) -> _Chart:
    """New and resolved flags per check since the previous run."""
    chart_id, title = "chart-new-resolved", "New and resolved flags since the previous run"
    data = [
        {"check": r["check_code"], "change": r["change"], "flags": r["flags"]} for r in rows if r["flags"]
    ]
    if not data:
        return _Chart(chart_id, title, note="No new or resolved flags since the previous run.")
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            y=alt.Y("check:N", title=None, axis=alt.Axis(labelLimit=220)),
            yOffset=alt.YOffset("change:N"),
            x=alt.X("flags:Q", title="flags", axis=alt.Axis(format=",d", tickMinStep=1)),
            color=alt.Color(
                "change:N",
                scale=alt.Scale(domain=["new", "resolved"], range=["#dc2626", "#16a34a"]),
                title=None,
            ),
        )
        .properties(width=380, height=max(60, 30 * len({d["check"] for d in data})))
    )
    return _render_chart(chart_id, title, chart, "audit.flag_history (first_seen_run_id, last_seen_run_id)")


def _chart_destinations(rows: list[dict], source: str) -> _Chart:
    """Licence-required shipments per destination."""
    chart_id, title = "chart-licence-destinations", "Licence-required shipments by destination"
    data = [{"destination": r["destination_country"] or "?", "shipments": r["shipments"]} for r in rows]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar(color=SEVERITY_COLOURS["critical"])
        .encode(
            y=alt.Y("destination:N", sort="-x", title=None),
            x=alt.X("shipments:Q", title="shipments", axis=alt.Axis(format=",d", tickMinStep=1)),
        )
        .properties(width=300, height=max(60, 22 * len(data)))
    )
    return _render_chart(chart_id, title, chart, source)


# --------------------------------------------------------------------------- sections


def _flags_by_severity(con: duckdb.DuckDBPyConnection, summary: dict) -> dict[str, int]:
    """Flags per severity: the summary's, else the report flow's query."""
    if "flags_by_severity" in summary:
        return dict(summary["flags_by_severity"])
    return dict(
        con.execute(
            "select severity, count(*) from marts.fct_classification_flags "
            "group by severity, severity_rank order by severity_rank desc"
        ).fetchall()
    )


def _flags_by_check(con: duckdb.DuckDBPyConnection, summary: dict) -> list[dict]:
    """Flags per check and severity: the summary's, else the report flow's query."""
    if "flags_by_check" in summary:
        return list(summary["flags_by_check"])
    return _records(
        con,
        "select check_code, severity, count(*) as flags from marts.fct_classification_flags "
        "group by check_code, severity, severity_rank order by severity_rank desc, check_code",
    )


class _Warehouse:
    """Query building blocks that depend on which optional tables this warehouse has."""

    def __init__(self, con: duckdb.DuckDBPyConnection, run_id: str) -> None:
        self.con = con
        self.run_id = run_id
        self.catalog = _Catalog(con)
        cat = self.catalog
        self.has_shipments = cat.has(
            "raw.erp_shipments", "shipment_id", "sku", "destination_country", "value_usd"
        )
        self.risk_note = cat.missing("marts.fct_product_risk", "sku", "risk_score", "trade_value_exposed_usd")
        self.has_risk = self.risk_note is None
        self.det_note = cat.missing(
            "marts.fct_license_determinations", "shipment_id", "sku", "destination_country", "decision"
        )
        self.has_determinations = self.det_note is None
        self.cand_note = cat.missing(
            "marts.fct_product_candidates", "sku", "scheme", "rank", "candidate_code", "score", "source"
        )
        self.has_candidates = self.cand_note is None
        self.history_note = cat.missing(
            "audit.flag_history", "sku", "check_code", "first_seen_run_id", "last_seen_run_id"
        )
        self.has_flag_history = self.history_note is None

    def ctes(self) -> str | None:
        """``shipments`` and ``exposure`` CTEs (risk mart preferred), or None without either source."""
        parts = []
        if self.has_shipments:
            end_user = "end_user" if self.catalog.has("raw.erp_shipments", "end_user") else "null::varchar"
            parts.append(_SHIPMENTS_CTE.format(end_user=end_user))
        if self.has_risk:
            parts.append(_EXPOSURE_FROM_RISK)
        elif self.has_shipments:
            parts.append(_EXPOSURE_FROM_SHIPMENTS)
        else:
            return None
        return ",\n".join(parts)

    @property
    def exposure_source(self) -> str:
        """Where the trade value exposed comes from, as shown in the report."""
        if self.has_risk:
            return "marts.fct_product_risk.trade_value_exposed_usd"
        return "shipment value_usd of flagged SKUs (raw.erp_shipments)"

    def run_filter(self, table: str, column: str = "run_id") -> tuple[str, list]:
        """``where run_id = ?`` when the table holds rows of this run, else no filter."""
        if not self.catalog.has(table, column):
            return "", []
        found = self.con.execute(
            f"select count(*) from {table} where {column} = ?",  # noqa: S608 - names from the catalog
            [self.run_id],
        ).fetchone()[0]
        return (f" where {column} = ?", [self.run_id]) if found else ("", [])


def _section_kpis(wh: _Warehouse, summary: dict, by_severity: dict[str, int], ctx: _Context) -> dict:
    """KPI cards; returns the exposure totals for the charts."""
    con = wh.con
    kpis = ctx.kpis
    products = (
        summary["products"]
        if "products" in summary
        else con.execute("select count(*) from marts.dim_products").fetchone()[0]
    )
    flags_total = summary.get("flags_total", sum(by_severity.values()))
    flagged = con.execute("select count(distinct sku) from marts.fct_classification_flags").fetchone()[0]
    kpis.append(
        {"key": "products", "label": "Products audited", "value": products, "display": _fmt_num(products)}
    )
    kpis.append(
        {
            "key": "flagged_products",
            "label": "Products with flags",
            "value": flagged,
            "display": _fmt_num(flagged),
            "sub": f"{flagged / products:.1%} of products" if products else None,
        }
    )
    kpis.append(
        {"key": "flags_total", "label": "Flags", "value": flags_total, "display": _fmt_num(flags_total)}
    )
    for severity, n in by_severity.items():
        kpis.append(
            {
                "key": f"flags_{severity}",
                "label": f"{severity.capitalize()} flags",
                "value": n,
                "display": _fmt_num(n),
                "severity": severity,
            }
        )
    exposure: dict[str, Any] = {"available": False}
    ctes = wh.ctes()
    if ctes is None:
        kpis.append(
            {
                "key": "trade_value_exposed_usd",
                "label": "Trade value exposed",
                "value": None,
                "display": "n/a",
                "sub": f"shipments {NOT_AVAILABLE}",
            }
        )
    else:
        total, products_exposed, shipments = con.execute(
            f"with {ctes} select sum(exposure_usd), count(*) filter (where exposure_usd > 0), "  # noqa: S608
            "sum(shipments) from exposure"
        ).fetchone()
        total = float(total or 0)
        sub = f"{_fmt_num(products_exposed)} products"
        if shipments is not None:
            sub = f"{_fmt_num(shipments)} shipments of {sub}"
        kpis.append(
            {
                "key": "trade_value_exposed_usd",
                "label": "Trade value exposed",
                "value": round(total, 2),
                "display": _fmt_usd(total),
                "sub": sub,
                "title": wh.exposure_source,
            }
        )
        exposure = {"available": True, "total": total, "ctes": ctes}
    if wh.has_determinations:
        n = con.execute(
            f"select count(*) from marts.fct_license_determinations where {_LICENCE_REQUIRED}"  # noqa: S608
        ).fetchone()[0]
        kpis.append(
            {
                "key": "license_required_shipments",
                "label": "Licence-required shipments",
                "value": n,
                "display": _fmt_num(n),
                "severity": "critical" if n else None,
                "title": "marts.fct_license_determinations",
            }
        )
    quarantined = summary.get("rows_quarantined")
    if quarantined is not None:
        kpis.append(
            {
                "key": "rows_quarantined",
                "label": "Input rows quarantined",
                "value": quarantined,
                "display": _fmt_num(quarantined),
                "sub": f"of {_fmt_num(summary.get('rows_in'))} rows in",
            }
        )
    return exposure


def _history_points(wh: _Warehouse, summary: dict, flags_total: int, by_severity: dict) -> list[dict]:
    """Flag counts per run from audit.run_history, plus this run when not yet recorded."""
    points: list[dict] = []
    if wh.catalog.has("audit.run_history", "run_id", "started_at", "flags_total", "flags_by_severity"):
        for r in _records(
            wh.con,
            "select run_id, started_at, flags_total, flags_by_severity from audit.run_history "
            "order by started_at, run_id",
        ):
            by = _json(r["flags_by_severity"])
            points.append(
                {
                    "run_id": r["run_id"],
                    "started_at": _plain(r["started_at"]),
                    "total": r["flags_total"],
                    "by_severity": by if isinstance(by, dict) else {},
                }
            )
    if summary.get("run_id") and all(p["run_id"] != summary["run_id"] for p in points):
        points.append(
            {
                "run_id": summary["run_id"],
                "started_at": str(summary.get("started_at") or ""),
                "total": flags_total,
                "by_severity": by_severity,
            }
        )
    return points


def _section_charts(
    wh: _Warehouse, summary: dict, by_check: list[dict], by_severity: dict, exposure: dict, ctx: _Context
) -> None:
    """The #charts section (and the new/resolved KPIs when flag history exists)."""
    con = wh.con
    ctx.charts.append(_chart_flags_by_check(by_check))
    if wh.has_risk:
        ctx.charts.append(_chart_risk_distribution(_risk_bins(con)))
    else:
        ctx.charts.append(_Chart("chart-risk-distribution", "Risk score distribution", note=wh.risk_note))
    if exposure["available"] and wh.catalog.has("marts.dim_products", "sku", "hts_code"):
        titles = (
            "chapters as (select code as chapter, arg_max(description, coalesce(is_current_edition, false)) "
            "as chapter_title from marts.dim_tariff_lines where scheme = 'HS' and length(code) = 2 "
            "group by code)"
            if wh.catalog.has("marts.dim_tariff_lines", "scheme", "code", "description", "is_current_edition")
            else "chapters as (select null::varchar as chapter, null::varchar as chapter_title where false)"
        )
        rows = _records(
            con,
            f"with {exposure['ctes']}, {titles} "  # noqa: S608 - fragments are module constants
            "select left(d.hts_code, 2) as chapter, "
            "any_value(case when d.hts_code is null then 'no valid HTSUS code' else c.chapter_title end) "
            "as chapter_title, sum(e.exposure_usd) as exposure_usd, count(*) as products "
            f"from exposure e left join {_ONE_ROW_PER_SKU} d using (sku) "
            "left join chapters c on c.chapter = left(d.hts_code, 2) "
            "where e.exposure_usd > 0 group by 1 order by exposure_usd desc, chapter nulls last limit 10",
        )
        ctx.charts.append(_chart_chapters(rows, wh.exposure_source))
    else:
        ctx.charts.append(
            _Chart(
                "chart-chapters", "Top HS chapters by trade value exposed", note=f"shipments {NOT_AVAILABLE}"
            )
        )
    flags_total = summary.get("flags_total", sum(by_severity.values()))
    ctx.charts.append(_chart_trend(_history_points(wh, summary, flags_total, by_severity)))
    title = "New and resolved flags since the previous run"
    if not wh.has_flag_history:
        ctx.charts.append(_Chart("chart-new-resolved", title, note=wh.history_note))
        return
    previous = None
    if wh.catalog.has("audit.run_history", "run_id"):
        previous = con.execute(
            "select max(run_id) from audit.run_history where run_id < ?", [wh.run_id]
        ).fetchone()[0]
    rows = _records(
        con,
        "select check_code, 'new' as change, count(*) as flags from audit.flag_history "
        "where first_seen_run_id = ? group by all "
        "union all select check_code, 'resolved', count(*) from audit.flag_history "
        "where last_seen_run_id = ? and last_seen_run_id <> ? group by all order by 1, 2",
        [wh.run_id, previous, wh.run_id],
    )
    chart = _chart_new_resolved(rows)
    chart.caption = (chart.caption + "; " if chart.caption else "") + (
        f"previous run {previous}" if previous else "first recorded run: every flag is new"
    )
    ctx.charts.append(chart)
    new = sum(r["flags"] for r in rows if r["change"] == "new")
    resolved = sum(r["flags"] for r in rows if r["change"] == "resolved")
    ctx.kpis.append({"key": "flags_new", "label": "New flags", "value": new, "display": _fmt_num(new)})
    ctx.kpis.append(
        {"key": "flags_resolved", "label": "Resolved flags", "value": resolved, "display": _fmt_num(resolved)}
    )


def _review_queue(wh: _Warehouse, exposure: dict, top_n: int) -> dict[str, Any]:
    """The top ``top_n`` flagged products and their flags grouped by (sku, check, scheme)."""
    con = wh.con
    ctes = (
        exposure["ctes"]
        if exposure["available"]
        else ("exposure as (select null::varchar as sku, null::double as exposure_usd where false)")
    )
    risk_join = "left join marts.fct_product_risk r using (sku)" if wh.has_risk else ""
    risk_cols = (
        "r.risk_score, r.top_reasons"
        if wh.has_risk and wh.catalog.has("marts.fct_product_risk", "top_reasons")
        else (
            "r.risk_score, null as top_reasons" if wh.has_risk else "null as risk_score, null as top_reasons"
        )
    )
    order = "r.risk_score desc nulls last, " if wh.has_risk else ""
    description = "d.description" if wh.catalog.has("marts.dim_products", "description") else "null"
    # Flags a reviewer overrode stay in the mart but leave the queue (only when the mart has overrides).
    open_only = (
        " where not coalesce(is_overridden, false)"
        if wh.catalog.has("marts.fct_classification_flags", "is_overridden")
        else ""
    )
    and_open = open_only.replace(" where ", " and ")
    products = _records(
        con,
        f"with {ctes}, "  # noqa: S608 - fragments are module constants
        "flagged as (select sku, max(severity_rank) as severity_rank, "
        "arg_max(severity, severity_rank) as severity, count(*) as flags "
        f"from marts.fct_classification_flags{open_only} group by sku) "
        f"select row_number() over (order by {order}p.severity_rank desc, e.exposure_usd desc nulls last, "
        f"p.flags desc, p.sku) as rank, p.sku, {description} as description, p.severity, p.severity_rank, "
        f"p.flags, e.exposure_usd, {risk_cols} "
        "from flagged p left join exposure e using (sku) "
        f"left join {_ONE_ROW_PER_SKU} d using (sku) {risk_join} "
        "qualify rank <= ? order by rank",
        [top_n],
    )
    total = con.execute(
        f"select count(distinct sku) from marts.fct_classification_flags{open_only}"  # noqa: S608
    ).fetchone()[0]
    skus = [p["sku"] for p in products]
    flags = _records(
        con,
        "select sku, check_code, scheme, arg_max(severity, severity_rank) as severity, "  # noqa: S608
        "max(severity_rank) as severity_rank, any_value(title) as title, "
        "list(distinct declared_code order by declared_code) filter (where declared_code is not null) "
        "as declared_codes, "
        "list(distinct suggested_code order by suggested_code) filter (where suggested_code is not null) "
        "as suggested_codes, "
        "list(distinct evidence order by evidence) filter (where evidence is not null) as evidence, "
        "list(distinct shipment_id order by shipment_id) filter (where shipment_id is not null) "
        "as shipment_ids, count(*) as flags "
        f"from marts.fct_classification_flags where list_contains(?, sku){and_open} "
        "group by sku, check_code, scheme order by sku, severity_rank desc, check_code, scheme",
        [skus],
    )
    candidates: dict[tuple[str, str], list[dict]] = {}
    if wh.has_candidates and skus:
        cols = wh.catalog.columns["marts.fct_product_candidates"]
        display = (
            "coalesce(candidate_code_display, candidate_code)"
            if "candidate_code_display" in cols
            else ("candidate_code")
        )
        confidence = "confidence" if "confidence" in cols else "null"
        abstain = "is_abstain" if "is_abstain" in cols else "null"
        for c in _records(
            con,
            f"select sku, scheme, rank, {display} as code, score, {confidence} as confidence, "  # noqa: S608
            f"{abstain} as is_abstain, source from marts.fct_product_candidates "
            "where list_contains(?, sku) and rank <= 3 order by sku, scheme, rank",
            [skus],
        ):
            candidates.setdefault((c["sku"], c["scheme"]), []).append(c)
    by_sku: dict[str, list[dict]] = {}
    for f in flags:
        f["candidates"] = candidates.get((f["sku"], f["scheme"]), [])
        by_sku.setdefault(f["sku"], []).append(f)
    for p in products:
        p["flag_groups"] = by_sku.get(p["sku"], [])
        schemes = dict.fromkeys(f["scheme"] for f in p["flag_groups"])
        p["candidates"] = [c for scheme in schemes for c in candidates.get((p["sku"], scheme), [])]
        p["top_reasons"] = _text(_json(p["top_reasons"]))
    return {
        "products": products,
        "total_flagged": total,
        "top_n": top_n,
        "ordered_by": ("risk score, then " if wh.has_risk else "") + "severity, then trade value exposed",
        "has_risk": wh.has_risk,
        "has_exposure": exposure["available"],
        "candidates_note": wh.cand_note,
    }


def _candidate_measure(c: dict) -> str:
    """``confidence 62%, tariff+ruling`` (score when the mart has no confidence)."""
    if c.get("confidence") is not None:
        measure = f"confidence {float(c['confidence']):.0%}"
    else:
        measure = f"score {float(c['score']):.2f}" if c.get("score") is not None else "no score"
    expert = ", needs expert" if c.get("is_abstain") else ""
    return f"{measure}, {c['source']}{expert}"


def _candidate_text(c: dict) -> str:
    """One candidate as text for the spreadsheet."""
    return f"{c['scheme']} {c['code']} ({_candidate_measure(c)})"


def _queue_rows(queue: dict, run_id: str) -> list[dict[str, Any]]:
    """One spreadsheet row per (sku, check, scheme): the key a reviewer's decision applies to."""
    rows = []
    for p in queue["products"]:
        for f in p["flag_groups"]:
            rows.append(
                {
                    "rank": p["rank"],
                    "sku": p["sku"],
                    "description": p["description"],
                    "check_code": f["check_code"],
                    "scheme": f["scheme"],
                    "severity": f["severity"],
                    "title": f["title"],
                    "declared_code": "; ".join(f["declared_codes"] or []),
                    "suggested_code": "; ".join(f["suggested_codes"] or []),
                    "evidence": "\n".join(f["evidence"] or []),
                    "shipment_ids": "; ".join(f["shipment_ids"] or []),
                    "trade_value_exposed_usd": None
                    if p["exposure_usd"] is None
                    else round(p["exposure_usd"], 2),
                    "risk_score": _plain(p["risk_score"]),
                    "candidates": "; ".join(_candidate_text(c) for c in f["candidates"]),
                    "run_id": run_id,
                    **dict.fromkeys(OVERRIDE_COLUMNS, ""),
                }
            )
    return rows


def _write_queue_csv(rows: list[dict], path: Path) -> None:
    """The queue as CSV, formula-like cells neutralised."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(QUEUE_COLUMNS)
        for row in rows:
            writer.writerow([neutralise_formula(_csv_value(row[c])) for c in QUEUE_COLUMNS])


def _csv_value(value: Any) -> Any:
    """Empty text for a missing value."""
    return "" if value is None else value


def _write_queue_xlsx(rows: list[dict], path: Path, run_id: str) -> None:
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
            ("rows", f"{len(rows):,} (one per SKU, check and scheme of the top flagged products)"),
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


def _flag_detail(wh: _Warehouse, checks: tuple[str, ...]) -> tuple[list[dict], int]:
    """ECCN flags of the given checks with their shipment's destination and end user (when loaded)."""
    con = wh.con
    if wh.has_shipments:
        ctes = wh.ctes()
        sql = (
            f"with {ctes} select f.check_code, f.severity, f.sku, f.shipment_id, "  # noqa: S608
            "s.destination_country, s.end_user, f.evidence "
            "from marts.fct_classification_flags f left join shipments s using (shipment_id) "
            "where f.scheme = 'ECCN' and list_contains(?, f.check_code) "
            "order by f.severity_rank desc, f.check_code, f.sku, f.shipment_id limit ?"
        )
    else:
        sql = (
            "select check_code, severity, sku, shipment_id, null as destination_country, null as end_user, "
            "evidence from marts.fct_classification_flags "
            "where scheme = 'ECCN' and list_contains(?, check_code) "
            "order by severity_rank desc, check_code, sku, shipment_id limit ?"
        )
    rows = _records(con, sql, [list(checks), EXPORT_CONTROL_DETAIL_LIMIT])
    total = con.execute(
        "select count(*) from marts.fct_classification_flags "
        "where scheme = 'ECCN' and list_contains(?, check_code)",
        [list(checks)],
    ).fetchone()[0]
    return rows, total


def _section_export_control(wh: _Warehouse, ctx: _Context) -> None:
    """The #export-control section: ECCN flags, determinations, embargo and screening hits."""
    con = wh.con
    section: dict[str, Any] = {"determinations_note": wh.det_note}
    section["by_check"] = _records(
        con,
        "select check_code, any_value(title) as title, arg_max(severity, severity_rank) as severity, "
        "count(*) as flags, count(distinct sku) as products, count(distinct shipment_id) as shipments "
        "from marts.fct_classification_flags where scheme = 'ECCN' "
        "group by check_code order by max(severity_rank) desc, flags desc, check_code",
    )
    chart: _Chart | None = None
    if wh.has_determinations:
        section["decisions"] = _records(
            con,
            "select decision, count(*) as shipments, count(distinct sku) as products "
            "from marts.fct_license_determinations group by decision order by shipments desc, decision",
        )
        eccns = (
            "string_agg(distinct eccn, ', ' order by eccn)"
            if wh.catalog.has("marts.fct_license_determinations", "eccn")
            else "null"
        )
        section["destinations"] = _records(
            con,
            "select destination_country, count(*) as shipments, count(distinct sku) as products, "  # noqa: S608
            f"{eccns} as eccns from marts.fct_license_determinations where {_LICENCE_REQUIRED} "
            "group by destination_country order by shipments desc, destination_country",
        )
        section["destinations_source"] = "marts.fct_license_determinations (decision: licence required)"
    elif wh.has_shipments:
        section["decisions"] = None
        section["destinations"] = _records(
            con,
            f"with {wh.ctes()} select s.destination_country, count(*) as shipments, "  # noqa: S608
            "count(distinct f.sku) as products, null as eccns "
            "from marts.fct_classification_flags f join shipments s using (shipment_id) "
            "where f.check_code = 'LICENSE_REQUIRED' group by s.destination_country "
            "order by shipments desc, s.destination_country",
        )
        section["destinations_source"] = "LICENSE_REQUIRED flags joined to raw.erp_shipments"
    else:
        section["decisions"] = None
        section["destinations"] = None
        section["destinations_source"] = f"shipments {NOT_AVAILABLE}"
    if section["destinations"]:
        chart = _chart_destinations(section["destinations"][:20], section["destinations_source"])
    section["chart"] = chart
    section["embargo"], section["embargo_total"] = _flag_detail(wh, ("EMBARGOED_DESTINATION",))
    section["screening"], section["screening_total"] = _flag_detail(wh, ("PARTY_SCREENING_HIT",))
    section["detail_limit"] = EXPORT_CONTROL_DETAIL_LIMIT
    ctx.export_control = section


def _section_data_quality(wh: _Warehouse, summary: dict, data_docs_index: str | None, ctx: _Context) -> None:
    """The #data-quality section: lineage, quarantine, expectations, Data Docs link."""
    con = wh.con
    section: dict[str, Any] = {}
    if wh.catalog.has("audit.quarantine", "source_file", "row_number", "columns", "reason", "raw_row"):
        where, params = wh.run_filter("audit.quarantine")
        section["quarantine_total"] = con.execute(
            f"select count(*) from audit.quarantine{where}",  # noqa: S608 - where is a fixed clause
            params,
        ).fetchone()[0]
        section["quarantine_by_reason"] = _records(
            con,
            f"select source_file, columns, count(*) as rows from audit.quarantine{where} "  # noqa: S608
            "group by all order by rows desc, source_file, columns",
            params,
        )
        section["quarantine"] = _records(
            con,
            f"select source_file, row_number, columns, reason, raw_row from audit.quarantine{where} "  # noqa: S608
            "order by source_file, row_number limit ?",
            [*params, QUARANTINE_DETAIL_LIMIT],
        )
    else:
        section["quarantine_total"] = None
    section["quarantine_limit"] = QUARANTINE_DETAIL_LIMIT
    if wh.catalog.has("audit.validation_results", "suite", "expectation", "success"):
        where, params = wh.run_filter("audit.validation_results")
        totals = con.execute(
            "select count(*), count(*) filter (where not success), "  # noqa: S608
            f"count(*) filter (where not success and blocking) from audit.validation_results{where}",
            params,
        ).fetchone()
        section["expectations"], section["expectations_failed"], section["expectations_blocking"] = totals
        section["suites_reused"] = None
        if wh.catalog.has("audit.validation_results", "reused"):
            section["suites_reused"] = con.execute(
                "select count(distinct suite) filter (where reused), count(distinct suite) "  # noqa: S608
                f"from audit.validation_results{where}",
                params,
            ).fetchone()
        clause = "not success or coalesce(unexpected_count, 0) > 0"
        section["validation"] = _records(
            con,
            "select suite, expectation, column_name, success, blocking, element_count, unexpected_count, "  # noqa: S608
            f"observed_value, failing_keys from audit.validation_results {where or 'where true'} "
            f"and ({clause}) order by success, blocking desc, suite, expectation, column_name",
            params,
        )
        for row in section["validation"]:
            keys = row["failing_keys"] or ""
            row["failing_keys"] = keys if len(keys) <= 400 else keys[:400] + " …"
    else:
        section["expectations"] = None
    if wh.catalog.has("audit.load_lineage", "source_file", "dataset", "rows_in", "rows_loaded"):
        where, params = wh.run_filter("audit.load_lineage")
        section["files"] = _records(
            con,
            "select source_file, encoding, rows_in, rows_loaded, rows_quarantined, sha256 "  # noqa: S608
            f"from audit.load_lineage {where or 'where true'} and dataset is null order by source_file",
            params,
        )
    else:
        section["files"] = None
    section["data_docs"] = _data_docs_href(data_docs_index)
    section["data_docs_given"] = data_docs_index is not None
    ctx.data_quality = section


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


def _section_metadata(wh: _Warehouse, summary: dict, ctx: _Context) -> None:
    """The #run-metadata section: run identity, timings and reference editions."""
    con = wh.con
    meta: dict[str, Any] = {
        "run_id": summary.get("run_id"),
        "started_at": summary.get("started_at"),
        "sources": summary.get("sources"),
        "warehouse": summary.get("warehouse"),
        "rows_in": summary.get("rows_in"),
        "rows_loaded": summary.get("rows_loaded"),
        "rows_quarantined": summary.get("rows_quarantined"),
        "stages": list((summary.get("stage_seconds") or {}).items()),
        "status": None,
        "finished_at": None,
        "duration": None,
    }
    if wh.catalog.has("audit.run_history", "run_id", "status", "started_at", "finished_at"):
        row = con.execute(
            "select status, finished_at, epoch(finished_at - started_at) from audit.run_history "
            "where run_id = ? order by finished_at desc limit 1",
            [wh.run_id],
        ).fetchone()
        if row:
            meta["status"], meta["finished_at"], meta["duration"] = row
    meta["stage_total"] = sum(float(v) for _, v in meta["stages"]) if meta["stages"] else None
    reference = summary.get("reference")
    if reference is None and wh.catalog.has(
        "audit.load_lineage", "dataset", "edition", "source_file", "sha256"
    ):
        where, params = wh.run_filter("audit.load_lineage")
        reference = _records(
            con,
            "select dataset, edition, source_file as file, sha256, rows_loaded "  # noqa: S608
            f"from audit.load_lineage {where or 'where true'} and dataset is not null "
            "order by dataset, edition",
            params,
        )
    meta["reference"] = reference or []
    ctx.metadata = meta


def _consistency_warnings(wh: _Warehouse, summary: dict) -> list[str]:
    """The summary and the warehouse must describe the same run; say so loudly when they do not."""
    runs = [
        r[0] for r in wh.con.execute("select distinct run_id from marts.fct_classification_flags").fetchall()
    ]
    others = sorted(r for r in runs if r != wh.run_id)
    if others:
        return [
            f"The warehouse flags belong to run(s) {', '.join(others)}, the summary to run {wh.run_id}: "
            "counts from the summary and from the warehouse may differ."
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
    """Write ``report.html``, ``review_queue.csv`` and ``review_queue.xlsx`` into ``out_dir``.

    ``con`` may be read-only; ``summary`` is the dict ``flows/report.py`` builds. Returns the HTML path.
    """
    if top_n < 1:
        raise ValueError("top_n must be at least 1")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    run_id = str(summary.get("run_id") or "")
    wh = _Warehouse(con, run_id)
    ctx = _Context(run_id=run_id, generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    ctx.warnings = _consistency_warnings(wh, summary)

    by_severity = _flags_by_severity(con, summary)
    by_check = _flags_by_check(con, summary)
    exposure = _section_kpis(wh, summary, by_severity, ctx)
    _section_charts(wh, summary, by_check, by_severity, exposure, ctx)
    ctx.queue = _review_queue(wh, exposure, top_n)
    _section_export_control(wh, ctx)
    _section_data_quality(wh, summary, data_docs_index, ctx)
    _section_metadata(wh, summary, ctx)

    rows = _queue_rows(ctx.queue, run_id)
    _write_queue_csv(rows, out_dir / "review_queue.csv")
    _write_queue_xlsx(rows, out_dir / "review_queue.xlsx", run_id)

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
