"""Party-name keys for screening: the one normalisation of a party name (docs/SCREENING.md).

Used by the dbt Python models that key the screening list's names and the names to
screen (models/intermediate/export_control/int_screening_*_names.py); the matching itself
is SQL (int_party_screening_matches). No Prefect, no warehouse access.

A key is built with OpenSanctions' ``fingerprints`` (case, accents, punctuation,
transliteration of Cyrillic/Arabic/... scripts to Latin, legal forms in the languages of
its organisation-type database replaced by one short form, e.g. "Limited Liability
Company" and "OOO" -> "llc"/"ooo", "Aktiengesellschaft" -> "ag"), then
- the legal-form short forms are dropped where a legal form sits: at the start or the end
  of the name ("ao koncern vko" -> "koncern vko", "huawei technologies co ltd" ->
  "huawei technologies"), not inside it, where the same letters are often a word or
  a personal name's part;
- fingerprints only replaces forms spelt right, so a legal form of several words with one
  misspelt word ("cientific-Production Enterprise", "Closed Joint Stock Comapny") is
  repaired first: a word of 6+ letters one edit from a word of the legal forms is spelt as
  that word when the repaired name then holds a legal form of several words that takes the
  word in (a single-word form is not enough: "Concert" is one edit from "Concern") and
  a word that is not a legal form is left;
- a misspelt legal-form word at the start or the end ("Limitod", "Comany": one edit from a
  word of the long forms of Ltd, Co., Corp., Inc., LLC, PLC, GmbH, AG, S.A., Intl or Ent., 6+ letters)
  is dropped there too;
- a few function words are dropped anywhere ("the", "and", "of", ...), so "&"/"and",
  "The X"/"X" and "University of X"/"X University" meet;
- tokens are sorted and de-duplicated: word order does not matter.

Keys are a pure function of the name, this module and the fingerprints/normality versions
(``KEY_VERSION``), so the models keep last night's keys (``cached_party_name_keys``) and
compute only those of names they have not keyed with this version.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import fingerprints
from fingerprints.cleanup import clean_brackets, clean_entity_prefix, clean_name_ascii
from fingerprints.types import replace_types
from fingerprints.types.data import TYPES
from normality import ascii_text, squash_spaces
from rapidfuzz.distance import DamerauLevenshtein

#: Words that carry no identity in a party name (compared in their normalised form).
FUNCTION_WORDS = frozenset(
    {
        "the",
        "and",
        "of",
        "for",
        "und",
        "et",
        "y",
        "e",
        "de",
        "des",
        "du",
        "der",
        "die",
        "das",
        "la",
        "le",
        "les",
        "del",
    }
)


@lru_cache(maxsize=1)
def legal_form_tokens() -> frozenset[str]:
    """Every word of fingerprints' short legal forms ("co ltd" -> co, ltd), normalised alike."""
    words: set[str] = set()
    for entry in TYPES["types"]:
        main = fingerprints.generate(entry["main"]) or ""
        words.update(main.split())
    return frozenset(words)


#: The short forms whose long forms' words are recognised misspelt (see the module docstring).
COMMON_FORMS = ("ltd", "co", "corp", "inc", "llc", "plc", "gmbh", "ag", "sa", "intl", "ent")
#: Words of those long forms that are ordinary name words too ("Federal Security Service").
ORDINARY_WORDS = frozenset({"federal", "public", "private", "regime", "shares", "guarantee"})


@lru_cache(maxsize=1)
def long_form_words() -> frozenset[str]:
    """Words of 6+ letters of the long forms of COMMON_FORMS ("limited", "company", ...)."""
    words: set[str] = set()
    for entry in TYPES["types"]:
        if entry["main"] in COMMON_FORMS:
            for form in entry["forms"]:
                words.update(
                    w for w in (ascii_text(form) or "").lower().split() if len(w) >= 6 and w.isalpha()
                )
    return frozenset(words - ORDINARY_WORDS)


def _is_legal_form(token: str) -> bool:
    if token in legal_form_tokens() or token in long_form_words():
        return True
    return len(token) >= 6 and any(
        DamerauLevenshtein.distance(token, word, score_cutoff=1) <= 1 for word in long_form_words()
    )


@lru_cache(maxsize=1)
def legal_form_words() -> tuple[str, ...]:
    """Every word of 6+ letters of every form (long or short) of fingerprints' legal forms,
    cleaned as fingerprints cleans a name ("nauchno-proizvodstvennoe" -> nauchno, ...)."""
    words: set[str] = set()
    for entry in TYPES["types"]:
        for form in [entry["main"], *entry["forms"]]:
            words.update(w for w in (clean_name_ascii(form) or "").split() if len(w) >= 6 and w.isalpha())
    return tuple(sorted(words))


@lru_cache(maxsize=1)
def _legal_form_word_index() -> dict[str, tuple[str, ...]]:
    """The legal-form words by their one-letter deletions and themselves (a symmetric-
    deletion index: two words one edit apart share a key)."""
    index: dict[str, set[str]] = {}
    for word in legal_form_words():
        for key in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
            index.setdefault(key, set()).add(word)
    return {key: tuple(sorted(words)) for key, words in index.items()}


@lru_cache(maxsize=65536)
def _legal_form_spellings(word: str) -> tuple[str, ...]:
    """The legal-form words one edit from ``word`` (none when ``word`` is one of them)."""
    index = _legal_form_word_index()
    if len(word) < 6 or not word.isalpha() or word in _legal_form_word_set():
        return ()
    keys = {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}
    keys.update(word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
    found = {match for key in keys for match in index.get(key, ())}
    return tuple(sorted(m for m in found if DamerauLevenshtein.distance(word, m, score_cutoff=1) <= 1))


@lru_cache(maxsize=1)
def _legal_form_word_set() -> frozenset[str]:
    return frozenset(legal_form_words())


def _cleaned(name: str) -> str | None:
    """fingerprints' cleaning of a name before it replaces legal forms (its own steps)."""
    return clean_name_ascii(clean_brackets(clean_entity_prefix(name.lower())))


def _with_forms(cleaned: str) -> list[str]:
    """fingerprints' legal-form replacement of a cleaned name, as words in their order."""
    return squash_spaces(replace_types(cleaned)).split()


def _repaired_legal_forms(cleaned: str) -> list[str]:
    """The words of a cleaned name with its legal forms replaced (fingerprints), a misspelt
    word of a legal form of several words spelt right first (see the module docstring)."""
    words = cleaned.split()
    replaced = _with_forms(cleaned)
    for i, word in enumerate(words):
        for spelling in _legal_form_spellings(word):
            trial = [*words[:i], spelling, *words[i + 1 :]]
            trial_replaced = _with_forms(" ".join(trial))
            # the repaired word went into a legal form that took in other words with it, and
            # the name is not only legal forms ("Tactical Missiles Corporation JSC" stays)
            if (
                spelling not in trial_replaced
                and len(trial_replaced) < len(replaced)
                and any(not _is_legal_form(t) and t not in FUNCTION_WORDS for t in trial_replaced)
            ):
                words, replaced = trial, trial_replaced
                break
    return replaced


def party_name_tokens(name: str | None) -> list[str]:
    """The identifying tokens of a party name, in their order (legal forms at the ends and
    function words removed). Empty for a name with nothing left."""
    if name is None:
        return []
    cleaned = _cleaned(str(name))
    if not cleaned:
        return []
    text = " ".join(_repaired_legal_forms(cleaned))
    if not text:
        return []
    tokens = [t for t in text.split() if t not in FUNCTION_WORDS]
    while tokens and _is_legal_form(tokens[-1]):
        tokens.pop()
    while tokens and _is_legal_form(tokens[0]):
        tokens.pop(0)
    if not tokens:  # a name that is only a legal form ("Co. Ltd."): keep what there was
        tokens = [t for t in text.split() if t not in FUNCTION_WORDS]
    return tokens


def party_name_key(name: str | None) -> str | None:
    """The comparison key of a party name: its identifying tokens sorted and de-duplicated,
    joined by single spaces (None when nothing is left)."""
    tokens = sorted(set(party_name_tokens(name)))
    return " ".join(tokens) or None


#: What a key depends on besides the name: this module's code and the libraries' versions.
KEY_VERSION = hashlib.md5(
    Path(__file__).read_bytes()
    + f"|fingerprints {version('fingerprints')}|normality {version('normality')}".encode()
).hexdigest()


def cached_party_name_keys(con, relation: str, name_column: str, names: list[str]) -> dict[str, str | None]:
    """``party_name_key`` of every name, taking the keys that ``relation`` (the model's own
    table of the previous build, if any) holds for this ``KEY_VERSION`` instead of computing
    them again."""
    known: dict[str, str | None] = {}
    try:
        rows = con.execute(
            f"select distinct {name_column}, name_key from {relation} where key_version = ?",  # noqa: S608 (the model's own relation and column)
            [KEY_VERSION],
        ).fetchall()
        known = dict(rows)
    except Exception:  # no previous table, or one without key_version: compute every key
        known = {}
    return {name: known[name] if name in known else party_name_key(name) for name in names}
