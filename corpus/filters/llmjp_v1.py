"""LLM-jp corpus v1's HojiChar-style rules for Japanese Common Crawl.

LLM-jp corpus v1 filtered mC4-ja with `scripts/filter_data.py` of llm-jp/llm-jp-corpus (each
rule has a normal and a `--strict` setting), mostly through HojiChar's document filters:

- has_valid_domain: the host's TLD is in a 13-entry list -> TopLevelDomain;
- AcceptJapanese: a hiragana or katakana in the first 50 characters -> language ID at
  extraction;
- DiscardAds: more than 10 advertisement keywords -> AdKeywords (high 10);
- NG words (adult, discrimination, violence): more than 3 occurrences (strict 2), katakana
  keywords only where no katakana touches them -> WordInstances with threshold 4 (strict 3)
  and katakana_boundary;
- DiscardRareKuten: average sentence length over 250 characters (strict 80) ->
  AverageSentenceLength;
- zlib level-9 compression ratio outside 0.30-0.70 (strict 0.375-0.70) ->
  ZlibCompressionRate.

Differences: v1 measured mC4 text, lines joined by newlines; here lengths and compression
cover the live paragraphs without their separators. v1's NG-word lists were its own files
(llm-jp-corpus `scripts/dict/`), not HojiChar's built-in ones, and HojiChar took the first
keyword in file order where this project takes the longest. The ja.wikipedia.org exclusion
is not part of TopLevelDomain (Japanese Wikipedia pages come from its dump, not from Common
Crawl).
"""

from __future__ import annotations

import zlib

from pydantic import field_validator

from corpus.filters.base import DocumentFilter, HighLowFilter
from corpus.filters.keywords import KeywordListFilter
from corpus.schema import Document
from corpus.warc.naming import top_level_domain

V1_TOP_LEVEL_DOMAINS = (
    "jp",
    "com",
    "net",
    "org",
    "work",
    "info",
    "xyz",
    "biz",
    "me",
    "tv",
    "site",
    "tokyo",
    "cc",
)
"""llm-jp-corpus `scripts/dict/ja_valid_domains.txt` (v1), its duplicate `work` dropped."""

KUTEN = "。"
ZLIB_LEVEL = 9


class TopLevelDomain(DocumentFilter):
    """Removes a document whose host's top-level domain is not in `allowed`.

    allowed: TLDs without the dot, case-insensitive; default LLM-jp corpus v1's list (jp,
    com, net, org, work, info, xyz, biz, me, tv, site, tokyo, cc), which keeps the TLDs where
    Japanese pages are common and drops country domains of other languages. A host that is
    an IP address or empty has no TLD in the list and is removed."""

    allowed: tuple[str, ...] = V1_TOP_LEVEL_DOMAINS

    @field_validator("allowed")
    @classmethod
    def _normalised(cls, allowed: tuple[str, ...]) -> tuple[str, ...]:
        tlds = tuple(dict.fromkeys(t.strip().lstrip(".").lower() for t in allowed))
        if not tlds or not all(tlds):
            raise ValueError("allowed must list at least one non-empty top-level domain")
        return tlds

    @property
    def label(self) -> str:
        if self.allowed == V1_TOP_LEVEL_DOMAINS:
            return "TopLevelDomain()"
        return f"TopLevelDomain(allowed={'+'.join(self.allowed)})"

    def removal(self, document: Document) -> str | None:
        return None if top_level_domain(document.host or "") in self.allowed else self.label


class AdKeywords(KeywordListFilter, HighLowFilter):
    """Occurrences of advertisement keywords in the live text (HojiChar's DiscardAds), or
    their density when `per_chars` is set.

    list: the keyword list, default HojiChar's `advertisement` (31 entries such as 送料,
    営業時間, よくある質問, and also ①-⑥ and ■, which numbered how-to articles use too).
    per_chars: when set, the measure is occurrences per that many characters of live text
    (e.g. 1000), so long documents are not penalised for their length; unset, it is the
    plain count. high: bound of the measure; default 10, LLM-jp corpus v1's limit (a
    document with more than 10 occurrences goes; HojiChar's own default is 14)."""

    list: str = "advertisement"
    per_chars: int | None = None
    high: float = 10.0

    @field_validator("per_chars")
    @classmethod
    def _positive(cls, per_chars: int | None) -> int | None:
        if per_chars is not None and per_chars <= 0:
            raise ValueError("per_chars must be positive")
        return per_chars

    def measure(self, document: Document) -> float:
        hits = len(self.keyword_hits(document))
        if self.per_chars is None:
            return float(hits)
        chars = sum(len(p.text) for p in document.live_paragraphs)
        return hits * self.per_chars / chars if chars else 0.0


class AverageSentenceLength(HighLowFilter):
    """Characters of live text per kuten "。" (HojiChar's DiscardRareKuten): prose ends its
    sentences with 。, while lists, menus, tables and non-Japanese text rarely do.

    Text without any 。 measures infinity; empty text measures 0. high: bound in characters
    per sentence; default 250, LLM-jp corpus v1's setting (strict: 80; HojiChar's default
    100). A document is removed when its length exceeds `high` times its count of 。."""

    high: float = 250.0

    def measure(self, document: Document) -> float:
        paragraphs = document.live_paragraphs
        chars = sum(len(p.text) for p in paragraphs)
        kuten = sum(p.text.count(KUTEN) for p in paragraphs)
        if kuten:
            return chars / kuten
        return float("inf") if chars else 0.0


class ZlibCompressionRate(HighLowFilter):
    """zlib (level 9) compressed size / UTF-8 size of the live text, paragraphs concatenated
    without separators, as LLM-jp corpus v1 measured it (`has_good_compression_ratio`).

    Repetitive text compresses well (low ratio); very short or random text hardly at all
    (high ratio). The compressed size includes zlib's 6 bytes of header and checksum.
    low / high: bounds of the ratio; default 0.30-0.70, LLM-jp corpus v1's setting (strict:
    0.375-0.70). Empty text measures 1.0. Compare CompressionRate, Uzushio's LZ4 measure."""

    low: float = 0.30
    high: float = 0.70

    def measure(self, document: Document) -> float:
        data = "".join(p.text for p in document.live_paragraphs).encode("utf-8")
        if not data:
            return 1.0
        return len(zlib.compress(data, ZLIB_LEVEL)) / len(data)
