"""Cross-validated evaluation of a good/bad quality decision.

Folds are grouped: every copy of a text (identical after whitespace normalisation) falls in
one fold, so a model is never tested on a text it trained on. Balanced accuracy is the mean
of the share of good texts kept and of bad texts removed (chance is 0.5 whatever the label
balance). A scoring model's threshold is chosen on the training folds only.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from corpus.quality.labelled import normalised

GOOD = "good"


def grouped_folds(texts: Sequence[str], folds: int, seed: int) -> list[int]:
    """The fold (0 .. folds-1) of each text; copies of a text share one; drawn with `seed`."""
    distinct = list(dict.fromkeys(normalised(t) for t in texts))
    if not 2 <= folds <= len(distinct):
        raise ValueError(f"{folds} folds need between 2 and {len(distinct)} distinct texts")
    random.Random(seed).shuffle(distinct)
    fold_of = {text: i % folds for i, text in enumerate(distinct)}
    return [fold_of[normalised(t)] for t in texts]


@dataclass(frozen=True, slots=True)
class Outcome:
    """How kept/removed decisions match good/bad labels."""

    good: int
    good_kept: int
    bad: int
    bad_removed: int

    @classmethod
    def of(cls, labels: Sequence[str], kept: Sequence[bool]) -> Outcome:
        good = [k for label, k in zip(labels, kept, strict=True) if label == GOOD]
        bad = [k for label, k in zip(labels, kept, strict=True) if label != GOOD]
        return cls(len(good), sum(good), len(bad), len(bad) - sum(bad))

    @property
    def balanced_accuracy(self) -> float:
        return 0.5 * (self.good_kept / max(self.good, 1) + self.bad_removed / max(self.bad, 1))

    @property
    def good_precision(self) -> float:
        """Share of kept texts that are good."""
        kept = self.good_kept + self.bad - self.bad_removed
        return self.good_kept / kept if kept else 0.0

    @property
    def bad_precision(self) -> float:
        """Share of removed texts that are bad."""
        removed = self.bad_removed + self.good - self.good_kept
        return self.bad_removed / removed if removed else 0.0

    def lines(self) -> list[str]:
        return [
            f"{'label':<8}{'texts':>7}{'precision':>11}{'recall':>8}",
            f"{'good':<8}{self.good:>7}{self.good_precision:>11.3f}"
            f"{self.good_kept / max(self.good, 1):>8.3f}",
            f"{'bad':<8}{self.bad:>7}{self.bad_precision:>11.3f}"
            f"{self.bad_removed / max(self.bad, 1):>8.3f}",
            f"balanced accuracy {self.balanced_accuracy:.3f}",
        ]


def best_threshold(scores: Sequence[float], labels: Sequence[str]) -> float:
    """The threshold t (keep when score >= t) with the best balanced accuracy on these
    scores; halfway between neighbouring scores, so it does not sit on a training score."""
    ordered = sorted(set(scores))
    candidates = [ordered[0] - 1.0]
    candidates += [(a + b) / 2 for a, b in itertools.pairwise(ordered)]
    candidates.append(ordered[-1] + 1.0)
    good = sum(label == GOOD for label in labels)
    bad = len(labels) - good
    pairs = sorted(zip(scores, labels, strict=True))
    best, best_value, index, good_below, bad_below = candidates[0], -1.0, 0, 0, 0
    for candidate in candidates:
        while index < len(pairs) and pairs[index][0] < candidate:
            good_below += pairs[index][1] == GOOD
            bad_below += pairs[index][1] != GOOD
            index += 1
        value = 0.5 * ((good - good_below) / max(good, 1) + bad_below / max(bad, 1))
        if value > best_value:
            best, best_value = candidate, value
    return best


Scorer = Callable[[list[str], list[str], list[str]], tuple[list[float], list[float]]]
"""(training texts, their labels, test texts) -> (scores of the training texts, scores of
the test texts); a higher score means better. The training scores choose the threshold, so
they should be out-of-fold (cross_val_train_scores) for a model that fits its data."""


@dataclass(frozen=True, slots=True)
class CrossValidation:
    outcome: Outcome
    thresholds: list[float]
    """The threshold chosen in each fold."""
    scores: list[float]
    """Each text's score from the fold that held it out."""


def cross_validate(
    texts: Sequence[str], labels: Sequence[str], scorer: Scorer, folds: int = 10, seed: int = 0
) -> CrossValidation:
    """Grouped k-fold cross-validation of `scorer`, thresholds chosen on training folds."""
    fold_of = grouped_folds(texts, folds, seed)
    kept = [False] * len(texts)
    scores = [0.0] * len(texts)
    thresholds = []
    for fold in range(folds):
        train = [i for i, f in enumerate(fold_of) if f != fold]
        test = [i for i, f in enumerate(fold_of) if f == fold]
        train_scores, test_scores = scorer(
            [texts[i] for i in train], [labels[i] for i in train], [texts[i] for i in test]
        )
        threshold = best_threshold(train_scores, [labels[i] for i in train])
        thresholds.append(threshold)
        for i, score in zip(test, test_scores, strict=True):
            kept[i] = score >= threshold
            scores[i] = score
    return CrossValidation(Outcome.of(labels, kept), thresholds, scores)


def cross_val_train_scores(
    texts: list[str],
    labels: list[str],
    fit_score: Callable[[list[str], list[str], list[str]], list[float]],
    folds: int = 5,
    seed: int = 1,
) -> list[float]:
    """Out-of-fold scores of the training texts themselves (grouped folds), for choosing a
    threshold or stacking without scoring a text with a model that saw it."""
    fold_of = grouped_folds(texts, folds, seed)
    scores = [0.0] * len(texts)
    for fold in range(folds):
        train = [i for i, f in enumerate(fold_of) if f != fold]
        test = [i for i, f in enumerate(fold_of) if f == fold]
        fold_scores = fit_score(
            [texts[i] for i in train], [labels[i] for i in train], [texts[i] for i in test]
        )
        for i, score in zip(test, fold_scores, strict=True):
            scores[i] = score
    return scores
