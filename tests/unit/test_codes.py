"""The one Python copy of a code rule: separator stripping (its SQL twin is pinned by
tests/integration/test_normaliser_parity.py; the checks' normalisers are SQL macros with
dbt unit tests)."""

from hypothesis import given
from hypothesis import strategies as st

from hsguard.codes import strip_separators


def test_separators_are_stripped():
    assert strip_separators("0101.21.0010") == "0101210010"
    assert strip_separators(" 0101 21 00 10 ") == "0101210010"
    assert strip_separators("0101-21-0010\t") == "0101210010"
    assert strip_separators(None) == ""
    assert strip_separators("O101.21.0010") == "O101210010"  # nothing is guessed


@given(st.text(max_size=20))
def test_stripping_never_crashes_and_removes_only_separators(raw):
    stripped = strip_separators(raw)
    assert not set(stripped) & set(".- \t\n\r\f\v")
    assert len(stripped) == len(raw) - sum(raw.count(c) for c in ".- \t\n\r\f\v")
