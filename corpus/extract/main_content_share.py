"""How much of each paragraph resiliparse's main-content extraction keeps.

resiliparse (`extract_plain_text(html, main_content=True)`) judges a page's main content
with rules of its own, in C++ and in about a third of the time the paragraph walk takes.
Its opinion is one of the MainText filter's features: a second view on where the article
is, which the filter's model weighs with the rest. Shares are of the paragraph's distinct
character 5-grams with whitespace removed, so that they do not depend on how either side
breaks lines; a paragraph too short for a 5-gram counts whole or not at all.

A paragraph found whole in the main content has all its 5-grams there; the others'
5-grams are compared as 64-bit polynomial hashes, all of a page's at once in numpy (two
distinct 5-grams of a page share a hash with a probability under 1e-11).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from resiliparse.extract.html2text import extract_plain_text

from corpus.dedup.shingles import without_whitespace
from corpus.schema import Paragraph
from corpus.text.code_points import code_points

SHINGLE = 5
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
"""Odd, from the golden ratio (2**64 / phi)."""


def _gram_hashes(codes: np.ndarray) -> np.ndarray:
    """The hash of the 5-gram starting at each position of `codes` (code points as
    uint64) that has 5 code points from there."""
    hashes = np.zeros(max(len(codes) - SHINGLE + 1, 0), dtype=np.uint64)
    for k in range(SHINGLE):  # wraps modulo 2**64
        hashes = hashes * _MULTIPLIER + codes[k : k + len(hashes)]
    return hashes


def _shares(texts: list[str], main: str) -> np.ndarray:
    """For each text (5 characters or more), the share of its distinct 5-grams that are
    5-grams of `main`: the texts are hashed together, one numpy pass for the page."""
    lengths = np.array([len(text) for text in texts])
    owner = np.repeat(np.arange(len(texts)), lengths)
    start = np.repeat(np.cumsum(lengths) - lengths, lengths)
    hashes = _gram_hashes(code_points("".join(texts)))
    # A 5-gram that runs into the next text is none of either's.
    whole = np.arange(len(hashes)) - start[: len(hashes)] <= lengths[owner[: len(hashes)]] - SHINGLE
    owner, hashes = owner[: len(hashes)][whole], hashes[whole]
    order = np.lexsort((hashes, owner))
    owner, hashes = owner[order], hashes[order]
    distinct = np.ones(len(hashes), dtype=bool)
    distinct[1:] = (owner[1:] != owner[:-1]) | (hashes[1:] != hashes[:-1])
    owner, hashes = owner[distinct], hashes[distinct]
    kept = np.sort(_gram_hashes(code_points(main)))
    at = np.minimum(np.searchsorted(kept, hashes), len(kept) - 1)
    found = kept[at] == hashes if len(kept) else np.zeros(len(hashes), dtype=bool)
    return np.bincount(owner, weights=found, minlength=len(texts)) / np.bincount(
        owner, minlength=len(texts)
    )


def with_main_content(html: str, paragraphs: list[Paragraph]) -> list[Paragraph]:
    """`paragraphs` with `main_content` set: the share of each one's 5-grams found in
    resiliparse's main content of `html`."""
    main = without_whitespace(extract_plain_text(html, main_content=True))
    texts = [without_whitespace(paragraph.text) for paragraph in paragraphs]
    shares = [float(bool(text) and text in main) for text in texts]
    partial = [i for i, text in enumerate(texts) if len(text) >= SHINGLE and shares[i] == 0.0]
    if partial:
        for i, share in zip(partial, _shares([texts[i] for i in partial], main), strict=True):
            shares[i] = float(share)
    return [
        dataclasses.replace(paragraph, main_content=share)
        for paragraph, share in zip(paragraphs, shares, strict=True)
    ]
