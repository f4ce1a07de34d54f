"""The quality teacher: a slow, stronger good/bad scorer, stacked from
- logistic regression on TF-IDF of character 1-3-grams,
- logistic regression on TF-IDF of MeCab words and word bigrams,
- hand features of fluency and templates (corpus.quality.features), among them how a
  character model of reference text (a Wikipedia dump's head) rates the text.
The two text models' out-of-fold scores and the hand features feed a logistic regression.

Needs scikit-learn (the `quality` extra) and fugashi with a dictionary. `corpus teacher`
(score_sample) trains it on labelled lines and writes its P(good) of a sample's texts as
`text<TAB>score` lines, what `corpus train-classifier --input scores` trains a student on.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from corpus.quality.char_lm import CharLanguageModel
from corpus.quality.evaluation import GOOD, cross_val_train_scores
from corpus.quality.features import paragraph_features
from corpus.quality.inputs import file_records, write_record
from corpus.quality.labelled import normalised, read_labelled
from corpus.quality.linear_training import require_scikit_learn
from corpus.quality.reference import reference_paragraphs, web_texts

TEXT_MODEL_C = 10.0
"""Inverse regularisation of the text models (the anchor's inner CV picks 10 most often)."""
STACK_C = 0.3


def _tagger() -> Any:
    import fugashi

    return fugashi.Tagger()


def _words(tagger: Any, text: str) -> tuple[list[str], list[str]]:
    """MeCab surfaces and first-level part-of-speech tags of `text`."""
    words = tagger(text)
    return [w.surface for w in words], [w.feature.pos1 for w in words]


def _word_features(words: list[str]) -> list[str]:
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def _text_model(analyzer: Any, ngram_range: tuple[int, int]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer=analyzer, ngram_range=ngram_range, sublinear_tf=True),
        LogisticRegression(C=TEXT_MODEL_C, solver="liblinear", class_weight="balanced"),
    )


def _char_model() -> Any:
    return _text_model("char", (1, 3))


def _word_model() -> Any:
    return _text_model(_word_features, (1, 1))


@dataclass
class Teacher:
    """A trained teacher; `score` gives higher values to better text."""

    lm: CharLanguageModel
    char_model: Any
    word_model: Any
    stack: Any
    _tagger: Any = field(default=None, repr=False)

    def _inputs(self, texts: list[str]) -> tuple[list[str], list[list[str]], np.ndarray]:
        if self._tagger is None:
            self._tagger = _tagger()
        words, features = [], []
        for text in texts:
            surfaces, pos = _words(self._tagger, text)
            words.append(surfaces)
            features.append(paragraph_features(text, pos, self.lm))
        return texts, words, np.array(features, dtype=float)

    def score(self, texts: list[str]) -> list[float]:
        chars, words, hand = self._inputs(texts)
        stacked = np.column_stack(
            [
                self.char_model.decision_function(chars),
                self.word_model.decision_function(words),
                hand,
            ]
        )
        return [float(s) for s in self.stack.predict_proba(stacked)[:, 1]]


def train_teacher(
    texts: list[str], labels: list[str], lm: CharLanguageModel, seed: int = 1
) -> tuple[Teacher, list[float]]:
    """The teacher trained on `texts` (good/bad `labels`) with `lm`, a character model of
    reference text; and its scores of the training texts with out-of-fold text
    models (for choosing a threshold)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    y = np.array([label == GOOD for label in labels], dtype=int)
    teacher = Teacher(lm, _char_model(), _word_model(), None)
    chars, words, hand = teacher._inputs(texts)
    by_text = dict(zip(texts, words, strict=True))

    def fit_score(model: Any, inputs: Any) -> Any:
        def run(train: list[str], train_labels: list[str], test: list[str]) -> list[float]:
            fitted = model().fit([inputs(t) for t in train], [lb == GOOD for lb in train_labels])
            return list(fitted.decision_function([inputs(t) for t in test]))

        return run

    out_of_fold = [
        cross_val_train_scores(texts, labels, fit_score(_char_model, lambda t: t), 3, seed),
        cross_val_train_scores(texts, labels, fit_score(_word_model, by_text.__getitem__), 3, seed),
    ]
    stacked = np.column_stack([*out_of_fold, hand])
    teacher.stack = make_pipeline(
        StandardScaler(),
        LogisticRegression(C=STACK_C, max_iter=5000, class_weight="balanced"),
    ).fit(stacked, y)
    teacher.char_model.fit(chars, y)
    teacher.word_model.fit(words, y)
    return teacher, [float(s) for s in teacher.stack.predict_proba(stacked)[:, 1]]


def score_sample(
    labelled: Path, sample: Path, reference: list[Path], output: Path, command: dict[str, Any]
) -> list[float]:
    """Trains the teacher on `labelled` (`good` and `bad` lines) with a character model of
    the `reference` dumps, writes its scores of the `sample`'s texts to `output` as
    `text<TAB>score` lines and `<output>.json` beside it (the inputs with their sha256,
    `command`, the label counts); returns the scores. ValueError for bad input."""
    require_scikit_learn("the teacher")
    examples = read_labelled(labelled)
    counts = {label: sum(e.label == label for e in examples) for label in (GOOD, "bad")}
    others = sorted({e.label for e in examples} - set(counts))
    if others or not all(counts.values()):
        raise ValueError(
            f"{labelled}: the teacher trains on labels good and bad, both present; found "
            f"{counts}" + (f" and {', '.join(others)}" if others else "")
        )
    texts = [normalised(t) for t in web_texts(sample)]
    if not texts:
        raise ValueError(f"{sample}: no text to score")
    lm = CharLanguageModel(reference_paragraphs([str(path) for path in reference]))
    teacher, _ = train_teacher([e.text for e in examples], [e.label for e in examples], lm)
    scores = teacher.score(texts)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as handle:
        for text, score in zip(texts, scores, strict=True):
            handle.write(f"{text}\t{score:.6f}\n")
    record = {
        **file_records({"labelled": [labelled], "sample": [sample], "reference": reference}),
        "command": command,
        "trained_with": "corpus.quality.teacher (stacked TF-IDF char and MeCab word logistic "
        "regressions and hand features with a character model of the reference)",
        "labelled_counts": counts,
        "texts": len(texts),
    }
    write_record(output, record)
    return scores
