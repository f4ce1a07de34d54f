"""Reading the blend's Megatron arguments as Megatron-LM reads them."""

from __future__ import annotations

import json

from megatron.core.datasets.utils import get_blend_from_list


def megatron_per_split(path) -> list:
    """What Megatron-LM does with --per-split-data-args-path (get_blend_and_blend_per_split
    in megatron/training/utils.py, which the megatron-core wheel does not ship): read the
    JSON, split a string value on whitespace, parse each split with get_blend_from_list."""
    with open(path) as handle:
        args = json.load(handle)
    for split in ("train", "valid", "test"):
        if isinstance(args[split], str):
            args[split] = args[split].split()
    return [get_blend_from_list(args[split]) for split in ("train", "valid", "test")]
