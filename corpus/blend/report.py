"""The blend report: per source, what was asked (target), what there was (available
for training) and what the selection takes (achieved), in tokens and shares, with the
rate, repeats and shortfall, and the documents and tokens each held-out split holds; as a
JSON-ready dict and as Markdown tables."""

from __future__ import annotations

from corpus.blend.selection import BlendSelection, SourceSelection

KINDS = ("documents", "tokens")
"""What the held-out table counts, per split."""


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _held_out(selection: BlendSelection, names: list[str]) -> dict:
    """{split: {"documents": n, "tokens": n}} over the sources `names`, for each held-out
    split the blend asks for."""
    held_out = {}
    for split in selection.splits.held_out:
        counts = [selection.held_out_of(name, split) for name in names]
        held_out[split] = {
            "documents": sum(documents for _, documents in counts),
            "tokens": sum(tokens for tokens, _ in counts),
        }
    return held_out


def _source_row(
    selection: BlendSelection, source: SourceSelection, total_target: int, total_achieved: int
) -> dict:
    plan = source.plan
    cut = source.cut
    return {
        "name": plan.name,
        "in_blend": plan.in_blend,
        "target_tokens": plan.target_tokens,
        "target_share": _share(plan.target_tokens, total_target),
        "available_tokens": plan.available_tokens,
        "available_documents": plan.available_documents,
        "rate": plan.rate if plan.available_tokens else None,
        "max_repeats": plan.max_repeats,
        "whole_repeats": plan.whole_repeats,
        "remainder_tokens": plan.remainder_tokens,
        "achieved_tokens": source.achieved_tokens,
        "achieved_documents": source.achieved_documents,
        "achieved_share": _share(source.achieved_tokens, total_achieved),
        "repeats": _share(source.achieved_tokens, plan.available_tokens),
        "shortfall_tokens": plan.shortfall_tokens,
        "cut": None
        if cut is None
        else {"hash": f"{cut.hash:016x}", "id": cut.id, "inclusive": cut.inclusive},
        "held_out": _held_out(selection, [plan.name]),
    }


def report_dict(selection: BlendSelection) -> dict:
    total_target = sum(s.plan.target_tokens for s in selection.sources)
    total_achieved = sum(s.achieved_tokens for s in selection.sources)
    return {
        "seed": selection.seed,
        "total": {
            "target_tokens": total_target,
            "available_tokens": sum(s.plan.available_tokens for s in selection.sources),
            "achieved_tokens": total_achieved,
            "achieved_documents": sum(s.achieved_documents for s in selection.sources),
            "shortfall_tokens": sum(s.plan.shortfall_tokens for s in selection.sources),
            "held_out": _held_out(selection, [s.plan.name for s in selection.sources]),
        },
        "sources": [
            _source_row(selection, s, total_target, total_achieved) for s in selection.sources
        ],
        "warnings": list(selection.warnings),
    }


def report_markdown(selection: BlendSelection) -> str:
    report = report_dict(selection)
    lines = [
        "| Source | Target tokens | Target share | Available tokens | Rate | Repeats "
        "| Achieved tokens | Achieved share | Shortfall tokens |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["sources"]:
        name = row["name"] if row["in_blend"] else f"{row['name']} (not in the blend)"
        rate = "-" if row["rate"] is None else f"{row['rate']:.4f}"
        lines.append(
            f"| {name} | {row['target_tokens']:,} | {row['target_share']:.2%} "
            f"| {row['available_tokens']:,} | {rate} | {row['repeats']:.4f} "
            f"| {row['achieved_tokens']:,} | {row['achieved_share']:.2%} "
            f"| {row['shortfall_tokens']:,} |"
        )
    total = report["total"]
    lines.append(
        f"| total | {total['target_tokens']:,} | | {total['available_tokens']:,} | | "
        f"| {total['achieved_tokens']:,} | | {total['shortfall_tokens']:,} |"
    )
    splits = list(total["held_out"])
    if splits:
        header = " | ".join(f"{split.capitalize()} {kind}" for split in splits for kind in KINDS)
        lines += ["", f"| Source | {header} |", "|---" + "|---:" * 2 * len(splits) + "|"]
        for row in [*report["sources"], {"name": "total", **total}]:
            counts = " | ".join(
                f"{row['held_out'][split][kind]:,}" for split in splits for kind in KINDS
            )
            lines.append(f"| {row['name']} | {counts} |")
    lines += ["", *(f"- warning: {w}" for w in report["warnings"])]
    return "\n".join(lines).rstrip("\n") + "\n"
