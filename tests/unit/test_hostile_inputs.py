"""A corpus of broken ERP exports (tests/fixtures/hostile): each file loads correctly or is
refused with a message naming the file; rows in = rows loaded + rows quarantined."""

from pathlib import Path

import pytest

from hsguard.contracts import PRODUCTS
from hsguard.sources import ContractError, read_contract_file

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "hostile"

LOADS = {
    # file: (rows loaded, rows quarantined, a (column, value) that must survive)
    "latin1.csv": (1, 0, ("description", "Chaise en hêtre")),
    "utf16_bom.csv": (1, 0, ("sku", "A2")),
    "utf8_bom.csv": (1, 0, ("sku", "A3")),
    "semicolon.csv": (1, 0, ("hts_code", "9403.60.8081")),
    "quoted_newline.csv": (1, 0, ("description", "Desk,\nwith drawer")),
    "excel_export.csv": (1, 0, ("description", 'Lamp "Nova"')),
    "header_only.csv": (0, 0, None),
    "big_field.csv": (1, 0, ("sku", "A9")),
    # loaded as text; HS_MALFORMED then suggests 0101210010
    "lost_leading_zero.csv": (1, 0, ("hts_code", "101210010")),
    # '@SUM(1)' is no number: that optional field is nulled (and recorded), the row and its text kept
    "formula_cells.csv": (1, 0, ("description", '=HYPERLINK("http://example.invalid")')),
}

REFUSED = {
    "duplicate_headers.csv": "duplicate column",
    "empty.csv": "empty",
    "one_column.csv": "required column",
    "ragged_rows.csv": "cannot be parsed",
}


@pytest.mark.parametrize("name", sorted(LOADS))
def test_hostile_file_loads_and_accounts_for_every_row(name):
    loaded, quarantined, survives = LOADS[name]
    result = read_contract_file(CORPUS / name, PRODUCTS)
    assert result.good.height == loaded
    assert result.quarantine.height == quarantined
    assert result.rows_in == result.good.height + result.quarantine.height
    if survives:
        column, value = survives
        assert result.good[column].to_list() == [value]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_file_is_refused_with_a_clear_message(name):
    with pytest.raises(ContractError, match=REFUSED[name]) as refused:
        read_contract_file(CORPUS / name, PRODUCTS)
    assert str(refused.value).startswith(name)


def test_formula_looking_text_is_kept_verbatim_in_the_field_rejection():
    result = read_contract_file(CORPUS / "formula_cells.csv", PRODUCTS)
    assert result.rejections.select("row_number", "column_name", "value", "reason").rows() == [
        (2, "unit_value_usd", "@SUM(1)", "unit_value_usd: not a number: @SUM(1)")
    ]
    assert result.good["unit_value_usd"].to_list() == [None]
