"""Real ERP exports through the real nightly run (Prefect, dbt, GX): numbers in the
formats ERPs write, dates in a foreign form, shipments as delivery lines, SKUs the
master lacks, and files that must be refused. No input row may crash a run; a bad
optional value nulls that field and keeps the product; a refusal is one line, exit 2,
and leaves the published warehouse untouched."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from tests.conftest import copy_published, run_args, run_cli
from tests.hostile_sources import random_folder, write_folder

pytestmark = pytest.mark.integration

EXIT_INPUT_REFUSED = 2

PRODUCT_HEADER = [
    "sku",
    "description",
    "hts_code",
    "eccn",
    "country_of_origin",
    "unit_value_usd",
    "classified_at",
]
PRODUCTS = [
    # UK is two letters but no ISO country (the United Kingdom is GB): an input expectation fails
    [
        "P-SPACE",
        "wooden dining chair with upholstered seat",
        "9401.61.4011",
        "EAR99",
        "UK",
        "2 278.67",
        "31.12.2025",
    ],
    ["P-COMMA", "stainless steel kitchen sink", "7324.10.0000", "EAR99", "DE", "1.234,56", "31.12.2025"],
    ["P-DOLLAR", "men's cotton knit t-shirt", "6109.10.0012", "EAR99", "VN", "$1,200.00", "31.12.2025"],
    ["P-BAD", "plastic storage box with lid", "3924.90.5650", "EAR99", "Germany", "n/a", "31.12.2025"],
]
NO_SKU = ["", "steel bolt", "7318.15.8066", "EAR99", "CN", "1", "2025-01-01"]  # quarantined whole
SHIPMENT_HEADER = ["shipment_id", "sku", "destination_country", "ship_date", "quantity", "value_usd"]
SHIPMENTS = [
    # one shipment, three delivery lines (as every ERP exports them)
    ["SO-1", "P-SPACE", "DE", "2026-11-01", "2", "4 557,34"],
    ["SO-1", "P-COMMA", "DE", "2026-11-01", "1", "1.234,56"],
    ["SO-1", "P-DOLLAR", "DE", "2026-11-01", "10", "$12,000.00"],
    # a SKU that is not in the product master, shipped to an embargoed destination
    ["SO-2", "P-GHOST", "IR", "2026-11-02", "1", "100"],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def erp_run(tmp_path_factory, cli_env, sample_run) -> dict:
    """The ERP export's night, on a copy of the session's published sample build (the
    nightly case: last night's warehouse, tonight's export; the tables computed from
    the bundled reference data alone are kept, everything read from the export is new)."""
    root = tmp_path_factory.mktemp("erp")
    sources = root / "sources"
    sources.mkdir()
    write_csv(sources / "products.csv", PRODUCT_HEADER, [*PRODUCTS, NO_SKU])
    write_csv(sources / "shipments.csv", SHIPMENT_HEADER, SHIPMENTS)
    last_night = copy_published(sample_run, root / "published")
    warehouse, reports = last_night["warehouse"], last_night["reports"]
    # 1 of 5 product rows quarantined is more than 10 %: published only because accepted
    options = ("--max-quarantine", "0.1", "--accept-quarantine")
    result = run_cli(cli_env, *run_args(warehouse, reports, sources), *options)
    return {"result": result, "warehouse": warehouse, "root": root}


def test_erp_number_formats_load_with_their_value(erp_run):
    result = erp_run["result"]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stdout + result.stderr
    values = dict(query(erp_run["warehouse"], "select sku, unit_value_usd from marts.dim_products"))
    assert values == {"P-SPACE": 2278.67, "P-COMMA": 1234.56, "P-DOLLAR": 1200.0, "P-BAD": None}


def test_bad_optional_values_keep_every_product_and_are_recorded(erp_run):
    db = erp_run["warehouse"]
    assert query(db, "select count(*) from marts.dim_products") == [(4,)]
    assert query(db, "select row_number, reason from audit.quarantine") == [(6, "sku: empty")]
    assert "quarantined 1" in erp_run["result"].stdout
    rejected = query(
        db,
        "select row_number, column_name, value from audit.field_rejections "
        "where raw_table = 'erp_products' order by row_number, column_name",
    )
    # every product's 31.12.2025 nulled (no --date-format), Germany and n/a too
    assert [r for r in rejected if r[1] == "classified_at"] == [
        (n, "classified_at", "31.12.2025") for n in range(2, 6)
    ]
    assert (5, "country_of_origin", "Germany") in rejected and (5, "unit_value_usd", "n/a") in rejected
    # the product with bad optional values is still checked and screened like the others
    assert query(db, "select count(*) from marts.fct_product_risk where sku = 'P-BAD'") == [(1,)]
    assert "bad values nulled 6" in erp_run["result"].stdout


def test_shipment_lines_each_get_a_licence_determination(erp_run):
    lines = query(
        erp_run["warehouse"],
        "select shipment_id, line_no, sku, value_usd, decision from marts.fct_license_determinations "
        "order by shipment_id, line_no",
    )
    assert lines == [
        ("SO-1", 1, "P-SPACE", 4557.34, "nlr"),
        ("SO-1", 2, "P-COMMA", 1234.56, "nlr"),
        ("SO-1", 3, "P-DOLLAR", 12000.0, "nlr"),
        ("SO-2", 1, "P-GHOST", 100.0, "embargoed"),
    ]


def test_unknown_skus_in_shipments_are_flagged_not_a_failed_test(erp_run):
    flags = query(
        erp_run["warehouse"],
        "select check_code, sku, shipment_id, line_no from marts.fct_classification_flags "
        "where shipment_id = 'SO-2' order by check_code",
    )
    assert flags == [
        ("EMBARGOED_DESTINATION", "P-GHOST", "SO-2", 1),
        ("SHIPMENT_SKU_UNKNOWN", "P-GHOST", "SO-2", 1),
    ]


def test_input_expectation_flags_come_from_dbt_with_the_catalogue(erp_run):
    """A two-letter code that is no country passes the contract and fails the GX input
    expectation: the flag is built by dbt (int_flags_input_expectation_failed), so it has
    the catalogue's severity and is counted in the risk mart like any other flag."""
    db = erp_run["warehouse"]
    flags = query(
        db,
        "select sku, severity, evidence from marts.fct_classification_flags "
        "where check_code = 'INPUT_EXPECTATION_FAILED'",
    )
    assert len(flags) == 1 and flags[0][:2] == ("P-SPACE", "low")
    assert 'country_of_origin) failed on value "UK" (row 2)' in flags[0][2]
    assert query(db, "select raw_table, row_number, value from audit.validation_findings") == [
        ("erp_products", 2, "UK")
    ]
    risk = query(db, "select open_flags from marts.fct_product_risk where sku = 'P-SPACE'")[0][0]
    open_flags = query(
        db, "select count(*) from marts.fct_classification_flags where sku = 'P-SPACE' and not is_overridden"
    )[0][0]
    assert risk == open_flags >= 1


def refused(result) -> str:
    assert result.returncode == EXIT_INPUT_REFUSED, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    lines = [line for line in result.stderr.splitlines() if line.startswith("hsguard: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_header_only_products_is_refused_in_one_line(tmp_path, cli_env):
    sources = tmp_path / "sources"
    sources.mkdir()
    write_csv(sources / "products.csv", PRODUCT_HEADER, [])
    write_csv(sources / "shipments.csv", SHIPMENT_HEADER, SHIPMENTS)
    warehouse = tmp_path / "wh" / "hsguard.duckdb"
    line = refused(run_cli(cli_env, *run_args(warehouse, tmp_path / "reports", sources)))
    assert "products.csv: no product rows" in line
    assert not warehouse.exists()


def test_a_file_mostly_quarantined_is_refused(erp_run, tmp_path, cli_env):
    sources = tmp_path / "sources"
    sources.mkdir()
    rows = [["", *r[1:]] for r in PRODUCTS[:3]] + [PRODUCTS[3]]  # 3 of 4 rows without a SKU
    write_csv(sources / "products.csv", PRODUCT_HEADER, rows)
    # the published warehouse of the module's run: a refused run must leave it as it was
    warehouse = erp_run["warehouse"]
    before = query(warehouse, "select count(*), max(run_id) from audit.run_history")
    line = refused(run_cli(cli_env, *run_args(warehouse, tmp_path / "reports", sources)))
    assert "products.csv: 3 of 4 rows (75%) would be quarantined, more than 20%" in line
    assert "top reasons: sku: empty (3)" in line and "--accept-quarantine" in line
    assert query(warehouse, "select count(*), max(run_id) from audit.run_history") == before


def test_a_hostile_source_folder_publishes_a_consistent_warehouse(tmp_path, cli_env, published_copy):
    """One whole hostile folder (every file, every column: control characters, NUL, very
    long values, formulas, foreign numbers and dates; tests/hostile_sources.py) through
    the real run, on a copy of the published sample build (what it computed from the
    reference data alone is kept): it publishes (exit 0; --accept-quarantine, since many
    rows lack a required value), every file's rows are accounted for, nothing prints a
    traceback."""
    import random

    folder = random_folder(random.Random(2026), rows=40)
    write_folder(tmp_path / "sources", folder)
    warehouse = published_copy["warehouse"]
    result = run_cli(
        cli_env, *run_args(warehouse, published_copy["reports"], tmp_path / "sources"), "--accept-quarantine"
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.returncode == 0, output[-4000:]
    lineage = query(
        warehouse,
        "select source_file, rows_in, rows_loaded, rows_quarantined from audit.load_lineage "
        "where dataset is null and source_file like '%sources%'",
    )
    assert {Path(f).name for f, *_ in lineage} == set(folder)
    for name, rows_in, loaded, quarantined in lineage:
        assert rows_in == len(folder[Path(name).name]) == loaded + quarantined
    products = query(warehouse, "select count(*) from marts.dim_products")[0][0]
    assert products == query(warehouse, "select count(distinct sku) from raw.erp_products")[0][0] > 0


def test_a_reference_replacement_that_does_not_parse_is_refused_in_one_line(tmp_path, cli_env):
    sources = tmp_path / "sources"
    (sources / "reference").mkdir(parents=True)
    write_csv(sources / "products.csv", PRODUCT_HEADER, PRODUCTS)
    # the first reference file ingest parses, so the refusal comes before the others load
    (sources / "reference" / "hs2022.csv").write_text("not,a\nreal,file\n", encoding="utf-8")
    warehouse = tmp_path / "wh" / "hsguard.duckdb"
    line = refused(run_cli(cli_env, *run_args(warehouse, tmp_path / "reports", sources)))
    assert "reference/hs2022.csv: cannot be read as HS nomenclature (UN Comtrade)" in line
    assert 'unable to find column "hscode"' in line
    assert not warehouse.exists()
