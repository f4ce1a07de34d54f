"""A whole run on broken input (tests/support/bad_inputs.py): it completes, every stage
accounts for every record, and each kind of bad record ends where it should."""

from __future__ import annotations

import io
import json
import time
import tracemalloc
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpus.accounting import accounted
from corpus.config import validate
from corpus.extract.config import ExtractConfig
from corpus.extract.extractor import DocumentExtractor
from corpus.extract.outcome import Outcome
from corpus.extract.paragraphs import MAX_PATH_CHARS
from corpus.extract.triage import triage
from corpus.pipelines.run import run
from corpus.warc.reader import read_warc
from tests.support.bad_inputs import (
    MAX_RECORD_BYTES,
    TIME_LIMIT_SECONDS,
    bad_pages,
    http_block,
    warc_record,
    write_bad_inputs,
)
from tests.support.outputs import dead_letters_of, stats_of
from tests.support.paths import TOKENIZERS, require_shared

pytestmark = pytest.mark.slow

LLM_JP_MODEL = TOKENIZERS / "llm-jp-v3.0b1/llm-jp-tokenizer-100k.ver3.0b1.model"
WEB_STAGES = ["extract", "paragraph_stats", "filter", "dedup", "tokenize"]
EXTRACT = {"max_record_bytes": MAX_RECORD_BYTES, "time_limit_seconds": TIME_LIMIT_SECONDS}


@pytest.fixture(scope="module")
def bad_run(fixtures: Path, tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("bad_inputs")
    inputs = write_bad_inputs(fixtures, base / "inputs")
    out = base / "out"
    config = validate(
        {
            "output": str(out),
            "sources": {
                "web": {"inputs": inputs["warc"], "stages": WEB_STAGES},
                "notes": {
                    "inputs": inputs["jsonl"],
                    "reader": "jsonl",
                    "options": {"id_field": "id"},
                    "stages": ["dedup", "tokenize"],
                },
            },
            "extract": EXTRACT,
            "filter": {"debug": True},
            "tokenize": {"model": str(require_shared(LLM_JP_MODEL))},
        }
    )
    stats = run(config, ["--direct_num_workers=2"], overwrite=False)
    return {"out": out, "stats": stats, "inputs": inputs}


def test_every_stage_accounts_for_every_record(bad_run):
    out, stats = bad_run["out"], bad_run["stats"]
    assert set(stats) == {f"web/{stage}" for stage in WEB_STAGES} | {
        "notes/read",
        "notes/dedup",
        "notes/tokenize",
    }
    for label in stats:
        written = stats_of(out / label)
        assert written == stats[label]
        assert written["records_read"] == accounted(written) > 0, label
        dead_lettered = sum(written.get("dead_lettered", {}).values())
        assert len(dead_letters_of(out / label)) == dead_lettered, label
    report = json.loads((out / "report.json").read_text())
    assert [c["name"] for c in report["funnel"]["checks"] if not c["ok"]] == []
    assert report["funnel"]["consistent"]


def test_each_kind_of_bad_record_ends_where_it_should(bad_run):
    extract = bad_run["stats"]["web/extract"]
    assert extract["records_read"] == 107
    assert extract["outcome"] == {
        Outcome.KEPT: 27,  # 11 fixture pages and copies, 16 made-up pages (below)
        Outcome.NESTING_TOO_DEEP: 1,  # bomb/deep
        Outcome.TIMEOUT: 1,  # bomb/line
        Outcome.CHARSET_FAILURE: 4,  # PNG, gzip and random bodies; ED A0 80 surrogates
        Outcome.TOO_LARGE: 1,  # oversized/body
        Outcome.PREFILTER_REJECTED: 12,  # the empty body; warcio's English pages
        Outcome.NON_200: 6,  # the empty record and the header-only one (no HTTP head); warcio's
        Outcome.NON_HTML: 3,  # warcio's
        Outcome.NOT_RESPONSE: 47,  # the record after the header-only one; warcio's
    }
    assert extract["dead_lettered"] == {
        "corrupt_gzip": 1,
        "truncated_file": 2,  # cut.warc.gz; warcio's ARC file, shorter than it declares
        "bad_http_head": 1,
        "empty_file": 1,
    }
    letters = dead_letters_of(bad_run["out"] / "web/extract")
    assert sorted((Path(x["file"]).name, x["offset"], x["reason"]) for x in letters) == [
        ("corrupt.warc.gz", 1483, "corrupt_gzip"),
        ("cut.warc.gz", 853, "truncated_file"),
        ("empty.warc", 0, "empty_file"),
        ("example-space-in-url.arc", 151, "truncated_file"),
        ("resync.warc", 2986, "bad_http_head"),
    ]
    # Cut by the end of the file, Content-Lengths too long and too short (lengths.warc,
    # resync.warc's 10 GiB, warcio's example-trunc.warc), the header-only record, and
    # warcio's ARC record.
    assert extract["flag"] == {"truncated": 7}
    kept_urls = {row["url"] for row in rows(bad_run["out"] / "web/extract", ["url"])}
    expected_kept = {
        "bomb/attribute",
        "nul/bytes",
        "surrogate/reference",
        "charset/sjis-labelled-utf8",
        "charset/eucjp-labelled-sjis",
        "charset/meta-contradicts-header",
        "charset/unknown-name",
        "corrupt/10",
        "corrupt/12",
        "cut/13",
        "cut/14",
        "length/15",
        "length/16",
        "length/17",
        "resync/18",
        "resync/19",
    }
    made_up = {url.removeprefix("http://bad.test/") for url in kept_urls if "bad.test" in url}
    assert made_up == expected_kept
    charsets = {
        row["url"].removeprefix("http://bad.test/"): row["charset"]
        for row in rows(bad_run["out"] / "web/extract", ["url", "charset"])
    }
    assert charsets["charset/sjis-labelled-utf8"] == "cp932"
    assert charsets["charset/eucjp-labelled-sjis"] == "euc_jp"
    assert charsets["charset/meta-contradicts-header"] == "euc_jp"
    assert charsets["charset/unknown-name"] == "cp932"
    notes = bad_run["stats"]["notes/read"]
    assert notes["outcome"] == {"kept": 4, "empty": 1}
    assert notes["dead_lettered"] == {
        "invalid_json": 1,
        "invalid_unicode": 1,
        "invalid_utf8": 1,
        "missing_text": 1,
    }
    assert bad_run["stats"]["notes/dedup"]["outcome"]["exact_duplicate"] == 1


def test_duplicates_reach_dedup_and_are_removed(bad_run):
    stats = bad_run["stats"]
    assert stats["web/dedup"]["outcome"]["exact_duplicate"] == 2  # both copies pass the filter
    assert stats["web/tokenize"]["outcome"] == {"kept": stats["web/dedup"]["outcome"]["kept"]}


def rows(directory: Path, columns: list[str]) -> list[dict]:
    return [
        row
        for path in sorted(directory.glob("documents-*.parquet"))
        for row in pq.read_table(path, columns=columns).to_pylist()
    ]


def test_no_output_text_holds_a_nul_or_a_lone_surrogate(bad_run):
    paths = sorted(bad_run["out"].rglob("documents-*.parquet"))
    assert len(paths) >= 7
    for path in paths:
        for row in pq.read_table(path, columns=["id", "text", "paragraphs"]).to_pylist():
            texts = [row["id"], row["text"], *(p["text"] or "" for p in row["paragraphs"])]
            for text in texts:
                assert "\0" not in text, (path, row["id"])
                assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text), (path, row["id"])
    # The 5 MB class attribute is cut in the paragraphs' paths.
    extracted = rows(bad_run["out"] / "web/extract", ["paragraphs"])
    assert max(len(p["path"]) for row in extracted for p in row["paragraphs"]) <= MAX_PATH_CHARS


def test_bombs_are_dropped_within_the_time_limit(fixtures):
    config = ExtractConfig(**EXTRACT)
    extractor = DocumentExtractor(config)
    pages = bad_pages(fixtures)
    for url, expected in (
        ("http://bad.test/bomb/deep", Outcome.NESTING_TOO_DEEP),
        ("http://bad.test/bomb/line", Outcome.TIMEOUT),
    ):
        (record,) = read_warc(io.BytesIO(warc_record(url, pages[url])), "bomb.warc")
        started = time.monotonic()
        assert extractor.extract(triage(record, config)) == expected
        # The parse before the walk cannot be interrupted: linear, 0.8 s for the one-line
        # bomb on a quiet machine, 1.6 s on a busy one; without the limit it takes 4.5 s.
        assert time.monotonic() - started < TIME_LIMIT_SECONDS + 2.5


def test_an_oversized_body_is_dropped_without_being_held():
    body = b"<html><body>" + b"\xe3\x81\x82" * MAX_RECORD_BYTES  # three times the limit
    data = warc_record("http://bad.test/oversized", http_block(body))
    del body
    stream = io.BytesIO(data)
    tracemalloc.start()
    (record,) = read_warc(stream, "oversized.warc", max_body_bytes=MAX_RECORD_BYTES)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert record.body is None and record.content_length > MAX_RECORD_BYTES
    assert triage(record, ExtractConfig(**EXTRACT)) == Outcome.TOO_LARGE
    # The reader holds about 4 MB of buffers, whatever the body's size (tried up to 60 MB).
    assert peak < MAX_RECORD_BYTES // 2
