"""The compliance report page: one self-contained ``report.html``, rendered from the
report feeds (``reports.rpt_*``, models/reports) with the Jinja template in
``templates/report.html.j2``, and the review queue files written beside it.

This module lays the feeds out for the template and formats values; it counts, sums
and ranks nothing: every figure is a row of a feed, read through hsguard.report_feeds.
The run summary (``flows/report.py``) supplies only what the run itself knows (sources,
warehouse path, rows loaded, stage timings).

Security: the template autoescapes every value; the only markup inserted verbatim is
the SVG that vl-convert renders from the data (hsguard.report_charts checks it) and the
page's own script (``templates/report.js``: filter, sort and search of the review
queue), allowed by its hash in the page's Content-Security-Policy. Nothing is fetched.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from hsguard import report_charts as charts
from hsguard.report_charts import SEVERITY_COLOURS, Chart
from hsguard.report_exports import candidate_measure, queue_rows, write_queue_csv, write_queue_xlsx
from hsguard.report_feeds import FeedReader

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "report.html.j2"
SCRIPT_NAME = "report.js"

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
    summary_sentence: str = ""
    currency: str = "USD"
    reference_warning: str | None = None
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


def _fmt_money(value: Any, currency: str) -> str:
    """A whole amount in the input currency, labelled with its code: ``EUR 1,234``
    (amounts are shown as loaded, never converted)."""
    return "—" if value is None else f"{currency} {float(value):,.0f}"


def _plural(n: Any, one: str, many: str | None = None) -> str:
    """``1 row`` / ``3 rows`` with thousands separators."""
    n = _count(n) or 0
    return f"{_fmt_num(n)} {one if n == 1 else (many or one + 's')}"


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


def sku_anchor(sku: Any) -> str:
    """The stable anchor of a product's queue row: ``sku-`` and the SKU, every character
    other than letters, digits, ``.``, ``_`` and ``-`` written as ``~hex~`` (ids have no
    spaces; the same SKU gets the same anchor in every report)."""
    return "sku-" + re.sub(r"[^A-Za-z0-9._-]", lambda m: f"~{ord(m.group()):x}~", str(sku))


def _css_text(value: Any) -> str:
    """Text safe inside a CSS string (the run id in the printed page footer)."""
    return re.sub(r"[^A-Za-z0-9 ._:-]", "", str(value))


def _script() -> tuple[Markup, Markup]:
    """The page's script and its CSP source (``'sha256-...'``)."""
    text = (TEMPLATE_DIR / SCRIPT_NAME).read_text(encoding="utf-8")
    if "</" in text:
        raise ValueError(f"{SCRIPT_NAME} must not contain '</' (it is inlined in a <script>)")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return Markup(text), Markup(f"'sha256-{digest}'")  # noqa: S704 - the package's own script, not data


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
        seconds=_fmt_seconds,
        basename=_basename,
        text=_text,
        candidate=candidate_measure,
    )
    env.globals.update(severity_colours=SEVERITY_COLOURS)
    return env


# --------------------------------------------------------------------------- sections


def _kpi_cards(kpis: dict[str, dict], currency: str) -> list[dict[str, Any]]:
    """The key figures (rpt_kpis rows with is_card), formatted by their unit."""
    cards = []
    for key, row in kpis.items():
        if not row["is_card"]:
            continue
        unit = row.get("unit") or "count"
        value = row["value"] if unit == "amount" else _count(row["value"])
        if unit == "amount":
            display = _fmt_money(value, currency)
        elif unit == "days":
            display = _plural(value, "day")
        else:
            display = _fmt_num(value)
        card = {"key": key, "label": row["label"], "value": value, "display": display, "unit": unit}
        for name, column in (("sub", "detail"), ("severity", "severity"), ("definition", "definition")):
            if row.get(column) is not None:
                card[name] = row[column]
        card["basis"] = row.get("basis")
        cards.append(card)
    return cards


def _figure(kpis: dict[str, dict], key: str) -> int | float:
    """A figure of rpt_kpis (0 when the feed has no row for it)."""
    row = kpis.get(key)
    return 0 if row is None or row["value"] is None else _count(row["value"])


def _verb(n: Any, one: str, many: str) -> str:
    """The verb agreeing with a count."""
    return one if _count(n) == 1 else many


def _summary_sentence(kpis: dict[str, dict], run: dict, by_severity: list[dict]) -> str:
    """The one sentence at the top: what needs action tonight, what changed since the
    previous run, how much input was rejected. Every number is a row of rpt_kpis."""
    queue = _figure(kpis, "queue_products")
    missing = _figure(kpis, "licence_missing_lines")
    if queue:
        parts = ", ".join(
            f"{_fmt_num(_count(r['value']))} {r['severity']}" for r in by_severity if r["value"]
        )
        action = f"Tonight {_plural(queue, 'product')} {_verb(queue, 'needs', 'need')} review"
        action += f" ({parts}, by their most severe open flag)" if parts else ""
    else:
        action = "Tonight no product needs review"
    if missing:
        action += (
            f" and {_plural(missing, 'shipment line')} {_verb(missing, 'needs', 'need')} a licence"
            f" but {_verb(missing, 'has', 'have')} none recorded"
        )
    if run.get("previous_run_id"):
        new, resolved = _figure(kpis, "flags_new"), _figure(kpis, "flags_resolved")
        change = (
            f"since the previous run {_plural(new, 'flag')} {_verb(new, 'is', 'are')} new"
            f" and {_fmt_num(resolved)} resolved"
        )
    else:
        change = "this is the first recorded run, so nothing is compared with a previous night"
    rejected, nulled = _figure(kpis, "rows_quarantined"), _figure(kpis, "values_nulled")
    rows_in = _figure(kpis, "rows_in")
    if rejected or nulled:
        was = _verb(rejected, "was", "were")
        inputs = f"{_fmt_num(rejected)} of {_plural(rows_in, 'input row')} {was} rejected"
        inputs += f" and {_plural(nulled, 'bad value')} nulled" if nulled else ""
    else:
        inputs = f"all {_plural(rows_in, 'input row')} were accepted"
    return f"{action}; {change}; {inputs}."


def _reference_warning(kpis: dict[str, dict]) -> str | None:
    """The key figures' warning when reference editions are older than the maximum age."""
    old = _figure(kpis, "reference_editions_old")
    if not old:
        return None
    limit = _plural(_figure(kpis, "reference_max_age_days"), "day")
    oldest = (kpis.get("reference_oldest_days") or {}).get("detail")
    age = _plural(_figure(kpis, "reference_oldest_days"), "day")
    return (
        f"{_plural(old, 'reference edition')} {_verb(old, 'is', 'are')} older than {limit}"
        f" (oldest: {oldest}, {age}): replace them in sources/reference/ with current editions"
        " (see Reference data used)."
    )


def _section_charts(feeds: FeedReader, by_check: list[dict], run: dict, ctx: Context) -> None:
    """The #charts section."""
    ctx.charts.append(charts.flags_by_check(by_check))
    ctx.charts.append(charts.risk_distribution(feeds.rows("rpt_risk_bins")))
    ctx.charts.append(
        charts.chapters(
            feeds.rows("rpt_exposure_by_chapter", "exposure_rank <= ?", [CHAPTERS_SHOWN]), ctx.currency
        )
    )
    ctx.charts.append(charts.trend(feeds.rows("rpt_flag_trend")))
    ctx.charts.append(charts.new_resolved(feeds.rows("rpt_flag_changes"), run.get("previous_run_id")))


def _code_label(kind: str, scheme: str | None) -> str:
    """``Declared HTSUS code``, ``Suggested ECCN``, ``Declared code`` (no scheme)."""
    if not scheme:
        return f"{kind} code"
    return f"{kind} {scheme}" if scheme.upper() == "ECCN" else f"{kind} {scheme} code"


def _review_queue(
    feeds: FeedReader, kpis: dict[str, dict], top_n: int | None
) -> tuple[dict[str, Any], list[dict]]:
    """The review queue: every product of rpt_review_queue (the first ``top_n`` when
    given), one entry per product with its checks (rpt_review_queue rows) and each
    check's candidates of its scheme, and the spreadsheet rows."""
    where, params = ("product_rank <= ?", [top_n]) if top_n is not None else ("", [])
    items = feeds.rows("rpt_review_queue", where, params)
    candidates: dict[tuple[str, str], list[dict]] = {}
    candidate_where = (
        "sku in (select sku from reports.rpt_review_queue where product_rank <= ?)"
        if top_n is not None
        else ""
    )
    for c in feeds.rows("rpt_review_queue_candidates", candidate_where, params):
        candidates.setdefault((c["sku"], c["scheme"]), []).append(c)
    products: dict[str, dict[str, Any]] = {}
    for item in items:
        product = products.setdefault(
            item["sku"],
            {
                "rank": item["product_rank"],
                "sku": item["sku"],
                "anchor": sku_anchor(item["sku"]),
                "description": item["description"],
                "severity": item["product_severity"],
                "flags": item["product_flags"],
                "exposure": item["trade_value_exposed_usd"],
                "risk_score": item["risk_score"],
                "top_reasons": _text(_json(item["top_reasons"])),
                "flag_groups": [],
            },
        )
        group = {k: item[k] for k in ("check_code", "scheme", "severity", "title", "flags")}
        group |= {k: item[k] or [] for k in ("declared_codes", "suggested_codes", "evidence", "shipment_ids")}
        group["declared_label"] = _code_label("Declared", item["scheme"])
        group["suggested_label"] = _code_label("Suggested", item["scheme"]) + f" (from {item['check_code']})"
        group["candidates"] = candidates.get((item["sku"], item["scheme"]), [])
        group["candidates_label"] = f"{item['scheme'] or 'Code'} candidates"
        product["flag_groups"].append(group)
    for product in products.values():
        groups = product["flag_groups"]
        product["checks"] = " ".join(dict.fromkeys(g["check_code"] for g in groups))
        product["schemes"] = " ".join(dict.fromkeys(g["scheme"] for g in groups if g["scheme"]))
    listed = list(products.values())
    queue = {
        "products": listed,
        "total": _figure(kpis, "review_queue_products"),
        "top_n": top_n,
        "ordered_by": "risk score, then severity, then trade value exposed",
        # the filters' choices: what the queue holds, most severe first (no fixed list)
        "severities": [row["severity"] for row in _queue_by_severity(kpis)],
        "checks": sorted({g["check_code"] for p in listed for g in p["flag_groups"]}),
        "schemes": sorted({g["scheme"] for p in listed for g in p["flag_groups"] if g["scheme"]}),
    }
    return queue, queue_rows(items, candidates)


def _queue_by_severity(kpis: dict[str, dict]) -> list[dict]:
    """rpt_kpis' ``queue_products_<severity>`` rows, most severe first (their display order)."""
    return [row for key, row in kpis.items() if key == f"queue_products_{row['severity']}"]


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
        "data_docs_complete": data_docs_complete(kpis),
    }


def data_docs_complete(kpis: dict[str, dict]) -> bool:
    """GX Data Docs of this run show every suite only when no suite's results were reused
    from the published run (a reused suite was not validated again, so its pages would be
    missing): the report links them only then."""
    return _figure(kpis, "suites") > 0 and _figure(kpis, "suites_reused") == 0


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
    top_n: int | None = None,
) -> Path:
    """Write ``report.html``, ``review_queue.csv`` and ``review_queue.xlsx`` into ``out_dir``
    from the report feeds of the warehouse ``con`` (which may be read-only).

    ``summary`` is the dict ``flows/report.py`` builds. The review queue holds every
    product with open flags, or the first ``top_n``. Returns the HTML path.
    """
    if top_n is not None and top_n < 1:
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
    ctx.currency = run.get("currency") or "USD"
    ctx.kpis = _kpi_cards(kpis, ctx.currency)
    ctx.summary_sentence = _summary_sentence(kpis, run, _queue_by_severity(kpis))
    ctx.reference_warning = _reference_warning(kpis)
    _section_charts(feeds, by_check, run, ctx)
    ctx.queue, rows = _review_queue(feeds, kpis, top_n)
    _section_export_control(feeds, ctx)
    _section_data_quality(feeds, kpis, data_docs_index, ctx)
    _section_metadata(feeds, run, summary, ctx)

    write_queue_csv(rows, out_dir / "review_queue.csv")
    write_queue_xlsx(rows, out_dir / "review_queue.xlsx", run_id)

    script, script_source = _script()
    html = (
        _environment()
        .get_template(TEMPLATE_NAME)
        .render(
            ctx=ctx,
            summary=summary,
            by_check=by_check,
            queue_rows=len(rows),
            script=script,
            script_source=script_source,
            run_id_css=_css_text(run_id),
            render_seconds=time.perf_counter() - started,
        )
    )
    path = out_dir / "report.html"
    tmp = out_dir / ".report.html.tmp"
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path
