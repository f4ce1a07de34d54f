"""A quality classifier scoring paragraphs, aggregated over a document's live paragraphs.

The model is one `corpus train-classifier` trains (on human labels, a teacher's labels or
reference-vs-web paragraphs; corpus/quality/classifier_training.py): a fastText model
(corpus.filters.classifier) or, with `--kind linear`, a hashed linear model
(corpus.filters.hashed_linear), told apart by the file's first bytes. It is read from any
Beam file system and loaded once per process. Each live paragraph is scored on its own, as the
training examples were paragraphs; the document's score is the mean of its paragraphs'
P(label) weighted by their characters, so a long article outweighs a short menu line. The
threshold defaults to the one the training's cross-validation chose on its folds, read from
`<model>.json`."""

from __future__ import annotations

import json

from pydantic import Field, PrivateAttr, model_validator

from corpus.filters.base import DocumentFilter
from corpus.filters.classifier import LABEL_PREFIX, label_probabilities, load_model, model_label
from corpus.filters.hashed_linear import is_hashed_linear, load_hashed_linear
from corpus.model_files import FilePath, is_file, local_path
from corpus.schema import Document


class QualityClassifier(DocumentFilter):
    """Removes a document when the character-weighted mean over its live paragraphs of the
    model's P(`label`) is below `threshold` (the label is the one kept, `good` by default).

    - model: path of a model trained by `corpus train-classifier`, fastText or linear
      (local, gs://, s3://).
    - label: the label kept; a config error if the model has no such label.
    - threshold: in [0, 1]; default: `cross_validation.threshold` of `<model>.json`, written
      by `corpus train-classifier --folds K` (a config error if there is none).

    Reason e.g. `QualityClassifier(label=good,threshold=0.43)`."""

    model: FilePath
    # `label` is the YAML key; Filter.label is the filter's name with its parameters.
    class_label: str = Field(default="good", alias="label", min_length=1)
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    _linear: bool = PrivateAttr()
    _model_label: str = PrivateAttr()
    _threshold: float = PrivateAttr()

    @model_validator(mode="after")
    def _model_and_threshold(self) -> QualityClassifier:
        if not is_file(self.model):
            raise ValueError(f"quality model {self.model} does not exist or is not a file")
        self._linear = is_hashed_linear(self.model)
        if self._linear:
            labels = load_hashed_linear(self.model).labels
            self._model_label = self.class_label.removeprefix(LABEL_PREFIX)
            if self._model_label not in labels:
                raise ValueError(
                    f"{self.model} has no label {self.class_label!r}; its labels: {list(labels)}"
                )
        else:
            self._model_label = model_label(self.model, self.class_label)
        self._threshold = self.threshold if self.threshold is not None else self._trained()
        return self

    def _trained(self) -> float:
        sidecar = self.model + ".json"
        if not is_file(sidecar):
            raise ValueError(f"no threshold given and no {sidecar} (train with --folds)")
        with open(local_path(sidecar), encoding="utf-8") as handle:
            threshold = json.load(handle).get("cross_validation", {}).get("threshold")
        if not isinstance(threshold, float | int):
            raise ValueError(f"no threshold given and {sidecar} has no cross-validation threshold")
        return min(max(float(threshold), 0.0), 1.0)

    def setup(self) -> None:
        if self._linear:
            load_hashed_linear(self.model)
        else:
            load_model(self.model)

    def _probabilities(self, texts: list[str]) -> list[float]:
        if self._linear:
            return load_hashed_linear(self.model).probabilities(texts, self._model_label)
        return [p[self._model_label] for p in label_probabilities(load_model(self.model), texts)]

    @property
    def label(self) -> str:
        """The filter and its parameters without the model path (reasons are directory names)."""
        kept = self.class_label.removeprefix(LABEL_PREFIX)
        return f"{type(self).__name__}(label={kept},threshold={self._threshold:.4g})"

    def score(self, document: Document) -> float:
        """The character-weighted mean of P(label) over the document's paragraphs."""
        paragraphs = [p.text for p in document.live_paragraphs if p.text.strip()]
        if not paragraphs:
            return 0.0
        probabilities = self._probabilities(paragraphs)
        weights = [len(text) for text in paragraphs]
        total = sum(p * w for p, w in zip(probabilities, weights, strict=True))
        return total / sum(weights)

    def removal(self, document: Document) -> str | None:
        return self.label if self.score(document) < self._threshold else None
