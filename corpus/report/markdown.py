"""`report.md`: the report's tables as a Markdown summary (no plots, no samples; of the
dedup audit, the removals per rule and their similarity bins)."""

from __future__ import annotations

from corpus.report.tables import (
    DUPLICATES_HEADER,
    FILTERS_HEADER,
    NO_SAFETY,
    PACKAGES_HEADER,
    PROVENANCE_HEADER,
    SAFETY_HEADER,
    SOURCES_HEADER,
    STEPS_HEADER,
    duplicate_rows,
    filter_label,
    filter_rows,
    filter_steps,
    package_rows,
    provenance_rows,
    safety_rows,
    similarity_rows,
    source_rows,
    step_rows,
)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2%}"
    if isinstance(value, int):
        return f"{value:,}"
    return " ".join(str(value).split()).replace("|", "\\|")


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    align = ["---"] + ["---:"] * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def render_markdown(report: dict) -> str:
    funnel = report["funnel"]
    lines = [f"# Corpus report: {report['run_directory']}", ""]
    if report["plot_font"]["warning"]:
        lines += [f"> **Warning:** {report['plot_font']['warning']}", ""]
    lines += ["## Funnel", ""]
    rows = []
    for stage in funnel["stages"]:
        rows.append(
            [
                stage["label"],
                stage["records_read"],
                stage["kept"],
                stage["characters"],
                stage["tokens"],
            ]
        )
        rows += [
            [f"- dropped: {d['reason']}", None, d["count"], None, None] for d in stage["drops"]
        ]
        rows += [
            [f"- dead-lettered: {d['reason']}", None, d["count"], None, None]
            for d in stage["dead_lettered"]
        ]
    lines += _table(["Stage", "Read", "Kept", "Characters", "Tokens"], rows)
    failed = [c for c in funnel["checks"] if not c["ok"]]
    if failed:
        lines += ["**The counts do not add up:**", ""]
        lines += [
            f"- {c['name']}: expected {c['expected']:,}, found {c['actual']:,}" for c in failed
        ]
        lines.append("")
    else:
        lines += [f"All {len(funnel['checks'])} count checks agree.", ""]
    lines += ["## Sources", ""]
    lines += _table(SOURCES_HEADER, source_rows(report))
    if report["samples"]["duplicates"]:
        lines += ["## Duplicates removed", ""]
        lines += _table(DUPLICATES_HEADER, duplicate_rows(report))
        header, rows = similarity_rows(report)
        if rows:
            lines += ["Similarity of near-duplicate removals to their kept documents:", ""]
            lines += _table(header, rows)
    lines += ["## Safety", ""]
    if report["safety"]["configured"]:
        lines += _table(SAFETY_HEADER, safety_rows(report))
    else:
        lines += [NO_SAFETY, ""]
    web = report["web"]
    for key, title in (
        ("hosts", "Top hosts"),
        ("top_level_domains", "Top-level domains"),
        ("charsets", "Charsets"),
    ):
        lines += [f"## {title}", ""]
        lines += _table(
            ["Name", "Documents"], [[r["name"], r["count"]] for r in web[key]["top"][:10]]
        )
    lines += ["## Documents per year", ""]
    lines += _table(["Year", "Documents"], [[r["name"], r["count"]] for r in web["years"]])
    if web["dumps"]:
        lines += ["## Common Crawl dumps", ""]
        lines += _table(["Dump", "Documents"], [[r["name"], r["count"]] for r in web["dumps"]])
    lines += ["## Provenance", ""]
    lines += _table(PROVENANCE_HEADER, provenance_rows(report))
    for entry in report["provenance"]["filter_chains"]:
        source = f" of {entry['source']}" if entry["source"] else ""
        lines += [f"Filter chain{source}:", ""]
        lines += [f"{i}. `{filter_label(e)}`" for i, e in enumerate(entry["chain"], 1)]
        lines.append("")
    lines += ["Packages:", ""]
    lines += _table(PACKAGES_HEADER, package_rows(report))
    lines += ["## Wall time", ""]
    lines += _table(STEPS_HEADER, step_rows(report))
    for step in filter_steps(report):
        lines += [f"### Filters of {step['step']}", ""]
        lines += _table(FILTERS_HEADER, filter_rows(step))
    return "\n".join(lines).rstrip("\n") + "\n"
