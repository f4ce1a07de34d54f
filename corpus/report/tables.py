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


PROVENANCE_HEADER = ["Item", "Value"]
PACKAGES_HEADER = ["Package", "Version"]
STEPS_HEADER = ["Step", "Started (UTC)", "Seconds"]


def provenance_rows(report: dict) -> list[list[object]]:
    """What made the corpus: the command, its inputs, the tokenizer, Python, the plot font."""
    provenance = report["provenance"]
    inputs = provenance["inputs"]
    rows: list[list[object]] = [
        ["Command", f"corpus {provenance['command'] or '(no run.json)'}"],
        ["Input files", inputs["files"]],
        ["Input bytes", inputs["bytes"]],
    ]
    tokenizer = provenance["tokenizer"]
    if tokenizer:
        rows += [
            ["Tokenizer", tokenizer["model"]],
            ["Tokenizer sha256", tokenizer["sha256"]],
            ["Tokenizer vocabulary", tokenizer["vocab_size"]],
        ]
    rows += [
        ["Python", provenance["python"]],
        ["Plot font", report["plot_font"]["family"] or "none (Japanese shows as boxes)"],
    ]
    return rows


def package_rows(report: dict) -> list[list[object]]:
    return [
        [name, version or "not installed"]
        for name, version in report["provenance"]["packages"].items()
    ]


def filter_label(entry: dict) -> str:
    """A chain entry as `Name(param=value,...)`, the way removal reasons name filters."""
    params = ",".join(f"{k}={v}" for k, v in sorted(entry.items()) if k != "filter")
    return f"{entry.get('filter')}({params})"


def step_rows(report: dict) -> list[list[object]]:
    """Each step's start and seconds, then their total."""
    steps = report["provenance"]["steps"]
    rows: list[list[object]] = [
        [s["step"], s["started"] or "-", "-" if s["seconds"] is None else f"{s['seconds']:.1f}"]
        for s in steps
    ]
    total = sum(s["seconds"] or 0 for s in steps)
    return [*rows, ["Total", "", f"{total:.1f}"]]


FILTERS_HEADER = [
    "Filter",
    "Documents in",
    "Removed",
    "Share removed",
    "Paragraphs removed",
    "Seconds",
    "Share of filter time",
]


def filter_steps(report: dict) -> list[dict]:
    """The steps that ran a filter chain, each with its `filters`."""
    return [s for s in report["provenance"]["steps"] if "filters" in s]


def filter_rows(step: dict) -> list[list[object]]:
    """A filter step's filters in chain order: documents handed to each and removed,
    paragraphs removed, and its seconds (summed over workers) with their share of the
    chain's."""
    filters = step["filters"]
    total = sum(f["seconds"] or 0 for f in filters)
    return [
        [
            f["filter"],
            f["documents_in"],
            f["documents_removed"],
            f["documents_removed"] / f["documents_in"] if f["documents_in"] else None,
            f["paragraphs_removed"],
            "-" if f["seconds"] is None else f"{f['seconds']:.6f}",
            f["seconds"] / total if f["seconds"] is not None and total else None,
        ]
        for f in filters
    ]


SAFETY_HEADER = ["Step", "Stage", "Of", "Count"]
NO_SAFETY = (
    "No safety step configured: no personal data masked (MaskPII), no URL blocklist, no "
    "decontamination against evaluation sets."
)


def safety_rows(report: dict) -> list[list[object]]:
    """Items masked per type, pages blocked per list, documents and paragraphs removed as
    contaminated per evaluation set, each per stage."""
    safety = report["safety"]
    rows: list[list[object]] = [
        ["masked", m["stage"], m["type"], m["count"]] for m in safety["masked"]
    ]
    rows += [["blocked pages", b["stage"], b["list"], b["pages"]] for b in safety["blocked"]]
    for c in safety["contaminated"]:
        rows += [
            ["contaminated documents", c["stage"], c["eval"], c["documents"]],
            ["contaminated paragraphs", c["stage"], c["eval"], c["paragraphs"]],
        ]
    return rows


DUPLICATES_HEADER = ["Dedup stage", "Rule", "Removed"]


def duplicate_rows(report: dict) -> list[list[object]]:
    """Each dedup stage's removals per rule (url, exact, near), from its audit table."""
    return [
        [entry["stage"], removed["reason"], removed["count"]]
        for entry in report["samples"]["duplicates"]
        for removed in entry["removed"]
    ]


def similarity_rows(report: dict) -> tuple[list[str], list[list[object]]]:
    """The near-duplicate removals' similarity histogram as a table: a column per dedup
    stage, a row per bin that holds a removal."""
    entry = report["histograms"]["removal_similarity"]
    series, edges = entry["series"], entry["edges"]
    header = ["Similarity", *(s["name"] for s in series)]
    rows: list[list[object]] = [
        [f"[{edges[i]:.2f}, {edges[i + 1]:.2f}{']' if i == len(edges) - 2 else ')'}"]
        + [s["counts"][i] for s in series]
        for i in range(len(edges) - 1)
        if any(s["counts"][i] for s in series)
    ]
    return header, rows


def similarity_label(similarity: float | None) -> str:
    return "-" if similarity is None else f"{similarity:.3f}"
