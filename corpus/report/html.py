"""`report.html`: one self-contained page (inline style, plots as base64 PNG data URIs, no
script and nothing fetched), every text from the run HTML-escaped."""

from __future__ import annotations

import base64
import json
from html import escape

from corpus.report.plots import report_plots
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
    similarity_label,
    similarity_rows,
    source_rows,
    step_rows,
)

STYLE = """
body { font-family: "Noto Sans CJK JP", "Noto Sans JP", sans-serif; margin: 2em auto;
       max-width: 70em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.bad { background: #fdd; } .ok { color: #060; }
figure { display: inline-block; margin: 0.5em; }
blockquote { margin: 0.3em 0 0.8em 1em; color: #333; }
pre { background: #f6f6f6; padding: 0.5em; overflow-x: auto; }
"""


def _number(value: int | float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2%}"
    return f"{value:,}"


def _table(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = [
            f'<td class="n">{_number(c)}</td>'
            if isinstance(c, int | float) or c is None
            else f"<td>{escape(str(c))}</td>"
            for c in row
        ]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _filters(report: dict) -> str:
    return "".join(
        f"<h3>Filters of {escape(step['step'])}</h3>{_table(FILTERS_HEADER, filter_rows(step))}"
        for step in filter_steps(report)
    )


def _funnel(funnel: dict) -> str:
    rows = []
    for stage in funnel["stages"]:
        rows.append(
            [
                stage["label"],
                stage["records_read"],
                stage["kept"],
                stage["documents"],
                stage["characters"],
                stage["tokens"],
            ]
        )
        rows += [
            [f"  dropped: {d['reason']}", None, d["count"], None, None, None]
            for d in stage["drops"]
        ]
        rows += [
            [f"  dead-lettered: {d['reason']}", None, d["count"], None, None, None]
            for d in stage["dead_lettered"]
        ]
    table = _table(["Stage", "Read", "Kept", "Rows written", "Characters", "Tokens"], rows)
    failed = [c for c in funnel["checks"] if not c["ok"]]
    if failed:
        items = "".join(
            f"<li>{escape(c['name'])}: expected {c['expected']:,}, found {c['actual']:,}</li>"
            for c in failed
        )
        verdict = f'<div class="bad"><b>The counts do not add up:</b><ul>{items}</ul></div>'
    else:
        verdict = f'<p class="ok">All {len(funnel["checks"])} count checks agree.</p>'
    return table + verdict


def _sources(report: dict) -> str:
    return _table(SOURCES_HEADER, source_rows(report))


def _blend(blend: dict | None) -> str:
    if not blend:
        return ""
    rows = [
        [
            s["name"],
            s["target_tokens"],
            s["target_share"],
            s["achieved_tokens"],
            s["achieved_share"],
            s["shortfall_tokens"],
        ]
        for s in blend["sources"]
    ]
    header = [
        "Source",
        "Target tokens",
        "Target share",
        "Achieved tokens",
        "Achieved share",
        "Shortfall",
    ]
    warnings = "".join(f"<li>{escape(w)}</li>" for w in blend.get("warnings", []))
    return (
        "<h3>Blend: target vs achieved</h3>"
        + _table(header, rows)
        + (f"<ul>{warnings}</ul>" if warnings else "")
    )


def _web(web: dict) -> str:
    parts = []
    for key, title in (
        ("hosts", "Top hosts"),
        ("top_level_domains", "Top-level domains"),
        ("charsets", "Charsets"),
    ):
        top = web[key]
        rows = [[row["name"], row["count"]] for row in top["top"]]
        note = f" (counts may be low by up to {top['undercount']:,})" if top["undercount"] else ""
        parts.append(f"<h3>{title}{note}</h3>" + _table(["Name", "Documents"], rows))
    parts.append(
        "<h3>Dates (year)</h3>"
        + _table(["Year", "Documents"], [[r["name"], r["count"]] for r in web["years"]])
    )
    parts.append(
        "<h3>Common Crawl dumps</h3>"
        + (
            _table(["Dump", "Documents"], [[r["name"], r["count"]] for r in web["dumps"]])
            if web["dumps"]
            else "<p>None (no source names a dump).</p>"
        )
    )
    return "".join(parts)


def _document(document: dict) -> str:
    url = document["url"] or ""
    return (
        f'<li><a href="{escape(url)}">{escape(url or document["id"])}</a> '
        f"({document['characters']:,} characters, {escape(document['source'])})"
        f'<blockquote lang="ja">{escape(document["excerpt"])}</blockquote></li>'
    )


def _samples(samples: dict) -> str:
    parts = ["<h3>Kept</h3><ul>" + "".join(map(_document, samples["kept"])) + "</ul>"]
    for entry in samples["removed"]:
        parts.append(
            f"<h3>Removed by {escape(entry['reason'])} ({escape(entry['stage'])}, "
            f"{entry['removed']:,} documents)</h3>"
            "<ul>" + "".join(map(_document, entry["documents"])) + "</ul>"
        )
    return "".join(parts)


def _excerpt(doc_id: str, text: str | None) -> str:
    shown = escape(text) if text is not None else "<i>(not in the stage's input)</i>"
    return f'<td lang="ja"><b>{escape(doc_id)}</b><br>{shown}</td>'


def _safety(report: dict) -> str:
    if not report["safety"]["configured"]:
        return f"<p>{escape(NO_SAFETY)}</p>"
    return _table(SAFETY_HEADER, safety_rows(report))


def _duplicates(report: dict) -> str:
    """Removals per rule, the similarity bins, and each sampled removal beside its kept
    document."""
    entries = report["samples"]["duplicates"]
    if not entries:
        return ""
    header, rows = similarity_rows(report)
    parts = [_table(DUPLICATES_HEADER, duplicate_rows(report))]
    if rows:
        parts.append("<h3>Similarity of near-duplicate removals</h3>" + _table(header, rows))
    for entry in entries:
        pairs = "".join(
            f"<tr><td>{escape(pair['rule'])}</td>"
            f'<td class="n">{similarity_label(pair["similarity"])}</td>'
            f"{_excerpt(pair['kept_id'], pair['kept_excerpt'])}"
            f"{_excerpt(pair['removed_id'], pair['removed_excerpt'])}</tr>"
            for pair in entry["pairs"]
        )
        head = "<tr><th>Rule</th><th>Similarity</th><th>Kept</th><th>Removed</th></tr>"
        parts.append(
            f"<h3>Removed duplicates beside their kept documents ({escape(entry['stage'])})</h3>"
            f"<table>{head}{pairs}</table>"
        )
    return "".join(parts)


def _figures(report: dict) -> str:
    figures = []
    for caption, image in report_plots(report):
        data = base64.b64encode(image).decode("ascii")
        figures.append(
            f'<figure><img src="data:image/png;base64,{data}" alt="{escape(caption)}">'
            f"<figcaption>{escape(caption)}</figcaption></figure>"
        )
    return "".join(figures)


def _font_warning(report: dict) -> str:
    warning = report["plot_font"]["warning"]
    return f'<p class="bad"><b>Warning:</b> {escape(warning)}</p>' if warning else ""


def _provenance(report: dict) -> str:
    provenance = report["provenance"]
    parts = [_table(PROVENANCE_HEADER, provenance_rows(report))]
    for entry in provenance["filter_chains"]:
        source = f" of {escape(entry['source'])}" if entry["source"] else ""
        items = "".join(f"<li>{escape(filter_label(e))}</li>" for e in entry["chain"])
        parts.append(f"<h3>Filter chain{source}</h3><ol>{items}</ol>")
    parts.append("<h3>Packages</h3>" + _table(PACKAGES_HEADER, package_rows(report)))
    if provenance["config"] is not None:
        config = json.dumps(provenance["config"], indent=2, sort_keys=True, ensure_ascii=False)
        parts.append(
            f"<details><summary>Config (run.json)</summary><pre>{escape(config)}</pre></details>"
        )
    return "".join(parts)


def render_html(report: dict) -> str:
    top = "".join(
        f"<li>{escape(p['text'][:120])} <i>({p['count']:,}×)</i></li>"
        for p in report["top_paragraphs"]
    )
    not_recorded = ", ".join(report["not_recorded"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Corpus report: {escape(report["run_directory"])}</title>
<style>{STYLE}</style></head><body>
<h1>Corpus report: {escape(report["run_directory"])}</h1>{_font_warning(report)}
<h2>Funnel</h2>{_funnel(report["funnel"])}
<h2>Sources</h2>{_sources(report)}{_blend(report["blend"])}
<h2>Plots</h2>{_figures(report)}
<p>Not recorded by any stage, so not shown: {escape(not_recorded)}.</p>
<h2>Most frequent paragraphs</h2><ol lang="ja">{top}</ol>
<h2>Web</h2>{_web(report["web"])}
<h2>Samples</h2>{_samples(report["samples"])}
<h2>Duplicates</h2>{_duplicates(report) or "<p>No dedup stage wrote an audit table.</p>"}
<h2>Safety</h2>{_safety(report)}
<h2>Provenance</h2>{_provenance(report)}
<h2 id="wall-time">Wall time</h2>{_table(STEPS_HEADER, step_rows(report))}{_filters(report)}
</body></html>
"""
