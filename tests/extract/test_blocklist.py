"""Blocklists before extraction: a blocked page is counted as `blocked`, by list, and never
decoded nor parsed."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import corpus.extract.triage as triage_module
from corpus.accounting import accounted
from corpus.cli import main
from corpus.config import validate
from corpus.errors import ConfigError
from corpus.extract.config import ExtractConfig
from corpus.extract.outcome import Outcome
from corpus.extract.triage import Blocked, Candidate, triage
from corpus.filters.blocklist import BlocklistSource
from corpus.warc.naming import host_of
from corpus.warc.reader import WarcRecord, read_warc
from tests.support.outputs import stats_of
from tests.support.paths import ROOT

SAMPLE = ROOT / "corpus/sample/sample.warc.gz"
DOLMA = Path("warc/dolma/sample-0000.warc.gz")
NEWS = "kawabe-shimbun.example.jp"  # www. and sp. hosts in the sample WARC, not kawabe-kyodoshi
BLOG = "amyxzhang.wordpress.com"  # the one dolma page with kana


def lists(directory: Path) -> list[dict]:
    """A plain list file and a UT1 category directory."""
    (directory / "news.txt").write_text(f"# newspapers\n{NEWS.upper()}\n")
    blogs = directory / "ut1" / "blogs"
    blogs.mkdir(parents=True)
    (blogs / "domains").write_text("wordpress.com\n")
    (blogs / "urls").write_text("example.com/never-crawled\n")
    return [{"paths": [str(directory / "news.txt")]}, {"paths": [str(blogs)]}]


def records(path: Path) -> list[WarcRecord]:
    with open(path, "rb") as stream:
        return [r for r in read_warc(stream, str(path)) if isinstance(r, WarcRecord)]


def test_a_blocked_page_is_never_decoded(tmp_path, monkeypatch):
    config = ExtractConfig(blocklists=lists(tmp_path))
    blocklists = [BlocklistSource.model_validate(s).read() for s in config.blocklists]
    decoded = []
    real_decode = triage_module.decode_body
    monkeypatch.setattr(
        triage_module, "decode_body", lambda body, *a: decoded.append(body) or real_decode(body, *a)
    )
    results = [(r, triage(r, config, blocklists)) for r in records(SAMPLE)]
    blocked = [r for r, result in results if isinstance(result, Blocked)]
    assert Counter(host_of(r.target_uri) for r in blocked) == {f"www.{NEWS}": 5, f"sp.{NEWS}": 1}
    assert {result.list for _, result in results if isinstance(result, Blocked)} == {"news"}
    assert decoded and not any(r.body is body for r in blocked for body in decoded)
    # Without the lists, the same pages are decoded and become candidates.
    assert all(isinstance(triage(r, config), Candidate) for r in blocked)
    assert sum(any(r.body is body for body in decoded) for r in blocked) == len(blocked)


def extract(inputs: list[str], output: Path, blocklists: list[dict]) -> dict:
    config = output.with_suffix(".yaml")
    config.write_text(json.dumps({"extract": {"blocklists": blocklists}}))
    args = [*inputs, "--output", str(output), "--config", str(config)]
    assert main(["extract", *args, "--direct_num_workers=1"]) == 0
    return stats_of(output / "extract")


def hosts(directory: Path) -> list[str]:
    files = sorted((directory / "extract").glob("documents-*.parquet"))
    return pq.ParquetDataset(files).read(columns=["host"]).column("host").to_pylist()


@pytest.mark.slow
def test_blocked_records_are_counted_by_list_and_leave_no_document(fixtures, tmp_path):
    inputs = [str(SAMPLE), str(fixtures / DOLMA)]
    plain = extract(inputs, tmp_path / "plain", [])
    blocked = extract(inputs, tmp_path / "blocked", lists(tmp_path))
    before = hosts(tmp_path / "plain")
    listed = [h for h in before if h.endswith((f".{NEWS}", BLOG))]
    assert listed  # the lists block documents the plain run keeps
    # Every HTML response of the listed hosts: 6 in the sample WARC, 1 in dolma's.
    assert blocked["outcome"][Outcome.BLOCKED] == 7
    assert blocked["blocked"] == {"news": 6, "blogs": 1}
    assert blocked["records_read"] == plain["records_read"] == accounted(blocked)
    assert blocked["outcome"][Outcome.KEPT] == plain["outcome"][Outcome.KEPT] - len(listed)
    after = hosts(tmp_path / "blocked")
    assert sorted(after) == sorted(h for h in before if h not in listed)
    assert "www.kawabe-kyodoshi.example.jp" in after  # a neighbour, not under the listed domain
    assert "blocked" not in plain and Outcome.BLOCKED not in plain["outcome"]


def test_a_missing_list_is_a_config_error_naming_the_key(tmp_path):
    missing = str(tmp_path / "adult")
    raw = {"inputs": ["x"], "output": "y", "extract": {"blocklists": [{"paths": missing}]}}
    with pytest.raises(ConfigError) as error:
        validate(raw)
    assert str(error.value).splitlines()[1] == (
        f"  extract.blocklists.0.paths: {missing} is neither a file nor a directory holding a "
        "UT1 `domains` or `urls` file"
    )
    # `corpus run --dry-run` validates offline: the list is not looked at.
    assert validate(raw, offline=True).extract.blocklists[0].list_name == "adult"
    twice = [{"paths": "a/adult"}, {"paths": "b/adult.txt"}]
    with pytest.raises(ConfigError, match=r"extract.blocklists: two lists have the same name"):
        validate({**raw, "extract": {"blocklists": twice}}, offline=True)
