"""The closing summary of `corpus run` and the stage commands: what each step read and
kept, where the report and the log are, and what needs a look: sources that ended with
no document, blend targets not met, dead letters, steps whose counts do not add up.

A source that ends empty, or a blend target not met, fails the command (exit status 1)
unless the config accepts it (`allow_empty_sources`, `blend_shortfall: warn`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from apache_beam.io.filesystems import FileSystems

from corpus.accounting import DEAD_LETTERED, KEPT, OUTCOME, RECORDS_READ, accounted
from corpus.blend.outputs import REPORT_JSON as BLEND_REPORT_JSON
from corpus.config import RunConfig
from corpus.io.reading import read_json
from corpus.layout import BLEND_DIR, DEAD_LETTERS_DIR, REPORT_HTML, REPORT_JSON, side_path
from corpus.report.progress import stage_text

SHOWN_DROPS = 3
"""Drop reasons a step's summary line names, the largest first."""
EMPTY_FAILURE = "a source ended with no document (`allow_empty_sources: true` accepts that)"
SHORTFALL_FAILURE = "the blend falls short of its target (`blend_shortfall: warn` accepts that)"


@dataclass
class Summary:
    steps: dict[str, dict]
    """Each step's statistics (`stats.json`) by name, in the order they ran."""
    report: str | None = None
    log: str | None = None
    warnings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    """Why the command fails, if it does."""

    @property
    def exit_status(self) -> int:
        return 1 if self.failures else 0

    def lines(self) -> list[str]:
        lines = ["Summary:"]
        lines += [f"  {name}: {step_summary(stats)}" for name, stats in self.steps.items()]
        if self.report:
            lines.append(f"Report: {self.report}")
        if self.log:
            lines.append(f"Log: {self.log}")
        if self.warnings:
            lines.append("Warnings:")
            lines += [f"  - {warning}" for warning in self.warnings]
        else:
            lines.append("No warnings.")
        lines += [f"corpus: failed: {failure}" for failure in self.failures]
        return lines


def _reason(name: str) -> str:
    """A drop reason without its parameters: `DocLength(low=50)` -> `DocLength`."""
    return re.sub(r"\(.*\)$", "", name)


def step_summary(stats: dict) -> str:
    """`19 records read, 15 kept; dropped: HiraganaRatio 2, DocLength 1`."""
    drops = sorted(
        ((count, _reason(name)) for name, count in stats.get(OUTCOME, {}).items() if name != KEPT),
        key=lambda drop: (-drop[0], drop[1]),
    )
    drops = [(count, name) for count, name in drops if count]
    text = stage_text(stats)
    if drops:
        named = ", ".join(f"{name} {count:,}" for count, name in drops[:SHOWN_DROPS])
        more = f" and {len(drops) - SHOWN_DROPS} more" if len(drops) > SHOWN_DROPS else ""
        text += f"; dropped: {named}{more}"
    return text


def source_steps(config: RunConfig, steps: dict[str, dict]) -> dict[str, list[str]]:
    """The steps of each source, in order, by a name for the source: its own with
    `sources`, `inputs` for the single-source form or a stage command."""
    if config.sources is None:
        return {"inputs": [name for name in steps if name != BLEND_DIR]}
    return {
        source: [name for name in steps if name.startswith(source + "/")]
        for source in config.sources
    }


def empty_sources(config: RunConfig, steps: dict[str, dict]) -> list[str]:
    """A warning for each source whose last step kept nothing (the later ones then had no
    input and did not run)."""
    warnings = []
    for source, names in source_steps(config, steps).items():
        if not names:
            continue
        last = steps[names[-1]]
        if last.get(OUTCOME, {}).get(KEPT, 0) == 0:
            warnings.append(
                f"{source}: no document left after {names[-1]} "
                f"({step_summary(last)}); the steps after it did not run"
            )
    return warnings


def dead_letters(steps: dict[str, dict]) -> list[str]:
    warnings = []
    for name, stats in steps.items():
        letters = {reason: n for reason, n in stats.get(DEAD_LETTERED, {}).items() if n}
        if letters:
            reasons = ", ".join(f"{reason} {n:,}" for reason, n in sorted(letters.items()))
            warnings.append(
                f"{name}: {sum(letters.values()):,} records dead-lettered ({reasons}), "
                f"kept in {side_path(name, DEAD_LETTERS_DIR)}/"
            )
    return warnings


def unbalanced(steps: dict[str, dict]) -> list[str]:
    """A warning for each step whose records read are not kept + dropped + dead-lettered."""
    return [
        f"{name}: {stats.get(RECORDS_READ, 0):,} records read but {accounted(stats):,} "
        "kept, dropped or dead-lettered"
        for name, stats in steps.items()
        if stats.get(RECORDS_READ, 0) != accounted(stats)
    ]


def _read_json(path: str) -> dict | None:
    return read_json(path) if FileSystems.exists(path) else None


def failed_checks(report: dict) -> list[str]:
    """The report's funnel checks that fail (the balance of each step among them)."""
    return [
        f"{check['name']}: expected {check['expected']:,}, found {check['actual']:,}"
        for check in report.get("funnel", {}).get("checks", [])
        if not check["ok"]
    ]


def blend_shortfalls(blend_report: dict) -> tuple[list[str], bool]:
    """The blend report's warnings, and whether some source falls short of its target."""
    short = any(row["shortfall_tokens"] > 0 for row in blend_report.get("sources", []))
    return [f"blend: {warning}" for warning in blend_report.get("warnings", [])], short


def summarise(
    config: RunConfig,
    steps: dict[str, dict],
    with_report: bool,
    log: str | None = None,
    notes: Sequence[str] = (),
) -> Summary:
    """The summary of a command that ran `steps` into `config.output`, where the blend
    report is read, and the run's report `with_report`. `notes`: other warnings to show
    (the project's Python warnings)."""
    summary = Summary(steps, log=log)
    empty = empty_sources(config, steps)
    summary.warnings += empty
    if empty and not config.allow_empty_sources:
        summary.failures.append(EMPTY_FAILURE)
    if BLEND_DIR in steps:
        blend_report = _read_json(
            side_path(posixpath.join(config.output, BLEND_DIR), BLEND_REPORT_JSON)
        )
        warnings, short = blend_shortfalls(blend_report or {})
        summary.warnings += warnings
        if short and config.blend_shortfall == "fail":
            summary.failures.append(SHORTFALL_FAILURE)
    summary.warnings += dead_letters(steps)
    report = _read_json(posixpath.join(config.output, REPORT_JSON)) if with_report else None
    if report is None:
        summary.warnings += unbalanced(steps)
    else:
        summary.report = posixpath.join(config.output, REPORT_HTML)
        summary.warnings += failed_checks(report)
    summary.warnings += [note for note in notes if note not in summary.warnings]
    return summary
