"""Near-duplicate removal quality on real news articles: recall and precision over MinHash seeds.

Documents: every livedoor news article in the fixtures (ja_text/livedoor-news-corpus, 203
articles, which include every article of neardup_pairs_subset.json): id = file name, url =
line 1, one paragraph per non-blank body line (after the URL, date and title lines).

Truth: the exact Jaccard similarity of the character 5-gram sets (`document_shingles`,
whitespace removed) of every pair of articles (all 20,503 pairs; the near-duplicate
pairs file is a subset of them, and its figures are checked against them).

- keep order: the order the stage keeps documents in (`earliest_first`: these articles
  carry no date, so by id);
- removable copy: walking the documents in keep order, a document whose Jaccard with a
  document kept before it is >= the threshold (it is removed, the others are kept). This is
  what an exact deduplicator removes when every removed document must have a kept
  document at or above the threshold;
- recall: removed documents that are removable copies / removable copies;
- precision: removed documents that have a kept document (among the run's kept ones) at
  Jaccard >= the threshold / removed documents.

Systems, each over MinHash seeds 1-10 (min / median / max printed):
- `corpus`: the dedup stage itself (`run_stage`, the Beam pipeline a user
  runs, on one local worker) with the default settings except `url: off` (the articles'
  URLs are distinct anyway) and the seed; `--set minhash.KEY=VALUE` changes a setting;
- `datasketch`: MinHashLSH(threshold 0.8, num_perm 128) over datasketch MinHash of the same
  shingles, unverified: documents in keep order, a document is removed when the index holds
  a candidate for it, else inserted.

    python benchmarks/dedup_quality.py [--seeds 1-10] [--threshold 0.8]
        [--set minhash.verify=signatures ...] [--fixtures DIR]
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from datasketch import MinHash, MinHashLSH
from minhash_throughput import DEFAULT_FIXTURES

from corpus.config import validate
from corpus.dedup.lsh import jaccard
from corpus.dedup.shingles import document_shingles
from corpus.pipelines.run import STAGES, run_stage
from corpus.schema import DOCUMENT_SCHEMA, Document, Paragraph

ARTICLES = "ja_text/livedoor-news-corpus/text"
PAIRS = "ja_text/livedoor-news-corpus/neardup_pairs_subset.json"


def articles(fixtures: Path) -> list[Document]:
    documents = []
    for path in sorted((fixtures / ARTICLES).glob("*/*-*.txt")):
        url, _date, _title, *body = path.read_text(encoding="utf-8").splitlines()
        paragraphs = [Paragraph(line) for line in body if line.strip()]
        documents.append(Document(id=path.stem, url=url, paragraphs=paragraphs))
    return sorted(documents, key=lambda d: d.id)


def all_pairs(shingles: dict[str, set[bytes]]) -> dict[tuple[str, str], float]:
    """Exact Jaccard of every pair (a < b) that shares a shingle."""
    return {
        (a, b): jaccard(shingles[a], shingles[b])
        for a, b in itertools.combinations(sorted(shingles), 2)
        if not shingles[a].isdisjoint(shingles[b])
    }


def similar_to(pairs: dict[tuple[str, str], float], threshold: float) -> dict[str, set[str]]:
    similar: dict[str, set[str]] = {}
    for (a, b), value in pairs.items():
        if value >= threshold:
            similar.setdefault(a, set()).add(b)
            similar.setdefault(b, set()).add(a)
    return similar


def removable_copies(order: list[str], similar: dict[str, set[str]]) -> set[str]:
    kept: set[str] = set()
    removable = set()
    for doc_id in order:
        if similar.get(doc_id, set()) & kept:
            removable.add(doc_id)
        else:
            kept.add(doc_id)
    return removable


def scores(
    order: list[str], kept: set[str], removable: set[str], similar: dict[str, set[str]]
) -> tuple[float, float, int]:
    removed = set(order) - kept
    recall = len(removed & removable) / len(removable) if removable else 1.0
    justified = sum(1 for doc_id in removed if similar.get(doc_id, set()) & kept)
    precision = justified / len(removed) if removed else 1.0
    return recall, precision, len(removed)


def corpus_kept(input_path: str, work: Path, seed: int, settings: dict) -> set[str]:
    dedup = {"url": "off", "minhash": {**settings, "seed": seed}}
    output = work / f"seed{seed}"
    config = validate({"inputs": [input_path], "output": str(output), "dedup": dedup})
    stage = STAGES["dedup"]([input_path], config, str(output))
    run_stage(stage, [input_path], ["--direct_num_workers=1"])
    table = pq.ParquetDataset(sorted(output.glob("documents-*.parquet"))).read(columns=["id"])
    return set(table.column("id").to_pylist())


def datasketch_kept(order: list[str], shingles: dict[str, set[bytes]], seed: int) -> set[str]:
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    kept = set()
    for doc_id in order:
        minhash = MinHash(num_perm=128, seed=seed)
        minhash.update_batch(list(shingles[doc_id]))
        if not lsh.query(minhash):
            lsh.insert(doc_id, minhash)
            kept.add(doc_id)
    return kept


def parse_seeds(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def parse_settings(assignments: list[str]) -> dict:
    settings = {}
    for assignment in assignments:
        key, _, value = assignment.partition("=")
        settings[key.removeprefix("minhash.")] = yaml.safe_load(value)
    return settings


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], capture_output=True, text=True, cwd=Path(__file__).parent
    ).stdout.strip()


def summary(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--seeds", default="1-10")
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--set", action="append", default=[], metavar="minhash.KEY=VALUE")
    args = parser.parse_args()
    settings = {**parse_settings(args.set), "threshold": args.threshold}

    documents = articles(args.fixtures)
    order = [d.id for d in documents]
    shingles = {d.id: document_shingles(d.text, 5) for d in documents}
    pairs = all_pairs(shingles)
    similar = similar_to(pairs, args.threshold)
    removable = removable_copies(order, similar)
    listed = json.loads((args.fixtures / PAIRS).read_text(encoding="utf-8"))["pairs"]
    for pair in listed:
        key = tuple(sorted(Path(pair[end]).stem for end in "ab"))
        assert round(pairs[key], 4) == pair["jaccard_char5"], key

    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    dirty = " (with uncommitted changes)" if git("status", "--porcelain") else ""
    print(f"commit: {git('rev-parse', '--short', 'HEAD')}{dirty}")
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        f"{len(documents)} articles, {len(pairs)} pairs sharing a 5-gram, "
        f"{sum(v >= args.threshold for v in pairs.values())} at J >= {args.threshold}; "
        f"{len(removable)} removable copies"
    )
    print(f"corpus settings: url off, minhash {settings or 'defaults'}")

    results: dict[str, list[tuple[float, float, int, float]]] = {"corpus": [], "datasketch": []}
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        input_path = str(work / "input" / "documents-00000-of-00001.parquet")
        (work / "input").mkdir()
        rows = [d.to_row() for d in documents]
        pq.write_table(pa.Table.from_pylist(rows, schema=DOCUMENT_SCHEMA), input_path)
        for seed in parse_seeds(args.seeds):
            for system in results:
                start = time.perf_counter()
                if system == "corpus":
                    kept = corpus_kept(input_path, work, seed, settings)
                else:
                    kept = datasketch_kept(order, shingles, seed)
                seconds = time.perf_counter() - start
                results[system].append((*scores(order, kept, removable, similar), seconds))

    print()
    at = f"@{args.threshold}"
    print(f"| system | recall {at} min/med/max | precision {at} min/med/max | removed | s/run |")
    print("|---|---|---|---|---:|")
    for system, runs in results.items():
        recall, precision, removed, seconds = zip(*runs, strict=True)
        print(
            f"| {system} | {summary(recall)} | {summary(precision)} | "
            f"{min(removed)}-{max(removed)} | {statistics.median(seconds):.1f} |"
        )


if __name__ == "__main__":
    main()
