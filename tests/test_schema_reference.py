"""docs/schema.md is generated from the document schema and kept current."""

import re

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from corpus.schema import (
    DOCUMENT_COLUMNS,
    DOCUMENT_SCHEMA,
    PARAGRAPH_COLUMNS,
    PARAGRAPH_TYPE,
    Document,
)
from corpus.schema_reference import COMMAND, reference
from tests.support.documents import MIXED
from tests.support.paths import ROOT


def test_committed_reference_is_current():
    committed = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    assert committed == reference(), f"docs/schema.md is out of date: run `{COMMAND}`"


def test_every_column_has_a_meaning_and_no_meaning_lacks_a_column():
    assert list(DOCUMENT_COLUMNS) == DOCUMENT_SCHEMA.names
    paragraph_names = [PARAGRAPH_TYPE.field(i).name for i in range(PARAGRAPH_TYPE.num_fields)]
    assert list(PARAGRAPH_COLUMNS) == paragraph_names


def test_the_reference_states_type_and_nullability():
    text = reference()
    assert "| `language_score` | float | yes |" in text
    assert "| `id` | string | no |" in text
    assert "| `paragraphs` | list of paragraph | no |" in text
    assert "| `exact_freq` | int64 | yes |" in text


def test_the_reference_examples_give_every_paragraph_text(tmp_path, monkeypatch):
    """The pyarrow, pandas, DuckDB and Polars examples, run on a stage's file."""
    directory = tmp_path / "out/web/filter"
    directory.mkdir(parents=True)
    table = pa.Table.from_pylist(
        [Document(id="d", paragraphs=MIXED).to_row()], schema=DOCUMENT_SCHEMA
    )
    pq.write_table(table, directory / "documents-00000-of-00001.parquet")
    monkeypatch.chdir(tmp_path)
    wanted = [p.text for p in MIXED]
    blocks = re.findall(r"```(python|sql)\n(.*?)```", reference(), re.DOTALL)
    assert [language for language, _ in blocks] == ["python", "sql", "python"]
    python = {}
    exec(blocks[0][1], python)
    assert python["texts"] == wanted
    assert python["df"]["paragraph_texts"].tolist() == [wanted]
    assert [text for _, text in duckdb.sql(blocks[1][1]).fetchall()] == wanted
    polars = {}
    exec(blocks[2][1], polars)
    assert polars["paragraphs"]["paragraph"].to_list() == wanted
