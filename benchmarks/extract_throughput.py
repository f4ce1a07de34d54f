"""Extraction throughput on one core: WARC -> Japanese documents, beside plain trafilatura.

Builds a mixed WARC from the real fixture pages (../shared/fixtures): every HTML page of
the extraction fixtures plus the Japanese, Chinese, Korean and European blog feeds of
the chardet tests, served as text/html with no charset in the HTTP header (the pages'
own declarations, or none, are all there is). About 18% of the records are Japanese,
in UTF-8, Shift_JIS/cp932, EUC-JP, ISO-2022-JP and UTF-16.

Then, in one process, on one core, alternating runs (medians of --repeat):
  ours         read + triage (charset, kana pre-filter) + paragraphs + language ID
  no-prefilter the same with the pre-filter off (the "full path")
  trafilatura  read + trafilatura.extract on every page + the same language ID
and prints records/s, the share of the known-Japanese pages each keeps, and the
pre-filter's recall: the share of the documents the full path keeps that the
pre-filtered path also keeps.

    python benchmarks/extract_throughput.py [--fixtures ../shared/fixtures] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import io
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import trafilatura
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus.config import ExtractConfig
from corpus.extract.extractor import DocumentExtractor
from corpus.extract.langid import LanguageIdentifier
from corpus.extract.triage import Candidate, triage
from corpus.schema import Document
from corpus.warc.reader import WarcRecord, read_warc

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
            page.url, "response", payload=io.BytesIO(page.body), http_headers=headers
        )
        writer.write_record(record)
    return buffer.getvalue()


def run_ours(warc: bytes, config: ExtractConfig, extractor: DocumentExtractor) -> set[str]:
    kept = set()
    for record in read_warc(io.BytesIO(warc), "bench.warc.gz"):
        if not isinstance(record, WarcRecord):
            continue
        candidate = triage(record, config)
        if isinstance(candidate, Candidate):
            document = extractor.extract(candidate)
            if isinstance(document, Document):
                kept.add(document.url)
    return kept


def run_trafilatura(warc: bytes, identifier: LanguageIdentifier) -> set[str]:
    kept = set()
    for record in ArchiveIterator(io.BytesIO(warc)):
        if record.rec_type != "response":
            continue
        url = record.rec_headers.get_header("WARC-Target-URI")
        text = trafilatura.extract(record.content_stream().read(), favor_precision=True)
        if not text:
            continue
        (guess,) = identifier.predict([text])
        if guess.label == "ja" and guess.score >= 0.5:
            kept.add(url)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=Path("../shared/fixtures"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    pages = fixture_pages(args.fixtures)
    japanese = {p.url for p in pages if p.japanese}
    warc = build_warc(pages)
    print(
        f"WARC: {len(pages)} HTML responses, {len(japanese)} Japanese "
        f"({len(japanese) / len(pages):.1%}), {len(warc) / 1e6:.1f} MB gzipped"
    )

    config = ExtractConfig()
    full_config = ExtractConfig(prefilter_min_kana=0)
    extractor = DocumentExtractor(config)
    identifier = LanguageIdentifier()
    runs = {
        "ours": lambda: run_ours(warc, config, extractor),
        "no-prefilter": lambda: run_ours(warc, full_config, extractor),
        "trafilatura": lambda: run_trafilatura(warc, identifier),
    }
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    kept: dict[str, set[str]] = {}
    for _ in range(args.repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            kept[name] = run()
            seconds[name].append(time.perf_counter() - start)
    extractor.close()

    print(f"{'method':<14}{'records/s':>10}{'median s':>10}{'ja kept':>10}{'other kept':>12}")
    for name in runs:
        median = statistics.median(seconds[name])
        ja_kept = len(kept[name] & japanese)
        print(
            f"{name:<14}{len(pages) / median:>10.1f}{median:>10.2f}"
            f"{ja_kept / len(japanese):>10.1%}{len(kept[name] - japanese):>12}"
        )
    speedup = statistics.median(seconds["trafilatura"]) / statistics.median(seconds["ours"])
    print(f"ours / trafilatura speed: {speedup:.1f}x")
    full = kept["no-prefilter"]
    recall = len(kept["ours"] & full) / len(full) if full else 1.0
    print(f"pre-filter recall vs full path: {recall:.2%} ({len(kept['ours'] & full)}/{len(full)})")
    for name in runs:
        missed = sorted(japanese - kept[name])
        if missed:
            print(f"Japanese pages {name} did not keep ({len(missed)}):")
            for url in missed:
                print(f"  {url.removeprefix('http://fixtures.test/')}")
    for url in sorted(kept["ours"] - japanese):
        print(f"kept, though not labelled Japanese: {url.removeprefix('http://fixtures.test/')}")


if __name__ == "__main__":
    main()
