"""The JSON Lines reader on files the tests write: every bad line a counted, recorded drop,
plain and compressed files alike, cut-off files reported."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
from collections.abc import Callable
from pathlib import Path

import pytest
import zstandard

from corpus.schema import Document, Paragraph
from corpus.sources import make_reader
from corpus.sources.jsonl import JsonlReader
from corpus.sources.records import ReadResult, Skipped, Unreadable

LINES = [
    json.dumps({"id": "a", "text": "一つ目の段落。\n続き。\n\n\n  二つ目の段落。  \n", "n": 1}),
    '{"id": "b", "text": "閉じない',
    json.dumps({"id": "c", "body": "text ではない"}),
    json.dumps({"id": "d", "text": 42}),
    "",
    json.dumps(["配列"]),
    json.dumps({"id": "e", "text": " \n\n "}),
    '{"id": "f", "text": "\\ud800"}',
    json.dumps({"id": 7, "text": "整数の id"}),
    json.dumps({"text": "id がない"}),
    json.dumps({"id": [1], "text": "id がリスト"}),
    json.dumps({"id": "g", "text": None}),
]
RAW_LINES = [line.encode() for line in LINES] + [b'{"id": "h", "text": "\xff\xfe"}']
CONTENT = b"\n".join(RAW_LINES) + b"\n"

CODECS: dict[str, Callable[[bytes], bytes]] = {
    ".jsonl": bytes,
    ".jsonl.gz": gzip.compress,
    ".json.gz": gzip.compress,
    ".jsonl.zst": zstandard.ZstdCompressor().compress,
    ".jsonl.bz2": bz2.compress,
    ".jsonl.xz": lzma.compress,
}


def write(directory: Path, suffix: str, content: bytes = CONTENT) -> str:
    path = directory / f"part-0{suffix}"
    path.write_bytes(CODECS[suffix](content))
    return str(path)


def reasons(results: list[ReadResult]) -> list[str]:
    return ["kept" if isinstance(r, Document) else r.reason for r in results]


@pytest.mark.parametrize("suffix", list(CODECS))
def test_every_line_ends_in_one_outcome(tmp_path: Path, suffix: str):
    path = write(tmp_path, suffix)
    results = list(JsonlReader(source="dolma", id_field="id").read(path))
    assert reasons(results) == [
        "kept",
        "invalid_json",
        "missing_text",
        "text_not_string",
        "blank_line",
        "not_an_object",
        "empty",
        "invalid_unicode",
        "kept",
        "missing_id",
        "bad_id",
        "missing_text",
        "invalid_utf8",
    ]
    first, seventh = results[0], results[8]
    assert (first.id, first.source) == ("a", "dolma")
    assert first.paragraphs == [Paragraph("一つ目の段落。\n続き。"), Paragraph("  二つ目の段落。")]
    assert first.hiragana_ratio > 0
    assert seventh.id == "7"
    # every drop that is not by rule says where it was and why
    bad = [r for r in results if isinstance(r, Unreadable)]
    assert [(r.file, r.position) for r in bad] == [
        (path, n) for n in (2, 3, 4, 6, 8, 10, 11, 12, 13)
    ]
    assert bad[0].error.startswith("Unterminated string") and "閉じない" in bad[0].error
    assert results[4] == Skipped("blank_line") and results[6] == Skipped("empty")


def test_ids_default_to_path_and_line(tmp_path: Path):
    path = write(tmp_path, ".jsonl.gz")
    documents = [r for r in JsonlReader(source="s").read(path) if isinstance(r, Document)]
    # without an id field, the lines with a bad or missing id are documents too
    assert [d.id for d in documents] == [f"{path}:{n}" for n in (1, 9, 10, 11)]


def test_text_field_and_paragraph_split(tmp_path: Path):
    code = "def f():\n    return 1\n\n\n\nclass A:\n    pass\n"
    path = tmp_path / "code.jsonl"
    path.write_text(json.dumps({"content": code, "sha": "x1"}) + "\n", encoding="utf-8")
    whole = JsonlReader(source="stack", text_field="content", id_field="sha", paragraphs="whole")
    (document,) = whole.read(str(path))
    assert document.text == code and document.id == "x1"
    lines = JsonlReader(source="s", text_field="content", paragraphs="lines")
    (document,) = lines.read(str(path))
    assert [p.text for p in document.paragraphs] == [
        "def f():",
        "return 1",
        "class A:",
        "pass",
    ]


def test_json_nested_too_deep_is_a_bad_line(tmp_path: Path):
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + '\n{"text": "次の行"}\n')
    deep, document = JsonlReader(source="s").read(str(path))
    assert (deep.position, deep.reason) == (1, "invalid_json")
    assert document.text == "次の行"


def test_a_bom_on_the_first_line_is_ignored(tmp_path: Path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"text": "本文"}).encode() + b"\n")
    (document,) = JsonlReader(source="s").read(str(path))
    assert document.text == "本文"


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_a_compressed_file_cut_short(tmp_path: Path, suffix: str):
    lines = [json.dumps({"text": f"{n}番目の文書。" * 20}) for n in range(2000)]
    path = tmp_path / f"cut{suffix}"
    data = CODECS[suffix](("\n".join(lines) + "\n").encode())
    path.write_bytes(data[: len(data) // 2])
    results = list(JsonlReader(source="s").read(str(path)))
    *documents, cut = results
    assert isinstance(cut, Unreadable) and cut.reason == "truncated_file"
    assert 0 < cut.position == len(documents) < 2000
    assert [d.id for d in documents] == [f"{path}:{n}" for n in range(1, len(documents) + 1)]


def test_concatenated_zstd_frames_are_read_through(tmp_path: Path):
    compress = zstandard.ZstdCompressor().compress
    path = tmp_path / "frames.jsonl.zst"
    path.write_bytes(compress(b'{"text": "1"}\n') + compress(b'{"text": "2"}\n'))
    assert [d.text for d in JsonlReader(source="s").read(str(path))] == ["1", "2"]


def test_a_corrupt_compressed_file(tmp_path: Path):
    path = tmp_path / "corrupt.jsonl.gz"
    data = bytearray(gzip.compress(CONTENT * 50))
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    *_, last = JsonlReader(source="s").read(str(path))
    assert isinstance(last, Unreadable) and last.reason == "unreadable_file"


def test_a_missing_file(tmp_path: Path):
    path = str(tmp_path / "absent.jsonl")
    (result,) = JsonlReader(source="s").read(path)
    assert (result.file, result.position, result.reason) == (path, 0, "unreadable_file")


def test_readers_by_name():
    assert make_reader("jsonl", {"source": "s", "text_field": "body"}) == JsonlReader(
        source="s", text_field="body"
    )
    with pytest.raises(ValueError, match="unknown reader 'csv'"):
        make_reader("csv", {})
    with pytest.raises(ValueError, match="text_fields"):
        make_reader("jsonl", {"source": "s", "text_fields": "body"})
    with pytest.raises(ValueError, match="source"):
        make_reader("jsonl", {})
    with pytest.raises(ValueError, match="paragraphs: 'sentences'"):
        make_reader("jsonl", {"source": "s", "paragraphs": "sentences"})
