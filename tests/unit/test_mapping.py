"""Column mappings (mapping.yml) and `hsguard check-input` on ERP-style exports: the
same reader, contracts and parse rules as a run, and nothing written to a warehouse."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from hsguard.loading import ingest_code_version, load_sources, read_sources
from hsguard.mapping import date_pattern, load_mapping, parse_options
from hsguard.runinfo import utc_now
from hsguard.sources import ContractError

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
SAP = EXAMPLES / "sap"


def check_input(*args: str):
    from hsguard.cli import app

    return CliRunner().invoke(app, ["check-input", *args])


def test_sap_export_with_its_mapping_loads_every_row_as_a_run_does(tmp_path):
    """Semicolons, decimal commas (1.548,07 and 83,000), dd.mm.yyyy dates, SAP's column
    labels and file names: every row of both files loads, with the values typed."""
    options = parse_options(SAP)
    assert (options.delimiter, options.decimal_comma, options.date_format) == (";", True, "%d.%m.%Y")
    bundle = read_sources(SAP, None, options)
    products, shipments = bundle.files["products.csv"], bundle.files["shipments.csv"]
    assert (products.rows_in, products.good.height, products.quarantine.height) == (12, 12, 0)
    assert (shipments.rows_in, shipments.good.height, shipments.quarantine.height) == (10, 10, 0)
    assert products.rejections.height == shipments.rejections.height == 0
    row = products.good.filter(products.good["sku"] == "HG-000004").row(0, named=True)
    assert row["unit_value_usd"] == pytest.approx(1548.07)  # written 1.548,07
    assert row["classified_at"] == date(2023, 11, 14)  # written 14.11.2023
    assert row["hts_code"] == "2828.10.0000" and row["plant"] == "1000"  # extra column kept
    line = shipments.good.filter(shipments.good["shipment_id"] == "SHP-0000007").row(0, named=True)
    assert line["quantity"] == 83.0  # written 83,000: a decimal comma, not 83 thousand
    assert line["value_usd"] == pytest.approx(164376.52) and line["line_no"] == 10
    assert line["ship_date"] == date(2026, 11, 3)

    # the run's loader puts every row in raw.* and none in the quarantine
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    try:
        load_sources(con, bundle, "test-run", utc_now())
        assert con.execute("select count(*) from raw.erp_products").fetchone()[0] == 12
        assert con.execute("select count(*) from raw.erp_shipments").fetchone()[0] == 10
        assert con.execute("select count(*) from audit.quarantine").fetchone()[0] == 0
        assert con.execute("select count(*) from audit.field_rejections").fetchone()[0] == 0
    finally:
        con.close()


def test_check_input_previews_the_sap_export_without_a_warehouse(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default warehouse would be warehouse/ here
    result = check_input("--sources", str(SAP))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "products.csv <- MATERIALS.csv" in out and "shipments.csv <- DELIVERIES.csv" in out
    assert "Material -> sku" in out and "Commodity Code -> hts_code" in out
    assert "rows: 12 in, 12 would load, 0 would be rejected" in out
    assert "rows: 10 in, 10 would load, 0 would be rejected" in out
    assert "total: 22 rows in, 22 would load, 0 would be rejected, 0 value(s) nulled" in out
    assert "extra columns (kept as they are): Plant" in out
    assert not (tmp_path / "warehouse").exists()


def test_check_input_names_the_problems_per_column(tmp_path):
    sources = tmp_path / "sap"
    shutil.copytree(SAP, sources)
    materials = (sources / "MATERIALS.csv").read_text(encoding="utf-8").splitlines()
    # row 2: no material number (rejected); row 3: an ISO-less US date (value nulled)
    materials[1] = ";" + materials[1].split(";", 1)[1]
    materials[2] = materials[2].replace("13.02.2025", "02/13/2025")
    (sources / "MATERIALS.csv").write_text("\n".join(materials) + "\n", encoding="utf-8")
    result = check_input("--sources", str(sources))
    assert result.exit_code == 0, result.output  # 1 of 12 rejected: below --max-quarantine
    out = result.output
    assert "rows: 12 in, 11 would load, 1 would be rejected; 1 bad value(s) would be nulled" in out
    assert "rejected because: sku: empty (1)" in out
    assert "    sku: row 2: sku: empty (row rejected)" in out
    assert "    classified_at: row 3: classified_at: not a date" in out and "02/13/2025 (value nulled)" in out

    # more than --max-quarantine rejected: the preview says a run would refuse (exit 2)
    refused = check_input("--sources", str(sources), "--max-quarantine", "0.05")
    assert refused.exit_code == 2 and "a run would refuse to publish" in refused.output


def test_an_export_without_its_mapping_is_refused_with_a_hint(tmp_path):
    sources = tmp_path / "sap"
    shutil.copytree(SAP, sources)
    (sources / "mapping.yml").unlink()
    (sources / "MATERIALS.csv").rename(sources / "products.csv")
    result = check_input("--sources", str(sources))
    assert result.exit_code == 2
    assert "required column(s) missing: sku, description" in result.output
    assert "mapping.yml" in result.output
    # the same mapping given with --mapping (from elsewhere) maps it
    mapping = tmp_path / "sap-mapping.yml"
    mapping.write_text(
        (SAP / "mapping.yml")
        .read_text(encoding="utf-8")
        .replace("file: MATERIALS.csv", "file: products.csv"),
        encoding="utf-8",
    )
    (sources / "DELIVERIES.csv").unlink()
    mapped = check_input("--sources", str(sources), "--mapping", str(mapping))
    assert mapped.exit_code == 0, mapped.output
    assert "rows: 12 in, 12 would load" in mapped.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "files:\n  products.csv:\n    columns:\n      Material: part_number\n",
            "not a column of products.csv",
        ),
        ("files:\n  items.csv:\n    columns:\n      Material: sku\n", "not a file of the input contract"),
        (
            "files:\n  products.csv:\n    columns:\n      A: sku\n      B: sku\n",
            "two export columns map to sku",
        ),
        ("date_format: yyyy-mm\n", "does not name a day, a month and a year"),
        ("delimiter: '#'\n", "is not one of"),
        ("decimal_comma: yes please\n", "must be true or false"),
        ("colums: {}\n", "unknown key(s) colums"),
        ("files: [\n", "cannot be read as YAML"),
    ],
)
def test_a_broken_mapping_is_refused_naming_the_entry(tmp_path, text, message):
    path = tmp_path / "mapping.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContractError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_mapping(path)


def test_date_formats_are_read_as_strftime_or_dd_mm_yyyy():
    assert date_pattern("dd.mm.yyyy") == "%d.%m.%Y"
    assert date_pattern("MM/DD/YYYY") == "%m/%d/%Y"
    assert date_pattern("yyyymmdd") == "%Y%m%d"
    assert date_pattern("%d.%m.%y") == "%d.%m.%y"


def test_command_line_options_join_the_mapping_and_a_changed_mapping_reads_files_again(tmp_path):
    (tmp_path / "mapping.yml").write_text(
        "files:\n  products.csv:\n    columns:\n      Material: sku\n", encoding="utf-8"
    )
    options = parse_options(tmp_path, None, decimal_comma=True, date_format="%d/%m/%Y")
    assert options.decimal_comma and options.date_format == "%d/%m/%Y"
    assert options.renames("products.csv") == {"material": "sku"}
    # the mapping is part of the ingest code version: a file kept from the published
    # build under another mapping is read again
    (tmp_path / "mapping.yml").write_text(
        "files:\n  products.csv:\n    columns:\n      Part: sku\n", encoding="utf-8"
    )
    assert ingest_code_version(options) != ingest_code_version(
        parse_options(tmp_path, None, True, "%d/%m/%Y")
    )
    with pytest.raises(ContractError, match="mapping file not found"):
        parse_options(tmp_path, tmp_path / "absent.yml")
