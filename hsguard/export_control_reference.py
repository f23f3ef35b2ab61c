"""Parsers for the bundled export-control and screening reference data into tidy Polars frames.

Same contract as :mod:`hsguard.reference`: one pure function per published file (no Prefect,
no database), every code kept as a string, and ``_row_number`` (Int64) giving the 1-based
position of the record in its source. Problems in the data are handled here, never by
editing the files (see ``data/reference/README.md`` for provenance).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pycountry

from hsguard.paths import PROJECT_ROOT

# --------------------------------------------------------------------------- shared helpers

#: Reasons for control that can head a CCL licence-requirement line.
REASON_CODES: tuple[str, ...] = tuple("NS MT NP CB CW RS CC AT EI SL FC UN SS SI".split())
#: Reasons that have Commerce Country Chart columns.
CHART_REASONS: tuple[str, ...] = ("CB", "NP", "NS", "MT", "RS", "FC", "CC", "AT")

_REASON_ALT = "|".join(REASON_CODES)
_CHART_ALT = "|".join(CHART_REASONS)
_LEADING_REASON = re.compile(rf"^\s*({_REASON_ALT})\b")
_REASON_APPLIES = re.compile(rf"\b({_REASON_ALT})\s+appl(?:y|ies)\b")
_CHART_COLUMN = re.compile(rf"\b({_CHART_ALT})\s*[Cc]olumn\s*(\d)\b")
_BARE_COLUMN = re.compile(r"^\s*[Cc]olumn\s*(\d)\b")
_ENTIRE_ENTRY = re.compile(r"\bappl(?:y|ies)\s+(?:to\s+)?(?:the\s+)?entire\s+entry\b")
_EXCEPT_AFTER = re.compile(r"^\s*[,:;]?\s*except\b", re.I)
_LIMITING = re.compile(r"\bappl(?:y|ies)\s+(?:only\s+)?(?:to\b|[\u201c\"'(]|\d[A-E]\d{3})")
_PARAGRAPH_REF = re.compile(r"\b\d[A-E]\d{3}\.[a-z0-9]|\bparagraphs?\s+\(?\.?[a-z]\b")
_ECCN = re.compile(r"^\d[A-E]\d{3}$")
_ISO2 = re.compile(r"^[A-Z]{2}$")
_WHITESPACE = re.compile(r"\s+")


def _load_json(path: Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8-sig"))


def _squash(text: str | None) -> str | None:
    """Collapse runs of whitespace; empty text becomes ``None``."""
    if text is None:
        return None
    squashed = _WHITESPACE.sub(" ", str(text)).strip()
    return squashed or None


def _frame(rows: list[dict[str, Any]], schema: Mapping[str, pl.DataType | type[pl.DataType]]) -> pl.DataFrame:
    """Rows -> frame with exactly ``schema`` (also when there are no rows)."""
    return pl.DataFrame(rows, schema=dict(schema))


# --------------------------------------------------------------------------- CCL (EAR Part 774 Supp. 1)


@dataclass(frozen=True)
class _RequirementLine:
    control_text: str | None
    chart_text: str | None
    reason_code: str | None
    chart_columns: str | None
    applies_to_paragraphs: bool


def _chart_columns(chart_text: str | None, reason: str | None) -> list[str]:
    """Country Chart columns named in a line, normalised to ``NS1``; a bare ``Column 1.`` takes the reason."""
    if not chart_text:
        return []
    columns = [f"{m.group(1)}{m.group(2)}" for m in _CHART_COLUMN.finditer(chart_text)]
    bare = _BARE_COLUMN.match(chart_text)
    if not columns and bare and reason in CHART_REASONS:
        columns = [f"{reason}{bare.group(1)}"]
    return list(dict.fromkeys(columns))


def _applies_to_paragraphs(control_text: str | None) -> bool:
    """True when the reason is limited to part of the entry (named paragraphs, items, or an exception)."""
    if not control_text:
        return False
    entire = _ENTIRE_ENTRY.search(control_text)
    if entire:
        return bool(_EXCEPT_AFTER.match(control_text[entire.end() :]))
    return bool(_LIMITING.search(control_text) or _PARAGRAPH_REF.search(control_text))


def _split_merged(control: str, chart: str | None) -> list[tuple[str, str | None]]:
    """Split a source row that merged two requirement lines (1A231: ``NP Column 1 AT Column 1``).

    Only splits when the control text starts with a reason, names several reasons each
    followed by "applies", and the chart text names exactly one column per reason, in the
    same order; otherwise the line is kept as it is.
    """
    starts = list(_REASON_APPLIES.finditer(control))
    columns = list(_CHART_COLUMN.finditer(chart or ""))
    if (
        chart is None
        or control == chart
        or len(starts) < 2
        or starts[0].start() != 0
        or len(columns) != len(starts)
        or [m.group(1) for m in starts] != [m.group(1) for m in columns]
    ):
        return [(control, chart)]
    cut_control = [m.start() for m in starts] + [len(control)]
    cut_chart = [m.start() for m in columns] + [len(chart)]
    return [
        (control[a:b].strip(), chart[c:d].strip())
        for a, b, c, d in zip(cut_control, cut_control[1:], cut_chart, cut_chart[1:], strict=False)
    ]


def _requirement_lines(entry: Mapping[str, Any]) -> Iterator[_RequirementLine]:
    """The licence-requirement lines of one CCL entry, cleaned (see parse_ccl_license_requirements)."""
    for raw in entry.get("countryChart") or []:
        control = _squash(raw.get("control"))
        chart = _squash(raw.get("countryChart"))
        if raw.get("requirementCellEmptyInSource"):
            chart = None  # the builder copied the control text into an empty source cell
        pieces = _split_merged(control, chart) if control else [(control, chart)]
        for control_text, chart_text in pieces:
            leading = _LEADING_REASON.match(control_text or "")
            reason = leading.group(1) if leading else None
            columns = _chart_columns(chart_text, reason)
            if reason is None and len({c[:2] for c in columns}) == 1:
                reason = columns[0][:2]
            yield _RequirementLine(
                control_text=control_text,
                chart_text=chart_text,
                reason_code=reason,
                chart_columns=",".join(columns) or None,
                applies_to_paragraphs=_applies_to_paragraphs(control_text),
            )


#: Entries authored from the eCFR text where the bundled file lost them (a seed: see
#: ``seeds/_seeds.yml``); read by the loader so that they go through the same parsers.
CCL_SUPPLEMENT_PATH = PROJECT_ROOT / "seeds" / "ccl_entry_supplement.csv"

_LICENSE_REQUIREMENTS = " License Requirements "
#: The start of the next entry inside a merged record: "... reading. 2B352 Equipment ...".
_NEXT_ENTRY = re.compile(r"[.;]\s+(\d[A-E]\d{3})\s+(?=[\u201c\"A-Z])")


def _split_merged_entry(entry: Mapping[str, Any], known: set[str]) -> list[dict[str, Any]] | None:
    """A record that merges two CCL entries -> [first, second], else None.

    In the bundled ccl.json three records (0D606, 2B351, 3E001) carry in their ``heading`` the
    whole text of their own entry (licence requirements, exceptions, items) followed by the
    heading of the next entry (0D614, 2B352, 3E002), and their structured fields
    (``reasonForControl``, ``countryChart``, ``licenceExceptionFlags``, ``relatedControls``,
    ``items``) are those of that next entry. The next entry gets the structured fields; the
    first keeps its heading and is flagged ``_lost_fields`` (its own fields come from the
    supplement seed). Only a code that is not an entry of the file, after the first entry's
    "License Requirements", counts as the start of a merged entry.
    """
    heading = str(entry.get("heading") or "")
    cut = heading.find(_LICENSE_REQUIREMENTS)
    if cut < 0:
        return None
    starts = [
        m
        for m in _NEXT_ENTRY.finditer(heading, cut)
        if m.group(1) != entry["eccn"] and m.group(1) not in known
    ]
    if not starts:
        return None
    start = starts[-1]
    code = start.group(1)
    second = {
        **entry,
        "eccn": code,
        "category": code[0],
        "productGroup": code[1],
        "heading": heading[start.end() :].strip(),
    }
    first = {
        **entry,
        "heading": heading[:cut].strip(),
        "_lost_fields": True,
    }
    return [first, second]


def _supplement_entries(path: Path = CCL_SUPPLEMENT_PATH) -> dict[str, dict[str, Any]]:
    """The supplement seed (one row per field of an entry, in order) -> ccl.json-shaped entries."""
    if not Path(path).is_file():
        return {}
    entries: dict[str, dict[str, Any]] = {}
    frame = pl.read_csv(path, infer_schema=False).sort(["eccn", pl.col("position").cast(pl.Int64)])
    for row in frame.iter_rows(named=True):
        eccn = row["eccn"]
        entry = entries.setdefault(
            eccn,
            {
                "eccn": eccn,
                "category": eccn[0],
                "productGroup": eccn[1],
                "heading": None,
                "reasonForControl": None,
                "countryChart": [],
                "licenceExceptionFlags": {},
                "staSpecialConditions": None,
                "relatedControls": None,
                "items": [],
                "_supplement": True,
            },
        )
        field, key, value = row["field"], row["key"], row["value"]
        if field == "heading":
            entry["heading"] = value
        elif field == "reason_for_control":
            entry["reasonForControl"] = value
        elif field == "requirement":
            entry["countryChart"].append({"control": key, "countryChart": value})
        elif field == "licence_exception":
            entry["licenceExceptionFlags"][key] = value
            if key == "STA":
                entry["staSpecialConditions"] = f"STA: {value}"
        elif field == "related_controls":
            entry["relatedControls"] = value
        elif field == "item":
            entry["items"].append(
                {"paragraph": key, "kind": "item", "depth": len(key.split(".")), "text": value}
            )
        else:
            raise ValueError(f"{Path(path).name}: unknown field {field!r} for {eccn}")
    return entries


def ccl_entries(path: Path, supplement_path: Path = CCL_SUPPLEMENT_PATH) -> list[dict[str, Any]]:
    """The CCL entries of ``ccl.json``, with the records that merge two entries split
    (:func:`_split_merged_entry`) and the supplement seed's entries used where the file lacks
    an entry or lost its fields in a merge (an entry the file has whole is kept as it is)."""
    raw = _load_json(path)["entries"]
    for entry in raw:
        eccn = entry.get("eccn") or ""
        if not _ECCN.match(eccn):
            raise ValueError(f"{Path(path).name}: malformed ECCN {eccn!r}")
        if (entry.get("category"), entry.get("productGroup")) != (eccn[0], eccn[1]):
            raise ValueError(
                f"{Path(path).name}: {eccn} has category/productGroup that disagree with its ECCN"
            )
    known = {entry["eccn"] for entry in raw}
    entries: list[dict[str, Any]] = []
    for entry in raw:
        entries.extend(_split_merged_entry(entry, known) or [entry])
    supplement = _supplement_entries(supplement_path)
    present = {entry["eccn"] for entry in entries}
    result = []
    for entry in entries:
        authored = supplement.get(entry["eccn"])
        if authored is not None and entry.get("_lost_fields"):
            result.append(authored)
        else:
            result.append(entry)
    result.extend(authored for eccn, authored in supplement.items() if eccn not in present)
    return result


def _ccl_entries(path: Path) -> list[dict[str, Any]]:
    return ccl_entries(path)


def _licence_exception_summary(flags: Mapping[str, Any] | None) -> str | None:
    parts = [f"{symbol}: {_squash(str(value)) or ''}".rstrip() for symbol, value in (flags or {}).items()]
    return "; ".join(parts) or None


CCL_ECCN_SCHEMA: dict[str, Any] = {
    "eccn": pl.Utf8,
    "category": pl.Utf8,
    "product_group": pl.Utf8,
    "heading": pl.Utf8,
    "reasons_for_control": pl.Utf8,
    "reason_codes": pl.Utf8,
    "license_exceptions": pl.Utf8,
    "related_controls": pl.Utf8,
    "lvs_availability": pl.Utf8,
    "lvs_value_limit_usd": pl.Float64,
    "gbs_availability": pl.Utf8,
    "tsr_availability": pl.Utf8,
    "_row_number": pl.Int64,
}

_LVS_LIMIT = re.compile(r"^\$\s*([\d,]+)\.?$")


def exception_availability(flag: str | None) -> tuple[str | None, float | None]:
    """A list-based licence exception's entry in an ECCN ("LVS: $1500", "GBS: N/A", "TSR: Yes, except ...").

    -> (``yes`` / ``no`` / ``conditional`` / None when the entry does not list it, the LVS value
    limit in USD when the entry gives one plain amount). ``conditional``: the text limits the
    exception to some paragraphs, reasons or destinations, which hsguard does not evaluate.
    """
    text = _squash(flag)
    if text is None:
        return None, None
    if re.fullmatch(r"N/A\.?", text, re.I):
        return "no", None
    if re.fullmatch(r"Yes\.?", text, re.I):
        return "yes", None
    limit = _LVS_LIMIT.match(text)
    if limit:
        return "yes", float(limit.group(1).replace(",", ""))
    return "conditional", None


def parse_ccl_eccns(path: Path) -> pl.DataFrame:
    """CCL (``ccl.json``) -> one row per ECCN.

    ``reasons_for_control`` is the source's text (empty -> null); ``reason_codes`` lists the
    distinct reasons read from the licence-requirement lines in order (e.g. ``NS,RS,AT``),
    null when no line yields one; ``license_exceptions`` is ``"LVS: ...; GBS: ..."`` (null if none);
    ``lvs_availability``/``gbs_availability``/``tsr_availability`` and ``lvs_value_limit_usd``
    read those entries with :func:`exception_availability`.
    """
    rows = []
    for position, entry in enumerate(_ccl_entries(path), start=1):
        reasons = [line.reason_code for line in _requirement_lines(entry) if line.reason_code]
        flags = entry.get("licenceExceptionFlags") or {}
        lvs = exception_availability(flags.get("LVS"))
        rows.append(
            {
                "eccn": entry["eccn"],
                "category": entry["category"],
                "product_group": entry["productGroup"],
                "heading": _squash(entry.get("heading")),
                "reasons_for_control": _squash(entry.get("reasonForControl")),
                "reason_codes": ",".join(dict.fromkeys(reasons)) or None,
                "license_exceptions": _licence_exception_summary(entry.get("licenceExceptionFlags")),
                "related_controls": _squash(entry.get("relatedControls")),
                "lvs_availability": lvs[0],
                "lvs_value_limit_usd": lvs[1],
                "gbs_availability": exception_availability(flags.get("GBS"))[0],
                "tsr_availability": exception_availability(flags.get("TSR"))[0],
                "_row_number": position,
            }
        )
    return _frame(rows, CCL_ECCN_SCHEMA)


# --------------------------------------------------------------------------- CCL requirement scope and rules

_SEG = r"(?:[a-z]|\d{1,2})"
_PATH = rf"{_SEG}(?:\.{_SEG})*"
_ANY_ECCN = re.compile(r"\b(\d[A-E]\d{3})\b")
_SCOPE_HEAD = re.compile(rf"^\s*(?:{_REASON_ALT})\s+appl(?:y|ies)\s*(?:only\s+)?(?:to\s+)?(?:only\s+)?", re.I)
_SCOPE_ENTIRE = re.compile(r"^(?:the\s+)?entire\s+entry\b\s*[,:;]?\s*", re.I)
_SCOPE_EXCEPT = re.compile(r"^(?:except|other\s+than)\b\s*(?:for\b)?\s*:?\s*", re.I)
#: Words that only connect paragraph references ("paragraphs .a and .b of this entry only").
_SCOPE_FILLER = re.compile(
    r"\b(?:and|or|only|of|this|entry|paragraphs?|items?|controlled|by|in|specified|the|to|through|"
    r"commodities|equipment|software|technology|as|well)\b|[,;:.()\u201c\u201d\"'\s]",
    re.I,
)
#: Paragraph-range words: "a.1 to a.3", "k to n", "a.1 through a.8".
_RANGE = re.compile(rf"(?<![\w.])\.?({_PATH})\s+(?:to|through)\s+\.?({_PATH})(?![\w])")


_OTHER = "<another ECCN>"
_COLUMN_WORDS = re.compile(rf"\b(?:{_CHART_ALT})?\s*[Cc]olumn\s*\d\b\.?")


@dataclass(frozen=True)
class RequirementScope:
    """The paragraph scope of one licence-requirement line.

    ``kind``: ``entire`` (the whole entry, less ``excludes``), ``paragraphs`` (only ``covers``,
    less ``excludes``) or ``condition`` (no paragraph of the entry is named: the line depends
    on parameters, end use or other entries). ``is_conditional``: the text adds a condition the
    paragraph alone cannot decide (technical parameters, "for use in ...", another ECCN).
    ``excludes_if``: paragraphs excluded only under a condition ("9A610.x if being exported
    for use in an aircraft controlled in 9A610.b").
    """

    kind: str
    covers: tuple[str, ...]
    excludes: tuple[str, ...]
    is_conditional: bool
    excludes_if: tuple[str, ...] = ()


def _continue_path(previous: str | None, token: str) -> str:
    """A paragraph written relative to the previous one (``d.15`` + ``.16`` -> ``d.16``).

    A token of several levels starting with a letter is absolute (``.a.11``); a lone letter
    replaces the deepest letter level of the previous path, a lone number the deepest number.
    """
    if previous is None or "." in token or token[0].isalpha() and "." not in previous:
        return token
    levels = previous.split(".")
    wanted_digit = token.isdigit()
    for depth in range(len(levels) - 1, -1, -1):
        if levels[depth].isdigit() == wanted_digit:
            return ".".join(levels[:depth] + [token])
    return token


def _expand_range(first: str, last: str) -> list[str] | None:
    """``a.1``..``a.3`` -> a.1, a.2, a.3; ``k``..``n`` -> k, l, m, n (same parent and level only)."""
    a, b = first.split("."), last.split(".")
    if len(b) == 1 and len(a) > 1:
        b = a[:-1] + b
    if len(a) != len(b) or a[:-1] != b[:-1]:
        return None
    x, y = a[-1], b[-1]
    if x.isdigit() and y.isdigit() and int(x) <= int(y):
        values = [str(n) for n in range(int(x), int(y) + 1)]
    elif x.isalpha() and y.isalpha() and len(x) == len(y) == 1 and x <= y:
        values = [chr(c) for c in range(ord(x), ord(y) + 1)]
    else:
        return None
    return [".".join(a[:-1] + [v]) for v in values]


def _paragraph_refs(text: str, eccn: str) -> tuple[list[str], str]:
    """The entry's own paragraphs named in ``text`` (absolute paths) and the text left over.

    References are ``<ECCN>.b.2``, ``.x`` / ``b.3`` / ``e`` continuing a list, or the word
    ``paragraph(s)`` followed by one. Mentions of other ECCNs are left in the remainder.
    """
    text = re.sub(r"\b(?:e\.g|i\.e)\.,?", " ", text)  # "( e.g., ...)" is no paragraph
    text = re.sub(r"(?<=[A-Za-z0-9])\.\s+(?=[a-z0-9]{1,2}\b)", ".", text)  # "8A620. b", "z. 1.b"
    text = re.sub(rf"\b{eccn}\s+\.", f"{eccn}.", text)  # "9A004 .g"
    refs: list[str] = []
    rest: list[str] = []
    position = 0
    previous: str | None = None
    token_re = re.compile(
        rf"\b{eccn}\.({_PATH})(?![\w])"  # own ECCN with a paragraph
        rf"|\b(\d[A-E]\d{{3}}(?:\.{_PATH})?)(?![\w])"  # another ECCN (or this one without a paragraph)
        rf"|(?:(?<=paragraph )|(?<=paragraphs ))\.?({_PATH})(?![\w])"
        rf"|(?<![\w.])\.({_PATH})(?![\w])"  # ".x"
        rf"|(?<![\w.])({_SEG}\.{_PATH})(?![\w])"  # "b.3", "e.1"
        rf"|(?<![\w.])([a-z])(?![\w.])"  # a lone letter: only right after a reference
    )
    for match in token_re.finditer(text):
        own, other, after_word, dotted, multi, lone = match.groups()
        between = text[position : match.start()]
        if other is not None:
            # another entry's paragraphs: what continues its list is not this entry's
            previous = _OTHER if other[:5] != eccn else None
            continue
        if previous is _OTHER and own is None and after_word is None:
            continue
        if lone is not None and (
            previous is None or not re.fullmatch(r"[\s,]*(?:,?\s*(?:and|or)\s+)?", between)
        ):
            continue
        rest.append(between)
        token = own or after_word or dotted or multi or lone
        path = token if own or after_word else _continue_path(previous, token)
        if own is None and after_word is None and previous is None and (dotted is None or token[0].isdigit()):
            # "b.3" with nothing before it is not known to be this entry's paragraph
            rest.append(match.group(0))
            position = match.end()
            continue
        range_match = re.match(r"\s+(?:to|through)\s+\.?(" + _PATH + r")(?![\w])", text[match.end() :])
        if range_match:
            last = (
                _continue_path(path, range_match.group(1))
                if "." not in range_match.group(1)
                else range_match.group(1)
            )
            expanded = _expand_range(path, last)
            if expanded:
                refs.extend(expanded)
                previous = expanded[-1]
                position = match.end() + range_match.end()
                continue
        refs.append(path)
        previous = path
        position = match.end()
    rest.append(text[position:])
    # a paragraph path starts with a letter (numbers such as "22.5 mm" are not paragraphs)
    return [r for r in dict.fromkeys(refs) if r[0].isalpha()], " ".join(rest)


def parse_requirement_scope(control_text: str | None, eccn: str) -> RequirementScope:
    """Read which paragraphs of ``eccn`` a licence-requirement line's control text applies to.

    "NS applies to entire entry" -> entire; "... entire entry except 0A501.y" -> entire less y;
    "RS applies to 3A090.a" -> paragraphs (a); "5A001.b (except .b.5), .c" -> b, c less b.5;
    "MT applies to items that meet or exceed the parameters of 1C101" -> condition.
    Hierarchy: a listed paragraph covers everything under it (``b.2`` covers ``b.2.a``).
    """
    text = _squash(control_text) or ""
    first_sentence = re.split(r"(?<=[a-z0-9)”\"])\.\s+(?:Note\b|[A-Z][a-z])", text, maxsplit=1)[0]
    body = _SCOPE_HEAD.sub("", first_sentence, count=1).strip()
    if not _SCOPE_HEAD.match(first_sentence) and not body:
        return RequirementScope("condition", (), (), True)
    entire = _SCOPE_ENTIRE.match(body)
    if entire:
        remainder = _COLUMN_WORDS.sub("", body[entire.end() :])
        remainder = re.sub(r"\((?:refer|see)\b[^)]*\)", " ", remainder, flags=re.I)
        if not remainder.strip(" .,;"):
            return RequirementScope("entire", (), (), False)
        exception = _SCOPE_EXCEPT.match(remainder)
        if not exception:
            return RequirementScope("entire", (), (), True)
        # "except: 9A610.b; parts ... in 9A610.x if ...; and 9A610.y": each listed exclusion
        # on its own; one carrying a condition only excludes under that condition
        firm: list[str] = []
        conditional_refs: list[str] = []
        unattached_condition = False
        for segment in re.split(r";|,\s*and\b", remainder[exception.end() :]):
            segment_refs, rest = _paragraph_refs(segment, eccn)
            has_condition = bool(_SCOPE_FILLER.sub("", rest)) or bool(_ANY_ECCN.search(rest))
            if segment_refs and has_condition:
                conditional_refs += segment_refs
            elif segment_refs:
                firm += segment_refs
            elif has_condition:
                unattached_condition = True
        if not firm and not conditional_refs:
            return RequirementScope("condition", (), (), True)
        return RequirementScope(
            "entire",
            (),
            tuple(dict.fromkeys(firm)),
            unattached_condition,
            tuple(r for r in dict.fromkeys(conditional_refs) if r not in firm),
        )
    # "b (except .b.5)" inside a list: exclusions in parentheses
    excludes: list[str] = []
    covers_text = body
    inner_conditional = False
    for inner in re.finditer(r"\(\s*except\s+([^)]*)\)", body):
        head_refs, _ = _paragraph_refs(body[: inner.start()], eccn)
        prefix = f"{eccn}.{head_refs[-1]} " if head_refs else ""
        inner_refs, inner_rest = _paragraph_refs(prefix + inner.group(1), eccn)
        excludes.extend(inner_refs[1:] if head_refs else inner_refs)
        inner_conditional |= bool(_SCOPE_FILLER.sub("", inner_rest)) or bool(_ANY_ECCN.search(inner_rest))
        covers_text = covers_text.replace(inner.group(0), " ")
    refs, rest = _paragraph_refs(covers_text, eccn)
    if not refs:
        return RequirementScope("condition", (), tuple(excludes), True)
    conditional = inner_conditional or bool(_SCOPE_FILLER.sub("", rest)) or bool(_ANY_ECCN.search(rest))
    return RequirementScope("paragraphs", tuple(refs), tuple(dict.fromkeys(excludes)), conditional)


# Destinations named in licence-requirement lines that point outside the chart, and rules.
_CITATION = re.compile(r"§+\s*(\d{3}\.\d+(?:\([a-z0-9]+\))*)")
_GROUP = re.compile(r"\b([A-E]:\d)\b")
#: EAR names a requirement line can name as destinations (the chart's own spelling or alias).
_RULE_DESTINATIONS: dict[str, str] = {
    "United Arab Emirates": "AE",
    "Macau": "MO",
    "Iraq": "IQ",
    "Pakistan": "PK",
    "North Korea": "KP",
    "China": "CN",
    "Russia": "RU",
    "Venezuela": "VE",
    "Canada": "CA",
}


@dataclass(frozen=True)
class DestinationRule:
    """What a requirement line that names no Country Chart column requires, by destination.

    ``kind``: ``worldwide`` (every destination less ``excluded``), ``destinations`` (the
    ``destinations`` named and the members of ``groups``, less members of ``excluded_groups``),
    ``un_embargo`` (§ 746.1(b): the bundled UN arms-embargo destinations), ``russia_belarus``
    (§ 746.8), ``not_applicable`` ("N/A."), ``see_rule`` (a rule the data cannot evaluate).
    """

    kind: str
    destinations: tuple[str, ...]
    excluded: tuple[str, ...]
    groups: tuple[str, ...]
    excluded_groups: tuple[str, ...]
    citation: str | None


def parse_destination_rule(chart_text: str | None, reason_code: str | None) -> DestinationRule:
    """Read the rule of a licence-requirement line that names no Country Chart column.

    Wordings found in the bundled CCL: "Worldwide control. See § 742.4(a)(5) ...", "To or within
    any destination worldwide", "A license is required for all destinations, as specified in
    § 742.13", "ALL destinations, except Canada", "Refer to § 742.15" (EI: every destination
    except Canada, § 742.15(a)), "See § 746.1(b) for UN controls", "See § 746.8",
    "China, Russia, or Venezuela (see § 742.6(a)(7))", "To or within Macau or ... Country Group
    D:5", "... United Arab Emirates or ... D:1, D:4, and D:5 ..., excluding ... A:5 or A:6",
    "... to Iraq or Pakistan ...", "... to North Korea ...".
    """
    text = _squash(chart_text) or ""
    citations = _CITATION.findall(text)
    citation = f"§ {citations[0]}" if citations else None
    lowered = text.casefold()
    if not text:
        return DestinationRule("see_rule", (), (), (), (), None)
    if lowered.rstrip(".") == "n/a":
        return DestinationRule("not_applicable", (), (), (), (), None)
    if "742.15" in text or reason_code == "EI":
        return DestinationRule("worldwide", (), ("CA",), (), (), "§ 742.15")
    if re.search(r"\b(746|764)\.1\b", text) and ("un controls" in lowered or reason_code == "UN"):
        return DestinationRule("un_embargo", (), (), (), (), "§ 746.1(b)")
    if "746.8" in text:
        return DestinationRule("russia_belarus", ("RU", "BY"), (), (), (), "§ 746.8")
    split = re.search(r"\b(?:excluding|except)\b", text)
    head, tail = (text[: split.start()], text[split.end() :]) if split else (text, "")
    worldwide = re.search(r"worldwide|\ball destinations\b", head, re.I)
    named = tuple(code for name, code in _RULE_DESTINATIONS.items() if re.search(rf"\b{name}\b", head))
    excluded_named = tuple(
        code for name, code in _RULE_DESTINATIONS.items() if re.search(rf"\b{name}\b", tail)
    )
    groups = tuple(dict.fromkeys(_GROUP.findall(head)))
    excluded_groups = tuple(dict.fromkeys(_GROUP.findall(tail)))
    if worldwide:
        return DestinationRule("worldwide", (), excluded_named, (), excluded_groups, citation)
    if named or groups:
        return DestinationRule("destinations", named, excluded_named, groups, excluded_groups, citation)
    return DestinationRule("see_rule", (), (), (), (), citation)


CCL_REQUIREMENT_SCHEMA: dict[str, Any] = {
    "eccn": pl.Utf8,
    "line_number": pl.Int32,
    "reason_code": pl.Utf8,
    "control_text": pl.Utf8,
    "chart_text": pl.Utf8,
    "chart_columns": pl.Utf8,
    "points_elsewhere": pl.Boolean,
    "applies_to_paragraphs": pl.Boolean,
    "scope_kind": pl.Utf8,
    "is_scope_conditional": pl.Boolean,
    "rule_kind": pl.Utf8,
    "rule_destinations": pl.Utf8,
    "rule_excluded_destinations": pl.Utf8,
    "rule_groups": pl.Utf8,
    "rule_excluded_groups": pl.Utf8,
    "rule_citation": pl.Utf8,
    "_row_number": pl.Int64,
}


def parse_ccl_license_requirements(path: Path) -> pl.DataFrame:
    """CCL licence-requirement table -> one row per line (``countryChart[]``) per ECCN.

    ``chart_columns`` are the Country Chart columns the line names (``NS1``, ``NP1,AT1``);
    null with ``points_elsewhere`` true when it names none ("worldwide", Country Groups,
    Part 746, "N/A."). Source fixes: 1A231's merged row (``NP ... AT ...``) is split into
    two lines; 1C351's bare ``Column 1.`` is read with its reason (``AT1``); a cell the
    source flags ``requirementCellEmptyInSource`` (1D018) gets a null ``chart_text``.
    ``reason_code`` is the leading reason of the control text (null for e.g. "Russian
    industry sector sanctions"). ``_row_number`` is the ECCN's entry position.
    Scope (:func:`parse_requirement_scope`): ``scope_kind`` entire / paragraphs / condition
    and ``is_scope_conditional``; the paragraphs are in :func:`parse_ccl_requirement_scopes`.
    A line naming no column carries its rule (:func:`parse_destination_rule`): ``rule_kind``,
    the destinations (ISO-2) and Country Groups it names or excludes (comma-separated), and
    ``rule_citation``; lines with chart columns have a null ``rule_kind``.
    """
    rows = []
    for position, entry in enumerate(_ccl_entries(path), start=1):
        for number, line in enumerate(_requirement_lines(entry), start=1):
            scope = parse_requirement_scope(line.control_text, entry["eccn"])
            rule = (
                parse_destination_rule(line.chart_text, line.reason_code)
                if line.chart_columns is None
                else None
            )
            rows.append(
                {
                    "eccn": entry["eccn"],
                    "line_number": number,
                    "reason_code": line.reason_code,
                    "control_text": line.control_text,
                    "chart_text": line.chart_text,
                    "chart_columns": line.chart_columns,
                    "points_elsewhere": line.chart_columns is None,
                    "applies_to_paragraphs": line.applies_to_paragraphs,
                    "scope_kind": scope.kind,
                    "is_scope_conditional": scope.is_conditional,
                    "rule_kind": rule.kind if rule else None,
                    "rule_destinations": ",".join(rule.destinations) or None if rule else None,
                    "rule_excluded_destinations": ",".join(rule.excluded) or None if rule else None,
                    "rule_groups": ",".join(rule.groups) or None if rule else None,
                    "rule_excluded_groups": ",".join(rule.excluded_groups) or None if rule else None,
                    "rule_citation": rule.citation if rule else None,
                    "_row_number": position,
                }
            )
    return _frame(rows, CCL_REQUIREMENT_SCHEMA)


CCL_SCOPE_SCHEMA: dict[str, Any] = {
    "eccn": pl.Utf8,
    "line_number": pl.Int32,
    "relation": pl.Utf8,
    "paragraph": pl.Utf8,
    "_row_number": pl.Int64,
}


def parse_ccl_requirement_scopes(path: Path) -> pl.DataFrame:
    """The paragraphs each licence-requirement line names: one row per line and paragraph.

    ``relation`` is ``covers`` (the line applies to the paragraph and everything under it),
    ``excludes`` (the line does not apply to it) or ``excludes_if`` (it does not apply under a
    condition the line states, which the data cannot check); ``paragraph`` is the path below the
    ECCN (``b.2``, ``y``, ``z.1.a``). ``line_number`` matches parse_ccl_license_requirements;
    ``_row_number`` is the ECCN's entry position.
    """
    rows = []
    for position, entry in enumerate(_ccl_entries(path), start=1):
        for number, line in enumerate(_requirement_lines(entry), start=1):
            scope = parse_requirement_scope(line.control_text, entry["eccn"])
            for relation, paragraphs in (
                ("covers", scope.covers),
                ("excludes", scope.excludes),
                ("excludes_if", scope.excludes_if),
            ):
                rows.extend(
                    {
                        "eccn": entry["eccn"],
                        "line_number": number,
                        "relation": relation,
                        "paragraph": paragraph,
                        "_row_number": position,
                    }
                    for paragraph in paragraphs
                )
    frame = _frame(rows, CCL_SCOPE_SCHEMA)
    return frame.unique(
        subset=["eccn", "line_number", "relation", "paragraph"], keep="first", maintain_order=True
    )


CCL_PARAGRAPH_SCHEMA: dict[str, Any] = {
    "eccn": pl.Utf8,
    "paragraph": pl.Utf8,
    "status": pl.Utf8,
    "_row_number": pl.Int64,
}

_RESERVED = re.compile(r"^\[Reserved\]\.?$", re.I)
_RESERVED_RANGE = re.compile(r"^(?:to|through)\s+([a-z])\.\s*\[Reserved\]", re.I)
_TEXT_LABEL = re.compile(r"^([a-z](?:\.(?:\d{1,2}|[a-z]))+)\s")


_DECONTROL_NOTE = re.compile(r"does not (?:control|apply to)\b[^:]*:\s*(.*)", re.I)
_NOTE_ITEM = re.compile(r"(?:^|;|\.)\s*([a-z])\.\s+([^;]+)")


def _text_key(text: str) -> str:
    """The first 24 letters of a text, lower case: how a CCL item is matched to a note's item."""
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", text).casefold())[:24]


def decontrol_note_items(eu_annex_path: Path) -> dict[str, set[tuple[str, str]]]:
    """Per entry, the items of the EU Annex I notes that say what the entry does *not* control.

    Regulation (EU) 2021/821 Annex I uses the CCL's numbering and wording for these notes
    ("1C230 Note: 1C230 does not control the following: a. Metal windows ...; b. ..."), which
    the bundled ccl.json parses as if they were the entry's paragraphs. Keys: the item's letter
    and its `_text_key` (the letter keeps 1C010.e "Fully or partially resin impregnated ...
    fibrous or filamentary materials" apart from the note's item b, which opens alike).
    """
    notes: dict[str, set[tuple[str, str]]] = {}
    for entry in _load_json(eu_annex_path)["entries"]:
        for line in str(entry.get("verbatim_text") or "").splitlines():
            note = _DECONTROL_NOTE.search(line)
            if note and "Note" in line[: note.start()]:
                keys = {(m.group(1), _text_key(m.group(2))) for m in _NOTE_ITEM.finditer(" " + note.group(1))}
                notes.setdefault(str(entry["entry_code"]).strip(), set()).update(k for k in keys if k[1])
    return notes


def _is_note_item(item: Mapping[str, Any], text: str, decontrolled: set[tuple[str, str]]) -> bool:
    """Whether a CCL item is an item of the entry's "does not control" note (same letter and
    text key; a block that is no lettered item is matched on its text alone)."""
    key = _text_key(text)
    paragraph = item.get("paragraph")
    if item.get("kind") == "item" and paragraph:
        return (str(paragraph).rsplit(".", 1)[-1], key) in decontrolled
    return any(key == note_key for _, note_key in decontrolled)


def _marker(status: dict[str, str]) -> Callable[[str, str], None]:
    """Record a paragraph's status; ``listed`` wins over ``reserved``."""

    def mark(paragraph: str, value: str) -> None:
        if value == "listed" or paragraph not in status:
            status[paragraph] = value

    return mark


@dataclass(frozen=True)
class CclItem:
    """One block of an entry's ``items`` as the paragraph rule reads it.

    ``status`` ``listed`` (a paragraph of the entry, ``paragraphs`` its one path), ``reserved``
    (``paragraphs`` the reserved letters: "d" "to f. [Reserved]" is d, e, f) or ``text`` (a
    note, unit or definition text that is no paragraph: ``paragraphs`` empty). ``text`` is the
    block's text, without the leading path of a text block that opens with one ("z.1.b ...").
    """

    paragraphs: tuple[str, ...]
    status: str
    text: str


def ccl_entry_items(entry: Mapping[str, Any], decontrolled: set[tuple[str, str]]) -> Iterator[CclItem]:
    """The paragraph rule of the CCL: an entry's ``items`` (see :func:`ccl_entries`) in order.

    The one implementation read by both the licence side (:func:`parse_ccl_paragraphs`) and the
    ECCN-candidate texts (:func:`hsguard.eccn_texts.parse_ccl_paragraphs`). An item whose text is
    an item of the entry's "does not control" note (``decontrolled``, keys from
    :func:`decontrol_note_items`) is left out; an ``item`` with a paragraph is ``listed`` unless
    its text is "[Reserved]" or a reserved range; a ``text`` block opening with a path such as
    ``z.1.b`` is that paragraph.
    """
    for item in entry.get("items") or []:
        text = _squash(item.get("text")) or ""
        paragraph = item.get("paragraph")
        if _is_note_item(item, text, decontrolled):
            continue  # an item of a "does not control" note
        if item.get("kind") == "item" and paragraph:
            reserved_range = _RESERVED_RANGE.match(text)
            if _RESERVED.match(text):
                yield CclItem((paragraph,), "reserved", text)
            elif reserved_range and len(paragraph) == 1:
                letters = range(ord(paragraph), ord(reserved_range.group(1).lower()) + 1)
                yield CclItem(tuple(chr(code) for code in letters), "reserved", text)
            else:
                yield CclItem((paragraph,), "listed", text)
        elif item.get("kind") == "text" and (label := _TEXT_LABEL.match(text)):
            own = text[label.end() :].strip()
            yield CclItem((label.group(1),), "reserved" if _RESERVED.match(own) else "listed", own)
        elif text:
            yield CclItem((), "text", text)


def parse_ccl_paragraphs(path: Path, eu_annex_path: Path | None = None) -> pl.DataFrame:
    """The paragraphs of each CCL entry whose item text is bundled (categories 1, 3, 4, 5).

    One row per entry and paragraph path with ``status`` ``listed`` or ``reserved``, and one
    row per entry with an empty ``paragraph`` and ``status`` ``entry``. Read from
    the entry's ``items`` (``d`` "to f. [Reserved]" and "through y. [Reserved]" are ranges of
    reserved letters; a text block opening with a path such as ``z.1.b`` is that paragraph),
    every ancestor of a listed path, and the paragraphs the entry's own licence-requirement
    lines name. Notes are not paragraphs; with ``eu_annex_path``, items whose text is an item
    of a "does not control" note of the same entry in EU Annex I are dropped (ccl.json parses
    them as paragraphs: 1C230.a-c, 1C240.a-b). Entries without item text have no rows: their
    paragraphs cannot be checked.
    """
    decontrolled = decontrol_note_items(eu_annex_path) if eu_annex_path else {}
    rows: list[dict[str, Any]] = []
    for position, entry in enumerate(_ccl_entries(path), start=1):
        if not entry.get("items"):
            continue
        status: dict[str, str] = {}
        mark = _marker(status)
        for item in ccl_entry_items(entry, decontrolled.get(entry["eccn"], set())):
            for paragraph in item.paragraphs:
                mark(paragraph, item.status)
        for line in _requirement_lines(entry):
            scope = parse_requirement_scope(line.control_text, entry["eccn"])
            for paragraph in scope.covers + scope.excludes + scope.excludes_if:
                mark(paragraph, "listed")
        for paragraph in [p for p, v in status.items() if v == "listed"]:
            levels = paragraph.split(".")
            for depth in range(1, len(levels)):
                mark(".".join(levels[:depth]), "listed")
        # the entry itself: its paragraphs can be checked (1C230 has none left once its
        # decontrol note is set aside)
        rows.append({"eccn": entry["eccn"], "paragraph": "", "status": "entry", "_row_number": position})
        rows.extend(
            {"eccn": entry["eccn"], "paragraph": paragraph, "status": value, "_row_number": position}
            for paragraph, value in status.items()
        )
    return _frame(rows, CCL_PARAGRAPH_SCHEMA)


LICENCE_EXCEPTION_SCHEMA: dict[str, Any] = {
    "symbol": pl.Utf8,
    "title": pl.Utf8,
    "section": pl.Utf8,
    "_row_number": pl.Int64,
}


def parse_license_exceptions(path: Path) -> pl.DataFrame:
    """EAR Part 740 licence exceptions -> one row per symbol (``NAC`` and ``ACA`` share § 740.8)."""
    rows = [
        {
            "symbol": symbol,
            "title": _squash(item.get("title")),
            "section": item.get("sectionNumber"),
            "_row_number": i,
        }
        for i, item in enumerate(_load_json(path)["exceptions"], start=1)
        for symbol in item.get("symbols") or []
    ]
    return _frame(rows, LICENCE_EXCEPTION_SCHEMA)


# --------------------------------------------------------------------------- countries (EAR names -> ISO-2)

#: EAR spellings that pycountry cannot resolve (checked against country_chart_iso2.json).
_EAR_NAME_ISO2: dict[str, str] = {
    "brunei": "BN",
    "burma": "MM",
    "cape verde": "CV",
    "china (prc)": "CN",
    "congo (democratic republic of the)": "CD",
    "congo (democratic republic of)": "CD",
    "congo (republic of the)": "CG",
    "cote d'ivoire": "CI",
    "cote d'lvoire": "CI",  # sic: lower-case L in country_groups.json, group B
    "korea, north": "KP",
    "korea, south": "KR",
    "kosovo": "XK",  # user-assigned code, not in ISO 3166-1 / pycountry
    "macau": "MO",
    "micronesia (federated state of)": "FM",
    "russia": "RU",
    "seycheles": "SC",  # sic: the Country Chart's spelling
    "sint maarten (the dutch two-fifths of the island of saint martin)": "SX",
    "south sudan, republic of": "SS",
    "vatican city": "VA",
}


def _name_key(name: str) -> str:
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", name)).strip().casefold()


def _name_variants(name: str) -> list[str]:
    """Variants tried on pycountry: ``X, The``/``The X`` -> ``X``, ``&`` -> ``and``, ``St.`` -> ``Saint``."""
    variants = [name.strip()]
    trailing_the = re.match(r"^(.*),\s*The$", variants[0], re.I)
    if trailing_the:
        variants.append(trailing_the.group(1))
    if variants[0].lower().startswith("the "):
        variants.append(variants[0][4:])
    variants += [v.replace("&", "and") for v in variants if "&" in v]
    variants += [re.sub(r"^St\.?\s+", "Saint ", v) for v in variants if re.match(r"^St\.?\s", v)]
    return list(dict.fromkeys(_WHITESPACE.sub(" ", v).strip() for v in variants))


def ear_name_to_iso2(name: str, aliases: Mapping[str, str]) -> str:
    """EAR country name -> ISO-2 code.

    ``aliases`` maps a name (compared case-insensitively) either to an ISO-2 code (e.g. the
    ``earName``/``iso2`` pairs of ``country_chart_iso2.json``) or to another name (e.g. the
    chart's ``aliases``: ``"myanmar" -> "Burma"``), followed until a code is reached. Then
    the EAR spellings pycountry lacks, then pycountry. Raises ``ValueError`` naming the name.
    """
    lookup = {_name_key(k): v for k, v in aliases.items()}
    current, seen = name, set()
    while (key := _name_key(current)) in lookup and key not in seen:
        seen.add(key)
        target = lookup[key].strip()
        if _ISO2.match(target):
            return target
        current = target
    for candidate in _name_variants(current):
        if code := _EAR_NAME_ISO2.get(_name_key(candidate)):
            return code
        try:
            return str(pycountry.countries.lookup(candidate).alpha_2)
        except LookupError:
            continue
    raise ValueError(f"Cannot map EAR country name {name!r} to an ISO-2 code (add it to the aliases)")


def _country_name(iso2: str) -> str:
    country = pycountry.countries.get(alpha_2=iso2)
    return str(getattr(country, "common_name", None) or country.name) if country else iso2


def _chart_column(label: str) -> str:
    return _WHITESPACE.sub("", label).upper()


COUNTRY_CHART_SCHEMA: dict[str, Any] = {
    "iso2": pl.Utf8,
    "ear_name": pl.Utf8,
    "column_code": pl.Utf8,
    "is_licence_required": pl.Boolean,
    "is_embargoed": pl.Boolean,
    "footnotes": pl.Utf8,
    "note": pl.Utf8,
    "inherits_from_iso2": pl.Utf8,
    "_row_number": pl.Int64,
}

EMBARGOED_NOTE = "Embargoed: see EAR Part 746"


def parse_country_chart(
    path_names: Path, path_iso2: Path, *, include_inherited_territories: bool = True
) -> pl.DataFrame:
    """Commerce Country Chart (EAR Part 738 Supp. 1) -> one row per destination x chart column.

    Marks and footnotes come from ``country_chart.json`` (EAR names); ISO-2 codes from the
    ``earName``/``iso2`` pairs of ``country_chart_iso2.json``, then pycountry and the chart's
    aliases. The 4 embargoed destinations (Cuba, Iran, North Korea, Syria) have no marks and
    point to Part 746: every column is ``is_licence_required`` and ``is_embargoed`` (the iso2
    file's ``CB1`` for them is ignored). A graded cell where the iso2 file disagrees says so
    in ``note``. ``inherits_from_iso2`` comes from ``territoryInheritance`` (Liechtenstein ->
    CH on its own row); territories without a row of their own (Hong Kong -> CN, Cayman
    Islands -> GB) get a copy of the governing row unless ``include_inherited_territories``
    is false. ``_row_number``: 1-196 graded rows in source order, 197-200 embargoed rows,
    200 + position in ``territoryInheritance`` for copied territories.
    """
    chart = _load_json(path_names)
    iso_rows = _load_json(path_iso2)["rows"]
    aliases: dict[str, str] = dict(chart.get("aliases") or {})
    aliases.update({row["earName"]: row["iso2"] for row in iso_rows})
    columns = [_chart_column(c) for c in chart["columns"]]
    footnote_text = {str(k): _squash(v) for k, v in (chart.get("footnotes") or {}).items()}
    iso_marks = {row["iso2"]: {_chart_column(x) for x in row.get("x") or []} for row in iso_rows}

    def footnotes(numbers: list[Any]) -> str | None:
        return (
            " | ".join(f"{n}: {footnote_text.get(str(n)) or '(text missing in source)'}" for n in numbers)
            or None
        )

    inherit: dict[str, tuple[str, str, str]] = {}  # child iso2 -> (parent iso2, parent EAR name, basis)
    for child, rule in (chart.get("territoryInheritance") or {}).items():
        parent_name = rule["row"]
        inherit[ear_name_to_iso2(child, aliases)] = (
            ear_name_to_iso2(parent_name, aliases),
            parent_name,
            _squash(rule.get("basis")) or "",
        )

    rows: list[dict[str, Any]] = []
    by_iso: dict[str, list[dict[str, Any]]] = {}

    def add(iso2: str, ear_name: str, cells: list[dict[str, Any]]) -> None:
        if iso2 in by_iso:
            raise ValueError(
                f"Country Chart rows {by_iso[iso2][0]['ear_name']!r} and {ear_name!r} both map to {iso2}"
            )
        by_iso[iso2] = cells
        rows.extend(cells)

    position = 0
    for ear_name, cell in chart["countries"].items():
        position += 1
        iso2 = ear_name_to_iso2(ear_name, aliases)
        marks = {_chart_column(m) for m in cell.get("marks") or []}
        unknown = marks - set(columns)
        if unknown:
            raise ValueError(
                f"Country Chart row {ear_name!r} has marks outside the columns: {sorted(unknown)}"
            )
        parent = inherit.get(iso2)
        notes_base = [f"Governed by the entry for {parent[1]}: {parent[2]}"] if parent else []
        cells = []
        for column in columns:
            notes = list(notes_base)
            other = iso_marks.get(iso2)
            if other is not None and (column in other) != (column in marks):
                shown = "an X" if column in other else "no X"
                notes.append(f"country_chart_iso2.json shows {shown} in {column}")
            cells.append(
                {
                    "iso2": iso2,
                    "ear_name": ear_name,
                    "column_code": column,
                    "is_licence_required": column in marks,
                    "is_embargoed": False,
                    "footnotes": footnotes(cell.get("footnotes") or []),
                    "note": "; ".join(notes) or None,
                    "inherits_from_iso2": parent[0] if parent else None,
                    "_row_number": position,
                }
            )
        add(iso2, ear_name, cells)

    for ear_name, cell in (chart.get("embargoed") or {}).items():
        position += 1
        iso2 = ear_name_to_iso2(ear_name, aliases)
        pointer = _squash(cell.get("pointer"))
        note = f"{EMBARGOED_NOTE} ({pointer})" if pointer else EMBARGOED_NOTE
        add(
            iso2,
            ear_name,
            [
                {
                    "iso2": iso2,
                    "ear_name": ear_name,
                    "column_code": column,
                    "is_licence_required": True,
                    "is_embargoed": True,
                    "footnotes": footnotes(cell.get("footnotes") or []),
                    "note": note,
                    "inherits_from_iso2": None,
                    "_row_number": position,
                }
                for column in columns
            ],
        )

    if include_inherited_territories:
        for offset, (child_iso2, (parent_iso2, parent_name, basis)) in enumerate(inherit.items(), start=1):
            if child_iso2 in by_iso:
                continue
            if parent_iso2 not in by_iso:
                raise ValueError(
                    f"territoryInheritance points {child_iso2} to {parent_name!r}, which has no row"
                )
            note = f"No row of its own in the Country Chart; governed by the entry for {parent_name}: {basis}"
            rows.extend(
                {
                    **cell,
                    "iso2": child_iso2,
                    "ear_name": _country_name(child_iso2),
                    "note": f"{note}; {cell['note']}" if cell["note"] else note,
                    "inherits_from_iso2": parent_iso2,
                    "_row_number": len(chart["countries"]) + len(chart.get("embargoed") or {}) + offset,
                }
                for cell in by_iso[parent_iso2]
            )
    return _frame(rows, COUNTRY_CHART_SCHEMA)


COUNTRY_GROUP_SCHEMA: dict[str, Any] = {
    "iso2": pl.Utf8,
    "ear_name": pl.Utf8,
    "country_group": pl.Utf8,
    "note": pl.Utf8,
    "_row_number": pl.Int64,
}


def parse_country_groups(
    path_names: Path, path_iso2: Path, *, include_inherited_territories: bool = True
) -> pl.DataFrame:
    """EAR Part 740 Supp. 1 Country Groups -> one row per country and group membership.

    Memberships come from ``groups`` in ``country_groups.json`` (EAR names, mapped to ISO-2
    with its aliases, the EAR spellings and pycountry), cross-checked against the ISO-keyed
    ``country_groups_iso2.json``: a membership found in only one file is kept and flagged in
    ``note``. ``note`` also carries the group label and the file's notes (D:5, Macau, UAE).
    A territory the names file aliases to another country (``hong kong`` -> China (PRC)) gets
    a copy of that country's memberships unless ``include_inherited_territories`` is false.
    ``_row_number`` = position of the membership in ``groups`` (group by group).
    """
    source = _load_json(path_names)
    other = _load_json(path_iso2)
    aliases = {k: v for k, v in (source.get("aliases") or {}).items()}
    labels = source.get("labels") or {}
    file_notes = {k: _squash(v) for k, v in (source.get("notes") or {}).items()}

    def note_for(iso2: str, group: str, extra: list[str]) -> str:
        notes = [f"{group}: {labels.get(group) or (other.get('labels') or {}).get(group) or group}"]
        if group == "D:5" and file_notes.get("d5Controlling"):
            notes.append(file_notes["d5Controlling"] or "")
        if iso2 == "MO" and file_notes.get("macau"):
            notes.append(file_notes["macau"] or "")
        if iso2 == "AE" and file_notes.get("uae"):
            notes.append(file_notes["uae"] or "")
        return "; ".join(notes + extra)

    memberships: dict[tuple[str, str], dict[str, Any]] = {}
    position = 0
    for group, names in source["groups"].items():
        for ear_name in names:
            position += 1
            iso2 = ear_name_to_iso2(ear_name, aliases)
            memberships.setdefault(
                (iso2, group),
                {"iso2": iso2, "ear_name": ear_name, "country_group": group, "_row_number": position},
            )
    iso_side = {(iso2, group) for iso2, groups in (other.get("membership") or {}).items() for group in groups}
    as_of = (other.get("stamp") or {}).get("asOf") or "its edition"
    rows = []
    for key, row in memberships.items():
        extra = [] if key in iso_side else [f"not in country_groups_iso2.json ({as_of})"]
        rows.append({**row, "note": note_for(key[0], key[1], extra)})
    for iso2, group in sorted(iso_side - set(memberships)):
        extra = [f"only in country_groups_iso2.json ({as_of})"]
        rows.append(
            {
                "iso2": iso2,
                "ear_name": None,
                "country_group": group,
                "note": note_for(iso2, group, extra),
                "_row_number": None,
            }
        )

    if include_inherited_territories:
        listed = {row["iso2"] for row in rows}
        for alias, target in aliases.items():
            if len(alias) <= 3:
                continue  # codes such as "hk", "usa": only names say what a territory is
            try:
                territory = str(pycountry.countries.lookup(alias).alpha_2)
            except LookupError:
                continue
            governing = ear_name_to_iso2(target, aliases)
            if territory == governing or territory in listed:
                continue
            listed.add(territory)
            note = (
                f"No entry of its own in Supp. 1 to Part 740; country_groups.json maps {alias!r} to {target}"
            )
            rows.extend(
                {
                    **row,
                    "iso2": territory,
                    "ear_name": _country_name(territory),
                    "note": f"{note}; {row['note']}",
                }
                for row in list(rows)
                if row["iso2"] == governing
            )
    return _frame(rows, COUNTRY_GROUP_SCHEMA)


# --------------------------------------------------------------------------- EAR Part 746 / 744 lists

#: Descriptions written for hsguard (the file has none); supplement numbers are the file's.
EAR746_LISTS: dict[str, tuple[str, str]] = {
    "supp2": (
        "Part 746 Supp. 2",
        "Russian/Belarusian industry sector sanctions: items listed in Supp. No. 2 to Part 746 "
        "(oil and gas exploration and production items), HS-6",
    ),
    "supp4": (
        "Part 746 Supp. 4",
        "Russian/Belarusian industry sector sanctions: items listed in Supp. No. 4 to Part 746 "
        "(industrial and commercial items), HS-6",
    ),
    "supp5": (
        "Part 746 Supp. 5",
        "Russia/Belarus luxury goods: items listed in Supp. No. 5 to Part 746, HS-6",
    ),
    "supp7": (
        "Part 746 Supp. 7",
        "Russia/Belarus/Iran licence requirements: items listed in Supp. No. 7 to Part 746 "
        "(also the item scope of the Iran foreign direct product rule), HS-6",
    ),
}

EAR746_SCHEMA: dict[str, Any] = {
    "hs6": pl.Utf8,
    "supplement": pl.Utf8,
    "list_description": pl.Utf8,
    "_row_number": pl.Int64,
}


def parse_ear746_hs_lists(path: Path) -> pl.DataFrame:
    """EAR Part 746 Supp. 2/4/5/7 HS-6 lists (``russiaHts`` of ``ear_part746_hs_lists_and_meu.json``).

    One row per code and supplement (a code can be on several); ``_row_number`` = position
    within its supplement's list. Raises on a code that is not 6 digits.
    """
    lists = _load_json(path)["russiaHts"]
    rows = []
    for key, codes in lists.items():
        supplement, description = EAR746_LISTS.get(
            key, (f"Part 746 {key}", f"EAR Part 746 list {key!r}, HS-6")
        )
        for position, code in enumerate(codes, start=1):
            hs6 = str(code).strip()
            if not re.fullmatch(r"\d{6}", hs6):
                raise ValueError(f"{Path(path).name}: {key} code {code!r} is not 6 digits")
            rows.append(
                {
                    "hs6": hs6,
                    "supplement": supplement,
                    "list_description": description,
                    "_row_number": position,
                }
            )
    return _frame(rows, EAR746_SCHEMA)


MEU_SOURCE = (
    "EAR Part 744 Supp. 2 (items subject to the military end-use/end-user licence requirement of § 744.21)"
)

MEU_SCHEMA: dict[str, Any] = {"eccn": pl.Utf8, "source": pl.Utf8, "_row_number": pl.Int64}


def parse_military_end_user_eccns(path: Path) -> pl.DataFrame:
    """Military End-User ECCNs (``meuEccns`` of ``ear_part746_hs_lists_and_meu.json``), one row each."""
    rows = []
    for position, eccn in enumerate(_load_json(path)["meuEccns"], start=1):
        code = str(eccn).strip().upper()
        if not _ECCN.match(code):
            raise ValueError(f"{Path(path).name}: malformed MEU ECCN {eccn!r}")
        rows.append({"eccn": code, "source": MEU_SOURCE, "_row_number": position})
    return _frame(rows, MEU_SCHEMA)


RULE_DESTINATION_SCHEMA: dict[str, Any] = {
    "rule": pl.Utf8,
    "iso2": pl.Utf8,
    "source": pl.Utf8,
    "_row_number": pl.Int64,
}

#: The lists of destinations in ``ear_part746_hs_lists_and_meu.json`` that rules name.
RULE_DESTINATION_LISTS: dict[str, tuple[str, str]] = {
    "unArmsEmbargo": (
        "un_arms_embargo",
        "EAR § 746.1(b): destinations subject to United Nations Security Council arms embargoes "
        "(items controlled for UN reasons)",
    ),
    "meuSupp2Destinations": (
        "military_end_use",
        "EAR § 744.21: destinations of the military end-use/end-user licence requirement for the "
        "items of Supp. No. 2 to Part 744",
    ),
}


def parse_rule_destinations(path: Path) -> pl.DataFrame:
    """Destinations named by § 746.1(b) (UN arms embargoes) and § 744.21 (military end use), one row each."""
    data = _load_json(path)
    rows = []
    for key, (rule, source) in RULE_DESTINATION_LISTS.items():
        for position, code in enumerate(data.get(key) or [], start=1):
            iso2 = str(code).strip().upper()
            if not _ISO2.match(iso2):
                raise ValueError(f"{Path(path).name}: {key} value {code!r} is not an ISO-2 code")
            rows.append({"rule": rule, "iso2": iso2, "source": source, "_row_number": position})
    return _frame(rows, RULE_DESTINATION_SCHEMA)


# --------------------------------------------------------------------------- HS <-> export-control bridges

BRIDGE_RELIABILITY: dict[str, str] = {
    "CHPL": (
        "Authoritative: BIS/EU/UK/Japan Common High Priority List guidance (2024-02-23), "
        "HS-6 codes as published."
    ),
    "CN_MOFCOM_2026": (
        "Noisy PDF extraction of China's 2026 dual-use licence catalogue: the set of HS codes is reliable, "
        "the pairing of a code to an item and control code is approximate."
    ),
    "JP_CATCHALL": (
        "Japan catch-all control scope by HS heading/subheading and chapter: a review signal, "
        "not a list control or ECCN assignment."
    ),
}

BRIDGE_SCHEMA: dict[str, Any] = {
    "code": pl.Utf8,
    "code_level": pl.Int32,
    "list_name": pl.Utf8,
    "tier": pl.Utf8,
    "control_code": pl.Utf8,
    "description": pl.Utf8,
    "reliability": pl.Utf8,
    "source_code": pl.Utf8,
    "_row_number": pl.Int64,
}


def _chpl_tier(raw: str) -> str:
    """``TIER_3_A`` -> ``3.A``; ``TIER_1`` -> ``1``."""
    match = re.fullmatch(r"TIER_(\d)(?:_([A-Z]))?", raw.strip().upper())
    if not match:
        raise ValueError(f"Unknown CHPL tier {raw!r}")
    return f"{match.group(1)}.{match.group(2)}" if match.group(2) else match.group(1)


def parse_export_control_bridges(
    chpl_path: Path, china_hs10_path: Path, japan_path: Path, *, china_index_path: Path | None = None
) -> pl.DataFrame:
    """The HS <-> export-control bridges (CHPL, China MOFCOM 2026 catalogue, Japan catch-all) as one frame.

    China: ``code`` is the HS-6 prefix of the Chinese 10-digit code (kept in ``source_code``);
    ``control_code`` is null where the extracted one is malformed (``UF6``, ``L``, bare digits,
    customs codes; the raw value is quoted in ``description``) and for the import catalogue.
    Japan: 16(1) headings/subheadings (4/6 digits; the exclusion ``854290`` is noted on
    ``8542``) then 16(2) chapters (2 digits). Identical (code, list_name, control_code) rows
    are collapsed to the first. ``_row_number``: data row of the CSV (1 = first record);
    Japan: position in ``include`` then, continuing, in the chapter list. Passing
    ``china_index_path`` adds the catalogue's product names (as given, noisy) to descriptions.
    """
    rows: list[dict[str, Any]] = []
    chpl = pl.read_csv(chpl_path, infer_schema=False)
    for position, record in enumerate(chpl.iter_rows(named=True), start=1):
        code = record["hs6"].strip()
        rows.append(
            {
                "code": code,
                "code_level": len(code),
                "list_name": "CHPL",
                "tier": _chpl_tier(record["chpl_tier"]),
                "control_code": None,
                "description": _squash(record.get("hs2022_description_from_datasets_hs")),
                "reliability": BRIDGE_RELIABILITY["CHPL"],
                "source_code": record["hs6"],
                "_row_number": position,
            }
        )

    names: dict[str, str] = {}
    if china_index_path is not None:
        index = pl.read_csv(china_index_path, infer_schema=False)
        names = {
            r["row_order"]: _squash(r["product_name_as_given"]) or "" for r in index.iter_rows(named=True)
        }
    china = pl.read_csv(china_hs10_path, infer_schema=False)
    for position, record in enumerate(china.iter_rows(named=True), start=1):
        hs10 = (record["hs10"] or "").strip()
        if not re.fullmatch(r"\d{10}", hs10):
            raise ValueError(f"{Path(china_hs10_path).name} row {position}: {hs10!r} is not a 10-digit code")
        raw_control = (record.get("control_code_as_given") or "").strip() or None
        wellformed = record.get("control_code_wellformed") == "Y"
        kind = record.get("catalogue_type_en") or "?"
        description = f"China dual-use {kind} licence catalogue 2026, item {record.get('seq_as_given')}"
        if names.get(record.get("row_order") or ""):
            description += f": {names[record['row_order']]}"
        if raw_control and not wellformed:
            description += f" (control code as extracted: {raw_control!r}, malformed)"
        rows.append(
            {
                "code": hs10[:6],
                "code_level": 6,
                "list_name": "CN_MOFCOM_2026",
                "tier": None,
                "control_code": raw_control if wellformed else None,
                "description": description,
                "reliability": BRIDGE_RELIABILITY["CN_MOFCOM_2026"],
                "source_code": hs10,
                "_row_number": position,
            }
        )

    japan = _load_json(japan_path)
    scope = japan.get("catchAll16_1") or {}
    excluded = [str(c) for c in scope.get("exclude") or []]
    position = 0
    for code in scope.get("include") or []:
        position += 1
        code = str(code).strip()
        carve_outs = [e for e in excluded if e.startswith(code) and e != code]
        description = f"Japan catch-all, Appended Table 1 row 16(1): HS {code}"
        if carve_outs:
            description += f" (excluding {', '.join(carve_outs)})"
        rows.append(_japan_row(code, description, position))
    for chapter in japan.get("catchAll16_2Chapters") or []:
        position += 1
        code = str(chapter).strip().zfill(2)
        rows.append(
            _japan_row(code, f"Japan catch-all, Appended Table 1 row 16(2): HS chapter {code}", position)
        )

    for row in rows:
        if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", row["code"]):
            raise ValueError(f"{row['list_name']}: code {row['code']!r} is not 2, 4 or 6 digits")
    frame = _frame(rows, BRIDGE_SCHEMA)
    return frame.unique(subset=["code", "list_name", "control_code"], keep="first", maintain_order=True)


def _japan_row(code: str, description: str, position: int) -> dict[str, Any]:
    return {
        "code": code,
        "code_level": len(code),
        "list_name": "JP_CATCHALL",
        "tier": None,
        "control_code": None,
        "description": description,
        "reliability": BRIDGE_RELIABILITY["JP_CATCHALL"],
        "source_code": code,
        "_row_number": position,
    }


# --------------------------------------------------------------------------- EU Annex I

EU_ANNEX_SCHEMA: dict[str, Any] = {
    "entry_code": pl.Utf8,
    "category": pl.Utf8,
    "product_group": pl.Utf8,
    "title_or_text": pl.Utf8,
    "_row_number": pl.Int64,
}

TITLE_CHARS = 500


def parse_eu_annex_i(path: Path) -> pl.DataFrame:
    """EU dual-use Annex I (Reg. 2021/821) -> one row per control entry.

    ``title_or_text`` = the first 500 characters of the entry's verbatim text, whitespace collapsed.
    """
    rows = []
    for position, entry in enumerate(_load_json(path)["entries"], start=1):
        code = str(entry["entry_code"]).strip()
        if not _ECCN.match(code) or str(entry.get("category")) != code[0]:
            raise ValueError(f"{Path(path).name}: malformed Annex I entry {code!r}")
        text = _squash(entry.get("verbatim_text")) or ""
        rows.append(
            {
                "entry_code": code,
                "category": code[0],
                "product_group": code[1],
                "title_or_text": text[:TITLE_CHARS] or None,
                "_row_number": position,
            }
        )
    return _frame(rows, EU_ANNEX_SCHEMA)


# --------------------------------------------------------------------------- Consolidated Screening List

SCREENING_SCHEMA: dict[str, Any] = {
    "entry_id": pl.Utf8,
    "name": pl.Utf8,
    "alt_names": pl.Utf8,
    "list_name": pl.Utf8,
    "countries": pl.Utf8,
    "programs": pl.Utf8,
    "entry_type": pl.Utf8,
    "license_requirement": pl.Utf8,
    "license_policy": pl.Utf8,
    "_row_number": pl.Int64,
}

#: CSL address-country values that are names or non-ISO codes with an unambiguous ISO-2.
_CSL_COUNTRY_FIXES: dict[str, str] = {
    "UK": "GB",
    "PRC": "CN",
    "MACAU": "MO",
    "TURKIYE": "TR",
    "MAN, ISLE OF": "IM",
}


def _csl_list(source: str, authority: Mapping[str, Any]) -> tuple[str, str]:
    """``Entity List (EL) - Bureau of Industry and Security`` -> (``Entity List``, ``EL``)."""
    name = re.sub(r"\s*\([^)]*\)", "", source.split(" - ")[0]).strip()
    code = (authority.get(source) or {}).get("code")
    if not code:
        match = re.search(r"\(([^)]+)\)", source)
        code = match.group(1) if match else name
    return name, re.sub(r"[^A-Z0-9]+", "-", str(code).upper()).strip("-")


def parse_screening_list(path: Path) -> pl.DataFrame:
    """US Consolidated Screening List (compact keys, see its ``fieldKey``) -> one row per entry.

    ``entry_id`` = ``<list code>-<entity_number>`` (e.g. ``SDN-17013``: the same OFAC number
    recurs across SDN/SSI), or ``<list code>-ROW<n>`` for lists without numbers (BIS and
    State lists). ``countries``: distinct address countries joined by ``,``; ISO-2 as given
    except ``UK``/``PRC``/``MACAU``/``TURKIYE``/``MAN, ISLE OF`` -> ISO-2, region strings as given.
    ``entry_type`` (Entity, Individual, Vessel, Aircraft) and, for BIS lists, the entry's
    ``license_requirement`` and ``license_policy`` (review policy) as the list states them.
    """
    data = _load_json(path)
    tables = data["tables"]
    authority = data.get("listAuthority") or {}
    lists = [_csl_list(s, authority) for s in tables["sources"]]
    programmes = tables.get("programmes") or []
    requirements = tables.get("licenceRequirements") or []
    policies = tables.get("licencePolicies") or []
    rows = []
    for position, entry in enumerate(data["entries"], start=1):
        list_name, list_code = lists[entry["s"]]
        number = str(entry.get("e") or "").strip()
        countries = [
            _CSL_COUNTRY_FIXES.get(str(c).strip().upper(), str(c).strip()) for c in entry.get("c") or []
        ]
        program = entry.get("pg")
        rows.append(
            {
                "entry_id": f"{list_code}-{number}" if number else f"{list_code}-ROW{position}",
                "name": _squash(entry.get("n")),
                "alt_names": " | ".join(a for a in (_squash(x) for x in entry.get("a") or []) if a) or None,
                "list_name": list_name,
                "countries": ",".join(dict.fromkeys(c for c in countries if c)) or None,
                "programs": _squash(programmes[program]) if program is not None else None,
                "entry_type": _squash(entry.get("t")),
                "license_requirement": _squash(requirements[entry["lr"]]) if "lr" in entry else None,
                "license_policy": _squash(policies[entry["lp"]]) if "lp" in entry else None,
                "_row_number": position,
            }
        )
    return _frame(rows, SCREENING_SCHEMA)
