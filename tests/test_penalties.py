"""lexwatch/penalties.py: the one penalty wording, in each language, with equivalents and the
aggravated parts of an offence grouped."""
import pytest

from lexwatch.penalties import LANGUAGES, amount_range, penalties_short

MRP_FINE = {"kind": "fine", "min": None, "max": 100, "unit": "MRP",
            "equivalent": {"min": None, "max": 393200, "unit": "KZT"}}
PRISON = {"kind": "imprisonment", "min": None, "max": 3, "unit": "years"}
AGGRAVATED = [{"kind": "imprisonment", "min": 3, "max": 5, "unit": "years"},
              {"kind": "imprisonment", "min": 3, "max": 7, "unit": "years"}]
AZN_FINE = {"kind": "fine", "min": 3000, "max": 7000, "unit": "AZN"}


@pytest.mark.parametrize("lang, expected", [
    ("en", "fine up to 100 MRP (≈ up to 393,200 KZT); prison up to 3 years; 3–5 and 3–7 years aggravated"),
    ("ru", "штраф до 100 MRP (≈ до 393\u00a0200 KZT); лишение свободы до 3 лет; "
           "3–5 и 3–7 лет при отягчающих обстоятельствах"),
    ("az", "cərimə ən çoxu 100 MRP (≈ ən çoxu 393\u00a0200 KZT); azadlıqdan məhrumetmə ən çoxu 3 il; "
           "ağırlaşdırıcı hallarda 3–5 və 3–7 il"),
    ("kk", "айыппұл ең көбі 100 MRP (≈ ең көбі 393\u00a0200 KZT); бас бостандығынан айыру ең көбі 3 жыл; "
           "ауырлататын мән-жайларда 3–5 және 3–7 жыл"),
])
def test_each_language_words_equivalents_and_aggravated_parts(lang, expected):
    assert penalties_short([MRP_FINE, PRISON, *AGGRAVATED], lang) == expected


def test_the_aggravated_parts_follow_their_offence_wherever_the_page_listed_them():
    assert penalties_short([PRISON, AZN_FINE, AGGRAVATED[0], AGGRAVATED[0]]) == \
        "prison up to 3 years; 3–5 years aggravated; fine 3,000–7,000 AZN"


def test_equivalents_of_aggravated_fines_are_grouped_like_their_amounts():
    higher = [{"kind": "fine", "min": 200, "max": 300, "unit": "MRP",
               "equivalent": {"min": 786400, "max": 1179600, "unit": "KZT"}},
              {"kind": "fine", "min": 300, "max": 500, "unit": "MRP",
               "equivalent": {"min": 1179600, "max": 1966000, "unit": "KZT"}}]
    assert penalties_short([MRP_FINE, *higher]) == (
        "fine up to 100 MRP (≈ up to 393,200 KZT); "
        "200–300 and 300–500 MRP (≈ 786,400–1,179,600 and 1,179,600–1,966,000 KZT) aggravated")


def test_penalties_that_do_not_go_above_the_first_stay_separate():
    lower = {"kind": "imprisonment", "min": None, "max": 2, "unit": "years"}
    assert penalties_short([PRISON, lower]) == "prison up to 3 years; prison up to 2 years"
    assert penalties_short([PRISON, lower], "ru") == "лишение свободы до 3 лет; лишение свободы до 2 лет"


@pytest.mark.parametrize("lang, expected", [
    ("en", "prison 1 year; correctional labour 2–24 months; arrest at least 21 days; fine 500.5 EUR"),
    ("ru", "лишение свободы 1 год; исправительные работы 2–24 месяца; арест от 21 дня; штраф 500,5 EUR"),
    ("az", "azadlıqdan məhrumetmə 1 il; islah işləri 2–24 ay; inzibati həbs ən azı 21 gün; cərimə 500,5 EUR"),
    ("kk", "бас бостандығынан айыру 1 жыл; түзеу жұмыстары 2–24 ай; қамаққа алу ең кемі 21 күн; "
           "айыппұл 500,5 EUR"),
])
def test_units_take_the_form_their_number_asks_for(lang, expected):
    assert penalties_short([{"kind": "imprisonment", "min": 1, "max": 1, "unit": "years"},
                            {"kind": "correctional_labour", "min": 2, "max": 24, "unit": "months"},
                            {"kind": "arrest", "min": 21, "max": None, "unit": "days"},
                            {"kind": "fine", "min": 500.5, "max": 500.5, "unit": "EUR"}], lang) == expected


def test_nothing_to_say_and_an_unknown_language():
    assert all(penalties_short([], lang) == "" for lang in LANGUAGES)
    assert penalties_short(None) == ""
    assert penalties_short([{"kind": "other", "min": None, "max": None, "unit": "AZN"}]) == "penalty"
    with pytest.raises(ValueError, match="not 'de'"):
        penalties_short([PRISON], "de")


def test_amount_range_is_the_same_wording_for_the_page_table():
    assert amount_range(None, 393200, "KZT") == "up to 393,200 KZT"
    assert amount_range(3, 7, "years", "ru") == "3–7 лет"


def test_every_surface_prints_this_one_wording():
    """CLI search and demo, CSV export, web page and API, digests: all the same function; no second
    wording anywhere in the package."""
    import importlib
    import pathlib

    import lexwatch
    from lexwatch import penalties
    for name in ("lexwatch.commands.search", "lexwatch.commands.demo", "lexwatch.export.text_formats",
                 "lexwatch.web.format", "lexwatch.web.api", "lexwatch.alerts.digest"):
        assert importlib.import_module(name).penalties_short is penalties.penalties_short, name
    root = pathlib.Path(lexwatch.__file__).parent
    wording = [str(p.relative_to(root)) for p in root.rglob("*.py")
               if "def penalt" in p.read_text(encoding="utf-8")]
    assert wording == ["penalties.py"]
