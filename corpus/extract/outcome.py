"""What became of each WARC record: kept, or dropped for exactly one reason.

The extraction stage's accounting rests on this: every record read ends in exactly
one `Outcome`, so records read = kept + the sum of all drop counts.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    KEPT = "kept"
    CORRUPT_RECORD = "corrupt_record"
    """An unreadable stretch of a WARC file (bad gzip, bad header, cut-off file)."""
    NOT_RESPONSE = "not_response"
    """warcinfo, request, metadata, revisit ... records."""
    NON_200 = "non_200"
    NON_HTML = "non_html"
    TOO_LARGE = "too_large"
    TRUNCATED = "truncated"
    """Cut off by the crawler, with `extract.keep_truncated: false`."""
    CHARSET_FAILURE = "charset_failure"
    PREFILTER_REJECTED = "prefilter_rejected"
    """Too little kana for a Japanese page: rejected before any HTML parsing."""
    LANGUAGE_REJECTED = "language_rejected"
    """Language identification says: not a kept language, or below the score threshold."""
    EMPTY = "empty"
    """No text left after extraction."""
    NESTING_TOO_DEEP = "nesting_too_deep"
    TIMEOUT = "timeout"
    EXTRACTION_ERROR = "extraction_error"


DROPS = tuple(o for o in Outcome if o is not Outcome.KEPT)
