"""Cheap tests of whether a page can be Japanese, before any HTML parsing.

They run on every HTML record of Common Crawl (about 95% not Japanese), so they only look
for kana: Japanese text always has hiragana or katakana, Chinese and Korean pages almost
never (a stray の in a Chinese page does happen; such a page costs a parse, nothing more).

`might_hold_kana` looks at the raw bytes, before the charset is known: it is False only when
no charset the decoder may choose (corpus.extract.charset) can read a kana from the body,
so most pages are rejected without being decoded. `looks_japanese` counts the kana of the
decoded page, markup included, and kana written as numeric character references
(&#12354; / &#x3042;), which some pages use for all of their Japanese text.
"""

from __future__ import annotations

import codecs
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
_KANA_REFERENCE_BYTES = re.compile(_KANA_REFERENCE.pattern.encode())

# U+3041-U+30FA in UTF-8: E3 81 81 to E3 83 BA (not ・ E3 83 BB, used in Chinese and Korean).
_UTF8_KANA = re.compile(rb"\xe3(?:\x81[\x81-\xbf]|\x82[\x80-\xbf]|\x83[\x80-\xba])")
# Every byte sequence that decodes to a kana in one of the legacy multi-byte charsets the
# decoder may choose (found by decoding every sequence; tests/extract/test_prefilter.py
# checks it again): Shift_JIS (cp932, shift_jis_2004), EUC-JP (euc_jp, euc_jis_2004),
# GB18030, Big5 (big5hkscs, cp950) and EUC-KR (cp949). Single-byte charsets have no kana.
# It matches at any alignment, so it also holds after the decoder skips a bad byte.
_LEGACY_KANA = re.compile(
    rb"\x81[\x4a\x4b\x54\x55\xb7]|\x82[\x9b\x9f-\xf9]|\x83[\x40-\x7e\x80-\x9e\xf6]|\x84[\x92-\x95]"
    rb"|\xa1[\xab\xac\xb5\xb6]|\xa2\xb9|\xa3\xfb|\xa4[\xa1-\xfb]|\xa5[\xa1-\xfe]|\xa6\xf8|\xa7[\xf2-\xf5]"
    rb"|\xa9[\x61\x62\x66\x67]|\x81\x39[\xa6\xa7][\x30-\x39]"
    rb"|\xaa[\xa1-\xf3]|\xab[\xa1-\xf6]"
    rb"|\xc6[\xa2\xa3\xa5-\xfe]|\xc7[\x40-\x7e\xa1-\xf2]|\xc8[\xd4\xd5]"
)
# ISO-2022-JP switches to its two-byte sets (where the kana are) with ESC $.
_ISO2022_DOUBLE_BYTE = b"\x1b$"
# UTF-16 and UTF-32 (found by a BOM or by NUL bytes in the head, charset._sniff_nul_bytes)
# can put a kana in any two bytes: such bodies are left to the decoder.
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_NUL_SNIFF_BYTES = 1024
_MAX_UTF8_CUT_TAIL = 3


def might_hold_kana(body: bytes) -> bool:
    """False only when no charset `decode_body` may choose reads a kana from `body`,
    literal or as a character reference: then the page needs no decoding to be rejected.

    A body that is valid UTF-8 is decoded as UTF-8 (after a BOM or NULs, which are left to
    the decoder), so its kana are E3 81 81 to E3 83 BA; any other body may be read in any
    legacy charset, so any of their kana byte sequences counts.
    """
    if body.startswith(_UTF16_BOMS) or b"\x00" in body[:_NUL_SNIFF_BYTES]:
        return True
    if _UTF8_KANA.search(body) or _KANA_REFERENCE_BYTES.search(body):
        return True
    # Looking for ESC alone first: a one-byte search is much faster than a two-byte one.
    if b"\x1b" in body and _ISO2022_DOUBLE_BYTE in body:
        return True
    if body.isascii():
        return False
    # Decoding is faster than looking for the legacy kana sequences in a UTF-8 body.
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        if not _is_cut_utf8(body, error.start):
            return _LEGACY_KANA.search(body) is not None
    return False


def _is_cut_utf8(body: bytes, error_start: int) -> bool:
    """Whether `body` is UTF-8 cut inside its last character, which the decoder reads as
    UTF-8 (a record truncated at a byte limit)."""
    if error_start < len(body) - _MAX_UTF8_CUT_TAIL:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(body, final=False)
    except UnicodeDecodeError:
        return False
    return True


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
