"""FineWeb-2's heuristic filters on Japanese: GopherRepetition, FineWebQuality, GopherQuality.

The measures are datatrove's (huggingface/datatrove, pipeline/filters), the defaults FineWeb-2's
Japanese thresholds (huggingface/fineweb-2 configs/jpn_Jpan.yml). What changes for Japanese:

- Lines. FineWeb-2 measured trafilatura's plain text, which puts every block element (and every
  `<br>`) on a line of its own. Our paragraphs are those blocks, so a document is measured as its
  live paragraphs' non-blank lines, stripped, joined by ONE newline (`Document.text` puts a blank
  line between paragraphs, which would double every newline count). datatrove's paragraph checks
  (split on blank lines) are off in FineWeb-2 and not implemented here.
- Words. A Japanese segmenter (`sudachi` split mode A, which FineWeb-2's spaCy tokenizer runs, or
  `fugashi`) cuts the text into words, never whitespace; whitespace is not a word, punctuation is.
- Line-ending punctuation includes 。！？ and their kin; "symbol words" and "alphabetic words"
  are decided by Unicode category, so kanji and kana are letters and 、。「」・ are symbols.
- No normalisation at all: lines, words and n-grams compare exactly, so が and か stay different
  (FineWeb-2's dedup normalisation strips combining marks and turns が into か).

Each filter's `measures(document)` returns every sub-measure by name; `removal` applies them in
datatrove's order and names the first check that fired and its threshold, e.g.
`GopherRepetition(dup_line_frac=0.328)`.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter
from itertools import accumulate

from pydantic import Field, PositiveInt

from corpus.filters.base import DocumentFilter
from corpus.schema import Document
from corpus.text.segmenter import SegmenterKind, WordSegmenter

LINE_END_PUNCTUATION = frozenset(".!?。｡！？．‼⁇⁈⁉‽﹒﹖﹗")
"""The sentence terminators of datatrove's TERMINAL_PUNCTUATION that Japanese text uses."""

FINEWEB2_JA_STOP_WORDS = tuple("のにをはたてがとで年し・月れさ")
"""FineWeb-2's Japanese stop words (configs/jpn_Jpan.yml), in its order: all one character."""

MIN, MAX = "min", "max"


def measured_lines(document: Document) -> list[str]:
    """The document's lines as FineWeb-2 saw them: each non-blank line of each live paragraph,
    stripped of surrounding whitespace."""
    return [
        line.strip()
        for paragraph in document.live_paragraphs
        for line in paragraph.text.split("\n")
        if line.strip()
    ]


def duplicates(items: list[str]) -> tuple[int, int]:
    """How many items repeat an earlier item, and how many characters those repeats hold."""
    seen: set[str] = set()
    count = chars = 0
    for item in items:
        if item in seen:
            count += 1
            chars += len(item)
        else:
            seen.add(item)
    return count, chars


class JoinedWords:
    """Words joined by a separator, knowing where each word starts: every n-gram is then one
    slice of the joined text, much faster than joining every window of words."""

    def __init__(self, words: list[str], separator: str) -> None:
        self.text = separator.join(words)
        self.starts = list(accumulate((len(w) + len(separator) for w in words), initial=0))
        self.separator_length = len(separator)

    def ngrams(self, n: int) -> list[str]:
        """Every run of n consecutive words, in order, spelled with the separator."""
        text, cut = self.text, self.separator_length
        return [text[a : b - cut] for a, b in zip(self.starts, self.starts[n:], strict=False)]


def top_ngram_chars(words: JoinedWords, n: int) -> int:
    """Characters covered by the most frequent word n-gram: its length times its count.

    As in datatrove (whose thresholds FineWeb-2 tuned), the n-gram is spelled with its words
    joined by one space (pass words joined by " "), and ties go to the n-gram seen first.
    0 with fewer than n words."""
    counts = Counter(words.ngrams(n))
    if not counts:
        return 0
    ngram, count = counts.most_common(1)[0]
    return len(ngram) * count


def duplicate_ngram_chars(words: JoinedWords, n: int) -> int:
    """Characters in word n-grams that repeat an earlier n-gram (pass words joined by "").

    Scans left to right; after a repeat it jumps n words ahead, so overlapping repeats are not
    counted twice and the n-grams jumped over are not remembered (datatrove's rule)."""
    ngrams = words.ngrams(n)
    seen: set[str] = set()
    chars = i = 0
    while i < len(ngrams):
        if ngrams[i] in seen:
            chars += len(ngrams[i])
            i += n
        else:
            seen.add(ngrams[i])
            i += 1
    return chars


def is_symbol_word(word: str) -> bool:
    """True when no character of `word` is a letter, mark or number (all punctuation/symbols)."""
    return all(unicodedata.category(c)[0] in "PSZC" for c in word)


def is_alphabetic_word(word: str) -> bool:
    """True when `word` holds a letter of any script (kanji, kana, Latin, ...)."""
    return any(c.isalpha() for c in word)


class _ThreadSegmentation(threading.local):
    """Per thread (taggers are not shared between threads): a segmenter of each kind, and the
    last text segmented with its words. The three filters stand one after another in the chain
    and measure the same text, so it is segmented once, not three times."""

    def __init__(self) -> None:
        self.segmenters: dict[str, WordSegmenter] = {}
        self.last: tuple[tuple[str, str], list[str]] | None = None


_thread_segmentation = _ThreadSegmentation()


def segment(kind: SegmenterKind, text: str) -> list[str]:
    """The words of `text` by the `kind` segmenter in split mode A (do not change the list)."""
    state = _thread_segmentation
    if state.last is not None and state.last[0] == (kind, text):
        return state.last[1]
    if kind not in state.segmenters:
        state.segmenters[kind] = WordSegmenter(kind, "A")
    words = state.segmenters[kind].words(text)
    state.last = ((kind, text), words)
    return words


class SegmentingFilter(DocumentFilter):
    """A document filter that counts words with a Japanese segmenter (split mode A)."""

    abstract = True
    segmenter: SegmenterKind = "sudachi"

    def words(self, text: str) -> list[str]:
        return segment(self.segmenter, text)

    def reason(self, check: str, threshold: float) -> str:
        return f"{type(self).__name__}({check}={threshold})"


class GopherRepetition(SegmentingFilter):
    """Repetition within a document (Gopher, Rae et al. 2021, Table A1; datatrove's version).

    - dup_line_frac: the share of lines that repeat an earlier line; above it the document goes.
    - top_n_grams {n: frac}: characters covered by the most frequent word n-gram / characters of
      the text (lines joined by newlines); above frac the document goes.
    - dup_n_grams {n: frac}: characters in word n-grams repeating an earlier one / characters of
      the text; above frac the document goes.
    Defaults: FineWeb-2 Japanese (Gopher's English: 0.30; 0.20/0.18/0.16; 0.15 down to 0.10)."""

    dup_line_frac: float = 0.328
    top_n_grams: dict[PositiveInt, float] = Field(
        default_factory=lambda: {2: 0.239, 3: 0.196, 4: 0.172}
    )
    dup_n_grams: dict[PositiveInt, float] = Field(
        default_factory=lambda: {5: 0.243, 6: 0.225, 7: 0.207, 8: 0.190, 9: 0.175, 10: 0.159}
    )

    def measures(self, document: Document) -> dict[str, float]:
        lines = measured_lines(document)
        if not lines:
            return {"dup_line_frac": 0.0}
        text = "\n".join(lines)
        words = self.words(text)
        spaced, unspaced = JoinedWords(words, " "), JoinedWords(words, "")
        result = {"dup_line_frac": duplicates(lines)[0] / len(lines)}
        for n in self.top_n_grams:
            result[f"top_{n}_gram"] = top_ngram_chars(spaced, n) / len(text)
        for n in self.dup_n_grams:
            result[f"dup_{n}_gram"] = duplicate_ngram_chars(unspaced, n) / len(text)
        return result

    def removal(self, document: Document) -> str | None:
        measures = self.measures(document)
        if measures["dup_line_frac"] > self.dup_line_frac:
            return self.reason("dup_line_frac", self.dup_line_frac)
        for prefix, thresholds in (("top", self.top_n_grams), ("dup", self.dup_n_grams)):
            for n, threshold in thresholds.items():
                if measures.get(f"{prefix}_{n}_gram", 0.0) > threshold:
                    return self.reason(f"{prefix}_{n}_gram", threshold)
        return None


class FineWebQuality(SegmentingFilter):
    """FineWeb's line-level quality checks, as FineWeb-2 runs them (short-line check off).

    - line_punct_ratio: the share of lines ending in sentence-final punctuation (。！？.!? ...);
      below it the document goes (a menu, a list of links, a table).
    - char_dup_ratio: characters in lines repeating an earlier line / characters of all lines;
      above it the document goes.
    - new_line_ratio: newlines / words (lines joined by one newline); above it the document goes
      (many short lines: lists).
    A document without a non-blank line goes as `FineWebQuality(empty)`.
    Defaults: FineWeb-2 Japanese 0.096, 0.1, 0.13 (FineWeb English: 0.12, 0.01, 0.3)."""

    line_punct_ratio: float = 0.096
    char_dup_ratio: float = 0.1
    new_line_ratio: float = 0.13

    def measures(self, document: Document) -> dict[str, float]:
        lines = measured_lines(document)
        if not lines:
            return {}
        words = self.words("\n".join(lines))
        return {
            "line_punct_ratio": sum(line[-1] in LINE_END_PUNCTUATION for line in lines)
            / len(lines),
            "char_dup_ratio": duplicates(lines)[1] / sum(len(line) for line in lines),
            "new_line_ratio": (len(lines) - 1) / len(words),
        }

    def removal(self, document: Document) -> str | None:
        measures = self.measures(document)
        if not measures:
            return f"{type(self).__name__}(empty)"
        if measures["line_punct_ratio"] < self.line_punct_ratio:
            return self.reason("line_punct_ratio", self.line_punct_ratio)
        if measures["char_dup_ratio"] > self.char_dup_ratio:
            return self.reason("char_dup_ratio", self.char_dup_ratio)
        if measures["new_line_ratio"] > self.new_line_ratio:
            return self.reason("new_line_ratio", self.new_line_ratio)
        return None


class GopherQuality(SegmentingFilter):
    """Gopher's quality rules (Rae et al. 2021; datatrove's version) on Japanese words.

    Words are all segmenter tokens; "content words" are those with a letter, mark or number
    (not only punctuation and symbols). Checks, in order, each off when None; the reason names
    the bound that was crossed, e.g. `GopherQuality(min_stop_words=2)`:
    - min_doc_words / max_doc_words: content words (FineWeb-2 keeps datatrove's 50 / 100,000);
    - min_avg_word_length / max_avg_word_length: mean characters per content word (FineWeb-2
      Japanese: 1 and 6; Gopher's English: 3 and 10);
    - max_symbol_word_ratio: `#` per word, and `...` or `…` per word, above it the document goes
      (0.1);
    - max_bullet_lines_ratio: share of lines starting with `•` or `-` (0.9);
    - max_ellipsis_lines_ratio: share of lines ending with `...` or `…` (0.3);
    - min_alpha_word_ratio: share of words holding a letter of any script; below it the
      document goes (datatrove's `max_non_alpha_words_ratio`; FineWeb-2 Japanese 0.759);
    - min_stop_words: how many words must be among `stop_words` (FineWeb-2's Japanese list, 2).
    The bullet and ellipsis characters are datatrove's: Japanese ・ bullets and ・・・ are not
    counted, as in FineWeb-2."""

    min_doc_words: int | None = 50
    max_doc_words: int | None = 100_000
    min_avg_word_length: float | None = 1
    max_avg_word_length: float | None = 6
    max_symbol_word_ratio: float | None = 0.1
    max_bullet_lines_ratio: float | None = 0.9
    max_ellipsis_lines_ratio: float | None = 0.3
    min_alpha_word_ratio: float | None = 0.759
    min_stop_words: int | None = 2
    stop_words: tuple[str, ...] = FINEWEB2_JA_STOP_WORDS

    def measures(self, document: Document) -> dict[str, float]:
        lines = measured_lines(document)
        text = "\n".join(lines)
        words = Counter(self.words(text) if lines else [])
        content = {w: k for w, k in words.items() if not is_symbol_word(w)}
        content_words = sum(content.values())
        per_word = words.total() or 1
        per_line = len(lines) or 1
        return {
            "doc_words": content_words,
            "avg_word_length": (
                sum(len(w) * k for w, k in content.items()) / content_words if content else 0.0
            ),
            "hash_word_ratio": text.count("#") / per_word,
            "ellipsis_word_ratio": (text.count("...") + text.count("…")) / per_word,
            "bullet_lines_ratio": sum(line.startswith(("•", "-")) for line in lines) / per_line,
            "ellipsis_lines_ratio": sum(line.endswith(("...", "…")) for line in lines) / per_line,
            "alpha_word_ratio": (
                sum(k for w, k in words.items() if is_alphabetic_word(w)) / per_word
            ),
            "stop_words": sum(words[w] for w in set(self.stop_words)),
        }

    def removal(self, document: Document) -> str | None:
        measures = self.measures(document)
        checks = (
            ("doc_words", self.min_doc_words, MIN),
            ("doc_words", self.max_doc_words, MAX),
            ("avg_word_length", self.min_avg_word_length, MIN),
            ("avg_word_length", self.max_avg_word_length, MAX),
            ("hash_word_ratio", self.max_symbol_word_ratio, MAX),
            ("ellipsis_word_ratio", self.max_symbol_word_ratio, MAX),
            ("bullet_lines_ratio", self.max_bullet_lines_ratio, MAX),
            ("ellipsis_lines_ratio", self.max_ellipsis_lines_ratio, MAX),
            ("alpha_word_ratio", self.min_alpha_word_ratio, MIN),
            ("stop_words", self.min_stop_words, MIN),
        )
        for name, threshold, bound in checks:
            if threshold is None:
                continue
            value = measures[name]
            if value < threshold if bound == MIN else value > threshold:
                return self.reason(f"{bound}_{name}", threshold)
        return None
