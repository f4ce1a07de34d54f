"""Masking personal data: e-mail addresses, IP addresses and Japanese phone numbers.

Precision first: a pattern must not fire on the numbers Japanese pages are full of (dates,
times, prices, postal codes, product codes, ISBNs, version numbers, order numbers), so
each type is a candidate pattern followed by checks a regular expression says badly:

- Matching runs on a copy of the text in which full-width ASCII (`０-９`, `＠`, `．`, `（`)
  and the dashes (`－`, `‐`, `―`, `−`...) are replaced one character for one character by
  their ASCII forms (`ｰ` by `ー`, which stays: one of the phone separators), so a match's
  offsets are those of the original text.
- A candidate touching another ASCII letter, digit or code character (`_`, `/`, `=`...)
  is part of a longer token (an identifier, a file name, an order number) and is skipped.
- Nothing inside a URL's path or query is masked (`/items/0312345678`, `/v1.2.3.4/`); the
  host may be an IP address, which is masked.
- Where two candidates overlap, the e-mail address wins, then the IP address: a phone
  number used as an address's local part masks as one e-mail address.

An e-mail address is an ASCII local part of at most 64 characters (no dot first, last or
twice in a row), `@`, and a domain of dot-separated labels ending in a TLD of letters:
`@name` (a Twitter handle) and `user@localhost` are not addresses.

Phone numbers follow the Japanese numbering plan (ten digits for a fixed line, eleven
for mobile, IP and 0800 numbers):

- with separators (`-`, the dashes above, `ー`, or the area code in parentheses): a fixed
  line as area code (2-5 digits with the leading 0) + exchange + 4 digits, 10 digits in
  all and no 0 as second or third digit (`0A0` codes are not geographic); mobile
  `070`/`080`/`090` and IP `050` as 3-4-4; toll-free `0120`-6 digits and `0800`-7 digits,
  navi-dial `0570`-6 digits, the 6 or 7 digits in two groups;
- without separators: the mobile, IP, toll-free and navi-dial prefixes at their lengths;
  ten bare digits of a fixed line only after a phone word (`TEL`, `電話`, `☎`...), as
  ten digits starting with 0 are as often an order or customer number;
- `+81` followed by the number without its leading 0 (`+81-3-1234-5678`, `+81 90 1234
  5678`, `+81(0)3-...`), separators as above or spaces.

An IPv4 address is four dot-separated numbers of at most 255 without leading zeros, not
part of a longer dotted run (`1.2.3.4.5`) and not after a version word (`v`, `ver`,
`version`, `バージョン`, `Ver.`) or a capitalised word (a product name: `Firefox
2.0.0.16`), which leaves a bare `1.2.3.4` masked: a version number usually says what it
numbers, an address usually does not. An IPv6 address is a candidate of hex
groups and colons that Python's `ipaddress` accepts, with at least three groups, so
`10:30:00`, a MAC address and `std::vector` are not addresses.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from collections.abc import Callable, Iterator
from typing import Literal

from pydantic import Field, field_validator

from corpus.filters.base import ParagraphFilter
from corpus.schema import Document, Paragraph

PiiType = Literal["email", "ip", "phone"]
PII_TYPES: tuple[PiiType, ...] = ("email", "ip", "phone")
"""In the order in which overlapping matches are resolved: the first wins."""
DEFAULT_PLACEHOLDERS: dict[str, str] = {"email": "<EMAIL>", "ip": "<IP>", "phone": "<PHONE>"}
MASKED = "masked"
"""The event each masked item counts as, per type (`stats.json`: `masked: {email: N}`)."""

_DASHES = "‐‑‒–—―−－﹣"
_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_TO_ASCII.update({ord(dash): "-" for dash in _DASHES})
_TO_ASCII.update({ord("ｰ"): "ー", ord("　"): " "})
"""One character for one character: offsets in the matched copy are offsets in the text."""

_TOKEN_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_CODE_CHARS = _TOKEN_CHARS | frozenset("/\\=#&%$*|~^`")
_PHONE_TOUCH = _CODE_CHARS | {"-", "+"}
_IP_TOUCH = _CODE_CHARS - {"/"}
"""A URL's host and a CIDR block (`192.0.2.0/24`) are addresses too: URL paths are left
alone by their own rule."""

_LOCAL_CHARS = "A-Za-z0-9!#$%&'*+/=?^_`{|}~.-"
LOCAL_PART = re.compile(rf"[{_LOCAL_CHARS}]{{1,64}}$")
LOCAL_CHAR = re.compile(rf"[{_LOCAL_CHARS}]")
"""Searched in the 65 characters before each `@` (a local part has at most 64): a pattern
run over the whole text would try every position of a long run of letters."""
DOMAIN = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)

IPV4 = re.compile(
    r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)", re.ASCII
)
VERSION_WORD = re.compile(
    r"(?:\b(?i:v|ver|version)[\s.:]*|バージョン[\s.:]*|\b[A-Z][a-z][A-Za-z]*\s?)$"
)
"""A version word, or a product name (`Firefox 2.0.0.16`), right before the numbers."""
IPV6 = re.compile(r"(?<![0-9A-Fa-f:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:.]+")
"""A run of hex digits, colons and dots with a colon among its first five characters (the
lookahead keeps the time linear on long hex runs)."""

_SEP = r"[-ー]"
PHONE = re.compile(
    rf"""
        (?P<area>0\d{{1,4}}){_SEP}(?P<exchange>\d{{1,4}}){_SEP}(?P<line>\d{{3,4}})
      | \((?P<parea>0\d{{1,4}})\)\s?(?P<pexchange>\d{{1,4}}){_SEP}(?P<pline>\d{{3,4}})
      | (?P<barea>0\d{{1,4}})\((?P<bexchange>\d{{1,4}})\)(?P<bline>\d{{3,4}})
      | (?P<bare>0\d{{9,10}})
    """,
    re.VERBOSE | re.ASCII,
)
INTL_PHONE = re.compile(
    r"\+81[\s-]?(?:\(0\)[\s-]?)?(?P<rest>[1-9]\d{0,3}(?:[\s-]?\d{1,4}){1,2}[\s-]?\d{4})",
    re.ASCII,
)
PHONE_WORD = re.compile(
    r"(?:tel|phone|fax|電話|でんわ|携帯|☎|℡|📞|問い?合わせ|連絡先)[^\n\d]{0,6}$",
    re.IGNORECASE,
)
_LAYOUTS = {"0120": 10, "0800": 11, "0570": 10, "050": 11, "070": 11, "080": 11, "090": 11}
"""Non-geographic prefixes and the digits of their numbers, the longer prefixes first."""


def normalised(text: str) -> str:
    """The text as the patterns read it (see the module's docstring)."""
    return text.translate(_TO_ASCII)


def _touches(text: str, start: int, stop: int, chars: frozenset[str]) -> bool:
    return (start > 0 and text[start - 1] in chars) or (stop < len(text) and text[stop] in chars)


def valid_phone(digits: str, groups: tuple[str, ...]) -> bool:
    """Whether `digits` (the national number, leading 0 included) is a Japanese phone number
    written in `groups` (one group: written without separators)."""
    for prefix, length in _LAYOUTS.items():
        if digits.startswith(prefix):
            if len(digits) != length:
                return False
            if len(groups) == 1:
                return True
            if prefix in ("0120", "0800", "0570"):
                return groups[0] == prefix
            return [len(g) for g in groups] == [3, 4, 4]
    geographic = len(digits) == 10 and digits[1] != "0" and digits[2] != "0"
    return geographic and (len(groups) == 1 or len(groups[0]) + len(groups[1]) == 6)


def _emails(text: str) -> Iterator[tuple[int, int]]:
    at = text.find("@")
    while at >= 0:
        local = LOCAL_PART.search(text, max(0, at - 65), at)
        domain = DOMAIN.match(text, at + 1)
        # A local part with one more character before it is longer than 64: no address.
        if (
            local
            and domain
            and not (local.start() > 0 and LOCAL_CHAR.match(text, local.start() - 1))
        ):
            start = local.start() + len(local.group()) - len(local.group().lstrip("."))
            if start < at and text[at - 1] != "." and ".." not in text[start:at]:
                yield start, domain.end()
        at = text.find("@", at + 1)


def _ips(text: str) -> Iterator[tuple[int, int]]:
    for match in IPV6.finditer(text):
        candidate = match.group().rstrip(".")
        start, stop = match.start(), match.start() + len(candidate)
        groups = sum(1 for group in candidate.split(":") if group)
        if _touches(text, start, stop, _IP_TOUCH) or groups < 3:
            continue
        try:
            ipaddress.IPv6Address(candidate)
        except ValueError:
            continue
        yield start, stop
    for match in IPV4.finditer(text):
        start, stop = match.span()
        if _touches(text, start, stop, _IP_TOUCH) or _in_dotted_run(text, start, stop):
            continue
        if not VERSION_WORD.search(text, max(0, start - 24), start):
            yield start, stop


def _in_dotted_run(text: str, start: int, stop: int) -> bool:
    """Whether a digit and a dot stand right before or right after the span."""
    before = start > 1 and text[start - 1] == "." and text[start - 2].isdigit()
    after = stop + 1 < len(text) and text[stop] == "." and text[stop + 1].isdigit()
    return before or after


def _phone_word_before(text: str, start: int) -> bool:
    return PHONE_WORD.search(text, max(0, start - 16), start) is not None


def _phones(text: str) -> Iterator[tuple[int, int]]:
    for match in INTL_PHONE.finditer(text):
        start, stop = match.span()
        groups = [g for g in re.split(r"[\s-]", match.group("rest")) if g]
        groups[0] = "0" + groups[0]
        if not _touches(text, start, stop, _CODE_CHARS | {"-"}) and valid_phone(
            "".join(groups), tuple(groups)
        ):
            yield start, stop
    for match in PHONE.finditer(text):
        start, stop = match.span()
        # A phone word written against the number (`TEL03-...`) is no code.
        if _touches(text, start, stop, _PHONE_TOUCH) and (
            text[stop : stop + 1] in _PHONE_TOUCH
            or not (text[start - 1].isalpha() and _phone_word_before(text, start))
        ):
            continue
        if _in_dotted_run(text, start, stop):
            continue
        groups = tuple(g for g in match.groups() if g)
        if not valid_phone("".join(groups), groups):
            continue
        bare_geographic = len(groups) == 1 and not groups[0].startswith(tuple(_LAYOUTS))
        if not bare_geographic or _phone_word_before(text, start):
            yield start, stop


_FINDERS: dict[str, Callable[[str], Iterator[tuple[int, int]]]] = {
    "email": _emails,
    "ip": _ips,
    "phone": _phones,
}
URL = re.compile(r"(?:https?|ftp)://[^/\s?#]+(?P<path>[/?#][!-~]*)?", re.IGNORECASE)


def find_pii(text: str, types: tuple[str, ...] = PII_TYPES) -> list[tuple[int, int, str]]:
    """The `(start, stop, type)` spans to mask in `text`, in order, without overlaps."""
    matched = normalised(text)
    paths = [m.span("path") for m in URL.finditer(matched) if m.group("path")]
    taken: list[tuple[int, int, str]] = []
    for kind in PII_TYPES:
        if kind not in types:
            continue
        for start, stop in _FINDERS[kind](matched):
            if any(a < stop and start < b for a, b in paths):
                continue
            if any(a < stop and start < b for a, b, _ in taken):
                continue
            taken.append((start, stop, kind))
    return sorted(taken)


class MaskPII(ParagraphFilter):
    """Replaces e-mail addresses, IP addresses (v4 and v6) and Japanese phone numbers in
    the live paragraphs by a placeholder per type; removes nothing. `types`: which are
    masked (default all three); `placeholders`: the text that replaces each (default
    `<EMAIL>`, `<IP>`, `<PHONE>`; a mapping given in the config overrides those types
    only). Counts each type masked as `masked` in stats.json's `filters`. Names and street
    addresses are not masked (no offline recogniser is reliable enough); the rules and
    what they leave alone are in corpus/filters/pii.py."""

    types: list[PiiType] = Field(default_factory=lambda: list(PII_TYPES), min_length=1)
    placeholders: dict[PiiType, str] = Field(default_factory=lambda: dict(DEFAULT_PLACEHOLDERS))

    @field_validator("placeholders")
    @classmethod
    def _with_defaults(cls, given: dict[str, str]) -> dict[str, str]:
        return DEFAULT_PLACEHOLDERS | given

    @property
    def label(self) -> str:
        """`MaskPII()`, or `MaskPII(types=email+phone)` when not all types are masked: no
        spaces nor quotes (stats.json and counter names), placeholders left out."""
        if set(self.types) == set(PII_TYPES):
            return "MaskPII()"
        return f"MaskPII(types={'+'.join(t for t in PII_TYPES if t in self.types)})"

    def masked(self, text: str) -> tuple[str, dict[str, int]]:
        """The text with its personal data replaced, and how many items of each type."""
        counts = dict.fromkeys(self.types, 0)
        spans = find_pii(text, tuple(self.types))
        if not spans:
            return text, counts
        parts = []
        last = 0
        for start, stop, kind in spans:
            parts += [text[last:start], self.placeholders[kind]]
            counts[kind] += 1
            last = stop
        parts.append(text[last:])
        return "".join(parts), counts

    def apply(self, document: Document) -> Document:
        paragraphs: list[Paragraph] = []
        totals = dict.fromkeys(self.types, 0)
        for paragraph in document.paragraphs:
            if paragraph.live:
                text, counts = self.masked(paragraph.text)
                if text != paragraph.text:
                    paragraph = dataclasses.replace(paragraph, text=text)
                for kind, n in counts.items():
                    totals[kind] += n
            paragraphs.append(paragraph)
        for kind, n in totals.items():
            self.count_event(MASKED, kind, n)
        if all(new is old for new, old in zip(paragraphs, document.paragraphs, strict=True)):
            return document
        return dataclasses.replace(document, paragraphs=paragraphs)
