"""A line on stderr as each stage of a run finishes: where, records read, documents kept,
seconds. (The local FnApiRunner returns from `run()` only when a pipeline is done and
exposes no metrics while it runs, so a stage is reported when it ends.)"""

from __future__ import annotations

import sys


def stage_finished(directory: str, stats: dict, seconds: float) -> None:
    kept = stats.get("outcome", {}).get("kept", 0)
    read = stats.get("records_read", 0)
    print(
        f"{directory}: {read:,} records read, {kept:,} kept ({seconds:.1f} s)",
        file=sys.stderr,
        flush=True,
    )
