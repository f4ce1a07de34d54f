"""The report's safety section: masked items per type from a real filter run, blocked pages
per list and contaminated documents per evaluation set from the stages' stats.json, and
the sentence shown when no safety step ran."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from corpus.cli import main
from corpus.layout import RUN_FILE, STATS_FILE
from corpus.report.collect import collect
from corpus.report.html import render_html
from corpus.report.markdown import render_markdown
from corpus.report.run_outputs import StageOutput
from corpus.report.safety import safety
from corpus.report.tables import NO_SAFETY
from corpus.report.write import SCHEMA_PATH
from corpus.schema import Document, Paragraph
from tests.support.dedup import write_input
from tests.support.livedoor import livedoor_articles
from tests.support.paths import FIXTURES, require_shared

EXTRACT = {
    "records_read": 10,
    "outcome": {"kept": 7, "blocked": 3},
    "blocked": {"adult": 2, "gambling": 1},
}
FILTER = {
    "records_read": 7,
    "outcome": {"kept": 3, "UrlBlocklist(list=adult)": 1, "Decontaminate(eval=jcqa)": 3},
    "filters": [
        {"filter": "MaskPII()", "masked": {"email": 2, "ip": 0, "phone": 5}},
        {"filter": "UrlBlocklist(list=adult)", "paragraphs_removed": 0},
        {"filter": "UrlBlocklist(list=news)", "paragraphs_removed": 0},
        {"filter": "Decontaminate(eval=jcqa)", "paragraphs_removed": 4},
        {"filter": "DocLength(low=50)", "paragraphs_removed": 0},
    ],
}
CONFIG = {
    "extract": {"blocklists": [{"name": n, "path": "x"} for n in ("adult", "gambling", "phish")]}
}


def stage(name: str, stats: dict) -> StageOutput:
    return StageOutput("", name, f"/run/{name}", stats)


def test_counts_per_type_list_and_evaluation_set() -> None:
    section = safety([stage("extract", EXTRACT), stage("filter", FILTER)], CONFIG)
    assert section == {
        "configured": True,
        "masked": [
            {"stage": "filter", "type": "email", "count": 2},
            {"stage": "filter", "type": "ip", "count": 0},
            {"stage": "filter", "type": "phone", "count": 5},
        ],
        "blocked": [
            {"stage": "extract", "list": "adult", "pages": 2},
            {"stage": "extract", "list": "gambling", "pages": 1},
            {"stage": "extract", "list": "phish", "pages": 0},
            {"stage": "filter", "list": "adult", "pages": 1},
            {"stage": "filter", "list": "news", "pages": 0},
        ],
        "contaminated": [{"stage": "filter", "eval": "jcqa", "documents": 3, "paragraphs": 4}],
    }


def test_a_configured_step_that_found_nothing_is_configured() -> None:
    nothing = {"outcome": {"kept": 7}, "filters": [{"filter": "MaskPII()"}]}
    assert safety([stage("filter", nothing)], None)["configured"] is True
    blocklist_only = safety([stage("extract", {"outcome": {"kept": 1}})], CONFIG)
    assert blocklist_only["blocked"][2] == {"stage": "extract", "list": "phish", "pages": 0}


def test_no_safety_step() -> None:
    plain = {"outcome": {"kept": 7, "DocLength(low=50)": 1}, "filters": [FILTER["filters"][-1]]}
    section = safety([stage("extract", {"outcome": {"kept": 8}}), stage("filter", plain)], {})
    assert section == {"configured": False, "masked": [], "blocked": [], "contaminated": []}


def write_stats(run: Path, name: str, stats: dict) -> None:
    (run / f"{name}.meta").mkdir(parents=True)
    (run / f"{name}.meta" / STATS_FILE).write_text(json.dumps(stats))


def validated(report: dict) -> dict:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(report, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    return report


def test_report_shows_the_section_or_says_none_ran(tmp_path: Path) -> None:
    run = tmp_path / "run"
    write_stats(run, "extract", EXTRACT)
    write_stats(run, "filter", FILTER | {"filters": []})
    (run / RUN_FILE).write_text(json.dumps({"command": "run", "config": CONFIG}))
    report = validated(collect(str(run)))
    markdown = render_markdown(report)
    assert "| blocked pages | extract | phish | 0 |" in markdown
    assert "| contaminated documents | filter | jcqa | 3 |" in markdown
    assert "<td>contaminated paragraphs</td><td>filter</td><td>jcqa</td>" in render_html(report)

    plain = tmp_path / "plain"
    write_stats(plain, "filter", {"records_read": 1, "outcome": {"kept": 1}, "filters": []})
    report = validated(collect(str(plain)))
    assert report["safety"]["configured"] is False
    assert f"## Safety\n\n{NO_SAFETY}\n" in render_markdown(report)
    assert NO_SAFETY in render_html(report)


@pytest.mark.slow
def test_report_of_a_real_masking_run(tmp_path: Path) -> None:
    articles = livedoor_articles(require_shared(FIXTURES))
    names = ["peachy-6903604", "it-life-hack-6703212", "movie-enter-5910270"]
    documents = [Document(id=n, paragraphs=[Paragraph(p) for p in articles[n]]) for n in names]
    documents[2].paragraphs.append(Paragraph("取材: press@example.jp"))
    path = write_input(documents, tmp_path / "in" / "documents.parquet")
    config = tmp_path / "stage.yaml"
    config.write_text(yaml.safe_dump({"filter": {"chain": [{"filter": "MaskPII"}]}}))
    out = tmp_path / "out"
    args = ["filter", path, "--output", str(out), "--config", str(config)]
    assert main([*args, "--direct_num_workers=1"]) == 0
    report = validated(collect(str(out)))
    assert report["safety"]["masked"] == [
        {"stage": "filter", "type": "email", "count": 1},
        {"stage": "filter", "type": "ip", "count": 0},
        {"stage": "filter", "type": "phone", "count": 6},
    ]
    assert "| masked | filter | phone | 6 |" in render_markdown(report)
