"""What became of each WARC record: kept, or dropped for exactly one reason.

The extraction stage's accounting rests on this: every record read ends in exactly
one `Outcome`, or as a dead letter when it cannot be read (`corrupt_gzip`,
`bad_record_header`, `truncated_file`, ... from the reader) or its processing raised
(`extraction_error`), so records read = kept + the sum of all drop counts + the sum of
dead-lettered records.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    KEPT = "kept"
    NOT_RESPONSE = "not_response"
    """warcinfo, request, metadata, revisit ... records."""
    NON_200 = "non_200"
    NON_HTML = "non_html"
    BLOCKED = "blocked"
    """An HTML response whose URL is on an `extract.blocklists` list: not parsed."""
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


DROPS = tuple(o for o in Outcome if o is not Outcome.KEPT)
