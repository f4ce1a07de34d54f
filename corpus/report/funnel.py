"""The funnel: what each stage read, kept, dropped and dead-lettered by reason, and the
checks that the counts agree: within a stage's `stats.json` (read = kept + drops +
dead-lettered), with the files the stage wrote (documents, dead letters, removed
documents), and with the stage before it."""

from __future__ import annotations

from corpus.accounting import DEAD_LETTERED, KEPT, OUTCOME, RECORDS_READ, accounted
from corpus.report.run_outputs import StageOutput


def check(name: str, expected: int, actual: int) -> dict:
    return {"name": name, "expected": expected, "actual": actual, "ok": expected == actual}


def stage_row(
    stage: StageOutput,
    documents: dict[str, int],
    characters: dict[str, int],
    tokens: dict[str, int],
) -> dict:
    outcomes = stage.stats.get(OUTCOME, {})
    counters = {
        kind: values
        for kind, values in sorted(stage.stats.items())
        if kind not in (OUTCOME, DEAD_LETTERED, RECORDS_READ) and isinstance(values, dict)
    }
    return {
        "label": stage.label,
        "source_dir": stage.source_dir,
        "stage": stage.stage,
        "records_read": stage.stats.get(RECORDS_READ, 0),
        "kept": outcomes.get(KEPT, 0),
        "drops": [
            {"reason": reason, "count": count}
            for reason, count in sorted(outcomes.items())
            if reason != KEPT
        ],
        "dead_lettered": [
            {"reason": reason, "count": count}
            for reason, count in sorted(stage.stats.get(DEAD_LETTERED, {}).items())
        ],
        "counters": counters,
        "documents": documents.get(stage.label),
        "characters": characters.get(stage.label),
        "tokens": tokens.get(stage.label, stage.stats.get("tokens", {}).get("written")),
    }


def stage_checks(
    row: dict, previous: dict | None, stats: dict, shards: int | None, dead_letters: dict[str, int]
) -> list[dict]:
    """`shards`: the tokens in the stage's token shards, if it wrote any; `dead_letters`:
    the rows of its `dead_letters/` files by reason."""
    label = row["label"]
    checks = [
        check(
            f"{label}: records read = kept + dropped + dead-lettered",
            row["records_read"],
            accounted(stats),
        )
    ]
    counted = {entry["reason"]: entry["count"] for entry in row["dead_lettered"]}
    for reason in sorted(counted.keys() | dead_letters.keys()):
        checks.append(
            check(
                f"{label}: dead-lettered {reason} = rows in dead_letters/",
                counted.get(reason, 0),
                dead_letters.get(reason, 0),
            )
        )
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
    dead_letters: dict[str, dict[str, int]],
) -> dict:
    """`removed` holds, per stage and reason with debug output, the rows written there;
    `dead_letters`, per stage label, the rows of its dead letter files by reason."""
    rows = []
    checks = []
    previous: dict | None = None
    for stage in stages:
        row = stage_row(stage, documents, characters, tokens)
        same_source = previous is not None and previous["source_dir"] == stage.source_dir
        shards = tokens.get(stage.label)
        letters = dead_letters.get(stage.label, {})
        checks += stage_checks(row, previous if same_source else None, stage.stats, shards, letters)
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
