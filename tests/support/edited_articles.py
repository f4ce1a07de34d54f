"""Livedoor articles edited to known Jaccards against each other, for the near-duplicate
decision at the threshold."""

from __future__ import annotations

from pathlib import Path

from corpus.dedup.lsh import jaccard
from corpus.dedup.shingles import document_shingles, without_whitespace
from tests.support.livedoor import LIVEDOOR

EDIT_SPACING = 7  # > n = 5: each edit replaces 5 shingles of its own


def longest_bodies(fixtures: Path, count: int) -> list[str]:
    bodies = [
        without_whitespace("".join(path.read_text(encoding="utf-8").splitlines()[3:]))
        for path in sorted((fixtures / LIVEDOOR).glob("*/*-*.txt"))
    ]
    return sorted(bodies, key=len, reverse=True)[:count]


def edited(text: str, edits: int, start: int, mark: str) -> str:
    """`text` with `edits` characters, EDIT_SPACING apart from `start`, replaced by `mark`."""
    characters = list(text)
    for k in range(edits):
        characters[start + k * EDIT_SPACING] = mark
    return "".join(characters)


def similarity(a: str, b: str) -> float:
    return jaccard(document_shingles(a), document_shingles(b))


def variant_at(text: str, low: float, high: float, start: int = 0, mark: str = "■") -> str:
    """The variant of `text` with the most edits whose Jaccard to it is still >= low; it
    must be < high."""
    edits = 0
    while similarity(text, edited(text, edits + 1, start, mark)) >= low:
        edits += 1
    variant = edited(text, edits, start, mark)
    assert low <= similarity(text, variant) < high
    return variant


def edited_articles(fixtures: Path) -> dict[str, str]:
    """Texts by id: pairs at 0.81 and 0.79, chains, an exact copy and a shared URL (u1 has
    u0's)."""
    x, y, z, u, v, w = longest_bodies(fixtures, 6)
    half = len(z) // 2
    w_half = len(w) // 2
    w2 = variant_at(w, 0.84, 0.86, start=w_half, mark="▲")
    return {
        "x0": x,
        "x1": variant_at(x, 0.80, 0.82),
        "y0": y,
        "y1": variant_at(y, 0.78, 0.80),
        # A chain: z0 ~ z1 ~ z2 at >= 0.8, z0 and z2 (edited in different halves) below it.
        "z0": variant_at(z, 0.84, 0.86, start=0, mark="■"),
        "z1": z,
        "z2": variant_at(z, 0.84, 0.86, start=half, mark="▲"),
        "x2": x,  # an exact copy of x0
        "u0": u,
        "u1": v,  # u1 has u0's URL
        # A chain whose far end is a pair: w2 and w3 are below 0.8 against the kept w0, and
        # at 0.95+ with each other.
        "w0": variant_at(w, 0.84, 0.86, start=0, mark="■"),
        "w1": w,
        "w2": w2,
        "w3": edited(w2, 3, start=w_half + 1, mark="◆"),
    }
