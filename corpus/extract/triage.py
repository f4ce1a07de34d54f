"""Record-level checks: which WARC records are worth parsing as Japanese HTML.

Everything here is cheap (header checks, charset decoding, the kana pre-filter), so it
runs where the WARC file is read; only the surviving candidates pay for HTML parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corpus.extract.charset import decode_body
from corpus.extract.config import ExtractConfig
from corpus.extract.outcome import Outcome
from corpus.extract.prefilter import looks_japanese, might_hold_kana
from corpus.filters.blocklist import Blocklist, first_blocking
from corpus.warc.reader import WarcRecord

HTML_TYPES = ("text/html", "application/xhtml+xml")
HTML_SNIFF_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A decoded HTML response that passed the pre-filter, with what a document needs."""

    record_id: str
    url: str
    warc_file: str
    warc_offset: int
    warc_date: str | None
    http_date: str | None
    last_modified: str | None
    html: str
    charset: str
    charset_source: str


def is_html(record: WarcRecord) -> bool:
    content_type = record.http_headers.get("content-type", "").strip().lower()
    if content_type:
        return content_type.startswith(HTML_TYPES)
    head = (record.body or b"")[:1024].lstrip().lower()
    return head.startswith(HTML_SNIFF_MARKERS) or b"<html" in head


@dataclass(frozen=True, slots=True)
class Blocked:
    """An HTML response whose URL is on the list named `list` (outcome `blocked`)."""

    list: str


def triage(
    record: WarcRecord, config: ExtractConfig, blocklists: Sequence[Blocklist] = ()
) -> Candidate | Outcome | Blocked:
    """A candidate to parse, or why not. `blocklists`: the loaded `config.blocklists`."""
    if record.record_type != "response":
        return Outcome.NOT_RESPONSE
    if record.http_status != 200:
        return Outcome.NON_200
    if record.body is None or record.content_length > config.max_record_bytes:
        return Outcome.TOO_LARGE
    if not is_html(record):
        return Outcome.NON_HTML
    if blocklists and (name := first_blocking(blocklists, record.target_uri or "")):
        return Blocked(name)
    if record.truncated and not config.keep_truncated:
        return Outcome.TRUNCATED
    # Most pages are rejected here, on their bytes, without being decoded.
    if config.prefilter_min_kana and not might_hold_kana(record.body):
        return Outcome.PREFILTER_REJECTED
    decoded = decode_body(record.body, record.http_headers.get("content-type"))
    if decoded is None:
        return Outcome.CHARSET_FAILURE
    if config.prefilter_min_kana and not looks_japanese(
        decoded.text, min_kana=config.prefilter_min_kana
    ):
        return Outcome.PREFILTER_REJECTED
    return Candidate(
        record_id=record.record_id,
        url=record.target_uri,
        warc_file=record.file,
        warc_offset=record.offset,
        warc_date=record.warc_date,
        http_date=record.http_headers.get("date"),
        last_modified=record.http_headers.get("last-modified"),
        html=decoded.text,
        charset=decoded.charset,
        charset_source=decoded.source,
    )
