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


# --- the real-reporting set (tests/data/eval/real): written from public reporting, split once ---

# The floors on the frozen test split (the goal). Scored, never tuned on: a change to the
# rules is judged here at its end, with only the dev batches read while making it.
REAL_TEST_GOALS = {
    "relevance_f1": 0.95,
    "stage_accuracy": 0.85,
    "jurisdictions_f1": 0.92,
    "penalties_kmu_f1": 0.90,     # kind, max, unit
    "language_body_accuracy": 1.0,
}
# What the rules reach on the test split today (EVALUATION.md: relevance, stage and jurisdictions
# are still below the goal). The enforced floor is the goal where it is met and the measured score
# where it is not, so no change may make the test split worse; raise these with every gain.
REAL_TEST_FLOORS = {
    "relevance_f1": 0.92,
    "stage_accuracy": 0.82,
    "jurisdictions_f1": 0.90,
    "penalties_kmu_f1": 0.90,
    "language_body_accuracy": 1.0,
}
# sha256 over the test split's sources (file name + bytes, sorted): the split is frozen.
REAL_TEST_SOURCES_SHA256 = "6aff9ec7de94c1b3ed8cbd5972a7fa548843ab5df60ddaef78d011df59a17dc8"


def _real_labels():
    import json
    from lexwatch.nlp.evaluation import REAL_DIR
    return {split: json.loads((REAL_DIR / split / "labels.json").read_text(encoding="utf-8"))
            for split in ("dev", "test")}


def test_real_set_is_large_balanced_and_split_once():
    import json
    from lexwatch.nlp.evaluation import REAL_DIR
    by_split = _real_labels()
    labels = {**by_split["dev"], **by_split["test"]}
    assert len(labels) == len(by_split["dev"]) + len(by_split["test"]) >= 130   # no id in both splits
    for lang, least in (("az", 25), ("ru", 25), ("en", 25), ("kk", 18)):
        assert sum(1 for x in labels.values() if x["language"] == lang) >= least, lang
    assert sum(1 for x in labels.values() if not x["relevant"]) >= 45
    assert len(by_split["test"]) >= 55
    record = json.loads((REAL_DIR / "split.json").read_text(encoding="utf-8"))
    assert record["seed"] == 18
    assert record["documents"] == {doc_id: split for split, docs in by_split.items() for doc_id in docs}
    for split, docs in by_split.items():
        assert {x["split"] for x in docs.values()} == {split}
        # stratified: both splits hold relevant and irrelevant documents of every language
        assert {(x["language"], x["relevant"]) for x in docs.values()} == {
            (lang, rel) for lang in ("az", "ru", "en", "kk") for rel in (True, False)}
    positives = [x for x in labels.values() if x["relevant"]]
    assert {x["stage"] for x in positives} == {"proposal", "committee", "reading", "adopted", "signed",
                                               "in_force", "guidance", "enforcement"}
    assert {"AZ", "KZ", "UZ", "KG", "RU", "US", "KR", "CN", "EU", "GB", "TR"} <= {
        j for x in positives for j in x["jurisdictions"]}


def test_real_test_split_is_frozen():
    import hashlib
    from lexwatch.nlp.evaluation import REAL_DIR
    digest = hashlib.sha256()
    for path in sorted((REAL_DIR / "test").glob("real_*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    assert digest.hexdigest() == REAL_TEST_SOURCES_SHA256, (
        "the frozen test split changed: its documents and labels are never edited to fit the rules")


def test_eval_sets_and_splits_resolve_to_folders():
    from lexwatch.nlp.evaluation import DEFAULT_DIR, REAL_DIR, eval_dirs
    assert eval_dirs() == [DEFAULT_DIR]
    assert eval_dirs("real", "test") == [REAL_DIR / "test"]
    assert eval_dirs("real", "all") == [REAL_DIR / "dev", REAL_DIR / "test"]
    assert eval_dirs("all", "dev") == [DEFAULT_DIR, REAL_DIR / "dev"]
    with pytest.raises(ValueError, match="unknown split 'tset'"):
        eval_dirs("real", "tset")
    with pytest.raises(ValueError, match="original set has no test split"):
        eval_dirs("original", "test")


@pytest.fixture(scope="module")
def real_test_result():
    from lexwatch.nlp.evaluation import eval_dirs
    return evaluate(eval_dirs("real", "test"))


def test_real_test_split_floors(real_test_result):
    r = real_test_result
    measured = {
        "relevance_f1": r["fields"]["relevance"]["f1"],
        "stage_accuracy": r["stage_accuracy"],
        "jurisdictions_f1": r["fields"]["jurisdictions"]["f1"],
        "penalties_kmu_f1": r["fields"]["penalties_kmu"]["f1"],
        "language_body_accuracy": r["language_body_accuracy"],
    }
    assert all(REAL_TEST_FLOORS[k] <= REAL_TEST_GOALS[k] for k in REAL_TEST_GOALS)
    below = {k: (v, REAL_TEST_FLOORS[k]) for k, v in measured.items() if v < REAL_TEST_FLOORS[k]}
    assert not below, f"below the floor (measured, floor): {below}; {len(r['errors'])} documents with errors"


def test_report_lists_errors_per_document_and_a_stage_confusion(tmp_path):
    """A two-document labelled folder run through the real pipeline: one right, one mislabelled on
    purpose (its stage), so the confusion matrix and the per-document listing must show it."""
    import json
    from lexwatch.nlp.evaluation import format_report
    (tmp_path / "texts").mkdir()
    body = ("Mazhilis passes AI law in second reading\n\nMembers of the Mazhilis approved the draft law on "
            "artificial intelligence in the second reading. The law bans deepfakes made without consent.")
    (tmp_path / "texts" / "a.txt").write_text(body, encoding="utf-8")
    (tmp_path / "texts" / "b.txt").write_text(body, encoding="utf-8")
    gold = {"url": "", "outlet": "kazinform", "language": "en", "title": body.split("\n")[0], "relevant": True,
            "stage": "reading", "reading": 2, "jurisdictions": ["KZ"], "penalties": [], "instruments": [
                {"name": "Law on Artificial Intelligence", "article": None, "part": None}], "published_at": None}
    labels = {"a": {**gold, "file": "texts/a.txt"}, "b": {**gold, "file": "texts/b.txt", "stage": "signed", "reading": None}}
    (tmp_path / "labels.json").write_text(json.dumps(labels), encoding="utf-8")
    r = evaluate(tmp_path)
    assert r["stage_confusion"] == {"reading": {"reading": 1}, "signed": {"reading": 1}}
    assert list(r["errors"]) == ["b"] and r["errors"]["b"] == ["stage reading/2, expected signed/None"]
    report = format_report(r, errors=True)
    assert "| labelled \\ predicted | reading | signed |" in report and "| signed | 1 | . |" in report
    assert "errors, document by document (1 of 2 documents):\n- b\n    stage reading/2, expected signed/None" in report
