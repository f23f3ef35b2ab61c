from hypothesis import given
from hypothesis import strategies as st

from hsguard.codes import SCHEME_LENGTHS, format_hts, normalise_eccn, normalise_tariff_code


def test_htsus_separators_are_stripped():
    assert normalise_tariff_code("0101.21.0010", "HTSUS").code == "0101210010"
    assert normalise_tariff_code(" 0101 21 00 10 ", "HTSUS").status == "ok"
    assert normalise_tariff_code("0101-21-0010", "HTSUS").code == "0101210010"


def test_missing_and_malformed():
    assert normalise_tariff_code("", "HTSUS").status == "missing"
    assert normalise_tariff_code(None, "CN").status == "missing"
    letter_o = normalise_tariff_code("O101.21.0010", "HTSUS")
    assert letter_o.status == "malformed" and "O" in letter_o.reason
    short = normalise_tariff_code("0101.21.001", "HTSUS")
    assert short.status == "malformed" and "9 digits" in short.reason
    assert normalise_tariff_code("01012100", "CN").status == "ok"
    assert normalise_tariff_code("010121", "HS").status == "ok"
    assert normalise_tariff_code("0101210010", "CN").status == "malformed"


@given(st.text(max_size=20), st.sampled_from(sorted(SCHEME_LENGTHS)))
def test_normaliser_never_crashes_and_ok_means_digits_of_right_length(raw, scheme):
    result = normalise_tariff_code(raw, scheme)
    assert result.status in {"ok", "missing", "malformed"}
    if result.status == "ok":
        assert result.code.isdigit() and len(result.code) == SCHEME_LENGTHS[scheme]


@given(st.from_regex(r"[0-9]{10}", fullmatch=True))
def test_any_dotted_form_of_ten_digits_normalises_back(code):
    assert normalise_tariff_code(format_hts(code), "HTSUS").code == code


def test_eccn_normalisation():
    assert normalise_eccn("5a002 a.1").code == "5A002.a.1"
    assert normalise_eccn("ear 99").code == "EAR99"
    assert normalise_eccn("3A001").status == "ok"
    assert normalise_eccn("5A02").status == "malformed"
    assert normalise_eccn("").status == "missing"


@given(st.text(max_size=15))
def test_eccn_normaliser_never_crashes(raw):
    assert normalise_eccn(raw).status in {"ok", "missing", "malformed"}
