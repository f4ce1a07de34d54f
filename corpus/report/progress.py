"""A line on stderr as each stage of a run finishes: where, records read, documents kept,
records dead-lettered (if any), seconds. (The local FnApiRunner returns from `run()` only
when a pipeline is done and exposes no metrics while it runs, so a stage is reported when
it ends.)"""

from __future__ import annotations

import sys

from corpus.pipelines.stage_stats import DEAD_LETTERED, KEPT, OUTCOME, RECORDS_READ


def stage_finished(directory: str, stats: dict, seconds: float) -> None:
    kept = stats.get(OUTCOME, {}).get(KEPT, 0)
    read = stats.get(RECORDS_READ, 0)
    dead = sum(stats.get(DEAD_LETTERED, {}).values())
    dead_lettered = f", {dead:,} dead-lettered" if dead else ""
    print(
        f"{directory}: {read:,} records read, {kept:,} kept{dead_lettered} ({seconds:.1f} s)",
        file=sys.stderr,
        flush=True,
    )
