import polars as pl

from hsguard.codes import strip_separators
from hsguard.sample import ERROR_RATES, Tariff, _section, generate, near_match


def test_generator_is_deterministic_and_labels_every_product(tmp_path):
    a = generate(200, tmp_path / "a", seed=7)
    b = generate(200, tmp_path / "b", seed=7)
    assert a == b
    assert (tmp_path / "a" / "products.csv").read_bytes() == (tmp_path / "b" / "products.csv").read_bytes()
    labels = pl.read_csv(tmp_path / "a" / "labels.csv", infer_schema=False)
    products = pl.read_csv(tmp_path / "a" / "products.csv", infer_schema=False)
    shipments = pl.read_csv(tmp_path / "a" / "shipments.csv", infer_schema=False)
    duplicates = a["errors"]["DUPLICATE_SKU"]
    assert products.height == a["product_rows"] == 200 + duplicates + a["bad_rows"]
    assert shipments.height == 601  # 3 per product and one to an Entity List party
    kinds = dict(labels.group_by("kind").len().iter_rows())
    assert kinds["sku"] + kinds["clean"] == 200
    labelled = set(labels.filter(pl.col("kind") == "sku")["check_code"])
    assert labelled == set(ERROR_RATES) | {"HS_TEXT_MISMATCH", "ECCN_TEXT_REVIEW"}


def test_clean_products_carry_declarable_codes_and_errors_are_real_errors(tmp_path):
    generate(300, tmp_path, seed=3)
    tariff = Tariff()
    products = pl.read_csv(tmp_path / "products.csv", infer_schema=False).fill_null("")
    labels = dict(
        pl.read_csv(tmp_path / "labels.csv", infer_schema=False)
        .fill_null("")
        .filter(pl.col("kind").is_in(["sku", "clean"]))
        .select("id", "check_code")
        .iter_rows()
    )
    for sku, code in products.select("sku", "hts_code").iter_rows():
        if sku not in labels:
            continue  # deliberately bad row (quarantined)
        digits = strip_separators(code)
        check = labels[sku]
        if check == "":
            assert digits in tariff.declarable
        elif check == "HS_UNKNOWN":
            assert digits not in tariff.every_code
        elif check == "HS_NOT_DECLARABLE":
            assert digits not in tariff.declarable and digits[:8] in tariff.subdivided8
        elif check == "HS_TEXT_MISMATCH":
            assert digits in tariff.declarable


def test_text_mismatch_products_carry_a_real_code_of_another_section(tmp_path):
    import random

    from hsguard.sample import load_material

    generate(300, tmp_path, seed=3)
    tariff = Tariff()
    material, review = load_material(tariff, random.Random(0))
    true_code = {m.description: m.code for m in material + review}
    products = pl.read_csv(tmp_path / "products.csv", infer_schema=False).fill_null("")
    labels = pl.read_csv(tmp_path / "labels.csv", infer_schema=False).fill_null("")
    skus = set(labels.filter(pl.col("check_code") == "HS_TEXT_MISMATCH")["id"])
    assert len(skus) == 6
    for row in products.filter(pl.col("sku").is_in(list(skus))).iter_rows(named=True):
        declared = strip_separators(row["hts_code"])
        assert declared in tariff.declarable
        assert strip_separators(row["cn_code"])[:6] == declared[:6]  # no cross-scheme clash
        assert row["ruling_ref"] == ""  # no ruling conflict
        assert _section(declared) != _section(true_code[row["description"]])


def test_a_near_match_changes_one_letter_of_a_word_of_six_or_more_letters():
    # the longest word counted in letters, legal-form words aside ("AL-WADI," is a 4-letter word)
    assert near_match("AL-WADI, Faysal") == "AL-WADI, Fayxal"
    assert near_match("HODA SHIPPING COMPANY LIMITED") == "HODA SHIPxING COMPANY LIMITED"
    # a short name keeps its letters: one changed letter in 3 to 5 is another name
    assert near_match("LIMITED LIABILITY COMPANY RAK") == "LIMITED LIABILITY COMPANY RAK"
    assert near_match("LIMITED LIABILITY COMPANY AYAKS") == "LIMITED LIABILITY COMPANY AYAKS"
