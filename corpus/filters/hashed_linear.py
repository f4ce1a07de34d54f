"""A linear quality model over hashed character n-grams, scored with numpy alone.

A text's features are its character 1-3-grams (lower-cased, whitespace runs as one space),
hashed into 2**20 buckets; each bucket's count n weighs 1 + ln(n) times the bucket's
inverse document frequency in the training texts, and the text's vector is scaled to unit
length. The model is a logistic regression on that vector: P(positive) = sigmoid(w.x + b).
`corpus train-classifier --kind linear` trains it (corpus/quality/linear_training.py);
the QualityClassifier filter reads it.

The file is a numpy `.npz` archive holding only the buckets seen in training; a bucket no
training text had weighs nothing and has the largest inverse document frequency, as an
n-gram never seen does in TF-IDF. Models are loaded once per process and never pickled.
"""

from __future__ import annotations

import re
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.model_files import local_path
from corpus.text.code_points import code_points

BITS = 20
LONGEST_NGRAM = 3
FORMAT = "corpus hashed linear 1"
"""Written into every model file; a file without it is not such a model."""
_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SPACES = re.compile(r"\s+")

_models: dict[str, HashedLinearModel] = {}
_models_lock = threading.Lock()


def ngram_buckets(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The distinct buckets of `text`'s character 1-3-grams (sorted) and their counts."""
    normal = _SPACES.sub(" ", text.lower()).strip()
    codes = code_points(normal)
    hashes = []
    gram = np.zeros(len(codes), dtype=np.uint64)
    for n in range(1, LONGEST_NGRAM + 1):  # wraps modulo 2**64
        gram = gram[: len(codes) - n + 1] * _PRIME + codes[n - 1 :]
        hashes.append(gram)
    mixed = np.concatenate(hashes) * _MIX
    return np.unique(mixed >> np.uint64(64 - BITS), return_counts=True)


@dataclass(frozen=True)
class HashedLinearModel:
    """weights and idf hold one value per bucket (2**BITS); a bucket no training text had
    has weight 0 and idf `unseen_idf`. labels are (negative, positive)."""

    weights: np.ndarray
    idf: np.ndarray
    unseen_idf: float
    bias: float
    labels: tuple[str, str]

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """`text`'s buckets and their weights: 1 + ln(count) times idf, at unit length."""
        buckets, counts = ngram_buckets(text)
        values = (1.0 + np.log(counts)) * self.idf[buckets]
        norm = np.sqrt(values @ values)
        return buckets, values / norm if norm else values

    def probabilities(self, texts: list[str], label: str) -> list[float]:
        """P(`label`) of each text; `label` is one of `labels`."""
        positive = []
        for text in texts:
            buckets, values = self.vector(text)
            positive.append(1.0 / (1.0 + np.exp(-(values @ self.weights[buckets] + self.bias))))
        if label == self.labels[1]:
            return [float(p) for p in positive]
        return [float(1.0 - p) for p in positive]

    def save(self, path: Path) -> None:
        seen = np.flatnonzero(self.idf != self.unseen_idf)
        with path.open("wb") as handle:  # np.savez_compressed would append .npz to a str path
            np.savez_compressed(
                handle,
                format=np.array(FORMAT),
                labels=np.array(self.labels),
                bias=np.array(self.bias),
                unseen_idf=np.array(self.unseen_idf),
                buckets=seen.astype(np.uint32),
                weights=self.weights[seen],
                idf=self.idf[seen],
            )

    @classmethod
    def read(cls, path: str) -> HashedLinearModel:
        """The model in the local file `path`; ValueError naming it if it is not one."""
        try:
            with np.load(path, allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in archive.files}
        except (OSError, ValueError, zipfile.BadZipFile) as error:
            raise ValueError(f"{path} is not a hashed linear model: {error}") from None
        if "format" not in arrays or str(arrays["format"]) != FORMAT:
            raise ValueError(f"{path} is not a hashed linear model (no {FORMAT!r} in it)")
        buckets = arrays["buckets"].astype(np.int64)
        weights = np.zeros(2**BITS)
        weights[buckets] = arrays["weights"]
        unseen_idf = float(arrays["unseen_idf"])
        idf = np.full(2**BITS, unseen_idf)
        idf[buckets] = arrays["idf"]
        negative, positive = (str(label) for label in arrays["labels"])
        return cls(weights, idf, unseen_idf, float(arrays["bias"]), (negative, positive))


def is_hashed_linear(path: str) -> bool:
    """Whether the model file at `path` is a zip archive (this model) rather than fastText's
    binary format."""
    with open(local_path(path), "rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def load_hashed_linear(path: str) -> HashedLinearModel:
    """The model at `path` (any Beam file system), loaded once per process."""
    with _models_lock:
        if path not in _models:
            _models[path] = HashedLinearModel.read(local_path(path))
        return _models[path]
