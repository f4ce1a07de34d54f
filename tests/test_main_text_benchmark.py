"""benchmarks/main_text.py end to end on four gold pages (two Shift_JIS yomiuri pages with
selector gold, NHK's snippet page, the English bbc-1 readability page): the gold loads, the
four `corpus run`s go through, and the tables add up. Values that depend on the filter
rules are not asserted: the rules are what the benchmark is for."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "main_text.py"
PAGES = ["yomiuri", "nhk.or.jp", "bbc-1"]
SYSTEMS = 5


def tables(output: str) -> list[dict[str, list[str]]]:
    """Each printed score table: the cells of each system's row, by system."""
    found, rows = [], None
    for line in output.splitlines():
        if line.startswith("| system | precision"):
            rows = {}
            found.append(rows)
        elif rows is not None and line.startswith("| ") and not line.startswith("|---"):
            system, *cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows[system] = cells
        elif not line.startswith("|"):
            rows = None
    return found


@pytest.fixture(scope="module")
def output(fixtures: Path) -> str:
    command = [sys.executable, str(SCRIPT), "--fixtures", str(fixtures), "--only", *PAGES]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_gold_pages_and_groups_are_counted(output: str) -> None:
    assert "gold pages: 4 (readability 1, snacktory 2, trafilatura-eval 1)" in output
    assert "All gold pages: 3 with gold text (bigram scores), 1 with snippets only" in output
    assert "Japanese gold pages only: 3, 2 with gold text and 1 with snippets" in output
    assert "the Japanese-only rules HiraganaRatio" in output
    assert re.search(r"^commit: [0-9a-f]{7,}", output, re.MULTILINE)
    assert re.search(r"^machine: \d+ cores", output, re.MULTILINE)
    assert re.search(r"^wall time: \d+ s", output, re.MULTILINE)


@pytest.mark.slow
def test_every_system_is_scored_on_every_page(output: str) -> None:
    everything, train, test, japanese = tables(output)
    assert len(everything) == len(train) == len(test) == len(japanese) == SYSTEMS
    halves = re.findall(r"^(?:Train|Test) half \(gold_pages.split_of\): (\d+) pages", output, re.M)
    assert len(halves) == 2 and sum(int(n) for n in halves) == 4
    # Extraction keeps every paragraph of all three gold-text pages (the English one too:
    # every language label is kept for it), so all of the gold and none lost.
    extract_only = next(cells for system, cells in everything.items() if "extract only" in system)
    assert extract_only[1] == "1.000"
    assert extract_only[3] == "0 of 3"
    assert extract_only[6] == "0 of 1"
    # The NHK page is one of trafilatura's own evaluation pages: it finds every snippet.
    trafilatura = next(cells for system, cells in everything.items() if "alone" in system)
    assert trafilatura[4] == "1.000"
    for cells in everything.values():
        precision, recall, f1 = (float(c) for c in cells[:3])
        assert 0 <= precision <= 1 and 0 <= recall <= 1
        assert f1 <= max(precision, recall)


@pytest.mark.slow
def test_the_loss_report_counts_the_pages_the_table_counts_lost(output: str) -> None:
    everything, *_ = tables(output)
    default = next(cells for system, cells in everything.items() if "default" in system)
    in_table = int(default[3].split(" of ")[0]) + int(default[6].split(" of ")[0])
    reported = re.search(r"^default pipeline .*: (\d+) of 4 pages lost whole", output, re.M)
    assert reported is not None and int(reported.group(1)) == in_table
    by_rule = output.split(reported.group(0), 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert sum(int(line.split()[0]) for line in by_rule) == in_table
