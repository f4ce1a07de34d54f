"""Paragraph statistics in Beam: exact and near frequencies, merging runs, attaching."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.util import assert_that, equal_to

from corpus.config import validate
from corpus.paragraph_stats.near_duplicates import near_frequencies
from corpus.pipelines.paragraph_stats import ParagraphStatistics
from corpus.schema import DOCUMENT_SCHEMA, Document, Paragraph
from tests.support.outputs import side
from tests.support.stages import run_stage_into

pytestmark = pytest.mark.slow

DOCOMO = "extraction/uzushio/dedup_docomo.txt"
LIVEDOOR = "ja_text/livedoor-news-corpus/text/sports-watch"


@pytest.fixture(scope="module")
def documents(fixtures: Path) -> list[Document]:
    """The docomo page, and ten livedoor articles under the same real header and footer
    (taken from the docomo page), the footer's count varying as a template's would."""
    docomo = (fixtures / DOCOMO).read_text(encoding="utf-8").split("\n\n")
    header = "ログイン\n新規ID登録\n閲覧履歴\nヘルプ"
    documents = [Document(id="docomo", paragraphs=[Paragraph(p) for p in docomo if p.strip()])]
    for i, path in enumerate(sorted((fixtures / LIVEDOOR).glob("*-*.txt"))[:10]):
        body = [line for line in path.read_text(encoding="utf-8").splitlines()[3:] if line]
        footer = f"クチコミ投稿数：{i + 3}件 このページの先頭へ"
        texts = [header, *body, footer]
        documents.append(Document(id=path.stem, paragraphs=[Paragraph(t) for t in texts]))
    return documents


def statistics(documents: list[Document], directory: Path) -> list[dict]:
    output = directory / f"stats-{len(list(directory.iterdir()))}.json"
    with beam.Pipeline(runner=FnApiRunner()) as pipeline:
        _ = (
            pipeline
            | beam.Create(documents)
            | beam.FlatMap(lambda d: [(t, 1) for t in {p.text for p in d.live_paragraphs}])
            | ParagraphStatistics()
            | beam.combiners.ToList()
            | beam.Map(lambda rows: output.write_text(json.dumps(rows, ensure_ascii=False)))
        )
    return sorted(json.loads(output.read_text()), key=lambda r: r["key"])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("stats")


@pytest.fixture(scope="module")
def rows(documents, scratch) -> list[dict]:
    return statistics(documents, scratch)


def test_frequencies_equal_the_in_memory_reference(documents, rows):
    exact = Counter(t for d in documents for t in {p.text for p in d.live_paragraphs})
    near = near_frequencies(exact)
    assert {r["text"]: r["exact_freq"] for r in rows} == dict(exact)
    assert {r["text"]: r["near_freq"] for r in rows} == near
    by_text = {r["text"]: r for r in rows}
    assert by_text["ログイン\n新規ID登録\n閲覧履歴\nヘルプ"]["exact_freq"] == 11  # 10 + docomo
    footers = [r for t, r in by_text.items() if t.startswith("クチコミ投稿数：") and "先頭" in t]
    assert len(footers) == 10 and {r["near_freq"] for r in footers} == {10}
    assert len({r["group"] for r in footers}) == 1
    article = by_text[documents[1].paragraphs[1].text]
    assert (article["exact_freq"], article["near_freq"]) == (1, 1)


def test_merging_two_runs_equals_one_run_over_both(documents, rows, scratch):
    first, second = statistics(documents[:5], scratch), statistics(documents[5:], scratch)
    merged_input = [(r["text"], r["exact_freq"]) for r in first + second]
    with beam.Pipeline(runner=FnApiRunner()) as pipeline:
        merged = pipeline | beam.Create(merged_input) | ParagraphStatistics()
        assert_that(merged, equal_to(rows))


def run_stage_on(documents: list[Document], directory: Path, **stage_config) -> dict:
    source = directory / "input" / "documents-00000-of-00001.parquet"
    source.parent.mkdir(parents=True)
    table = pa.Table.from_pylist([d.to_row() for d in documents], schema=DOCUMENT_SCHEMA)
    pq.write_table(table, source)
    inputs = [str(source)]
    raw = {"inputs": inputs, "output": str(directory), "paragraph_stats": stage_config}
    out = directory / "paragraph_stats"
    return run_stage_into("paragraph_stats", inputs, str(out), validate(raw), [])


def test_a_page_repeating_a_paragraph_counts_once(documents, rows):
    docomo = Counter(p.text for p in documents[0].live_paragraphs)
    elsewhere = {p.text for d in documents[1:] for p in d.live_paragraphs}
    repeated = [t for t, n in docomo.items() if n > 1 and t not in elsewhere]
    assert len(repeated) >= 10  # the page's own menus, listed more than once
    by_text = {r["text"]: r for r in rows}
    assert {by_text[t]["exact_freq"] for t in repeated} == {1}


def test_the_stage_attaches_statistics_to_every_live_paragraph(documents, rows, scratch):
    stats = run_stage_on(documents, scratch / "stage")
    out = scratch / "stage" / "paragraph_stats"
    assert stats["outcome"] == {"kept": len(documents)}
    assert stats["records_read"] == len(documents)
    assert stats["paragraphs"] == {
        "live": sum(len(d.live_paragraphs) for d in documents),
        "distinct": len(rows),
    }
    written = pq.read_table(out / "documents-00000-of-00001.parquet").to_pylist()
    attached = [Document.from_row(row) for row in written]
    assert [d.id for d in attached] == [d.id for d in documents]
    expected = {r["text"]: (r["exact_freq"], r["near_freq"]) for r in rows}
    for before, after in zip(documents, attached, strict=True):
        assert [p.text for p in after.paragraphs] == [p.text for p in before.paragraphs]
        for paragraph in after.paragraphs:
            assert (paragraph.exact_freq, paragraph.near_freq) == expected[paragraph.text]
    table = pq.read_table(side(out) / "paragraphs")
    assert sorted(table.to_pylist(), key=lambda r: r["key"]) == rows


def test_the_stage_merges_an_earlier_runs_statistics(documents, rows, scratch):
    run_stage_on(documents[:5], scratch / "earlier")
    earlier = [str(scratch / "earlier" / "paragraph_stats.meta" / "paragraphs" / "*.parquet")]
    run_stage_on(documents[5:], scratch / "later", previous=earlier)
    out = scratch / "later" / "paragraph_stats"
    table = pq.read_table(side(out) / "paragraphs")
    assert sorted(table.to_pylist(), key=lambda r: r["key"]) == rows
