"""The names of a stage's accounting in its `stats.json`, and the equation they satisfy.

Every stage counts the records it reads where they enter it, apart from what becomes of
them, so that the accounting equation is a check, not a tautology:

    records_read == kept + the sum of the drop reasons + the sum of dead_lettered

`outcome` holds kept and the drop reasons; `dead_lettered` the records written to the
step's dead letters, by reason (they are not also outcomes).
"""

from __future__ import annotations

RECORDS_READ = "records_read"
"""The kind of the tallies (or counts) of records entering a stage; summed into one number."""
OUTCOME = "outcome"
KEPT = "kept"
DEAD_LETTERED = "dead_lettered"
BLOCKED = "blocked"
"""The extraction stage's records blocked by URL, by list (`blocked: {adult: N}`): a
breakdown of the outcome `blocked`, not a term of the equation (like `flag`)."""


def accounted(stats: dict) -> int:
    """What a stage's `stats.json` says became of its records: kept + drops + dead-lettered.
    Equal to `stats["records_read"]` when nothing was lost."""
    return sum(stats.get(OUTCOME, {}).values()) + sum(stats.get(DEAD_LETTERED, {}).values())


UNREADABLE_FILE = "unreadable_file"
"""The dead-letter reason every reader shares: the file cannot be opened or read on (corrupt
compressed data, I/O error)."""
TRUNCATED_FILE = "truncated_file"
"""The dead-letter reason of a file that ends inside a record or a compressed member
(unreadable from there on), whatever its reader."""
