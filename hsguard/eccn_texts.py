"""Parsers for the export-control *texts* the ECCN candidate models match descriptions against.

Two bundled files, one pure function per table (no Prefect, no database), every code a
string, ``_row_number`` the 1-based position of the paragraph in its source:

* :func:`parse_ccl_paragraphs` -- the Commerce Control List (``ccl.json``, EAR Part 774
  Supp. 1): one row per ECCN heading (all 633 entries, 600-series and 9x515 included) and
  one row per item paragraph where the file carries the list of items (categories 1, 3, 4
  and 5). A technical note or unit text that follows a paragraph is part of that
  paragraph's text; the lists inside an exclusion note ("... does not control any of the
  following") are not paragraphs of the entry and are left out, so that what an entry
  excludes does not read as what it controls.
* :func:`parse_eu_annex_i_paragraphs` -- the EU dual-use list (Regulation (EU) 2021/821
  Annex I, verbatim): one row per numbered paragraph, its notes and technical notes
  included ("N.B." cross-references are dropped: they name other entries, not goods).
* :func:`parse_eu_annex_i_definitions` -- the same Annex's "Definitions of terms used in
  this Annex": one row per defined term in "double quotation marks" and its definition's
  first sentence ("Spacecraft" means a craft designed to operate in ... space in the form
  of a "satellite", "space probe", or "space vehicle").

``path_text`` is the paragraph read in its context: the entry heading and the text of every
ancestor paragraph, then the paragraph's own text (a sub-paragraph such as "More than
4 x 10^6 active pixels" means nothing without "Video cameras incorporating solid-state
sensors" above it). The CCL heading-and-licence parsers stay in
:mod:`hsguard.export_control_reference`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polars as pl

from hsguard.export_control_reference import ccl_entries, ccl_entry_items, decontrol_note_items

PARAGRAPH_SCHEMA: dict[str, Any] = {
    "eccn": pl.Utf8,
    "paragraph": pl.Utf8,
    "parent_paragraph": pl.Utf8,
    "depth": pl.Int32,
    "own_text": pl.Utf8,
    "path_text": pl.Utf8,
    "_row_number": pl.Int64,
}

_ECCN = re.compile(r"^\d[A-E]\d{3}$")
_WHITESPACE = re.compile(r"\s+")
_EU_LINE = re.compile(r"^(\d[A-E]\d{3}(?:\.[a-z0-9]+)*)\.?\s+(.*)$")
_EXCLUSION = re.compile(r"\bdoes not (?:control|apply to)\b[^.]*\bfollowing\b", re.I)
_EXCLUSION_NOTE = re.compile(r"\bdoes not (?:control|apply)\b|\bnot controlled\b|\bexcludes?\b", re.I)
_NOTE = re.compile(r"^(?:Technical\s+)?Notes?\b|^N\.B\.", re.I)
#: Paragraphs with no text of their own beyond this are not worth a row.
_RESERVED = re.compile(r"^(?:\[reserved\]|not used;?|through [a-z]\. \[reserved\]\.?)$", re.I)


def _squash(text: Any) -> str:
    return _WHITESPACE.sub(" ", str(text or "")).strip()


def _parent(paragraph: str | None, known: set[str]) -> str | None:
    """Nearest ancestor code present in ``known`` ('3A001.b.2.a' -> '3A001.b.2'), else None."""
    if paragraph is None:
        return None
    parts = paragraph.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:cut])
        if candidate in known:
            return candidate
    return None


def _rows_with_paths(
    eccn: str, paragraphs: list[tuple[str | None, str, bool]], row_start: int
) -> list[dict[str, Any]]:
    """(paragraph code or None for the heading, text, is a note) in source order -> rows.

    A paragraph's ``own_text`` is its text and its notes; its ancestors contribute their text
    without their notes to ``path_text`` (a note on 6A003.b says nothing about 6A003.b.4).
    """
    own: dict[str | None, str] = {}
    item: dict[str | None, str] = {}
    order: list[str | None] = []
    for code, text, is_note in paragraphs:
        if is_note and _EXCLUSION_NOTE.search(text):
            continue  # what an entry does not control is no wording of what it controls
        if code in own:
            own[code] = f"{own[code]} {text}".strip()
            if not is_note:
                item[code] = f"{item[code]} {text}".strip()
        else:
            own[code] = text
            item[code] = "" if is_note else text
            order.append(code)
    known = {code for code in order if code is not None}
    rows = []
    for position, code in enumerate(order):
        parent = _parent(code, known)
        chain: list[str] = []
        ancestor = parent
        while ancestor is not None:
            chain.append(item[ancestor])
            ancestor = _parent(ancestor, known)
        if code is not None and None in own:
            chain.append(item[None])
        text = own[code]
        if not text or _RESERVED.match(text):
            continue
        rows.append(
            {
                "eccn": eccn,
                "paragraph": code,
                "parent_paragraph": parent if parent is not None else (eccn if code is not None else None),
                "depth": 0 if code is None else len(code.split(".")) - 1,
                "own_text": text,
                "path_text": " ".join([*reversed(chain), text]).strip(),
                "_row_number": row_start + position,
            }
        )
    return rows


def parse_ccl_paragraphs(path: Path, eu_annex_path: Path | None = None) -> pl.DataFrame:
    """CCL (``ccl.json``) -> one row per ECCN heading (``paragraph`` null) and item paragraph.

    The entries and their paragraphs are the licence side's
    (:func:`hsguard.export_control_reference.ccl_entries`: the records that merge two entries
    split, the supplement seed's entries; :func:`~hsguard.export_control_reference.ccl_entry_items`:
    the paragraph rule, with the "does not control" note items of ``eu_annex_path`` left out),
    so every paragraph here is a paragraph of ``ref_ccl_paragraphs``. A paragraph's text is that
    of its first item; a later item repeating a path already read is the list of a note ("a.
    ... b. ..." under "Technical Notes"), not the entry's, and is left out with the note, as is
    the list after an exclusion note ("does not control any of the following"). Other note,
    unit or definition texts are part of the paragraph they follow.

    ``paragraph`` is the full code (``3A001.b.2.a``); ``depth`` 0 for the heading, 1 for
    ``.a``; ``parent_paragraph`` the nearest ancestor row's code (the ECCN for a top-level
    paragraph, null for the heading).
    """
    decontrolled = decontrol_note_items(eu_annex_path) if eu_annex_path else {}
    rows: list[dict[str, Any]] = []
    for entry in ccl_entries(path):
        eccn = str(entry["eccn"])
        paragraphs: list[tuple[str | None, str, bool]] = [(None, _squash(entry.get("heading")), False)]
        seen: set[str] = set()
        current: str | None = None  # no paragraph yet: licence texts come before the items
        skipping = False  # inside a note's list
        for item in ccl_entry_items(entry, decontrolled.get(eccn, set())):
            text = _squash(item.text)
            if item.status == "listed":
                full = f"{eccn}.{item.paragraphs[0]}"
                if full in seen:  # a list inside a note repeats codes: not the entry's paragraphs
                    skipping = True
                    continue
                seen.add(full)
                skipping = False
                current = full
                paragraphs.append((full, text, False))
            elif item.status == "reserved":
                seen.update(f"{eccn}.{code}" for code in item.paragraphs)
                current, skipping = None, False  # nothing to add a note to
            elif current is not None and not skipping and text:
                if _EXCLUSION.search(text):
                    skipping = True
                    continue
                paragraphs.append((current, text, True))  # technical note, unit or definition text
        rows += _rows_with_paths(eccn, paragraphs, len(rows) + 1)
    return pl.DataFrame(rows, schema=PARAGRAPH_SCHEMA)


def parse_eu_annex_i_paragraphs(path: Path) -> pl.DataFrame:
    """EU dual-use Annex I (Reg. 2021/821, verbatim) -> one row per numbered paragraph.

    ``eccn`` is the Annex I entry code (same numbering family as the CCL where both implement
    the same multilateral control); ``paragraph`` null for the entry's first line (its
    heading), else the full code (``6A003.b.4.a``).
    """
    entries = json.loads(Path(path).read_text(encoding="utf-8-sig"))["entries"]
    rows: list[dict[str, Any]] = []
    for entry in entries:
        eccn = str(entry.get("entry_code") or "").strip()
        if not _ECCN.match(eccn):
            raise ValueError(f"{Path(path).name}: malformed Annex I entry {eccn!r}")
        paragraphs: list[tuple[str | None, str, bool]] = []
        for line in str(entry.get("verbatim_text") or "").splitlines():
            match = _EU_LINE.match(line.strip())
            if not match:
                continue
            code, text = match.group(1), _squash(match.group(2))
            if not code.startswith(eccn) or text.upper().startswith("N.B."):
                continue
            paragraphs.append((None if code == eccn else code, text, bool(_NOTE.match(text))))
        rows += _rows_with_paths(eccn, paragraphs, len(rows) + 1)
    return pl.DataFrame(rows, schema=PARAGRAPH_SCHEMA)


DEFINITION_SCHEMA: dict[str, Any] = {
    "term": pl.Utf8,
    "definition": pl.Utf8,
    "_row_number": pl.Int64,
}

#: A definition line: the term in double quotation marks, then the categories (and any
#: qualifier) in brackets: '"Bias" (gyro) (7) means ...'.
_DEFINITION_LINE = re.compile(r'^"([^"]+)"\s*((?:\([^)]*\)\s*)*)(.*)$')
#: The end of a definition's first sentence: a full stop after a letter, a bracket or a
#: quotation mark, then a space or the end ("0,25 seconds." ends, "ISO 230-2:2014 or" not).
_SENTENCE_END = re.compile(r'(?<=[A-Za-z)"\'])\.(?:\s|$)')
_QUOTED = re.compile(r'"([^"]+)"')
#: Lines of the definitions that are no definition of their own.
_CROSS_REFERENCE = re.compile(r"^see\b|\s-\s*see\b|^is equivalent to\b", re.I)


def parse_eu_annex_i_definitions(path: Path) -> pl.DataFrame:
    """EU Annex I "Definitions of terms used in this Annex" -> one row per defined term.

    ``term`` as the Annex writes it between double quotation marks ("Spacecraft"),
    ``definition`` the first sentence of its definition, the categories in brackets left
    out ('means a craft designed to operate in, persist in or transit through space in the
    form of a "satellite", "space probe", or "space vehicle"'). N.B. lines, technical notes
    and the items of a list that follows a definition are not read; a line that only points
    to another term ('"APP" (4) is equivalent to "Adjusted Peak Performance"', '"Spread
    spectrum" radar (6) - see ...') is no definition. A term defined twice ("Bias" of an
    accelerometer and of a gyro) has two rows; so has a term with the short form the Annex
    gives it in brackets ("Unmanned Aerial Vehicle" and "UAV", one definition).
    """
    docs = json.loads(Path(path).read_text(encoding="utf-8-sig")).get("docs") or []
    texts = [
        str(doc.get("verbatim_text") or "") for doc in docs if doc.get("doc_type") == "definitions_annex"
    ]
    if len(texts) != 1:
        raise ValueError(f"{Path(path).name}: expected one 'definitions_annex' document, found {len(texts)}")
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(texts[0].splitlines(), start=1):
        match = _DEFINITION_LINE.match(line.strip())
        if not match:
            continue
        rest = _squash(match.group(3)).lstrip(" ,")
        if not rest or _CROSS_REFERENCE.search(rest):
            continue
        end = _SENTENCE_END.search(rest)
        definition = rest[: end.start()] if end else rest
        # the term and the short form the Annex gives it in brackets ('"Unmanned Aerial
        # Vehicle" ("UAV") (9) means ...'): both are written in the entries
        for term in [match.group(1), *_QUOTED.findall(match.group(2))]:
            rows.append({"term": _squash(term), "definition": definition, "_row_number": number})
    return pl.DataFrame(rows, schema=DEFINITION_SCHEMA)
