"""KenLM perplexity of Japanese text: Uzushio's KenLMParagraphPerplexity and
KenLMDocAvgPerplexity.

A paragraph is scored as Uzushio scores it: its text is segmented into words (Sudachi by
default; whitespace tokens dropped), the words of its first 64 KiB are joined by spaces and
scored by the n-gram model as one sentence (`<s> words </s>`), and its score is the mean log10
probability of the scored tokens. With `outliers` > 0 the floor(outliers x words) lowest token
probabilities (at most 1,024) are left out of that mean, so a few unknown names or numbers do
not condemn good prose. Perplexity is 10^(-score).

The model is the user's: an ARPA file or a KenLM binary, trained on text segmented the same
way (`segmenter`, `split_mode`), given by path (local, gs://, s3://: a remote model is copied
to the machine first, corpus.model_files); nothing else is downloaded. It is loaded once per
process, shared by every KenLM filter of the chain and never pickled. The word scores of a
paragraph are kept for the next filters of the same thread, so the four KenLM tiers of the
LLM-jp chain segment and score each paragraph once.
"""

from __future__ import annotations

import dataclasses
import math
import threading

import kenlm
from pydantic import Field, field_validator

from corpus.filters.base import Filter, HighLowFilter, ParagraphFilter
from corpus.model_files import FilePath, is_file, local_path
from corpus.schema import Document
from corpus.text.segmenter import SegmenterKind, SudachiMode, WordSegmenter

BUFFER_BYTES = 64 * 1024
"""Uzushio scores the words of a paragraph that fit in 64 KiB (UTF-8, a space after each)."""
MAX_OUTLIERS = 1024
"""Uzushio's evaluator sets aside at most this many outlier tokens per paragraph."""
MIN_OUTLIERS = 1e-3
"""Below this `outliers` share Uzushio takes the plain mean (sum over tokens and </s>, / words)."""
RECENT_PARAGRAPHS = 4096
"""Paragraph scores kept per thread for the next KenLM filters: more than a document's."""

_models: dict[str, kenlm.Model] = {}
_models_lock = threading.Lock()


def _shared_model(path: str) -> kenlm.Model:
    """The model at `path`, loaded once per process (a real one is gigabytes)."""
    with _models_lock:
        if path not in _models:
            config = kenlm.Config()
            config.show_progress = False
            _models[path] = kenlm.Model(local_path(path), config)
        return _models[path]


def words_in_buffer(words: list[str]) -> list[str]:
    """The leading `words` that fit in Uzushio's buffer, each followed by a space."""
    used = 0
    for count, word in enumerate(words):
        used += len(word.encode("utf-8")) + 1
        if used > BUFFER_BYTES:
            return words[:count]
    return words


def mean_log10_prob(token_scores: list[float], outliers: float) -> float:
    """Uzushio's score of a paragraph from the log10 probabilities of its words then `</s>`.

    outliers >= 0.001: the floor(outliers x words) lowest (at most 1,024) are dropped and the
    rest averaged. Below: the sum of all is divided by the number of words (not counting
    `</s>`; -inf when there is no word), as Uzushio's plain evaluator does."""
    words = len(token_scores) - 1
    if outliers < MIN_OUTLIERS:
        return sum(token_scores) / words if words else -math.inf
    dropped = min(math.floor(outliers * words), MAX_OUTLIERS)
    kept = sorted(token_scores)[dropped:]
    return sum(kept) / len(kept)


class _ParagraphScorer:
    """One thread's segmenter over the shared model, with the token scores of recent paragraphs."""

    def __init__(self, model: kenlm.Model, segmenter: WordSegmenter) -> None:
        self.model = model
        self.segmenter = segmenter
        self.recent: dict[str, list[float]] = {}

    def token_scores(self, text: str) -> list[float]:
        """log10 probabilities of the paragraph's scored words, then of `</s>`."""
        scores = self.recent.get(text)
        if scores is None:
            if len(self.recent) >= RECENT_PARAGRAPHS:
                self.recent.clear()
            # Words past the first BUFFER_BYTES characters would fit in the buffer only after
            # long whitespace runs: they are not segmented.
            words = words_in_buffer(self.segmenter.words(text[:BUFFER_BYTES]))
            # kenlm splits the sentence on spaces again: a word like Sudachi's "New York"
            # counts as two, as in Uzushio's evaluator.
            sentence = " ".join(words)
            scores = [prob for prob, _, _ in self.model.full_scores(sentence)]
            self.recent[text] = scores
        return scores


class _ThreadScorers(threading.local):
    """Scorers by (model, segmenter, split mode), one set per thread: segmenters are not
    thread-safe, Beam runs bundles on several threads."""

    def __init__(self) -> None:
        self.scorers: dict[tuple[str, str, str], _ParagraphScorer] = {}


_thread_scorers = _ThreadScorers()


class KenLMFilter(Filter):
    """Parameters shared by the KenLM filters.

    - model: path of the KenLM model (ARPA or KenLM binary; local, gs://, s3://); a config
      error if it is not a file.
    - segmenter: `sudachi` (Uzushio's; sudachidict-core) or `fugashi` (MeCab + unidic-lite);
      it must be the one the model's training text was segmented with.
    - split_mode: Sudachi split mode A, B or C (Uzushio uses Sudachi's default, C); fugashi
      ignores it.
    - outliers: share of each paragraph's words whose lowest probabilities are left out of its
      score (at most 1,024); below 0.001 none are (LLM-jp v2: 0.1)."""

    abstract = True
    model: FilePath
    segmenter: SegmenterKind = "sudachi"
    split_mode: SudachiMode = "C"
    outliers: float = Field(default=0.0, ge=0.0, lt=1.0)

    @field_validator("model")
    @classmethod
    def _model_is_a_file(cls, path: str) -> str:
        if not is_file(path):
            raise ValueError(f"KenLM model {path} does not exist or is not a file")
        return path

    @property
    def label(self) -> str:
        """The filter with its non-default parameters, not the model path (labels are
        directory names)."""
        params = self.model_dump(exclude_defaults=True, exclude={"model"})
        return f"{type(self).__name__}({','.join(f'{k}={v}' for k, v in params.items())})"

    def setup(self) -> None:
        self._scorer()

    def _scorer(self) -> _ParagraphScorer:
        key = (self.model, self.segmenter, self.split_mode)
        scorer = _thread_scorers.scorers.get(key)
        if scorer is None:
            segmenter = WordSegmenter(self.segmenter, self.split_mode)
            scorer = _ParagraphScorer(_shared_model(self.model), segmenter)
            _thread_scorers.scorers[key] = scorer
        return scorer

    def paragraph_score(self, text: str) -> float:
        """Mean log10 probability of the paragraph's words (see the module docstring)."""
        return mean_log10_prob(self._scorer().token_scores(text), self.outliers)

    def paragraph_perplexity(self, text: str) -> float:
        return 10.0 ** -self.paragraph_score(text)


class KenLMDocAvgPerplexity(KenLMFilter, HighLowFilter):
    """Perplexity of the live paragraphs averaged with their lengths (characters) as weights.

    low / high: bounds of that average (Uzushio's defaults: 0 and 1e6, outliers 0;
    LLM-jp v2: outliers 0.1, high 1e6 low 5, then high 5e5 low 7). Below `low` is text the
    model finds too predictable (repeated boilerplate). A document with no live text
    measures NaN and is kept, as in Uzushio."""

    high: float = 1e6

    def measure(self, document: Document) -> float:
        weighted = 0.0
        chars = 0
        for paragraph in document.live_paragraphs:
            weighted += self.paragraph_perplexity(paragraph.text) * len(paragraph.text)
            chars += len(paragraph.text)
        return weighted / chars if chars else math.nan


class KenLMParagraphPerplexity(KenLMFilter, ParagraphFilter):
    """Removes runs of paragraphs whose perplexity is `threshold` or more ("bad" paragraphs),
    as Uzushio marks them. Live paragraph i is removed when paragraphs i-count+1..i or
    i..i+count-1 are all bad, windows cut at the ends of the document: a bad run touching the
    first or last paragraph goes whatever its length. Removing i also removes the live bad
    paragraphs among the `count` before it, in a run or not. Paragraphs already removed by
    earlier filters are scored and count in the windows, but keep their own mark.

    - count: run length (Uzushio's default 3);
    - threshold: perplexity from which a paragraph is bad (Uzushio's default 1e6);
    - outliers: Uzushio's default 0.02.
    LLM-jp v2: outliers 0.1, count 3, threshold 1e6; then count 2, threshold 5e6."""

    outliers: float = Field(default=0.02, ge=0.0, lt=1.0)
    count: int = Field(default=3, ge=1)
    threshold: float = Field(default=1e6, gt=1.0)

    def apply(self, document: Document) -> Document:
        limit = -math.log10(self.threshold)
        bad = [self.paragraph_score(p.text) <= limit for p in document.paragraphs]
        live = [p.live for p in document.paragraphs]
        removed = paragraphs_in_bad_runs(bad, live, self.count)
        if not removed:
            return document
        label = self.label
        paragraphs = [
            dataclasses.replace(p, removed_by=label) if i in removed else p
            for i, p in enumerate(document.paragraphs)
        ]
        return dataclasses.replace(document, paragraphs=paragraphs)


def paragraphs_in_bad_runs(bad: list[bool], live: list[bool], count: int) -> set[int]:
    """Indices of the paragraphs Uzushio's KenLMParagraphPerplexity removes, given which are
    bad and which are live (see the class docstring)."""
    removed: set[int] = set()
    n = len(bad)
    for i in range(n):
        back = all(bad[max(i - count + 1, 0) : i + 1])
        forward = all(bad[i : min(i + count, n)])
        if live[i] and (back or forward):
            removed.add(i)
            removed.update(j for j in range(max(i - count, 0), i) if bad[j] and live[j])
    return removed
