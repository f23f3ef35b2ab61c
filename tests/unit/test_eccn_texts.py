"""The CCL / Annex I paragraph parsers the ECCN candidate models read (hsguard.eccn_texts)."""

from __future__ import annotations

import json

import polars as pl
import pytest

from hsguard.eccn_candidates import choose_threshold
from hsguard.eccn_texts import (
    PARAGRAPH_SCHEMA,
    parse_ccl_paragraphs,
    parse_eu_annex_i_definitions,
    parse_eu_annex_i_paragraphs,
)
from hsguard.export_control_reference import parse_ccl_paragraphs as load_ccl_paragraphs
from hsguard.export_control_reference import parse_ccl_requirement_scopes
from hsguard.paths import REFERENCE_DIR

CCL = REFERENCE_DIR / "export_control" / "us_ear" / "ccl.json"
ANNEX = REFERENCE_DIR / "export_control" / "eu" / "annex_i_2021-821_consolidated_2025-11-15.json"


def test_ccl_paragraphs_heading_for_every_eccn_and_paths_for_items():
    frame = parse_ccl_paragraphs(CCL, ANNEX)
    assert dict(frame.schema) == PARAGRAPH_SCHEMA
    headings = frame.filter(pl.col("paragraph").is_null())
    # the 633 records of ccl.json, three of which merge two entries (0D614, 2B352, 3E002)
    assert headings.height == 636 and headings["eccn"].n_unique() == 636
    assert frame.filter(pl.col("paragraph").is_not_null())["paragraph"].is_unique().all()
    row = frame.filter(pl.col("paragraph") == "3A001.b.2.a").to_dicts()[0]
    assert row["parent_paragraph"] == "3A001.b.2" and row["depth"] == 3
    assert "exceeding 2.7 GHz" in row["own_text"]
    # the path reads the entry heading and the parent paragraph before the paragraph itself
    assert row["path_text"].startswith("Electronic items")
    assert "Monolithic Microwave Integrated Circuit" in row["path_text"]


def test_candidate_texts_have_the_loaders_paragraphs():
    """One paragraph rule: every text paragraph is a listed paragraph of ref_ccl_paragraphs,
    and the loader's other listed paragraphs have no item text of their own (ancestors, or
    paths only a licence-requirement line names)."""
    texts = parse_ccl_paragraphs(CCL, ANNEX)
    loader = load_ccl_paragraphs(CCL, ANNEX).filter(pl.col("status") == "listed")
    listed = {(e, f"{e}.{p}") for e, p in loader.select("eccn", "paragraph").iter_rows()}
    with_text = set(texts.filter(pl.col("paragraph").is_not_null()).select("eccn", "paragraph").iter_rows())
    assert with_text <= listed
    named = {
        (e, f"{e}.{p}") for e, p in parse_ccl_requirement_scopes(CCL).select("eccn", "paragraph").iter_rows()
    }
    ancestors = {(e, p.rsplit(".", 1)[0]) for e, p in listed if p.count(".") > 1}
    assert listed - with_text <= named | ancestors
    own = {p: t for p, t in texts.select("paragraph", "own_text").iter_rows() if p}
    # a merged record's items are the second entry's; "does not control" note items are no
    # paragraphs, and a path the note used first gets the entry's own text
    assert own["3E002.a"].startswith("A 'vector processor unit'") and "3E001.a" not in own
    assert not {"1C230.a", "1C230.b", "1C230.c", "1C237.a"} & own.keys()
    assert "quantum cryptography" in own["5A002.c"]
    # the note's item b opens like 1C010.e, but it is item b: 1C010.e keeps its text
    assert own["1C010.e"].startswith("Fully or partially resin impregnated")
    assert own["2B351.b"].startswith("Designed for the detection of cholinesterase")
    heading = texts.filter((pl.col("eccn") == "3E001") & pl.col("paragraph").is_null())["own_text"][0]
    assert "3E002" not in heading and "License Requirements" not in heading


def test_ccl_exclusion_lists_are_not_paragraphs(tmp_path):
    source = {
        "entries": [
            {
                "eccn": "5A002",
                "category": "5",
                "productGroup": "A",
                "heading": "Information security systems.",
                "items": [
                    {"paragraph": "a", "kind": "item", "depth": 1, "text": "Designed to use cryptography;"},
                    {
                        "paragraph": None,
                        "kind": "note",
                        "depth": 0,
                        "text": "Key length in excess of 56 bits;",
                    },
                    {
                        "paragraph": None,
                        "kind": "text",
                        "depth": 0,
                        "text": "5A002.a does not control any of the following:",
                    },
                    {"paragraph": "a", "kind": "item", "depth": 1, "text": "Smart cards;"},
                    {"paragraph": "b", "kind": "item", "depth": 1, "text": "Cryptanalytic items;"},
                ],
            }
        ]
    }
    path = tmp_path / "ccl.json"
    path.write_text(json.dumps(source), encoding="utf-8")
    frame = parse_ccl_paragraphs(path)
    texts = dict(zip(frame["paragraph"].to_list(), frame["own_text"].to_list(), strict=True))
    assert texts["5A002.a"] == "Designed to use cryptography; Key length in excess of 56 bits;"
    assert "Smart cards" not in " ".join(frame["path_text"].to_list())
    assert texts["5A002.b"] == "Cryptanalytic items;"


def test_annex_paragraphs_keep_notes_drop_cross_references_and_exclusions():
    frame = parse_eu_annex_i_paragraphs(ANNEX)
    assert frame.filter(pl.col("paragraph").is_null())["eccn"].n_unique() == 384
    row = frame.filter(pl.col("paragraph") == "6A003.a.4").to_dicts()[0]
    assert "1000000 frames/s" in row["own_text"]
    assert row["path_text"].startswith("Cameras, systems or equipment")
    assert not frame["own_text"].str.starts_with("N.B.").any()
    assert (
        not frame.filter(pl.col("paragraph") == "6A003.b")["own_text"].str.contains("does not control").any()
    )


def test_annex_definitions_first_sentence_short_forms_and_no_cross_references():
    frame = parse_eu_annex_i_definitions(ANNEX)
    definitions = {}
    for term, definition in frame.select("term", "definition").iter_rows():
        definitions.setdefault(term, []).append(definition)
    assert definitions["Spacecraft"] == [
        "means a craft designed to operate in, persist in or transit through space in the form of a "
        '"satellite", "space probe", or "space vehicle"'
    ]
    # categories in brackets left out; the definition's first sentence only
    assert definitions["Aircraft"] == [
        "means a fixed wing, swivel wing, rotary wing (helicopter), tilt rotor or tilt-wing airborne vehicle"
    ]
    # the short form in brackets is a term of the same definition (same line)
    uav = frame.filter(pl.col("term").is_in(["Unmanned Aerial Vehicle", "UAV"]))
    assert uav.height == 2 and uav["_row_number"].n_unique() == 1
    assert uav["definition"][0].startswith("means any aircraft capable of initiating flight")
    # a term defined twice keeps both; a line that only points elsewhere is no definition
    assert len(definitions["Bias"]) == 2
    assert definitions["Spread spectrum"] == [
        "means the technique whereby energy in a relatively narrow-band communication channel is spread "
        "over a much wider energy spectrum"
    ]
    assert "APP" not in definitions
    # a decimal comma is no sentence end
    assert definitions["CW laser"] == [
        'means a "laser" that produces a nominally constant output energy for greater than 0,25 seconds'
    ]


def test_annex_without_definitions_is_refused(tmp_path):
    path = tmp_path / "annex.json"
    path.write_text(json.dumps({"entries": [], "docs": []}), encoding="utf-8")
    with pytest.raises(ValueError, match="definitions_annex"):
        parse_eu_annex_i_definitions(path)


def test_malformed_annex_entry_is_refused(tmp_path):
    path = tmp_path / "annex.json"
    path.write_text(
        json.dumps({"entries": [{"entry_code": "6X003", "verbatim_text": "x"}]}), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="6X003"):
        parse_eu_annex_i_paragraphs(path)


def test_threshold_is_the_lowest_that_keeps_ear99_flags_within_the_limit():
    rank1 = pl.DataFrame(
        {
            "expected_eccn": ["3A001", "6A003", "EAR99", "EAR99", "EAR99"],
            "controlled_confidence": [0.9, 0.45, 0.5, 0.2, None],
        }
    )
    # 0.45 would flag one EAR99 good of three (33 %): the lowest threshold flagging none is 0.9
    assert choose_threshold(rank1, max_flagged=0.05) == 0.9
    assert choose_threshold(rank1, max_flagged=0.34) == 0.45


def test_threshold_flags_the_item_it_is_taken_from():
    # rounded, 0.34497 would give 0.345, which does not flag the item at 0.34497
    rank1 = pl.DataFrame(
        {
            "expected_eccn": ["1A005", "EAR99", "EAR99"],
            "controlled_confidence": [0.34497, 0.5, 0.1],
        }
    )
    threshold = choose_threshold(rank1, max_flagged=0.5)
    assert threshold == 0.3449
    assert 0.34497 >= threshold


def test_evaluation_scores_each_set_of_held_out_items_apart():
    from hsguard.eccn_candidates import format_evaluation, score

    truth = pl.DataFrame(
        {
            "id": ["EC-1", "EC-2", "EN-1", "EC-3"],
            "fold": ["heldout"] * 4,
            "expected_eccn": ["3A001", "5A002", "EAR99", "6A003"],
            "set": ["first", "first", "first", "blind"],
        }
    )
    candidates = pl.DataFrame(
        {
            "sku": ["EC-1", "EC-1", "EC-2", "EN-1", "EC-3"],
            "rank": [1, 2, 1, 1, 1],
            "eccn_entry": ["3A001", "3A002", "EAR99", "EAR99", "6A002"],
            "is_abstain": [False, False, True, True, False],
        }
    )
    first = score(candidates, truth.filter(pl.col("set") == "first"))
    assert (first["controlled"], first["top1_5"], first["ear99_flagged"]) == (2, 0.5, 0.0)
    assert first["misses"] == [{"id": "EC-2", "expected": "5A002", "got": ["EAR99"]}]
    blind = score(candidates, truth.filter(pl.col("set") == "blind"))
    assert (blind["controlled"], blind["top3_5"], blind["controlled_flagged"]) == (1, 0.0, 1.0)
    overall = score(candidates, truth)
    text = format_evaluation(
        {
            "threshold": 0.35,
            "folds": {"heldout": overall, "train": overall},
            "heldout_by_set": {"first": first, "blind": blind},
        }
    )
    lines = [line for line in text.splitlines() if line.startswith("| held-out")]
    assert [line.split(" | ")[0] for line in lines] == [
        "| held-out",
        "| held-out, set first only",
        "| held-out, set blind only",
    ]
    assert lines[2].split(" | ")[1:4] == ["1", "0.0%", "0.0%"]
