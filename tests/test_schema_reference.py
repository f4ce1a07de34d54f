"""docs/schema.md is generated from the document schema and kept current."""

from pathlib import Path

from corpus.schema import DOCUMENT_COLUMNS, DOCUMENT_SCHEMA, PARAGRAPH_COLUMNS, PARAGRAPH_TYPE
from corpus.schema_reference import COMMAND, reference

REPO = Path(__file__).resolve().parents[1]


def test_committed_reference_is_current():
    committed = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
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
