"""What a run owns in its output directory, and how it resumes: the names it writes there,
how it claims the directory, keeps a complete step, clears and redoes an unfinished one
(`run_step`) and, asked to overwrite, removes an earlier run's results, and never a file
it did not write.

At the top of its output a run writes `run.json` (the run that owns the directory: its
command, config and input files), `logs/` and, for `corpus run`, the report files. Each
step writes the names of `STEP_ENTRIES` into its step directory and anything into its side
directory (`corpus.layout`): for `corpus run` the steps its config names (`STAGE/` with
one source; `SOURCE/read/`, `SOURCE/STAGE/`, `tokenizer/`, `blend/` and `blend/SOURCE/`
with sources), for a single-stage command (`corpus extract ... --output DIR`) `DIR/STAGE/`.
That is what `run.json` claims; anything else (the config, the inputs, a user's files,
even inside a step's directory) is never removed, and an output directory holding the
run's inputs or its config is refused before anything is written.
"""

from __future__ import annotations

import fnmatch
import json
import os
import posixpath
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from apache_beam.io.filesystems import FileSystems

from corpus.atomic_files import TEMPORARY_PREFIX, is_temporary, write_text
from corpus.blend.outputs import DATA_PATH_FILE, HELD_OUT_DATA_PATH_FILES, PER_SPLIT_FILE
from corpus.blend.splits import HELD_OUT
from corpus.errors import ConfigError
from corpus.interrupted import stop_if_interrupted
from corpus.io.reading import matching
from corpus.layout import (
    BLEND_DIR,
    COMPLETE_FILE,
    DOCUMENTS_PREFIX,
    LOCK_FILE,
    LOGS_DIR,
    MANIFEST_FILE,
    MODEL_FILE,
    READ_STAGE,
    REPORT_FILES,
    RUN_COMMAND,
    RUN_FILE,
    TOKENIZER_DIR,
    TOKENS_PREFIX,
    side_directory,
    side_path,
)
from corpus.pipelines.input_fingerprints import changed_input
from corpus.terminal import terminal

STEP_ENTRIES = (
    f"{DOCUMENTS_PREFIX}-*-of-*.parquet",
    f"{TOKENS_PREFIX}-*-of-*",
    MANIFEST_FILE,
    MODEL_FILE,
    DATA_PATH_FILE,
    PER_SPLIT_FILE,
    *HELD_OUT_DATA_PATH_FILES.values(),
    *HELD_OUT,
)
"""Patterns of the names a step writes at the top of its directory (a directory named so
is the step's with everything under it); everything in its side directory is the step's."""
SHOWN_ENTRIES = 12
"""How many top-level entries the list of what `--overwrite` removes names."""


def files_under(directory: str) -> list[str]:
    """Every file under `directory`, at any depth (none when it does not exist)."""
    return matching(posixpath.join(directory, "**"))


def _top(relative: str) -> str:
    """The first component of a relative path, a temporary file's final name for a file."""
    return relative.split("/", 1)[0].removeprefix(TEMPORARY_PREFIX)


def is_step_entry(relative: str) -> bool:
    """Whether a path, relative to a step's directory, is one a step writes there."""
    name = _top(relative)
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in STEP_ENTRIES)


def step_directories(identity: dict) -> list[str]:
    """The directories, relative to the output, in which the run `identity` (a `run.json`)
    writes its steps: `STAGE` for a single-stage command. A `run.json` that is not one this
    project writes names none."""
    config = identity.get("config")
    if not isinstance(config, dict) or not isinstance(identity.get("command"), str):
        return []
    if identity["command"] != RUN_COMMAND:
        return [identity["command"]]
    sources = config.get("sources")
    if not isinstance(sources, dict):
        return [str(stage) for stage in config.get("stages") or []]
    directories = [TOKENIZER_DIR, BLEND_DIR]
    for name, source in sources.items():
        stages = (source.get("stages") or []) if isinstance(source, dict) else []
        directories += [posixpath.join(name, str(stage)) for stage in [READ_STAGE, *stages]]
        directories.append(posixpath.join(BLEND_DIR, name))  # the blend's shards of the source
    return directories


def is_step_file(relative: str, identity: dict) -> bool:
    """Whether a step of the run `identity` writes the path `relative` (to the output)."""
    for step in step_directories(identity):
        if relative.startswith(step + "/") and is_step_entry(relative[len(step) + 1 :]):
            return True
        if relative.startswith(side_directory(step) + "/"):
            return True
    return False


def is_owned(relative: str, identity: dict) -> bool:
    """Whether the run `identity` writes the path `relative` (to its output directory)."""
    top = _top(relative)
    if top in (RUN_FILE, LOGS_DIR):
        return True
    if identity.get("command") == RUN_COMMAND and top in REPORT_FILES:
        return True
    return is_step_file(relative, identity)


def _resolved(path: str) -> str:
    """A path to compare with another: a local one absolute, its symbolic links resolved."""
    return path if FileSystems.get_scheme(path) else os.path.realpath(path)


def is_within(path: str, directory: str) -> bool:
    return _resolved(path).startswith(_resolved(directory).rstrip("/") + "/")


def refuse_holding_inputs(directory: str, identity: dict, config_file: str | None) -> None:
    """A run's output must not hold its inputs or its config: a ConfigError naming them."""
    held = []
    if config_file and is_within(config_file, directory):
        held.append(f"its config {config_file}")
    inputs = [f["path"] for f in identity.get("inputs", []) if is_within(f["path"], directory)]
    if len(inputs) == 1:
        held.append(f"its input {inputs[0]}")
    elif inputs:
        held.append(f"{len(inputs)} of its inputs ({inputs[0]}, ...)")
    if held:
        raise ConfigError(
            f"output: {directory} holds {' and '.join(held)}; give an output directory "
            "that holds neither the run's inputs nor its config"
        )


def read_run_file(directory: str) -> dict | None:
    """The `run.json` in `directory`, or None when there is none (or it is not JSON)."""
    path = posixpath.join(directory, RUN_FILE)
    if not FileSystems.exists(path):
        return None
    with FileSystems.open(path) as handle:
        try:
            identity = json.loads(handle.read())
        except ValueError:
            return None
    return identity if isinstance(identity, dict) else None


def differing_keys(earlier: dict, identity: dict) -> list[str]:
    """The keys in which two `run.json` differ, config sections by name (`config.filter`)."""
    keys = []
    for key in sorted(earlier.keys() | identity.keys()):
        old, new = earlier.get(key), identity.get(key)
        if key == "config" and isinstance(old, dict) and isinstance(new, dict):
            keys += [
                f"config.{k}" for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k)
            ]
        elif old != new:
            keys.append(key)
    return keys


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def summary(relatives: Iterable[str]) -> str:
    """`blend/ (11 files), report.html, run.json`: the top-level entries of the paths."""
    counts = Counter(
        path.split("/", 1)[0] + "/" if "/" in path else path for path in sorted(relatives)
    )
    entries = [
        f"{name} ({_files(count)})" if name.endswith("/") else name
        for name, count in sorted(counts.items())
    ]
    if len(entries) > SHOWN_ENTRIES:
        entries = [*entries[:SHOWN_ENTRIES], f"and {len(entries) - SHOWN_ENTRIES} more"]
    return ", ".join(entries)


def remove_earlier_results(directory: str, claims: list[dict], existing: list[str]) -> None:
    """Deletes the files of `existing` (under `directory`) that a run of `claims` wrote,
    saying on stderr what it removes (temporary files aside) and how many it keeps."""
    owned, kept = [], []
    for path in existing:
        relative = posixpath.relpath(path, directory)
        (owned if any(is_owned(relative, c) for c in claims) else kept).append(path)
    listed = [posixpath.relpath(p, directory) for p in owned if not is_temporary(p)]
    if listed:
        keeps = f"; keeps {_files(len(kept))} it did not write" if kept else ""
        print(
            f"output: {directory}: --overwrite removes {_files(len(listed))} an earlier run "
            f"wrote: {summary(listed)}{keeps}",
            file=sys.stderr,
            flush=True,
        )
    if owned:
        FileSystems.delete(owned)


def claim_output(
    directory: str, identity: dict, overwrite: bool, config_file: str | None = None
) -> None:
    """Makes `directory` the run's own: writes `identity` there as `run.json`. A directory
    that holds the same `run.json` is a restarted run's, kept as it is to resume; any other
    file there (another run's `run.json`, or none) is refused unless `overwrite`, which
    removes what this run or the earlier one wrote and nothing else. Temporary files a
    killed run left behind are not results. A directory that holds the run's inputs or
    `config_file` is refused either way."""
    refuse_holding_inputs(directory, identity, config_file)
    existing = [  # but the run's own lock (`run_lock`)
        p for p in files_under(directory) if posixpath.relpath(p, directory) != LOCK_FILE
    ]
    earlier = read_run_file(directory)
    if any(not is_temporary(p) for p in existing) and not overwrite:
        if earlier is None:
            raise ConfigError(
                f"output: {directory} already holds files that no {RUN_FILE} claims; pass "
                "--overwrite to write there (it removes only what a corpus run wrote)"
            )
        if earlier == identity:
            return
        changed = changed_input(earlier, identity)
        if changed:
            raise ConfigError(
                f"output: {directory} holds results of other inputs: {changed}; restore the "
                "input to resume, or pass --overwrite to start again"
            )
        differences = ", ".join(differing_keys(earlier, identity))
        raise ConfigError(
            f"output: {directory} already holds another run's results ({RUN_FILE} differs "
            f"in {differences}); pass --overwrite to replace them"
        )
    claims = [identity] if earlier is None else [identity, earlier]
    remove_earlier_results(directory, claims, existing)
    path = posixpath.join(directory, RUN_FILE)
    write_text(path, json.dumps(identity, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def step_files(directory: str) -> list[str]:
    """The files a step writes, found in its directory and its side directory (without a
    `run.json` to say which steps they are of)."""
    owned = [p for p in files_under(directory) if is_step_entry(posixpath.relpath(p, directory))]
    return owned + files_under(side_directory(directory))


def claiming_run(step_directory: str) -> tuple[str, dict] | None:
    """The output directory and `run.json` of the run a step's directory belongs to, one
    or two levels up."""
    directory = posixpath.dirname(step_directory.rstrip("/"))
    for _ in range(2):
        identity = read_run_file(directory)
        if identity is not None:
            return directory, identity
        directory = posixpath.dirname(directory)
    return None


def clear_step(directory: str) -> None:
    """Deletes what an unfinished attempt at the step in `directory` left there: the files
    of the run's steps (by the `run.json` that claims it), never another file."""
    claim = claiming_run(directory)
    if claim is None:
        owned = step_files(directory)
    else:
        output, identity = claim
        files = files_under(directory) + files_under(side_directory(directory))
        owned = [p for p in files if is_step_file(posixpath.relpath(p, output), identity)]
    if owned:
        FileSystems.delete(owned)


def mark_complete(
    directory: str, started: float, finished: float, measured: dict | None = None
) -> None:
    """Writes the step's `COMPLETE_FILE`: when its work started and finished (UTC, from
    `time.time()` values), the seconds it took, and the times `measured` within it (a
    filter step's `filters`)."""

    def utc(seconds: float) -> str:
        return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")

    seconds = round(finished - started, 3)
    times = {"started": utc(started), "finished": utc(finished), "seconds": seconds}
    times.update(measured or {})
    write_text(side_path(directory, COMPLETE_FILE), json.dumps(times) + "\n")


def run_step(directory: str, work: Callable[[], dict | None], overwrite: bool = False) -> None:
    """One step of a run whose output is claimed (`claim_output`): `work` fills `directory`,
    then `COMPLETE_FILE`, with the step's wall time and the times `work` returns, is
    written beside it, last. A step already complete is kept as it is unless `overwrite`;
    otherwise what an unfinished attempt left there is deleted first (`clear_step`: only
    the step's own files)."""
    stop_if_interrupted()
    if FileSystems.exists(side_path(directory, COMPLETE_FILE)) and not overwrite:
        terminal().line(f"{directory}: complete, kept")
        return
    clear_step(directory)
    started = time.time()
    times = work()
    mark_complete(directory, started, time.time(), times)
