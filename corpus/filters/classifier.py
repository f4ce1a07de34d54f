"""A fastText quality classifier as a document filter.

The model is the user's, trained with `corpus train-classifier`
(corpus/quality/classifier_training.py) on `text<TAB>label` lines; nothing is downloaded.
fastText splits its input on whitespace only, so Japanese text is turned into tokens first,
the same way for training and for prediction (`fasttext_tokens`): every non-space character
is one token, whitespace is dropped. With word bigrams (training's default) the model sees
characters and character bigrams. On the hand-labelled mC4-ja paragraphs of the test
fixtures this scored as well as or better than Sudachi or MeCab words (see
classifier_training.py), and
needs no segmenter.

A model is loaded once per process, shared by every filter that names it, and never pickled.
Its path may be on any Beam file system (gs://, s3://): such a model is copied to the
machine first (corpus.model_files).
"""

from __future__ import annotations

import threading
from typing import Any

import fasttext
from fasttext.FastText import model_name
from pydantic import Field, PrivateAttr, field_validator, model_validator

from corpus.filters.base import DocumentFilter
from corpus.model_files import FilePath, is_file, local_path
from corpus.schema import Document

LABEL_PREFIX = "__label__"
"""fastText's default label prefix, which `corpus train-classifier` uses."""

_models: dict[str, Any] = {}
_models_lock = threading.Lock()


def fasttext_tokens(text: str) -> str:
    """`text` as one line of fastText tokens: each non-space character, separated by spaces."""
    return " ".join(char for char in text if not char.isspace())


def load_model(path: str) -> Any:
    """The supervised fastText model at `path`, loaded once per process; ValueError naming
    the path if it is not one."""
    with _models_lock:
        if path not in _models:
            try:
                model = fasttext.load_model(local_path(path))
            except ValueError as error:
                raise ValueError(f"{path} is not a fastText model: {error}") from None
            if model.f.getArgs().model != model_name.supervised:
                raise ValueError(f"{path} is not a supervised fastText model")
            _models[path] = model
        return _models[path]


def label_probabilities(model: Any, texts: list[str]) -> list[dict[str, float]]:
    """For each text, the probability of every label of `model` (labels with their prefix).

    fastText reports softmax + 1e-5 (it takes log(p + 1e-5) internally), which can exceed 1
    by that much: values are capped at 1.0."""
    # fastText 0.9.3 under numpy 2 can predict on a list only, not on a single string.
    labels, probabilities = model.predict([fasttext_tokens(t) for t in texts], k=-1)
    return [
        {label: min(float(p), 1.0) for label, p in zip(names, values, strict=True)}
        for names, values in zip(labels, probabilities, strict=True)
    ]


def model_label(path: str, label: str) -> str:
    """The model's own spelling of `label`, given with or without its label prefix
    (`bad` or `__label__bad`); ValueError naming the model's labels when it has none."""
    model = load_model(path)
    names = model.get_labels()
    prefixed = model.f.getArgs().label + label
    spelled = [name for name in (label, prefixed) if name in names]
    if not spelled:
        raise ValueError(f"{path} has no label {label!r}; its labels: {names}")
    return spelled[0]


class FastTextClassifier(DocumentFilter):
    """Removes a document when the model's probability of `label` for its live text is
    `threshold` or more.

    - model: path of a supervised fastText model trained by `corpus train-classifier` (local,
      gs://, s3://; it must exist: a config error otherwise).
    - label: the label whose probability is compared, with or without fastText's `__label__`
      prefix (`bad` or `__label__bad`); a config error if the model has no such label.
    - threshold: in [0, 1]; a document goes when P(label) >= threshold, so 0 removes every
      document and 1 only those with P(label) > 0.99999 (see `label_probabilities`).

    To keep only documents the model finds good with probability t or more, give the other
    label of a two-label model: `label: bad, threshold: 1 - t` (the two probabilities sum to
    1, up to fastText's 1e-5). The whole live text is
    classified at once (paragraphs joined), although the training examples may have been
    single paragraphs: fastText averages its token vectors, so length matters little.
    Reason e.g. `FastTextClassifier(label=bad,threshold=0.9)`."""

    model: FilePath
    # `label` is the YAML key; the attribute has another name, as Filter.label is the filter's
    # name with its parameters.
    class_label: str = Field(alias="label", min_length=1)
    threshold: float = Field(ge=0.0, le=1.0)
    _model_label: str = PrivateAttr()

    @field_validator("model")
    @classmethod
    def _model_is_a_file(cls, path: str) -> str:
        if not is_file(path):
            raise ValueError(f"fastText model {path} does not exist or is not a file")
        return path

    @model_validator(mode="after")
    def _model_has_label(self) -> FastTextClassifier:
        self._model_label = model_label(self.model, self.class_label)
        return self

    def setup(self) -> None:
        load_model(self.model)

    @property
    def label(self) -> str:
        """The filter and its parameters without the model path (reasons are directory names)."""
        label = self.class_label.removeprefix(LABEL_PREFIX)
        return f"{type(self).__name__}(label={label},threshold={self.threshold})"

    def probability(self, document: Document) -> float:
        """The model's probability of `label` for the document's live text."""
        return label_probabilities(load_model(self.model), [document.text])[0][self._model_label]

    def removal(self, document: Document) -> str | None:
        return self.label if self.probability(document) >= self.threshold else None
