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
    assert loaded.good["sku"].to_list() == ["A", "F"]
    quarantine = {r["row_number"]: r for r in loaded.quarantine.iter_rows(named=True)}
    assert set(quarantine) == {3, 4, 5, 6, 8}
    assert quarantine[3]["columns"] == "sku" and "sku: empty" in quarantine[3]["reason"]
    assert quarantine[5]["columns"] == "unit_value_usd" and "n/a" in quarantine[5]["reason"]
    assert "not a date" in quarantine[6]["reason"]
    assert '"sku":"D"' in quarantine[5]["raw_row"]
    assert loaded.rows_in == loaded.good.height + loaded.quarantine.height


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
    assert loaded.good["shipment_id"].to_list() == ["S1"]
    assert "negative" in loaded.quarantine["reason"][0]
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
