"""The local runner's configuration during a run: what the FnApiRunner sends a worker
arrives whole; its workers use few malloc arenas; nothing of it stays after the run."""

from __future__ import annotations

import os
import time

import pytest
from apache_beam.options.pipeline_options import DirectOptions
from apache_beam.portability.api import beam_fn_api_pb2
from apache_beam.runners.portability.fn_api_runner import worker_handlers
from apache_beam.runners.worker import data_plane

from corpus.pipelines.runner import local_run_settings, pipeline_options

CHUNK = b"x" * 65536
CHUNKS = 150


def test_bundle_input_arrives_whole_when_handing_it_over_takes_seconds(monkeypatch) -> None:
    """The runner's side of the data plane, built as the FnApiRunner builds it (its
    GrpcServer's data servicer), sends a bundle input written over 1.5 s to a worker whose
    queue is slow to take it. With Beam's timed flushes (every second), the bytes written
    while the flush waited on that queue were cleared with the flushed ones."""
    with local_run_settings({}):
        servicer = data_plane.BeamFnDataServicer(worker_handlers.DATA_BUFFER_TIME_LIMIT_MS)
    channel = servicer.get_conn_by_worker_id("worker")
    sent = []

    def slow_enqueue(element) -> None:
        if isinstance(element, beam_fn_api_pb2.Elements.Data):
            time.sleep(0.5)  # the worker's queue is full
            sent.append(len(element.data))

    monkeypatch.setattr(channel, "_enqueue_to_send", slow_enqueue)
    stream = channel.output_stream("bundle", "read")
    for _ in range(CHUNKS):
        stream.write(CHUNK)
        time.sleep(0.01)
    stream.close()
    assert sum(sent) == CHUNKS * len(CHUNK)


def test_local_workers_get_two_malloc_arenas_unless_told_otherwise(monkeypatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    with local_run_settings({"AWS_ACCESS_KEY_ID": "key"}):
        assert os.environ["MALLOC_ARENA_MAX"] == "2"
        assert os.environ["AWS_ACCESS_KEY_ID"] == "key"
    assert "MALLOC_ARENA_MAX" not in os.environ
    assert "AWS_ACCESS_KEY_ID" not in os.environ
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    with local_run_settings({}):
        assert os.environ["MALLOC_ARENA_MAX"] == "4"


def test_the_flush_interval_is_restored_after_a_run() -> None:
    before = worker_handlers.DATA_BUFFER_TIME_LIMIT_MS
    with local_run_settings({}):
        assert worker_handlers.DATA_BUFFER_TIME_LIMIT_MS == 0
    assert before == worker_handlers.DATA_BUFFER_TIME_LIMIT_MS


@pytest.mark.parametrize(
    ("flags", "mode"),
    [
        (["--direct_num_workers=1"], "in_memory"),
        (["--direct_num_workers=2"], "multi_processing"),
        (["--direct_num_workers=1", "--direct_running_mode=multi_processing"], "multi_processing"),
        (["--direct_num_workers=2", "--direct_running_mode=multi_threading"], "multi_threading"),
    ],
)
def test_one_local_worker_runs_in_this_process_unless_told_otherwise(flags, mode) -> None:
    options = pipeline_options(flags).view_as(DirectOptions)
    assert options.direct_running_mode == mode
