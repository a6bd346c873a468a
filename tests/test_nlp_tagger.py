"""Tagger behaviour on sentences phrased unlike the evaluation set: units, number words in three
languages, bounds, money that is not a penalty, readings, and the analyze CLI."""
import json
import subprocess
import sys

import pytest

from lexwatch.nlp import analyze_text


def penalties(text: str) -> set:
    d = analyze_text(text).deepfake
    return {(p["kind"], p["min"], p["max"], p["unit"]) for p in d["penalties"]}


@pytest.mark.parametrize("text,expected", [
    ("Deepfake law proposed\nThe bill on deepfakes makes spreading them punishable by at least two years in jail.",
     {("imprisonment", 2, None, "years")}),
    ("Deepfake penalties\nUnder the draft law, spreading deepfakes is punishable by a fine of between 200 and 400 euros.",
     {("fine", 200, 400, "EUR")}),
    ("Штрафы за дипфейки\nЗаконопроект о дипфейках предусматривает обязательные работы на срок до двухсот сорока часов.",
     {("community_service", None, 240, "hours")}),
    ("Дипфейки\nЗа распространение дипфейков по закону грозит исправительные работы сроком до одного года или штраф не менее 50 МРП.",
     {("correctional_labour", None, 1, "years"), ("fine", 50, None, "MRP")}),
    ("Dipfeyk qanunu\nQanun layihəsinə görə, dipfeyk yayanlar beş yüz manatdan min manatadək cərimə ediləcək.",
     {("fine", 500, 1000, "AZN")}),
    ("Dipfeyk\nDipfeyk videoya görə qanunla iki ildən dörd ilədək azadlıqdan məhrum etmə nəzərdə tutulur.",
     {("imprisonment", 2, 4, "years")}),
])
def test_penalty_grammar(text, expected):
    assert penalties(text) == expected


def test_money_that_is_not_a_penalty():
    text = ("Deepfake law debated\nParliament debated the deepfake bill. Its drafting cost 40,000 manats from the budget, "
            "and a victim's lawyer claimed damages of 10,000 manats, while the bill sets a fine of 700 manats.")
    assert penalties(text) == {("fine", 700, 700, "AZN")}


def test_reading_number_and_final_reading():
    first = analyze_text("Deepfake bill clears first reading\nThe Senate passed the deepfake bill in its first reading.")
    assert (first.deepfake["stage"], first.deepfake["reading"]) == ("reading", 1)
    final = analyze_text("Госдума приняла закон о дипфейках\nДепутаты приняли закон о дипфейках в третьем чтении.")
    assert final.deepfake["stage"] == "adopted" and final.deepfake["jurisdictions"] == ["RU"]


def test_ai_news_without_regulation_is_not_relevant():
    a = analyze_text("AI film premieres\nA studio released a short film made entirely with AI-generated video and a synthetic voice.")
    assert a.deepfake["relevant"] is False and a.deepfake["penalties"] == []


def test_titles_identify_language():
    from lexwatch.nlp.langid import detect_language
    assert detect_language("Dipfeyk videolara görə cərimə") == "az"
    assert detect_language("Дипфейк үшін айыппұл енгізіледі") == "kk"
    assert detect_language("Штрафы за дипфейки вырастут") == "ru"
    assert detect_language("Deepfake fines to rise") == "en"


def test_analyze_cli_prints_article_json_and_fails_cleanly(tmp_path):
    page = tmp_path / "a.html"
    page.write_text("<html><head><title>Deepfake bill | Report.az</title></head><body><article><h1>Deepfake bill</h1>"
                    "<p>The Milli Majlis committee discussed a deepfake bill; offenders would face a fine of 1,000 manats "
                    "under the Criminal Code.</p></article></body></html>", encoding="utf-8")
    code = ("import sys, argparse; from lexwatch.cli import common_options; from lexwatch.commands import analyze;"
            "p = argparse.ArgumentParser(); s = p.add_subparsers(); analyze.register(s, common_options());"
            "a = p.parse_args(sys.argv[1:]);"
            "\ntry:\n sys.exit(a.func(a))\nexcept Exception as e:\n print(type(e).__name__, e, file=sys.stderr); sys.exit(1)")
    ok = subprocess.run([sys.executable, "-c", code, "analyze", str(page), "--url", "https://report.az/en/x/deepfake-bill/"],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert data["outlet"] == "report" and data["deepfake"]["relevant"] is True
    assert data["deepfake"]["penalties"][0]["unit"] == "AZN"
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    bad = subprocess.run([sys.executable, "-c", code, "analyze", str(empty)], capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "AnalyzeError" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
