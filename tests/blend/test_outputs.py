"""The blend's Megatron arguments, read back by megatron-core, and its report."""

import json
from pathlib import Path

import pytest
from megatron.core.datasets.blended_megatron_dataset_config import BlendedMegatronDatasetConfig
from megatron.core.datasets.utils import get_blend_from_list, normalize

from corpus.blend.megatron_args import (
    data_path_text,
    held_out_weights,
    per_split_data_args,
    weighted_prefixes,
)
from corpus.blend.outputs import write_megatron_args, write_report
from corpus.blend.selection import select_in_memory
from tests.support.blends import AVAILABLE, RECORDS, three_sources
from tests.support.megatron import megatron_per_split

NAMES = ["web", "wiki", "code"]


@pytest.fixture(scope="module")
def selection():
    return select_in_memory(three_sources(), RECORDS)[0]


def prefix_of(name: str) -> str:
    return f"/data/blend/{name}/{name}_text_document"


def test_weights_are_token_counts_megatron_parses(selection, tmp_path):
    entries = weighted_prefixes(selection, prefix_of)
    achieved = [s.achieved_tokens for s in selection.sources]
    assert entries == [(t, prefix_of(n)) for t, n in zip(achieved, NAMES, strict=True)]
    [data_path, _] = write_megatron_args(str(tmp_path), entries)
    text = (tmp_path / "data_path.txt").read_text()
    assert data_path == str(tmp_path / "data_path.txt")
    assert text == data_path_text(entries)
    assert text.splitlines()[1] == f"{achieved[1]} /data/blend/wiki/wiki_text_document"
    # --data-args-path: Megatron reads the file and splits it on whitespace.
    prefixes, weights = get_blend_from_list(text.split())
    assert prefixes == [prefix_of(n) for n in NAMES]
    assert weights == [float(t) for t in achieved]
    shares = [t / sum(achieved) for t in achieved]
    assert normalize(weights) == pytest.approx(shares, abs=1e-12)
    # code is capped at 2 of the 3 repeats it asked for.
    assert achieved[2] == 2 * AVAILABLE["code"]


def test_local_prefixes_are_written_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    train = [(5, "out/blend/web/tokens_text_document"), (3, "gs://bucket/blend/wiki/tokens")]
    valid = [(1, "valid/ja_text_document")]
    write_megatron_args("out/blend", train, valid=valid)
    words = (tmp_path / "out/blend/data_path.txt").read_text().split()
    web = f"{tmp_path}/out/blend/web/tokens_text_document"
    assert words == ["5", web, "3", "gs://bucket/blend/wiki/tokens"]
    per_split = json.loads((tmp_path / "out/blend/per_split_data_args.json").read_text())
    assert per_split["valid"] == ["1", f"{tmp_path}/valid/ja_text_document"]


def test_relative_prefixes_are_written_from_the_blend_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    train = [(5, "out/blend/web/tokens_text_document"), (3, "gs://bucket/blend/wiki/tokens")]
    valid = [(2, "out/blend/valid/web/tokens_text_document")]
    test = [(2, f"{tmp_path}/out/blend/test/web/tokens_text_document")]
    written = write_megatron_args("out/blend", train, valid, test, paths="relative")
    assert [Path(p).name for p in written] == [
        "data_path.txt",
        "valid_data_path.txt",
        "test_data_path.txt",
        "per_split_data_args.json",
    ]
    blend = tmp_path / "out/blend"
    assert (blend / "data_path.txt").read_text() == (
        "5 web/tokens_text_document\n3 gs://bucket/blend/wiki/tokens\n"
    )
    assert (blend / "valid_data_path.txt").read_text() == "2 valid/web/tokens_text_document\n"
    assert (blend / "test_data_path.txt").read_text() == "2 test/web/tokens_text_document\n"
    per_split = json.loads((blend / "per_split_data_args.json").read_text())
    assert per_split == {
        "train": ["5", "web/tokens_text_document", "3", "gs://bucket/blend/wiki/tokens"],
        "valid": ["2", "valid/web/tokens_text_document"],
        "test": ["2", "test/web/tokens_text_document"],
    }
    # Resolved from the blend directory, wherever that directory is.
    moved = tmp_path / "elsewhere"
    (blend).rename(moved)
    monkeypatch.chdir(moved)
    assert Path(per_split["valid"][1]).resolve() == moved / "valid/web/tokens_text_document"


def test_held_out_shards_weigh_their_sources_training_tokens():
    assert held_out_weights(1_000, [300]) == [1_000]
    assert held_out_weights(1_000, [300, 100]) == [750, 250]
    # Largest remainders: the weights still add up to the source's training tokens.
    assert held_out_weights(10, [1, 1, 1]) == [4, 3, 3]
    assert held_out_weights(1, [5, 5]) == [1, 0]
    assert held_out_weights(0, [5]) == [0]


def test_per_split_json_is_accepted_by_megatron(selection, tmp_path):
    train = weighted_prefixes(selection, prefix_of)
    valid = [(1_000, "/data/valid/ja_wiki_text_document")]
    write_megatron_args(str(tmp_path), train, valid=valid)
    path = tmp_path / "per_split_data_args.json"
    assert json.loads(path.read_text()) == per_split_data_args(train, valid)
    blend_per_split = megatron_per_split(path)
    assert blend_per_split[0] == ([p for _, p in train], [float(w) for w, _ in train])
    assert blend_per_split[1] == (["/data/valid/ja_wiki_text_document"], [1000.0])
    assert blend_per_split[2] is None
    config = BlendedMegatronDatasetConfig(
        random_seed=1, sequence_length=4096, blend_per_split=blend_per_split
    )
    assert config.blend_per_split == blend_per_split


def test_per_split_json_with_three_splits_is_accepted_by_megatron(selection, tmp_path):
    train = weighted_prefixes(selection, prefix_of)
    valid = [(700, "/data/valid/web/tokens_text_document"), (300, "/data/valid/wiki/t")]
    test = [(1_000, "/data/test/web/tokens_text_document")]
    write_megatron_args(str(tmp_path), train, valid, test)
    per_split = json.loads((tmp_path / "per_split_data_args.json").read_text())
    assert list(per_split) == ["train", "valid", "test"]
    assert all(per_split.values())
    blend_per_split = megatron_per_split(tmp_path / "per_split_data_args.json")
    assert blend_per_split[1] == ([p for _, p in valid], [700.0, 300.0])
    assert blend_per_split[2] == (["/data/test/web/tokens_text_document"], [1000.0])
    # The held-out splits' own files give the same words, as --valid-data-path takes them.
    words = (tmp_path / "valid_data_path.txt").read_text().split()
    assert get_blend_from_list(words) == blend_per_split[1]
    config = BlendedMegatronDatasetConfig(
        random_seed=1, sequence_length=4096, blend_per_split=blend_per_split
    )
    assert config.blend_per_split == blend_per_split


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([(10, "/data/a b")], "splits its arguments on whitespace"),
        ([(10, "")], "splits its arguments on whitespace"),
        ([(0, "/data/a")], "must be positive"),
        ([], "at least one weighted prefix"),
    ],
)
def test_bad_weighted_prefixes_are_refused(entries, message):
    with pytest.raises(ValueError, match=message):
        data_path_text(entries)


def test_report_compares_target_available_and_achieved(selection, tmp_path):
    json_path, markdown_path = write_report(str(tmp_path), selection)
    with open(json_path) as handle:
        report = json.load(handle)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blend_report.json", "blend_report.md"]
    targets = three_sources().targets()
    rows = {row["name"]: row for row in report["sources"]}
    assert list(rows) == NAMES
    for name, row in rows.items():
        source = selection.source(name)
        assert row["target_tokens"] == targets[name]
        assert row["available_tokens"] == AVAILABLE[name]
        assert row["achieved_tokens"] == source.achieved_tokens
        assert row["achieved_documents"] == source.achieved_documents
    assert rows["wiki"]["whole_repeats"] == 2
    assert rows["wiki"]["repeats"] == pytest.approx(2.5, abs=0.005)
    assert rows["code"]["shortfall_tokens"] == AVAILABLE["code"]
    assert rows["code"]["repeats"] == 2.0
    assert rows["web"]["shortfall_tokens"] == rows["wiki"]["shortfall_tokens"] == 0
    assert sum(r["achieved_share"] for r in rows.values()) == pytest.approx(1.0)
    assert report["total"]["target_tokens"] == sum(targets.values())
    assert report["total"]["shortfall_tokens"] == AVAILABLE["code"]
    assert report["warnings"] == [selection.source("code").plan.warning]
    with open(markdown_path) as handle:
        markdown = handle.read().splitlines()
    code = selection.source("code")
    assert markdown[4] == (
        f"| code | {targets['code']:,} | {targets['code'] / sum(targets.values()):.2%} "
        f"| {AVAILABLE['code']:,} | 3.0000 | 2.0000 | {code.achieved_tokens:,} "
        f"| {rows['code']['achieved_share']:.2%} | {AVAILABLE['code']:,} |"
    )
    assert markdown[-1] == f"- warning: {code.plan.warning}"
