"""Training a fastText quality classifier for the FastTextClassifier and QualityClassifier
filters, with its evaluation (what `corpus train-classifier` runs).

Input: examples (corpus.quality.labelled: `text<TAB>label` lines read line by line; a
teacher's scores; reference-vs-web paragraphs). A deterministic part may be held out
(whole texts: copies of one text never straddle the split; 0 trains on everything); the
rest trains the model, which is saved, and the report gives per-label precision and recall
on the held-out part. With `folds`, k-fold cross-validation grouped by text (each fold's
model trained in the same way) gives the balanced accuracy, per-label precision/recall and
the probability threshold of the positive label chosen on the folds' out-of-fold scores.
Beside the model, `<model>.json` records the data's sha256, the command, the parameters
and these figures.

Tokens are characters (classifier.fasttext_tokens) and, with word_ngrams 2, character
bigrams. Measured on the 838 hand-labelled mC4-ja paragraphs of the fixtures (10-fold
cross-validation grouped by text, three shuffles; majority class 0.514), accuracy:
characters 0.724 (lr 0.25) and 0.726 (lr 0.5); characters after NFKC and lower-casing 0.715;
character bigrams as tokens 0.678; after NFKC, MeCab (fugashi) words 0.704, Sudachi mode A
words 0.701, MeCab words with character 1-2-gram subwords 0.722 at twice the time; word_ngrams 3
on characters 0.678; lr 0.1 with 25 epochs 0.59 (not converged). Characters need no
segmenter and are the fastest to prepare.

fastText 0.9.3 as installed here fails with "Encountered NaN" on supervised training with
word_ngrams 1 and no subwords, at any learning rate (on some inputs every time, on others now
and then): word_ngrams must be 2 or more. With thread=1 training is deterministic: the same
data and seed give a byte-identical model. fastText seeds std::minstd_rand, for which seeds 0
and 1 are the same (the held-out draw still differs).
"""

from __future__ import annotations

import multiprocessing
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fasttext

from corpus.filters.classifier import LABEL_PREFIX, fasttext_tokens, label_probabilities
from corpus.quality.config import ModelKind
from corpus.quality.evaluation import GOOD, Outcome, best_threshold, grouped_folds
from corpus.quality.inputs import write_record
from corpus.quality.labelled import Example, normalised
from corpus.quality.labelled import read_labelled as read_examples

LabelProbabilities = Callable[[list[str]], list[dict[str, float]]]
"""A trained model: for each text, the probability of each of its labels (no prefix)."""


def _train_and_save(parameters: dict[str, Any], output: str) -> str | None:
    """fastText's supervised training, the model saved to `output`; the error, if any."""
    try:
        fasttext.train_supervised(**parameters).save_model(output)
    except RuntimeError as error:
        return str(error)
    return None


@dataclass(frozen=True, slots=True)
class LabelScores:
    """Held-out outcomes for one label (the prediction is the most probable label)."""

    actual: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float:
        """correct / predicted; 0.0 when the label was never predicted."""
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """correct / actual; 0.0 when no held-out example has the label."""
        return self.correct / self.actual if self.actual else 0.0


@dataclass(frozen=True, slots=True)
class CrossValidationReport:
    """k-fold cross-validation of the training part, grouped by text.

    Each fold's decision keeps a text when P(positive) >= the threshold with the best
    balanced accuracy on the other folds' out-of-fold probabilities; `threshold` is the
    one chosen on all out-of-fold probabilities, for the model trained on everything."""

    folds: int
    positive: str
    outcome: Outcome
    threshold: float

    def lines(self) -> list[str]:
        return [
            f"{self.folds}-fold cross-validation (grouped by text), {self.positive} kept when "
            f"P({self.positive}) >= the threshold chosen on the other folds:",
            *("  " + line for line in self.outcome.lines()),
            f"threshold chosen on all folds: P({self.positive}) >= {self.threshold:.4f}",
        ]


@dataclass(frozen=True, slots=True)
class ClassifierReport:
    model: Path
    examples: int
    distinct_texts: int
    train_counts: dict[str, int]
    """Training examples per label."""
    held_out: dict[str, LabelScores]
    """Held-out outcomes per label, for every label seen in training or held out (empty
    when nothing is held out)."""
    cross_validation: CrossValidationReport | None = None

    @property
    def train_examples(self) -> int:
        return sum(self.train_counts.values())

    @property
    def held_out_examples(self) -> int:
        return sum(scores.actual for scores in self.held_out.values())

    @property
    def accuracy(self) -> float:
        """Share of held-out examples whose most probable label is their label."""
        return sum(s.correct for s in self.held_out.values()) / self.held_out_examples

    @property
    def majority_baseline(self) -> float:
        """Held-out accuracy of always answering the most frequent training label."""
        majority = max(self.train_counts, key=lambda label: self.train_counts[label])
        return self.held_out[majority].actual / self.held_out_examples

    def as_json(self) -> dict[str, Any]:
        """The figures, as written beside the model."""
        figures: dict[str, Any] = {
            "examples": self.examples,
            "distinct_texts": self.distinct_texts,
            "train_counts": self.train_counts,
        }
        if self.held_out:
            figures["held_out"] = {
                label: {"texts": s.actual, "precision": s.precision, "recall": s.recall}
                for label, s in self.held_out.items()
            }
            figures["held_out_accuracy"] = self.accuracy
        if self.cross_validation:
            cv = self.cross_validation
            figures["cross_validation"] = {
                "folds": cv.folds,
                "positive": cv.positive,
                "balanced_accuracy": cv.outcome.balanced_accuracy,
                "precision": {"good": cv.outcome.good_precision, "bad": cv.outcome.bad_precision},
                "recall": {
                    "good": cv.outcome.good_kept / max(cv.outcome.good, 1),
                    "bad": cv.outcome.bad_removed / max(cv.outcome.bad, 1),
                },
                "threshold": cv.threshold,
            }
        return figures

    def __str__(self) -> str:
        lines = [
            f"model: {self.model}",
            f"examples: {self.examples} ({self.distinct_texts} distinct texts), "
            f"{self.train_examples} for training, {self.held_out_examples} held out",
        ]
        if self.held_out:
            lines.append(
                f"{'label':<16} {'train':>7} {'held out':>9} {'precision':>10} {'recall':>7}"
            )
            for label, scores in self.held_out.items():
                lines.append(
                    f"{label:<16} {self.train_counts.get(label, 0):>7} {scores.actual:>9} "
                    f"{scores.precision:>10.3f} {scores.recall:>7.3f}"
                )
            lines.append(
                f"held-out accuracy {self.accuracy:.3f} "
                f"(always the majority label: {self.majority_baseline:.3f})"
            )
        if self.cross_validation:
            lines += self.cross_validation.lines()
        return "\n".join(lines)


def split_held_out(
    examples: list[Example], fraction: float, seed: int
) -> tuple[list[Example], list[Example]]:
    """(training, held out): round(fraction x distinct texts) texts, drawn with `seed`, are
    held out with every example that has one of them; order is kept. fraction 0 holds out
    nothing."""
    if fraction == 0:
        return list(examples), []
    texts = list(dict.fromkeys(e.text for e in examples))
    held_count = round(fraction * len(texts))
    if not 0 < held_count < len(texts):
        raise ValueError(
            f"held_out={fraction} of {len(texts)} distinct texts leaves no example "
            "to train on or to evaluate"
        )
    random.Random(seed).shuffle(texts)
    held_texts = set(texts[:held_count])
    train = [e for e in examples if e.text not in held_texts]
    held = [e for e in examples if e.text in held_texts]
    return train, held


def _label_scores(
    probabilities: LabelProbabilities, labels: list[str], held: list[Example]
) -> dict[str, LabelScores]:
    """Outcomes per label (the model's `labels`, then labels only held-out texts have)."""
    labels = sorted(labels) + sorted({e.label for e in held} - set(labels))
    predictions = [
        max(label_p, key=lambda name: label_p[name])
        for label_p in probabilities([e.text for e in held])
    ]
    return {
        label: LabelScores(
            actual=sum(e.label == label for e in held),
            predicted=sum(p == label for p in predictions),
            correct=sum(p == e.label == label for p, e in zip(predictions, held, strict=True)),
        )
        for label in labels
    }


class FastTextTrainer:
    """Trains fastText models with fixed parameters in one fresh worker process: within a
    long-lived one (a whole test session) fastText 0.9.3 was seen to fail with
    "Encountered NaN" on data and seeds it trains on without fault in a new process."""

    def __init__(self, parameters: dict[str, Any], scratch: Path) -> None:
        self.parameters = parameters
        self.scratch = scratch
        self.pool = multiprocessing.get_context("spawn").Pool(1)

    def train(self, examples: list[Example], output: Path) -> Any:
        train_file = self.scratch / "train.txt"
        with train_file.open("w", encoding="utf-8") as handle:
            for example in examples:
                handle.write(f"{LABEL_PREFIX}{example.label} {fasttext_tokens(example.text)}\n")
        parameters = {**self.parameters, "input": str(train_file)}
        error = self.pool.apply(_train_and_save, (parameters, str(output)))
        if error is not None:
            raise ValueError(
                f"fastText training diverged ({error}); try a lower lr than {parameters['lr']}"
            )
        return fasttext.load_model(str(output))

    def fit(self, examples: list[Example], output: Path) -> LabelProbabilities:
        """Trains and saves a model; its probabilities of each label, without the prefix."""
        model = self.train(examples, output)

        def probabilities(texts: list[str]) -> list[dict[str, float]]:
            return [
                {name.removeprefix(LABEL_PREFIX): p for name, p in label_p.items()}
                for label_p in label_probabilities(model, texts)
            ]

        return probabilities

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


def _cross_validate(
    fit: Callable[[list[Example], Path], LabelProbabilities],
    scratch: Path,
    examples: list[Example],
    folds: int,
    seed: int,
    positive: str,
) -> CrossValidationReport:
    fold_of = grouped_folds([e.text for e in examples], folds, seed)
    scores = [0.0] * len(examples)
    for fold in range(folds):
        train = [e for e, f in zip(examples, fold_of, strict=True) if f != fold]
        test = [i for i, f in enumerate(fold_of) if f == fold]
        probabilities = fit(train, scratch / "fold")([examples[i].text for i in test])
        for i, label_p in zip(test, probabilities, strict=True):
            scores[i] = label_p.get(positive, 0.0)
    labels = [GOOD if e.label == positive else "other" for e in examples]
    kept = [False] * len(examples)
    for fold in range(folds):
        others = [i for i, f in enumerate(fold_of) if f != fold]
        threshold = best_threshold([scores[i] for i in others], [labels[i] for i in others])
        for i, f in enumerate(fold_of):
            if f == fold:
                kept[i] = scores[i] >= threshold
    return CrossValidationReport(
        folds, positive, Outcome.of(labels, kept), best_threshold(scores, labels)
    )


def train_classifier(
    data: Path | list[Example],
    output: Path,
    *,
    kind: ModelKind = "fasttext",
    held_out: float = 0.1,
    folds: int = 0,
    positive: str = GOOD,
    seed: int = 0,
    epochs: int = 25,
    word_ngrams: int = 2,
    lr: float = 0.25,
    dim: int = 50,
    buckets: int = 200_000,
    subwords: tuple[int, int] = (0, 0),
    c: float | None = None,
    provenance: dict[str, Any] | None = None,
) -> ClassifierReport:
    """Train a classifier on `data` (a `text<TAB>label` file, or examples) minus a held-out
    part, save it to `output` with `<output>.json` beside it, and report how it does on the
    held-out part and, with `folds`, in cross-validation of the training part.

    kind: `fasttext`, or `linear` (corpus.filters.hashed_linear: two labels, needs
    scikit-learn). held_out: share of the distinct texts held out (drawn with `seed`, which
    also seeds fastText and the folds); 0 trains on everything. folds: 0, or 2 or more for
    grouped k-fold cross-validation with `positive` as the label kept. fastText only:
    epochs, word_ngrams, lr, dim are fastText's epoch, wordNgrams, lr and dim; subwords its
    (minn, maxn), character n-grams of each token (0, 0: none; a token here is one
    character); buckets the hash buckets for the n-grams (the model file holds (characters
    + buckets) x dim floats, about 40 MB with the defaults). linear only: c, the logistic
    regression's inverse regularisation (None: chosen by cross-validation of each fit's
    examples). provenance: written into `<output>.json` (the data's name and sha256, the
    command)."""
    if kind == "fasttext" and word_ngrams < 2:
        raise ValueError("word_ngrams must be 2 or more (fastText 0.9.3 fails with 1)")
    examples = read_examples(data) if isinstance(data, Path) else data
    train, held = split_held_out(examples, held_out, seed)
    train_counts: dict[str, int] = {}
    for example in train:
        train_counts[example.label] = train_counts.get(example.label, 0) + 1
    if len(train_counts) < 2:
        raise ValueError(f"the training part has fewer than two labels: {train_counts}")
    if (folds or kind == "linear") and positive not in train_counts:
        raise ValueError(f"no training example has the label {positive!r} (--positive)")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        if kind == "linear":
            from corpus.quality.linear_training import LinearTrainer

            linear = LinearTrainer(positive, c, seed)
            cross_validation = (
                _cross_validate(linear.fit, Path(scratch), train, folds, seed, positive)
                if folds
                else None
            )
            model = linear.fit(train, output)
            parameters: dict[str, Any] = {"c": linear.last_c, "c_given": c is not None}
            trained_with = (
                "logistic regression on TF-IDF of hashed character 1-3-grams "
                "(corpus.filters.hashed_linear, corpus.quality.linear_training)"
            )
        else:
            parameters = {
                "epoch": epochs,
                "wordNgrams": word_ngrams,
                "lr": lr,
                "dim": dim,
                "bucket": buckets,
                "minn": subwords[0],
                "maxn": subwords[1],
                "seed": seed,
                "thread": 1,
                "verbose": 0,
            }
            trainer = FastTextTrainer(parameters, Path(scratch))
            try:
                cross_validation = (
                    _cross_validate(trainer.fit, Path(scratch), train, folds, seed, positive)
                    if folds
                    else None
                )
                model = trainer.fit(train, output)
            finally:
                trainer.close()
            trained_with = (
                "fastText supervised, tokens: characters (corpus.filters.classifier."
                "fasttext_tokens)"
            )
    report = ClassifierReport(
        model=output,
        examples=len(examples),
        distinct_texts=len({normalised(e.text) for e in examples}),
        train_counts=dict(sorted(train_counts.items())),
        held_out=_label_scores(model, list(train_counts), held) if held else {},
        cross_validation=cross_validation,
    )
    sidecar = {
        **(provenance or {}),
        "trained_with": trained_with,
        "parameters": {"kind": kind, **parameters, "held_out": held_out, "folds": folds},
        **report.as_json(),
    }
    write_record(output, sidecar)
    return report
