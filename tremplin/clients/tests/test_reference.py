import csv

from tremplin.clients.reference import (
    DATA_DIR,
    LANGUAGES,
    country_choices,
    country_name,
    language_choices,
    noc_get,
    noc_occupations,
    noc_search,
)
from tremplin.core.text import fold


def test_noc_file_is_valid():
    with (DATA_DIR / "noc_2021_subset.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)) >= 200
    for row in rows:
        assert set(row) == {"code", "title_en", "title_fr"}
        assert len(row["code"]) == 5 and row["code"].isdigit()
        assert row["code"][1] in "012345", "the second digit is the TEER category"
        assert row["title_en"].strip() and row["title_fr"].strip()


def test_noc_lookup_and_search_in_both_languages():
    assert noc_get("21231").title("fr") == "Ingénieurs et concepteurs en logiciel"
    assert noc_get("21231").teer == 1
    assert noc_get("99999") is None
    assert [o.code for o in noc_search("COOKS")] == ["63200"]
    assert "31301" in [o.code for o in noc_search("infirmiers autorises")]
    assert noc_search("  ") == []
    assert len(noc_occupations()) >= 200


def test_fold_removes_accents_and_case():
    assert fold("  Aïcha  DIALLO-Étienne ") == "aicha diallo-etienne"


def test_languages_show_their_own_name_with_official_languages_first():
    choices = language_choices()
    assert choices[:2] == [("en", "English"), ("fr", "Français")]
    assert dict(choices)["uk"] == "Українська"
    assert len(LANGUAGES) > 100


def test_countries_in_english_and_french():
    assert ("SY", "Syrie") in country_choices("fr")
    assert country_name("PH", "en") == "Philippines"
    assert country_name("", "en") == ""
