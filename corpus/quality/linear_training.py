"""Training the hashed linear quality model (corpus.filters.hashed_linear): logistic
regression from scikit-learn (the `quality` extra) on the model's TF-IDF vectors of hashed
character 1-3-grams, one label against the other, classes weighted to balance.

Unless given, the inverse regularisation C is chosen among C_GRID by 3-fold cross-validation
of the training texts, grouped by text: the C whose out-of-fold scores reach the best
balanced accuracy at their best threshold.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from corpus.filters.hashed_linear import BITS, HashedLinearModel, ngram_buckets
from corpus.quality.evaluation import GOOD, Outcome, best_threshold, cross_val_train_scores
from corpus.quality.labelled import Example

C_GRID = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0)


def require_scikit_learn(user: str) -> None:
    """ValueError saying how to install scikit-learn when it is not installed."""
    if importlib.util.find_spec("sklearn") is None:
        raise ValueError(
            f"{user} needs scikit-learn: install the `quality` extra "
            "(pip install 'corpus[quality]')"
        )


def _counts(texts: list[str]) -> Any:
    """The texts' bucket counts as a scipy sparse matrix, a row per text (one or more)."""
    from scipy.sparse import csr_matrix

    rows = [ngram_buckets(text) for text in texts]
    indptr = np.cumsum([0] + [len(buckets) for buckets, _ in rows])
    indices = np.concatenate([buckets for buckets, _ in rows])
    counts = np.concatenate([counts for _, counts in rows])
    return csr_matrix(
        (counts.astype(np.float64), indices.astype(np.int64), indptr), shape=(len(texts), 2**BITS)
    )


def _fit(
    texts: list[str], good: list[bool], c: float, labels: tuple[str, str]
) -> HashedLinearModel:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize

    counts = _counts(texts)
    documents = np.bincount(counts.indices, minlength=2**BITS)
    unseen_idf = math.log(1 + len(texts)) + 1
    idf = np.full(2**BITS, unseen_idf)
    seen = documents > 0
    idf[seen] = np.log((1 + len(texts)) / (1 + documents[seen])) + 1
    counts.data = (1 + np.log(counts.data)) * idf[counts.indices]
    regression = LogisticRegression(
        C=c, solver="liblinear", class_weight="balanced", random_state=0
    )
    regression.fit(normalize(counts), good)
    weights = regression.coef_[0]
    return HashedLinearModel(weights, idf, unseen_idf, float(regression.intercept_[0]), labels)


def _scores(c: float) -> Callable[[list[str], list[str], list[str]], list[float]]:
    def fit_score(train: list[str], labels: list[str], test: list[str]) -> list[float]:
        model = _fit(train, [label == GOOD for label in labels], c, ("bad", GOOD))
        return model.probabilities(test, GOOD)

    return fit_score


def chosen_c(texts: list[str], good: list[bool], seed: int) -> float:
    """The C of C_GRID with the best balanced accuracy in grouped 3-fold cross-validation."""
    labels = [GOOD if g else "bad" for g in good]
    accuracy = []
    for c in C_GRID:
        scores = cross_val_train_scores(texts, labels, _scores(c), 3, seed)
        kept = [s >= best_threshold(scores, labels) for s in scores]
        accuracy.append(Outcome.of(labels, kept).balanced_accuracy)
    return C_GRID[accuracy.index(max(accuracy))]


def fit_linear(
    examples: list[Example], positive: str, c: float | None = None, seed: int = 0
) -> tuple[HashedLinearModel, float]:
    """The model of `positive` against the one other label of `examples`, and its C (chosen
    by chosen_c when None); ValueError unless there are exactly two labels."""
    labels = sorted({e.label for e in examples})
    if len(labels) != 2 or positive not in labels:
        raise ValueError(
            f"a linear model needs two labels, {positive!r} and one other; the data has {labels}"
        )
    negative = labels[0] if labels[1] == positive else labels[1]
    texts = [e.text for e in examples]
    good = [e.label == positive for e in examples]
    if c is None:
        c = chosen_c(texts, good, seed)
    return _fit(texts, good, c, (negative, positive)), c


class LinearTrainer:
    """Fits and saves hashed linear models with fixed settings (the C of each fit chosen on
    its own examples unless given): what corpus.quality.classifier_training calls."""

    def __init__(self, positive: str, c: float | None, seed: int) -> None:
        require_scikit_learn("a linear model")
        self.positive = positive
        self.c = c
        self.seed = seed
        self.last_c: float | None = None

    def fit(self, examples: list[Example], output: Path) -> Callable[[list[str]], list[dict]]:
        model, self.last_c = fit_linear(examples, self.positive, self.c, self.seed)
        model.save(output)
        negative, positive = model.labels

        def probabilities(texts: list[str]) -> list[dict[str, float]]:
            return [{negative: 1 - p, positive: p} for p in model.probabilities(texts, positive)]

        return probabilities
