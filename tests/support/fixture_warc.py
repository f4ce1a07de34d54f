"""A mixed WARC built from the real fixture pages (../shared/fixtures), for tests and benchmarks.

Every HTML page of the extraction fixtures plus the Japanese, Chinese, Korean and European
blog feeds of the chardet tests, served as text/html with no charset in the HTTP header
(the pages' own declarations, or none, are all there is). About 17% of the records are
Japanese, in UTF-8, Shift_JIS/cp932, EUC-JP and ISO-2022-JP.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

JAPANESE_FEED_DIRS = ("SHIFT_JIS", "EUC-JP", "CP932", "iso-2022-jp")
OTHER_FEED_DIRS = ("GB2312", "Big5", "EUC-KR", "windows-1252", "iso-8859-1", "utf-8")
JAPANESE_PAGES = (
    "scrapinghub-article-extraction-benchmark/html/85439e26",
    "scrapinghub-article-extraction-benchmark/html/f105de6e",
    "mozilla-readability/test-pages/hukumusume/",
    "mozilla-readability/test-pages/yahoo-4/",
    "trafilatura-eval/eval/nhk.or.jp.k100.html",
    "snacktory/yomiuri",
    "uzushio/perldoc_ja",
    "wpull-samples/videogame_top.htm",
    "wpull-samples/mojibake.html",
    "chardet-tests/utf-8/_mozilla_bug426271_text-utf-8.html",
)  # not wpull-samples/kcna.html: its body is image buttons, its Japanese only <meta> keywords


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    japanese: bool


def fixture_pages(fixtures: Path) -> list[Page]:
    extraction = fixtures / "extraction"
    paths = sorted(
        [*extraction.rglob("*.html"), *extraction.rglob("*.html.gz"), *extraction.rglob("*.htm")]
    )
    paths = [p for p in paths if p.name != "expected.html"]
    paths += sorted((fixtures / "encoding/wpull-samples").glob("*.htm*"))
    feeds = fixtures / "encoding/chardet-tests"
    for directory in (*JAPANESE_FEED_DIRS, *OTHER_FEED_DIRS):
        paths += sorted(p for p in (feeds / directory).iterdir() if p.is_file())
    pages = []
    for path in paths:
        body = path.read_bytes()
        if path.suffix == ".gz":
            body = gzip.decompress(body)
        relative = path.relative_to(fixtures).as_posix()
        japanese = path.parent.name in JAPANESE_FEED_DIRS or any(
            marker in relative for marker in JAPANESE_PAGES
        )
        pages.append(Page(f"http://fixtures.test/{relative}", body, japanese))
    return pages


CAPTURE_DATE = "2024-01-01T00:00:00Z"


def record_id(page: Page) -> str:
    """A record id derived from the page, not drawn at random: the same pages make the same
    WARC, so benchmark inputs (and what the keep rules and samplers choose) repeat."""
    digest = hashlib.sha256(page.body).hexdigest()
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{page.url}#{digest}')}>"


def build_warc(pages: list[Page]) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for page in pages:
        headers = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html"), ("Content-Length", str(len(page.body)))],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            page.url,
            "response",
            payload=io.BytesIO(page.body),
            http_headers=headers,
            warc_headers_dict={"WARC-Record-ID": record_id(page), "WARC-Date": CAPTURE_DATE},
        )
        writer.write_record(record)
    return buffer.getvalue()
