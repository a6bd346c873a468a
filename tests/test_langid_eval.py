"""`lexwatch eval --langid`: language identification per language on the labelled set, by the pipeline's
detector (lingua) and by langdetect, the comparison that justifies lingua (EVALUATION.md)."""
import json
import subprocess
import sys

import pytest

from lexwatch.nlp.langid_eval import detector, score_langid


def test_lingua_is_at_least_as_accurate_as_langdetect_in_every_language():
    lingua, langdetect = score_langid("lingua"), score_langid("langdetect")
    for kind in ("body", "title"):
        assert set(lingua[kind]) == set(langdetect[kind]) == {"az", "en", "kk", "ru"}
        for lang in lingua[kind]:
            assert lingua[kind][lang] >= langdetect[kind][lang], (kind, lang)
    # langdetect has no Azerbaijani profile: it answers with another language's code
    assert langdetect["body"]["az"] == 0 and "az" in langdetect["wrong_answers"]
    assert lingua["body_accuracy"] >= 0.95 and lingua["title_accuracy"] >= 0.9


def test_cli_prints_the_table_and_refuses_an_unknown_detector():
    run = subprocess.run([sys.executable, "-m", "lexwatch.cli", "eval", "--langid", "langdetect", "--json"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["detector"] == "langdetect"
    bad = subprocess.run([sys.executable, "-m", "lexwatch.cli", "eval", "--langid", "cld3"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "cld3" in bad.stderr
    with pytest.raises(ValueError, match="cld3"):
        detector("cld3")
