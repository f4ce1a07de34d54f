"""The JSON Lines reader on files the tests write: every bad line a counted, recorded drop,
plain and compressed files alike, cut-off files reported."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest
import zstandard

from corpus.dedup.config import DedupConfig, MinHashConfig
from corpus.dedup.fingerprint import URL_ORDER, Fingerprint, Fingerprinter, make_ref, merge_copies
from corpus.schema import DOCUMENT_SCHEMA, Document, Paragraph
from corpus.sources import make_reader
from corpus.sources.jsonl import JsonlReader
from corpus.sources.records import ReadResult, Skipped, Unreadable
from tests.support.source_files import CONTENT

LIVEDOOR = "ja_text/livedoor-news-corpus/text"


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


def livedoor_lines(fixtures: Path) -> list[dict]:
    """The livedoor news articles as JSON objects: line 1 of an article is its URL, line 2
    its date (`2010-07-15T14:00:00+0900`), line 3 its title, the rest its body."""
    lines = []
    for path in sorted((fixtures / LIVEDOOR).glob("*/*-*.txt")):
        url, date, _title, *body = path.read_text(encoding="utf-8").splitlines()
        lines.append({"id": path.stem, "url": url, "date": date, "text": "\n".join(body)})
    return lines


def write_lines(path: Path, lines: list[dict]) -> str:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return str(path)


WEB = {"url_field": "url", "date_field": "date"}


def test_documents_carry_url_host_and_date(fixtures: Path, tmp_path: Path):
    lines = livedoor_lines(fixtures)
    path = write_lines(tmp_path / "livedoor.jsonl", lines)
    documents = list(JsonlReader(source="livedoor", id_field="id", **WEB).read(path))
    assert len(documents) == len(lines) > 100
    assert all(isinstance(d, Document) for d in documents)
    assert [d.url for d in documents] == [line["url"] for line in lines]
    assert {d.host for d in documents} == {"news.livedoor.com"}
    first = documents[0]
    assert (first.id, first.url) == (
        "dokujo-tsushin-4880091",
        "http://news.livedoor.com/article/detail/4880091/",
    )
    # 2010-07-15T14:00:00+0900: documents hold UTC dates
    assert first.date == datetime(2010, 7, 15, 5, 0, tzinfo=UTC)
    dates = [datetime.strptime(line["date"], "%Y-%m-%dT%H:%M:%S%z") for line in lines]
    assert [d.date for d in documents] == dates
    assert {d.date.tzinfo for d in documents} == {UTC}
    # the dates fit the document schema, to the second
    table = pa.Table.from_pylist([d.to_row() for d in documents], schema=DOCUMENT_SCHEMA)
    assert table.column("date").to_pylist()[0] == first.date


def test_url_and_date_values(tmp_path: Path):
    lines = [
        {"text": "日付だけ", "url": "https://Example.JP:8080/a?b=1#c", "date": "2024-05-20"},
        {"text": "エポック秒", "date": 1716199200},
        {"text": "小数の秒", "url": None, "date": 1716199200.75},
        {"text": "時差つき", "date": "2024-05-20 19:00:00.5+09:00"},
        {"text": "日付が空", "date": ""},
        {"text": "日付が null", "date": None},
        {"text": "日付が文", "date": "昨日"},
        {"text": "日付が真偽値", "date": True},
        {"text": "日付が配列", "date": [2024, 5, 20]},
        {"text": "ミリ秒", "date": 1716199200000},
        {"text": "月が十三", "date": "2024-13-01"},
        {"text": "URL が数", "url": 42},
        {"text": "URL にサロゲート", "url": "http://a.jp/\ud800"},
    ]
    path = write_lines(tmp_path / "web.jsonl", lines)
    results = list(JsonlReader(source="s", **WEB).read(path))
    assert reasons(results) == [
        *["kept"] * 6,
        *["bad_date"] * 5,
        "url_not_string",
        "invalid_unicode",
    ]
    may_20 = datetime(2024, 5, 20, tzinfo=UTC)
    ten_am = datetime(2024, 5, 20, 10, tzinfo=UTC)
    assert [(d.url, d.host, d.date) for d in results[:6]] == [
        ("https://Example.JP:8080/a?b=1#c", "example.jp", may_20),
        (None, None, ten_am),
        (None, None, ten_am),
        (None, None, ten_am),
        (None, None, None),
        (None, None, None),
    ]
    bad = results[6:]
    assert [r.position for r in bad] == list(range(7, 14))
    assert bad[0].error.startswith("'date': '昨日' is not an ISO 8601 date")
    assert bad[1].error.startswith("'date': a bool is not a date")
    assert bad[5].error.startswith("'url' is int")
    # without the fields, the same lines carry neither URL nor date
    plain = [r for r in JsonlReader(source="s").read(path) if isinstance(r, Document)]
    assert len(plain) == len(lines) and {(d.url, d.host, d.date) for d in plain} == {
        (None, None, None)
    }


def url_survivors(documents: list[Document], rule: str) -> list[tuple[str, int]]:
    """(id, cluster size) of the documents the dedup stage's URL rule keeps: one per URL key,
    chosen by the stage's order and merge; documents without a URL are left alone."""
    fingerprinter = Fingerprinter(DedupConfig(minhash=MinHashConfig(enabled=False)))
    kept: dict[str, Fingerprint] = {}
    unkeyed = []
    for row, document in enumerate(documents):
        fingerprint, _ = fingerprinter(document, make_ref(0, row))
        if not fingerprint.url_key:
            unkeyed.append(fingerprint)
        elif (other := kept.get(fingerprint.url_key)) is None:
            kept[fingerprint.url_key] = fingerprint
        else:
            kept[fingerprint.url_key] = merge_copies(other, fingerprint, URL_ORDER[rule])
    return sorted((f.id, f.cluster_size) for f in [*kept.values(), *unkeyed])


def test_url_dedup_applies_to_a_jsonl_source(fixtures: Path, tmp_path: Path):
    first, second, *_ = livedoor_lines(fixtures)
    recaptured = {
        **first,
        "id": "recaptured",
        "url": first["url"].replace("http://news.livedoor.com", "HTTP://News.Livedoor.COM")
        + "#top",
        "date": "2013-01-01T00:00:00+09:00",
        "text": first["text"][: len(first["text"]) // 2],
    }
    path = write_lines(tmp_path / "captures.jsonl", [first, second, recaptured])
    documents = list(JsonlReader(source="s", id_field="id", **WEB).read(path))
    # the same URL (host case and fragment aside) captured twice: one document stands for both
    assert url_survivors(documents, "newest") == sorted([("recaptured", 2), (second["id"], 1)])
    assert url_survivors(documents, "longest") == [(first["id"], 2), (second["id"], 1)]
    # without `url_field` the URL rule has nothing to go by
    unnamed = list(JsonlReader(source="s", id_field="id").read(path))
    assert url_survivors(unnamed, "newest") == sorted(
        [(first["id"], 1), (second["id"], 1), ("recaptured", 1)]
    )


def test_a_line_over_the_time_limit_is_a_counted_dead_letter(tmp_path: Path):
    path = write(tmp_path, ".jsonl")
    results = list(JsonlReader(source="s", time_limit_seconds=1e-9).read(path))
    assert {r.reason for r in results} == {"timeout"}
    assert [r.position for r in results] == list(range(1, len(CONTENT.splitlines()) + 1))
    assert results[0].error == "the conversion took over 1e-09 s"
    assert list(JsonlReader(source="s").read(path)) == list(
        JsonlReader(source="s", time_limit_seconds=60).read(path)
    )
