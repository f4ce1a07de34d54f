"""The blend as Megatron-LM's data arguments.

`--data-path` (or the same text in a file, `--data-args-path`) takes `w1 prefix1 w2
prefix2 ...`: megatron-core's `get_blend_from_list` pairs the words, and the dataset
builder normalises the weights to sum 1 and draws samples in proportion. LLM-jp passes
each file's token count as its weight, as here: the shards hold the selected documents
with their repeats, so a weight is the tokens the blend takes from that prefix and
Megatron reads each shard about once.

`--per-split-data-args-path` takes JSON `{"train": [...], "valid": [...], "test": [...]}`:
Megatron-LM's `get_blend_and_blend_per_split` (megatron/training/utils.py) reads all
three keys, splits a string value on whitespace, and passes each list to
`get_blend_from_list`; a `null` split has no data (the dataset config logs it and skips it).
The held-out splits' own files (`valid_data_path.txt`, `test_data_path.txt`) are the same
words for `--valid-data-path $(cat ...)` and `--test-data-path $(cat ...)`.

A held-out split mixes its sources as training does: a source's held-out shards together
weigh its training tokens (`held_out_weights`). Validation loss then estimates the loss
of the training mixture, whatever share of each source's documents was held out, rather
than of the sources' natural sizes (where one large web source would drown the others).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from corpus.blend.blend_file import round_to_total
from corpus.blend.selection import BlendSelection

WeightedPrefix = tuple[int, str]
"""(weight, prefix): a shard's tokens and its path without `.bin`/`.idx`."""


def weighted_prefixes(
    selection: BlendSelection, prefix_of: Callable[[str], str]
) -> list[WeightedPrefix]:
    """Each source that takes tokens, in the blend's order, as (achieved tokens, prefix):
    for shards written one prefix per source."""
    return [
        (source.achieved_tokens, prefix_of(source.plan.name))
        for source in selection.sources
        if source.achieved_tokens
    ]


def held_out_weights(train_tokens: int, shard_tokens: Sequence[int]) -> list[int]:
    """The weights of a source's held-out shards (their tokens `shard_tokens`): the
    source's `train_tokens` shared in proportion to the shards' tokens, as integers that
    add up to it (a shard may get 0 when `train_tokens` is smaller than the shards)."""
    held_out = sum(shard_tokens)
    if not held_out:
        return [0] * len(shard_tokens)
    exact = [Fraction(train_tokens * tokens, held_out) for tokens in shard_tokens]
    return round_to_total(exact, train_tokens)


def blend_words(entries: Sequence[WeightedPrefix]) -> list[str]:
    """["w1", "prefix1", ...]; a weight must be positive, a prefix one word."""
    words = []
    for weight, prefix in entries:
        if weight <= 0:
            raise ValueError(f"{prefix}: weight {weight} must be positive")
        if not prefix or prefix != "".join(prefix.split()):
            raise ValueError(f"{prefix!r}: Megatron splits its arguments on whitespace")
        words += [str(weight), prefix]
    if not words:
        raise ValueError("a blend needs at least one weighted prefix")
    return words


def data_path_text(entries: Sequence[WeightedPrefix]) -> str:
    """The `--data-path` words, one `weight prefix` pair per line (Megatron splits on any
    whitespace, so the file also works as `--data-path $(cat FILE)`)."""
    blend_words(entries)  # validates them
    return "".join(f"{weight} {prefix}\n" for weight, prefix in entries)


def per_split_data_args(
    train: Sequence[WeightedPrefix],
    valid: Sequence[WeightedPrefix] | None = None,
    test: Sequence[WeightedPrefix] | None = None,
) -> dict[str, list[str] | None]:
    """The `--per-split-data-args-path` object; a split given as None has no data."""
    return {
        "train": blend_words(train),
        "valid": None if valid is None else blend_words(valid),
        "test": None if test is None else blend_words(test),
    }
