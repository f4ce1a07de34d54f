"""Decontamination on real livedoor articles: a planted article goes, near-but-different texts
stay, the matched example is recorded, JSONL and Parquet sets, config errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from corpus.cli import main
from corpus.config import validate
from corpus.errors import ConfigError
from corpus.filters.chain import FilterChain
from corpus.filters.decontamination import Decontaminate, RollingHashes, normalise
from corpus.schema import DOCUMENT_SCHEMA, Document, Paragraph
from tests.support.livedoor import livedoor_articles
from tests.support.outputs import side, stats_of

PLANTED = "it-life-hack-6319492"  # an it-life-hack article: the planted one
SAME_SITE = "it-life-hack-6366615"  # another article of the same category


@pytest.fixture(scope="module")
def articles(fixtures) -> dict[str, list[str]]:
    found = livedoor_articles(fixtures)
    assert PLANTED in found and SAME_SITE in found
    return found


def document(name: str, paragraphs: list[str]) -> Document:
    return Document(
        name, url=f"http://news.livedoor.com/{name}", paragraphs=[Paragraph(p) for p in paragraphs]
    )


def every_nth_changed(paragraphs: list[str], n: int) -> list[str]:
    """The paragraphs with every `n`th character that normalisation keeps (counted across
    paragraph boundaries) replaced by one it does not map to the same."""
    count = 0
    changed = []
    for paragraph in paragraphs:
        characters = list(paragraph)
        for i, character in enumerate(characters):
            if normalise(character):
                count += 1
                if count % n == 0:
                    characters[i] = "□" if character == "■" else "■"
        changed.append("".join(characters))
    return changed


def write_jsonl(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return str(path)


def eval_rows(articles: dict[str, list[str]]) -> list[dict]:
    body = "\n".join(articles[PLANTED][1:])
    return [
        {"id": "q1", "question": "この記事で紹介された製品は何ですか。", "context": body},
        {"id": "q2", "question": "短い質問", "context": "評価用の別の文章です。" * 3},
    ]


def decontaminate(path: str, **params) -> Decontaminate:
    params = {"fields": ["question", "context"], "id_field": "id", **params}
    f = Decontaminate(eval="planted", paths=[path], **params)
    f.setup()
    return f


def test_rolling_hashes_equal_for_equal_windows_only():
    text = normalise("吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。") * 2
    hashes = RollingHashes(text).windows(10)
    period = len(text) // 2
    assert hashes[0] == hashes[period] and hashes[0] != hashes[1]
    assert RollingHashes(text[3:13]).windows(10)[0] == hashes[3]
    assert len(set(hashes[:period].tolist())) == period
    assert normalise("Ｑ　１２ 3\nabc") == "q123abc"
    assert normalise("見出し\n-----------\n本文ーーーーー！！") == "見出し-本文ー!!"


def test_planted_article_is_removed_and_near_texts_stay(articles, tmp_path):
    f = decontaminate(write_jsonl(tmp_path / "eval.jsonl", eval_rows(articles)))
    chain = FilterChain([f])
    planted = chain.apply(document(PLANTED, articles[PLANTED]))
    assert planted.removed_by == "Decontaminate(eval=planted)"
    marks = [p.removed_by for p in planted.paragraphs]
    assert "Decontaminate(eval=planted,example=q1)" in marks
    assert set(marks) == {"Decontaminate(eval=planted)", "Decontaminate(eval=planted,example=q1)"}
    # The title is not in the set; the body's first paragraph is where the match starts.
    assert marks[0] == "Decontaminate(eval=planted)"
    assert marks[1] == "Decontaminate(eval=planted,example=q1)"
    near = every_nth_changed(articles[PLANTED], 40)
    assert sum(a != b for a, b in zip(near, articles[PLANTED], strict=True)) > 5
    assert chain.apply(document("near", near)).removed_by is None
    assert chain.apply(document(SAME_SITE, articles[SAME_SITE])).removed_by is None
    # Every 60th changed leaves intact 50-character windows: found again.
    assert chain.apply(document("far", every_nth_changed(articles[PLANTED], 60))).removed_by


def test_paragraph_scope_removes_the_matching_paragraph_only(articles, tmp_path):
    paragraphs = articles[SAME_SITE]
    longest = max(paragraphs[1:], key=len)
    assert len(normalise(longest)) >= 50
    path = write_jsonl(tmp_path / "eval.jsonl", [{"id": "p", "question": longest}])
    f = decontaminate(path, scope="paragraph")
    result = FilterChain([f]).apply(document(SAME_SITE, paragraphs))
    assert result.removed_by is None
    removed = [p for p in result.paragraphs if not p.live]
    assert [(p.text, p.removed_by) for p in removed] == [
        (longest, "Decontaminate(eval=planted,example=p)")
    ]


def test_short_texts_count_whole_above_min_chars(tmp_path):
    question = "日本で一番高い山はどこにありますか"  # 17 characters
    # The first example shares the second's first 15 characters, not its end.
    rows = [{"question": question[:16] + "ね"}, {"question": question}]
    path = write_jsonl(tmp_path / "eval.jsonl", rows)
    page = document("d", ["クイズです。", f"問題：{question}？ 答えは後で。"])
    assert FilterChain([decontaminate(path, min_chars=15)]).apply(page).removed_by
    # Below min_chars the text is skipped: the set holds nothing to match.
    with pytest.raises(ValueError, match="no example holds a text of 20"):
        decontaminate(path)
    # The example id defaults to the file's name and the row.
    result = FilterChain([decontaminate(path, min_chars=15)]).apply(page)
    assert result.paragraphs[1].removed_by == "Decontaminate(eval=planted,example=eval.jsonl:2)"


def test_parquet_sets_and_every_string_field(articles, tmp_path):
    rows = eval_rows(articles)
    path = tmp_path / "eval.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    f = Decontaminate(eval="planted", paths=[str(tmp_path / "*.parquet")], id_field="id")
    f.setup()
    planted = FilterChain([f]).apply(document(PLANTED, articles[PLANTED]))
    assert planted.removed_by == "Decontaminate(eval=planted)"
    assert "Decontaminate(eval=planted,example=q1)" in {p.removed_by for p in planted.paragraphs}
    assert FilterChain([f]).apply(document(SAME_SITE, articles[SAME_SITE])).removed_by is None


def test_bad_sets_are_config_errors(tmp_path):
    def chain_error(params: dict) -> str:
        entry = {"filter": "Decontaminate", "eval": "jcqa", **params}
        with pytest.raises(ConfigError) as error:
            validate({"inputs": ["x"], "output": "y", "filter": {"chain": [entry]}})
        return str(error.value)

    missing = str(tmp_path / "missing.jsonl")
    message = chain_error({"paths": [missing]})
    assert message.endswith(
        f"chain[0] (Decontaminate): paths: Value error, evaluation file {missing} does not exist"
    )
    assert len(message.splitlines()) == 2  # the header, then one line per problem
    assert "Traceback" not in message
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "x"}\nnot json\n')
    assert "bad.jsonl:2: not a JSON line" in chain_error({"paths": [str(bad)]})
    wrong = write_jsonl(tmp_path / "wrong.jsonl", [{"question": 3}])
    assert "wrong.jsonl:1: field 'question' is neither" in chain_error(
        {"paths": [wrong], "fields": ["question"]}
    )


def test_debug_output_records_the_matched_example(articles, tmp_path):
    eval_path = write_jsonl(tmp_path / "eval.jsonl", eval_rows(articles))
    documents = [document(n, articles[n]) for n in (PLANTED, SAME_SITE)]
    table = pa.Table.from_pylist([d.to_row() for d in documents], schema=DOCUMENT_SCHEMA)
    pq.write_table(table, tmp_path / "documents.parquet")
    entry = {"filter": "Decontaminate", "eval": "planted", "paths": [eval_path], "id_field": "id"}
    config = tmp_path / "run.yaml"
    config.write_text(json.dumps({"filter": {"chain": [entry], "debug": True}}))
    output = tmp_path / "out"
    args = [str(tmp_path / "documents.parquet"), "--output", str(output), "--config", str(config)]
    assert main(["filter", *args, "--direct_num_workers=1"]) == 0
    stats = stats_of(output / "filter")
    assert stats["outcome"] == {"Decontaminate(eval=planted)": 1, "kept": 1}
    removed = ds.dataset(side(output / "filter") / "removed", partitioning="hive").to_table()
    [row] = removed.to_pylist()
    assert (row["id"], row["removed_by"]) == (PLANTED, "Decontaminate(eval=planted)")
    marks = {p["removed_by"] for p in row["paragraphs"]}
    assert "Decontaminate(eval=planted,example=q1)" in marks
