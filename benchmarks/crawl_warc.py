"""A crawl-like WARC built from the real fixture pages, for extraction throughput.

Like a Common Crawl file, every capture is a request, a response and a metadata record,
and not every response is an HTML page in a language we want:

- every page of `fixture_warc.fixture_pages` (English and European articles, Chinese,
  Korean and Japanese pages and blog feeds), served `copies` times under different URLs
  with different Content-Type headers: UTF-8 pages with and without `charset=UTF-8`,
  legacy-charset pages with none, with a server default of `charset=ISO-8859-1`, and
  Japanese Shift_JIS / EUC-JP / ISO-2022-JP pages mislabelled `charset=UTF-8` or
  `charset=ISO-8859-1`;
- image responses (the PNG, GIF, JPEG, WebP and ICO files of the local CPython install)
  and redirects (301 with a short HTML body);
- the real Common Crawl and wget WARCs of the fixtures (Chinese pages among them), as
  they are: their own request, metadata, warcinfo and resource records.

Records are shuffled with a fixed seed, so the same fixtures always give the same file.
"""

from __future__ import annotations

import io
import random
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fixture_warc import CAPTURE_DATE, Page, fixture_pages, record_id
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REAL_WARCS = (
    "warc/resiliparse/warcfile.warc.gz",
    "warc/dolma/sample-0000.warc.gz",
    "warc/dolma/sample-0001.warc.gz",
    "warc/commoncrawl-whirlwind/whirlwind.warc.gz",
)
IMAGE_TYPES = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
}
IMAGE_DIRS = ("idlelib/Icons", "test/imghdrdata", "test/test_email/data")
REDIRECT_EVERY = 20
SEED = 23


@dataclass(frozen=True)
class CrawlWarc:
    data: bytes  # gzip, one member per record
    records: int
    html_responses: int
    japanese_urls: frozenset[str]  # responses known to hold a Japanese page
    mislabelled: int  # Japanese legacy-charset pages served with a wrong charset


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _content_type(page: Page, copy: int) -> str:
    if _is_utf8(page.body):
        return ("text/html; charset=UTF-8", "text/html")[copy % 2]
    if page.japanese:  # Shift_JIS, EUC-JP, ISO-2022-JP: two in three mislabelled
        labels = ("text/html; charset=UTF-8", "text/html", "text/html; charset=ISO-8859-1")
        return labels[copy % 3]
    return ("text/html", "text/html; charset=ISO-8859-1")[copy % 2]


def _images() -> list[tuple[str, bytes, str]]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    images = []
    for directory in IMAGE_DIRS:
        for path in sorted((stdlib / directory).glob("*")):
            if path.suffix in IMAGE_TYPES:
                images.append((path.name, path.read_bytes(), IMAGE_TYPES[path.suffix]))
    return images


def _capture(url: str, status: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    """The request, response and metadata records of one capture, one gzip member each."""
    host, _, path = url.removeprefix("http://").partition("/")
    request = StatusAndHeaders(
        f"GET /{quote(path, safe='/?=&')} HTTP/1.1",
        [("Host", host), ("Accept-Encoding", "br,gzip"), ("User-Agent", "CCBot/2.0")],
        is_http_request=True,
    )
    response = StatusAndHeaders(
        status, [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
    )
    metadata = f"fetchTimeMs: {len(body) % 997}\r\ncharset-detected: UTF-8\r\n".encode()
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for kind, payload, http_headers, content_type in (
        ("request", b"", request, None),
        ("response", body, response, None),
        ("metadata", metadata, None, "application/warc-fields"),
    ):
        record = writer.create_warc_record(
            url,
            kind,
            payload=io.BytesIO(payload),
            http_headers=http_headers,
            warc_content_type=content_type,
            warc_headers_dict={
                "WARC-Record-ID": record_id(Page(f"{url}#{kind}", payload, False)),
                "WARC-Date": CAPTURE_DATE,
            },
        )
        writer.write_record(record)
    return buffer.getvalue()


def build_crawl_warc(fixtures: Path, *, copies: int = 2) -> CrawlWarc:
    pages = fixture_pages(fixtures)
    captures: list[bytes] = []
    html = 0
    japanese: set[str] = set()
    mislabelled = 0
    for copy in range(copies):
        for index, page in enumerate(pages):
            url = quote(f"{page.url}?copy={copy}", safe=":/?=&%")
            content_type = _content_type(page, copy)
            captures.append(_capture(url, "200 OK", [("Content-Type", content_type)], page.body))
            html += 1
            if page.japanese:
                japanese.add(url)
                mislabelled += "charset=" in content_type and not _is_utf8(page.body)
            if index % REDIRECT_EVERY == copy:
                body = f'<html><body><a href="{url}">Moved</a></body></html>'.encode()
                headers = [("Content-Type", "text/html"), ("Location", url)]
                captures.append(_capture(f"{url}&from", "301 Moved Permanently", headers, body))
                html += 1
        for name, body, content_type in _images():
            url = f"http://images.fixtures.test/{copy}/{name}"
            captures.append(_capture(url, "200 OK", [("Content-Type", content_type)], body))
    random.Random(SEED).shuffle(captures)
    real_records = real_html = 0
    for path in REAL_WARCS:
        with open(fixtures / path, "rb") as stream:
            for record in ArchiveIterator(stream):
                real_records += 1
                if record.rec_type == "response" and record.http_headers is not None:
                    real_html += "html" in record.http_headers.get_header("Content-Type", "")
    return CrawlWarc(
        data=b"".join(captures) + b"".join((fixtures / path).read_bytes() for path in REAL_WARCS),
        records=3 * len(captures) + real_records,
        html_responses=html + real_html,
        japanese_urls=frozenset(japanese),
        mislabelled=mislabelled,
    )
