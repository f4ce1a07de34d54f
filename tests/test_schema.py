import copy
import pickle
from datetime import UTC, datetime
from operator import attrgetter

import apache_beam as beam
import duckdb
import polars
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from corpus.pipelines.document_io import DAMAGED_DOCUMENT, ReadDocuments, read_document_file
from corpus.schema import DOCUMENT_SCHEMA, DamagedDocument, Document, Paragraph
from tests.support.documents import MIXED

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
            Paragraph("本文です。", "html>body>p", 2, main_content=0.75),
        ],
    )
    row = pa.Table.from_pylist([document.to_row()], schema=DOCUMENT_SCHEMA).to_pylist()[0]
    assert row["text"] == "見出し\n\n本文です。"
    assert row["paragraphs"][1] == {
        "text": None,  # stored once, in the document's text
        "start": 5,
        "stop": 10,
        "path": "html>body>p",
        "link_chars": 2,
        "exact_freq": None,
        "near_freq": None,
        "removed_by": "",
        "main_content": 0.75,
    }
    assert row["paragraphs"][0]["main_content"] is None  # not measured
    assert row["removed_by"] is None  # kept
    assert row["source_language"] is None
    assert Document.from_row(row) == document


def test_a_document_round_trips_through_pickle_as_beam_moves_it():
    paragraphs = [
        Paragraph("見出し", "html>body>h1", 0, exact_freq=3, near_freq=5),
        Paragraph("広告", "html>body>aside", 2, removed_by="FurnitureDOM"),
    ]
    document = Document(
        **FIELDS, source_language="jpn,eng", paragraphs=paragraphs, removed_by="DocLength"
    )
    document.cluster_id, document.cluster_size = "urn:uuid:0", 3
    moved = pickle.loads(pickle.dumps(document))
    assert moved == document
    assert [type(p) for p in moved.paragraphs] == [Paragraph, Paragraph]
    assert pickle.loads(pickle.dumps(paragraphs[1])) == paragraphs[1]


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


LIVE_TEXTS = [p.text for p in MIXED if p.live]


def stored_table(documents: list[Document]) -> pa.Table:
    rows = [d.to_row() for d in documents]
    return pa.Table.from_pylist(rows, schema=DOCUMENT_SCHEMA)


def test_live_paragraphs_are_offsets_into_the_text_and_removed_ones_keep_theirs():
    document = Document(**FIELDS, paragraphs=MIXED, removed_by="DocLength(low=50)")
    row = stored_table([document]).to_pylist()[0]
    assert row["text"] == "\n\n".join(LIVE_TEXTS)
    stored = row["paragraphs"]
    assert [p["text"] for p in stored] == [None, "メニュー", None, None, None, "© 2024"]
    cut = [row["text"][p["start"] : p["stop"]] for p in stored if p["start"] is not None]
    assert cut == LIVE_TEXTS
    assert [(p["start"], p["stop"]) for p in stored if not p["removed_by"]] == [
        (0, 7),  # 𠮷 and 🍣 are one character each
        (9, 23),  # 👨‍👩‍👧 is five (three people joined by two zero-width joiners)
        (25, 25),
        (27, 33),
    ]
    assert Document.from_row(row) == document


def test_duckdb_and_polars_cut_exactly_the_paragraph_texts(tmp_path):
    path = tmp_path / "documents.parquet"
    pq.write_table(stored_table([Document(**FIELDS, paragraphs=MIXED)]), path)
    query = f"""
        SELECT coalesce(p.text, substring(d.text, p.start + 1, p.stop - p.start)) AS text
        FROM (SELECT text, unnest(paragraphs) AS p FROM read_parquet('{path}')) AS d
    """
    assert [text for (text,) in duckdb.sql(query).fetchall()] == [p.text for p in MIXED]
    texts = (
        polars.read_parquet(path)
        .explode("paragraphs")
        .unnest("paragraphs", separator=".")
        .select(
            polars.coalesce(
                "paragraphs.text",
                polars.col("text").str.slice(
                    "paragraphs.start",
                    polars.col("paragraphs.stop") - polars.col("paragraphs.start"),
                ),
            )
        )
        .to_series()
        .to_list()
    )
    assert texts == [p.text for p in MIXED]


def test_a_row_whose_offsets_do_not_fit_its_text_is_damaged():
    row = stored_table([Document(**FIELDS, paragraphs=MIXED)]).to_pylist()[0]
    shifted = copy.deepcopy(row)
    shifted["paragraphs"][2]["start"] += 1  # not where the separator before it ends
    short = copy.deepcopy(row)
    short["paragraphs"][4]["stop"] -= 1  # the text goes on after the last live paragraph
    long = copy.deepcopy(row)
    long["paragraphs"][4]["stop"] += 1  # past the end of the text
    split = copy.deepcopy(row)
    split["paragraphs"][2]["stop"] = 16  # inside the paragraph, not before a separator
    missing = copy.deepcopy(row)
    missing["paragraphs"][0]["start"] = None
    repeated = copy.deepcopy(row)
    repeated["paragraphs"][0]["text"] = MIXED[0].text  # a live text stored twice
    textless = copy.deepcopy(row)
    textless["paragraphs"][1]["text"] = None  # a removed paragraph is not in the text
    for damaged in [shifted, short, long, split, missing, repeated, textless]:
        with pytest.raises(DamagedDocument):
            Document.from_row(damaged)
    no_paragraphs = {**row, "paragraphs": []}
    with pytest.raises(DamagedDocument):
        Document.from_row(no_paragraphs)  # text that no paragraph holds


def test_a_damaged_row_is_a_counted_dead_letter_and_the_next_rows_are_read(tmp_path):
    path = tmp_path / "documents.parquet"
    documents = [Document(id=f"d{n}", paragraphs=MIXED) for n in range(3)]
    table = stored_table(documents).to_pylist()
    table[1]["paragraphs"][4]["stop"] = 99
    pq.write_table(pa.Table.from_pylist(table, schema=DOCUMENT_SCHEMA), path)
    with BeamTestPipeline() as pipeline:
        read = pipeline | ReadDocuments([str(path)])
        assert_that(read.documents | beam.Map(attrgetter("id")), equal_to(["d0", "d2"]))
        letters = read.dead_letters | beam.Map(lambda d: (d["offset"], d["reason"]))
        assert_that(letters, equal_to([(1, DAMAGED_DOCUMENT)]), label="letters")
        counts = [(("dead_lettered", DAMAGED_DOCUMENT), 1)]
        assert_that(read.counts, equal_to(counts), label="counts")
    with pytest.raises(DamagedDocument, match=r"documents\.parquet row 1: live paragraph 4"):
        list(read_document_file(str(path)))
