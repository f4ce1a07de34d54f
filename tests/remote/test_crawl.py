"""Inputs named by a Common Crawl crawl (corpus/remote/crawl.py): the choice of files is
checked up front, expanded from the crawl's paths file (served here by a local HTTP
server, tests/support/http_server.py) and recorded in run.json."""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pyarrow.parquet as pq
import pytest
import yaml

from corpus.cli import main
from corpus.config import apply_overrides, validate
from corpus.errors import ConfigError
from corpus.remote.crawl import chosen, file_ranges
from tests.support.http_server import http_server
from tests.support.outputs import stats_of
from tests.support.paths import ROOT

SAMPLE = ROOT / "corpus/sample/sample.warc.gz"
CRAWL = "CC-MAIN-2024-22"
SEGMENT = f"crawl-data/{CRAWL}/segments/1715971057216.39"
PATHS = [f"{SEGMENT}/warc/CC-MAIN-20240517233122-20240518023122-{n:05d}.warc.gz" for n in range(3)]
WET_PATHS = [path.replace("/warc/", "/wet/").replace(".warc.gz", ".warc.wet.gz") for path in PATHS]


@pytest.mark.parametrize(
    ("files", "ranges"),
    [
        ("0-99", [(0, 99)]),
        (7, [(7, 7)]),
        ("7", [(7, 7)]),
        ("0-9, 100-109,5", [(0, 9), (100, 109), (5, 5)]),
        ("all", None),
    ],
)
def test_file_ranges(files, ranges):
    assert file_ranges(files) == ranges


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ("9-0", "9-0: the range ends before it starts"),
        ("-3", "'-3' is not an index or a range"),
        ("0-", "'0-' is not an index or a range"),
        ("first", "'first' is not an index or a range"),
        (True, "expected indices such as 0-99"),
        (2.5, "expected indices such as 0-99"),
    ],
)
def test_a_bad_choice_of_files_is_refused_before_anything_is_read(files, message):
    raw = {"inputs": {"crawl": CRAWL, "files": files, "base": "/nonexistent"}, "output": "o"}
    with pytest.raises(ConfigError, match=rf"\n  inputs\.files: {message}"):
        validate(raw)


def test_chosen_lines_are_in_list_order_each_once():
    assert chosen(list("abcdef"), [(4, 5), (0, 1), (1, 2)], "x") == list("abcef")
    assert chosen(list("abc"), None, "x") == list("abc")
    with pytest.raises(ValueError, match=r"^2-3 goes past the end: x has 3 files \(0-2\)$"):
        chosen(list("abc"), [(0, 0), (2, 3)], "x")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"inputs": {"crawl": "CC-MAIN-24", "files": 0}}, "inputs.crawl: 'CC-MAIN-24' is not"),
        ({"inputs": {"crawl": CRAWL}}, "inputs.files: Field required"),
        ({"inputs": {"crawl": CRAWL, "files": 0, "kind": "wat"}}, "inputs.kind: Input should"),
        ({"inputs": {"crawl": CRAWL, "files": 0, "kind": "wet"}}, "need `reader: wet` \\(a"),
        (
            {"inputs": {"crawl": CRAWL, "files": 0}, "stages": ["filter"]},
            "stages: a crawl's WARC files go to `extract` first",
        ),
        (
            {"sources": {"web": {"inputs": {"crawl": CRAWL, "files": 0}, "reader": "wet"}}},
            "sources.web: inputs.kind: a crawl's warc files need `reader: warc`",
        ),
        (
            {"sources": {"w": {"inputs": {"crawl": CRAWL, "files": 0}, "reader": "jsonl"}}},
            "sources.w: inputs: a crawl is read by `reader: warc` or `reader: wet`",
        ),
    ],
)
def test_a_bad_crawl_is_refused_naming_the_key(raw, message):
    for source in raw.get("sources", {}).values():
        source["stages"] = []
    with pytest.raises(ConfigError, match=message):
        validate({"output": "o", **raw})


@pytest.fixture
def crawl():
    """A server holding a copy of Common Crawl's layout: the crawl's paths files and, at
    each of their paths, the sample WARC (a few bytes of its own appended, so that each
    file has its size)."""
    with http_server() as served:
        for paths in (PATHS, WET_PATHS):
            listing = gzip.compress("".join(f"{path}\n" for path in paths).encode())
            kind = "warc" if paths is PATHS else "wet"
            served.add(f"/crawl-data/{CRAWL}/{kind}.paths.gz", listing)
        for index, path in enumerate(PATHS):
            served.add(f"/{path}", SAMPLE.read_bytes() + b"\r\n" * index)
        yield served


def crawl_config(served, files: str | int, **more) -> dict:
    return {"inputs": {"crawl": CRAWL, "files": files, "base": served.url + "/"}, **more}


def test_a_crawl_expands_to_the_addresses_of_its_chosen_files(crawl):
    config = validate({**crawl_config(crawl, "0,2-2"), "output": "o"})
    assert config.inputs == [f"{crawl.url}/{PATHS[0]}", f"{crawl.url}/{PATHS[2]}"]
    assert config.crawl_inputs.model_dump() == {
        "crawl": CRAWL,
        "files": "0,2-2",
        "kind": "warc",
        "base": crawl.url + "/",
    }
    everything = validate({**crawl_config(crawl, "all"), "output": "o"})
    assert everything.inputs == [f"{crawl.url}/{path}" for path in PATHS]


def test_a_crawl_named_with_set_and_wet_files_for_the_wet_reader(crawl):
    raw = {"sources": {"web": {"inputs": ["x"], "reader": "wet", "stages": []}}, "output": "o"}
    raw["sources"]["web"]["inputs"] = {"crawl": "CC-MAIN-2023-50", "files": 0, "kind": "wet"}
    overrides = [
        f"sources.web.inputs.crawl={CRAWL}",
        "sources.web.inputs.files=1-2",
        f"sources.web.inputs.base={crawl.url}/",
    ]
    config = validate(apply_overrides(raw, overrides))
    assert config.sources["web"].inputs == [f"{crawl.url}/{path}" for path in WET_PATHS[1:]]
    assert config.sources["web"].crawl_inputs.kind == "wet"


def test_files_past_the_end_of_the_crawl_are_refused(crawl):
    with pytest.raises(ConfigError, match=r"inputs\.files: 2-5 goes past the end: CC-MAIN"):
        validate({**crawl_config(crawl, "0,2-5"), "output": "o"})


def test_a_crawl_without_a_paths_file_is_refused(crawl):
    raw = {"inputs": {"crawl": "CC-MAIN-2013-20", "files": 0, "base": crawl.url}, "output": "o"}
    with pytest.raises(ConfigError, match=r"inputs\.crawl: there is no http://.*/crawl-data/CC"):
        validate(raw)


@pytest.mark.slow
def test_a_run_records_the_crawl_and_its_files_and_a_rerun_reads_the_same(crawl, tmp_path, capsys):
    output = tmp_path / "out"
    config = tmp_path / "corpus.yaml"
    raw = crawl_config(crawl, "0-1", output=str(output), stages=["extract"])
    config.write_text(yaml.safe_dump(raw))
    flags = ["--direct_num_workers=1"]
    assert main(["run", str(config), *flags]) == 0
    identity = json.loads((output / "run.json").read_text())
    assert identity["config"]["inputs"] == {**raw["inputs"], "kind": "warc"}
    sizes = [SAMPLE.stat().st_size + 2 * index for index in range(2)]
    files = [f"{crawl.url}/{path}" for path in PATHS[:2]]
    assert identity["inputs"] == [
        {"path": path, "bytes": size, "modified": None}
        for path, size in zip(files, sizes, strict=True)
    ]
    stats = stats_of(output / "extract")
    documents = pq.ParquetDataset(sorted((output / "extract").glob("documents-*"))).read()
    per_file = Counter(row["warc_file"] for row in documents.to_pylist())
    assert per_file.keys() == set(files)
    assert stats["outcome"]["kept"] == documents.num_rows == 2 * per_file[files[0]] > 0
    # The same command again finds its own complete run; another choice of files is refused.
    capsys.readouterr()
    assert main(["run", str(config), *flags]) == 0
    assert "complete, kept" in capsys.readouterr().err
    assert main(["run", str(config), "--set", "inputs.files=1-2", *flags]) == 2
    assert "config.inputs" in capsys.readouterr().err
