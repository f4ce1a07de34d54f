"""Document files with the text stored once, beside the text stored twice.

Runs extract, paragraph_stats and filter (debug output on, so removed documents are
written too) on the fixture crawl: corpus/sample/sample.warc.gz and the mixed WARC of
fixture_warc.py (every HTML page of ../shared/fixtures). Each documents file the stages
wrote (live paragraphs as offsets into `text`) is written again with the paragraphs'
texts added back (the layout that repeated them), with the same writer settings, and
for both layouts, in one run, alternating:

  bytes   the files' sizes, per stage
  read      pyarrow reads every row of every file (`to_pylist`, as the stages read them)
  from_row  those rows -> `Document`s (new: `Document.from_row`, cutting and checking the
            offsets; old: the paragraphs as stored, as `from_row` read them before)
  write     `Document`s -> rows (`to_row`, old: the paragraphs' texts repeated) -> a zstd
            Parquet file, as the stages write them

medians of --repeat; plus each stage's wall time on the new layout. The machine is
shared: timings are noisy, the ratios within one run are what to compare.

    python benchmarks/document_size.py [--fixtures DIR] [--repeat 5] [--work DIR]
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import platform
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from fixture_warc import DEFAULT_FIXTURES, build_warc, fixture_pages

from corpus.config import validate
from corpus.io.shards import ROW_GROUP_ROWS
from corpus.pipelines.document_io import documents_glob
from corpus.pipelines.run import STAGES as STAGE_FACTORIES
from corpus.pipelines.run import run_stage
from corpus.schema import (
    DOCUMENT_FIELDS,
    DOCUMENT_SCHEMA,
    PARAGRAPH_FIELDS,
    PARAGRAPH_TYPE,
    Document,
    Paragraph,
)

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "corpus/sample/sample.warc.gz"
STAGES = ("extract", "paragraph_stats", "filter")
OFFSETS = ("start", "stop")

OLD_PARAGRAPH_TYPE = pa.struct(
    [
        pa.field("text", pa.string(), nullable=False)
        if field.name == "text"
        else PARAGRAPH_TYPE.field(field.name)
        for field in PARAGRAPH_TYPE
        if field.name not in OFFSETS
    ]
)
OLD_SCHEMA = pa.schema(
    [
        pa.field("paragraphs", pa.list_(OLD_PARAGRAPH_TYPE), nullable=False)
        if field.name == "paragraphs"
        else field
        for field in DOCUMENT_SCHEMA
    ]
)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO).stdout.strip()


def old_row(row: dict) -> dict:
    """A row as it was stored with the text repeated: each paragraph holds its text."""
    paragraphs = []
    for p in row["paragraphs"]:
        start, stop = p["start"], p["stop"]
        text = p["text"] if start is None else row["text"][start:stop]
        paragraphs.append({**{k: v for k, v in p.items() if k not in OFFSETS}, "text": text})
    return {**row, "paragraphs": paragraphs}


def old_to_row(document: Document) -> dict:
    row = {name: getattr(document, name) for name in DOCUMENT_FIELDS}
    row["paragraphs"] = [
        {name: getattr(p, name) for name in PARAGRAPH_FIELDS} for p in document.paragraphs
    ]
    row["text"] = document.text
    return row


def old_from_row(row: dict) -> Document:
    values = {name: row[name] for name in DOCUMENT_FIELDS}
    values["paragraphs"] = [Paragraph(**p) for p in row["paragraphs"]]
    return Document(**values)


def write(rows: list[dict], schema: pa.Schema) -> bytes:
    buffer = io.BytesIO()
    with pq.ParquetWriter(buffer, schema, compression="zstd") as writer:
        for start in range(0, len(rows), ROW_GROUP_ROWS):
            chunk = rows[start : start + ROW_GROUP_ROWS]
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
    return buffer.getvalue()


def read_rows(files: list[bytes]) -> list[dict]:
    return [row for data in files for row in pq.read_table(io.BytesIO(data)).to_pylist()]


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times)


def run_stages(inputs: list[str], output: Path) -> dict[str, float]:
    """Runs the stages one after another; each stage's wall seconds."""
    config = validate({"inputs": inputs, "output": str(output), "filter": {"debug": True}})
    beam_args = ["--direct_num_workers=1", "--direct_running_mode=in_memory"]
    seconds = {}
    for stage in STAGES:
        start = time.perf_counter()
        run_stage(STAGE_FACTORIES[stage](inputs, config, str(output / stage)), inputs, beam_args)
        seconds[stage] = time.perf_counter() - start
        inputs = [documents_glob(str(output / stage))]
    return seconds


def stage_files(output: Path) -> dict[str, list[Path]]:
    """The documents files under each stage's directory (and its side directories), the
    filter's removed documents apart."""
    groups: dict[str, list[Path]] = {}
    for path in sorted(output.rglob("documents-*.parquet")):
        relative = path.relative_to(output).parts
        name = relative[0].split(".")[0]
        if "removed" in relative:
            name += " removed"
        groups.setdefault(name, []).append(path)
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, help="keep the stages' output here")
    args = parser.parse_args()

    dirty = " (with uncommitted changes)" if git("status", "--porcelain") else ""
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"commit: {git('rev-parse', '--short', 'HEAD')}{dirty}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}, pyarrow {pa.__version__}"
    )
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        fixture_warc = work / "fixture-pages.warc.gz"
        fixture_warc.write_bytes(build_warc(fixture_pages(args.fixtures)))
        inputs = [str(SAMPLE), str(fixture_warc)]
        print(f"inputs: {', '.join(Path(i).name for i in inputs)}; stages: {', '.join(STAGES)}")
        seconds = run_stages(inputs, work / "out")
        groups = {
            name: [path.read_bytes() for path in paths]
            for name, paths in stage_files(work / "out").items()
        }

    print()
    header = f"{'documents':<18}{'rows':>6}{'old bytes':>11}{'new bytes':>11}{'saved':>7}"
    print(header)
    everything: dict[str, list[bytes]] = {"old": [], "new": []}
    old_total = new_total = 0
    for name, new_files in groups.items():
        rows = read_rows(new_files)
        old_files = [write([old_row(r) for r in read_rows([f])], OLD_SCHEMA) for f in new_files]
        new, old = sum(map(len, new_files)), sum(map(len, old_files))
        old_total, new_total = old_total + old, new_total + new
        everything["new"] += new_files
        everything["old"] += old_files
        print(f"{name:<18}{len(rows):>6}{old:>11,}{new:>11,}{1 - new / old:>7.1%}")
    print(f"{'all':<18}{'':>6}{old_total:>11,}{new_total:>11,}{1 - new_total / old_total:>7.1%}")

    old_rows, new_rows = read_rows(everything["old"]), read_rows(everything["new"])
    documents = [Document.from_row(r) for r in new_rows]
    assert [old_from_row(r) for r in old_rows] == documents
    runs = {
        "read": (
            lambda: read_rows(everything["old"]),
            lambda: read_rows(everything["new"]),
        ),
        "from_row": (
            lambda: [old_from_row(r) for r in old_rows],
            lambda: [Document.from_row(r) for r in new_rows],
        ),
        "write": (
            lambda: write([old_to_row(d) for d in documents], OLD_SCHEMA),
            lambda: write([d.to_row() for d in documents], DOCUMENT_SCHEMA),
        ),
    }
    print()
    print(f"all {len(documents)} rows, CPU ms, median of {args.repeat}:")
    print(f"{'':<10}{'old':>8}{'new':>8}{'new/old':>9}")
    for name, (old_run, new_run) in runs.items():
        old_ms = median_seconds(old_run, args.repeat) * 1e3
        new_ms = median_seconds(new_run, args.repeat) * 1e3
        print(f"{name:<10}{old_ms:>8.1f}{new_ms:>8.1f}{new_ms / old_ms:>9.2f}")
    print()
    print("stages (new layout, wall seconds, one worker, in memory):")
    for stage, value in seconds.items():
        print(f"  {stage:<16}{value:>6.1f}")


if __name__ == "__main__":
    main()
