"""The WET reader: Common Crawl's real WET file for one capture, and WET files the tests
write (Japanese text, bad bytes, an empty record, a corrupt gzip member)."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from corpus.schema import Document, Paragraph
from corpus.sources.records import Skipped, Unreadable
from corpus.sources.wet import WetReader

WHIRLWIND = "warc/commoncrawl-whirlwind/whirlwind.warc.wet.gz"


def test_common_crawls_wet_file(fixtures):
    path = str(fixtures / WHIRLWIND)
    info, page = WetReader().read(path)
    assert info == Skipped("not_conversion")
    assert (page.id, page.url, page.host, page.source) == (
        "urn:uuid:ba729a40-ff84-4085-8d48-0a5b2ee0c42d",
        "https://an.wikipedia.org/wiki/Escopete",
        "an.wikipedia.org",
        "web",
    )
    assert page.date == datetime(2024, 5, 18, 1, 58, 10, tzinfo=UTC)
    # Common Crawl's ISO 639-3 code as fastText's ISO 639-1 label, the original kept
    assert (page.language, page.source_language, page.language_score) == ("es", "spa", None)
    assert (page.warc_file, page.warc_offset) == (path, 466)
    # one paragraph per line of the 4,456-byte text
    assert len(page.paragraphs) == 182
    assert page.paragraphs[0] == Paragraph("Escopete - Biquipedia, a enciclopedia libre")
    assert page.paragraphs[2] == Paragraph("Menú principal")
    _, named = WetReader(source="cc-wet").read(path)
    assert named.source == "cc-wet"


def record(record_type: str, number: int, body: bytes) -> bytes:
    header = (
        f"WARC/1.0\r\nWARC-Type: {record_type}\r\n"
        f"WARC-Target-URI: https://example.jp/{number}\r\n"
        f"WARC-Date: 2024-05-18T01:58:{number:02d}Z\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>\r\n"
        f"WARC-Identified-Content-Language: jpn\r\n"
        f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return gzip.compress(header.encode() + body + b"\r\n\r\n")


def test_written_wet_file(tmp_path: Path):
    members = [
        record("warcinfo", 0, b"isPartOf: CC-MAIN-2024-22\r\n"),
        record("conversion", 1, "日本語のページ\n本文の一行目。\n\n  本文の二行目。  \n".encode()),
        record("conversion", 2, "壊れた".encode() + b"\xff\xfe" + "バイト".encode()),
        record("conversion", 3, b" \n \n"),
        record("conversion", 4, "壊される".encode()),
        record("conversion", 5, "最後".encode()),
    ]
    corrupt = bytearray(members[4])
    corrupt[len(corrupt) // 2] ^= 0xFF
    members[4] = bytes(corrupt)
    path = tmp_path / "CC-MAIN-2024-22" / "part-00000.warc.wet.gz"
    path.parent.mkdir()
    path.write_bytes(b"".join(members))
    results = list(WetReader().read(str(path)))
    assert [type(r).__name__ for r in results] == [
        "Skipped",
        "Document",
        "Document",
        "Skipped",
        "Unreadable",
        "Document",
    ]
    japanese, bad_bytes, empty, lost, last = results[1:]
    assert japanese.paragraphs == [
        Paragraph("日本語のページ"),
        Paragraph("本文の一行目。"),
        Paragraph("本文の二行目。"),
    ]
    assert (japanese.source, japanese.id, japanese.warc_offset) == (
        "CC-MAIN-2024-22",
        "urn:uuid:00000000-0000-0000-0000-000000000001",
        len(members[0]),
    )
    assert (japanese.language, japanese.source_language) == ("ja", "jpn")
    assert japanese.hiragana_ratio == 3 / 21  # の の の of 21 characters
    assert bad_bytes.text == "壊れた\ufffd\ufffdバイト"
    assert empty == Skipped("empty")
    offset = sum(len(m) for m in members[:4])
    assert isinstance(lost, Unreadable)
    assert (lost.file, lost.position, lost.reason) == (str(path), offset, "corrupt_gzip")
    assert last.text == "最後" and last.warc_offset == offset + len(members[4])


def test_records_over_the_limit_are_skipped(tmp_path: Path):
    path = tmp_path / "big.warc.wet.gz"
    path.write_bytes(record("conversion", 1, "あ".encode() * 100))
    assert list(WetReader(max_record_bytes=299).read(str(path))) == [Skipped("too_large")]
    assert isinstance(next(iter(WetReader(max_record_bytes=300).read(str(path)))), Document)
