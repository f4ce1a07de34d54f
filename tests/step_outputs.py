"""Reading a step's files in tests: its statistics and dead letters, in its side directory."""

from __future__ import annotations

import json
from pathlib import Path

from corpus.io.reading import read_dead_letters
from corpus.layout import STATS_FILE, side_directory


def side(step: Path) -> Path:
    """`out/web/filter` -> `out/web/filter.meta`."""
    return Path(side_directory(str(step)))


def stats_of(step: Path) -> dict:
    return json.loads((side(step) / STATS_FILE).read_text())


def dead_letters_of(step: Path) -> list[dict]:
    return read_dead_letters(str(step))
