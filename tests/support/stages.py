"""Running one stage on its own into a directory: the pipeline a run's step runs, without
the step's completion mark (`_SUCCESS`, which holds wall times)."""

from __future__ import annotations

from corpus.config import RunConfig
from corpus.pipelines.run import STAGES, read_stats, run_pipeline
from corpus.pipelines.stage import RunStage


def run_stage_into(
    stage: str, inputs: list[str], directory: str, config: RunConfig, beam_args: list[str]
) -> dict:
    """The stage named `stage` (`corpus.pipelines.run.STAGES`) on `inputs` into `directory`;
    returns its `stats.json`."""
    built = STAGES[stage](inputs, config, directory)
    run_pipeline(inputs, directory, beam_args, lambda pipeline: pipeline | RunStage(built))
    return read_stats(directory)
