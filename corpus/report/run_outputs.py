"""The stage directories of a run, found by their `stats.json`, and the files in them.

A single-source run writes `OUTPUT/<stage>/`, a multi-source run `OUTPUT/<source>/<stage>/`
and `OUTPUT/blend/`; any step one or two levels down whose side directory holds a
`stats.json` is a stage. Stages are ordered as a run orders them (unknown names last, the
blend at the end).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import get_args

from corpus.config import RunConfig
from corpus.io.reading import dead_letter_files, matching, read_json
from corpus.layout import (
    BLEND_DIR,
    DOCUMENTS_PREFIX,
    DUPLICATES_DIR,
    DUPLICATES_PREFIX,
    PARAGRAPHS_DIR,
    PARAGRAPHS_PREFIX,
    READ_STAGE,
    REMOVED_DIR,
    SIDE_SUFFIX,
    STATS_FILE,
    TOKENS_DIR,
    TOKENS_PREFIX,
    side_path,
    step_of_side_directory,
)

RUN_ORDER: tuple[str, ...] = (
    READ_STAGE,
    *get_args(get_args(RunConfig.model_fields["stages"].annotation)[0]),
)


@dataclass(frozen=True)
class StageOutput:
    """One stage's directory: `source_dir` is "" in a single-source run."""

    source_dir: str
    stage: str
    path: str
    stats: dict

    @property
    def label(self) -> str:
        return posixpath.join(self.source_dir, self.stage) if self.source_dir else self.stage

    @property
    def document_files(self) -> list[str]:
        return matching(posixpath.join(self.path, f"{DOCUMENTS_PREFIX}-*.parquet"))

    @property
    def token_files(self) -> list[str]:
        return matching(side_path(self.path, TOKENS_DIR, f"{TOKENS_PREFIX}-*.parquet"))

    @property
    def paragraph_statistics_files(self) -> list[str]:
        return matching(side_path(self.path, PARAGRAPHS_DIR, f"{PARAGRAPHS_PREFIX}-*.parquet"))

    @property
    def dead_letter_files(self) -> list[str]:
        return dead_letter_files(self.path)

    @property
    def duplicate_files(self) -> list[str]:
        """The dedup stage's audit table: `dedup.meta/duplicates/duplicates-*.parquet`."""
        return matching(side_path(self.path, DUPLICATES_DIR, f"{DUPLICATES_PREFIX}-*.parquet"))

    @property
    def removed_files(self) -> list[str]:
        """Filter debug output: `filter.meta/removed/reason=<slug>/documents-*.parquet`."""
        return matching(side_path(self.path, REMOVED_DIR, "*", f"{DOCUMENTS_PREFIX}-*.parquet"))


def _order(stage: StageOutput) -> tuple:
    known = stage.stage in RUN_ORDER
    position = RUN_ORDER.index(stage.stage) if known else len(RUN_ORDER)
    return (stage.path.endswith(BLEND_DIR), stage.source_dir, position, stage.stage)


def find_stages(run_directory: str) -> list[StageOutput]:
    run_directory = run_directory.rstrip("/")
    found = matching(posixpath.join(run_directory, f"*{SIDE_SUFFIX}", STATS_FILE))
    found += matching(posixpath.join(run_directory, "*", f"*{SIDE_SUFFIX}", STATS_FILE))
    stages = []
    for stats_path in found:
        path = step_of_side_directory(posixpath.dirname(stats_path))
        relative = posixpath.relpath(path, run_directory)
        source_dir, stage = posixpath.split(relative)
        stages.append(StageOutput(source_dir, stage, path, read_json(stats_path)))
    return sorted(stages, key=_order)
