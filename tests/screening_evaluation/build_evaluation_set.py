"""Build the party-screening evaluation set (screening_evaluation_names.csv) from the source text.

    python tests/screening_evaluation/build_evaluation_set.py

Two kinds of cases (docs/SCREENING.md):
- ``listed``: variants of real entries of the bundled Consolidated Screening List, drawn with
  a fixed seed from every list, each made by one edit a real ERP record shows: a typo, another
  or a longer legal form, a Russian name written in Cyrillic or its legal form transliterated,
  word order, "&"/"and", a leading "The", an alternate name of the entry (acronyms included),
  lower case without punctuation. The expected answer is the entry the variant came from.
- ``unlisted``: real, well-known companies, universities and institutes
  (unlisted_names.csv, written by hand with the country of their head office), each checked
  against the list: an exact normalised-name match to any entry, or a reading of its closest
  list names showing the same organisation, removes it from the file (the check is recorded
  in unlisted_names.csv's ``checked`` column).
The variants come from the list text alone, never from what the matcher returns; the fold
(train / test, half each) is fixed by a hash of the case id. Thresholds are tuned on
``train`` only; the data test reports ``test``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIST_FILE = (
    HERE.parent.parent / "data" / "reference" / "screening" / "consolidated_screening_list_2026-07-31.json"
)
OUT = HERE / "seed" / "screening_evaluation_names.csv"
UNLISTED = HERE / "unlisted_names.csv"

#: variants per list code (the lists with an export consequence get the most)
PER_LIST = {
    "EL": 160,
    "SDN": 160,
    "DPL": 70,
    "UVL": 40,
    "MEU": 30,
    "SSI": 15,
    "ISN": 15,
    "DTC": 15,
    "CMIC": 15,
}
KINDS = (
    "typo",
    "legal_form",
    "transliteration",
    "word_order",
    "and_ampersand",
    "the_prefix",
    "alias",
    "case_punct",
)

LEGAL_FORM_SWAPS = [
    (r"\bCO\.?,? LTD\.?", "Company Limited"),
    (r"\bLTD\.?$", "Limited"),
    (r"\bLIMITED$", "Ltd."),
    (r"\bLLC$", "Limited Liability Company"),
    (r"\bINC\.?$", "Incorporated"),
    (r"\bCORP\.?$", "Corporation"),
    (r"\bCORPORATION$", "Corp."),
    (r"\bGMBH$", "Gesellschaft mit beschraenkter Haftung"),
    (r"\bS\.?A\.?$", "Sociedad Anonima"),
]
RUSSIAN_FORMS = [
    (r"^OOO\b", "Obshchestvo s Ogranichennoi Otvetstvennostyu"),
    (r"\bLLC$", "OOO"),
    (r"^LLC\b", "OOO"),
    (r"^(JSC|AO)\b", "Aktsionernoe Obshchestvo"),
    (r"^JOINT STOCK COMPANY\b", "AO"),
    (r"^LIMITED LIABILITY COMPANY\b", "OOO"),
]
LATIN_TO_CYRILLIC = [
    ("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"),
    ("ya", "я"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"),
    ("z", "з"), ("i", "и"), ("y", "ы"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"),
    ("c", "к"), ("j", "дж"), ("x", "кс"), ("h", "х"), ("w", "в"), ("q", "к"),
]  # fmt: skip


def fold_of(case_id: str) -> str:
    return "train" if int(hashlib.md5(case_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def typo(name: str, rng: random.Random) -> str | None:
    words = name.split()
    long = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 6]
    if not long:
        return None
    i = rng.choice(long)
    word = words[i]
    letters = [j for j, c in enumerate(word) if c.isalpha()]
    j = rng.choice(letters[:-1])
    edit = rng.choice(("swap", "drop", "replace"))
    if edit == "swap" and word[j + 1].isalpha():
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    elif edit == "drop":
        word = word[:j] + word[j + 1 :]
    else:
        vowels = "aeiou" if word[j].islower() else "AEIOU"
        word = (
            word[:j]
            + (rng.choice(vowels.replace(word[j], "")) if word[j] in vowels else rng.choice(vowels))
            + word[j + 1 :]
        )
    words[i] = word
    return " ".join(words)


def legal_form(name: str, rng: random.Random) -> str | None:
    for pattern, replacement in LEGAL_FORM_SWAPS:
        if re.search(pattern, name, flags=re.IGNORECASE):
            return re.sub(pattern, replacement, name, count=1, flags=re.IGNORECASE)
    if rng.random() < 0.5:
        return name.rstrip(".,") + " Co., Ltd."
    return name.rstrip(".,") + " Limited"


def transliteration(name: str, countries: list[str], entry_type: str | None) -> str | None:
    """A Russian legal form written another way (OOO / LLC / Obshchestvo ...), or a Russian or
    Belarusian person's name written in Cyrillic (letter by letter: the romanisation differs
    from the list's, as a real record's does)."""
    for pattern, replacement in RUSSIAN_FORMS:
        if re.search(pattern, name, flags=re.IGNORECASE):
            return re.sub(pattern, replacement, name, count=1, flags=re.IGNORECASE)
    if ("RU" in countries or "BY" in countries) and (entry_type == "Individual" or "," in name):
        text = name.lower()
        for latin, cyrillic in LATIN_TO_CYRILLIC:
            text = text.replace(latin, cyrillic)
        return text.upper() if re.search("[а-я]", text) else None
    return None


def word_order(name: str, rng: random.Random) -> str | None:
    if "," in name:  # "LAST, First" -> "First LAST"
        last, first = name.split(",", 1)
        return f"{first.strip()} {last.strip()}" if first.strip() else None
    words = name.split()
    if len(words) < 2:
        return None
    i = rng.randrange(len(words) - 1)
    words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def and_ampersand(name: str) -> str | None:
    if " & " in name:
        return name.replace(" & ", " and ")
    if re.search(r"\band\b", name, flags=re.IGNORECASE):
        return re.sub(r"\band\b", "&", name, count=1, flags=re.IGNORECASE)
    return None


def variant(kind: str, entry: dict, rng: random.Random) -> str | None:
    name = entry["n"]
    if kind == "typo":
        return typo(name, rng)
    if kind == "legal_form":
        return legal_form(name, rng) if entry.get("t") != "Individual" else None
    if kind == "transliteration":
        return transliteration(name, entry.get("c") or [], entry.get("t"))
    if kind == "word_order":
        return word_order(name, rng)
    if kind == "and_ampersand":
        return and_ampersand(name)
    if kind == "the_prefix":
        return "The " + name if entry.get("t") != "Individual" else None
    if kind == "alias":
        aliases = [a for a in entry.get("a") or [] if a.strip()]
        return rng.choice(aliases) if aliases else None
    if kind == "case_punct":
        return re.sub(r"[^\w\s]", " ", name).lower()
    raise ValueError(kind)


def listed_cases(data: dict, rng: random.Random) -> list[dict]:
    authority = data["listAuthority"]
    codes = [
        authority.get(s, {}).get("code") or re.search(r"\(([^)]+)\)", s).group(1)
        for s in data["tables"]["sources"]
    ]
    by_list: dict[str, list[tuple[int, dict]]] = {}
    for position, entry in enumerate(data["entries"], start=1):
        if entry.get("t") in ("Vessel", "Aircraft"):  # not shipment end users
            continue
        by_list.setdefault(codes[entry["s"]], []).append((position, entry))
    cases = []
    for code, wanted in PER_LIST.items():
        pool = by_list.get(code, [])
        rng.shuffle(pool)
        made = attempt = 0
        for position, entry in pool:
            if made >= wanted:
                break
            kind = KINDS[attempt % len(KINDS)]
            attempt += 1
            text = variant(kind, entry, rng)
            if not text or not text.strip() or text.strip() == entry["n"].strip():
                continue
            number = str(entry.get("e") or "").strip()
            entry_id = f"{code}-{number}" if number else f"{code}-ROW{position}"
            countries = entry.get("c") or []
            cases.append(
                {
                    "case_id": f"L{len(cases) + 1:04d}",
                    "party_name": " ".join(text.split()),
                    "destination_country": countries[0] if countries and len(countries[0]) == 2 else "",
                    "expected": "listed",
                    "expected_entry_id": entry_id,
                    "variant_kind": kind,
                    "source_name": entry["n"],
                }
            )
            made += 1
    return cases


def unlisted_cases() -> list[dict]:
    with UNLISTED.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        {
            "case_id": f"U{i:04d}",
            "party_name": row["party_name"],
            "destination_country": row["country"],
            "expected": "unlisted",
            "expected_entry_id": "",
            "variant_kind": row["kind"],
            "source_name": "",
        }
        for i, row in enumerate(rows, start=1)
        if row["checked"] == "not_listed"
    ]


def main() -> None:
    data = json.loads(LIST_FILE.read_text(encoding="utf-8"))
    cases = listed_cases(data, random.Random(21)) + unlisted_cases()
    for case in cases:
        case["fold"] = fold_of(case["case_id"])
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(cases[0]))
        writer.writeheader()
        writer.writerows(cases)
    print(f"{len(cases)} cases -> {OUT.name}")


if __name__ == "__main__":
    main()
