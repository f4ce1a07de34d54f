"""Held-out validation and test splits, chosen by the document hash.

A blend file's `valid_fraction` and `test_fraction` hold out the documents whose hash
(`document_hash(seed, id)`, the one the selection orders documents by) falls in the top
of the hash range: `test_fraction` of it at the very top, `valid_fraction` below that.
A document's split is fixed by its id and the seed alone (the same in every run, on every
worker, whatever else the source holds), each document is in exactly one split, and each
split's expected share of a source's documents is its fraction. The training selection
(selection.py) then plans and cuts on the documents left, taking its partial pass from
the bottom of the hash range, so a held-out document is never trained on, not even as a
repeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from corpus.blend.blend_file import BlendFile
from corpus.blend.hashing import HASH_BITS

TRAIN = "train"
VALID = "valid"
TEST = "test"
HELD_OUT = (VALID, TEST)
"""The held-out splits, in the order Megatron's per-split arguments list them."""


def _width(fraction: float) -> int:
    """How many of the 2**64 hashes `fraction` of the range is (exactly, then rounded down)."""
    return int(Fraction(fraction) * (1 << HASH_BITS))


@dataclass(frozen=True)
class Splits:
    """Hashes below `valid_start` train; from `valid_start` below `test_start` are the
    validation split's; from `test_start` on the test split's."""

    valid_start: int = 1 << HASH_BITS
    test_start: int = 1 << HASH_BITS

    @classmethod
    def of(cls, blend: BlendFile) -> Splits:
        test_start = (1 << HASH_BITS) - _width(blend.test_fraction)
        return cls(test_start - _width(blend.valid_fraction), test_start)

    @property
    def held_out(self) -> tuple[str, ...]:
        """The held-out splits this blend asks for, in Megatron's order."""
        return tuple(split for split, width in zip(HELD_OUT, self._widths(), strict=True) if width)

    def _widths(self) -> tuple[int, int]:
        return self.test_start - self.valid_start, (1 << HASH_BITS) - self.test_start

    def split(self, document_hash: int) -> str:
        """The split of the document with hash `document_hash`."""
        if document_hash < self.valid_start:
            return TRAIN
        return VALID if document_hash < self.test_start else TEST
