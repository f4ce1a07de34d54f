"""A document's date, Uzushio's rule: the earliest plausible of WARC-Date, HTTP Date and
Last-Modified."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

EARLIEST_PLAUSIBLE = datetime(1999, 1, 1, tzinfo=UTC)


def parse_warc_date(value: str | None) -> datetime | None:
    """WARC-Date is ISO 8601 (`2024-05-20T10:00:00Z`, WARC/1.1 allows fractions)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_http_date(value: str | None) -> datetime | None:
    """HTTP dates are RFC 7231 (`Mon, 20 May 2024 10:00:00 GMT`); real servers send junk."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def document_date(
    warc_date: str | None, http_date: str | None, last_modified: str | None
) -> datetime | None:
    """Earliest of the three, ignoring anything before 1999 or after the capture itself."""
    captured = parse_warc_date(warc_date)
    candidates = [captured, parse_http_date(http_date), parse_http_date(last_modified)]
    plausible = [
        d.astimezone(UTC).replace(microsecond=0)
        for d in candidates
        if d is not None and d >= EARLIEST_PLAUSIBLE and (captured is None or d <= captured)
    ]
    return min(plausible, default=None)
