"""Which Beam runner a run uses, and with which options.

With no `--runner`, runs locally on Beam's FnApiRunner in multi-processing mode with one
worker process per core; with one worker (`--direct_num_workers=1`, or a one-core
machine), in this process, which spares the worker process's start, its own import of
Beam and every element's passage between the two processes. (Beam 2.77's DirectRunner
first tries to download a Prism binary; the FnApiRunner never touches the network.) Any
other runner (Dataflow, Spark, Flink, PortableRunner) is chosen with the usual Beam flags,
which pass through as given.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import apache_beam as beam
from apache_beam.options.pipeline_options import (
    DirectOptions,
    PipelineOptions,
    SetupOptions,
    StandardOptions,
)
from apache_beam.portability.api import beam_provision_api_pb2
from apache_beam.runners.portability.fn_api_runner import FnApiRunner, worker_handlers
from apache_beam.runners.portability.fn_api_runner.fn_runner import ExtendedProvisionInfo
from apache_beam.runners.runner import PipelineResult
from google.protobuf import json_format, struct_pb2

from corpus.remote import https


def _given(beam_args: list[str], flag: str) -> bool:
    return any(arg == flag or arg.startswith(flag + "=") for arg in beam_args)


def import_file_systems_on_workers(options: PipelineOptions) -> None:
    """Workers import corpus's file systems (http://, https://) as they start: Beam finds
    a file system among the classes imported, and a worker may match files before it has
    unpickled any of corpus's code. (The Dataflow runner adds every imported file system
    itself; the local and portable runners do not.)"""
    setup = options.view_as(SetupOptions)
    setup.beam_plugins = [*(setup.beam_plugins or []), https.__name__]


SECRET_OPTIONS = {
    "s3_access_key_id": "AWS_ACCESS_KEY_ID",
    "s3_secret_access_key": "AWS_SECRET_ACCESS_KEY",
    "s3_session_token": "AWS_SESSION_TOKEN",
}
"""Options local workers get through their environment (see `run_to_end`), not their
options: a Beam worker writes its options into the log as it starts. boto3 reads these
variables when no option names the credentials."""


def options_for_local_workers(options: PipelineOptions) -> ExtendedProvisionInfo:
    """The pipeline's options but the secrets, for the FnApiRunner to hand its worker
    processes, which it otherwise starts with none: their file systems would lack their
    flags (`--s3_endpoint_url`, `--http_retries`) and their plugins."""
    # A protobuf Struct holds numbers as floats: an int would reach a worker as `2.0`,
    # which an int flag refuses.
    values = {
        name: str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        for name, value in options.get_all_options(drop_default=True).items()
        if name not in SECRET_OPTIONS
    }
    info = beam_provision_api_pb2.ProvisionInfo(
        pipeline_options=json_format.ParseDict(values, struct_pb2.Struct()),
        retrieval_token="unused-retrieval-token",  # the FnApiRunner's own default
    )
    return ExtendedProvisionInfo(info)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def local_run_settings(secrets: dict[str, str]) -> Iterator[None]:
    """What the FnApiRunner runs with, for the duration of one run, and nothing after it:

    - Each bundle's input goes to its worker in one message. By default (Beam 2.77) a
      timer thread flushes the runner's outgoing data every second, racing the thread that
      writes it: the flush copies the buffer, hands the copy on (which blocks while the
      worker's queue is full) and then clears the buffer, erasing whatever was written in
      between. A bundle whose input takes over a second to hand over lost part of it
      without a word: 15-23% of the documents in the 1M-document dedup, where a worker's
      share of one PCollection is a few hundred MB. Without the timer, the input goes at
      close in one message, as every input handed over within a second already did (and
      as grouped inputs always go). A share over 2 GB, protobuf's message limit, fails the
      run ("Channel closed prematurely") instead of losing data.
    - Worker processes use at most 2 glibc malloc arenas (unless MALLOC_ARENA_MAX is set):
      glibc gives threads their own arenas, up to 8 per core, and a Beam worker's threads
      (gRPC, data plane, bundles) leave freed memory scattered over them; 2 arenas keep the
      1M-document dedup's peak memory lower at the same speed (docs/design-decisions.md).
    - Worker processes inherit `secrets` (`SECRET_OPTIONS`) as environment variables.
    """
    flush_interval = worker_handlers.DATA_BUFFER_TIME_LIMIT_MS
    worker_handlers.DATA_BUFFER_TIME_LIMIT_MS = 0
    arenas = {"MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2")}
    try:
        with _environment({**arenas, **secrets}):
            yield
    finally:
        worker_handlers.DATA_BUFFER_TIME_LIMIT_MS = flush_interval


def run_to_end(pipeline: beam.Pipeline) -> PipelineResult:
    """Runs `pipeline` and waits for its end; returns its result (its metrics). On the
    local runner, under `local_run_settings`: its worker processes, started by the run,
    inherit the S3 credentials as environment variables for its duration."""
    settings = nullcontext()
    if isinstance(pipeline.runner, FnApiRunner):
        given = pipeline.options.get_all_options(drop_default=True)
        secrets = {env: given[name] for name, env in SECRET_OPTIONS.items() if name in given}
        settings = local_run_settings(secrets)
    with settings:
        result = pipeline.run()
        result.wait_until_finish()
    return result


def is_local(beam_args: list[str]) -> bool:
    """True when the pipeline runs on this machine, on the FnApiRunner (no `--runner`)."""
    return PipelineOptions(beam_args).view_as(StandardOptions).runner is None


def pipeline_options(beam_args: list[str]) -> PipelineOptions:
    """The options a pipeline runs with: `beam_args`, and on the local runner one worker
    per core unless told otherwise, each a process of its own when there are several."""
    options = PipelineOptions(beam_args)
    import_file_systems_on_workers(options)
    if is_local(beam_args):
        direct = options.view_as(DirectOptions)
        if not _given(beam_args, "--direct_num_workers"):
            direct.direct_num_workers = os.cpu_count() or 1
        if not _given(beam_args, "--direct_running_mode"):
            one_worker = direct.direct_num_workers == 1
            direct.direct_running_mode = "in_memory" if one_worker else "multi_processing"
    return options


def make_pipeline(beam_args: list[str]) -> beam.Pipeline:
    options = pipeline_options(beam_args)
    if not is_local(beam_args):
        return beam.Pipeline(options=options)
    runner = FnApiRunner(provision_info=options_for_local_workers(options))
    return beam.Pipeline(runner=runner, options=options)
