"""Fixed-bin histograms filled batch by batch: their memory is their number of bins,
whatever the number of values."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Histogram:
    """Counts of values per bin `[edges[i], edges[i + 1])`, the last bin closed on the
    right; values below the first edge are `underflow`, above the last `overflow`; NaN
    (a null: not measured) is `missing`, outside the histogram and its `total`."""

    edges: np.ndarray
    counts: np.ndarray = field(init=False)
    underflow: int = 0
    overflow: int = 0
    missing: int = 0

    def __post_init__(self) -> None:
        self.counts = np.zeros(len(self.edges) - 1, dtype=np.int64)

    @classmethod
    def linear(cls, low: float, high: float, bins: int) -> Histogram:
        return cls(np.round(np.linspace(low, high, bins + 1), 6))

    @classmethod
    def powers_of_two(cls, highest_exponent: int) -> Histogram:
        """Bins [1, 2), [2, 4), ... up to 2**highest_exponent: lengths and frequencies."""
        return cls(2.0 ** np.arange(highest_exponent + 1))

    def add(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float64)
        measured = ~np.isnan(values)
        self.missing += int(values.size - measured.sum())
        values = values[measured]
        bins = np.searchsorted(self.edges, values, side="right") - 1
        bins[values == self.edges[-1]] = len(self.counts) - 1
        below = bins < 0
        above = bins >= len(self.counts)
        self.underflow += int(below.sum())
        self.overflow += int(above.sum())
        inside = bins[~below & ~above]
        self.counts += np.bincount(inside, minlength=len(self.counts))

    @property
    def total(self) -> int:
        return int(self.counts.sum()) + self.underflow + self.overflow

    def edge_list(self) -> list[float]:
        return [float(edge) for edge in self.edges]

    def to_dict(self) -> dict:
        """Counts and totals; the edges, shared by a plot's series, are `edge_list()`."""
        return {
            "counts": [int(count) for count in self.counts],
            "underflow": self.underflow,
            "overflow": self.overflow,
            "total": self.total,
            "missing": self.missing,
        }
