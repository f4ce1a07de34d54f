"""The report's safety section: personal data masked per type, pages blocked per list and
documents (and paragraphs) removed as contaminated per evaluation set.

Read from the stages' `stats.json` alone:
- masked: the `masked` counts of each MaskPII entry of a filter step's `filters`;
- blocked: the extract stage's `blocked` counts (per list, before any parsing) and the
  filter stage's removals by `UrlBlocklist(list=NAME)`;
- contaminated: removals by `Decontaminate(eval=NAME)`, and the paragraphs that filter
  entry removed (paragraph scope).
The filter names (corpus/filters/pii.py, blocklist.py, decontamination.py) and the
parameter that names the list or the set are the constants below. A list configured for
the extract stage in `run.json` shows with 0 when it blocked nothing.
"""

from __future__ import annotations

import re

from corpus.accounting import BLOCKED
from corpus.filters.blocklist import UrlBlocklist, default_name
from corpus.filters.decontamination import Decontaminate
from corpus.filters.pii import MASKED, MaskPII
from corpus.report.run_outputs import StageOutput

MASKING = MaskPII.__name__
BLOCKLIST, BLOCKLIST_KEY = UrlBlocklist.__name__, "list"
DECONTAMINATION, DECONTAMINATION_KEY = Decontaminate.__name__, "eval"
LABEL = re.compile(r"(?P<name>\w+)\((?P<params>.*)\)")


def parse_label(label: str) -> tuple[str, dict[str, str]]:
    """A filter label or removal reason (`UrlBlocklist(list=adult)`) as its filter's name
    and parameters."""
    match = LABEL.fullmatch(label)
    if match is None:
        return label, {}
    return match["name"], dict(p.partition("=")[::2] for p in match["params"].split(",") if p)


def configured_blocklists(config: dict | None) -> list[str]:
    """The names of the lists `run.json`'s config gives the extract stage (of any source)."""
    config = config or {}
    sections = [config, *(config.get("sources") or {}).values()]
    return [
        entry.get("name") or default_name(entry["paths"][0])
        for section in sections
        for entry in ((section.get("extract") or {}).get("blocklists") or [])
    ]


def safety(stages: list[StageOutput], config: dict | None) -> dict:
    """The section of `report.json` (`configured` false: no safety step ran)."""
    masked: list[dict] = []
    blocked: list[dict] = []
    contaminated: list[dict] = []
    configured = bool(configured_blocklists(config))
    for stage in stages:
        is_extract = stage.stage == "extract"
        lists = dict.fromkeys(configured_blocklists(config), 0) if is_extract else {}
        lists.update(stage.stats.get(BLOCKED, {}) if is_extract else {})
        sets: dict[str, list[int]] = {}  # documents, paragraphs
        per_type: dict[str, int] = {}
        for entry in stage.stats.get("filters", []):
            name, params = parse_label(entry["filter"])
            if name == MASKING:
                configured = True
                for kind, count in entry.get(MASKED, {}).items():
                    per_type[kind] = per_type.get(kind, 0) + count
            elif name == BLOCKLIST and BLOCKLIST_KEY in params:
                lists.setdefault(params[BLOCKLIST_KEY], 0)
            elif name == DECONTAMINATION and DECONTAMINATION_KEY in params:
                counts = sets.setdefault(params[DECONTAMINATION_KEY], [0, 0])
                counts[1] += entry["paragraphs_removed"]
        for reason, count in stage.stats.get("outcome", {}).items():
            name, params = parse_label(reason)
            if name == BLOCKLIST and BLOCKLIST_KEY in params:
                lists[params[BLOCKLIST_KEY]] = lists.get(params[BLOCKLIST_KEY], 0) + count
            elif name == DECONTAMINATION and DECONTAMINATION_KEY in params:
                sets.setdefault(params[DECONTAMINATION_KEY], [0, 0])[0] += count
        configured = configured or bool(lists or sets)
        label = stage.label
        masked += [{"stage": label, "type": t, "count": n} for t, n in sorted(per_type.items())]
        blocked += [{"stage": label, "list": k, "pages": n} for k, n in sorted(lists.items())]
        contaminated += [
            {"stage": label, "eval": name, "documents": documents, "paragraphs": paragraphs}
            for name, (documents, paragraphs) in sorted(sets.items())
        ]
    return {
        "configured": configured,
        "masked": masked,
        "blocked": blocked,
        "contaminated": contaminated,
    }
