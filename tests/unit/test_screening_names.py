"""The one normalisation of a party name (hsguard.screening.party_name_key), on the variants
the screening evaluation set is made of; the matching itself is SQL, tested by dbt."""

from __future__ import annotations

import fingerprints
import pytest

from hsguard.screening import _cleaned, _with_forms, party_name_key, party_name_tokens


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


@pytest.mark.parametrize(
    ("variant", "listed"),
    [
        # a misspelt word of a legal form of several words: the form is still recognised
        ("cientific-Production Enterprise Volna", "Scientific-Production Enterprise Volna"),
        ("Sberbank Technologies Closed Joint Stock Comapny", "SBERBANK TECHNOLOGIES ZAO"),
        # another transliteration of a form
        ("Obshchestvo S Ogranichennoi Otvetstvennostyu Lazurnaya", "OOO Lazurnaya"),
    ],
)
def test_a_misspelt_legal_form_of_several_words_is_repaired(variant, listed):
    assert party_name_key(variant) == party_name_key(listed)


def test_a_repair_needs_a_legal_form_of_several_words_and_leaves_the_name():
    assert party_name_key("Blue Concert") == "blue concert"  # one edit from "concern", a form of one word
    # "Missiles" is one edit from the form "Tactical Missile Corporation": the name would be only forms
    assert party_name_key("Tactical Missiles Corporation JSC") == "missiles tactical"


@pytest.mark.parametrize(
    "name", ["The Boeing Company (USA)", "Mr. J. Smith & Sons Ltd.", "ООО «Ромашка»", "x", ""]
)
def test_the_cleaning_before_the_repair_is_fingerprints_own(name):
    cleaned = _cleaned(name)
    assert (" ".join(_with_forms(cleaned)) if cleaned else None) == (
        fingerprints.generate(name, keep_order=True) or None
    )
