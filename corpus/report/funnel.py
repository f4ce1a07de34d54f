"""The funnel: what each stage read, kept and dropped by reason, and the checks that the
counts agree: within a stage's `stats.json`, with the files the stage wrote, and with the
stage before it."""

from __future__ import annotations

from corpus.report.run_outputs import StageOutput

KEPT = "kept"


def check(name: str, expected: int, actual: int) -> dict:
    return {"name": name, "expected": expected, "actual": actual, "ok": expected == actual}


def stage_row(
    stage: StageOutput,
    documents: dict[str, int],
    characters: dict[str, int],
    tokens: dict[str, int],
) -> dict:
    outcomes = stage.stats.get("outcome", {})
    counters = {
        kind: values
        for kind, values in sorted(stage.stats.items())
        if kind not in ("outcome", "records_read") and isinstance(values, dict)
    }
    return {
        "label": stage.label,
        "source_dir": stage.source_dir,
        "stage": stage.stage,
        "records_read": stage.stats.get("records_read", 0),
        "kept": outcomes.get(KEPT, 0),
        "drops": [
            {"reason": reason, "count": count}
            for reason, count in sorted(outcomes.items())
            if reason != KEPT
        ],
        "counters": counters,
        "documents": documents.get(stage.label),
        "characters": characters.get(stage.label),
        "tokens": tokens.get(stage.label, stage.stats.get("tokens", {}).get("written")),
    }


def stage_checks(row: dict, previous: dict | None, stats: dict, shards: int | None) -> list[dict]:
    """`shards`: the tokens in the stage's token shards, if it wrote any."""
    label = row["label"]
    dropped = sum(drop["count"] for drop in row["drops"])
    checks = [
        check(f"{label}: records read = kept + dropped", row["records_read"], row["kept"] + dropped)
    ]
    if row["documents"] is not None:
        checks.append(check(f"{label}: kept = rows written", row["kept"], row["documents"]))
    if previous is not None:
        checks.append(
            check(
                f"{label}: records read = {previous['label']} kept",
                previous["kept"],
                row["records_read"],
            )
        )
    written = stats.get("tokens", {}).get("written")
    if written is not None and shards is not None:
        checks.append(check(f"{label}: tokens counted = tokens in shards", written, shards))
    return checks


def funnel(
    stages: list[StageOutput],
    documents: dict[str, int],
    characters: dict[str, int],
    tokens: dict[str, int],
    removed: list[dict],
) -> dict:
    """`removed` holds, per stage and reason with debug output, the rows written there."""
    rows = []
    checks = []
    previous: dict | None = None
    for stage in stages:
        row = stage_row(stage, documents, characters, tokens)
        same_source = previous is not None and previous["source_dir"] == stage.source_dir
        shards = tokens.get(stage.label)
        checks += stage_checks(row, previous if same_source else None, stage.stats, shards)
        drops = {drop["reason"]: drop["count"] for drop in row["drops"]}
        for entry in removed:
            if entry["stage"] == stage.label:
                name = f"{stage.label}: {entry['reason']} = rows in removed/"
                checks.append(check(name, drops.get(entry["reason"], 0), entry["removed"]))
        rows.append(row)
        previous = row
    return {
        "stages": rows,
        "checks": checks,
        "consistent": all(c["ok"] for c in checks),
    }
