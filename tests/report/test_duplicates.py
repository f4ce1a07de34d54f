"""The run report's dedup section, on a real run (read, then dedup with the defaults) of
livedoor articles edited to known Jaccards: removals per rule, the similarity histogram of
the near-duplicate removals and the sampled removed documents beside their kept ones."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpus.cli import main
from corpus.report.collect import excerpt
from corpus.report.duplicates import CONTEXT_CHARS, SAMPLED_PER_RULE, id_rank
from corpus.report.html import render_html
from corpus.report.markdown import render_markdown
from tests.support.edited_articles import edited_articles, similarity

pytestmark = pytest.mark.slow

NEAR_REMOVALS = [("x1", "x0"), ("z1", "z0"), ("w1", "w0"), ("w3", "w2")]


@pytest.fixture(scope="module")
def texts(fixtures: Path) -> dict[str, str]:
    return edited_articles(fixtures)


@pytest.fixture(scope="module")
def run(texts, tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("dedup_report")
    source = base / "articles.jsonl"
    records = [
        {"id": doc_id, "url": f"https://example.jp/{doc_id.replace('u1', 'u0')}", "text": text}
        for doc_id, text in texts.items()
    ]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    news = {
        "inputs": [str(source)],
        "reader": "jsonl",
        "options": {"id_field": "id", "url_field": "url"},
        "stages": ["dedup"],
    }
    config = {"sources": {"news": news}, "output": str(base / "out")}
    path = base / "config.yaml"
    path.write_text(json.dumps(config))
    assert main(["run", str(path), "--direct_num_workers=1"]) == 0
    return base / "out"


@pytest.fixture(scope="module")
def report(run: Path) -> dict:
    return json.loads((run / "report.json").read_text(encoding="utf-8"))


def test_removals_per_rule_are_the_audit_tables(run: Path, report: dict) -> None:
    audit = pq.read_table(run / "news" / "dedup.meta" / "duplicates").to_pylist()
    [entry] = report["samples"]["duplicates"]
    assert entry["stage"] == "news/dedup"
    assert entry["removed"] == [
        {"reason": "exact", "count": 1},
        {"reason": "near", "count": 4},
        {"reason": "url", "count": 1},
    ]
    assert len(audit) == 6


def test_the_similarity_histogram_bins_the_near_removals(report: dict, texts) -> None:
    histogram = report["histograms"]["removal_similarity"]
    [series] = histogram["series"]
    assert series["name"] == "news/dedup" and series["total"] == 4
    edges = histogram["edges"]
    assert len(edges) == 51 and edges[0] == 0.0 and edges[-1] == 1.0
    expected = [0] * 50
    for removed, kept in NEAR_REMOVALS:
        expected[int(similarity(texts[removed], texts[kept]) * 50)] += 1
    assert series["counts"] == expected
    assert sum(series["counts"][40:41]) == 1  # x1, at 0.80-0.82


def test_the_sample_shows_each_removal_beside_its_kept_document(report: dict, texts) -> None:
    [entry] = report["samples"]["duplicates"]
    pairs = [(p["rule"], p["removed_id"], p["kept_id"]) for p in entry["pairs"]]
    # Rule by rule; near starts with its removal closest to the threshold (x1 at 0.80-0.82,
    # the others at 0.84 and more), then the others sampled.
    assert pairs[:3] == [("url", "u1", "u0"), ("exact", "x2", "x0"), ("near", "x1", "x0")]
    # The sampled ones: the SAMPLED_PER_RULE whose ids hash lowest, x1 not twice.
    lowest = sorted(NEAR_REMOVALS, key=lambda pair: id_rank(pair[0]))[:SAMPLED_PER_RULE]
    assert pairs[3:] == [("near", *pair) for pair in lowest if pair[0] != "x1"]
    for pair in entry["pairs"]:
        kept, removed = texts[pair["kept_id"]], texts[pair["removed_id"]]
        if pair["rule"] == "near":
            # From CONTEXT_CHARS before the first difference: the excerpts differ.
            differ = next(i for i, (a, b) in enumerate(zip(kept, removed, strict=False)) if a != b)
            start = max(0, differ - CONTEXT_CHARS)
            mark = "…" if start else ""
            kept, removed = mark + excerpt(kept[start:]), mark + excerpt(removed[start:])
            assert kept != removed
        else:
            kept, removed = excerpt(kept), excerpt(removed)
        assert (pair["kept_excerpt"], pair["removed_excerpt"]) == (kept, removed)
    by_id = {p["removed_id"]: p["similarity"] for p in entry["pairs"]}
    assert by_id["u1"] is None and by_id["x2"] == 1.0
    assert by_id["x1"] == pytest.approx(similarity(texts["x1"], texts["x0"]))


def test_html_and_markdown_show_the_duplicates(report: dict, texts) -> None:
    html = render_html(report)
    assert "Removed duplicates beside their kept documents (news/dedup)" in html
    z1 = [p for p in report["samples"]["duplicates"][0]["pairs"] if p["removed_id"] == "z1"]
    assert not z1 or z1[0]["removed_excerpt"][:100] in html
    x1 = similarity(texts["x1"], texts["x0"])
    assert f'<td class="n">{x1:.3f}</td>' in html
    markdown = render_markdown(report)
    assert "| news/dedup | near | 4 |" in markdown
    low = int(x1 * 50) / 50
    assert f"| [{low:.2f}, {low + 0.02:.2f}) | 1 |" in markdown
