"""The one normalisation of a party name (hsguard.screening.party_name_key), on the variants
the screening evaluation set is made of; the matching itself is SQL, tested by dbt."""

from __future__ import annotations

import pytest

from hsguard.screening import party_name_key, party_name_tokens


@pytest.mark.parametrize(
    ("variant", "listed"),
    [
        ("The Boeing Company", "Boeing"),  # leading article, legal form
        ("Huawei Technologies Co., Ltd.", "HUAWEI TECHNOLOGIES COMPANY LIMITED"),  # case, long legal form
        ("Siemens Aktiengesellschaft", "Siemens AG"),  # legal form in another language
        ("OOO Rosoboronexport", "Rosoboronexport LLC"),  # transliterated Russian legal form
        ("Limited Liability Company Sky Tech", "Sky Tech OOO"),
        ("Joint Stock Company Kronshtadt", "AO Kronshtadt"),
        ("Mojtaba Seyed Mostafavi", "MOSTAFAVI, Seyed Mojtaba"),  # word order
        ("A & B Trading", "A and B Trading"),  # & / and
        ("University of Tehran", "Tehran University"),  # function word, word order
        ("Jürgen Söhne GmbH", "JURGEN SOHNE"),  # accents
        ("LHI Technology Company Limitod", "LHI Technology Company Limited"),  # misspelt legal form
        ("Алмаз-Антей", "Almaz-Antej"),  # Cyrillic script
    ],
)
def test_variants_of_a_name_share_its_key(variant, listed):
    assert party_name_key(variant) == party_name_key(listed)


def test_different_names_keep_different_keys():
    assert party_name_key("General Electric Company") != party_name_key("General Trading Company")
    assert party_name_key("Federal Security Service") == "federal security service"  # an ordinary word stays


def test_legal_forms_go_only_at_the_ends():
    # "as" is a legal form (Norwegian AS) at the end, a word inside a name
    assert party_name_tokens("Tools as Art AS") == ["tools", "as", "art"]


@pytest.mark.parametrize("empty", [None, "", "   ", "&", "Co. Ltd."])
def test_a_name_with_nothing_left_is_none_or_its_form(empty):
    key = party_name_key(empty)
    assert key is None or key == "co ltd"
