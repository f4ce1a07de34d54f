"""The blend as a Beam composite: the same selection as in one process, on 1 or 2 workers,
with and without held-out splits."""

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from corpus.blend.selection import select_in_memory
from corpus.pipelines.blend import SelectBlend
from tests.support.blends import CODE, RECORDS, WEB, three_sources, with_splits


def equals(expected):
    def check(actual):
        assert actual == expected

    return check


@pytest.mark.slow
@pytest.mark.parametrize(("mode", "workers"), [("in_memory", 1), ("multi_processing", 2)])
@pytest.mark.parametrize("held_out", [False, True])
def test_beam_selects_what_one_process_selects(mode, workers, held_out):
    blend = with_splits(three_sources()) if held_out else three_sources()
    extra = [("unlisted", f"u{i}", 5) for i in range(3)]  # in the data, not in the blend
    records = RECORDS + extra
    expected_selection, expected_copies = select_in_memory(blend, records)
    options = PipelineOptions([f"--direct_running_mode={mode}", f"--direct_num_workers={workers}"])
    with BeamTestPipeline(runner=FnApiRunner(), options=options) as pipeline:
        blended = pipeline | beam.Create(records) | SelectBlend(blend)
        assert_that(blended.selected, equal_to(expected_copies), label="Copies")
        assert_that(blended.selection, equals([expected_selection]), label="Selection")
    assert expected_selection.source("code").plan.shortfall_tokens > 0
    assert expected_selection.source("unlisted").plan.in_blend is False
    assert {c[0] for c in expected_copies} == {"web", "wiki", "code"}
    assert 0 < sum(c[0] == "web" for c in expected_copies) < len(WEB)
    held = sum(documents for _, documents in expected_selection.held_out.get("code", {}).values())
    assert bool(held) == held_out
    assert expected_selection.source("code").plan.available_documents == len(CODE) - held
    assert sum(c[0] == "code" for c in expected_copies) == 2 * (len(CODE) - held)
