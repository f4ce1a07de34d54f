"""Reading a run's files in tests: a step's statistics and dead letters in its side directory,
and the digests of every file an output holds."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from corpus.io.reading import read_dead_letters
from corpus.layout import (
    COMPLETE_FILE,
    LOGS_DIR,
    REPORT_HTML,
    REPORT_JSON,
    REPORT_MARKDOWN,
    STATS_FILE,
    side_directory,
)


def side(step: Path) -> Path:
    """`out/web/filter` -> `out/web/filter.meta`."""
    return Path(side_directory(str(step)))


def stats_of(step: Path) -> dict:
    return json.loads((side(step) / STATS_FILE).read_text())


def dead_letters_of(step: Path) -> list[dict]:
    return read_dead_letters(str(step))


WALL_TIME_SECTIONS = {REPORT_HTML: b'<h2 id="wall-time">', REPORT_MARKDOWN: b"## Wall time"}
"""Where the report's last section, the steps' wall times, starts."""


def without_wall_times(relative: str, data: bytes) -> bytes:
    """A file's bytes without the wall times a run records, which differ from run to run by
    nature: a step's `_SUCCESS` holds only them; the report shows them last."""
    if Path(relative).name == COMPLETE_FILE:
        return b""
    if relative == REPORT_JSON:
        report = json.loads(data)
        provenance = report["provenance"]
        provenance["steps"] = sorted(step["step"] for step in provenance["steps"])
        return json.dumps(report, sort_keys=True).encode()
    if relative in WALL_TIME_SECTIONS:
        return data.partition(WALL_TIME_SECTIONS[relative])[0]
    return data


def output_digests(directory: Path) -> dict[str, str]:
    """The sha256 of every file under `directory` (wall times left out, and the log of
    Beam's output, `logs/`), by its path there."""
    digests = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if path.is_file() and relative.split("/")[0] != LOGS_DIR:
            data = without_wall_times(relative, path.read_bytes())
            digests[relative] = hashlib.sha256(data).hexdigest()
    return digests


def differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """The paths missing from `actual`, extra in it, or with other bytes."""
    return sorted(
        path for path in expected.keys() | actual.keys() if expected.get(path) != actual.get(path)
    )
