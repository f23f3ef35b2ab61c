"""Separator stripping for declared codes, for the Python code that needs it (the sample
generator, ``hsguard suggest``'s input row).

Every check normalises codes in SQL (macros/codes.sql, macros/eccn.sql); this one rule is
the only Python copy, and tests/integration/test_normaliser_parity.py pins it to the
macro ``strip_code_separators``.
"""

from __future__ import annotations

import re

#: ASCII whitespace, spelled out so Python and the SQL macro (RE2) agree exactly.
_SEPARATORS = re.compile(r"[.\-\t\n\r\f\v ]")


def strip_separators(raw: str | None) -> str:
    """Remove dots, whitespace and dashes, the separators people type into codes."""
    return _SEPARATORS.sub("", raw or "")
