"""Which of a command's arguments go to Beam: the pipeline options Beam knows (its
`PipelineOptions` classes define them) and everything after `--`. Any other argument is
a mistake, refused with the closest flag the command or Beam knows, so that a misspelled
flag never lets a run go on with defaults."""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Sequence

from apache_beam.options.pipeline_options import PipelineOptions

from corpus.errors import ConfigError


def _refuse(message: str) -> None:
    raise ConfigError(f"Beam option: {message}")


def unknown_to_beam(arguments: list[str]) -> tuple[list[str], list[str]]:
    """(the arguments Beam's pipeline options leave, the flags Beam knows)."""
    left: list[str] = []

    def parse(parser: argparse.ArgumentParser) -> None:
        parser.error = _refuse  # a bad value: one line, not Beam's usage of every option
        left.extend(parser.parse_known_args(arguments)[1])

    known = PipelineOptions([]).get_all_options(add_extra_args_fn=parse)
    return left, [f"--{name}" for name in known]


def _closest(flag: str, candidates: Sequence[str]) -> str | None:
    matches = difflib.get_close_matches(flag, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None


def beam_options(
    command: str,
    arguments: list[str],
    own_flags: Sequence[str],
    config_keys: Sequence[str] = (),
    beam: bool = True,
) -> list[str]:
    """`arguments` (those the command's own parser did not take) when Beam knows them all;
    otherwise a ConfigError naming the first it does not know and the closest flag of the
    command (`own_flags`) or of Beam. A flag named like a config key (`config_keys`) is
    pointed at `--set`. A command that runs no pipeline (not `beam`) takes none."""
    left, beam_flags = unknown_to_beam(arguments) if beam else (arguments, [])
    for index, argument in enumerate(left):
        if not argument.startswith("-"):
            raise ConfigError(f"{command}: unexpected argument {argument!r}")
        flag, has_value, value = argument.partition("=")
        if not has_value and index + 1 < len(left) and not left[index + 1].startswith("-"):
            value = left[index + 1]
        key = flag.lstrip("-").replace("-", "_")
        if key in config_keys:
            hint = f"--set {key}={value or 'VALUE'}"
        else:
            hint = _closest(flag, own_flags) or _closest(flag, beam_flags)
        suggestion = f"; did you mean {hint}?" if hint else ""
        passing = "; Beam's own options pass through" if beam else ""
        raise ConfigError(
            f"{command}: unknown flag {flag}{suggestion} "
            f"(`corpus {command} --help` lists its flags{passing})"
        )
    return arguments
