"""`corpus run` end to end on Beam's local runner: 1 vs 2 worker processes, peak memory.

Input: --files WARC files, each holding every real fixture page (fixture_warc.py: 441
HTML responses, 17% Japanese, their URLs made distinct per file) and --synthetic pages:
the synthetic Japanese documents of synthetic_documents.py (real fixture sentences, 30%
of them exact, near or URL duplicates of others, spread over all files) written as UTF-8,
Shift_JIS or EUC-JP HTML whose block nesting follows each paragraph's DOM path. The run
is `extract, paragraph_stats, filter, dedup, tokenize` with LLM-jp's tokenizer, the
default filter chain and --documents-per-shard documents per Parquet shard, run as a user
runs it (`python -m corpus.cli run CONFIG --overwrite --direct_num_workers=N`), with 1
and 2 workers alternating, --repeat times.

Prints per stage and in total: wall seconds (median; a stage's share is from the end of
the previous stage's pipeline to the end of its own, as the command reports them, so the
first includes the command's start-up, and `report` is the run report written after the
last stage), records/s (the stage's records read), the 2-vs-1 ratio; the CPU seconds of
the runner process (the `corpus` command, where the FnApiRunner moves every element between
workers) and of the SDK worker processes; the peak RSS of every worker process (VmHWM,
sampled from /proc; workers are told from the runner by their command line) and of the
runner; and whether the output files of every run are byte-identical (sha256 of every
file under each stage directory).

    python benchmarks/run_scaling.py [--files 16] [--synthetic 500] [--repeat 3]
        [--documents-per-shard 1000] [--work-dir DIR] [--tokenizer MODEL]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from fixture_warc import Page, build_warc, fixture_pages
from process_tree import TreeMemory, cpu_seconds, gib
from synthetic_documents import DEFAULT_FIXTURES, SyntheticCorpus, sentence_pool

from corpus.pipelines.run import read_stats
from corpus.schema import Document

STAGES = ("extract", "paragraph_stats", "filter", "dedup", "tokenize")
REPORT = "report"
DEFAULT_TOKENIZER = (
    DEFAULT_FIXTURES.parent / "tokenizers/llm-jp-v3.0b1/llm-jp-tokenizer-100k.ver3.0b1.model"
)
HTML_CHARSETS = {"utf-8": "utf-8", "cp932": "Shift_JIS", "euc_jp": "EUC-JP"}


def _tag(segment: str) -> tuple[str, str]:
    """`div.entry-content#main` -> (`<div class="entry-content" id="main">`, `</div>`)."""
    name, _, identifier = segment.partition("#")
    name, *classes = name.split(".")
    attributes = f' class="{" ".join(classes)}"' if classes else ""
    attributes += f' id="{identifier}"' if identifier else ""
    return f"<{name}{attributes}>", f"</{name}>"


def document_html(document: Document) -> bytes:
    """The document as an HTML page in its charset (UTF-8 when the text does not fit it)."""
    blocks = []
    for paragraph in document.paragraphs:
        tags = [_tag(segment) for segment in paragraph.path.split(">")[2:]]  # under <body>
        opening = "".join(start for start, _ in tags)
        closing = "".join(end for _, end in reversed(tags))
        blocks.append(f"{opening}{html.escape(paragraph.text)}{closing}")
    for codec in (document.charset, "utf-8"):
        page = (
            f'<!DOCTYPE html><html><head><meta charset="{HTML_CHARSETS[codec]}">'
            f"<title>{html.escape(document.host)}</title></head>"
            f"<body>{''.join(blocks)}</body></html>"
        )
        try:
            return page.encode(codec)
        except UnicodeEncodeError:
            continue
    raise AssertionError("unreachable: UTF-8 encodes every text")


def write_inputs(directory: Path, files: int, synthetic: int, fixtures: Path) -> int:
    """Writes the WARC files; returns the number of records."""
    pages = fixture_pages(fixtures)
    corpus = SyntheticCorpus(files * synthetic, 0, sentence_pool(fixtures))
    for index in range(files):
        own = [Page(f"{p.url}?file={index}", p.body, p.japanese) for p in pages]
        for i in corpus.order[index * synthetic : (index + 1) * synthetic].tolist():
            document = corpus.document(i)[0]
            own.append(Page(document.url, document_html(document), True))
        (directory / f"crawl-{index:05d}.warc.gz").write_bytes(build_warc(own))
    return files * (len(pages) + synthetic)


@dataclass
class RunResult:
    workers: int
    wall: float
    stage_wall: dict[str, float]
    """Per stage (and REPORT): seconds from the previous step's end to its own."""
    records: dict[str, int]
    runner_cpu: dict[str, float]
    worker_processes: dict[str, list[tuple[int, float]]]
    """Per stage, (peak RSS KiB, CPU seconds) of each SDK worker process it started."""
    runner_peak: int
    tree_peak: int
    digest: dict[str, str] = field(default_factory=dict)


def output_digest(output: Path) -> dict[str, str]:
    """sha256 of every file under the stage directories, by relative path."""
    digest = {}
    for stage in STAGES:
        for path in sorted((output / stage).rglob("*")):
            if path.is_file():
                digest[path.relative_to(output).as_posix()] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
    return digest


def run_once(config: Path, output: Path, workers: int, interval: float) -> RunResult:
    command = [
        sys.executable,
        "-m",
        "corpus.cli",
        "run",
        str(config),
        "--overwrite",
        f"--direct_num_workers={workers}",
    ]
    ends: list[tuple[float, float]] = []
    """(seconds, runner CPU seconds) at the end of every stage, then at the exit."""
    log: list[str] = []
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        with TreeMemory(process.pid, interval) as memory:

            def follow() -> None:
                for raw in process.stderr:
                    line = raw.decode(errors="replace")
                    log.append(line)
                    if " records read, " in line:
                        ends.append((memory.elapsed(), cpu_seconds(process.pid)))

            reader = threading.Thread(target=follow)
            reader.start()
            returncode = process.wait()
            reader.join()
            memory.sample()
            ends.append((memory.elapsed(), memory.processes[process.pid].cpu_seconds))
    finally:
        if process.poll() is None:  # interrupted: do not leave the pipeline running
            process.terminate()
            process.wait()
    steps = [*STAGES, REPORT]
    if returncode != 0 or len(ends) != len(steps):
        sys.stderr.write("".join(log[-40:]))
        raise SystemExit(f"corpus run failed (exit {returncode}, {len(ends) - 1} stages ended)")

    starts = [(0.0, 0.0), *ends[:-1]]
    stage_wall = {s: end[0] - start[0] for s, start, end in zip(steps, starts, ends, strict=True)}
    runner_cpu = {s: end[1] - start[1] for s, start, end in zip(steps, starts, ends, strict=True)}
    worker_processes: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for pid in sorted(memory.sdk_workers):
        record = memory.processes[pid]
        step = next(s for s, end in zip(steps, ends, strict=True) if record.first_seen <= end[0])
        worker_processes[step].append((record.peak_kib, record.cpu_seconds))
    return RunResult(
        workers=workers,
        wall=ends[-1][0],
        stage_wall=stage_wall,
        records={s: read_stats(str(output / s))["records_read"] for s in STAGES},
        runner_cpu=runner_cpu,
        worker_processes=dict(worker_processes),
        runner_peak=memory.processes[process.pid].peak_kib,
        tree_peak=memory.peak_total_kib,
        digest=output_digest(output),
    )


def median(values) -> float:
    return statistics.median(list(values))


def worker_cpu(run: RunResult, step: str) -> list[float]:
    return [cpu for _, cpu in run.worker_processes.get(step, [])]


def print_summary(results: dict[int, list[RunResult]], records: int) -> None:
    """Per step: records read, median wall (1 and 2 workers), records/s, the 2-vs-1 ratio,
    median CPU seconds of the runner and of each worker (the 2-worker run's split shows
    how evenly the work was shared); then memory."""
    one, two = results[1], results[2]
    print(
        f"\n{'step':16} {'records':>8} {'1w s':>6} {'2w s':>6} {'1w rec/s':>8} {'2w rec/s':>8}"
        f" {'2v1':>5} | CPU s: {'runner 1w':>9} {'2w':>5} {'worker 1w':>9} {'2w, each':>12}"
    )
    for step in [*STAGES, REPORT]:
        s1 = median(r.stage_wall[step] for r in one)
        s2 = median(r.stage_wall[step] for r in two)
        n = one[0].records.get(step, 0)
        rates = f"{n / s1:8.0f} {n / s2:8.0f}" if n else f"{'':8} {'':8}"
        runner1 = median(r.runner_cpu[step] for r in one)
        runner2 = median(r.runner_cpu[step] for r in two)
        worker1 = median(sum(worker_cpu(r, step)) for r in one)
        split = sorted(zip(*(sorted(worker_cpu(r, step)) for r in two), strict=True))
        each = "+".join(f"{median(values):.1f}" for values in split) if step != REPORT else ""
        print(
            f"{step:16} {n or '':>8} {s1:6.1f} {s2:6.1f} {rates} {s1 / s2:5.2f} |"
            f" {runner1:16.1f} {runner2:5.1f} {worker1:9.1f} {each:>12}"
        )
    w1, w2 = median(r.wall for r in one), median(r.wall for r in two)
    print(
        f"{'total':16} {records:>8} {w1:6.1f} {w2:6.1f} {records / w1:8.0f} {records / w2:8.0f}"
        f" {w1 / w2:5.2f}"
    )
    for workers, runs in results.items():
        walls = ", ".join(f"{r.wall:.1f}" for r in runs)
        print(f"\n{workers} worker(s): wall per run {walls} s")
        print(
            f"  peak RSS: runner {gib(max(r.runner_peak for r in runs))}, "
            f"whole tree {gib(max(r.tree_peak for r in runs))}"
        )
        for step in STAGES:
            if not any(r.worker_processes.get(step) for r in runs):
                print(f"  {step:16} no worker process (one worker runs in the command's own)")
                continue
            peaks = sorted(
                zip(*(sorted(p for p, _ in r.worker_processes[step]) for r in runs), strict=True)
            )
            each = ", ".join(gib(max(values)) for values in peaks)
            print(f"  {step:16} peak RSS of each worker process: {each}")
    digests = [r.digest for runs in results.values() for r in runs]
    different = sorted(
        {path for d in digests for path in d if any(e.get(path) != d[path] for e in digests)}
    )
    if different:
        print(f"\noutputs differ between runs in {len(different)} files, e.g. {different[:5]}")
    else:
        print(f"\noutputs of all {len(digests)} runs byte-identical ({len(digests[0])} files)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=16, help="WARC files")
    parser.add_argument("--synthetic", type=int, default=500, help="synthetic pages per file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--documents-per-shard", type=int, default=1000)
    parser.add_argument("--work-dir", type=Path, help="default: a temporary directory")
    parser.add_argument("--tokenizer", type=Path, default=DEFAULT_TOKENIZER)
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between samples")
    args = parser.parse_args()

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="corpus-run-scaling-"))
    inputs = work / "warc"
    if inputs.exists():
        shutil.rmtree(inputs)
    inputs.mkdir(parents=True)
    started = time.perf_counter()
    records = write_inputs(inputs, args.files, args.synthetic, args.fixtures)
    print(
        f"{args.files} WARC files, {records:,} records, "
        f"{sum(p.stat().st_size for p in inputs.iterdir()) / 1e6:.0f} MB "
        f"(written in {time.perf_counter() - started:.0f} s)"
    )
    output = work / "out"
    config = work / "run.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "inputs": [str(inputs / "*.warc.gz")],
                "output": str(output),
                "stages": list(STAGES),
                "tokenize": {"model": str(args.tokenizer)},
                "parquet": {"documents_per_shard": args.documents_per_shard},
            }
        )
    )
    results: dict[int, list[RunResult]] = {1: [], 2: []}
    for attempt in range(args.repeat):
        for workers in results:
            result = run_once(config, output, workers, args.interval)
            results[workers].append(result)
            stages = " ".join(f"{s} {result.stage_wall[s]:.1f}" for s in [*STAGES, REPORT])
            print(f"run {attempt + 1}, {workers} worker(s): {result.wall:.1f} s ({stages})")
    counts = " -> ".join(f"{s} {n:,}" for s, n in results[1][0].records.items())
    print(f"records read per stage: {counts}")
    print_summary(results, records)
    if args.work_dir is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
