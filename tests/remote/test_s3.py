"""s3:// inputs and outputs from the command line, with Beam's usual S3 flags, against an
S3-compatible server the tests start (moto's standalone server on 127.0.0.1); and the
one-line errors for what a user must fix: missing or refused credentials, a missing
bucket, a missing extra, a scheme corpus does not read."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import urllib.request
from typing import NamedTuple

import boto3
import pyarrow.parquet as pq
import pytest
from apache_beam.io.filesystem import BeamIOError
from apache_beam.io.filesystems import FileSystems
from moto.server import ThreadedMotoServer

from corpus.cli import main
from corpus.errors import ConfigError
from corpus.remote.file_systems import match_patterns
from tests.support.outputs import stats_of
from tests.support.paths import ROOT

SAMPLE = ROOT / "corpus/sample/sample.warc.gz"
BUCKET = "corpus-test"
INPUT = f"s3://{BUCKET}/crawl/sample.warc.gz"
REGION = "us-east-1"
KEY, SECRET = "test-key", "test-secret"


class S3(NamedTuple):
    endpoint: str
    client: object
    flags: list[str]
    """Beam's S3 flags that reach the server with the test's credentials."""


@pytest.fixture(scope="module")
def s3():
    """The server, with BUCKET holding the sample WARC. No AWS credentials or config of the
    machine are seen, and nothing asks EC2's metadata service for any."""
    with pytest.MonkeyPatch.context() as env:
        for name in [name for name in os.environ if name.startswith("AWS_")]:
            env.delenv(name)
        env.setenv("AWS_EC2_METADATA_DISABLED", "true")
        env.setenv("AWS_CONFIG_FILE", os.devnull)
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=KEY,
            aws_secret_access_key=SECRET,
        )
        client.create_bucket(Bucket=BUCKET)
        client.upload_file(str(SAMPLE), BUCKET, "crawl/sample.warc.gz")
        flags = [
            f"--s3_endpoint_url={endpoint}",
            f"--s3_region_name={REGION}",
            f"--s3_access_key_id={KEY}",
            f"--s3_secret_access_key={SECRET}",
        ]
        try:
            yield S3(endpoint, client, flags)
        finally:
            server.stop()


def read_object(s3: S3, key: str) -> bytes:
    return s3.client.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def keys_under(s3: S3, prefix: str) -> list[str]:
    listed = s3.client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def rows(tables: list[bytes]) -> list[dict]:
    """Document rows, without `warc_file` (an s3:// path here, a local one there)."""
    read = [pq.read_table(io.BytesIO(table)).to_pylist() for table in tables]
    return [{k: v for k, v in row.items() if k != "warc_file"} for table in read for row in table]


@pytest.mark.slow
def test_extract_reads_and_writes_s3(s3, tmp_path):
    output = f"s3://{BUCKET}/runs"
    args = ["--direct_num_workers=1"]
    assert main(["extract", INPUT, "--output", output, *s3.flags, *args]) == 0
    local = tmp_path / "local"
    assert main(["extract", str(SAMPLE), "--output", str(local), *args]) == 0
    stats = json.loads(read_object(s3, "runs/extract.meta/stats.json"))
    assert stats == stats_of(local / "extract")
    assert stats["outcome"]["kept"] > 0
    shards = [key for key in keys_under(s3, "runs/extract/documents-") if key.endswith(".parquet")]
    local_shards = sorted((local / "extract").glob("documents-*.parquet"))
    assert len(shards) == len(local_shards) > 0
    written = rows([read_object(s3, key) for key in shards])
    assert written == rows([path.read_bytes() for path in local_shards])
    assert len(written) == stats["outcome"]["kept"]
    identity = json.loads(read_object(s3, "runs/run.json"))
    [recorded] = identity["inputs"]
    assert isinstance(recorded.pop("modified"), float)
    # S3's ETag of a single-part upload is the MD5 of the object.
    digest = hashlib.md5(SAMPLE.read_bytes()).hexdigest()
    assert recorded == {"path": INPUT, "bytes": SAMPLE.stat().st_size, "checksum": f'"{digest}"'}
    assert "runs/extract.meta/_SUCCESS" in keys_under(s3, "runs/extract.meta/")


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["multi_processing", "in_memory"])
def test_credentials_stay_out_of_the_log(s3, tmp_path, mode):
    output = tmp_path / "out"
    workers = ["--direct_num_workers=1", f"--direct_running_mode={mode}"]
    args = ["extract", INPUT, "--output", str(output), *workers, *s3.flags]
    assert main(args) == 0
    log = (output / "logs" / "corpus.log").read_text(encoding="utf-8")
    if mode == "multi_processing":
        assert "Pipeline_options" in log  # the worker process did log its options
    assert SECRET not in log
    assert "AWS_SECRET_ACCESS_KEY" not in os.environ  # set only while the workers ran


def test_missing_credentials_is_one_line(s3, tmp_path, capsys):
    endpoint = [f"--s3_endpoint_url={s3.endpoint}", f"--s3_region_name={REGION}"]
    assert main(["extract", INPUT, "--output", str(tmp_path / "o"), *endpoint]) == 2
    line = one_line_error(capsys)
    assert line.startswith(f"corpus: inputs: {INPUT}: no AWS credentials: pass --s3_access_key_id")
    assert not (tmp_path / "o").exists()


def set_moto_auth(s3: S3, requests_before_auth: str) -> None:
    """Makes moto check the credentials of every request after this many."""
    reset = urllib.request.Request(
        f"{s3.endpoint}/moto-api/reset-auth",
        data=requests_before_auth.encode(),
        headers={"Content-Type": "text/plain"},
        method="POST",
    )
    urllib.request.urlopen(reset).close()


def test_refused_credentials_are_one_line(s3, tmp_path, capsys):
    wrong = [*s3.flags[:2], "--s3_access_key_id=wrong", "--s3_secret_access_key=wrong"]
    set_moto_auth(s3, "0")  # moto checks credentials from now on: it knows none
    try:
        code = main(["extract", INPUT, "--output", str(tmp_path / "o"), *wrong])
    finally:
        set_moto_auth(s3, "inf")
    assert code == 2
    line = one_line_error(capsys)
    assert line.startswith(f"corpus: inputs: {INPUT}: S3 refused the request (InvalidAccessKeyId)")
    assert "--s3_access_key_id" in line


def test_a_missing_bucket_is_one_line(s3, tmp_path, capsys):
    path = "s3://no-such-bucket/x.warc.gz"
    assert main(["extract", path, "--output", str(tmp_path / "o"), *s3.flags]) == 2
    assert one_line_error(capsys) == f"corpus: inputs: {path}: there is no bucket no-such-bucket"


def test_a_missing_object_matches_no_file(s3, tmp_path, capsys):
    path = f"s3://{BUCKET}/crawl/missing-*.warc.gz"
    assert main(["extract", path, "--output", str(tmp_path / "o"), *s3.flags]) == 2
    assert one_line_error(capsys) == f"corpus: inputs: {path!r} matches no file"


def test_an_output_in_a_missing_bucket_is_refused_before_work(s3, tmp_path, capsys):
    output = "s3://no-such-bucket/out"
    assert main(["extract", str(SAMPLE), "--output", output, *s3.flags]) == 2
    assert one_line_error(capsys) == f"corpus: output: {output}: there is no bucket no-such-bucket"


@pytest.mark.parametrize(
    ("path", "module", "extra"),
    [
        ("s3://bucket/x.warc.gz", "boto3", "aws"),
        ("gs://bucket/x.warc.gz", "google.cloud.storage", "gcp"),
    ],
)
def test_a_missing_extra_is_one_line_naming_it(path, module, extra, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, module, None)  # its import fails, as when not installed
    assert main(["extract", path, "--output", str(tmp_path / "o")]) == 2
    fix = f"pip install 'corpus[{extra}]'"
    assert one_line_error(capsys) == f"corpus: inputs: {path} needs the {extra} extra: {fix}"
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("path", ["hdfs://namenode/x.warc.gz", "hf://datasets/x/y.warc.gz"])
def test_a_scheme_corpus_does_not_read_is_one_line(path, tmp_path, capsys):
    assert main(["extract", path, "--output", str(tmp_path / "o")]) == 2
    scheme = path.split(":")[0]
    assert one_line_error(capsys) == (
        f"corpus: inputs: {path}: corpus cannot use {scheme}:// paths "
        "(it reads local paths, s3://, gs://, http:// and https://)"
    )


def test_a_gcs_refusal_says_how_to_sign_in(monkeypatch):
    """What Beam's GCS file system raises for a bucket an anonymous caller may not list."""
    Forbidden = pytest.importorskip("google.api_core.exceptions", reason="the gcp extra").Forbidden

    path = "gs://private/x.warc.gz"
    refused = Forbidden("GET https://storage.googleapis.com/storage/v1/b/private/o: no access")

    def match(patterns: list[str], limits: list[int] | None = None) -> list:
        listing = BeamIOError("List operation failed", {"gs://private/x.warc.gz": refused})
        raise BeamIOError("Match operation failed", {patterns[0]: listing})

    monkeypatch.setattr(FileSystems, "match", staticmethod(match))
    with pytest.raises(ConfigError) as raised:
        match_patterns([path], "inputs")
    assert str(raised.value) == (
        f"inputs: {path}: 403 GET https://storage.googleapis.com/storage/v1/b/private/o: "
        "no access; sign in with `gcloud auth application-default login` or set "
        "GOOGLE_APPLICATION_CREDENTIALS"
    )
