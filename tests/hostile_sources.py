"""Hypothesis strategies for whole source folders of hostile ERP exports: every column
of products, shipments, rulings and overrides gets arbitrary unicode (control characters
included), very long values, and numbers and dates in foreign formats. Shared by the
ingest property test (many folders) and the end-to-end run (one folder)."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import strategies as st

from hsguard.contracts import OVERRIDES, PRODUCTS, RULINGS, SHIPMENTS

FOREIGN_NUMBERS = [
    "2 278.67",
    "1.234,56",
    "$1,200.00",
    "12,5",
    "1'234.50",
    "-3",
    "1e3",
    "(12)",
    "n/a",
    "0",
    "EUR 9",
]
FOREIGN_DATES = [
    "31.12.2025",
    "12/31/2025",
    "2025-13-01",
    "2025-02-30",
    "20251231",
    "2025-12-31T10:00:00",
    "yesterday",
]
PLAUSIBLE = {
    "sku": ["SKU-1", "SKU-2", "SKU-3", "sku-1 ", "Ä-1"],
    "hts_code": ["9401.61.4011", "0101210010", "O101.21.0010", "8471.30", "12"],
    "cn_code": ["94016100", "9401 61 00", "x"],
    "hs_code": ["940161", "9401", "abc"],
    "eccn": ["EAR99", "5A002.a.1", "5a002 a 1", "3A001.b.2", "ear 99", "5X999"],
    "country_of_origin": ["CN", "de", "DEU", "UK", "Germany", "XK"],
    "destination_country": ["IR", "ru", "CHN", "DE", "ZZ", "Iran"],
    "status": ["active", "revoked", "modified", "withdrawn"],
    "decision": ["accepted_risk", "false_positive", "fixed", "ignore"],
    "check_code": ["HS_MISSING", "LICENSE_REQUIRED", "hs_text_mismatch", "NOPE"],
    "license_exception": ["ENC", "LVS", "NLR", "GBS"],
}

# Any unicode but lone surrogates (not encodable in UTF-8): NUL and other controls included.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
LONG_TEXT = st.text(alphabet="abcé ,;\"'\n\t", min_size=1_000, max_size=3_000)


def column_values(name: str, kind: str) -> st.SearchStrategy[str]:
    options = [ANY_TEXT, st.just(""), LONG_TEXT]
    if name in PLAUSIBLE:
        options.append(st.sampled_from(PLAUSIBLE[name]))
    if kind in ("number", "integer"):
        options += [st.sampled_from(FOREIGN_NUMBERS), st.floats(allow_nan=True).map(str)]
    if kind in ("date", "timestamp"):
        options += [st.sampled_from(FOREIGN_DATES), st.dates().map(str)]
    return st.one_of(*options)


def rows_for(contract, min_rows: int, max_rows: int) -> st.SearchStrategy[list[list[str]]]:
    row = st.tuples(*[column_values(c.name, c.kind) for c in contract.columns]).map(list)
    return st.lists(row, min_size=min_rows, max_size=max_rows)


@st.composite
def source_folders(draw, max_rows: int = 12) -> dict[str, list[list[str]]]:
    """File name -> data rows (the header is the contract's columns); products always,
    the other files sometimes."""
    folder = {PRODUCTS.file_name: draw(rows_for(PRODUCTS, 1, max_rows))}
    for contract in (SHIPMENTS, RULINGS, OVERRIDES):
        if draw(st.booleans()):
            folder[contract.file_name] = draw(rows_for(contract, 0, max_rows))
    return folder


CONTRACTS = {c.file_name: c for c in (PRODUCTS, SHIPMENTS, RULINGS, OVERRIDES)}


def write_folder(directory: Path, folder: dict[str, list[list[str]]]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in folder.items():
        with (directory / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
            writer.writerow(CONTRACTS[name].column_names)
            writer.writerows(rows)


HOSTILE_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "line\nbreak",
    "tab\tand\rreturn",
    '"quoted", with comma',
    '=HYPERLINK("http://example.invalid")',
    "+SUM(1)",
    "'; drop table raw.erp_products; --",
    "{{ var('x') }}",
    "\u202eevil\u202c",
    "\u0663\u0664\u0665",
    "\uff10\uff11",
    "\U0001f600 chair",
    "é" * 300,
    "x" * 5000,
    "NULL",
    "None",
    "nan",
]


def random_folder(rng, rows: int = 40) -> dict[str, list[list[str]]]:
    """A whole hostile folder from a seeded ``random.Random``: every file of the contract,
    every column drawn from the hostile strings, the plausible values and the foreign
    numbers and dates (the end-to-end run uses one such folder; the property test draws
    many with Hypothesis)."""

    def value(name: str, kind: str) -> str:
        pools = [HOSTILE_STRINGS, PLAUSIBLE.get(name, HOSTILE_STRINGS)]
        if kind in ("number", "integer"):
            pools.append(FOREIGN_NUMBERS)
        if kind in ("date", "timestamp"):
            pools.append(FOREIGN_DATES)
        return rng.choice(rng.choice(pools))

    return {
        name: [[value(c.name, c.kind) for c in contract.columns] for _ in range(rows)]
        for name, contract in CONTRACTS.items()
    }
