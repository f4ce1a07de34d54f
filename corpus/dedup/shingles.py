"""Shingles: the set of overlapping n-grams of a document's text that MinHash samples.

A document's shingles are taken from its text (`Document.text`: the live paragraphs
joined by a blank line) with every whitespace character removed, as `str.split()` defines
whitespace (ASCII spaces and line breaks, U+3000 ideographic space, NBSP, ...). Nothing
else is normalised: が and か (and が written as か + U+3099) stay different, as do
full- and half-width forms. Removing whitespace rather than folding it keeps copies
that differ only in layout (line breaks, indentation with U+3000) identical.

- character shingles (the default, no segmenter needed): n consecutive characters;
- word shingles: n consecutive words of `WordSegmenter.words`, joined by one space.

A text shorter than n has one shingle, the whole text; an empty text has none. Each
shingle is its UTF-8 bytes, which is what MinHash (and datasketch) hashes.
"""

from __future__ import annotations

from collections.abc import Sequence

from corpus.text.segmenter import WordSegmenter


def without_whitespace(text: str) -> str:
    return "".join(text.split())


def char_shingles(text: str, n: int = 5) -> set[bytes]:
    text = without_whitespace(text)
    if len(text) <= n:
        return {text.encode()} if text else set()
    return set(map(str.encode, {text[i : i + n] for i in range(len(text) - n + 1)}))


def word_shingles(words: Sequence[str], n: int) -> set[bytes]:
    if len(words) <= n:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}


def document_shingles(text: str, n: int = 5, segmenter: WordSegmenter | None = None) -> set[bytes]:
    """Character n-grams of `text`, or word n-grams when a segmenter is given."""
    if segmenter is None:
        return char_shingles(text, n)
    return word_shingles(segmenter.words(text), n)
