"""Exact deduplication: the normalisation, the keep rules, and the Beam combiner."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.util import assert_that, equal_to

from corpus.dedup.config import DedupConfig, MinHashConfig
from corpus.dedup.exact import normalize_text, text_key, url_key
from corpus.dedup.fingerprint import (
    Fingerprint,
    Fingerprinter,
    earliest_first,
    longest_first,
    merge_copies,
    newest_first,
)
from corpus.pipelines.exact_dedup import DeduplicateBy
from corpus.schema import Document, Paragraph

LIVEDOOR = "ja_text/livedoor-news-corpus"


def doc(id: str, text: str, **fields) -> Document:
    return Document(id=id, paragraphs=[Paragraph(p) for p in text.split("\n\n")], **fields)


EXACT_ONLY = Fingerprinter(DedupConfig(minhash=MinHashConfig(enabled=False)))


def fingerprint(document: Document, **fields) -> Fingerprint:
    """The fingerprint of `document` as far as the exact steps need it (no LSH keys)."""
    return EXACT_ONLY(document, document.id)[0]._replace(**fields)


def article(fixtures: Path, name: str) -> Document:
    """A livedoor article's body (line 4 on: line 1 is the URL, 2 the date, 3 the title)."""
    lines = (fixtures / LIVEDOOR / "text" / name).read_text(encoding="utf-8").splitlines()
    return Document(id=name, paragraphs=[Paragraph(line) for line in lines[3:] if line.strip()])


def test_normalisation_keeps_voicing_and_letters_apart():
    assert normalize_text("ｶﾞｲﾄﾞ　ＡＢＣ\n\n  x") == "ガイド ABC x"
    assert text_key(doc("a", "がっこう")) != text_key(doc("b", "かっこう"))
    assert text_key(doc("a", "ハンバーガー")) != text_key(doc("b", "ハンバーカー"))
    assert text_key(doc("a", "Apple")) != text_key(doc("b", "apple"))
    assert text_key(doc("a", "か\u3099っこう")) == text_key(doc("b", "がっこう"))  # composed
    assert text_key(doc("a", "ｶﾞｲﾄﾞの 話")) == text_key(doc("b", "ガイドの\n\n話"))


def test_url_key_ignores_fragment_and_host_case():
    assert url_key(doc("a", "x", url="HTTP://Example.JP/a?b=1#top")) == "http://example.jp/a?b=1"
    assert url_key(doc("a", "x", url="http://example.jp/A")) != "http://example.jp/a"


def test_keep_rules_are_total_orders():
    old = fingerprint(doc("z", "text", date=datetime(2020, 1, 1, tzinfo=UTC), url="u"))
    new = fingerprint(doc("a", "text text", date=datetime(2024, 1, 1, tzinfo=UTC), url="u"))
    undated = fingerprint(doc("0", "text", url="u"))
    assert merge_copies(old, new, earliest_first).id == "z"
    assert merge_copies(new, undated, earliest_first).id == "a"  # undated loses
    assert merge_copies(old, new, newest_first).id == "a"
    assert merge_copies(undated, old, newest_first).id == "z"
    assert merge_copies(old, new, longest_first).id == "a"
    kept = merge_copies(merge_copies(old, new, earliest_first), undated, earliest_first)
    assert (kept.id, kept.cluster_size) == ("z", 3)
    tie = [fingerprint(doc("b", "t")), fingerprint(doc("a", "t"))]
    assert merge_copies(*tie, earliest_first).id == merge_copies(*tie[::-1], earliest_first).id


def test_an_earlier_runs_copy_always_wins():
    earlier = fingerprint(doc("z", "text", date=datetime(2024, 1, 1, tzinfo=UTC)), previous=True)
    new = fingerprint(doc("a", "text", date=datetime(2020, 1, 1, tzinfo=UTC)))
    for order in (earliest_first, newest_first, longest_first):
        assert merge_copies(new, earlier, order).id == "z"


def test_livedoor_exact_copies_share_a_key(fixtures):
    pairs = json.loads((fixtures / LIVEDOOR / "neardup_pairs_subset.json").read_text())["pairs"]
    same = [
        text_key(article(fixtures, p["a"])) == text_key(article(fixtures, p["b"])) for p in pairs
    ]
    exact = [p["jaccard_char5"] == 1.0 for p in pairs]
    # Every pair with identical bodies shares a key; no pair with any difference does.
    assert same == exact
    assert sum(same) == 9


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_beam_keeps_one_per_text_with_the_cluster_size(workers):
    texts = ["同じ本文です。", "別の本文です。", "三つ目"]
    documents = [
        doc(f"{t}-{i}", text, date=datetime(2020 + i, 1, 1, tzinfo=UTC))
        for t, text in enumerate(texts)
        for i in range(t + 1)
    ]
    documents.append(doc("no-url", "x"))
    random.Random(7).shuffle(documents)
    options = PipelineOptions(
        ["--direct_running_mode=multi_processing", f"--direct_num_workers={workers}"]
    )
    with beam.Pipeline(runner=FnApiRunner(), options=options) as pipeline:
        kept = (
            pipeline
            | beam.Create([fingerprint(d) for d in documents])
            | "ByUrl" >> DeduplicateBy(attrgetter("url_key"), newest_first)  # no URLs: all stay
            | "ByText" >> DeduplicateBy(attrgetter("text_key"), earliest_first)
            | beam.Map(lambda d: (d.id, d.cluster_size))
        )
        assert_that(kept, equal_to([("0-0", 1), ("1-0", 2), ("2-0", 3), ("no-url", 1)]))
