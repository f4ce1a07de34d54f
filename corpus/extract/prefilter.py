"""Cheap test, on decoded raw HTML before any parsing, of whether a page can be Japanese.

It runs on every HTML record of Common Crawl (about 95% not Japanese), so it only counts
kana: Japanese text always has hiragana or katakana, Chinese and Korean pages almost never
(a stray の in a Chinese page does happen; such a page costs a parse, nothing more). The
count covers the whole page, markup included, and kana written as numeric character
references (&#12354; / &#x3042;), which some pages use for all of their Japanese text.
"""

from __future__ import annotations

import re

import numpy as np

from corpus.extract.scripts import codepoints

# One kana is enough: recall comes first (the issue asks >= 99.5% of what the full path
# keeps, and a page that is only 文字化け has one kana), and the price is small: the rare
# Chinese or English page with a stray の pays for a parse and then fails language ID.
MIN_KANA = 1

# ぁ (U+3041) to ヺ (U+30FA): leaves out ・ (U+30FB), which Chinese and Korean pages use as a
# separator, and ー ヽ ヾ ヿ, which hardly occur without other kana.
_FIRST_KANA, _LAST_KANA = 0x3041, 0x30FA

# Characters per slice: bounds the temporary arrays on multi-megabyte pages and lets a
# Japanese page stop at its first slice.
_SLICE_CHARS = 1 << 18

# A superset of the kana references (decimal 12300-12599, hex 30xx); exact range checked below.
_KANA_REFERENCE = re.compile(r"&#(?:[xX](30[4-9a-fA-F][0-9a-fA-F])|(12[3-5]\d\d));")


def looks_japanese(html: str, *, min_kana: int = MIN_KANA) -> bool:
    """True when `html` holds at least `min_kana` kana, literal or as character references."""
    seen = 0
    if not html.isascii():
        for start in range(0, len(html), _SLICE_CHARS):
            seen += _count_kana(html[start : start + _SLICE_CHARS])
            if seen >= min_kana:
                return True
    return seen + _count_kana_references(html, min_kana - seen) >= min_kana


def _count_kana(text: str) -> int:
    # Unsigned wrap-around turns the two-sided range test into one comparison.
    offsets = codepoints(text) - np.uint32(_FIRST_KANA)
    return int(np.count_nonzero(offsets <= np.uint32(_LAST_KANA - _FIRST_KANA)))


def _count_kana_references(html: str, enough: int) -> int:
    """Kana written as numeric character references, counting no further than `enough`."""
    found = 0
    for match in _KANA_REFERENCE.finditer(html):
        hexadecimal, decimal = match.groups()
        code = int(hexadecimal, 16) if hexadecimal else int(decimal)
        if _FIRST_KANA <= code <= _LAST_KANA:
            found += 1
            if found >= enough:
                break
    return found
