"""Filter-chain throughput on one core: documents/s for a chain, in plain Python.

Documents: every livedoor news article in the fixtures (one paragraph per line of the
body) plus the Japanese fixture pages run through the extraction stage, so the chain
sees both clean articles and whole pages with navigation. Median of --repeat runs.

    python benchmarks/filter_throughput.py [--chain configs/filters/x.yaml] [--skip Name ...]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from fixture_warc import DEFAULT_FIXTURES, build_warc, extract_documents, fixture_pages

from corpus.extract.config import ExtractConfig
from corpus.extract.extractor import DocumentExtractor
from corpus.filters.chain import FilterChain
from corpus.filters.config import DEFAULT_CHAIN, FilterConfig
from corpus.schema import Document, Paragraph


def livedoor_documents(fixtures: Path) -> list[Document]:
    documents = []
    for path in sorted((fixtures / "ja_text/livedoor-news-corpus/text").glob("*/*-*.txt")):
        url, _date, *body = path.read_text(encoding="utf-8").splitlines()
        paragraphs = [Paragraph(line.strip()) for line in body if line.strip()]
        documents.append(
            Document(
                id=path.stem,
                url=url,
                host="news.livedoor.com",
                source="livedoor",
                language="ja",
                paragraphs=paragraphs,
            )
        )
    return documents


def page_documents(fixtures: Path) -> list[Document]:
    extractor = DocumentExtractor(ExtractConfig())
    documents = extract_documents(build_warc(fixture_pages(fixtures)), ExtractConfig(), extractor)
    extractor.close()
    return documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--chain", default=str(DEFAULT_CHAIN))
    parser.add_argument("--skip", nargs="*", default=[])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    documents = livedoor_documents(args.fixtures) + page_documents(args.fixtures)
    characters = sum(len(d.text) for d in documents)
    chain = FilterChain.from_entries(FilterConfig(chain=args.chain, skip=args.skip).chain)
    chain.setup()
    seconds = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        kept = sum(not chain.apply(d).removed_by for d in documents)
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    print(f"chain: {args.chain} ({len(chain.filters)} filters)")
    print(f"{len(documents)} documents, {characters / 1e6:.2f} M characters, {kept} kept")
    print(f"{len(documents) / median:.0f} documents/s, {characters / median / 1e6:.2f} M chars/s")


if __name__ == "__main__":
    main()
