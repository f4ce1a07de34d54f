"""Held-out validation and test splits by document hash, in plain Python (no Beam): the
split of a document is fixed by its id and the seed, the splits are disjoint and of the
asked sizes, a held-out document never trains, and bad fractions are refused."""

import random

import pytest

from corpus.blend.blend_file import BlendFile, load_blend
from corpus.blend.hashing import HASH_BITS, document_hash
from corpus.blend.report import report_dict, report_markdown
from corpus.blend.selection import select_in_memory
from corpus.blend.splits import TEST, TRAIN, VALID, Splits
from corpus.config import validate
from corpus.errors import ConfigError
from tests.support.blends import (
    AVAILABLE,
    RECORDS,
    SEED,
    TEST_FRACTION,
    VALID_FRACTION,
    WIKI,
    three_sources,
    with_splits,
)


def split_of(blend: BlendFile, document_id: str) -> str:
    return Splits.of(blend).split(document_hash(blend.seed, document_id))


def test_the_hash_range_is_cut_at_the_fractions():
    splits = Splits.of(with_splits(three_sources()))
    assert splits.test_start == 2**HASH_BITS - int(TEST_FRACTION * 2**HASH_BITS)
    assert splits.valid_start == splits.test_start - int(VALID_FRACTION * 2**HASH_BITS)
    assert splits.held_out == (VALID, TEST)
    assert [splits.split(h) for h in (0, splits.valid_start - 1, splits.valid_start)] == [
        TRAIN,
        TRAIN,
        VALID,
    ]
    assert [splits.split(h) for h in (splits.test_start - 1, splits.test_start)] == [VALID, TEST]
    assert splits.split(2**HASH_BITS - 1) == TEST
    # No fraction: every document trains, and the blend asks for no held-out split.
    none = Splits.of(three_sources())
    assert none.held_out == ()
    assert none.split(2**HASH_BITS - 1) == TRAIN
    only_test = Splits.of(with_splits(three_sources(), valid_fraction=0))
    assert only_test.held_out == (TEST,)


def test_fractions_are_respected_on_a_few_hundred_documents():
    blend = with_splits(three_sources())
    for name in ("web", "wiki", "code"):
        ids = [r[1] for r in RECORDS if r[0] == name]
        assert len(ids) >= 300
        splits = [split_of(blend, i) for i in ids]
        # Binomial: about 3.5 standard deviations at n = 300.
        assert splits.count(VALID) / len(ids) == pytest.approx(VALID_FRACTION, abs=0.06)
        assert splits.count(TEST) / len(ids) == pytest.approx(TEST_FRACTION, abs=0.045)
    every = [split_of(blend, r[1]) for r in RECORDS]
    assert every.count(VALID) / len(every) == pytest.approx(VALID_FRACTION, abs=0.015)
    assert every.count(TEST) / len(every) == pytest.approx(TEST_FRACTION, abs=0.012)


def test_the_split_is_deterministic_and_disjoint_from_training():
    blend = with_splits(three_sources())
    selection, copies = select_in_memory(blend, RECORDS)
    shuffled = random.Random(3).sample(RECORDS, len(RECORDS))
    assert select_in_memory(blend, shuffled) == (selection, copies)
    held_out = {(r[0], r[1]): split_of(blend, r[1]) for r in RECORDS}
    trained = {(source, i) for source, i, _ in copies}
    assert trained
    assert not {key for key, split in held_out.items() if split != TRAIN} & trained
    # Each document is in exactly one split, by its own id only: the same with other sources.
    alone = select_in_memory(blend, WIKI)[0]
    assert alone.held_out["wiki"] == selection.held_out["wiki"]
    reseeded = with_splits(three_sources(), seed=SEED + 1)
    moved = [r[1] for r in RECORDS if split_of(reseeded, r[1]) != split_of(blend, r[1])]
    assert len(moved) > len(RECORDS) / 10


def test_held_out_documents_are_not_repeated_in_training():
    blend = with_splits(three_sources())
    selection, copies = select_in_memory(blend, RECORDS)
    wiki = selection.source("wiki")
    assert wiki.plan.whole_repeats == 2
    train_ids = [r[1] for r in WIKI if split_of(blend, r[1]) == TRAIN]
    repeats = {i: 0 for i in train_ids}
    for source, document_id, _ in copies:
        if source == "wiki":
            repeats[document_id] += 1  # a KeyError if a held-out document trained
    assert min(repeats.values()) == 2
    assert max(repeats.values()) == 3
    # The plan is made on the documents left to train on.
    train_tokens = sum(r[2] for r in WIKI if split_of(blend, r[1]) == TRAIN)
    assert wiki.plan.available_tokens == train_tokens < AVAILABLE["wiki"]
    assert wiki.plan.available_documents == len(train_ids)


def test_held_out_totals_are_counted_per_source_and_split():
    blend = with_splits(three_sources())
    selection, _ = select_in_memory(blend, RECORDS)
    for name in ("web", "wiki", "code"):
        for split in (VALID, TEST):
            held = [r for r in RECORDS if r[0] == name and split_of(blend, r[1]) == split]
            assert held
            expected = (sum(r[2] for r in held), len(held))
            assert selection.held_out_of(name, split) == expected
            assert selection.held_out[name][split] == expected
            document = held[0][1]
            hashed = document_hash(blend.seed, document)
            assert selection.split_copies(name, hashed, document) == (split, range(1))
    assert selection.warnings == [selection.source("code").plan.warning]
    report = report_dict(selection)
    wiki = next(row for row in report["sources"] if row["name"] == "wiki")
    assert wiki["held_out"][VALID] == {
        "documents": selection.held_out["wiki"][VALID][1],
        "tokens": selection.held_out["wiki"][VALID][0],
    }
    total_valid = sum(selection.held_out[n][VALID][1] for n in ("web", "wiki", "code"))
    assert report["total"]["held_out"][VALID]["documents"] == total_valid
    markdown = report_markdown(selection).splitlines()
    header = "| Source | Valid documents | Valid tokens | Test documents | Test tokens |"
    assert header in markdown
    web = selection.held_out["web"]
    row = f"| web | {web[VALID][1]:,} | {web[VALID][0]:,} | {web[TEST][1]:,} | {web[TEST][0]:,} |"
    assert row in markdown


def test_a_source_outside_the_blend_holds_nothing_out():
    blend = with_splits(three_sources())
    extra = [("unlisted", f"u{i}", 5) for i in range(200)]
    selection, copies = select_in_memory(blend, RECORDS + extra)
    assert "unlisted" not in selection.held_out
    held = next(i for _, i, _ in extra if split_of(blend, i) != TRAIN)
    split = split_of(blend, held)
    hashed = document_hash(blend.seed, held)
    assert selection.split_copies("unlisted", hashed, held) == (split, range(0))
    assert not [c for c in copies if c[0] == "unlisted"]


def test_a_split_that_holds_out_nothing_is_a_warning():
    blend = with_splits(three_sources(), valid_fraction=1e-9, test_fraction=0)
    selection, _ = select_in_memory(blend, RECORDS)
    assert selection.held_out == {}
    assert selection.warnings[-1] == (
        "valid_fraction: no source that trains holds out a document, so the blend has no "
        "valid split"
    )


def test_without_fractions_nothing_changes():
    selection, copies = select_in_memory(three_sources(), RECORDS)
    zero = with_splits(three_sources(), valid_fraction=0, test_fraction=0)
    assert select_in_memory(zero, RECORDS) == (selection, copies)
    assert selection.held_out == {}
    assert report_dict(selection)["total"]["held_out"] == {}


@pytest.mark.parametrize(
    ("keys", "problem"),
    [
        (
            {"valid_fraction": -0.1},
            "valid_fraction: Input should be greater than or equal to 0",
        ),
        ({"test_fraction": 1}, "test_fraction: Input should be less than 1"),
        (
            {"valid_fraction": 0.6, "test_fraction": 0.4},
            "(top level): valid_fraction + test_fraction is 1: the held-out splits must "
            "leave documents to train on (their sum below 1)",
        ),
        ({"paths": "cwd"}, "paths: Input should be 'absolute' or 'relative'"),
    ],
)
def test_bad_keys_are_one_line_each(tmp_path, keys, problem):
    lines = [f"{key}: {value}" for key, value in keys.items()]
    path = tmp_path / "blend.yaml"
    path.write_text("\n".join([*lines, "sources:", "  - {name: web, tokens: 10}", ""]))
    with pytest.raises(ConfigError) as error:
        load_blend(path)
    assert str(error.value) == f"{path} is invalid:\n  {problem}"


def test_a_source_named_like_a_split_is_refused_with_that_split():
    raw = {"valid_fraction": 0.1, "sources": [{"name": "valid", "tokens": 10}]}
    with pytest.raises(ValueError, match="source valid: with valid_fraction the held-out"):
        BlendFile.model_validate(raw)
    BlendFile.model_validate({**raw, "valid_fraction": 0})  # no split, no clash


def test_a_run_config_refuses_a_bad_fraction_in_one_line(tmp_path):
    raw = {
        "output": str(tmp_path / "out"),
        "sources": {"web": {"inputs": ["x.jsonl"], "reader": "jsonl", "stages": ["tokenize"]}},
        "blend": {"valid_fraction": 0.7, "test_fraction": 0.5, "sources": [{"name": "web"}]},
    }
    raw["blend"]["sources"][0]["tokens"] = 100
    with pytest.raises(ConfigError) as error:
        validate(raw)
    assert str(error.value).splitlines()[1:] == [
        "  blend: valid_fraction + test_fraction is 1.2: the held-out splits must leave "
        "documents to train on (their sum below 1)"
    ]
