"""The one stage contract: every stage is a `Stage` built from run.py's table, returns a
`StageResult`, and every step it runs has the same side files: `stats.json`, whose counts
reconcile, and a `dead_letters/` table, empty when nothing was set aside."""

from __future__ import annotations

import json

import apache_beam as beam
import pyarrow.parquet as pq
import pytest

from corpus.accounting import accounted
from corpus.config import validate
from corpus.pipelines.dead_letters import DEAD_LETTER_SCHEMA
from corpus.pipelines.run import STAGES
from corpus.pipelines.runner import make_pipeline, run_to_end
from corpus.pipelines.stage import RunStage, Stage, StageResult
from tests.support.outputs import side
from tests.support.paths import ROOT
from tests.support.quickstart import QUICKSTART_STEPS

SAMPLE = ROOT / "corpus/sample/sample.warc.gz"
STAGE_STEPS = [step for step in QUICKSTART_STEPS if step != "tokenizer"]
"""Every quickstart step that runs a stage (the tokenizer is a model, not a stage)."""


def test_every_stage_of_the_table_is_a_stage_with_one_result_shape(tmp_path, unrun_pipeline):
    config = validate({"inputs": [str(SAMPLE)], "output": str(tmp_path)})
    pipeline = unrun_pipeline
    for name, build in STAGES.items():
        stage = build([str(SAMPLE)], config, str(tmp_path / name))
        assert isinstance(stage, Stage)
        assert stage.directory == str(tmp_path / name)
        result = pipeline | name >> stage
        assert isinstance(result, StageResult)
        assert all(isinstance(part, beam.PCollection) for part in result)
    assert sorted(STAGES) == ["dedup", "extract", "filter", "paragraph_stats", "tokenize"]


@pytest.mark.slow
@pytest.mark.parametrize("step", STAGE_STEPS)
def test_every_step_has_its_stats_and_its_dead_letters_table(quickstart_output, step):
    meta = side(quickstart_output / step)
    stats = json.loads((meta / "stats.json").read_text())
    letters = pq.read_table(meta / "dead_letters")
    assert letters.schema.equals(DEAD_LETTER_SCHEMA, check_metadata=False)
    assert letters.num_rows == sum(stats.get("dead_lettered", {}).values())
    if step != "blend":  # the blend's records are selected, not kept or dropped one by one
        assert accounted(stats) == stats["records_read"]


def test_run_stage_writes_a_stage_s_dead_letters_and_its_arranged_stats(tmp_path):
    class Count(Stage):
        """Three records read, two kept, one dead letter; stats arranged with a total."""

        def arrange_stats(self, summary: dict) -> dict:
            return {**summary, "total": sum(summary["outcome"].values())}

        def expand(self, pbegin: beam.pvalue.PBegin) -> StageResult:
            letter = {"file": "f", "offset": 7, "reason": "bad", "error": "e"}
            counts = [
                (("records_read", "rows"), 3),
                (("outcome", "kept"), 1),
                (("outcome", "kept"), 1),
                (("dead_lettered", "bad"), 1),
            ]
            return StageResult(
                pbegin | "Written" >> beam.Create([]),
                pbegin | "Letters" >> beam.Create([letter]),
                pbegin | "Counts" >> beam.Create(counts),
            )

    directory = tmp_path / "step"
    pipeline = make_pipeline(["--direct_num_workers=1"])
    _ = pipeline | RunStage(Count(str(directory)))
    run_to_end(pipeline)
    stats = json.loads((side(directory) / "stats.json").read_text())
    assert stats == {
        "records_read": 3,
        "outcome": {"kept": 2},
        "dead_lettered": {"bad": 1},
        "total": 2,
    }
    letters = pq.read_table(side(directory) / "dead_letters").to_pylist()
    assert letters == [{"file": "f", "offset": 7, "reason": "bad", "error": "e"}]
