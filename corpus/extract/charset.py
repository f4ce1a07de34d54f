"""Turn an HTTP response body (bytes) into text: the charset stage of WARC extraction.

Order of evidence, strongest first:

1. a byte-order mark;
2. UTF-16 without a BOM, sniffed from NUL bytes in every other position (many NULs in
   no such pattern: binary, None);
3. a non-ASCII body that is valid UTF-8 is UTF-8, whatever it declares; a 7-bit body
   carrying ISO-2022 escapes is ISO-2022-JP;
4. the charset of the HTTP Content-Type, then ``<meta charset>`` / ``<meta http-equiv>``
   and the ``<?xml encoding>`` declaration in the first 10 KB; a declared single-byte
   charset comes after every declared multi-byte one;
5. Shift_JIS / EUC-JP when they decode and the text reads as Japanese ("detected");
6. a near fit ("lenient"): a candidate so far that leaves at most 0.1% U+FFFD;
7. charset-normalizer on 8 KB ("detected"), then its near fits ("lenient").

Each candidate decodes the whole body strictly, except that a multi-byte sequence cut
off at the very end (records are truncated at a byte limit) is dropped.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import charset_normalizer

_META_SCAN_BYTES = 10 * 1024
_DETECTION_SAMPLE_BYTES = 8 * 1024
_UTF16_SNIFF_BYTES = 1024
_SCRIPT_SAMPLE_CHARS = 4096
# Measured on the fixtures: Japanese pages 0.15-0.63 hiragana, Chinese and Korean pages
# read as Japanese at most 0.015 (0.145 for a jamo-heavy test text); Korean pages read
# as CP949 at least 0.83 Hangul, EUC-JP pages read as CP949 at most 0.16.
_JAPANESE_MIN_HIRAGANA_SHARE = 0.1
_KOREAN_MIN_HANGUL_SHARE = 0.5

# The longest incomplete tail any supported codec can leave: 3 bytes of a 4-byte
# UTF-8, GB18030 or UTF-32 unit.
_MAX_CUT_TAIL = 3

# One replacement is always tolerated: a short page with a single bad byte is still good
# text (see _decode_lenient).
_LENIENT_MAX_REPLACEMENT_RATIO = 0.001
_LENIENT_MIN_CHARS = 64

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 LE before UTF-16 LE: its BOM starts with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^\s"';,]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([a-z0-9][a-z0-9_.:-]{0,39})""", re.IGNORECASE
)
_XML_ENCODING = re.compile(
    rb"""\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([a-z0-9][a-z0-9_.:-]{0,39})""", re.IGNORECASE
)
_FIRST_NON_ASCII = re.compile(rb"[\x80-\xff]")
_FIRST_NON_ASCII_CHAR = re.compile(r"[^\x00-\x7f]")
_HIRAGANA = re.compile(r"[\u3041-\u309f]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")

# Web labels that Python's codec registry does not know (names as lower-case, "_" -> "-").
_WEB_ALIASES: dict[str, str] = {
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "cswindows31j": "cp932",
    "x-ms-cp932": "cp932",
    "sjis-win": "cp932",
    "sjis-open": "cp932",
    "cp943": "cp932",
    "cp943c": "cp932",
    "ibm-943": "cp932",
    "x-euc-jp": "euc_jp",
    "x-euc": "euc_jp",
    "cseucpkdfmtjapanese": "euc_jp",
    "euc-jp-ms": "euc_jp",
    "eucjp-ms": "euc_jp",
    "eucjp-win": "euc_jp",
    "cp51932": "euc_jp",
    "x-gbk": "gbk",
    "csgb2312": "gbk",
    "gb-2312-80": "gbk",
    "gb2312-80": "gbk",
    "iso-ir-58": "gbk",
    "x-x-big5": "big5",
    "cn-big5": "big5",
    "windows-949": "cp949",
    "x-windows-949": "cp949",
    "csksc56011987": "cp949",
    "ks-c-5601-1989": "cp949",
    "iso-ir-149": "cp949",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "windows-874": "cp874",
    "dos-874": "cp874",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "iso8859-11": "cp874",
    "x-mac-roman": "mac-roman",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "iso-8859-8-i": "iso8859-8",
    **{f"x-cp125{digit}": f"cp125{digit}" for digit in range(9)},
}

_SHIFT_JIS = ("cp932", "shift_jis_2004")
_EUC_JP = ("euc_jp", "euc_jis_2004")
_ISO2022_JP = ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext")
_JAPANESE = (*_SHIFT_JIS, *_EUC_JP)
_LATIN_1 = ("cp1252", "iso8859-1")  # as browsers do; cp1252 leaves 5 bytes undefined

# Python codec name -> the codecs to try, in order. Anything else is not a web charset
# (EBCDIC, utf-7, rot-13, base64 ...) and is skipped.
_FAMILIES: dict[str, tuple[str, ...]] = {
    "utf-8": ("utf-8",),
    **dict.fromkeys(("shift_jis", "cp932", "shift_jis_2004", "shift_jisx0213"), _SHIFT_JIS),
    **dict.fromkeys(("euc_jp", "euc_jis_2004", "euc_jisx0213"), _EUC_JP),
    **dict.fromkeys(
        (
            "iso2022_jp",
            "iso2022_jp_1",
            "iso2022_jp_2",
            "iso2022_jp_2004",
            "iso2022_jp_3",
            "iso2022_jp_ext",
        ),
        _ISO2022_JP,
    ),
    **dict.fromkeys(("gb2312", "gbk", "gb18030"), ("gb18030",)),
    **dict.fromkeys(("big5", "big5hkscs", "cp950"), ("big5hkscs", "cp950")),
    **dict.fromkeys(("euc_kr", "cp949"), ("cp949",)),
    **dict.fromkeys(("ascii", "iso8859-1", "cp1252"), _LATIN_1),
}
_SINGLE_BYTE = frozenset(
    (
        *_LATIN_1,
        "cp866",
        "cp874",
        "koi8-r",
        "koi8-u",
        "mac-roman",
        "mac-cyrillic",
        *(f"iso8859-{part}" for part in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
        *(f"cp125{digit}" for digit in range(9)),
    )
)
_FAMILIES.update({name: (name,) for name in _SINGLE_BYTE if name not in _FAMILIES})
_ASCII_TRANSPARENT = frozenset(
    codec
    for family in _FAMILIES.values()
    for codec in family
    if bytes(range(128)).decode(codec, "replace") == bytes(range(128)).decode("ascii")
)


@dataclass(frozen=True, slots=True)
class DecodedBody:
    text: str
    charset: str  # Python codec name actually used, e.g. "cp932", "utf-8", "utf-16-le"
    source: str  # "bom" | "http" | "meta" | "sniffed-utf16" | "utf-8" | "detected" | "lenient"


@lru_cache(maxsize=1024)
def codecs_for_label(label: str) -> tuple[str, ...]:
    """The codecs to try, in order, for a declared charset label; () when unknown.

    UTF-16/32 labels give (): without a BOM they cannot be checked (almost any byte
    string decodes as UTF-16), and a real UTF-16 body is caught by its NUL bytes.
    """
    key = label.strip().strip("\"'").lower().replace("_", "-")
    try:
        name = codecs.lookup(_WEB_ALIASES.get(key, key)).name
    except (LookupError, ValueError):  # ValueError: a NUL in a header value
        return ()
    return _FAMILIES.get(name, ())


@lru_cache(maxsize=1024)
def _http_codecs(content_type: str) -> tuple[str, ...]:
    match = _HTTP_CHARSET.search(content_type)
    return codecs_for_label(match.group(1)) if match else ()


def _declared(body: bytes, content_type: str | None) -> Iterator[tuple[str, str]]:
    """(codec, source) from the Content-Type, then the document's own declarations."""
    if content_type:
        for codec in _http_codecs(content_type):
            yield codec, "http"
    head = body[:_META_SCAN_BYTES]
    for pattern in (_META_CHARSET.search, _XML_ENCODING.match):
        match = pattern(head)
        if match:
            for codec in codecs_for_label(match.group(1).decode("ascii")):
                yield codec, "meta"


def _decode_strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        if error.start < len(data) - _MAX_CUT_TAIL:
            return None
    # The failure is in the last bytes: an incremental decoder tells a sequence cut off
    # by truncation (held back, not an error) from a really invalid one.
    try:
        return codecs.getincrementaldecoder(codec)().decode(data, final=False)
    except UnicodeDecodeError:
        return None


def _sniff_nul_bytes(body: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be", "binary" or None (few NULs) from the NULs of the head.

    UTF-16 without a BOM: ASCII markup leaves a NUL in every other byte. Text in an
    ASCII-compatible charset has no NULs, so many of them in no such pattern is binary.
    """
    head = body[: _UTF16_SNIFF_BYTES & ~1]
    enough = max(4, len(head) // 8)
    if head.count(0) < enough:
        return None
    nul_even = head[0::2].count(0)
    nul_odd = head[1::2].count(0)
    if nul_odd >= enough and nul_even * 20 <= nul_odd:
        return "utf-16-le"
    if nul_even >= enough and nul_odd * 20 <= nul_even:
        return "utf-16-be"
    return "binary"


def _detection_sample(body: bytes) -> bytes:
    """8 KB from just before the first non-ASCII byte, ending on a character boundary.

    Starting there keeps a long ASCII head (scripts, styles) from hiding the text. '<'
    and newline are never part of a multi-byte character in the CJK encodings, so
    cutting after one does not break a character.
    """
    first = _FIRST_NON_ASCII.search(body)
    start = max(0, first.start() - 1024) if first else 0
    sample = body[start : start + _DETECTION_SAMPLE_BYTES]
    if start + _DETECTION_SAMPLE_BYTES < len(body):
        cut = max(sample.rfind(b"<"), sample.rfind(b"\n"))
        if cut > len(sample) // 2:
            sample = sample[:cut]
    return sample


def _detected(body: bytes) -> Iterator[str]:
    sample = _detection_sample(body)
    matches = [m for m in charset_normalizer.from_bytes(sample) if codecs_for_label(m.encoding)]
    if matches:
        # Latin text often scores exactly the same in several code pages, listed in no
        # useful order; windows-1252 is by far the most common of them on the web.
        best = (matches[0].chaos, matches[0].coherence)
        matches.sort(key=lambda m: m.encoding != "cp1252" or (m.chaos, m.coherence) != best)
    for match in matches:
        yield from codecs_for_label(match.encoding)


def _share(pattern: re.Pattern[str], text: str) -> float:
    """Share of the first few thousand non-ASCII characters of text that match pattern."""
    first = _FIRST_NON_ASCII_CHAR.search(text)
    if first is None:
        return 0.0
    sample = text[first.start() : first.start() + _SCRIPT_SAMPLE_CHARS]
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    return (len(sample) - len(pattern.sub("", sample))) / non_ascii


def _looks_japanese(text: str, body: bytes, codec: str) -> bool:
    """Whether text, body decoded as a Japanese codec, reads as Japanese.

    Japanese prose is 30-60% hiragana; Chinese text mis-decoded as a Japanese charset
    shows almost none (GB2312 has kana in the hiragana row, but Chinese rarely uses
    them). EUC-KR shares EUC-JP's byte layout and puts its jamo in the hiragana row,
    so a jamo-heavy Korean text can pass; read as CP949 it is then mostly Hangul.
    """
    if _share(_HIRAGANA, text) < _JAPANESE_MIN_HIRAGANA_SHARE:
        return False
    if codec not in _EUC_JP:
        return True
    korean = _decode_strict(body, "cp949")
    return korean is None or _share(_HANGUL, korean) < _KOREAN_MIN_HANGUL_SHARE


def _decode_lenient(data: bytes, codec: str) -> str | None:
    """Decode with U+FFFD for bad bytes, if the charset still explains the body.

    The bar, at most 0.1% of the characters replaced, passes a page in the right
    charset with a stray byte or a vendor-specific character, and fails a wrong
    charset or binary data, which replace far more. The valid non-ASCII characters
    must also outnumber the replacements ten to one, so that a charset that explains
    none of the non-ASCII bytes (UTF-8 over Latin-1 text with one accented letter)
    does not pass. Below _LENIENT_MIN_CHARS characters the ratio tells nothing.
    """
    text = codecs.getincrementaldecoder(codec)(errors="replace").decode(data, final=False)
    if len(text) < _LENIENT_MIN_CHARS:
        return None
    replaced = text.count("\ufffd")
    valid_non_ascii = len(text) - len(text.encode("ascii", "ignore")) - replaced
    allowed = max(1, int(len(text) * _LENIENT_MAX_REPLACEMENT_RATIO))
    return text if replaced <= allowed and valid_non_ascii >= 10 * replaced else None


def _decode_seven_bit(body: bytes, declared: Iterator[tuple[str, str]]) -> DecodedBody:
    # ISO-2022-JP is 7-bit: its escapes would pass as ASCII in any other codec.
    iso2022 = b"\x1b" in body and b"\x1b$" in body
    for codec, source in declared:
        if iso2022 and codec not in _ISO2022_JP:
            continue
        if not iso2022 and codec in _ASCII_TRANSPARENT:
            return DecodedBody(body.decode("ascii"), codec, source)  # same text, far faster
        text = _decode_strict(body, codec)
        if text is not None:
            return DecodedBody(text, codec, source)
    if iso2022:
        for codec in _ISO2022_JP:
            text = _decode_strict(body, codec)
            if text is not None:
                return DecodedBody(text, codec, "detected")
    return DecodedBody(body.decode("utf-8"), "utf-8", "utf-8")


def _decode_declared(
    body: bytes, declared: Iterator[tuple[str, str]], tried: list[str]
) -> DecodedBody | None:
    """Strictly, each declared multi-byte charset in order, then the single-byte ones."""
    single_byte: list[tuple[str, str]] = []
    for codec, source in declared:
        if codec in tried:
            continue
        tried.append(codec)
        if codec in _SINGLE_BYTE:
            # Always "decodes": only taken when no declared multi-byte charset fits
            # (e.g. a server default of ISO-8859-1 over <meta charset=Shift_JIS>).
            single_byte.append((codec, source))
        elif codec != "utf-8" and (text := _decode_strict(body, codec)) is not None:
            return DecodedBody(text, codec, source)
    for codec, source in single_byte:
        text = _decode_strict(body, codec)
        if text is not None:
            return DecodedBody(text, codec, source)
    return None


def _decode_undeclared(
    body: bytes, tried: list[str], bom_fallback: tuple[bytes, str] | None
) -> DecodedBody | None:
    """Japanese detection, then near-fits of the candidates so far, then charset-normalizer."""
    # Japanese first: charset-normalizer finds nothing for some Japanese pages and
    # takes some EUC-JP for GB18030, while a strict decode plus hiragana is reliable.
    for codec in _JAPANESE:
        if codec in tried:
            continue
        text = _decode_strict(body, codec)
        if text is not None and _looks_japanese(text, body, codec):
            return DecodedBody(text, codec, "detected")

    # A declared charset or UTF-8 that fits all but a stray byte beats a statistical
    # guess: charset-normalizer readily takes such a page for a single-byte charset.
    if bom_fallback is not None:
        text = _decode_lenient(*bom_fallback)
        if text is not None:
            return DecodedBody(text, bom_fallback[1], "lenient")
    for codec in tried:
        text = _decode_lenient(body, codec)
        if text is not None:
            return DecodedBody(text, codec, "lenient")
    for codec in _JAPANESE:
        text = _decode_lenient(body, codec)
        if text is not None and _looks_japanese(text, body, codec):
            return DecodedBody(text, codec, "lenient")

    detected: list[str] = []
    for codec in _detected(body):
        if codec in tried or codec in detected:
            continue
        detected.append(codec)
        text = _decode_strict(body, codec)
        if text is not None:
            return DecodedBody(text, codec, "detected")
    for codec in detected:
        text = _decode_lenient(body, codec)
        if text is not None:
            return DecodedBody(text, codec, "lenient")
    return None


def decode_body(body: bytes, content_type: str | None) -> DecodedBody | None:
    """Decode an HTTP response body; None when no candidate charset fits it."""
    bom_fallback: tuple[bytes, str] | None = None
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = _decode_strict(body[len(bom) :], codec)
            if text is not None:
                return DecodedBody(text, codec, "bom")
            bom_fallback = (body[len(bom) :], codec)
            break
    nul_pattern = _sniff_nul_bytes(body)
    if nul_pattern == "binary":
        return None
    if nul_pattern is not None:
        text = _decode_strict(body, nul_pattern)
        if text is not None:
            return DecodedBody(text, nul_pattern, "sniffed-utf16")

    declared = _declared(body, content_type)
    if body.isascii():
        return _decode_seven_bit(body, declared)
    # Legacy CJK text is practically never valid UTF-8, while UTF-8 text of any script
    # often decodes "strictly" as GB18030, CP949 or any single-byte charset.
    text = _decode_strict(body, "utf-8")
    if text is not None:
        first = next(declared, None)
        source = first[1] if first is not None and first[0] == "utf-8" else "utf-8"
        return DecodedBody(text, "utf-8", source)

    tried: list[str] = []  # in priority order: the order lenient decoding retries them
    decoded = _decode_declared(body, declared, tried)
    if decoded is not None:
        return decoded
    if "utf-8" not in tried:
        tried.append("utf-8")
    return _decode_undeclared(body, tried, bom_fallback)
