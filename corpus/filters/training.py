"""Training a fastText quality classifier for the FastTextClassifier filter, and its
held-out evaluation (what `corpus train-classifier` runs).

Input: one example per record, `text<TAB>label`, UTF-8, read as tab-separated CSV: a text
holding tabs, quotes or newlines is quoted CSV-style (`"..."`, inner quotes doubled). A
deterministic part is held out (whole texts: copies of one text never straddle the split);
the rest trains the model, which is saved, and the report gives per-label precision and
recall on the held-out part.

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

import csv
import multiprocessing
import random
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fasttext

from corpus.filters.classifier import LABEL_PREFIX, fasttext_tokens, label_probabilities


def _train_and_save(parameters: dict[str, Any], output: str) -> str | None:
    """fastText's supervised training, the model saved to `output`; the error, if any."""
    try:
        fasttext.train_supervised(**parameters).save_model(output)
    except RuntimeError as error:
        return str(error)
    return None


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str
    line: int
    """Line of the input file where the example starts."""


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
class ClassifierReport:
    model: Path
    examples: int
    distinct_texts: int
    train_counts: dict[str, int]
    """Training examples per label."""
    held_out: dict[str, LabelScores]
    """Held-out outcomes per label, for every label seen in training or held out."""

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

    def __str__(self) -> str:
        lines = [
            f"model: {self.model}",
            f"examples: {self.examples} ({self.distinct_texts} distinct texts), "
            f"{self.train_examples} for training, {self.held_out_examples} held out",
            f"{'label':<16} {'train':>7} {'held out':>9} {'precision':>10} {'recall':>7}",
        ]
        for label, scores in self.held_out.items():
            lines.append(
                f"{label:<16} {self.train_counts.get(label, 0):>7} {scores.actual:>9} "
                f"{scores.precision:>10.3f} {scores.recall:>7.3f}"
            )
        lines.append(
            f"held-out accuracy {self.accuracy:.3f} "
            f"(always the majority label: {self.majority_baseline:.3f})"
        )
        return "\n".join(lines)


def _parse_label(field: str, where: str) -> str:
    label = field.strip().removeprefix(LABEL_PREFIX)
    if not label or any(char.isspace() for char in label):
        raise ValueError(f"{where}: the label {field!r} is empty or holds whitespace")
    return label


def read_examples(path: Path) -> list[Example]:
    """The examples of a `text<TAB>label` file; ValueError naming the line of a bad record."""
    examples = []
    limit = csv.field_size_limit(sys.maxsize)  # web documents can exceed csv's 128 KiB
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t", strict=True)
            start = 1
            while True:
                where = f"{path}:{start}"
                try:
                    row = next(reader, None)
                except csv.Error as error:
                    raise ValueError(f"{where}: {error}") from None
                if row is None:
                    return examples
                if row:
                    if len(row) != 2:
                        raise ValueError(
                            f"{where}: expected `text<TAB>label`, found {len(row)} field(s); "
                            "quote a text that holds tabs"
                        )
                    if not row[0].strip():
                        raise ValueError(f"{where}: the text is empty")
                    examples.append(Example(row[0], _parse_label(row[1], where), start))
                start = reader.line_num + 1
    finally:
        csv.field_size_limit(limit)


def split_held_out(
    examples: list[Example], fraction: float, seed: int
) -> tuple[list[Example], list[Example]]:
    """(training, held out): round(fraction x distinct texts) texts, drawn with `seed`, are
    held out with every example that has one of them; order is kept."""
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


def _label_scores(model: Any, held: list[Example]) -> dict[str, LabelScores]:
    labels = sorted({name.removeprefix(LABEL_PREFIX) for name in model.get_labels()})
    labels += sorted({e.label for e in held} - set(labels))
    predictions = [
        max(probabilities, key=lambda name: probabilities[name]).removeprefix(LABEL_PREFIX)
        for probabilities in label_probabilities(model, [e.text for e in held])
    ]
    return {
        label: LabelScores(
            actual=sum(e.label == label for e in held),
            predicted=sum(p == label for p in predictions),
            correct=sum(p == e.label == label for p, e in zip(predictions, held, strict=True)),
        )
        for label in labels
    }


def train_classifier(
    data: Path,
    output: Path,
    *,
    held_out: float = 0.1,
    seed: int = 0,
    epochs: int = 25,
    word_ngrams: int = 2,
    lr: float = 0.25,
    dim: int = 50,
    buckets: int = 200_000,
) -> ClassifierReport:
    """Train a fastText classifier on `data` (`text<TAB>label` records) minus a held-out part,
    save it to `output`, and report how it does on the held-out part.

    held_out: share of the distinct texts held out (drawn with `seed`, which also seeds
    fastText). epochs, word_ngrams, lr, dim: fastText's epoch, wordNgrams, lr and dim.
    buckets: hash buckets for the character n-grams; the model file holds
    (characters + buckets) x dim floats (about 40 MB with the defaults, not fastText's
    800 MB)."""
    if word_ngrams < 2:
        raise ValueError("word_ngrams must be 2 or more (fastText 0.9.3 fails with 1)")
    examples = read_examples(data)
    train, held = split_held_out(examples, held_out, seed)
    train_counts: dict[str, int] = {}
    for example in train:
        train_counts[example.label] = train_counts.get(example.label, 0) + 1
    if len(train_counts) < 2:
        raise ValueError(f"{data}: the training part has fewer than two labels: {train_counts}")
    with tempfile.TemporaryDirectory() as scratch:
        train_file = Path(scratch) / "train.txt"
        with train_file.open("w", encoding="utf-8") as handle:
            for example in train:
                handle.write(f"{LABEL_PREFIX}{example.label} {fasttext_tokens(example.text)}\n")
        parameters = {
            "input": str(train_file),
            "epoch": epochs,
            "wordNgrams": word_ngrams,
            "lr": lr,
            "dim": dim,
            "bucket": buckets,
            "seed": seed,
            "thread": 1,
            "verbose": 0,
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        # In a fresh process: within a long-lived one (a whole test session) fastText
        # 0.9.3 was seen to fail with "Encountered NaN" on data and seeds it trains on
        # without fault in a new process.
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            error = pool.apply(_train_and_save, (parameters, str(output)))
        if error is not None:
            raise ValueError(f"fastText training diverged ({error}); try a lower lr than {lr}")
    model = fasttext.load_model(str(output))
    return ClassifierReport(
        model=output,
        examples=len(examples),
        distinct_texts=len({e.text for e in examples}),
        train_counts=dict(sorted(train_counts.items())),
        held_out=_label_scores(model, held),
    )
