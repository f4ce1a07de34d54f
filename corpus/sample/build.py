"""Write the sample WARC from pages.py: the same bytes on every run.

The layout follows Common Crawl: a warcinfo record, then a request, a response and a
metadata record for each page, every record in a gzip member of its own. Record ids are
uuid5 of the record type and URL and the capture times are fixed, so nothing depends on
the clock; the gzip framing is written here (mtime 0, OS "unknown") because Python's
own gzip header differs between versions and platforms.

    python -m corpus.sample.build [PATH]    # default: corpus/sample/sample.warc.gz
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import struct
import uuid
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from corpus.sample.pages import PAGES, Page

DEFAULT_PATH = Path(__file__).with_name("sample.warc.gz")
# Named in the warcinfo record; fixed so that the bytes do not depend on where they are written.
WARC_FILENAME = "sample.warc.gz"
CRAWL_START = datetime(2024, 5, 20, 8, 0, 0, tzinfo=UTC)
SECONDS_BETWEEN_CAPTURES = 37
USER_AGENT = "corpus-sample/0.1 (hand-written pages, not a real crawl)"

WARCINFO_FIELDS = (
    ("isPartOf", "corpus-sample"),
    ("publisher", "the corpus project"),
    ("description", "Hand-written sample pages for the corpus quickstart; not a real crawl"),
    ("software", "corpus.sample.build"),
    ("format", "WARC File Format 1.1"),
    (
        "conformsTo",
        "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
    ),
)


def build_sample_warc(path: str | Path) -> None:
    """Write the sample WARC (gzip, one member per record) to `path`."""
    Path(path).write_bytes(b"".join(gzip_member(record) for record in warc_records()))


def warc_records() -> Iterator[bytes]:
    """The uncompressed WARC records, in file order."""
    warcinfo_id = record_id("warcinfo", WARC_FILENAME)
    info = "".join(f"{name}: {value}\r\n" for name, value in WARCINFO_FIELDS).encode()
    yield warc_record(
        (
            ("WARC-Type", "warcinfo"),
            ("WARC-Date", warc_date(CRAWL_START)),
            ("WARC-Record-ID", warcinfo_id),
            ("Content-Length", str(len(info))),
            ("Content-Type", "application/warc-fields"),
            ("WARC-Filename", WARC_FILENAME),
        ),
        info,
    )
    for index, page in enumerate(PAGES):
        captured = CRAWL_START + timedelta(seconds=SECONDS_BETWEEN_CAPTURES * (index + 1))
        yield from capture_records(page, captured, warcinfo_id)


def capture_records(page: Page, captured: datetime, warcinfo_id: str) -> Iterator[bytes]:
    """The request, response and metadata records of one page."""
    date = warc_date(captured)
    request_id = record_id("request", page.url)
    response_id = record_id("response", page.url)
    request = http_request(page.url)
    payload = page.payload
    response = http_response_head(page, captured - timedelta(seconds=1)) + payload
    # A plausible fetch time that grows with the page, as in Common Crawl's metadata.
    metadata = f"fetchTimeMs: {90 + len(payload) // 60}\r\n".encode()

    yield warc_record(
        (
            ("WARC-Type", "request"),
            ("WARC-Date", date),
            ("WARC-Record-ID", request_id),
            ("Content-Length", str(len(request))),
            ("Content-Type", "application/http; msgtype=request"),
            ("WARC-Warcinfo-ID", warcinfo_id),
            ("WARC-IP-Address", page.ip),
            ("WARC-Target-URI", page.url),
        ),
        request,
    )
    yield warc_record(
        (
            ("WARC-Type", "response"),
            ("WARC-Date", date),
            ("WARC-Record-ID", response_id),
            ("Content-Length", str(len(response))),
            ("Content-Type", "application/http; msgtype=response"),
            ("WARC-Warcinfo-ID", warcinfo_id),
            ("WARC-Concurrent-To", request_id),
            ("WARC-IP-Address", page.ip),
            ("WARC-Target-URI", page.url),
            ("WARC-Payload-Digest", sha1_digest(payload)),
            ("WARC-Block-Digest", sha1_digest(response)),
        ),
        response,
    )
    yield warc_record(
        (
            ("WARC-Type", "metadata"),
            ("WARC-Date", date),
            ("WARC-Record-ID", record_id("metadata", page.url)),
            ("Content-Length", str(len(metadata))),
            ("Content-Type", "application/warc-fields"),
            ("WARC-Warcinfo-ID", warcinfo_id),
            ("WARC-Concurrent-To", response_id),
            ("WARC-Target-URI", page.url),
        ),
        metadata,
    )


def http_request(url: str) -> bytes:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = (
        f"GET {target} HTTP/1.1",
        f"User-Agent: {USER_AGENT}",
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Language: ja,en;q=0.5",
        "Accept-Encoding: br,gzip",
        f"Host: {parts.netloc}",
        "Connection: Keep-Alive",
    )
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def http_response_head(page: Page, served: datetime) -> bytes:
    """Status line and headers: Date first, the page's own headers, then Content-Length."""
    headers = (
        ("Date", format_datetime(served, usegmt=True)),
        *page.headers,
        ("Content-Length", str(len(page.payload))),
    )
    status = f"HTTP/1.1 {page.status} {HTTPStatus(page.status).phrase}\r\n"
    return (status + "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n").encode(
        "ascii"
    )


def warc_record(headers: tuple[tuple[str, str], ...], block: bytes) -> bytes:
    head = "WARC/1.0\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
    return head.encode("ascii") + block + b"\r\n\r\n"


def record_id(record_type: str, key: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{record_type} {key}')}>"


def warc_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sha1_digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def gzip_member(data: bytes) -> bytes:
    """One gzip member: fixed header (no name, mtime 0, best compression, OS unknown)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflated = compressor.compress(data) + compressor.flush()
    header = b"\x1f\x8b\x08\x00" + b"\x00\x00\x00\x00" + b"\x02\xff"
    return header + deflated + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the sample WARC.")
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    path = parser.parse_args(argv).path
    build_sample_warc(path)
    print(f"wrote {path}: {len(PAGES)} pages, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
