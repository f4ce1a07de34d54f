"""The closing summary: each step's line, and the warnings and failures of a run: sources
that end empty, blend shortfalls, dead letters, steps whose counts do not add up."""

from __future__ import annotations

import json

from corpus.config import validate
from corpus.report.summary import EMPTY_FAILURE, SHORTFALL_FAILURE, step_summary, summarise


def stats(read: int, kept: int, drops: dict | None = None, dead: dict | None = None) -> dict:
    summary = {"records_read": read, "outcome": {"kept": kept, **(drops or {})}}
    if dead:
        summary["dead_lettered"] = dead
    return summary


def two_sources(output, **changes) -> dict:
    return {
        "output": str(output),
        "sources": {
            "web": {"inputs": ["a.warc.gz"], "stages": ["extract", "filter", "tokenize"]},
            "wiki": {"inputs": ["w.jsonl"], "reader": "jsonl", "stages": ["tokenize"]},
        },
        "blend": {"total_tokens": 100, "sources": [{"name": "web", "tokens": 40},
                                                  {"name": "wiki", "tokens": 60}]},
        **changes,
    }  # fmt: skip


def write_blend_report(output, shortfall: int) -> None:
    rows = [
        {"name": "web", "shortfall_tokens": 0},
        {"name": "wiki", "shortfall_tokens": shortfall},
    ]
    warnings = [f"source wiki: its target of 60 tokens ... {shortfall} short"] if shortfall else []
    (output / "blend.meta").mkdir(parents=True)
    report = {"sources": rows, "warnings": warnings}
    (output / "blend.meta" / "blend_report.json").write_text(json.dumps(report))


def test_a_step_line_names_its_largest_drops():
    line = step_summary(
        stats(19, 15, {"HiraganaRatio(low=0.1)": 2, "DocLength(low=50)": 1, "url": 0})
    )
    assert line == "19 records read, 15 kept; dropped: HiraganaRatio 2, DocLength 1"
    many = stats(10, 0, {"a": 1, "b": 4, "c": 3, "d": 2}, dead={"corrupt_gzip": 0})
    assert step_summary(many) == "10 records read, 0 kept; dropped: b 4, c 3, d 2 and 1 more"


def test_a_run_that_went_well_has_no_warnings(tmp_path):
    write_blend_report(tmp_path, shortfall=0)
    steps = {
        "web/extract": stats(82, 19, {"not_response": 63}),
        "web/filter": stats(19, 15, {"DocLength(low=50)": 4}),
        "wiki/read": stats(8, 8),
        "web/tokenize": stats(15, 15),
        "wiki/tokenize": stats(8, 8),
        "blend": stats(23, 14, {"not_selected": 9}),
    }
    summary = summarise(validate(two_sources(tmp_path)), steps, with_report=True, log="x.log")
    assert summary.warnings == [] and summary.exit_status == 0
    assert summary.lines() == [
        "Summary:",
        "  web/extract: 82 records read, 19 kept; dropped: not_response 63",
        "  web/filter: 19 records read, 15 kept; dropped: DocLength 4",
        "  wiki/read: 8 records read, 8 kept",
        "  web/tokenize: 15 records read, 15 kept",
        "  wiki/tokenize: 8 records read, 8 kept",
        "  blend: 23 records read, 14 kept; dropped: not_selected 9",
        "Log: x.log",
        "No warnings.",
    ]


def test_an_empty_source_and_a_shortfall_fail_unless_accepted(tmp_path):
    write_blend_report(tmp_path, shortfall=60)
    steps = {
        "web/extract": stats(82, 19, {"not_response": 63}),
        "web/filter": stats(19, 15, {"DocLength(low=50)": 4}),
        "wiki/read": stats(3, 0, {"empty": 3}),
        "web/tokenize": stats(15, 15),
        "blend": stats(15, 6, {"not_selected": 9}),
    }
    summary = summarise(validate(two_sources(tmp_path)), steps, with_report=False)
    assert summary.warnings == [
        "wiki: no document left after wiki/read (3 records read, 0 kept; dropped: empty 3); "
        "the steps after it did not run",
        "blend: source wiki: its target of 60 tokens ... 60 short",
    ]
    assert summary.failures == [EMPTY_FAILURE, SHORTFALL_FAILURE]
    assert summary.exit_status == 1
    assert summary.lines()[-2:] == [f"corpus: failed: {EMPTY_FAILURE}",
                                    f"corpus: failed: {SHORTFALL_FAILURE}"]  # fmt: skip
    accepting = two_sources(tmp_path, allow_empty_sources=True, blend_shortfall="warn")
    accepted = summarise(validate(accepting), steps, with_report=False)
    assert accepted.warnings == summary.warnings
    assert accepted.failures == [] and accepted.exit_status == 0


def test_dead_letters_unbalanced_steps_and_the_reports_checks(tmp_path):
    config = validate({"inputs": ["a.warc.gz"], "output": str(tmp_path)})
    steps = {
        "extract": stats(10, 5, {"non_html": 2}, dead={"corrupt_gzip": 3}),
        "filter": stats(5, 3, {"DocLength(low=50)": 1}),
    }
    summary = summarise(config, steps, with_report=True, notes=["no Japanese font"])
    assert summary.warnings == [
        "extract: 3 records dead-lettered (corrupt_gzip 3), kept in extract.meta/dead_letters/",
        "filter: 5 records read but 4 kept, dropped or dead-lettered",
        "no Japanese font",
    ]
    assert summary.exit_status == 0
    # With a report, its funnel checks speak for the counts.
    check = {"name": "filter: records read = kept + dropped + dead-lettered", "expected": 5,
             "actual": 4, "ok": False}  # fmt: skip
    report = {"funnel": {"checks": [check, {**check, "name": "fine", "ok": True}]}}
    (tmp_path / "report.json").write_text(json.dumps(report))
    summary = summarise(config, steps, with_report=True)
    assert summary.report == f"{tmp_path}/report.html"
    assert summary.warnings[1:] == [
        "filter: records read = kept + dropped + dead-lettered: expected 5, found 4"
    ]
