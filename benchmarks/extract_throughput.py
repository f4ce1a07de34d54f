"""Extraction throughput on one core: WARC -> Japanese documents, beside the reading floor.

On the crawl-like WARC of crawl_warc.py (request, response and metadata records; about
15% of the HTML responses Japanese, some of them with a mislabelled charset; Chinese,
Korean, European and English pages; images and redirects), alternating runs (medians of
--repeat), each in this process but the CLI's:

  warcio        iterating the records and reading every body (a floor)
  fastwarc      the same with FastWARC (the lower floor)
  reader        corpus.warc.reader alone
  core          read + triage (byte and kana pre-filters, charset) + paragraphs + language ID
  no-byte-check the core without the byte-level pre-filter (every HTML page decoded and its
                kana counted on the text)
  stdlib-zlib   the core with the reader on the standard library's zlib, not zlib-ng
  neither       the core without both (as it was before them)
  full          the core with the pre-filter off (the "full path")
  trafilatura   warcio + trafilatura.extract on every HTML page + the same language ID
  cli-1, cli-2  `python -m corpus.cli extract FILE --direct_num_workers=1` (and =2): the
                core through Beam's local runner (in the command's own process with one
                worker, in two worker processes with two), from a file in --workdir, start
                to end, its documents written

and prints records/s and HTML responses/s (from CPU time: the machine is shared, so CPU
time is the steadier figure; wall-clock records/s beside it), CPU microseconds per record,
the share of the known-Japanese pages each path keeps, and the pre-filter's recall: the
share of the documents the full path keeps that the core keeps too.

Then, on a file of a realistic size (repeated_warc.py: the mix repeated to --records
records, 40,000 by default as in a Common Crawl file; 0 skips it), alternating runs: the
core in one process reading the file, the CLI on 1 worker, on 2 workers, and on 2 workers
with a second such file (distinct URLs and IDs) beside it; records/s by wall-clock and by
CPU time (the CLI's CPU time is its own and its worker processes'), the CLI's share of the
core's rate, the rate of 2 workers on 2 files against 1 worker on 1, and the CLI's CPU
beyond the core's as seconds per run plus microseconds per record (the line through the
two file sizes).

With --stages it also prints the CPU time of each stage (reading, gzip, HTTP head parsing,
charset detection, the pre-filters, HTML parsing, language ID) per record, before and after
the byte-level pre-filter and zlib-ng.

    python benchmarks/extract_throughput.py [--fixtures DIR] [--repeat 3] [--no-trafilatura]
        [--no-cli] [--records 40000] [--workdir /tmp/extract-throughput] [--stages]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zlib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pyarrow.parquet as pq
import trafilatura
from crawl_warc import build_crawl_warc
from fastwarc.warc import ArchiveIterator as FastArchiveIterator
from fixture_warc import DEFAULT_FIXTURES, extract_documents
from repeated_warc import write_repeated
from warcio.archiveiterator import ArchiveIterator

from corpus.extract import extractor as extractor_module
from corpus.extract import triage
from corpus.extract.config import ExtractConfig
from corpus.extract.extractor import DocumentExtractor
from corpus.extract.langid import LanguageIdentifier
from corpus.extract.triage import Candidate
from corpus.schema import Document
from corpus.warc import reader
from corpus.warc.reader import WarcRecord, read_warc


def read_warcio(warc: bytes) -> set[str]:
    for record in ArchiveIterator(io.BytesIO(warc)):
        record.content_stream().read()
    return set()


def read_fastwarc(warc: bytes) -> set[str]:
    for record in FastArchiveIterator(io.BytesIO(warc), parse_http=True):
        record.reader.read()
    return set()


def read_ours(warc: bytes) -> set[str]:
    for _ in read_warc(io.BytesIO(warc), "crawl.warc.gz"):
        pass
    return set()


def run_core(warc: bytes, config: ExtractConfig, extractor: DocumentExtractor) -> set[str]:
    return {d.url for d in extract_documents(warc, config, extractor)}


def run_core_on_file(path: Path, config: ExtractConfig, extractor: DocumentExtractor) -> int:
    """The core reading a file, as a worker does; returns the number of documents."""
    documents = 0
    with open(path, "rb") as stream:
        for record in read_warc(stream, str(path)):
            if isinstance(record, WarcRecord):
                candidate = triage.triage(record, config)
                if isinstance(candidate, Candidate):
                    documents += isinstance(extractor.extract(candidate), Document)
    return documents


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (a CLI run and its
    worker processes)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def run_cli(paths: list[Path], workers: int, output: Path) -> set[str]:
    """`corpus extract` on `paths` with `workers` worker processes; the URLs it kept."""
    shutil.rmtree(output, ignore_errors=True)
    command = [sys.executable, "-m", "corpus.cli", "extract", *map(str, paths)]
    command += ["--output", str(output), f"--direct_num_workers={workers}"]
    subprocess.run(command, check=True, capture_output=True)
    urls = set(pq.read_table(output / "extract", columns=["url"]).column("url").to_pylist())
    shutil.rmtree(output)
    return urls


def without(*, byte_check: bool = True, zlib_ng: bool = True) -> contextlib.ExitStack:
    """The core without the byte-level pre-filter and/or with the standard library's zlib."""
    stack = contextlib.ExitStack()
    if not byte_check:
        stack.enter_context(mock.patch.object(triage, "might_hold_kana", lambda body: True))
    if not zlib_ng:
        stack.enter_context(mock.patch.object(reader, "zlib", zlib))
    return stack


def run_without(
    warc: bytes, config: ExtractConfig, extractor: DocumentExtractor, **changes: bool
) -> set[str]:
    with without(**changes):
        return run_core(warc, config, extractor)


# (module, function, stage): the functions whose CPU time --stages reports.
TIMED = (
    (reader, "_warc_fields", "read: WARC header fields"),
    (reader, "parse_head", "read: HTTP head"),
    (reader, "decode_payload", "read: HTTP codings (chunked, gzip)"),
    (triage, "is_html", "triage: is_html"),
    (triage, "might_hold_kana", "triage: kana pre-filter on bytes"),
    (triage, "decode_body", "triage: charset decoding and detection"),
    (triage, "looks_japanese", "triage: kana count on the text"),
    (extractor_module, "html_to_paragraphs", "extract: HTML -> paragraphs"),
    (extractor_module, "script_ratios", "extract: script ratios"),
    (LanguageIdentifier, "predict", "extract: language ID"),
)


def inflate(warc: bytes) -> None:
    """Only what the reader's gzip library does: every member inflated, nothing parsed."""
    view = memoryview(warc)
    position = 0
    while position < len(warc):
        decompressor = reader.zlib.decompressobj(reader.zlib.MAX_WBITS | 16)
        while not decompressor.eof and position < len(warc):
            piece = view[position : position + (1 << 16)]
            decompressor.decompress(piece, 1 << 20)
            position += len(piece) - len(decompressor.unused_data)


def stage_seconds(
    warc: bytes, config: ExtractConfig, extractor: DocumentExtractor
) -> dict[str, float]:
    """CPU seconds of each stage of one core run (timer overhead included)."""
    seconds: dict[str, float] = defaultdict(float)

    def timed(function: Callable, stage: str) -> Callable:
        def run(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[stage] += time.process_time() - start

        return run

    start = time.process_time()
    inflate(warc)
    seconds["read: gzip inflate (alone)"] = time.process_time() - start
    with contextlib.ExitStack() as stack:
        for owner, name, stage in TIMED:
            function = getattr(owner, name)
            stack.enter_context(mock.patch.object(owner, name, timed(function, stage)))
        records = timed(lambda: next(items, None), "read, total")
        items = read_warc(io.BytesIO(warc), "crawl.warc.gz")
        while (record := records()) is not None:
            if isinstance(record, WarcRecord):
                candidate = timed(triage.triage, "triage, total")(record, config)
                if isinstance(candidate, Candidate):
                    timed(extractor.extract, "extract, total")(candidate)
    return seconds


def print_stages(
    warc: bytes, records: int, config: ExtractConfig, extractor: DocumentExtractor, repeat: int
) -> None:
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for _ in range(repeat):
        with without(byte_check=False, zlib_ng=False):
            runs["before"].append(stage_seconds(warc, config, extractor))
        runs["after"].append(stage_seconds(warc, config, extractor))
    stages = sorted({stage for run in runs["before"] + runs["after"] for stage in run})
    print("CPU µs per record by stage (before: no byte check, stdlib zlib; medians)")
    print(f"{'stage':<42}{'before':>8}{'after':>8}")
    for stage in stages:
        cells = [
            statistics.median(run.get(stage, 0.0) for run in runs[name]) / records * 1e6
            for name in ("before", "after")
        ]
        print(f"{stage:<42}{cells[0]:>8.1f}{cells[1]:>8.1f}")


def run_trafilatura(warc: bytes, identifier: LanguageIdentifier) -> set[str]:
    kept = set()
    for record in ArchiveIterator(io.BytesIO(warc)):
        if record.rec_type != "response" or record.http_headers is None:
            continue
        if "html" not in record.http_headers.get_header("Content-Type", ""):
            continue
        url = record.rec_headers.get_header("WARC-Target-URI")
        text = trafilatura.extract(record.content_stream().read(), favor_precision=True)
        if not text:
            continue
        (guess,) = identifier.predict([text])
        if guess.label == "ja" and guess.score >= 0.5:
            kept.add(url)
    return kept


def print_realistic(
    warc: bytes,
    records_per_copy: int,
    args: argparse.Namespace,
    config: ExtractConfig,
    extractor: DocumentExtractor,
    mix_overhead: float | None,
) -> None:
    """The core and the CLI on files of a realistic size: records/s, the CLI's share of
    the core's rate, and 2 workers on 2 files against 1 worker on 1. With `mix_overhead`
    (the CLI's CPU seconds less the core's on the mix), the CLI's overhead as fixed
    seconds plus microseconds per record, from the two sizes."""
    args.workdir.mkdir(parents=True, exist_ok=True)
    files = []
    for first_copy in (0, 1000):  # the second file's URLs and IDs differ from the first's
        path = args.workdir / f"repeated-{args.records}-{first_copy}.warc.gz"
        if not path.exists():
            write_repeated(warc, records_per_copy, path, args.records, first_copy)
        files.append(path)
    records = -(-args.records // records_per_copy) * records_per_copy
    output = args.workdir / "output"
    runs: dict[str, tuple[int, Callable[[], object]]] = {
        "core": (records, lambda: run_core_on_file(files[0], config, extractor)),
        "cli-1": (records, lambda: run_cli(files[:1], 1, output)),
        "cli-2": (records, lambda: run_cli(files[:1], 2, output)),
        "cli-2, 2 files": (2 * records, lambda: run_cli(files, 2, output)),
    }
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    wall: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.repeat):
        for name, (_, run) in runs.items():
            start_wall, start_cpu = time.perf_counter(), cpu_seconds()
            run()
            cpu[name].append(cpu_seconds() - start_cpu)
            wall[name].append(time.perf_counter() - start_wall)
    size = sum(path.stat().st_size for path in files) / 2 / 1e6
    print(f"\nRealistic size: {records} records per file, {size:.0f} MB gzipped (medians)")
    print(
        f"{'path':<16}{'wall s':>8}{'min-max':>12}{'rec/s':>8}{'CPU s':>8}{'CPU rec/s':>10}"
        f"{'of core':>9}"
    )
    rate = {}
    for name, (count, _) in runs.items():
        seconds, cpu_median = statistics.median(wall[name]), statistics.median(cpu[name])
        spread = f"{min(wall[name]):.1f}-{max(wall[name]):.1f}"
        rate[name] = count / seconds
        share = rate[name] / (records / statistics.median(wall["core"]))
        print(
            f"{name:<16}{seconds:>8.1f}{spread:>12}{rate[name]:>8.0f}{cpu_median:>8.1f}"
            f"{count / cpu_median:>10.0f}{share:>9.0%}"
        )
    cpu_share = statistics.median(cpu["core"]) / statistics.median(cpu["cli-1"])
    print(f"cli-1 / core, records/s: {rate['cli-1'] / rate['core']:.0%} wall, {cpu_share:.0%} CPU")
    print(f"2 workers on 2 files / 1 worker on 1: {rate['cli-2, 2 files'] / rate['cli-1']:.2f}x")
    # Each round's runs are neighbours in time, so their ratios show the spread of the
    # machine's speed less than the medians' ratios do.
    shares = [c / w for c, w in zip(wall["core"], wall["cli-1"], strict=True)]
    ratios = [2 * w1 / w2 for w1, w2 in zip(wall["cli-1"], wall["cli-2, 2 files"], strict=True)]
    print(f"per round, cli-1 / core: {', '.join(f'{x:.0%}' for x in shares)}")
    print(f"per round, 2 workers on 2 files / 1 on 1: {', '.join(f'{x:.2f}x' for x in ratios)}")
    if mix_overhead is not None:
        overhead = statistics.median(cpu["cli-1"]) - statistics.median(cpu["core"])
        per_record = (overhead - mix_overhead) / (records - records_per_copy)
        fixed = overhead - per_record * records
        print(
            f"cli-1 CPU less the core's: {fixed:.1f} s per run + {per_record * 1e6:.0f} µs "
            f"per record (line through the mix and this file)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-trafilatura", action="store_true")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI rows")
    parser.add_argument("--records", type=int, default=40_000, help="realistic file; 0: skip")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/extract-throughput"))
    parser.add_argument("--stages", action="store_true", help="also time each stage")
    args = parser.parse_args()

    crawl = build_crawl_warc(args.fixtures)
    warc = crawl.data
    japanese = crawl.japanese_urls
    print(
        f"WARC: {crawl.records} records, {crawl.html_responses} HTML responses, "
        f"{len(japanese)} Japanese ({len(japanese) / crawl.html_responses:.1%} of them, "
        f"{crawl.mislabelled} with a wrong charset in the HTTP header), "
        f"{len(warc) / 1e6:.1f} MB gzipped"
    )

    config = ExtractConfig()
    full_config = ExtractConfig(prefilter_min_kana=0)
    extractor = DocumentExtractor(config)
    identifier = LanguageIdentifier()
    runs: dict[str, Callable[[], set[str]]] = {
        "warcio": lambda: read_warcio(warc),
        "fastwarc": lambda: read_fastwarc(warc),
        "reader": lambda: read_ours(warc),
        "core": lambda: run_core(warc, config, extractor),
        "full": lambda: run_core(warc, full_config, extractor),
    }
    runs["no-byte-check"] = lambda: run_without(warc, config, extractor, byte_check=False)
    runs["stdlib-zlib"] = lambda: run_without(warc, config, extractor, zlib_ng=False)
    runs["neither"] = lambda: run_without(warc, config, extractor, byte_check=False, zlib_ng=False)
    if not args.no_trafilatura:
        runs["trafilatura"] = lambda: run_trafilatura(warc, identifier)
    if not args.no_cli:
        args.workdir.mkdir(parents=True, exist_ok=True)
        mix = args.workdir / "mix.warc.gz"
        mix.write_bytes(warc)
        output = args.workdir / "output"
        runs["cli-1"] = lambda: run_cli([mix], 1, output)
        runs["cli-2"] = lambda: run_cli([mix], 2, output)
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    wall: dict[str, list[float]] = {name: [] for name in runs}
    kept: dict[str, set[str]] = {}
    run_core(warc, config, extractor)  # load the language-ID model before timing
    for _ in range(args.repeat):
        for name, run in runs.items():
            start_wall, start_cpu = time.perf_counter(), cpu_seconds()
            kept[name] = run()
            cpu[name].append(cpu_seconds() - start_cpu)
            wall[name].append(time.perf_counter() - start_wall)

    print(
        f"{'path':<16}{'records/s':>10}{'HTML/s':>8}{'µs/record':>10}{'wall rec/s':>11}"
        f"{'CPU s':>8}{'ja kept':>9}{'other kept':>11}"
    )
    for name in runs:
        seconds = statistics.median(cpu[name])
        ja = f"{len(kept[name] & japanese) / len(japanese):.1%}" if kept[name] else "-"
        other = str(len(kept[name] - japanese)) if kept[name] else "-"
        print(
            f"{name:<16}{crawl.records / seconds:>10.0f}{crawl.html_responses / seconds:>8.0f}"
            f"{seconds / crawl.records * 1e6:>10.0f}"
            f"{crawl.records / statistics.median(wall[name]):>11.0f}{seconds:>8.2f}"
            f"{ja:>9}{other:>11}"
        )
    full = kept["full"]
    recall = len(kept["core"] & full) / len(full) if full else 1.0
    print(f"pre-filter recall vs full path: {recall:.2%} ({len(kept['core'] & full)}/{len(full)})")
    floor = statistics.median(cpu["core"]) / statistics.median(cpu["fastwarc"])
    print(f"core CPU / FastWARC reading CPU: {floor:.1f}x")
    for name in ("core", "full"):
        missed = sorted(japanese - kept[name])
        if missed:
            print(f"Japanese pages {name} did not keep ({len(missed)}):")
            for url in missed:
                print(f"  {url.removeprefix('http://fixtures.test/')}")
    for url in sorted(kept["core"] - japanese):
        print(f"kept, though not labelled Japanese: {url.removeprefix('http://fixtures.test/')}")
    if args.stages:
        print_stages(warc, crawl.records, config, extractor, args.repeat)
    if args.records:
        mix_overhead = None
        if "cli-1" in cpu:
            mix_overhead = statistics.median(cpu["cli-1"]) - statistics.median(cpu["core"])
        print_realistic(warc, crawl.records, args, config, extractor, mix_overhead)
    extractor.close()


if __name__ == "__main__":
    main()
