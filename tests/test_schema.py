from datetime import UTC, datetime

import pyarrow as pa

from corpus.schema import DOCUMENT_SCHEMA, Document, Paragraph

FIELDS = dict(
    id="urn:uuid:1",
    url="https://例え.jp/a",
    host="xn--r8jz45g.jp",
    date=datetime(2024, 5, 20, 9, tzinfo=UTC),
    source="CC-MAIN-2024-22",
    warc_file="a.warc.gz",
    warc_offset=123,
    charset="cp932",
    charset_source="meta",
    language="ja",
    language_score=0.5,
    hiragana_ratio=0.25,
    katakana_ratio=0.125,
    kanji_ratio=0.375,
)


def test_a_document_round_trips_through_its_parquet_schema():
    document = Document(
        **FIELDS,
        paragraphs=[
            Paragraph("見出し", "html>body>h1", 0, exact_freq=3, near_freq=5),
            Paragraph("本文です。", "html>body>p", 2),
        ],
    )
    row = pa.Table.from_pylist([document.to_row()], schema=DOCUMENT_SCHEMA).to_pylist()[0]
    assert row["text"] == "見出し\n\n本文です。"
    assert row["paragraphs"][1] == {
        "text": "本文です。",
        "path": "html>body>p",
        "link_chars": 2,
        "exact_freq": None,
        "near_freq": None,
        "removed_by": "",
    }
    assert row["removed_by"] is None  # kept
    assert row["source_language"] is None
    assert Document.from_row(row) == document


def test_unknown_values_are_null_on_disk():
    document = Document(id="jsonl:1", paragraphs=[Paragraph("本文")])
    row = pa.Table.from_pylist([document.to_row()], schema=DOCUMENT_SCHEMA).to_pylist()[0]
    unknown = ["url", "host", "date", "charset", "language_score", "removed_by"]
    assert {name: row[name] for name in unknown} == dict.fromkeys(unknown)
    assert Document.from_row(row) == document


def test_text_joins_only_live_paragraphs():
    paragraphs = [Paragraph("a"), Paragraph("nav", removed_by="NoContentDOM"), Paragraph("b")]
    document = Document(**FIELDS, paragraphs=paragraphs)
    assert document.text == "a\n\nb"
    assert [p.text for p in document.live_paragraphs] == ["a", "b"]
