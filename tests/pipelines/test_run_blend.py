"""A run of three named sources blended: achieved shares on target, the blend's shards
holding exactly the selected copies of the tokenized documents (read back by
megatron-core), Megatron's blend parser accepting the weights, the same bytes again on
two workers. Blended again with validation and test splits and relative paths: the
held-out shards hold exactly the held-out documents, counted in the stats and the report,
and megatron-core's dataset builder builds all three splits from the moved directory."""

from __future__ import annotations

import gzip
import json
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from megatron.core.datasets.blended_megatron_dataset_builder import BlendedMegatronDatasetBuilder
from megatron.core.datasets.gpt_dataset import GPTDataset, GPTDatasetConfig
from megatron.core.datasets.indexed_dataset import IndexedDataset
from megatron.core.datasets.utils import get_blend_from_list

from corpus.blend.hashing import document_hash
from corpus.blend.selection import select_in_memory
from corpus.blend.splits import Splits
from corpus.config import validate
from corpus.layout import DEAD_LETTERS_DIR, TOKENS_DIR
from corpus.pipelines.run import run, run_blend
from corpus.tokenize.megatron import read_indexed_dataset
from tests.support.megatron import megatron_per_split
from tests.support.outputs import side, without_wall_times
from tests.support.paths import TOKENIZERS, require_shared

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
    """The Parquet token table of a tokenize step."""
    paths = sorted((side(directory) / TOKENS_DIR).glob("tokens-*.parquet"))
    return pa.concat_tables(pq.read_table(path, columns=columns) for path in paths)


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
    raw = {
        "output": str(base / "out"),
        "sources": sources,
        "blend": BLEND,
        "tokenize": {"model": model, "tokens_per_shard": 20_000},
    }
    config = validate(raw)
    stats = run(config, ["--direct_num_workers=1"], overwrite=False)
    out = base / "out"
    first = files(out / "blend")
    # Again, on two workers, from the same token shards.
    again = run_blend(config, ["--direct_num_workers=2"], redo=True)
    return {
        "out": out,
        "stats": stats,
        "again": again,
        "first": first,
        "config": config,
        "raw": raw,
    }


def test_the_read_step_accounts_for_every_line(blended):
    stats = blended["stats"]
    assert stats["news/read"]["outcome"] == {"kept": 52}
    assert stats["news/read"]["dead_lettered"] == {"invalid_json": 1}
    assert stats["news/read"]["records_read"] == 53
    assert stats["blog/read"]["outcome"] == {"kept": 61}
    assert stats["gadgets/read"]["outcome"] == {"kept": 90}
    letters = list((side(blended["out"] / "news/read") / DEAD_LETTERS_DIR).glob("*"))
    assert letters
    assert set(stats) == {f"{s}/{step}" for s in CATEGORIES for step in ("read", "tokenize")} | {
        "blend"
    }


def test_achieved_shares_match_the_targets(blended):
    report = json.loads((blended["out"] / "blend.meta/blend_report.json").read_text())
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


def tokenized(out: Path) -> tuple[list[tuple[str, str, int]], dict[tuple[str, str], tuple]]:
    """The tokenized documents as (source, id, tokens) records, and their token ids."""
    records, tokens_of = [], {}
    for name in CATEGORIES:
        table = token_table(out / name / "tokenize", ["id", "num_tokens", "input_ids"])
        for row in table.to_pylist():
            records.append((name, row["id"], row["num_tokens"]))
            tokens_of[name, row["id"]] = tuple(row["input_ids"])
    return records, tokens_of


def check_training_shards(out: Path, config, words: list[str]) -> None:
    """The training prefixes `words` (as `data_path.txt` gives them, read from the blend
    directory) hold exactly the copies the in-memory selection takes, each weighing its
    tokens."""
    records, tokens_of = tokenized(out)
    _, copies = select_in_memory(config.blend_file(), records)
    prefixes, weights = get_blend_from_list(words)
    assert len(prefixes) > 3  # several shards per source at 20,000 tokens a shard
    written: dict[str, Counter] = {name: Counter() for name in CATEGORIES}
    for prefix, weight in zip(prefixes, weights, strict=True):
        name = Path(prefix).parent.name
        dataset = IndexedDataset(str(out / "blend" / prefix))
        sequences = [tuple(dataset[i].tolist()) for i in range(len(dataset))]
        assert weight == sum(map(len, sequences))
        written[name].update(sequences)
    for name in CATEGORIES:
        expected = Counter(tokens_of[name, i] for source, i, _ in copies if source == name)
        assert written[name] == expected, name


def test_shards_hold_exactly_the_selected_copies(blended):
    out = blended["out"]
    words = (out / "blend/data_path.txt").read_text().split()
    assert all(Path(word).is_absolute() for word in words[1::2])
    per_split = json.loads((out / "blend/per_split_data_args.json").read_text())
    assert per_split == {"train": words, "valid": None, "test": None}
    assert not list((out / "blend").glob("*_data_path.txt"))
    check_training_shards(out, blended["config"], words)


def test_two_workers_and_a_second_run_write_the_same_bytes(blended):
    assert files(blended["out"] / "blend") == blended["first"]
    assert blended["again"] == blended["stats"]["blend"]


SPLIT_BLEND = {**BLEND, "valid_fraction": 0.1, "test_fraction": 0.05, "paths": "relative"}


@pytest.fixture(scope="module")
def held_out(blended: dict, tmp_path_factory) -> dict:
    """The same tokenized sources blended with validation and test splits, written with
    prefixes relative to the blend directory, and that directory then moved away."""
    out = tmp_path_factory.mktemp("held_out") / "out"

    def no_blend(directory: str, names: list[str]) -> list[str]:
        top = Path(directory) == blended["out"]
        return [n for n in names if top and n.split(".")[0] == "blend"]

    shutil.copytree(blended["out"], out, ignore=no_blend)
    config = validate({**blended["raw"], "output": str(out), "blend": SPLIT_BLEND})
    stats = run_blend(config, ["--direct_num_workers=2"])
    moved = tmp_path_factory.mktemp("moved") / "blend"
    shutil.copytree(out / "blend", moved)
    again = run_blend(config, ["--direct_num_workers=1"], redo=True)
    return {"out": out, "stats": stats, "config": config, "moved": moved, "again": again}


def split_sequences(out: Path, config) -> dict[tuple[str, str], Counter]:
    """Each (source, split)'s token sequences, as the blend's hash puts the documents."""
    blend = config.blend_file()
    splits = Splits.of(blend)
    records, tokens_of = tokenized(out)
    expected: dict[tuple[str, str], Counter] = {}
    for name, document_id, _ in records:
        split = splits.split(document_hash(blend.seed, document_id))
        expected.setdefault((name, split), Counter())[tokens_of[name, document_id]] += 1
    return expected


def shard_sequences(directory: Path) -> Counter:
    """Every sequence of the Megatron shards in `directory`, read back by corpus's reader."""
    found: Counter = Counter()
    for index in sorted(directory.glob("*.idx")):
        found.update(tuple(s.tolist()) for s in read_indexed_dataset(str(index.with_suffix(""))))
    return found


def test_held_out_shards_hold_exactly_the_held_out_documents(held_out):
    out = held_out["out"]
    expected = split_sequences(out, held_out["config"])
    for split in ("valid", "test"):
        written = {
            (directory.name, split): shard_sequences(directory)
            for directory in sorted((out / "blend" / split).iterdir())
        }
        wanted = {key: counts for key, counts in expected.items() if key[1] == split}
        assert written == wanted, split
    assert sorted(expected) == [
        (n, s) for n in sorted(CATEGORIES) for s in ("test", "train", "valid")
    ]
    valid = sum(sum(c.values()) for (_, s), c in expected.items() if s == "valid")
    documents = sum(sum(c.values()) for c in expected.values())
    assert valid / documents == pytest.approx(0.1, abs=0.04)
    # The training shards: the selection on what is left, nothing held out among them.
    words = (out / "blend/data_path.txt").read_text().split()
    check_training_shards(out, held_out["config"], words)
    # The split goes by document id: only a text two documents share (the sources here are
    # not deduplicated) may be in training under one id and held out under the other.
    for name in CATEGORIES:
        trained = shard_sequences(out / "blend" / name)
        every = sum((expected[name, split] for split in ("train", "valid", "test")), Counter())
        shared = {sequence for sequence, count in every.items() if count > 1}
        for split in ("valid", "test"):
            assert set(trained) & set(expected[name, split]) <= shared, (name, split)


def test_split_files_are_relative_to_the_moved_blend_directory(held_out, monkeypatch, tmp_path):
    moved = held_out["moved"]
    per_split = json.loads((moved / "per_split_data_args.json").read_text())
    assert per_split["train"] == (moved / "data_path.txt").read_text().split()
    assert per_split["valid"] == (moved / "valid_data_path.txt").read_text().split()
    assert per_split["test"] == (moved / "test_data_path.txt").read_text().split()
    report = json.loads((held_out["out"] / "blend.meta" / "blend_report.json").read_text())
    achieved = {row["name"]: row["achieved_tokens"] for row in report["sources"]}
    for split in ("train", "valid", "test"):
        prefixes, weights = get_blend_from_list(per_split[split])
        top = {"train": set(CATEGORIES), "valid": {"valid"}, "test": {"test"}}[split]
        assert {Path(p).parts[0] for p in prefixes} == top
        assert not [p for p in prefixes if Path(p).is_absolute()]
        # A held-out split mixes the sources as training does.
        by_source = Counter()
        for prefix, weight in zip(prefixes, weights, strict=True):
            by_source[Path(prefix).parent.name] += weight
        assert by_source == {name: float(tokens) for name, tokens in achieved.items()}
    # Megatron writes its index cache beside the shards: into a copy of the copy.
    copied = tmp_path / "blend"
    shutil.copytree(moved, copied)
    monkeypatch.chdir(copied)
    blend_per_split = megatron_per_split(copied / "per_split_data_args.json")
    config = GPTDatasetConfig(
        random_seed=1,
        sequence_length=256,
        blend_per_split=blend_per_split,
        tokenizer=SimpleNamespace(vocab_size=100_000, eod=2, pad=3, unique_identifiers={}),
        reset_position_ids=False,
        reset_attention_mask=False,
        eod_mask_loss=False,
        mmap_bin_files=False,
    )
    builder = BlendedMegatronDatasetBuilder(GPTDataset, [64, 16, 8], lambda: True, config)
    datasets = builder.build()
    for split, dataset in zip(("train", "valid", "test"), datasets, strict=True):
        prefixes = blend_per_split[("train", "valid", "test").index(split)][0]
        assert [d.dataset_path for d in dataset.datasets] == prefixes
        assert len(dataset) >= {"train": 64, "valid": 16, "test": 8}[split]


def test_held_out_documents_are_kept_and_counted(held_out):
    stats = held_out["stats"]
    out = held_out["out"]
    report = json.loads((out / "blend.meta/blend_report.json").read_text())
    expected = split_sequences(out, held_out["config"])
    for split in ("valid", "test"):
        sequences = [c for (_, s), c in expected.items() if s == split]
        documents = sum(sum(c.values()) for c in sequences)
        tokens = sum(len(seq) * n for c in sequences for seq, n in c.items())
        assert stats["held_out"][split] == documents
        assert stats["held_out_tokens"][split] == tokens
        assert report["total"]["held_out"][split] == {"documents": documents, "tokens": tokens}
    assert stats["records_read"] == 52 + 61 + 90
    assert stats["records_read"] == stats["outcome"]["kept"] + stats["outcome"]["not_selected"]
    # Kept: written to some split, the documents that train and the held-out ones.
    _, copies = select_in_memory(held_out["config"].blend_file(), tokenized(out)[0])
    trained = len({(source, document_id) for source, document_id, _ in copies})
    assert stats["outcome"]["kept"] == trained + sum(stats["held_out"].values())
    assert stats["tokens"]["written"] == report["total"]["achieved_tokens"]
    rows = {row["name"]: row for row in report["sources"]}
    for name in CATEGORIES:
        available = sum(len(seq) * n for seq, n in expected[name, "train"].items())
        assert rows[name]["available_tokens"] == available
        assert abs(rows[name]["achieved_share"] - rows[name]["target_share"]) <= 0.01, name


def test_held_out_splits_are_the_same_bytes_on_one_worker(held_out):
    first = files(held_out["moved"])
    assert "valid/news/manifest.json" in first and "test_data_path.txt" in first
    assert files(held_out["out"] / "blend") == first
    assert held_out["again"] == held_out["stats"]
