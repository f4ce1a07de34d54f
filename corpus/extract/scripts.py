"""Character-class measures of Japanese text (hiragana, katakana, kanji shares).

Everything is computed with numpy over the code points of a string, never with a
per-character Python loop: these measures run on every document of the corpus.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

_OTHER, _HIRAGANA, _KATAKANA, _KANJI, _WHITESPACE = range(5)


@dataclass(frozen=True, slots=True)
class ScriptRatios:
    """Shares of the non-whitespace characters of a text, each in [0, 1]."""

    hiragana: float  # U+3040-U+309F
    katakana: float  # U+30A0-U+30FF, U+31F0-U+31FF, half-width U+FF66-U+FF9F
    kanji: float  # CJK ideographs U+4E00-U+9FFF, ext. A U+3400-U+4DBF, compat. U+F900-U+FAFF


def _class_table() -> np.ndarray:
    """One class byte for every code point, indexed by the code point."""
    table = np.full(sys.maxunicode + 1, _OTHER, dtype=np.uint8)
    table[0x3040:0x30A0] = _HIRAGANA
    for first, end in ((0x30A0, 0x3100), (0x31F0, 0x3200), (0xFF66, 0xFFA0)):
        table[first:end] = _KATAKANA
    for first, end in ((0x4E00, 0xA000), (0x3400, 0x4DC0), (0xF900, 0xFB00)):
        table[first:end] = _KANJI
    # Every Unicode White_Space code point lies in the BMP, so scanning it suffices.
    table[[c for c in range(0x10000) if chr(c).isspace()]] = _WHITESPACE
    return table


_CLASS_OF = _class_table()


def codepoints(text: str) -> np.ndarray:
    """The code points of `text` as a uint32 array (lone surrogates pass through)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def script_ratios(text: str) -> ScriptRatios:
    """Hiragana, katakana and kanji shares of `text`.

    The denominator is every character except whitespace (as `str.isspace` defines it);
    a text with no such character gets 0.0 for all three.
    """
    classes = _CLASS_OF.take(codepoints(text))
    counted = len(classes) - int(np.count_nonzero(classes == _WHITESPACE))
    if counted == 0:
        return ScriptRatios(hiragana=0.0, katakana=0.0, kanji=0.0)
    return ScriptRatios(
        hiragana=int(np.count_nonzero(classes == _HIRAGANA)) / counted,
        katakana=int(np.count_nonzero(classes == _KATAKANA)) / counted,
        kanji=int(np.count_nonzero(classes == _KANJI)) / counted,
    )
