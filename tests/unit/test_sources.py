from pathlib import Path

import pytest

from hsguard.contracts import PRODUCTS, RULINGS, SHIPMENTS
from hsguard.sources import ContractError, check_header, read_contract_file


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_missing_required_column_names_file_and_column(tmp_path):
    path = write(tmp_path, "products.csv", "SKU_CODE,description\nA,thing\n")
    with pytest.raises(ContractError, match=r"products\.csv: required column\(s\) missing: sku"):
        read_contract_file(path, PRODUCTS)
    with pytest.raises(ContractError, match="sku"):
        check_header(path, PRODUCTS)


def test_headers_matched_case_insensitively_and_trimmed_extras_kept(tmp_path):
    path = write(tmp_path, "products.csv", " SKU , Description ,HTS_Code,Colour\nA,Widget,0101.21.0010,red\n")
    loaded = read_contract_file(path, PRODUCTS)
    assert loaded.good["sku"].to_list() == ["A"]
    assert loaded.good["hts_code"].to_list() == ["0101.21.0010"]
    assert loaded.good["colour"].to_list() == ["red"]
    assert loaded.good["eccn"].to_list() == [None]  # optional column absent -> empty


def test_bad_rows_are_quarantined_with_row_column_and_reason(tmp_path):
    text = (
        "sku,description,unit_value_usd,classified_at\n"
        "A,Widget,12.50,2025-01-31\n"
        ",No sku,1,2025-01-01\n"
        "C,,1,2025-01-01\n"
        "D,Bad value,n/a,2025-01-01\n"
        "E,Bad date,1,31/01/2025\n"
        'F,Thousands,"1,234.50",\n'
        'G,Comma decimal,"1,5",\n'
    )
    loaded = read_contract_file(write(tmp_path, "products.csv", text), PRODUCTS)
    assert loaded.rows_in == 7
    # only rows without their required values are quarantined whole ...
    quarantine = {r["row_number"]: r for r in loaded.quarantine.iter_rows(named=True)}
    assert set(quarantine) == {3, 4}
    assert quarantine[3]["columns"] == "sku" and "sku: empty" in quarantine[3]["reason"]
    assert quarantine[4]["columns"] == "description"
    assert '"description":"No sku"' in quarantine[3]["raw_row"]
    assert loaded.rows_in == loaded.good.height + loaded.quarantine.height
    # ... a bad optional value nulls that field, keeps the product and is recorded
    good = {r["sku"]: r for r in loaded.good.iter_rows(named=True)}
    assert list(good) == ["A", "D", "E", "F", "G"]
    assert good["A"]["unit_value_usd"] == 12.5 and str(good["A"]["classified_at"]) == "2025-01-31"
    assert good["D"]["unit_value_usd"] is None and str(good["D"]["classified_at"]) == "2025-01-01"
    assert good["E"]["classified_at"] is None and good["E"]["unit_value_usd"] == 1.0
    assert good["F"]["unit_value_usd"] == 1234.5
    assert good["G"]["unit_value_usd"] == 1.5  # a comma that cannot group thousands is the decimal one
    rejected = loaded.rejections.select("row_number", "column_name", "value").rows()
    assert rejected == [(5, "unit_value_usd", "n/a"), (6, "classified_at", "31/01/2025")]
    assert "not a date" in loaded.rejections["reason"][1]


def test_semicolon_latin1_and_bom_exports(tmp_path):
    semicolon = write(tmp_path, "products.csv", "sku;description\nA;Caf\xe9 chair\n", encoding="latin-1")
    loaded = read_contract_file(semicolon, PRODUCTS)
    assert loaded.good["description"].to_list() == ["Café chair"]
    assert loaded.encoding == "cp1252"
    bom = write(tmp_path, "p2.csv", "\ufeffsku,description\nB,Stool\n")
    assert read_contract_file(bom, PRODUCTS).good["sku"].to_list() == ["B"]
    utf16 = write(tmp_path, "p3.csv", "\ufeffsku,description\nC,Lamp\n", encoding="utf-16-le")
    assert read_contract_file(utf16, PRODUCTS).good["sku"].to_list() == ["C"]


def test_empty_file_and_duplicate_headers_are_refused(tmp_path):
    with pytest.raises(ContractError, match="empty"):
        read_contract_file(write(tmp_path, "products.csv", ""), PRODUCTS)
    with pytest.raises(ContractError, match="duplicate column"):
        read_contract_file(write(tmp_path, "products.csv", "sku,description,SKU\nA,b,c\n"), PRODUCTS)


def test_header_only_file_loads_zero_rows(tmp_path):
    loaded = read_contract_file(write(tmp_path, "products.csv", "sku,description\n"), PRODUCTS)
    assert loaded.rows_in == 0 and loaded.good.height == 0


def test_shipments_and_rulings_contracts(tmp_path):
    shipments = write(
        tmp_path,
        "shipments.csv",
        "shipment_id,sku,destination_country,ship_date,quantity,value_usd\nS1,A,de,2026-01-02,3,30\nS2,A,DE,2026-01-02,-1,30\n",
    )
    loaded = read_contract_file(shipments, SHIPMENTS)
    assert loaded.good["shipment_id"].to_list() == ["S1", "S2"]
    assert loaded.good["destination_country"].to_list() == ["DE", "DE"]
    assert loaded.good["quantity"].to_list() == [3.0, None]
    assert "quantity: negative: -1" in loaded.rejections["reason"][0]
    rulings = write(
        tmp_path,
        "rulings.csv",
        "ruling_id,authority,status,description,hts_code\nN1,CBP,active,x,0101.21.0010\nN2,CBP,withdrawn,y,0101.21.0010\n",
    )
    loaded = read_contract_file(rulings, RULINGS)
    assert loaded.good["ruling_id"].to_list() == ["N1"]
    assert "status: not one of active, revoked, modified" in loaded.quarantine["reason"][0]


def test_source_and_reference_links_out_of_their_folder_are_refused(tmp_path):
    from hsguard.loading import find_source, read_sources
    from hsguard.reference import REFERENCE_FILES

    secret = tmp_path / "secret.csv"
    secret.write_text("sku,description\nX,leaked\n", encoding="utf-8")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "products.csv").symlink_to(secret)
    with pytest.raises(ContractError, match="products.csv: .* points outside"):
        read_sources(sources)

    # a link that stays inside the folder is fine (exports are often symlinked to "latest")
    (sources / "products.csv").unlink()
    (sources / "products-2026-11-23.csv").write_text("sku,description\nA,bolt\n", encoding="utf-8")
    (sources / "products.csv").symlink_to(sources / "products-2026-11-23.csv")
    assert find_source(sources, "products.csv") == (sources / "products-2026-11-23.csv").resolve()

    reference = sources / "reference"
    reference.mkdir()
    spec = REFERENCE_FILES[0]
    (reference / Path(spec.relative_path).name).symlink_to(secret)
    with pytest.raises(ContractError, match="points outside"):
        spec.resolve(reference)


@pytest.mark.parametrize(
    ("written", "value", "decimal_comma_value"),
    [
        ("2 278.67", 2278.67, 2278.67),  # space-grouped thousands
        ("2\u00a0278,67", 2278.67, 2278.67),  # no-break space and a decimal comma
        ("1.234,56", 1234.56, 1234.56),
        ("$1,200.00", 1200.0, 1200.0),
        ("1'234.50", 1234.5, 1234.5),
        ("EUR 12,50", 12.5, 12.5),
        ("12.50 €", 12.5, 12.5),
        ("1.234.567", 1234567.0, 1234567.0),
        ("1,234", 1234.0, 1.234),  # the one ambiguous form: --decimal-comma decides
        ("1.234", 1.234, 1234.0),
        ("12,5", 12.5, 12.5),
        ("n/a", None, None),
        ("1,5,0", None, None),
        ("1e3", None, None),
        ("(12)", None, None),
    ],
)
def test_erp_number_formats(written, value, decimal_comma_value):
    import polars as pl

    from hsguard.sources import ParseOptions, parse_number

    frame = pl.DataFrame({"v": [written]})
    assert frame.select(parse_number("v"))["v"][0] == value
    assert frame.select(parse_number("v", ParseOptions(decimal_comma=True)))["v"][0] == decimal_comma_value


def test_day_first_dates_only_with_an_explicit_format(tmp_path):
    from hsguard.sources import ParseOptions

    text = "sku,description,classified_at\nA,chair,31.12.2025\nB,desk,2025-06-30\n"
    path = write(tmp_path, "products.csv", text)
    plain = read_contract_file(path, PRODUCTS)
    assert [str(d) if d else None for d in plain.good["classified_at"]] == [None, "2025-06-30"]
    assert plain.rejections["value"].to_list() == ["31.12.2025"]
    german = read_contract_file(path, PRODUCTS, ParseOptions(date_format="%d.%m.%Y"))
    assert [str(d) for d in german.good["classified_at"]] == ["2025-12-31", "2025-06-30"]
    assert german.rejections.is_empty()


def test_shipment_lines_are_numbered_and_a_repeated_line_is_quarantined(tmp_path):
    text = (
        "shipment_id,line_no,sku,destination_country,ship_date,quantity,value_usd\n"
        "S1,,A,IRN,2026-01-02,1,10\n"  # line 1 by position; ISO-3 read as IR
        "S1,,B,IR,2026-01-02,2,20\n"  # line 2 by position
        "S2,7,A,DE,2026-01-02,1,5\n"
        "S2,7,B,DE,2026-01-02,1,5\n"  # the same line again
        "S3,x,A,DE,2026-01-02,1,5\n"  # bad line number: nulled, recorded, numbered by position
    )
    loaded = read_contract_file(write(tmp_path, "shipments.csv", text), SHIPMENTS)
    assert loaded.good.select("shipment_id", "line_no", "sku", "destination_country").rows() == [
        ("S1", 1, "A", "IR"),
        ("S1", 2, "B", "IR"),
        ("S2", 7, "A", "DE"),
        ("S3", 1, "A", "DE"),
    ]
    assert loaded.quarantine["row_number"].to_list() == [5]
    assert "line_no: shipment_id S2, line_no 7 is already on row 4" in loaded.quarantine["reason"][0]
    assert loaded.rejections.select("row_number", "column_name").rows() == [(6, "line_no")]
    assert loaded.rows_in == loaded.good.height + loaded.quarantine.height


def test_a_repeated_ruling_id_is_quarantined_not_a_failed_run(tmp_path):
    text = "ruling_id,authority,status,description\nN1,CBP,active,a\nN2,CBP,active,b\nN1,CBP,revoked,c\n"
    loaded = read_contract_file(write(tmp_path, "rulings.csv", text), RULINGS)
    assert loaded.good["ruling_id"].to_list() == ["N1", "N2"]
    assert loaded.quarantine.select("row_number", "columns", "reason").rows() == [
        (4, "ruling_id", "ruling_id: ruling_id N1 is already on row 2")
    ]
