"""Where a run's corpus comes from: its command and config, the filter chains, the
tokenizer, the input files, the versions of the packages that made it, and the wall time
of each step. Read from what the run wrote (`run.json`, the tokenize manifests, each step's
`_SUCCESS`) and from the installed packages' metadata."""

from __future__ import annotations

import json
import platform
import posixpath
import re
from importlib import metadata

from apache_beam.io.filesystems import FileSystems

from corpus.io.reading import matching, read_json
from corpus.layout import (
    COMPLETE_FILE,
    MANIFEST_FILE,
    RUN_COMMAND,
    RUN_FILE,
    SIDE_SUFFIX,
    STATS_FILE,
    step_of_side_directory,
)
from corpus.report.run_outputs import StageOutput

PROJECT = "corpus"
REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def package_versions() -> dict[str, str | None]:
    """The installed version of the project and of each package it requires (extras left
    out), by distribution name; None for one that is not installed."""
    names = [PROJECT]
    for requirement in metadata.requires(PROJECT) or []:
        if "extra ==" not in requirement:
            names.append(REQUIREMENT_NAME.match(requirement).group(0))
    versions = {}
    for name in dict.fromkeys(names):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def filter_chains(identity: dict) -> list[dict]:
    """The filter chain of each source that runs the filter stage ("" in a single-source
    run), as `run.json` records it (resolved: every entry with its parameters)."""
    config = identity.get("config") or {}
    chain = (config.get("filter") or {}).get("chain")
    sources = config.get("sources")
    if identity.get("command") != RUN_COMMAND:
        stages = {"": [identity.get("command")]}
    elif sources:
        stages = {name: source.get("stages", []) for name, source in sources.items()}
    else:
        stages = {"": config.get("stages", [])}
    chains = []
    for name, listed in stages.items():
        if "filter" in listed:
            own = (sources or {}).get(name, {}).get("filter")
            chains.append({"source": name, "chain": own["chain"] if own else chain})
    return chains


def tokenizer(stages: list[StageOutput]) -> dict | None:
    """The tokenizer the first tokenize stage's manifest records (a run's sources share
    one): where its model is, its sha256, vocabulary size, BOS/EOS and token dtype."""
    for stage in stages:
        path = posixpath.join(stage.path, MANIFEST_FILE)
        if stage.stage == "tokenize" and FileSystems.exists(path):
            return read_json(path)["tokenizer"]
    return None


def filter_times(side_directory: str, times: dict) -> list[dict] | None:
    """A filter step's filters in chain order: the counts of its `stats.json` with the
    seconds of its `_SUCCESS` (null where not recorded); None for another step."""
    path = posixpath.join(side_directory, STATS_FILE)
    counts = read_json(path).get("filters") if FileSystems.exists(path) else None
    if counts is None:
        return None
    seconds = [entry["seconds"] for entry in times.get("filters", [])]
    if len(seconds) != len(counts):
        seconds = [None] * len(counts)
    return [entry | {"seconds": s} for entry, s in zip(counts, seconds, strict=True)]


def step_times(run_directory: str) -> list[dict]:
    """Every complete step's wall time (its `_SUCCESS`), in the order the steps ran, with
    a filter step's counts and seconds per filter."""
    steps = []
    root = run_directory.rstrip("/")
    for pattern in (f"*{SIDE_SUFFIX}", f"*/*{SIDE_SUFFIX}"):
        for path in matching(posixpath.join(root, pattern, COMPLETE_FILE)):
            with FileSystems.open(path) as handle:
                text = handle.read().decode("utf-8")
            times = json.loads(text) if text.strip() else {}
            side = posixpath.dirname(path)
            step = {
                "step": step_of_side_directory(posixpath.relpath(side, root)),
                "started": times.get("started"),
                "finished": times.get("finished"),
                "seconds": times.get("seconds"),
            }
            filters = filter_times(side, times)
            if filters is not None:
                step["filters"] = filters
            steps.append(step)
    return sorted(steps, key=lambda s: (s["started"] is None, s["started"] or "", s["step"]))


def provenance(run_directory: str, stages: list[StageOutput]) -> dict:
    """The report's provenance section (`run.json`'s parts null when there is none)."""
    path = posixpath.join(run_directory, RUN_FILE)
    identity = read_json(path) if FileSystems.exists(path) else {}
    inputs = identity.get("inputs", [])
    return {
        "command": identity.get("command"),
        "config": identity.get("config"),
        "filter_chains": filter_chains(identity),
        "tokenizer": tokenizer(stages),
        "inputs": {"files": len(inputs), "bytes": sum(f["bytes"] for f in inputs)},
        "python": platform.python_version(),
        "packages": package_versions(),
        "steps": step_times(run_directory),
    }
