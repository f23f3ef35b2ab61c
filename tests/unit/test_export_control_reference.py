"""Export-control and screening parsers on the real bundled files (counts and examples checked by hand)."""

from __future__ import annotations

import json

import polars as pl
import pytest

from hsguard.export_control_reference import (
    BRIDGE_SCHEMA,
    CCL_ECCN_SCHEMA,
    CCL_REQUIREMENT_SCHEMA,
    COUNTRY_CHART_SCHEMA,
    COUNTRY_GROUP_SCHEMA,
    EAR746_SCHEMA,
    EU_ANNEX_SCHEMA,
    MEU_SCHEMA,
    SCREENING_SCHEMA,
    ear_name_to_iso2,
    parse_ccl_eccns,
    parse_ccl_license_requirements,
    parse_country_chart,
    parse_country_groups,
    parse_ear746_hs_lists,
    parse_eu_annex_i,
    parse_export_control_bridges,
    parse_license_exceptions,
    parse_military_end_user_eccns,
    parse_screening_list,
)
from hsguard.paths import REFERENCE_DIR

EAR = REFERENCE_DIR / "export_control" / "us_ear"
BRIDGES = REFERENCE_DIR / "export_control" / "bridges"
CCL = EAR / "ccl.json"
EU_ANNEX = REFERENCE_DIR / "export_control" / "eu" / "annex_i_2021-821_consolidated_2025-11-15.json"
EMBARGOED = {"CU", "IR", "KP", "SY"}


@pytest.fixture(scope="module")
def eccns() -> pl.DataFrame:
    return parse_ccl_eccns(CCL)


@pytest.fixture(scope="module")
def requirements() -> pl.DataFrame:
    return parse_ccl_license_requirements(CCL)


@pytest.fixture(scope="module")
def chart() -> pl.DataFrame:
    return parse_country_chart(EAR / "country_chart.json", EAR / "country_chart_iso2.json")


@pytest.fixture(scope="module")
def groups() -> pl.DataFrame:
    return parse_country_groups(EAR / "country_groups.json", EAR / "country_groups_iso2.json")


@pytest.fixture(scope="module")
def bridges() -> pl.DataFrame:
    return parse_export_control_bridges(
        BRIDGES / "chpl_hs6_tiers_2024-02-23.csv",
        BRIDGES / "china_mofcom_2026_hs10_to_control_code.csv",
        BRIDGES / "japan_catchall_hs.json",
    )


@pytest.fixture(scope="module")
def screening() -> pl.DataFrame:
    return parse_screening_list(REFERENCE_DIR / "screening" / "consolidated_screening_list_2026-07-31.json")


def _lines(requirements: pl.DataFrame, eccn: str) -> list[dict]:
    return requirements.filter(pl.col("eccn") == eccn).sort("line_number").to_dicts()


def _cell(chart: pl.DataFrame, iso2: str, column: str) -> dict:
    rows = chart.filter((pl.col("iso2") == iso2) & (pl.col("column_code") == column)).to_dicts()
    assert len(rows) == 1, (iso2, column, rows)
    return rows[0]


# --------------------------------------------------------------------------- schemas


def test_every_parser_returns_exactly_its_schema(eccns, requirements, chart, groups, bridges, screening):
    frames = {
        "eccns": (eccns, CCL_ECCN_SCHEMA),
        "requirements": (requirements, CCL_REQUIREMENT_SCHEMA),
        "chart": (chart, COUNTRY_CHART_SCHEMA),
        "groups": (groups, COUNTRY_GROUP_SCHEMA),
        "ear746": (parse_ear746_hs_lists(EAR / "ear_part746_hs_lists_and_meu.json"), EAR746_SCHEMA),
        "meu": (parse_military_end_user_eccns(EAR / "ear_part746_hs_lists_and_meu.json"), MEU_SCHEMA),
        "bridges": (bridges, BRIDGE_SCHEMA),
        "eu": (parse_eu_annex_i(EU_ANNEX), EU_ANNEX_SCHEMA),
        "screening": (screening, SCREENING_SCHEMA),
    }
    for name, (frame, schema) in frames.items():
        assert frame.columns == list(schema), name
        assert frame.schema["_row_number"] == pl.Int64, name
        assert frame["_row_number"].null_count() == 0 and frame["_row_number"].min() >= 1, name


# --------------------------------------------------------------------------- CCL


def test_ccl_has_all_636_eccns_in_ten_categories(eccns):
    # 633 records in ccl.json, three of which merge two entries (0D606+0D614, 2B351+2B352,
    # 3E001+3E002): split by the loader
    assert eccns.height == 636
    assert eccns["eccn"].n_unique() == 636
    assert sorted(eccns["category"].unique()) == [str(d) for d in range(10)]
    assert sorted(eccns["product_group"].unique()) == ["A", "B", "C", "D", "E"]
    assert eccns["_row_number"].to_list() == list(range(1, 637))
    first = eccns.row(0, named=True)
    assert (first["eccn"], first["category"], first["product_group"]) == (
        "0A002",
        "0",
        "A",
    )  # no 0A001 in the CCL


def test_5a002_is_ns1_and_at1_and_rs_points_elsewhere(eccns, requirements):
    row = eccns.filter(pl.col("eccn") == "5A002").row(0, named=True)
    assert row["reasons_for_control"] == "NS, RS, AT, EI"
    assert row["reason_codes"] == "NS,RS,AT,EI"
    assert row["license_exceptions"].startswith(
        "LVS: Yes: $500 for “components,”; GBS: N/A; ENC: Yes for certain"
    )
    lines = _lines(requirements, "5A002")
    assert [(r["reason_code"], r["chart_columns"]) for r in lines] == [
        ("NS", "NS1"),
        ("RS", None),
        ("RS", None),
        ("AT", "AT1"),
        ("EI", None),
    ]
    assert lines[0]["control_text"] == "NS applies to entire entry"
    assert lines[0]["chart_text"] == "NS Column 1."
    assert lines[0]["applies_to_paragraphs"] is False
    assert lines[1]["applies_to_paragraphs"] is True  # RS applies to items controlled by 5A002.z.1.a ...
    assert [r["points_elsewhere"] for r in lines] == [False, True, True, False, True]


def test_5a992_names_only_the_at1_column(eccns, requirements):
    # The source lists RS too (5A992.z, "to or within any destination worldwide" / Country Groups),
    # but the only Country Chart column it names is AT 1.
    row = eccns.filter(pl.col("eccn") == "5A992").row(0, named=True)
    assert row["reasons_for_control"] == "RS, AT"
    assert row["reason_codes"] == "RS,AT"
    assert row["license_exceptions"] == (
        "LVS: N/A; GBS: N/A; AIA: Yes for 5A992.z.1; ACM: Yes for 5A992.z; LPP: Yes for 5A992.z.1"
    )
    lines = _lines(requirements, "5A992")
    assert [r["chart_columns"] for r in lines] == [None, None, "AT1"]
    assert (
        lines[0]["chart_text"]
        == "To or within any destination worldwide. See § 742.6(a)(6)(iii)(A) of the EAR."
    )


def test_3a001_columns(requirements):
    lines = _lines(requirements, "3A001")
    assert [r["chart_columns"] for r in lines] == ["NS1", "NS2", "RS1", None, None, "MT1", "NP1", "AT1"]
    assert lines[0]["applies_to_paragraphs"] is True  # NS 1 only for MMIC amplifiers in 3A001.b.2 ...
    assert (
        lines[1]["control_text"] == "NS applies to entire entry"
        and lines[1]["applies_to_paragraphs"] is False
    )
    assert lines[4]["chart_text"].startswith(
        "To or within the United Arab Emirates or destinations specified in"
    )


def test_lines_pointing_elsewhere_have_no_columns(requirements):
    worldwide = requirements.filter(pl.col("chart_text").str.contains("(?i)destination worldwide"))
    groups = requirements.filter(pl.col("chart_text").str.contains("Country Group"))
    assert worldwide.height == 18 and groups.height == 31  # 29 + 3E001 (supplement seed): 2
    for frame in (worldwide, groups):
        assert frame["points_elsewhere"].all()
        assert frame["chart_columns"].null_count() == frame.height
    assert requirements["points_elsewhere"].to_list() == requirements["chart_columns"].is_null().to_list()
    # 1537 lines in ccl.json + 15 of the split entries (2B351: 2, 0D606: 5, 3E001: 8 from the supplement)
    assert requirements.height == 1552 and requirements["eccn"].n_unique() == 566


def test_column_prefix_always_matches_reason(requirements):
    named = requirements.filter(pl.col("chart_columns").is_not_null())
    prefixes = named["chart_columns"].str.split(",").list.eval(pl.element().str.slice(0, 2)).list.unique()
    assert all(p.to_list() == [r] for p, r in zip(prefixes, named["reason_code"], strict=True))
    allowed = {
        "CB1",
        "CB2",
        "CB3",
        "NP1",
        "NP2",
        "NS1",
        "NS2",
        "MT1",
        "RS1",
        "RS2",
        "FC1",
        "CC1",
        "CC2",
        "CC3",
    }
    assert set(named["chart_columns"].str.split(",").explode(empty_as_null=True)) <= allowed | {"AT1", "AT2"}


def test_source_quirks_are_handled(eccns, requirements):
    # 1A231: one source row "NP applies ... AT applies ..." / "NP Column 1 AT Column 1" -> two lines.
    assert [
        (r["reason_code"], r["chart_columns"], r["chart_text"]) for r in _lines(requirements, "1A231")
    ] == [
        ("NP", "NP1", "NP Column 1"),
        ("AT", "AT1", "AT Column 1"),
    ]
    # 1C351 line 3 reads just "Column 1." for AT.
    assert _lines(requirements, "1C351")[2]["chart_columns"] == "AT1"
    # 1D018 line 2: the source's requirement cell is empty (flagged), so no chart text.
    line = _lines(requirements, "1D018")[1]
    assert (line["reason_code"], line["chart_text"], line["points_elsewhere"]) == ("MT", None, True)
    # Russian industry sector sanctions lines name no reason code.
    russian = requirements.filter(pl.col("control_text").str.starts_with("Russian industry sector"))
    assert sorted(russian["eccn"]) == ["0A998", "1C992", "3A229", "3A231", "3A232", "6A991", "8A992", "8D999"]
    assert russian["reason_code"].null_count() == 8
    # 0E001's reasonForControl is "" in the source. 70 ECCNs have no licence-requirement lines and
    # 0A998, 8D999 only the Russian sanctions line: no reason codes for 72.
    assert eccns.filter(pl.col("eccn") == "0E001")["reasons_for_control"].to_list() == [None]
    assert eccns["reason_codes"].null_count() == 72
    assert requirements["eccn"].n_unique() == 636 - 70


def test_merged_records_are_split_and_the_first_entry_comes_from_the_supplement(eccns, requirements):
    """ccl.json's 2B351 record carries 2B351's text in its heading and 2B352's fields."""
    rows = {
        r["eccn"]: r
        for r in eccns.filter(
            pl.col("eccn").is_in(["2B351", "2B352", "0D606", "0D614", "3E001", "3E002"])
        ).iter_rows(named=True)
    }
    assert set(rows) == {"2B351", "2B352", "0D606", "0D614", "3E001", "3E002"}
    assert rows["2B352"]["heading"].startswith("Equipment Capable of Use in Handling Biological Materials")
    assert rows["2B352"]["reason_codes"] == "CB,AT"
    assert rows["2B351"]["heading"].endswith("(see List of Items Controlled).")
    assert "License Requirements" not in rows["2B351"]["heading"]
    assert "2B352" not in rows["2B351"]["heading"]
    assert rows["3E001"]["reason_codes"] == "NS,MT,NP,RS,AT"
    assert rows["3E002"]["reason_codes"] == "NS,AT"
    assert rows["0D614"]["heading"].startswith("\u201cSoftware\u201d related to military training")
    od606 = requirements.filter(pl.col("eccn") == "0D606").sort("line_number")
    assert od606["chart_columns"].to_list() == ["NS1", "RS1", None, "AT1", None]
    assert od606.row(2, named=True)["rule_destinations"] == "CN,RU,VE"  # RS applies to 0D606.y


def test_split_only_where_the_next_code_is_no_entry(tmp_path):
    from hsguard.export_control_reference import ccl_entries

    heading = (
        "Things (see List of Items Controlled). License Requirements Reason for Control: AT"
        " ... Items: a. Foo. 9Z999 Other."
    )
    record = {
        "eccn": "1A001",
        "category": "1",
        "productGroup": "A",
        "heading": heading.replace("9Z999", "1A002"),
    }
    path = tmp_path / "ccl.json"
    empty = tmp_path / "none.csv"
    # 1A002 is an entry of the file: a reference, not a merged entry
    path.write_text(json.dumps({"entries": [record, {**record, "eccn": "1A002"}]}), encoding="utf-8")
    assert [e["eccn"] for e in ccl_entries(path, empty)] == ["1A001", "1A002"]
    # 1A003 is not: the record merges 1A001 and 1A003
    path.write_text(
        json.dumps({"entries": [{**record, "heading": heading.replace("9Z999", "1A003")}]}), encoding="utf-8"
    )
    split = ccl_entries(path, empty)
    assert [(e["eccn"], e["heading"]) for e in split] == [
        ("1A001", "Things (see List of Items Controlled)."),
        ("1A003", "Other."),
    ]


def test_license_exception_catalogue():
    frame = parse_license_exceptions(EAR / "license_exceptions.json")
    assert frame.height == 28  # 27 sections, 740.8 has two symbols
    assert frame.filter(pl.col("symbol") == "STA").row(0, named=True)["section"] == "740.20"
    assert frame.filter(pl.col("section") == "740.8")["symbol"].to_list() == ["NAC", "ACA"]


# --------------------------------------------------------------------------- Country Chart


def test_country_chart_has_200_destinations_and_4_embargoed(chart):
    own_rows = chart.filter(~pl.col("note").fill_null("").str.starts_with("No row of its own"))
    assert own_rows["iso2"].n_unique() == 200
    assert own_rows.height == 200 * 16
    assert set(chart.filter(pl.col("is_embargoed"))["iso2"]) == EMBARGOED
    assert sorted(chart["column_code"].unique()) == sorted(
        [
            "CB1",
            "CB2",
            "CB3",
            "NP1",
            "NP2",
            "NS1",
            "NS2",
            "MT1",
            "RS1",
            "RS2",
            "FC1",
            "CC1",
            "CC2",
            "CC3",
            "AT1",
            "AT2",
        ]
    )
    without = parse_country_chart(
        EAR / "country_chart.json", EAR / "country_chart_iso2.json", include_inherited_territories=False
    )
    assert without["iso2"].n_unique() == 200
    assert chart["iso2"].n_unique() == 202  # + Hong Kong and the Cayman Islands


def test_embargoed_rows_require_a_licence_in_every_column(chart):
    embargoed = chart.filter(pl.col("iso2").is_in(list(EMBARGOED)))
    assert embargoed.height == 4 * 16
    assert embargoed["is_licence_required"].all() and embargoed["is_embargoed"].all()
    assert embargoed["note"].str.starts_with("Embargoed: see EAR Part 746").all()
    # The ISO-keyed file shows only CB1 for them: ignored.
    assert _cell(chart, "CU", "NS1")["is_licence_required"] is True
    assert _cell(chart, "KP", "AT1")["ear_name"] == "Korea, North"
    assert _cell(chart, "IR", "AT1")["footnotes"].startswith(
        "1: See § 746.1(b) for United Nations Security Council"
    )


def test_real_cells(chart):
    assert _cell(chart, "CN", "NS1")["is_licence_required"] is True
    assert _cell(chart, "CN", "NP2")["is_licence_required"] is True
    assert _cell(chart, "CN", "FC1")["is_licence_required"] is False
    # Germany: X in CB1, NS1, MT1, RS1 only.
    germany = chart.filter(pl.col("iso2") == "DE")
    assert sorted(germany.filter(pl.col("is_licence_required"))["column_code"]) == [
        "CB1",
        "MT1",
        "NS1",
        "RS1",
    ]
    assert _cell(chart, "DE", "NS2")["is_licence_required"] is False
    # The United Kingdom only has CB1 (its firearms licence requirement is in footnote 10).
    uk = chart.filter(pl.col("iso2") == "GB")
    assert uk.filter(pl.col("is_licence_required"))["column_code"].to_list() == ["CB1"]
    assert uk["footnotes"][0].startswith("10: A license is required to these destinations for items")
    # AT columns carry no X for any graded destination.
    graded_at = chart.filter(pl.col("column_code").str.starts_with("AT") & ~pl.col("is_embargoed"))
    assert not graded_at["is_licence_required"].any()
    assert _cell(chart, "NA", "NS1")["ear_name"] == "Namibia"  # "NA" stays a code, not a null
    assert _cell(chart, "XK", "NS1")["ear_name"] == "Kosovo"
    assert _cell(chart, "CD", "NS1")["ear_name"] == "Congo (Democratic Republic of the)"


def test_territory_inheritance(chart):
    hong_kong = chart.filter(pl.col("iso2") == "HK").sort("column_code")
    china = chart.filter(pl.col("iso2") == "CN").sort("column_code")
    assert hong_kong.height == 16
    assert hong_kong["inherits_from_iso2"].unique().to_list() == ["CN"]
    assert hong_kong["is_licence_required"].to_list() == china["is_licence_required"].to_list()
    assert "85 FR 83788" in hong_kong["note"][0]
    assert _cell(chart, "LI", "NS1")["inherits_from_iso2"] == "CH"  # has its own row (footnote 5)
    assert _cell(chart, "KY", "CB1")["inherits_from_iso2"] == "GB"
    assert chart.filter(pl.col("iso2") == "CN")["inherits_from_iso2"].null_count() == 16


# --------------------------------------------------------------------------- Country Groups


def test_country_groups(groups):
    counts = dict(groups.filter(pl.col("iso2") != "HK").group_by("country_group").len().iter_rows())
    assert counts == {
        "A:1": 40, "A:2": 34, "A:3": 42, "A:4": 45, "A:5": 38, "A:6": 8, "B": 173,
        "D:1": 24, "D:2": 10, "D:3": 36, "D:4": 21, "D:5": 22, "E:1": 3, "E:2": 1,
    }  # fmt: skip
    member = {(r["iso2"], r["country_group"]) for r in groups.iter_rows(named=True)}
    assert ("CN", "D:5") in member and ("CN", "B") not in member
    assert ("MO", "D:1") in member and ("MO", "D:5") not in member
    assert {("IR", "E:1"), ("KP", "E:1"), ("SY", "E:1"), ("CU", "E:2")} <= member
    assert ("CI", "B") in member  # spelled "Cote d'lvoire" (lower-case L) in the source
    assert ("US", "A:1") in member and ("DE", "A:5") in member
    hong_kong = sorted(groups.filter(pl.col("iso2") == "HK")["country_group"])
    assert hong_kong == ["D:1", "D:3", "D:4", "D:5"]
    # Both editions of the groups agree on every membership.
    assert not groups["note"].str.contains("country_groups_iso2.json").any()
    assert groups.filter(pl.col("iso2") != "HK")["iso2"].n_unique() == 200


def test_ear_name_mapping():
    rows = json.loads((EAR / "country_chart_iso2.json").read_text(encoding="utf-8"))["rows"]
    # With no aliases at all, the EAR spellings + pycountry reproduce every pair of the ISO-keyed file.
    assert {r["earName"]: ear_name_to_iso2(r["earName"], {}) for r in rows} == {
        r["earName"]: r["iso2"] for r in rows
    }
    assert ear_name_to_iso2("myanmar", {"myanmar": "Burma"}) == "MM"
    assert ear_name_to_iso2("Hong Kong", {"hong kong": "China (PRC)"}) == "CN"
    assert ear_name_to_iso2("Saint Kitts & Nevis", {}) == "KN"
    assert ear_name_to_iso2("The Bahamas", {}) == "BS"
    with pytest.raises(ValueError, match="Atlantis"):
        ear_name_to_iso2("Atlantis", {})


# --------------------------------------------------------------------------- Part 746 / 744


def test_ear746_hs_lists():
    lists = parse_ear746_hs_lists(EAR / "ear_part746_hs_lists_and_meu.json")
    counts = dict(lists.group_by("supplement").len().iter_rows())
    assert counts == {
        "Part 746 Supp. 2": 29,
        "Part 746 Supp. 4": 2405,
        "Part 746 Supp. 5": 363,
        "Part 746 Supp. 7": 53,
    }
    assert lists["hs6"].str.contains(r"^\d{6}$").all()
    assert lists.filter(pl.col("supplement") == "Part 746 Supp. 2")["hs6"][0] == "730411"
    on = {(r["hs6"], r["supplement"]) for r in lists.iter_rows(named=True)}
    assert ("220300", "Part 746 Supp. 5") in on  # beer: luxury goods
    assert ("854231", "Part 746 Supp. 7") in on and ("854231", "Part 746 Supp. 2") not in on


def test_military_end_user_eccns(eccns):
    meu = parse_military_end_user_eccns(EAR / "ear_part746_hs_lists_and_meu.json")
    assert meu.height == 52 and meu["eccn"].n_unique() == 52
    assert meu["eccn"][0] == "1A290"
    assert {"5A992", "2B999", "9E991"} <= set(meu["eccn"])
    assert set(meu["eccn"]) <= set(eccns["eccn"])  # all are real CCL entries


# --------------------------------------------------------------------------- bridges


def test_chpl(bridges):
    chpl = bridges.filter(pl.col("list_name") == "CHPL")
    assert chpl.height == 50 and chpl["code"].n_unique() == 50
    assert dict(chpl.group_by("tier").len().iter_rows()) == {
        "1": 4,
        "2": 5,
        "3.A": 16,
        "3.B": 9,
        "4.A": 11,
        "4.B": 5,
    }
    first = chpl.row(0, named=True)
    assert (first["code"], first["tier"], first["code_level"]) == ("854231", "1", 6)
    assert first["reliability"].startswith("Authoritative")


def test_china_catalogue(bridges):
    china = bridges.filter(pl.col("list_name") == "CN_MOFCOM_2026")
    assert china["code"].n_unique() == 414
    assert china["source_code"].str.contains(r"^\d{10}$").all()
    assert (china["source_code"].str.slice(0, 6) == china["code"]).all()
    assert china.select("code", "control_code").is_duplicated().sum() == 0
    assert china["control_code"].drop_nulls().str.contains(r"^\d[A-E]\d{3}").all()  # UF6, L, ... are dropped
    first = china.row(0, named=True)
    assert (first["code"], first["control_code"], first["source_code"]) == ("381512", "1A225", "3815120010")
    assert "approximate" in first["reliability"]
    garbage = china.filter(pl.col("description").str.contains("'UF6', malformed"))
    assert garbage.height > 0 and garbage["control_code"].null_count() == garbage.height


def test_china_catalogue_product_names_are_optional():
    with_names = parse_export_control_bridges(
        BRIDGES / "chpl_hs6_tiers_2024-02-23.csv",
        BRIDGES / "china_mofcom_2026_hs10_to_control_code.csv",
        BRIDGES / "japan_catchall_hs.json",
        china_index_path=BRIDGES / "china_mofcom_2026_catalogue_index.csv",
    )
    row = with_names.filter(pl.col("source_code") == "3815120010").row(0, named=True)
    assert row["description"] == "China dual-use export licence catalogue 2026, item 2: 镀铂催化剂"


def test_japan_catch_all(bridges):
    japan = bridges.filter(pl.col("list_name") == "JP_CATCHALL")
    assert dict(japan.group_by("code_level").len().iter_rows()) == {2: 50, 4: 10, 6: 7}
    assert japan["code"].head(3).to_list() == ["8456", "8457", "8458"]
    assert "excluding 854290" in japan.filter(pl.col("code") == "8542")["description"][0]
    assert "854290" not in set(japan["code"])
    assert {"25", "84", "95"} <= set(japan["code"]) and "94" not in set(japan["code"])


def test_bridge_codes_are_digits_and_deduplicated(bridges):
    assert bridges["code"].str.contains(r"^(\d{2}|\d{4}|\d{6})$").all()
    assert (bridges["code"].str.len_chars() == bridges["code_level"]).all()
    assert bridges.select("code", "list_name", "control_code").is_duplicated().sum() == 0


# --------------------------------------------------------------------------- EU Annex I


def test_eu_annex_i():
    annex = parse_eu_annex_i(EU_ANNEX)
    assert annex.height == 384 and annex["entry_code"].n_unique() == 384
    assert dict(annex.group_by("category").len().iter_rows())["1"] == 93
    row = annex.filter(pl.col("entry_code") == "5A002").row(0, named=True)
    assert row["title_or_text"].startswith('5A002 "Information security" systems, equipment and components')
    assert (row["category"], row["product_group"]) == ("5", "A")
    assert annex["title_or_text"].str.len_chars().max() == 500
    assert annex.filter(pl.col("entry_code") == "4D002")["title_or_text"].to_list() == ["4D002 Not used."]


# --------------------------------------------------------------------------- screening


def test_screening_list(screening):
    assert screening.height == 25_921
    assert screening["entry_id"].n_unique() == 25_921
    counts = dict(screening.group_by("list_name").len().iter_rows())
    assert counts["Specially Designated Nationals"] == 19_181
    assert counts["Entity List"] == 3_420
    assert counts["Military End User List"] == 70
    first = screening.row(0, named=True)
    assert first == {
        "entry_id": "CAP-15268",
        "name": "BANK OF KUNLUN CO LTD",
        "alt_names": "KARAMAY URBAN CREDIT COOPERATIVES | KARAMAY CITY COMMERCIAL BANK CO LTD.",
        "list_name": "Capta List",
        "countries": "CN",
        "programs": "561-Related",
        "entry_type": "Entity",
        "license_requirement": None,
        "license_policy": None,
        "_row_number": 1,
    }
    # BIS lists carry the entry's licence requirement and review policy
    el = screening.filter(pl.col("list_name") == "Entity List")
    assert el["license_requirement"].null_count() == 0
    assert el["license_requirement"].str.contains("744.11").sum() > 2_000
    # The same OFAC entity number appears on SDN and SSI: ids keep the list apart.
    vtb = screening.filter(pl.col("entry_id").str.ends_with("-17013"))
    assert sorted(vtb["entry_id"]) == ["SDN-17013", "SSI-17013"]
    assert vtb["countries"].unique().to_list() == ["RU,IN,CN"]
    # BIS lists have no entity numbers; "UK" in the source becomes GB.
    uk = screening.filter(pl.col("name") == "AC AVIATIE UK LIMITED").row(0, named=True)
    assert (uk["list_name"], uk["countries"], uk["entry_id"]) == ("Denied Persons List", "GB", "DPL-ROW1084")


# --------------------------------------------------------------------------- requirement scope and rules
# Expected scopes are read from the CCL wording quoted in each case (EAR Part 774 Supp. 1).


@pytest.mark.parametrize(
    ("eccn", "text", "kind", "covers", "excludes", "conditional"),
    [
        ("0A501", "NS applies to entire entry except 0A501.y", "entire", (), ("y",), False),
        ("0A505", "AT applies to 0A505.a, .d, and .x", "paragraphs", ("a", "d", "x"), (), False),
        (
            "0A504",
            "FC applies to paragraphs .a, .b, .c, .d, .e, .g, and .i of this entry",
            "paragraphs",
            ("a", "b", "c", "d", "e", "g", "i"),
            (),
            False,
        ),
        (
            "1C351",
            "CB applies to items controlled by 1C351.d.15 and .16",
            "paragraphs",
            ("d.15", "d.16"),
            (),
            False,
        ),
        ("1C111", "NP applies to 1C111.a.3.f only", "paragraphs", ("a.3.f",), (), False),
        (
            "1B001",
            "MT applies to entire entry, except 1B001.d.4, e and f. Note: MT applies to equipment in 1B001.d",
            "entire",
            (),
            ("d.4", "e", "f"),
            False,
        ),
        (
            "3B001",
            "NS applies to 3B001.a.1 to a.3, b, e, f.2 to f.4, g to j",
            "paragraphs",
            ("a.1", "a.2", "a.3", "b", "e", "f.2", "f.3", "f.4", "g", "h", "i", "j"),
            (),
            False,
        ),
        (
            "5A001",
            "NS applies to 5A001.b (except .b.5), .c, .d, .f (except f.3), .g, and .j",
            "paragraphs",
            ("b", "c", "d", "f", "g", "j"),
            ("b.5", "f.3"),
            False,
        ),
        ("9A004", "NS applies to 9A004 .g, .r, .u, and .w", "paragraphs", ("g", "r", "u", "w"), (), False),
        ("8A620", "NS applies to entire entry, except 8A620. b and .y", "entire", (), ("b", "y"), False),
        ("6D003", "RS applies to paragraph c", "paragraphs", ("c",), (), False),
        (
            "1C001",
            "MT applies to items that meet or exceed the parameters of ECCN 1C101",
            "condition",
            (),
            (),
            True,
        ),
        (
            "0D505",
            "NS applies to \u201csoftware\u201d for commodities in ECCN 0A505.a and .x",
            "condition",
            (),
            (),
            True,
        ),
        (
            "1C353",
            "CB applies to genetic elements of items controlled by 1C351.d.15 and .16",
            "condition",
            (),
            (),
            True,
        ),
        (
            "3A001",
            "NS applies to \u201cMonolithic Microwave Integrated Circuit\u201d (\u201cMMIC\u201d) "
            "amplifiers in 3A001.b.2 and discrete microwave transistors in 3A001.b.3, except those "
            "3A001.b.2 and b.3 items being exported or reexported for use in civil telecommunications "
            "applications",
            "paragraphs",
            ("b.2", "b.3"),
            (),
            True,
        ),
        ("1C350", "CB applies to entire entry CB Column 2.", "entire", (), (), False),
    ],
)
def test_requirement_scope(eccn, text, kind, covers, excludes, conditional):
    from hsguard.export_control_reference import parse_requirement_scope

    scope = parse_requirement_scope(text, eccn)
    assert (scope.kind, scope.covers, scope.excludes, scope.is_conditional) == (
        kind,
        covers,
        excludes,
        conditional,
    )


def test_conditional_exclusion_is_kept_apart():
    from hsguard.export_control_reference import parse_requirement_scope

    scope = parse_requirement_scope(
        "NS applies to entire entry except: 9A610.b; parts and components controlled in 9A610.x if being "
        "exported or reexported for use in an aircraft controlled in 9A610.b; and 9A610.y",
        "9A610",
    )
    assert (scope.excludes, scope.excludes_if, scope.is_conditional) == (("b", "y"), ("x",), False)


@pytest.mark.parametrize(
    ("text", "reason", "kind", "destinations", "excluded", "groups", "excluded_groups", "citation"),
    [
        (
            "Worldwide control. See \u00a7 742.4(a)(5) and (b)(10) of the EAR.",
            "NS",
            "worldwide",
            (),
            (),
            (),
            (),
            "\u00a7 742.4(a)(5)",
        ),
        (
            "A license is required for ALL destinations, except Canada, regardless of end use.",
            "CC",
            "worldwide",
            (),
            ("CA",),
            (),
            (),
            None,
        ),
        ("Refer to \u00a7 742.15 of the EAR.", "EI", "worldwide", (), ("CA",), (), (), "\u00a7 742.15"),
        ("See \u00a7 746.1(b) for UN controls", "UN", "un_embargo", (), (), (), (), "\u00a7 746.1(b)"),
        ("See \u00a7 764.1(b) for UN controls", "UN", "un_embargo", (), (), (), (), "\u00a7 746.1(b)"),
        (
            "China, Russia, or Venezuela (see \u00a7 742.6(a)(7)).",
            "RS",
            "destinations",
            ("CN", "RU", "VE"),
            (),
            (),
            (),
            "\u00a7 742.6(a)(7)",
        ),
        (
            "To or within Macau or a destination specified in Country Group D:5 of supplement no. 1 "
            "to part 740 of the EAR. See \u00a7 742.4(a)(4) of the EAR.",
            "NS",
            "destinations",
            ("MO",),
            (),
            ("D:5",),
            (),
            "\u00a7 742.4(a)(4)",
        ),
        (
            "To or within the United Arab Emirates or destinations specified in Country Groups D:1, "
            "D:4, and D:5 of supplement no. 1 to part 740 of the EAR, excluding any destination also "
            "specified in Country Groups A:5 or A:6.",
            "RS",
            "destinations",
            ("AE",),
            (),
            ("D:1", "D:4", "D:5"),
            ("A:5", "A:6"),
            None,
        ),
        (
            "A license is required for items controlled by this entry for export or reexport to "
            "Iraq or Pakistan",
            "RS",
            "destinations",
            ("IQ", "PK"),
            (),
            (),
            (),
            None,
        ),
        ("See \u00a7 742.6(a)(11) of the EAR.", "RS", "see_rule", (), (), (), (), "\u00a7 742.6(a)(11)"),
        ("N/A.", "NP", "not_applicable", (), (), (), (), None),
    ],
)
def test_destination_rule(text, reason, kind, destinations, excluded, groups, excluded_groups, citation):
    from hsguard.export_control_reference import parse_destination_rule

    rule = parse_destination_rule(text, reason)
    assert (
        rule.kind,
        rule.destinations,
        rule.excluded,
        rule.groups,
        rule.excluded_groups,
        rule.citation,
    ) == (
        kind,
        destinations,
        excluded,
        groups,
        excluded_groups,
        citation,
    )


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("N/A", ("no", None)),
        ("Yes", ("yes", None)),
        ("$1,500", ("yes", 1500.0)),
        ("$5000.", ("yes", 5000.0)),
        ("$500 for 0A501.c, .d, and .x.", ("conditional", None)),
        ("Yes, except N/A for MT", ("conditional", None)),
        (None, (None, None)),
    ],
)
def test_exception_availability(flag, expected):
    from hsguard.export_control_reference import exception_availability

    assert exception_availability(flag) == expected


def test_scopes_and_rule_destinations_of_the_bundled_files():
    from hsguard.export_control_reference import parse_ccl_requirement_scopes, parse_rule_destinations

    scopes = parse_ccl_requirement_scopes(CCL)
    y = scopes.filter((pl.col("eccn") == "0A501") & (pl.col("relation") == "excludes"))
    assert set(y["paragraph"]) == {"y"}
    assert not scopes.filter(pl.col("paragraph").str.contains(r"^\d")).height
    rules = parse_rule_destinations(EAR / "ear_part746_hs_lists_and_meu.json")
    assert set(rules.filter(pl.col("rule") == "military_end_use")["iso2"]) == {"MM", "KH", "CN", "NI", "VE"}
    assert {"SO", "CF", "LY", "KP"} <= set(rules.filter(pl.col("rule") == "un_arms_embargo")["iso2"])


def test_ccl_paragraphs_set_decontrol_notes_aside():
    from hsguard.export_control_reference import parse_ccl_paragraphs

    paragraphs = parse_ccl_paragraphs(CCL, EU_ANNEX)

    def of(eccn: str) -> dict[str, str]:
        rows = paragraphs.filter(pl.col("eccn") == eccn)
        return dict(zip(rows["paragraph"], rows["status"], strict=True))

    # 1C230's items a-c are its note "1C230 does not control the following: a. ... c. ..."
    assert of("1C230") == {"": "entry"}
    # 1C240: the note's "Filamentary nickel powders" / "Single porous nickel sheets" go, a.1, a.2, b stay
    assert {"a", "a.1", "a.2", "b"} <= set(of("1C240"))
    fivea992 = of("5A992")
    assert fivea992["a"] == fivea992["b"] == fivea992["y"] == "reserved"
    assert fivea992["c"] == fivea992["z"] == fivea992["z.2"] == "listed"
    assert of("4A003")["e"] == "reserved"
    # no item text bundled for category 9: nothing to check
    assert of("9A515") == {}
    without_eu = parse_ccl_paragraphs(CCL)
    assert set(without_eu.filter(pl.col("eccn") == "1C230")["paragraph"]) == {"", "a", "b", "c"}
