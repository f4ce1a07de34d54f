"""The extraction stage as a Beam pipeline: accounting, dead letters, determinism, CLI."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpus.accounting import accounted
from corpus.cli import main
from corpus.config import validate
from corpus.extract.extractor import DocumentExtractor
from corpus.extract.outcome import Outcome
from corpus.pipelines.extract import EXTRACTION_ERROR, ExtractFile
from corpus.warc.reader import ReadFailure, read_warc
from tests.support.outputs import dead_letters_of, side, stats_of
from tests.support.paths import ROOT
from tests.support.stages import run_stage_into

SAMPLE = ROOT / "corpus/sample/sample.warc.gz"

pytestmark = pytest.mark.slow


def damaged_copies(fixtures: Path, directory: Path) -> list[str]:
    """Real WARC bytes broken the ways files break: a flipped byte, a cut-off end."""
    original = (fixtures / "warc/resiliparse/warcfile.warc.gz").read_bytes()
    flipped = bytearray(original)
    flipped[12685 + 200] ^= 0xFF  # inside the gzip member that starts at 12685
    cut = (fixtures / "warc/dolma/sample-0000.warc.gz").read_bytes()
    paths = {"flipped.warc.gz": bytes(flipped), "cut.warc.gz": cut[: len(cut) // 2]}
    for name, data in paths.items():
        (directory / name).write_bytes(data)
    return [str(directory / name) for name in paths]


def warc_inputs(fixtures: Path, directory: Path) -> list[str]:
    files = [p for p in sorted((fixtures / "warc").rglob("*")) if p.is_file()]
    real = [str(p) for p in files if p.name != "LICENSE"]
    return [str(SAMPLE), *real, *damaged_copies(fixtures, directory)]


def read_directly(paths: list[str]) -> tuple[int, int, int]:
    """(records, failures, truncated records), counted with the reader alone, without Beam."""
    records = failures = truncated = 0
    for path in paths:
        with open(path, "rb") as stream:
            for item in read_warc(stream, path):
                if isinstance(item, ReadFailure):
                    failures += 1
                else:
                    records += 1
                    truncated += item.truncated is not None
    return records, failures, truncated


def extract(inputs: list[str], output: Path, workers: int) -> dict:
    config = validate({"inputs": inputs, "output": str(output)})
    return run_stage_into(
        "extract", inputs, str(output), config, [f"--direct_num_workers={workers}"]
    )


def output_files(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def runs(fixtures, tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("extract")
    inputs = warc_inputs(fixtures, base)
    one = extract(inputs, base / "one", workers=1)
    two = extract(inputs, base / "two", workers=2)
    return {"inputs": inputs, "base": base, "one": one, "two": two}


def test_every_record_is_accounted_for(runs):
    stats = runs["one"]
    outcomes = stats["outcome"]
    assert set(outcomes) <= {o.value for o in Outcome}
    records, failures, truncated = read_directly(runs["inputs"])
    assert stats["records_read"] == records + failures
    assert stats["records_read"] == accounted(stats)
    assert sum(outcomes.values()) == records
    assert sum(stats["dead_lettered"].values()) == failures
    # The flipped member; the ends of clipped.warc.gz, the cut copy and an ARC file.
    assert stats["dead_lettered"] == {"corrupt_gzip": 1, "truncated_file": 3}
    # clipped.warc.gz, the cut-off copy's last record, example-trunc.warc's short length...
    assert stats["flag"]["truncated"] == truncated >= 2


def test_documents_match_the_kept_count_and_are_japanese(runs):
    directory = runs["base"] / "one"
    table = pq.ParquetDataset(sorted(directory.glob("documents-*.parquet"))).read()
    assert table.num_rows == runs["one"]["outcome"][Outcome.KEPT] > 0
    rows = table.to_pylist()
    assert {r["language"] for r in rows} == {"ja"}
    assert all(r["language_score"] >= 0.5 for r in rows)
    # Each paragraph is a range of the text, separated from the next by a blank line.
    assert all(
        r["text"] == "\n\n".join(r["text"][p["start"] : p["stop"]] for p in r["paragraphs"])
        for r in rows
    )
    assert len({r["id"] for r in rows}) == len(rows)


def test_each_input_file_has_its_documents_file_in_record_order(runs):
    inputs = sorted(runs["inputs"])
    files = sorted((runs["base"] / "one").glob("documents-*.parquet"))
    assert [f.name for f in files] == [
        f"documents-{i:05d}-of-{len(inputs):05d}.parquet" for i in range(len(inputs))
    ]
    kept_per_file = []
    for path, source in zip(files, inputs, strict=True):
        rows = pq.read_table(path, columns=["warc_file", "warc_offset"]).to_pylist()
        assert {r["warc_file"] for r in rows} <= {source}
        offsets = [r["warc_offset"] for r in rows]
        assert offsets == sorted(offsets)
        kept_per_file.append(len(rows))
    # The sample's file holds its documents; a file with none kept has an empty one.
    assert kept_per_file[inputs.index(str(SAMPLE))] > 0
    assert 0 in kept_per_file


def test_dead_letters_name_file_offset_and_reason(runs):
    letters = dead_letters_of(runs["base"] / "one")
    assert len(letters) == sum(runs["one"]["dead_lettered"].values())
    assert all(set(letter) == {"file", "offset", "reason", "error"} for letter in letters)
    assert sorted((Path(x["file"]).name, x["offset"], x["reason"]) for x in letters) == [
        ("clipped.warc.gz", 0, "truncated_file"),
        ("cut.warc.gz", 100317, "truncated_file"),
        ("example-space-in-url.arc", 151, "truncated_file"),
        ("flipped.warc.gz", 12685, "corrupt_gzip"),
    ]


def test_one_and_two_workers_write_identical_bytes(runs):
    assert runs["one"] == runs["two"]
    one = output_files(runs["base"] / "one") | output_files(side(runs["base"] / "one"))
    two = output_files(runs["base"] / "two") | output_files(side(runs["base"] / "two"))
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


def test_an_output_holding_another_command_s_results_is_refused(runs, tmp_path, capsys):
    output = tmp_path / "docs"
    assert main(["extract", str(SAMPLE), "--output", str(output), "--direct_num_workers=1"]) == 0
    changed = ["--set", "extract.min_language_score=0.9"]
    code = main(["extract", str(SAMPLE), "--output", str(output), *changed])
    assert code == 2
    assert "already holds another run's results" in capsys.readouterr().err


def test_cli_extract_subcommand(tmp_path, capsys):
    output = tmp_path / "docs"
    code = main(["extract", str(SAMPLE), "--output", str(output), "--direct_num_workers=1"])
    assert code == 0
    stats = stats_of(output / "extract")
    printed = capsys.readouterr().out
    assert f"extract: {stats['records_read']} records read" in printed
    documents = pq.read_table(output / "extract")
    assert stats["outcome"][Outcome.KEPT] == documents.num_rows


def test_cli_reports_config_errors_before_work(tmp_path, capsys):
    code = main(
        ["extract", str(SAMPLE), "--output", str(tmp_path / "o"), "--set", "extract.max_depth=1"]
    )
    assert code == 2
    assert "extract.max_depth" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
    code = main(["extract", str(tmp_path / "nothing-*.warc.gz"), "--output", str(tmp_path / "o")])
    assert code == 2
    assert "matches no file" in capsys.readouterr().err


def test_trafilatura_method_runs_as_a_stage(runs, tmp_path):
    output = tmp_path / "docs"
    config = validate(
        {"inputs": [str(SAMPLE)], "output": str(output), "extract": {"method": "trafilatura"}}
    )
    stats = run_stage_into(
        "extract", [str(SAMPLE)], str(output), config, ["--direct_num_workers=1"]
    )
    rows = pq.ParquetDataset(sorted(output.glob("documents-*.parquet"))).read().to_pylist()
    assert len(rows) == stats["outcome"][Outcome.KEPT] > 0
    assert {p["path"] for r in rows for p in r["paragraphs"]} == {""}
    # trafilatura drops the site chrome that the paragraphs method keeps (with its path).
    footer = "個人情報の取り扱い"
    assert not any(footer in r["text"] for r in rows)
    paragraphs_method = pq.ParquetDataset(sorted((runs["base"] / "one").glob("doc*"))).read()
    kept_footers = [
        p["path"]
        for r in paragraphs_method.to_pylist()
        for p in r["paragraphs"]
        if footer in r["text"][p["start"] : p["stop"]]
    ]
    assert kept_footers and all("footer" in path for path in kept_footers)


def test_a_page_that_breaks_extraction_is_a_dead_letter_and_the_file_goes_on(tmp_path, monkeypatch):
    in_this_process = ["--direct_num_workers=1", "--direct_running_mode=in_memory"]

    def extract_sample(output: Path) -> dict:
        config = validate({"inputs": [str(SAMPLE)], "output": str(output)})
        return run_stage_into("extract", [str(SAMPLE)], str(output), config, in_this_process)

    clean = extract_sample(tmp_path / "clean")
    broken_offset = 19275  # a Japanese page of the sample, kept when nothing breaks
    extract_page = DocumentExtractor.extract

    def breaks_on_one_page(self, candidate):
        if candidate.warc_offset == broken_offset:
            raise ValueError("a page the code cannot handle")
        return extract_page(self, candidate)

    monkeypatch.setattr(DocumentExtractor, "extract", breaks_on_one_page)
    # Counts leave the worker every 3 records as well as at the file's end.
    monkeypatch.setattr(ExtractFile, "COUNTS_EVERY", 3)
    output = tmp_path / "broken"
    stats = extract_sample(output)
    letters = dead_letters_of(output)
    assert [(x["offset"], x["reason"]) for x in letters] == [(broken_offset, EXTRACTION_ERROR)]
    assert "a page the code cannot handle" in letters[0]["error"]
    assert stats["dead_lettered"] == {EXTRACTION_ERROR: 1}
    assert stats["records_read"] == clean["records_read"] == accounted(stats)
    assert stats["outcome"] == clean["outcome"] | {"kept": clean["outcome"]["kept"] - 1}
    rows = pq.read_table(output, columns=["warc_offset"]).column("warc_offset").to_pylist()
    assert broken_offset not in rows
    assert len(rows) == stats["outcome"][Outcome.KEPT] > 0
