"""The deduplication stage at scale: synthetic Japanese documents, peak memory of the whole run.

Generates --documents synthetic documents with known duplicates under WORK/documents
(synthetic_documents.py; reused when the same parameters generated them before), then runs
the dedup stage exactly as a user does, as a subprocess (`python -m corpus.cli` is the
`corpus` command):

    corpus dedup 'WORK/documents/documents-*.parquet' --output WORK/run --overwrite \
        --direct_num_workers=N

Every --interval seconds the resident set (VmRSS) of that process and of every process it
started (Beam's SDK workers, found through /proc parent links) is read from /proc: the
peak of their sum over the run, and the largest single process's peak (its VmHWM, the
kernel's own high-water mark, so a single process's peak between samples is not missed).
Shared pages count once per process, so the sum is an upper bound of the tree's memory.
The SDK worker processes seen show whether --direct_num_workers took effect.

Prints wall time, documents/s, the stage's stats.json counts, and the removal quality
against the ground truth: per kind, how many documents were removed and how many were
kept together with their original (missed; recall = 1 - missed share: for `url` the stage
may rightly keep the recapture and remove the original); the precision (removed documents
that had a duplicate); and families left with no document, or with more than one (a miss,
or a cascade: once the URL step keeps an updated recapture, a copy of the old text no
longer has a duplicate). Exits non-zero if the run fails or its counts do not add up.

    python benchmarks/dedup_scale.py --documents 1000000 [--workers 2] [--work-dir DIR]
        [--seed 0] [--documents-per-file 20000] [--fixtures DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from process_tree import TreeMemory, gib
from synthetic_documents import (
    DEFAULT_FIXTURES,
    GROUND_TRUTH_FILE,
    generate,
    generation_parameters,
    recorded_parameters,
)

from corpus.layout import RUN_FILE, STATS_FILE, side_path
from corpus.pipelines.document_io import documents_glob

OUTCOMES = ("url_duplicate", "exact_duplicate", "near_duplicate", "kept")


@dataclass(frozen=True)
class KindQuality:
    documents: int
    removed: int
    both_kept: int | None
    """Duplicates kept together with their original (misses); None for base documents."""


@dataclass(frozen=True)
class Quality:
    kinds: dict[str, KindQuality]
    removed: int
    removed_with_duplicate: int
    families: int
    families_with_none: int
    families_with_several: int
    """Families with more than one survivor, not counting near variants below the threshold."""


def removal_quality(truth: pa.Table, kept_ids: pa.Array, threshold: float) -> Quality:
    """How the kept documents compare with the ground truth. Near variants are split at the
    MinHash threshold: below it, a variant is not a duplicate and staying is right."""
    kept = pc.is_in(truth["id"], value_set=kept_ids).to_numpy(zero_copy_only=False)
    family = pc.index_in(truth["family"], value_set=truth["id"]).to_numpy(zero_copy_only=False)
    kind = np.array(truth["kind"].to_pylist())
    near_below = (kind == "near") & ~(truth["jaccard"].to_numpy(zero_copy_only=False) >= threshold)
    groups = {
        "unique": kind == "unique",
        "original": kind == "original",
        "exact": kind == "exact",
        f"near >= {threshold}": (kind == "near") & ~near_below,
        f"near < {threshold}": near_below,
        "url": kind == "url",
    }
    size = np.bincount(family, minlength=len(kind))
    survivors = np.bincount(family, weights=kept, minlength=len(kind))
    duplicate_survivors = np.bincount(family, weights=kept & ~near_below, minlength=len(kind))
    both_kept = kept & kept[family] & (family != np.arange(len(kind)))
    kinds = {
        name: KindQuality(
            documents=int(mask.sum()),
            removed=int((mask & ~kept).sum()),
            both_kept=None if name in ("unique", "original") else int((mask & both_kept).sum()),
        )
        for name, mask in groups.items()
    }
    families = size >= 2
    return Quality(
        kinds=kinds,
        removed=int((~kept).sum()),
        removed_with_duplicate=int((~kept & (size[family] >= 2)).sum()),
        families=int(families.sum()),
        families_with_none=int((families & (survivors == 0)).sum()),
        families_with_several=int((families & (duplicate_survivors > 1)).sum()),
    )


def children_cpu_seconds() -> float:
    """User + system CPU seconds of the waited-for child processes (and theirs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2, help="--direct_num_workers")
    parser.add_argument(
        "--work-dir",
        type=Path,
        help="where the documents and the output go (default: a directory under /tmp "
        "named after --documents, kept for reuse)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--documents-per-file", type=int, default=20_000)
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between samples")
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a config override passed to `corpus dedup`, e.g. dedup.minhash.verify=signatures",
    )
    args = parser.parse_args()

    work = args.work_dir or Path(tempfile.gettempdir()) / f"corpus-dedup-{args.documents}"
    data, output = work / "documents", work / "run"
    parameters = recorded_parameters(args.documents, args.seed, args.documents_per_file)
    if generation_parameters(data) == parameters:
        print(f"reusing {args.documents:,} documents in {data}")
    else:
        summary = generate(
            args.documents,
            data,
            args.seed,
            args.documents_per_file,
            args.fixtures,
            overwrite=True,
            processes=args.workers,
        )
        print(
            f"generated {args.documents:,} documents in {summary.seconds:.0f} s, "
            f"{summary.bytes / 1e9:.2f} GB in {summary.files} files under {data}"
        )

    command = [
        sys.executable,
        "-m",
        "corpus.cli",
        "dedup",
        documents_glob(str(data)),
        "--output",
        str(output),
        "--overwrite",
        f"--direct_num_workers={args.workers}",
        *(f"--set={override}" for override in args.set),
    ]
    print("running:", " ".join(command[2:]))
    log = work / "dedup.log"
    with log.open("wb") as handle:
        started = time.perf_counter()
        cpu_before = children_cpu_seconds()
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)
        try:
            with TreeMemory(process.pid, args.interval) as memory:
                returncode = process.wait()
        finally:
            if process.poll() is None:  # interrupted: do not leave the pipeline running
                process.terminate()
                process.wait()
        seconds = time.perf_counter() - started
        cpu_seconds = children_cpu_seconds() - cpu_before
    if returncode != 0:
        print(log.read_text(errors="replace")[-4000:], file=sys.stderr)
        print(f"corpus dedup failed (exit {returncode}); log: {log}", file=sys.stderr)
        return 1

    stats = json.loads(Path(side_path(str(output / "dedup"), STATS_FILE)).read_text())
    outcomes = stats.get("outcome", {})
    files = sorted((output / "dedup").glob("documents-*.parquet"))
    kept_ids = pa.concat_arrays(
        [pq.read_table(f, columns=["id"])["id"].combine_chunks() for f in files]
    )
    truth = pq.read_table(data / GROUND_TRUTH_FILE)
    minhash = json.loads((output / RUN_FILE).read_text())["config"]["dedup"]["minhash"]
    threshold = minhash["threshold"]
    quality = removal_quality(truth, kept_ids, threshold)

    print(
        f"\n{args.documents:,} documents, --direct_num_workers={args.workers}: "
        f"{seconds:,.1f} s, {args.documents / seconds:,.0f} documents/s"
    )
    # Wall time depends on what else the machine runs; CPU time much less so.
    print(
        f"CPU time (user + system) of the run and the processes it waited for: {cpu_seconds:,.0f} s"
    )
    print(
        f"minhash: candidate_threshold {minhash['candidate_threshold']}, "
        f"threshold {threshold}, verify {minhash['verify']}"
    )
    print(
        f"peak RSS, whole process tree: {gib(memory.peak_total_kib)} "
        f"(at {memory.peak_total_at:,.0f} s; at most {memory.most_processes} processes)"
    )
    timeline = " ".join(f"{kib / 2**20:.2f}" for kib in memory.timeline())
    print(f"  tree RSS by tenth of the run, GiB: {timeline}")
    single = memory.peak_single_command.split(" -m ")[-1][:60]
    print(f"peak RSS, largest process:    {gib(memory.peak_single_kib)} ({single})")
    print(
        f"SDK worker processes: {len(memory.sdk_workers)} started, "
        f"at most {memory.most_sdk_workers} at a time"
    )
    print("stats.json: " + ", ".join(f"{name} {outcomes.get(name, 0):,}" for name in OUTCOMES))

    print(f"\n{'kind':18} {'documents':>10} {'removed':>10} {'both kept':>10} {'recall':>7}")
    for name, row in quality.kinds.items():
        both = recall = ""
        if row.both_kept is not None:
            both = f"{row.both_kept:,}"
        if row.both_kept is not None and row.documents and not name.startswith("near <"):
            recall = (
                f"{1 - row.both_kept / row.documents:.1%}"  # below the threshold, staying is right
            )
        print(f"{name:18} {row.documents:10,} {row.removed:10,} {both:>10} {recall:>7}")
    precision = quality.removed_with_duplicate / quality.removed if quality.removed else 1.0
    print(
        f"precision: {quality.removed_with_duplicate:,} of {quality.removed:,} removed documents "
        f"had a duplicate ({precision:.2%})"
    )
    print(
        f"families with duplicates: {quality.families:,}; left with no document: "
        f"{quality.families_with_none:,}; with more than one (variants below the threshold "
        f"aside): {quality.families_with_several:,}"
    )

    consistent = (
        stats.get("records_read") == args.documents
        and outcomes.get("kept") == len(kept_ids)
        and len(kept_ids) == len(pc.unique(kept_ids))
        and quality.families_with_none == 0
    )
    if not consistent:
        print("inconsistent counts: see above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
