"""Which Beam runner a run uses, and with which options.

With no `--runner`, runs locally on Beam's FnApiRunner in multi-processing mode with one
worker process per core. (Beam 2.77's DirectRunner first tries to download a Prism
binary; the FnApiRunner never touches the network.) Any other runner (Dataflow, Spark,
Flink, PortableRunner) is chosen with the usual Beam flags, which pass through as given.
"""

from __future__ import annotations

import os

import apache_beam as beam
from apache_beam.options.pipeline_options import DirectOptions, PipelineOptions, StandardOptions
from apache_beam.runners.portability.fn_api_runner import FnApiRunner


def _given(beam_args: list[str], flag: str) -> bool:
    return any(arg == flag or arg.startswith(flag + "=") for arg in beam_args)


def make_pipeline(beam_args: list[str]) -> beam.Pipeline:
    options = PipelineOptions(beam_args)
    if options.view_as(StandardOptions).runner is not None:
        return beam.Pipeline(options=options)
    direct = options.view_as(DirectOptions)
    if not _given(beam_args, "--direct_num_workers"):
        direct.direct_num_workers = os.cpu_count() or 1
    if not _given(beam_args, "--direct_running_mode"):
        direct.direct_running_mode = "multi_processing"
    return beam.Pipeline(runner=FnApiRunner(), options=options)
