"""The WARC reader fuzzed for a few seconds on damaged fixture files (tests/support/warc_fuzz.py
defines the damage and the promises checked; benchmarks/warc_fuzz.py runs it for longer)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.support import warc_fuzz
from tests.support.warc_fuzz import CC_WARC, Case, check, fuzz, sample

SECONDS = 4.0
KINDS = {
    "none",
    "flips",
    "zeroed",
    "zeroed tail",
    "truncated",
    "junk before",
    "junk after",
    "junk between",
    "length too long",
    "length too short",
    "header-only record",
    "HTTP head over 64 KiB",
    "other compression",
}


def test_damaged_files_keep_every_promise(fixtures):
    results = fuzz(fixtures, seed=20261206, cases=2000, seconds=SECONDS)
    assert dict(results.failures) == {}, results.examples
    assert set(results.cases) >= KINDS - {"zeroed"}  # zeroed: sometimes all tails
    assert sum(results.cases.values()) >= 100
    # Changes no check can see happen in plain files and multi-record members only.
    assert set(results.unseeable) <= {"flips", "zeroed", "length too short"}


def test_the_checks_catch_a_changed_or_lost_record(fixtures, monkeypatch):
    s = sample(CC_WARC, (fixtures / "warc" / CC_WARC).read_bytes())
    untouched = Case("none", s.data, [])
    assert check(s, untouched)[0] == []
    real_read = warc_fuzz.read

    def changed(data, name):
        items = real_read(data, name)
        items[2] = dataclasses.replace(items[2], body=items[2].body[:-1])
        return items

    monkeypatch.setattr(warc_fuzz, "read", changed)
    problems, _ = check(s, untouched)
    assert [p.split(":")[0] for p in problems] == ["not as if whole", "whole"]

    monkeypatch.setattr(warc_fuzz, "read", lambda data, name: real_read(data, name)[:5])
    problems, _ = check(s, untouched)
    assert {p.split(":")[0] for p in problems} == {"whole", "accounted"}
    assert len(problems) == 2 * (len(s.records) - 5)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_same_seed_gives_the_same_cases(fixtures, seed):
    first = fuzz(fixtures, seed=seed, cases=60, seconds=60)
    again = fuzz(fixtures, seed=seed, cases=60, seconds=60)
    assert first.cases == again.cases and first.records == again.records
