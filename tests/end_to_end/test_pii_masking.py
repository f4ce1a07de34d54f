"""MaskPII in the filter stage: the masked text written, and the counts per type in the
filter's entry of stats.json."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from corpus.cli import main
from corpus.schema import Document, Paragraph
from tests.support.dedup import kept_rows, write_input
from tests.support.livedoor import livedoor_articles
from tests.support.outputs import stats_of
from tests.support.paths import FIXTURES, require_shared

pytestmark = pytest.mark.slow

# Real articles: 5 shop phone numbers in the first, 4 hotel numbers in the second, none in
# the third (dates and prices only).
ARTICLES = {"peachy-6903604": 5, "peachy-4468400": 4, "sports-watch-6748428": 0}
CHAIN = [{"filter": "DocLength", "low": 10}, {"filter": "MaskPII"}]


def test_masked_counts_per_type_reach_stats_json(tmp_path: Path) -> None:
    articles = livedoor_articles(require_shared(FIXTURES))
    documents = [
        Document(id=name, paragraphs=[Paragraph(p) for p in articles[name]]) for name in ARTICLES
    ]
    documents.append(
        Document(
            id="constructed",
            paragraphs=[
                Paragraph(
                    "お問い合わせは info@example.co.jp または ０１２０－１２３－４５６ まで。"
                ),
                Paragraph("サーバー 192.0.2.10 と 2001:db8::1:2 に接続した。"),
            ],
        )
    )
    path = write_input(documents, tmp_path / "in" / "documents.parquet")
    config = tmp_path / "stage.yaml"
    config.write_text(yaml.safe_dump({"filter": {"chain": CHAIN}}))
    workers = "--direct_num_workers=2"
    out = str(tmp_path / "out")
    assert main(["filter", path, "--output", out, "--config", str(config), workers]) == 0

    stats = stats_of(tmp_path / "out" / "filter")
    assert stats["outcome"] == {"kept": 4}
    length, mask = stats["filters"]
    assert "masked" not in length
    assert mask["filter"] == "MaskPII()"
    assert mask["masked"] == {"email": 1, "ip": 2, "phone": sum(ARTICLES.values()) + 1}
    assert mask["documents_in"] == 4 and mask["paragraphs_removed"] == 0
    texts = {row["id"]: row["text"] for row in kept_rows(tmp_path / "out" / "filter")}
    assert texts["constructed"] == (
        "お問い合わせは <EMAIL> または <PHONE> まで。\n\nサーバー <IP> と <IP> に接続した。"
    )
    for name, phones in ARTICLES.items():
        assert texts[name].count("<PHONE>") == phones
    assert texts["sports-watch-6748428"] == "\n\n".join(articles["sports-watch-6748428"])
