"""The report's tables as header and rows, shared by the HTML and the Markdown renderings."""

from __future__ import annotations

SOURCES_HEADER = ["Source", "Documents", "Characters", "Tokens", "Target share", "Achieved share"]


def source_rows(report: dict) -> list[list[object]]:
    return [
        [
            s["name"],
            s["documents"],
            s["characters"],
            s["tokens"],
            s["target_share"],
            s["achieved_share"],
        ]
        for s in report["sources"]
    ]
