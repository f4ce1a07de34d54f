"""Blend test data: three sources of made-up (source, id, tokens) records and a blend of them."""

from __future__ import annotations

import random

from corpus.blend.blend_file import BlendFile

SEED = 7


def documents(name: str, count: int, low: int, high: int, seed: int) -> list:
    """(source, id, tokens) records with token counts drawn from [low, high]."""
    rng = random.Random(seed)
    return [(name, f"{name}-{i:05d}", rng.randint(low, high)) for i in range(count)]


WEB = documents("web", 3000, 20, 400, 1)
WIKI = documents("wiki", 400, 50, 300, 2)
CODE = documents("code", 300, 10, 200, 3)
RECORDS = WEB + WIKI + CODE
AVAILABLE = {name: sum(r[2] for r in RECORDS if r[0] == name) for name in ("web", "wiki", "code")}


def three_sources() -> BlendFile:
    """web subsampled (~0.24), wiki repeated 2.5x, code capped at 2 repeats of the 3 asked."""
    return BlendFile.model_validate(
        {
            "seed": SEED,
            "sources": [
                {"name": "web", "tokens": 150_000},
                {"name": "wiki", "tokens": 5 * AVAILABLE["wiki"] // 2},
                {"name": "code", "tokens": 3 * AVAILABLE["code"], "max_repeats": 2},
            ],
        }
    )


VALID_FRACTION = 0.1
TEST_FRACTION = 0.05


def with_splits(blend: BlendFile, **keys) -> BlendFile:
    keys = {"valid_fraction": VALID_FRACTION, "test_fraction": TEST_FRACTION, **keys}
    return BlendFile.model_validate({**blend.model_dump(), **keys})
