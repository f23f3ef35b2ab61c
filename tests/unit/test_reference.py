"""Parsers on the real bundled files (and small real excerpts)."""

import polars as pl

from hsguard.paths import REFERENCE_DIR
from hsguard.reference import (
    REFERENCE_FILES,
    parse_atlas_rulings,
    parse_hs_nomenclature,
    parse_hts,
    parse_units,
)

HTS_EXCERPT = """\ufeffHTS Number,Indent,Description,Unit of Quantity,General Rate of Duty,Special Rate of Duty,Column 2 Rate of Duty,Quota Quantity,Additional Duties
"0101","0","Live horses, asses, mules and hinnies:","","","","","",""
"","1","Horses:","","","","","",""
"0101.21.00","2","Purebred breeding animals","","Free","","Free","",""
"0101.21.00.10","3","Males","[""No.""]","","","","",""
"0101.29.00","2","Other","","Free","","20%","",""
"0101.29.00.90","3","Other","[""No.""]","","","","",""
"0101.30.00.00","1","Asses","[""No."",""kg""]","6.8%","","15%","",""
"""


def test_hts_indent_chain_builds_full_description(tmp_path):
    path = tmp_path / "hts.csv"
    path.write_text(HTS_EXCERPT, encoding="utf-8")
    lines = {r["code"]: r for r in parse_hts(path, "2026").iter_rows(named=True)}
    assert set(lines) == {"0101", "01012100", "0101210010", "01012900", "0101290090", "0101300000"}
    other = lines["0101290090"]
    # "Other" alone means nothing: the chain carries the indent-only label "Horses".
    assert other["full_description"] == "Live horses, asses, mules and hinnies > Horses > Other > Other"
    assert other["parent_code"] == "01012900"
    assert lines["0101300000"]["parent_code"] == "0101"
    assert lines["0101300000"]["units"] == "No., kg"
    assert lines["01012100"]["general_rate"] == "Free"


def test_units_parsing():
    assert parse_units('["No."]') == "No."
    assert parse_units('["kg","No."]') == "kg, No."
    assert parse_units("") is None
    assert parse_units("[No.]") == "No."


def test_real_hts_2026_counts():
    lines = parse_hts(REFERENCE_DIR / "us_hts" / "hts_2026_basic.csv", "2026")
    assert lines.filter(pl.col("code").str.len_chars() == 10).height == 19_768
    assert lines["code"].n_unique() == lines.height


def test_real_hs2022_counts_and_bom_file():
    hs = parse_hs_nomenclature(REFERENCE_DIR / "hs" / "hs2022.csv", "2022")
    counts = dict(hs.group_by("level").len().iter_rows())
    assert counts == {2: 97, 4: 1229, 6: 5613}
    hs17 = parse_hs_nomenclature(REFERENCE_DIR / "hs" / "hs2017.csv", "2017")  # starts with a BOM
    assert "section" in hs17.columns and hs17.filter(pl.col("level") == 6).height == 5388
    horse = hs.filter(pl.col("code") == "010121").row(0, named=True)
    assert horse["full_description"].startswith("Animals; live > Horses, asses, mules and hinnies; live > ")


def test_real_rulings_get_origin_ids_and_no_invented_numbers():
    rulings = parse_atlas_rulings(REFERENCE_DIR / "rulings" / "atlas_cross_rulings_validation.jsonl")
    assert rulings.height == 200
    first = rulings.row(0, named=True)
    assert first["ruling_id"] == "CROSS-ATLAS-VAL-0001"
    assert first["hts_code"] == "3920.62.0000"
    assert first["issued_date"] is None
    assert first["description"].startswith("Polivac film")
    assert not first["description"].endswith("?")
    assert rulings["hts_code"].null_count() == 0


def test_every_reference_file_is_bundled():
    for ref in REFERENCE_FILES:
        assert ref.bundled_path.is_file(), ref.relative_path


def test_cn_tree_has_every_level_and_no_orphans():
    from hsguard.reference import parse_cn

    for edition, cn8 in (("2026", 9791), ("2025", 9778)):
        cn = parse_cn(REFERENCE_DIR / "eu_cn" / f"cn_codes_{edition}.json", edition)
        levels = dict(cn.group_by(pl.col("code").str.len_chars()).len().iter_rows())
        assert levels[8] == cn8 and levels[2] == 97
        codes = set(cn["code"].to_list())
        assert set(cn["parent_code"].drop_nulls().to_list()) <= codes
    line = cn.filter(pl.col("code") == "01012910").row(0, named=True)
    assert (
        line["full_description"]
        == "LIVE ANIMALS > Live horses, asses, mules and hinnies > Other > For slaughter"
    )
    assert line["units"] == "PST"


def test_hs_correlation_and_hts_concordance():
    from hsguard.reference import parse_hs_correlation, parse_hts_concordance

    corr = parse_hs_correlation(REFERENCE_DIR / "hs" / "hs2022_hs2017_correlation.csv")
    assert corr.height == 15_657
    assert set(corr["relationship"].unique()) == {"1:1", "n:1", "1:n", "n:n"}
    conc = parse_hts_concordance(REFERENCE_DIR / "us_hts" / "hts10_revision_concordance_2025_2026.csv")
    assert conc.height == 435
    added = conc.filter(pl.col("change_type") == "added")
    assert added["old_hts10"].null_count() == added.height  # "NA" is read as no code
