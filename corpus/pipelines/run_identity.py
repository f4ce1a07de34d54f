"""What a run is, as `run.json` records it: its command, its validated config and every
input file it matches, each with its fingerprint (`input_fingerprints`), so that a rerun
on the same output is recognised as the same run or told what changed
(`output_ownership.claim_output`).
"""

from __future__ import annotations

from operator import attrgetter

from apache_beam.io.filesystem import FileMetadata

from corpus.config import RunConfig
from corpus.errors import ConfigError
from corpus.pipelines.input_fingerprints import distinct_files, input_records
from corpus.remote.file_systems import check_file_systems, match_patterns
from corpus.terminal import terminal


def check_inputs(patterns: list[str], key: str = "inputs") -> list[FileMetadata]:
    """Every input pattern must match at least one file, before any work starts; returns
    the files matched, pattern by pattern, each pattern's in path order. A pattern whose
    file system cannot be used, or that fails to be matched, raises ConfigError too."""
    matched = []
    for pattern, result in zip(patterns, match_patterns(patterns, key), strict=True):
        if not result.metadata_list:
            raise ConfigError(f"{key}: {pattern!r} matches no file")
        matched += sorted(result.metadata_list, key=attrgetter("path"))
    return matched


def input_patterns(config: RunConfig) -> dict[str, list[str]]:
    """The run's input globs (a crawl's file addresses) by the config key that lists them."""
    if config.sources is None:
        return {"inputs": config.inputs}
    return {f"sources.{name}.inputs": source.inputs for name, source in config.sources.items()}


def run_identity(config: RunConfig, command: str) -> dict:
    """What `run.json` holds: the command (`run`, or a stage's name), the validated config,
    every input file it matches, each once (`input_fingerprints`: its size, modification
    time and checksum or fingerprint), and how many matches repeated a file another pattern
    of the same key had matched (`repeated_inputs`, said on the terminal too); raises
    ConfigError, naming the key, for a pattern that matches nothing or a file system that
    cannot be used (the output's included). Inputs named by a crawl are recorded as named
    in the config, and as the files they name in `inputs`, so a rerun reads those files or
    is told its inputs changed. `output` is left out (it is where the file lies), so one
    config run into two directories writes the same `run.json` in both."""
    files = []
    repeated = 0
    for key, patterns in input_patterns(config).items():
        distinct, repeats = distinct_files(check_inputs(patterns, key))
        if repeats:
            terminal().line(
                f"{key}: {repeats} of the files matched are matched by another pattern too; "
                "each file is read once"
            )
        files += input_records(distinct)
        repeated += repeats
    check_file_systems([config.output], "output", writing=True)
    recorded = config.model_dump(mode="json", exclude={"output"})
    sections = [(config, recorded)] + [
        (source, recorded["sources"][name]) for name, source in (config.sources or {}).items()
    ]
    for section, dumped in sections:
        if section.crawl_inputs is not None:
            dumped["inputs"] = section.crawl_inputs.model_dump(mode="json")
    return {"command": command, "config": recorded, "inputs": files, "repeated_inputs": repeated}
