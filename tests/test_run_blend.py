"""A run of three named sources blended: achieved shares on target, the blend's shards
holding exactly the selected copies of the tokenized documents (read back by
megatron-core), Megatron's blend parser accepting the weights, the same bytes again on
two workers."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from megatron.core.datasets.indexed_dataset import IndexedDataset
from megatron.core.datasets.utils import get_blend_from_list

from corpus.blend.selection import select_in_memory
from corpus.config import validate
from corpus.pipelines.run import run, run_blend
from tests.conftest import TOKENIZERS, require_shared
from tests.test_determinism import without_wall_times

LLM_JP_MODEL = TOKENIZERS / "llm-jp-v3.0b1/llm-jp-tokenizer-100k.ver3.0b1.model"
LIVEDOOR = "ja_text/livedoor-news-corpus/text"
CATEGORIES = {
    "news": ["dokujo-tsushin", "it-life-hack", "kaden-channel"],
    "blog": ["livedoor-homme", "movie-enter", "peachy"],
    "gadgets": ["smax", "sports-watch", "topic-news"],
}
# news is subsampled (rate about 0.5), blog repeated (about 2.4), gadgets about once.
BLEND = {
    "total_tokens": 180_000,
    "seed": 7,
    "sources": [
        {"name": "news", "share": 0.1},
        {"name": "blog", "share": 0.55},
        {"name": "gadgets", "share": 0.35},
    ],
}

pytestmark = pytest.mark.slow


def articles(fixtures: Path, categories: list[str]) -> list[dict]:
    records = []
    for category in categories:
        for path in sorted((fixtures / LIVEDOOR / category).glob("*-*.txt")):
            _url, _date, *body = path.read_text(encoding="utf-8").splitlines()
            text = "\n\n".join(line for line in body if line.strip())
            records.append({"id": path.stem, "text": text})
    return records


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def write_sources(fixtures: Path, base: Path) -> dict:
    base.mkdir()
    news = base / "news.jsonl"
    # One line that is not JSON: dead-lettered by the read step, the rest goes on.
    news.write_text(jsonl(articles(fixtures, CATEGORIES["news"])) + "{not json\n")
    blog = base / "blog.parquet"
    pq.write_table(pa.Table.from_pylist(articles(fixtures, CATEGORIES["blog"])), blog)
    gadgets = base / "gadgets.jsonl.gz"
    gadgets.write_bytes(gzip.compress(jsonl(articles(fixtures, CATEGORIES["gadgets"])).encode()))
    return {
        "news": {"inputs": [str(news)], "reader": "jsonl", "options": {"id_field": "id"}},
        "blog": {"inputs": [str(blog)], "reader": "parquet", "options": {"id_column": "id"}},
        "gadgets": {"inputs": [str(gadgets)], "reader": "jsonl", "options": {"id_field": "id"}},
    }


def token_table(directory: Path, columns: list[str]) -> pa.Table:
    return pa.concat_tables(
        pq.read_table(path, columns=columns) for path in sorted(directory.glob("tokens-*.parquet"))
    )


def files(directory: Path) -> dict[str, bytes]:
    """Every file's bytes (wall times left out), by its path under `directory`."""
    found = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        relative = str(path.relative_to(directory))
        found[relative] = without_wall_times(relative, path.read_bytes())
    return found


@pytest.fixture(scope="module")
def blended(fixtures: Path, tmp_path_factory) -> dict:
    model = str(require_shared(LLM_JP_MODEL))
    base = tmp_path_factory.mktemp("blend")
    sources = write_sources(fixtures, base / "sources")
    for source in sources.values():
        source["stages"] = ["tokenize"]
    config = validate(
        {
            "output": str(base / "out"),
            "sources": sources,
            "blend": BLEND,
            "tokenize": {"model": model, "tokens_per_shard": 20_000},
        }
    )
    stats = run(config, ["--direct_num_workers=1"], overwrite=False)
    out = base / "out"
    first = files(out / "blend")
    # Again, on two workers, from the same token shards.
    again = run_blend(config, ["--direct_num_workers=2"], overwrite=True)
    return {"out": out, "stats": stats, "again": again, "first": first, "config": config}


def test_the_read_step_accounts_for_every_line(blended):
    stats = blended["stats"]
    assert stats["news/read"]["outcome"] == {"kept": 52}
    assert stats["news/read"]["dead_lettered"] == {"invalid_json": 1}
    assert stats["news/read"]["records_read"] == 53
    assert stats["blog/read"]["outcome"] == {"kept": 61}
    assert stats["gadgets/read"]["outcome"] == {"kept": 90}
    letters = list((blended["out"] / "news/read/dead_letters").glob("*"))
    assert letters
    assert set(stats) == {f"{s}/{step}" for s in CATEGORIES for step in ("read", "tokenize")} | {
        "blend"
    }


def test_achieved_shares_match_the_targets(blended):
    report = json.loads((blended["out"] / "blend/blend_report.json").read_text())
    rows = {row["name"]: row for row in report["sources"]}
    assert list(rows) == ["news", "blog", "gadgets"]
    assert rows["news"]["rate"] < 1 < rows["blog"]["rate"]
    assert rows["blog"]["achieved_tokens"] > 2 * rows["blog"]["available_tokens"]
    for name, row in rows.items():
        largest = max(
            token_table(blended["out"] / name / "tokenize", ["num_tokens"])
            .column("num_tokens")
            .to_pylist()
        )
        assert abs(row["achieved_tokens"] - row["target_tokens"]) <= largest / 2, name
        assert abs(row["achieved_share"] - row["target_share"]) <= 0.01, name
        assert row["shortfall_tokens"] == 0
    assert report["warnings"] == []
    stats = blended["stats"]["blend"]
    assert stats["tokens"]["written"] == report["total"]["achieved_tokens"]
    assert stats["records_read"] == 52 + 61 + 90


def test_shards_hold_exactly_the_selected_copies(blended):
    out, config = blended["out"], blended["config"]
    records, tokens_of = [], {}
    for name in CATEGORIES:
        table = token_table(out / name / "tokenize", ["id", "num_tokens", "input_ids"])
        for row in table.to_pylist():
            records.append((name, row["id"], row["num_tokens"]))
            tokens_of[name, row["id"]] = tuple(row["input_ids"])
    _, copies = select_in_memory(config.blend_file(), records)
    words = (out / "blend/data_path.txt").read_text().split()
    prefixes, weights = get_blend_from_list(words)
    per_split = json.loads((out / "blend/per_split_data_args.json").read_text())
    assert per_split == {"train": words, "valid": None, "test": None}
    assert len(prefixes) > 3  # several shards per source at 20,000 tokens a shard
    written: dict[str, Counter] = {name: Counter() for name in CATEGORIES}
    for prefix, weight in zip(prefixes, weights, strict=True):
        name = Path(prefix).parent.name
        dataset = IndexedDataset(prefix)
        sequences = [tuple(dataset[i].tolist()) for i in range(len(dataset))]
        assert weight == sum(map(len, sequences))
        written[name].update(sequences)
    for name in CATEGORIES:
        expected = Counter(tokens_of[name, i] for source, i, _ in copies if source == name)
        assert written[name] == expected, name


def test_two_workers_and_a_second_run_write_the_same_bytes(blended):
    assert files(blended["out"] / "blend") == blended["first"]
    assert blended["again"] == blended["stats"]["blend"]
