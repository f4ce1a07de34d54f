"""Writes a run's report: `report.json`, `report.html` and `report.md`, each atomically."""

from __future__ import annotations

import json
from pathlib import Path

from corpus.atomic_files import write_text
from corpus.layout import REPORT_HTML, REPORT_JSON, REPORT_MARKDOWN
from corpus.report.collect import collect
from corpus.report.html import render_html
from corpus.report.markdown import render_markdown

SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


def write_report(run_directory: str, output_directory: str | None = None) -> dict:
    """Reports on the run in `run_directory`, written to `output_directory` (the run's own
    directory by default); returns the report's numbers (`report.json`)."""
    report = collect(run_directory)
    directory = output_directory or run_directory
    write_text(
        f"{directory.rstrip('/')}/{REPORT_JSON}",
        json.dumps(report, indent=2, ensure_ascii=False) + "\n",
    )
    write_text(f"{directory.rstrip('/')}/{REPORT_HTML}", render_html(report))
    write_text(f"{directory.rstrip('/')}/{REPORT_MARKDOWN}", render_markdown(report))
    return report
