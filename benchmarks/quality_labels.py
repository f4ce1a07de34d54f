"""Quality methods on hand-labelled Japanese web paragraphs, all cross-validated the same way.

mc4-ja-quality-annotations/annotations-dev.txt: 838 paragraphs labelled good/bad by hand.
10-fold cross-validation grouped so that copies of a text (after whitespace normalisation)
never sit on both sides, seeded; balanced accuracy = mean of good kept and bad removed.
A trained method's threshold is chosen on its training folds only (out-of-fold scores of
the training texts where the method fits them). Rows:
- each shipped chain, each paragraph a one-paragraph document (no training: the same
  decisions in every fold);
- HojiChar's standard Japanese document filters;
- TF-IDF character 1-3-grams + logistic regression, C chosen by inner 3-fold CV (anchor);
- fastText as `corpus train-classifier` trains it by default (characters + bigrams);
- the linear model of `corpus train-classifier --kind linear` (TF-IDF of hashed character
  1-3-grams + logistic regression, C chosen by inner 3-fold CV of the training folds);
- the teacher (corpus.quality.teacher), its character model trained on the Wikipedia head;
- students trained on the teacher's labels of the training folds: fastText and the
  linear model;
- reference-trained fastText: Wikipedia paragraphs (good) against the training folds' web
  paragraphs (bad, whatever their label), as Swallow's Wikipedia classifier.
Then speed on one core (paragraphs/s, median of runs).

    python benchmarks/quality_labels.py [--fixtures DIR] [--folds 10] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hojichar
from fixture_warc import DEFAULT_FIXTURES
from hojichar.filters import document_filters as hf
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from corpus.filters.chain import FilterChain
from corpus.filters.classifier import fasttext_tokens
from corpus.filters.config import DEFAULT_CHAIN, FilterConfig
from corpus.quality.char_lm import CharLanguageModel
from corpus.quality.classifier_training import FastTextTrainer
from corpus.quality.evaluation import (
    GOOD,
    Outcome,
    best_threshold,
    cross_val_train_scores,
    cross_validate,
)
from corpus.quality.labelled import Example, read_labelled
from corpus.quality.linear_training import fit_linear
from corpus.quality.reference import reference_paragraphs
from corpus.quality.teacher import train_teacher
from corpus.schema import Document, Paragraph

REPO = Path(__file__).resolve().parents[1]
ANNOTATIONS = "ja_text/mc4-ja-quality-annotations/annotations-dev.txt"
WIKIPEDIA = "ja_text/jawiki-truncated/jawiki-truncated-100k.xml.xz"
CHAINS = {
    "default chain": (DEFAULT_CHAIN, []),
    "llm-jp-v2 chain without KenLM": (
        REPO / "configs/filters/llm-jp-v2.yaml",
        ["KenLMParagraphPerplexity", "KenLMDocAvgPerplexity"],
    ),
    "fineweb2-ja chain": (REPO / "configs/filters/fineweb2-ja.yaml", []),
}
ANCHOR_C = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
FASTTEXT = {
    "epoch": 25,
    "wordNgrams": 2,
    "lr": 0.25,
    "dim": 50,
    "bucket": 200_000,
    "minn": 0,
    "maxn": 0,
}
"""`corpus train-classifier`'s defaults."""
STUDENT_FASTTEXT = FASTTEXT
"""Tokens are characters, so wordNgrams 2 gives character 1-2-grams; fastText's subwords
(minn/maxn) of one-character tokens add nothing."""


def hojichar_filters() -> hojichar.Compose:
    """HojiChar's Japanese document filters that need no extra install, defaults kept."""
    return hojichar.Compose(
        [
            hf.AcceptJapanese(),
            hf.DocumentLengthFilter(min_doc_len=50),
            hf.DiscardRareKuten(),
            hf.DiscardAds(),
            hf.DiscardBBSComments(),
            hf.DiscardAdultContentJa(),
            hf.DiscardDiscriminationContentJa(),
            hf.DiscardViolenceContentJa(),
            hf.DiscardTooManyEndingEllipsis(),
            hf.CharRepetitionRatioFilter(),
        ]
    )


def fasttext_model(texts: list[str], labels: list[str], parameters: dict[str, Any]) -> Any:
    """Trained in a fresh worker process, as `corpus train-classifier` does (fastText 0.9.3
    diverges now and then in a long-lived one)."""
    examples = [Example(t, label, 0) for t, label in zip(texts, labels, strict=True)]
    with tempfile.TemporaryDirectory() as scratch:
        trainer = FastTextTrainer(
            {**parameters, "seed": 1, "thread": 1, "verbose": 0}, Path(scratch)
        )
        try:
            return trainer.train(examples, Path(scratch) / "model.bin")
        finally:
            trainer.close()


def p_good(model: Any, texts: list[str]) -> list[float]:
    names, values = model.predict([fasttext_tokens(t) for t in texts], k=-1)
    return [
        float(dict(zip(n, v, strict=True)).get(f"__label__{GOOD}", 0.0))
        for n, v in zip(names, values, strict=True)
    ]


def fasttext_scorer(parameters: dict[str, Any]) -> Callable:
    def fit_score(train: list[str], labels: list[str], test: list[str]) -> list[float]:
        return p_good(fasttext_model(train, labels, parameters), test)

    def scorer(train: list[str], labels: list[str], test: list[str]) -> tuple:
        return cross_val_train_scores(train, labels, fit_score, 3), fit_score(train, labels, test)

    return scorer


def tfidf_lr(cs: tuple[float, ...]) -> Callable:
    """Scores of logistic regressions on TF-IDF char 1-3-grams, one list per C (the
    vectoriser is fitted once for them all)."""

    def fit_score(train: list[str], labels: list[str], test: list[str]) -> list:
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        x_train = vectorizer.fit_transform(train)
        x_test = vectorizer.transform(test)
        target = [lb == GOOD for lb in labels]
        return [
            tuple(
                LogisticRegression(C=c, solver="liblinear", class_weight="balanced")
                .fit(x_train, target)
                .decision_function(x_test)
            )
            for c in cs
        ]

    def transposed(train: list[str], labels: list[str], test: list[str]) -> list:
        return list(zip(*fit_score(train, labels, test), strict=True))

    return transposed


def anchor(train: list[str], labels: list[str], test: list[str]) -> tuple:
    """TF-IDF char 1-3 + LR with C chosen by inner CV; threshold on the inner OOF scores."""
    inner = cross_val_train_scores(train, labels, tfidf_lr(ANCHOR_C), 3)
    values = [threshold_outcome([s[k] for s in inner], labels) for k in range(len(ANCHOR_C))]
    best = values.index(max(values))
    test_scores = [s[0] for s in tfidf_lr((ANCHOR_C[best],))(train, labels, test)]
    return [s[best] for s in inner], test_scores


def threshold_outcome(scores: list[float], labels: list[str]) -> float:
    """Balanced accuracy at the best threshold on `scores` (ranks C values)."""
    threshold = best_threshold(scores, labels)
    return Outcome.of(labels, [s >= threshold for s in scores]).balanced_accuracy


class TeacherAndStudents:
    """Per fold: the teacher, then students on the teacher's labels of the training texts
    (its scores of them come from out-of-fold text models, cut at its chosen threshold)."""

    def __init__(self, lm: CharLanguageModel) -> None:
        self.lm = lm
        self.folds: dict[str, list[tuple[list[float], list[float]]]] = {}

    def teacher(self, train: list[str], labels: list[str], test: list[str]) -> tuple:
        model, train_scores = train_teacher(train, labels, self.lm)
        test_scores = model.score(test)
        threshold = best_threshold(train_scores, labels)
        taught = [GOOD if s >= threshold else "bad" for s in train_scores]
        fasttext_student = fasttext_scorer(STUDENT_FASTTEXT)
        self.folds.setdefault("student fastText", []).append(fasttext_student(train, taught, test))
        self.folds.setdefault("student linear", []).append(linear_scorer(train, taught, test))
        return train_scores, test_scores


def linear_model(texts: list[str], labels: list[str], c: float | None = None) -> Any:
    examples = [Example(t, label, 0) for t, label in zip(texts, labels, strict=True)]
    return fit_linear(examples, GOOD, c, seed=1)


def linear_scorer(train: list[str], labels: list[str], test: list[str]) -> tuple:
    """The linear model as `train-classifier --kind linear` fits it (C chosen on the training
    texts); its threshold from out-of-fold scores of the training texts at that C."""
    model, c = linear_model(train, labels)

    def fit_score(part: list[str], part_labels: list[str], held: list[str]) -> list[float]:
        return linear_model(part, part_labels, c)[0].probabilities(held, GOOD)

    return cross_val_train_scores(train, labels, fit_score, 3), model.probabilities(test, GOOD)


def reference_scorer(wikipedia: list[str]) -> Callable:
    def scorer(train: list[str], labels: list[str], test: list[str]) -> tuple:
        positives = wikipedia[: 4 * len(train)]
        model = fasttext_model(
            positives + train, [GOOD] * len(positives) + ["bad"] * len(train), FASTTEXT
        )
        return p_good(model, train), p_good(model, test)

    return scorer


def replay(folds: list[tuple[list[float], list[float]]]) -> Callable:
    """A scorer that hands back, fold by fold, scores computed during the teacher's run."""
    parts = iter(folds)
    return lambda train, labels, test: next(parts)


def speed(score: Callable[[list[str]], Any], texts: list[str], runs: int = 5) -> float:
    """Paragraphs per second of CPU time (this process, one thread), median of `runs`."""
    rates = []
    for _ in range(runs):
        start = time.process_time()
        score(texts)
        rates.append(len(texts) / max(time.process_time() - start, 1e-9))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    examples = read_labelled(args.fixtures / ANNOTATIONS)
    texts = [e.text for e in examples]
    labels = [e.label for e in examples]
    print(f"{len(examples)} paragraphs, {labels.count(GOOD)} good; {args.folds}-fold grouped CV")
    rows: list[tuple[str, Outcome]] = []

    for name, (path, skip) in CHAINS.items():
        chain = FilterChain.from_entries(FilterConfig(chain=str(path), skip=skip).chain)
        chain.setup()
        kept = [
            not chain.apply(
                Document(id=str(i), language="ja", paragraphs=[Paragraph(t)])
            ).removed_by
            for i, t in enumerate(texts)
        ]
        rows.append((name, Outcome.of(labels, kept)))
    hojichar_chain = hojichar_filters()
    kept = [not hojichar_chain.apply(hojichar.Document(t)).is_rejected for t in texts]
    rows.append(("HojiChar Japanese document filters", Outcome.of(labels, kept)))

    def cv(name: str, scorer: Callable) -> None:
        result = cross_validate(texts, labels, scorer, args.folds, args.seed)
        rows.append((name, result.outcome))
        print(f"  {name}: {result.outcome.balanced_accuracy:.3f}", flush=True)

    cv("TF-IDF char 1-3 + LR, C by inner CV (anchor)", anchor)
    cv("fastText, train-classifier defaults", fasttext_scorer(FASTTEXT))
    cv("linear, train-classifier --kind linear", linear_scorer)
    wikipedia = reference_paragraphs([str(args.fixtures / WIKIPEDIA)])
    random.Random(args.seed).shuffle(wikipedia)
    lm = CharLanguageModel(wikipedia)
    run = TeacherAndStudents(lm)
    cv("teacher (stacked char, word, hand + char LM)", run.teacher)
    for name, folds in run.folds.items():
        cv(f"{name} (teacher's labels)", replay(folds))
    cv("reference-trained fastText (Wikipedia vs web)", reference_scorer(wikipedia))

    print(f"\n{'method':<52}{'good kept':>10}{'bad removed':>12}{'balanced':>10}")
    for name, outcome in rows:
        print(
            f"{name:<52}{outcome.good_kept / outcome.good:>10.3f}"
            f"{outcome.bad_removed / outcome.bad:>12.3f}{outcome.balanced_accuracy:>10.3f}"
        )

    # Speed on all paragraphs, models trained on all of them; CPU time of this process.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    fasttext = fasttext_model(texts, labels, FASTTEXT)
    teacher, _ = train_teacher(texts, labels, lm)
    linear, _ = linear_model(texts, labels)
    print(f"\n{'speed, one core':<52}{'paragraphs/s':>14}")
    for name, score in [
        ("fastText (characters + bigrams)", lambda t: p_good(fasttext, t)),
        ("linear (hashed character 1-3-grams, numpy)", lambda t: linear.probabilities(t, GOOD)),
        ("teacher", teacher.score),
    ]:
        runs = 1 if name == "teacher" else 5
        print(f"{name:<52}{speed(score, texts, runs):>14.0f}")


if __name__ == "__main__":
    main()
