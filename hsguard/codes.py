"""Normalisers for tariff codes (HTSUS, CN, HS) and export-control numbers (ECCN).

The same rules are applied in SQL by the dbt macros in ``macros/codes.sql``; these
Python versions serve the CLI (``hsguard suggest``), the sample generator and tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Digits each scheme's declarable code has.
SCHEME_LENGTHS: dict[str, int] = {"HTSUS": 10, "CN": 8, "HS": 6}

#: ASCII whitespace, spelled out so Python and the SQL macros (RE2) agree exactly.
_WHITESPACE = " \t\n\r\f\v"
_SEPARATORS = re.compile(r"[.\-\t\n\r\f\v ]")
_ECCN = re.compile(r"^[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*$")


@dataclass(frozen=True)
class CodeCheck:
    """Outcome of normalising one declared code."""

    code: str | None  # separators stripped; None when missing
    status: str  # "ok" | "missing" | "malformed"
    reason: str = ""


def strip_separators(raw: str | None) -> str:
    """Remove dots, whitespace and dashes, the separators people type into codes."""
    return _SEPARATORS.sub("", raw or "")


def normalise_tariff_code(raw: str | None, scheme: str) -> CodeCheck:
    """Normalise a declared tariff code for ``scheme`` (HTSUS, CN or HS).

    Separators are stripped; anything other than digits, or the wrong number of
    digits for the scheme, is malformed. Nothing is guessed: ``O`` is not read as ``0``.
    """
    length = SCHEME_LENGTHS[scheme]
    code = strip_separators(raw)
    if code == "":
        return CodeCheck(None, "missing", f"no {scheme} code")
    if not code.isascii() or not code.isdigit():
        bad = sorted({c for c in code if not (c.isascii() and c.isdigit())})
        return CodeCheck(code, "malformed", f"non-digit character(s) {''.join(bad)!r}")
    if len(code) != length:
        return CodeCheck(code, "malformed", f"{len(code)} digits, {scheme} codes have {length}")
    return CodeCheck(code, "ok")


def format_hts(code: str) -> str:
    """Dotted display form of an HTSUS code: ``0101210010`` -> ``0101.21.00.10``."""
    parts = [code[:4], code[4:6], code[6:8], code[8:10]]
    return ".".join(p for p in parts if p)


def normalise_eccn(raw: str | None) -> CodeCheck:
    """Normalise an ECCN: ``5a002 a.1`` -> ``5A002.a.1``, ``ear 99`` -> ``EAR99``."""
    text = re.sub(r"[\t\n\r\f\v ]+", " ", (raw or "").strip(_WHITESPACE))
    if text == "":
        return CodeCheck(None, "missing", "no ECCN or EAR99")
    compact = text.replace(" ", "").upper()
    if compact == "EAR99":
        return CodeCheck("EAR99", "ok")
    head, _, tail = text.replace(" ", ".", 1).partition(".")
    head = head.upper()
    tail = tail.replace(" ", ".").lower()
    eccn = head + ("." + tail if tail else "")
    if not _ECCN.match(eccn):
        return CodeCheck(eccn, "malformed", "not an ECCN (digit, letter A-E, three digits) or EAR99")
    return CodeCheck(eccn, "ok")
