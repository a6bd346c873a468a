"""The three real page extracts (tests/data/seeds, copied from shared/seeds) analyze as a policy
analyst reads them."""
import re
from pathlib import Path

from lexwatch.nlp import analyze_text

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"


def seed(prefix: str) -> str:
    files = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert files, f"seed {prefix} missing from {SEEDS}"
    # The seed files open with a ' date YYYY-MM-DD' header of the extract, not article text.
    return re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s*", "", files[0].read_text(encoding="utf-8"))


def penalties(article):
    return {(p["kind"], p["min"], p["max"], p["unit"],
             tuple(p["equivalent"].values()) if p["equivalent"] else None) for p in article.deepfake["penalties"]}


def test_report_seed():
    a = analyze_text(seed("000"), "https://report.az/en/milli-majlis/azerbaijan-may-criminalize-ai/")
    assert a.language == "en"
    assert a.deepfake["relevant"]
    assert a.deepfake["jurisdictions"] == ["AZ"]
    assert penalties(a) == {("fine", 3000, 7000, "AZN", None), ("community_service", None, 480, "hours", None),
                            ("imprisonment", None, 3, "years", None), ("imprisonment", 3, 5, "years", None),
                            ("imprisonment", 3, 7, "years", None)}
    assert "Milli Majlis" in a.deepfake["bodies"]
    assert "labeling" in a.deepfake["obligations"]


def test_kazinform_seed():
    a = analyze_text(seed("001"), "https://www.inform.kz/ru/dipfeyki-mvd")
    assert a.language == "ru"
    assert a.deepfake["relevant"]
    assert a.deepfake["jurisdictions"] == ["KZ"]
    assert a.deepfake["stage"] == "guidance"
    assert penalties(a) == {("imprisonment", None, 7, "years", None)}
    instruments = {(i["name"], i["article"], i["part"]) for i in a.deepfake["instruments"]}
    assert {("Criminal Code", "147", None), ("Civil Code", "145", "2")} <= instruments


def test_kursiv_seed():
    a = analyze_text(seed("002"), "https://kz.kursiv.media/2025-07-07/shtrafy-za-dipfeyki/")
    assert a.language == "ru"
    assert a.deepfake["relevant"]
    assert a.deepfake["jurisdictions"] == ["KZ"]
    # 'almost 400 thousand tenge' restates the same bound: one penalty, with its tenge equivalent
    assert penalties(a) == {("fine", 15, 100, "MRP", (59000, 393000, "KZT"))}
