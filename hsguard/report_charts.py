"""The report's charts: Altair specs rendered offline (vl-convert) to inline SVG.

Each chart takes the rows of its report feed (models/reports/rpt_*) as they are; what is
counted, binned or ranked is decided there, not here. The SVG is inserted into the page
verbatim only after a check that it holds no script, event handler or external reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import altair as alt
import vl_convert
from markupsafe import Markup

SEVERITIES = ("critical", "high", "medium", "low", "info")
SEVERITY_COLOURS = {
    "critical": "#7f1d1d",
    "high": "#dc2626",
    "medium": "#d97706",
    "low": "#2563eb",
    "info": "#6b7280",
}
CHART_FONT = "Helvetica, Arial, sans-serif"

# SVG from vl-convert is inserted verbatim only when none of these occur in it.
_UNSAFE_SVG = re.compile(
    r"<\s*(script|foreignObject|iframe|object|embed|image|use|style|a)\b|\son[a-z]+\s*=|javascript:"
    r"|(?:xlink:)?href\s*=\s*[\"'](?!#)|url\(\s*[\"']?(?!#)",
    re.IGNORECASE,
)


@dataclass
class Chart:
    """One rendered chart (or the note shown in its place)."""

    id: str
    title: str
    caption: str = ""
    svg: Markup | None = None
    note: str | None = None


def plain(value: Any) -> Any:
    """A JSON-friendly scalar for chart data."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def run_label(started_at: Any) -> str:
    """``2026-11-23 05:12:50`` (UTC) for a run's start, ``—`` when unknown."""
    if started_at is None or started_at == "":
        return "—"
    if isinstance(started_at, str):
        try:
            started_at = datetime.fromisoformat(started_at)
        except ValueError:
            return started_at
    if isinstance(started_at, datetime) and started_at.tzinfo is not None:
        started_at = started_at.astimezone(UTC)
    if isinstance(started_at, datetime):
        return started_at.strftime("%Y-%m-%d %H:%M:%S")
    return str(started_at)


def safe_svg(svg: str, prefix: str) -> Markup | None:
    """vl-convert's SVG, ids namespaced per chart; None if it holds anything active or external."""
    svg = re.sub(r"^\s*<\?xml[^>]*\?>", "", svg).strip()
    if not svg.startswith("<svg") or _UNSAFE_SVG.search(svg):
        return None
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    return Markup(svg)  # noqa: S704 - produced by vl-convert from data, checked above


def render_chart(chart_id: str, title: str, chart: alt.TopLevelMixin, caption: str = "") -> Chart:
    """Render an Altair chart offline to inline SVG."""
    spec = (
        chart.configure(font=CHART_FONT, background="white")
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11, labelColor="#374151", titleColor="#374151")
        .configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom")
        .to_dict()
    )
    svg = safe_svg(vl_convert.vegalite_to_svg(spec), chart_id)
    note = None if svg is not None else "chart omitted: the rendered SVG did not pass the safety check"
    return Chart(id=chart_id, title=title, caption=caption, svg=svg, note=note)


def _severity_scale(present: list[str]) -> alt.Scale:
    """Colour scale of the severities present, in severity order."""
    domain = [s for s in SEVERITIES if s in present] + sorted(set(present) - set(SEVERITIES))
    return alt.Scale(domain=domain, range=[SEVERITY_COLOURS.get(s, "#9ca3af") for s in domain])


def flags_by_check(rows: list[dict]) -> Chart:
    """Horizontal bars: flags per check, stacked by severity (rpt_flags_by_check)."""
    chart_id, title = "chart-flags-by-check", "Flags by check and severity"
    if not rows:
        return Chart(chart_id, title, note="No flags in this run.")
    data = [
        {
            "check": r["check_code"],
            "severity": r["severity"],
            "flags": r["flags"],
            "order": SEVERITIES.index(r["severity"]) if r["severity"] in SEVERITIES else len(SEVERITIES),
        }
        for r in rows
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
    return render_chart(chart_id, title, chart, "marts.fct_classification_flags, grouped by check")


def risk_distribution(bins: list[dict]) -> Chart:
    """Histogram of product risk scores (rpt_risk_bins)."""
    chart_id, title = "chart-risk-distribution", "Risk score distribution"
    if not bins:
        return Chart(chart_id, title, note="No risk scores in marts.fct_product_risk.")
    data = [{k: plain(r[k]) for k in ("bin_start", "bin_end", "products")} for r in bins]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar(color="#7c3aed")
        .encode(
            x=alt.X("bin_start:Q", bin="binned", title="risk score"),
            x2="bin_end:Q",
            y=alt.Y("products:Q", title="products", axis=alt.Axis(format=",d", tickMinStep=1)),
        )
        .properties(width=380, height=200)
    )
    return render_chart(chart_id, title, chart, "marts.fct_product_risk, products per risk-score bin")


def chapters(rows: list[dict], currency: str) -> Chart:
    """Top HS chapters by trade value exposed (rpt_exposure_by_chapter), in the input
    currency (``currency``, an ISO 4217 code: amounts are labelled, never converted)."""
    chart_id, title = "chart-chapters", "Top HS chapters by trade value exposed"
    if not rows:
        return Chart(chart_id, title, note="No trade value exposed in this run.")
    data = [
        {
            "chapter": f"{r['chapter'] or ''} {r['chapter_title'] or ''}".strip()[:60],
            "exposure_usd": plain(r["exposure_usd"]),
            "products": r["products"],
        }
        for r in rows
    ]
    base = alt.Chart(alt.Data(values=data)).encode(
        y=alt.Y("chapter:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("exposure_usd:Q", title=currency, axis=alt.Axis(format=",.0f")),
    )
    chart = (
        base.mark_bar(color="#0f766e")
        + base.mark_text(align="left", dx=3, fontSize=11, color="#111827").encode(
            text=alt.Text("exposure_usd:Q", format=",.0f")
        )
    ).properties(width=300, height=max(60, 24 * len(data)))
    caption = (
        "chapter = first 2 digits of marts.dim_products.hts_code; "
        f"exposure in {currency} (the input's currency) from marts.fct_product_risk.trade_value_exposed_usd"
    )
    return render_chart(chart_id, title, chart, caption)


def trend(points: list[dict]) -> Chart:
    """Flags (total and per severity) over the runs (rpt_flag_trend, in run order)."""
    chart_id, title = "chart-trend", "Flags over runs"
    data = []
    labels: dict[str, str] = {}
    for p in points:
        if p["run_id"] not in labels:
            label = run_label(p["started_at"])
            if label in labels.values() or label == "—":
                label = f"{label} ({p['run_id']})"
            labels[p["run_id"]] = label
        data.append({"run": labels[p["run_id"]], "series": p["series"], "flags": p["flags"]})
    if not data:
        return Chart(chart_id, title, note="No run history.")
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
                sort=list(labels.values()),
                title="run started (UTC)",
                axis=alt.Axis(labelAngle=-30, labelOverlap=True, labelLimit=160),
            ),
            y=alt.Y("flags:Q", title="flags", axis=alt.Axis(format=",d", tickMinStep=1)),
            color=alt.Color("series:N", scale=scale, title=None),
        )
        .properties(width=380, height=200)
    )
    caption = "audit.run_history (flags_total, flags_by_severity) and this run's flags"
    if len(labels) == 1:
        caption += "; one run so far, the trend starts with the next run"
    return render_chart(chart_id, title, chart, caption)


def new_resolved(rows: list[dict], previous_run_id: str | None) -> Chart:
    """New and resolved flags per check since the previous run (rpt_flag_changes)."""
    chart_id, title = "chart-new-resolved", "New and resolved flags since the previous run"
    data = [
        {"check": r["check_code"], "change": r["change"], "flags": r["flags"]} for r in rows if r["flags"]
    ]
    if not data:
        chart = Chart(chart_id, title, note="No new or resolved flags since the previous run.")
    else:
        spec = (
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
        chart = render_chart(
            chart_id, title, spec, "audit.flag_history (first_seen_run_id, last_seen_run_id)"
        )
    chart.caption = (chart.caption + "; " if chart.caption else "") + (
        f"previous run {previous_run_id}" if previous_run_id else "first recorded run: every flag is new"
    )
    return chart


def licence_destinations(rows: list[dict], source: str) -> Chart:
    """Licence-required shipments per destination (rpt_licence_destinations)."""
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
    return render_chart(chart_id, title, chart, source)
