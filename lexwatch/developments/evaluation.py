"""Pairwise precision and recall of a grouping against labels (the measure EMM-style story
clustering is judged by): every pair of labelled items either shares a label or not, and either
lands in one predicted group or not."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations


@dataclass
class PairScore:
    true_pairs: int = 0        # pairs the labels put together
    predicted_pairs: int = 0   # pairs the grouping put together
    correct_pairs: int = 0     # both

    def __iadd__(self, other: "PairScore") -> "PairScore":
        self.true_pairs += other.true_pairs
        self.predicted_pairs += other.predicted_pairs
        self.correct_pairs += other.correct_pairs
        return self

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def pair_score(labels: dict[str, str], predicted: dict[str, str]) -> PairScore:
    """labels / predicted: item id -> group label; scored over the items `labels` names."""
    score = PairScore()
    for a, b in combinations(sorted(labels), 2):
        same_true = labels[a] == labels[b]
        same_pred = a in predicted and b in predicted and predicted[a] == predicted[b]
        score.true_pairs += same_true
        score.predicted_pairs += same_pred
        score.correct_pairs += same_true and same_pred
    return score
