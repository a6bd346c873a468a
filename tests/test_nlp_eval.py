"""Quality floors on the labelled evaluation set (tests/data/eval): a change that makes the
pipeline worse on relevance, stage, penalties, language ID or dates fails here."""
import pytest

from lexwatch.nlp.evaluation import evaluate


@pytest.fixture(scope="module")
def result():
    return evaluate()


def test_set_is_large_and_balanced():
    import json
    from lexwatch.nlp.evaluation import DEFAULT_DIR
    labels = json.loads((DEFAULT_DIR / "labels.json").read_text(encoding="utf-8"))
    assert len(labels) >= 60
    for lang in ("az", "ru", "en"):
        assert sum(1 for x in labels.values() if x["language"] == lang) >= 15
    positives = [x for x in labels.values() if x["relevant"]]
    assert 0.35 <= len(positives) / len(labels) <= 0.65   # about half: the rest are hard negatives
    assert {x["stage"] for x in positives} == {"proposal", "committee", "reading", "adopted", "signed",
                                               "in_force", "guidance", "enforcement"}
    assert len({j for x in positives for j in x["jurisdictions"]}) >= 6


def test_relevance_f1(result):
    assert result["fields"]["relevance"]["f1"] >= 0.95, result["failures"]


def test_stage_accuracy(result):
    assert result["stage_accuracy"] >= 0.85, result["failures"]


def test_penalty_f1(result):
    assert result["fields"]["penalties"]["f1"] >= 0.9, result["failures"]


def test_language_identification(result):
    assert result["language_body_accuracy"] == 1.0, result["failures"]
    assert result["language_title_accuracy"] >= 0.95, result["failures"]


def test_published_dates(result):
    assert result["date_accuracy"] >= 0.95, result["failures"]


def test_no_sidebar_text_in_bodies(result):
    assert result["sidebar_leaks"] == 0, result["failures"]
