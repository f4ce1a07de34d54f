"""The most frequent keys of a stream in bounded memory.

Misra-Gries with weighted updates: counts are kept for at most `2 * capacity` keys; when
there are more, every count is lowered by the (capacity + 1)-th largest and the keys left
at zero are forgotten. A reported count is then low by at most `undercount` (zero, and
every count exact, as long as the stream has no more than `2 * capacity` distinct keys),
and any key more frequent than `total / (capacity + 1)` is certain to be reported.
"""

from __future__ import annotations

from collections.abc import Iterable


class TopCounts:
    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self.counts: dict[str, int] = {}
        self.undercount = 0
        self.total = 0

    def update(self, pairs: Iterable[tuple[str, int]]) -> None:
        for key, count in pairs:
            self.counts[key] = self.counts.get(key, 0) + count
            self.total += count
        if len(self.counts) > 2 * self.capacity:
            cut = sorted(self.counts.values(), reverse=True)[self.capacity]
            self.undercount += cut
            self.counts = {key: count - cut for key, count in self.counts.items() if count > cut}

    def top(self, n: int) -> list[dict]:
        """The `n` largest as `{"name", "count"}`, ties broken by name."""
        ordered = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        return [{"name": key, "count": count} for key, count in ordered[:n]]

    def to_dict(self, n: int) -> dict:
        return {
            "top": self.top(n),
            "distinct": len(self.counts) if self.undercount == 0 else None,
            "total": self.total,
            "undercount": self.undercount,
        }
