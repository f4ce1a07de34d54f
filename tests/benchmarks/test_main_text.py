"""benchmarks/main_text.py end to end on five gold pages (two Shift_JIS yomiuri pages with
selector gold, NHK's snippet page, the English bbc-1 and the Japanese hukumusume
readability pages): the gold loads, the four `corpus run`s go through, the out-of-fold
MainText models are trained (the four gold-text pages fall in three folds, NHK's in one of
them), and the tables add up. Values that depend on the filter
rules are not asserted: the rules are what the benchmark is for."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

SCRIPT = ROOT / "benchmarks" / "main_text.py"
PAGES = ["yomiuri", "nhk.or.jp", "bbc-1", "hukumusume"]
SYSTEMS = 6


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
    assert "gold pages: 5 (readability 2, snacktory 2, trafilatura-eval 1)" in output
    assert "All gold pages: 4 with gold text (bigram scores), 1 with snippets only" in output
    assert "Japanese gold pages only: 4, 3 with gold text and 1 with snippets" in output
    assert "the Japanese-only rules HiraganaRatio" in output
    assert re.search(r"^commit: [0-9a-f]{7,}", output, re.MULTILINE)
    assert re.search(r"^machine: \d+ cores", output, re.MULTILINE)
    assert re.search(r"^wall time: \d+ s", output, re.MULTILINE)


@pytest.mark.slow
def test_every_system_is_scored_on_every_page(output: str) -> None:
    everything, japanese = tables(output)
    assert len(everything) == len(japanese) == SYSTEMS
    assert "out-of-fold MainText" in next(iter(everything))
    folds = re.findall(r"^  fold (\d): (\d+) pages, penalty [0-9.e-]+, cut 0\.\d+$", output, re.M)
    assert [fold for fold, _ in folds] == ["2", "3", "4"]
    assert sum(int(count) for _, count in folds) == 5
    # Extraction keeps every paragraph of all four gold-text pages (the English one too:
    # every language label is kept for it), so all of the gold and none lost.
    extract_only = next(cells for system, cells in everything.items() if "extract only" in system)
    assert extract_only[1] == "1.000"
    assert extract_only[3] == "0 of 4"
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
    default = next(cells for system, cells in everything.items() if "shipped" in system)
    in_table = int(default[3].split(" of ")[0]) + int(default[6].split(" of ")[0])
    reported = re.search(r"^default pipeline, shipped .*: (\d+) of 5 pages lost", output, re.M)
    assert reported is not None and int(reported.group(1)) == in_table
    by_rule = output.split(reported.group(0), 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert sum(int(line.split()[0]) for line in by_rule) == in_table
