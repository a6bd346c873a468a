"""The grouping goals of issue 19 on the labelled grouping set (tests/data/developments/grouping.yaml):
pairwise precision >= 0.95 and recall >= 0.90 for developments, >= 0.90 / >= 0.85 for instrument
tracks, pooled over its three sets. EVALUATION.md reports the figures."""
from __future__ import annotations

import pytest

from lexwatch.developments.evaluation import PairScore, pair_score
from lexwatch.developments.grouping import group
from lexwatch.developments.keys import member_of
from tests.developments_data import grouping_sets, heldout_set

GOALS = {"developments": (0.95, 0.90), "tracks": (0.90, 0.85)}


@pytest.fixture(scope="module")
def scores():
    pooled = {"developments": PairScore(), "tracks": PairScore()}
    per_world = {}
    for world, (articles, labels) in grouping_sets().items():
        developments = group([m for m in map(member_of, articles) if m is not None])
        dev_of = {i: d.id for d in developments for i in d.article_ids}
        track_of = {i: d.track_id for d in developments for i in d.article_ids}
        labelled = {i: pair for i, pair in labels.items() if i in dev_of}
        dev = pair_score({i: p[0] for i, p in labelled.items()}, dev_of)
        track = pair_score({i: p[1] for i, p in labelled.items()}, track_of)
        pooled["developments"] += dev
        pooled["tracks"] += track
        per_world[world] = (len(labels), len(labels) - len(labelled), dev, track)
    return pooled, per_world


def test_the_set_is_big_enough_to_mean_something(scores):
    _, per_world = scores
    assert sum(n for n, _, _, _ in per_world.values()) >= 90
    assert all(missed == 0 for _, missed, _, _ in per_world.values())   # the tagger finds every labelled article
    assert per_world["cases"][2].true_pairs >= 8 and per_world["replicas"][3].true_pairs >= 200


@pytest.mark.parametrize("kind", ["developments", "tracks"])
def test_grouping_meets_its_goals(scores, kind):
    pooled, _ = scores
    score = pooled[kind]
    precision, recall = GOALS[kind]
    assert score.precision >= precision, f"{kind}: precision {score.precision:.3f} < {precision}"
    assert score.recall >= recall, f"{kind}: recall {score.recall:.3f} < {recall}"


def test_pair_score_counts_pairs():
    labels = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert pair_score(labels, {"a": 1, "b": 1, "c": 2, "d": 2}).precision == 1.0
    one_group = pair_score(labels, {k: 1 for k in labels})
    assert (one_group.correct_pairs, one_group.predicted_pairs, one_group.true_pairs) == (2, 6, 2)
    split = pair_score(labels, {"a": 1, "b": 2, "c": 3, "d": 3})
    assert split.recall == 0.5 and split.precision == 1.0


def test_held_out_cases_meet_the_goals_too():
    """Written after the rules froze and scored once (EVALUATION.md); a gate, not a set to tune on."""
    articles, labels = heldout_set()
    developments = group([m for m in map(member_of, articles) if m is not None])
    dev_of = {i: d.id for d in developments for i in d.article_ids}
    track_of = {i: d.track_id for d in developments for i in d.article_ids}
    assert set(labels) <= set(dev_of)
    for kind, of, index in (("developments", dev_of, 0), ("tracks", track_of, 1)):
        score = pair_score({i: pair[index] for i, pair in labels.items()}, of)
        precision, recall = GOALS[kind]
        assert score.precision >= precision and score.recall >= recall, (kind, score)
