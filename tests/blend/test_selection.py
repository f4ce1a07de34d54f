"""Blend plans and the hash-ordered selection, in plain Python (no Beam)."""

import hashlib
import logging
import random

import pytest

from corpus.blend.blend_file import BlendFile
from corpus.blend.plan import SourcePlan, plan_source
from corpus.blend.selection import (
    BUCKET_BITS,
    HASH_BITS,
    NARROWINGS,
    document_hash,
    select_in_memory,
    select_source,
)
from tests.support.blends import AVAILABLE, CODE, RECORDS, SEED, WEB, WIKI, three_sources


def nearest_prefix(records: list, remainder: int, seed: int) -> set[str]:
    """Brute force: the documents sorted by (hash, id), the prefix whose tokens are
    nearest `remainder` (the crossing document kept on a tie)."""
    ordered = sorted(records, key=lambda r: (document_hash(seed, r[1]), r[1]))
    tokens = 0
    for index, (_, _, document_tokens) in enumerate(ordered):
        if tokens + document_tokens >= remainder:
            keep = tokens + document_tokens - remainder <= remainder - tokens
            return {r[1] for r in ordered[: index + keep]}
        tokens += document_tokens
    raise AssertionError("remainder above the source's tokens")


def test_document_hash_is_pinned():
    # A document's hash must not move between processes or releases.
    assert document_hash(0, "doc-1") == 0x56F47A285F34F541
    assert document_hash(7, "doc-1") == 0x006768E89EAC1B50
    salt = (7).to_bytes(16, "little")
    digest = hashlib.blake2b(b"doc-1", digest_size=8, salt=salt).digest()
    assert document_hash(7, "doc-1") == int.from_bytes(digest, "big")
    assert document_hash(2**64 - 1, "文書") < 2**HASH_BITS


def test_plans_repeat_subsample_and_cap():
    blend = three_sources()
    web = plan_source(blend, "web", AVAILABLE["web"], 3000)
    assert (web.whole_repeats, web.remainder_tokens, web.shortfall_tokens) == (0, 150_000, 0)
    wiki = plan_source(blend, "wiki", AVAILABLE["wiki"], 400)
    assert wiki.whole_repeats == 2
    assert wiki.remainder_tokens == AVAILABLE["wiki"] // 2
    assert wiki.rate == pytest.approx(2.5, abs=1e-4)
    code = plan_source(blend, "code", AVAILABLE["code"], 300)
    assert (code.whole_repeats, code.remainder_tokens) == (2, 0)
    assert code.shortfall_tokens == AVAILABLE["code"]
    assert "over its cap of 2" in code.warning


def test_achieved_tokens_meet_targets_within_half_a_document(caplog):
    blend = three_sources()
    with caplog.at_level(logging.WARNING):
        selection, copies = select_in_memory(blend, RECORDS)
    targets = blend.targets()
    for name, records in (("web", WEB), ("wiki", WIKI)):
        achieved = selection.source(name).achieved_tokens
        assert abs(achieved - targets[name]) <= max(r[2] for r in records) / 2
        assert abs(achieved - targets[name]) <= 0.01 * targets[name]
    code = selection.source("code")
    assert code.achieved_tokens == 2 * AVAILABLE["code"]
    assert code.plan.shortfall_tokens == targets["code"] - 2 * AVAILABLE["code"]
    assert selection.warnings == [code.plan.warning]
    assert code.plan.warning in caplog.text
    # The copies are what the selection says: tokens and documents add up.
    tokens = {r[1]: r[2] for r in RECORDS}
    for source in selection.sources:
        mine = [c for c in copies if c[0] == source.plan.name]
        assert sum(tokens[c[1]] for c in mine) == source.achieved_tokens
        assert len(mine) == source.achieved_documents


def test_repeats_are_whole_epochs_plus_the_lowest_hashes():
    selection, copies = select_in_memory(three_sources(), RECORDS)
    per_document: dict[str, list[int]] = {}
    for _, document_id, repeat in copies:
        per_document.setdefault(document_id, []).append(repeat)
    wiki = [sorted(per_document[r[1]]) for r in WIKI]
    assert {tuple(r) for r in wiki} == {(0, 1), (0, 1, 2)}
    third = {r[1] for r in WIKI if len(per_document[r[1]]) == 3}
    assert third == nearest_prefix(WIKI, selection.source("wiki").plan.remainder_tokens, SEED)
    assert {tuple(sorted(per_document[r[1]])) for r in CODE} == {(0, 1)}
    web = {r[1] for r in WEB if r[1] in per_document}
    assert web == nearest_prefix(WEB, 150_000, SEED)
    assert all(per_document[d] == [0] for d in web)


def test_shares_are_met_within_one_percent():
    blend = BlendFile.model_validate(
        {
            "seed": SEED,
            "total_tokens": 200_000,
            "sources": [
                {"name": "web", "share": 0.6},
                {"name": "wiki", "share": 0.3},
                {"name": "code", "share": 0.1},
            ],
        }
    )
    selection, _ = select_in_memory(blend, RECORDS)
    total = sum(s.achieved_tokens for s in selection.sources)
    for source, share in zip(selection.sources, (0.6, 0.3, 0.1), strict=True):
        assert source.achieved_tokens / total == pytest.approx(share, rel=0.01)
    assert selection.warnings == []


def test_selection_is_deterministic_and_seeded():
    blend = three_sources()
    shuffled = RECORDS[:]
    random.Random(3).shuffle(shuffled)
    assert select_in_memory(blend, shuffled) == select_in_memory(blend, RECORDS)
    reseeded = blend.model_copy(update={"seed": SEED + 1})
    assert select_in_memory(reseeded, RECORDS)[1] != select_in_memory(blend, RECORDS)[1]


def clustered(count: int, seed: int) -> list[tuple[int, str, int]]:
    """Hashed documents crowded into one top-level bucket and one 2**32 range of it, so
    that every narrowing has many documents per bucket; plus some spread out."""
    rng = random.Random(seed)
    top = 0x1234 << (HASH_BITS - BUCKET_BITS)
    second = 0x5678 << (HASH_BITS - 2 * BUCKET_BITS)
    crowded = [top | second | rng.getrandbits(8) for _ in range(count)]
    spread = [top | rng.getrandbits(HASH_BITS - BUCKET_BITS) for _ in range(count)]
    anywhere = [rng.getrandbits(HASH_BITS) for _ in range(count)]
    return [(h, f"d{i:05d}", rng.randint(1, 50)) for i, h in enumerate(crowded + spread + anywhere)]


@pytest.mark.parametrize("fraction", [0.0001, 0.2, 0.5, 0.9999])
def test_narrowing_finds_the_exact_cut_in_crowded_buckets(fraction):
    assert NARROWINGS == 2
    hashed = clustered(500, 11)
    available = sum(d[2] for d in hashed)
    remainder = max(1, int(fraction * available))
    plan = SourcePlan("s", True, remainder, available, len(hashed), 4.0, 0, remainder)
    selection = select_source(plan, hashed)
    taken = sorted(d for d in hashed if selection.cut.takes(d[0], d[1]))
    # Brute force over the same hashes: the prefix nearest the remainder.
    ordered = sorted(hashed, key=lambda d: d[:2])
    sums = [0]
    for d in ordered:
        sums.append(sums[-1] + d[2])
    best = min(range(len(sums)), key=lambda k: (abs(sums[k] - remainder), -k))
    assert taken == sorted(ordered[:best])
    assert selection.partial_tokens == sums[best]
    assert selection.partial_documents == best


def test_a_document_id_twice_in_the_cut_range_is_an_error():
    hashed = [(5, "same", 10), (5, "same", 10), (9, "other", 10)]
    plan = SourcePlan("s", True, 15, 30, 3, 4.0, 0, 15)
    with pytest.raises(ValueError, match="document id 'same' appears twice"):
        select_source(plan, hashed)


def test_sources_missing_from_the_data_or_the_blend_are_recorded(caplog):
    blend = BlendFile.model_validate(
        {"sources": [{"name": "web", "tokens": 1_000}, {"name": "absent", "tokens": 500}]}
    )
    with caplog.at_level(logging.WARNING):
        selection, copies = select_in_memory(blend, WEB[:100] + CODE[:10])
    assert [s.plan.name for s in selection.sources] == ["web", "absent", "code"]
    absent, code = selection.source("absent"), selection.source("code")
    assert (absent.achieved_tokens, absent.plan.shortfall_tokens) == (0, 500)
    assert (code.plan.in_blend, code.plan.target_tokens, code.achieved_tokens) == (False, 0, 0)
    assert code.plan.available_tokens == sum(r[2] for r in CODE[:10])
    assert {c[0] for c in copies} == {"web"}
    assert len(selection.warnings) == 2
    assert "has no documents" in caplog.text
    assert "not in the blend" in caplog.text
