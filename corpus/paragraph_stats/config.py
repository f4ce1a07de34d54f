"""The `paragraph_stats` section of the run's configuration."""

from __future__ import annotations

from pydantic import Field

from corpus.config_section import Section


class ParagraphStatsConfig(Section):
    """Uzushio's paragraph statistics: every paragraph's exact and near-duplicate frequency
    across the corpus, attached to the documents for the filter stage."""

    previous: list[str] = []  # noqa: RUF012  (a pydantic field: copied per model)
    """Statistics files of earlier runs (globs of their
    `paragraph_stats.meta/paragraphs/*.parquet`) to merge with this run's: frequencies add
    up and near-duplicate groups are formed over all of them, as one run over every dump
    would."""
    rows_per_shard: int = Field(1_000_000, ge=1)
    """The statistics Parquet files are sized to hold about this many paragraphs each."""
