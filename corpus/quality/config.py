"""What `corpus train-classifier` and `corpus teacher` read from `--config FILE.yaml`: the
same settings as their flags, one key per flag. A flag given on the command line overrides
the file's value; the settings are validated before any work."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import Field, ValidationError, field_validator

from corpus.config_section import ExistingFile, Section, validation_problems
from corpus.errors import ConfigError

ModelKind = Literal["fasttext", "linear"]
"""What `corpus train-classifier` trains: fastText, or the hashed linear model."""


class TrainClassifierConfig(Section):
    """`corpus train-classifier --config FILE`: a quality classifier (fastText, or a linear
    model over hashed character n-grams), trained on human labels, a teacher's scores or
    reference text against web text (docs/quality.md)."""

    data: list[ExistingFile] = Field(min_length=1)
    """`text<TAB>label` lines (input `labels`), `text<TAB>score` lines (`scores`) or
    Wikipedia XML dumps (`reference`)."""
    output: str
    """Where to write the model; its record goes beside it as `<output>.json`."""
    kind: ModelKind = "fasttext"
    """`fasttext`, or `linear`: logistic regression on TF-IDF of hashed character
    1-3-grams, two labels (needs the `quality` extra)."""
    input: Literal["labels", "scores", "reference"] = "labels"
    """What `data` holds: human labels, a teacher's scores of P(good), or reference text
    trained as good against the `web` texts as bad."""
    web: list[ExistingFile] = Field(default_factory=list)
    """Web texts, one a line (`text<TAB>label` or plain), the bad side of input `reference`."""
    score_threshold: float = Field(0.5, ge=0.0, le=1.0)
    """With input `scores`: a score at or above it is `good`, below `bad`."""
    held_out: float = Field(0.1, ge=0.0, lt=1.0)
    """Share of the distinct texts kept for evaluation (0: train on everything)."""
    folds: int = Field(5, ge=0)
    """k-fold cross-validation of the training part, grouped by text, choosing the threshold
    written beside the model (0: none)."""
    positive: str = "good"
    """The label kept, for cross-validation."""
    seed: int = 0
    """Seed of the held-out split, the folds and fastText."""
    c: float | None = Field(None, gt=0.0)
    """Linear: the logistic regression's inverse regularisation (none: chosen by 3-fold
    cross-validation of the training texts)."""
    epochs: int = Field(25, ge=1)
    """fastText's training epochs."""
    word_ngrams: int = Field(2, ge=2)
    """Longest word n-gram used as a feature (fastText 0.9.3 fails with 1)."""
    lr: float = Field(0.25, gt=0.0)
    """fastText's learning rate."""
    dim: int = Field(50, ge=1)
    """Size of the word vectors."""
    buckets: int = Field(200_000, ge=1)
    """Hash buckets for the n-grams."""
    minn: int = Field(0, ge=0)
    """Shortest character n-gram of a token (a token is one character; 0: none)."""
    maxn: int = Field(0, ge=0)
    """Longest character n-gram of a token (0: none)."""

    @field_validator("folds")
    @classmethod
    def _folds(cls, folds: int) -> int:
        if folds == 1:
            raise ValueError("0 (no cross-validation) or 2 or more folds")
        return folds


class TeacherConfig(Section):
    """`corpus teacher --config FILE`: the quality teacher trained on labelled lines, scoring
    a sample's texts for a student (`train-classifier` with input `scores`)."""

    labelled: ExistingFile
    """`text<TAB>label` lines, labels `good` and `bad`, that the teacher trains on."""
    sample: ExistingFile
    """Texts to score, one a line (plain, or `text<TAB>label` with the label ignored)."""
    reference: list[ExistingFile] = Field(min_length=1)
    """Wikipedia XML dumps: the reference text of the teacher's character model."""
    output: str
    """Where to write the scores, `text<TAB>score` lines; its record goes beside it as
    `<output>.json`."""


Settings = TypeVar("Settings", TrainClassifierConfig, TeacherConfig)


def settings(model: type[Settings], config: str | None, flags: dict[str, Any]) -> Settings:
    """The command's settings: the keys of the `config` file (if any) overridden by the
    `flags` given on the command line; ConfigError, one line naming the key, when invalid."""
    raw: Any = {}
    origin = config or "command line"
    if config:
        try:
            raw = yaml.safe_load(Path(config).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise ConfigError(
                f"cannot read config {config}: {' '.join(str(error).split())}"
            ) from None
        if not isinstance(raw, dict):
            raise ConfigError(f"{config}: expected a mapping of keys at the top level")
    try:
        return model.model_validate({**raw, **flags})
    except ValidationError as error:
        raise ConfigError(f"{origin}: {'; '.join(validation_problems(error))}") from None
