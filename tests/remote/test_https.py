"""WARC files read over HTTP (corpus/remote/https.py) from a local server the tests start
(tests/support/http_server.py): streamed, resumed by Range requests when a connection
drops, and a dead letter, not a failed run, when a file cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from corpus.accounting import accounted
from corpus.cli import main
from corpus.errors import ConfigError
from corpus.pipelines.run_identity import check_inputs
from corpus.remote.file_systems import check_file_systems
from corpus.remote.https import HttpError, HttpReader, Retries
from tests.support.http_server import DROP_ONCE, DROP_THEN_FAIL, FAIL, NO_RANGES, http_server
from tests.support.outputs import dead_letters_of, stats_of
from tests.support.paths import ROOT

SAMPLE = ROOT / "corpus/sample/sample.warc.gz"
DATA = SAMPLE.read_bytes()
FAST = Retries(retries=2, backoff_seconds=0.01)
FAST_FLAGS = ["--http_retries=2", "--http_backoff_seconds=0.01", "--direct_num_workers=1"]


@pytest.fixture
def server():
    with http_server() as served:
        yield served


def read_all(url: str) -> bytes:
    with FileSystems.open(url, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
        return stream.read()


def test_a_dropped_connection_resumes_where_it_stopped(server):
    url = server.add("/sample.warc.gz", DATA, DROP_ONCE)
    assert read_all(url) == DATA
    assert server.gets("/sample.warc.gz") == [None, f"bytes={len(DATA) // 2}-"]


def test_gzip_is_decompressed_by_the_name_as_on_other_file_systems(server):
    url = server.add("/sample.warc.gz", DATA)
    with FileSystems.open(url) as stream:
        assert stream.read(8) == b"WARC/1.0"


def test_seek_reads_from_any_position(server):
    url = server.add("/sample.warc.gz", DATA)
    reader = HttpReader(url, FAST)
    reader.seek(-100, 2)
    assert reader.read() == DATA[-100:]
    reader.seek(1000)
    assert reader.read(50) == DATA[1000:1050]
    assert server.gets("/sample.warc.gz") == [None, f"bytes={len(DATA) - 100}-", "bytes=1000-"]


def test_a_file_that_keeps_failing_raises_after_the_retries(server):
    url = server.add("/broken.warc.gz", DATA, FAIL)
    with pytest.raises(HttpError, match=r"HTTP 503 .*\(3 attempts\)") as raised:
        HttpReader(url, FAST)
    assert raised.value.transient
    assert len(server.gets("/broken.warc.gz")) == 3


def test_a_server_that_ignores_ranges_is_not_spliced(server):
    url = server.add("/sample.warc.gz", DATA, NO_RANGES)
    reader = HttpReader(url, FAST)
    reader.seek(1000)
    with pytest.raises(HttpError, match="sent the whole file"):
        reader.read(10)


def test_missing_file_raises_file_not_found(server):
    with pytest.raises(FileNotFoundError):
        HttpReader(server.url + "/missing.warc.gz", FAST)


def test_a_url_matches_itself_with_its_size(server):
    url = server.add("/sample.warc.gz", DATA)
    failing = server.add("/broken.warc.gz", DATA, FAIL)
    found, missing = FileSystems.match([url, server.url + "/missing.warc.gz"])
    assert [(m.path, m.size_in_bytes) for m in found.metadata_list] == [(url, len(DATA))]
    assert missing.metadata_list == []
    assert FileSystems.exists(url)
    assert not FileSystems.exists(server.url + "/missing.warc.gz")
    # No globbing over HTTP: `*` is a character of the URL.
    assert FileSystems.match([server.url + "/*.warc.gz"])[0].metadata_list == []
    # A server that keeps failing: matched, size unknown, settled when it is read.
    system = FileSystems.get_filesystem(failing)
    system.retries = FAST
    assert [(m.path, m.size_in_bytes) for m in system.match([failing])[0].metadata_list] == [
        (failing, 0)
    ]


def test_inputs_on_different_file_systems_are_each_matched_by_their_own(server):
    url = server.add("/sample.warc.gz", DATA)
    files = check_inputs([url, str(SAMPLE)])
    assert [(m.path, m.size_in_bytes) for m in files] == [
        (url, len(DATA)),
        (str(SAMPLE), len(DATA)),
    ]
    with pytest.raises(ConfigError, match=r"^inputs: 'http://.*/missing.warc.gz' matches no file"):
        check_inputs([str(SAMPLE), server.url + "/missing.warc.gz"])


def test_http_is_read_only(server):
    with pytest.raises(ConfigError, match=r"^output: http://.*read only; write to a local path"):
        check_file_systems([server.url + "/out"], "output", writing=True)


def documents(directory: Path) -> list[dict]:
    """The documents' rows, without `warc_file` (a URL here, a path there)."""
    rows = pq.ParquetDataset(sorted(directory.glob("documents-*.parquet"))).read().to_pylist()
    return [{k: v for k, v in row.items() if k != "warc_file"} for row in rows]


@pytest.mark.slow
def test_extract_over_http_reads_every_record_despite_a_drop(server, tmp_path):
    url = server.add("/crawl/sample.warc.gz", DATA, DROP_ONCE)
    remote, local = tmp_path / "remote", tmp_path / "local"
    assert main(["extract", url, "--output", str(remote), *FAST_FLAGS]) == 0
    assert main(["extract", str(SAMPLE), "--output", str(local), *FAST_FLAGS]) == 0
    stats = stats_of(remote / "extract")
    assert stats == stats_of(local / "extract")
    assert stats["outcome"]["kept"] > 0
    assert documents(remote / "extract") == documents(local / "extract")
    assert f"bytes={len(DATA) // 2}-" in server.gets("/crawl/sample.warc.gz")
    identity = json.loads((remote / "run.json").read_text())
    # A server gives no modification time or checksum here: size only.
    assert identity["inputs"] == [{"path": url, "bytes": len(DATA), "modified": None}]


@pytest.mark.slow
def test_files_that_cannot_be_read_are_dead_letters_and_the_run_succeeds(server, tmp_path):
    good = server.add("/a/sample.warc.gz", DATA)
    failing = server.add("/b/sample.warc.gz", DATA, FAIL)
    # A file of 30 copies of the sample (2.4 MB; gzip members one after another), cut at
    # its middle for good: the reader has read and yielded records before the cut.
    long = DATA * 30
    cut = server.add("/c/long.warc.gz", long, DROP_THEN_FAIL)
    output, alone = tmp_path / "out", tmp_path / "alone"
    assert main(["extract", good, failing, cut, "--output", str(output), *FAST_FLAGS]) == 0
    assert main(["extract", good, "--output", str(alone), *FAST_FLAGS]) == 0
    stats = stats_of(output / "extract")
    assert stats["dead_lettered"] == {"unreadable_file": 2}
    assert stats["records_read"] == accounted(stats)
    letters = {letter["file"]: letter for letter in dead_letters_of(output / "extract")}
    assert letters.keys() == {failing, cut}
    assert letters[failing]["offset"] == -1  # not a byte could be read
    assert "HTTP 503" in letters[failing]["error"]
    assert 0 < letters[cut]["offset"] < len(long) // 2
    # Read: the good file's records, the failing file (once), the cut file's records
    # before the cut and its failure.
    read_alone = stats_of(alone / "extract")["records_read"]
    before_cut = stats["records_read"] - read_alone - 1 - 1
    assert read_alone < before_cut < 30 * read_alone // 2
