"""Extraction throughput on one core: WARC -> Japanese documents, beside plain trafilatura.

On the mixed WARC of fixture_warc.py (about 17% Japanese pages), in one process, on one
core, alternating runs (medians of --repeat):
  ours         read + triage (charset, kana pre-filter) + paragraphs + language ID
  no-prefilter the same with the pre-filter off (the "full path")
  trafilatura  read + trafilatura.extract on every page + the same language ID
and prints records/s, the share of the known-Japanese pages each keeps, and the
pre-filter's recall: the share of the documents the full path keeps that the
pre-filtered path also keeps.

    python benchmarks/extract_throughput.py [--fixtures DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from pathlib import Path

import trafilatura
from fixture_warc import DEFAULT_FIXTURES, build_warc, extract_documents, fixture_pages
from warcio.archiveiterator import ArchiveIterator

from corpus.config import ExtractConfig
from corpus.extract.extractor import DocumentExtractor
from corpus.extract.langid import LanguageIdentifier


def run_ours(warc: bytes, config: ExtractConfig, extractor: DocumentExtractor) -> set[str]:
    return {d.url for d in extract_documents(warc, config, extractor)}


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
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
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
