"""The `corpus` command: Common Crawl WARC files (and other sources) -> a Japanese
pre-training corpus, as Apache Beam pipelines.

`corpus run CONFIG` runs every step a config file lists, end to end, and writes a report;
the stage commands run one step on the files given. `corpus COMMAND --help` describes a
command and its flags. The commands that run pipelines also take Beam's pipeline options
and pass them on (`--runner=DataflowRunner`, `--direct_num_workers=2`,
`--temp_location=gs://...`); anything after `--` passes to Beam as it is. Any other flag
is refused. Without `--runner` a pipeline runs locally, one worker process per core,
showing its progress; Beam's own log goes to the output's logs/corpus.log (`--verbose`
shows it instead).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

# The commands import what they run when they run it: `corpus --help` loads no Beam, and
# Beam's logging as it loads is held for the run's log (corpus.run_log).
from corpus.errors import ConfigError
from corpus.run_log import current_log, hold_logging, release, stop_logging
from corpus.terminal import configure, reset, terminal

if TYPE_CHECKING:
    from corpus.config import RunConfig

STAGE_COMMANDS = {
    "extract": ("extract", "WARC files -> Japanese documents", "WARC files or globs"),
    "paragraph-stats": (
        "paragraph_stats",
        "documents -> paragraph frequency statistics, attached to the documents",
        "document Parquet files or globs",
    ),
    "filter": (
        "filter",
        "documents -> the documents that pass the filter chain",
        "document Parquet files or globs",
    ),
    "dedup": (
        "dedup",
        "documents -> one document per cluster of duplicates",
        "document Parquet files or globs",
    ),
    "tokenize": (
        "tokenize",
        "documents -> token shards (Megatron .bin/.idx and Parquet)",
        "document Parquet files or globs",
    ),
}
"""Command -> (the stage it runs, its help, its inputs' help)."""
ALIASES = {"paragraph-stats": ["paragraph_stats"], "report": ["stats"]}
BEAM_OPTIONS = """

Beam's pipeline options pass through (`--runner=DataflowRunner`, `--direct_num_workers=2`),
and anything after `--`."""
INTERRUPTED = 130
"""The exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells report it."""


class Ran(NamedTuple):
    """What a command that ran pipelines did: its config and each step's statistics."""

    config: RunConfig
    steps: dict[str, dict]
    with_report: bool


def stage_config(args: argparse.Namespace, inputs: list[str], output: str) -> RunConfig:
    from corpus.config import apply_overrides, validate

    raw = {}
    if args.config:
        with open(args.config, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle) or {}
    # A single stage takes its parameters from the file, not its sources or blend.
    raw = {k: v for k, v in raw.items() if k not in ("sources", "blend")}
    raw.update(inputs=inputs, output=output)
    return validate(apply_overrides(raw, args.set), args.config or "command line")


def command_run(args: argparse.Namespace, beam_args: list[str]) -> Ran | None:
    if args.dry_run:
        return command_dry_run(args)
    from corpus.config import load_config
    from corpus.interrupted import resumable
    from corpus.pipelines.run import run
    from corpus.pipelines.write_errors import explaining_write_errors

    config = load_config(args.config, args.set)
    with resumable(config.output), explaining_write_errors(config.output):
        steps = run(config, beam_args, args.overwrite, args.config, args.take_over_lock)
    return Ran(config, steps, with_report=True)


def command_dry_run(args: argparse.Namespace) -> None:
    """`corpus run CONFIG --dry-run`: validates the config without a network request and
    prints the plan of its steps (corpus.pipelines.run_plan); writes nothing."""
    from corpus.config import load_config
    from corpus.pipelines.run_plan import plan_lines, run_plan

    config = load_config(args.config, args.set, offline=True)
    print("\n".join(plan_lines(config, run_plan(config), f"corpus run {args.config}")))


def command_stage(args: argparse.Namespace, beam_args: list[str]) -> Ran:
    from corpus.interrupted import resumable
    from corpus.pipelines.run import run_single_stage
    from corpus.pipelines.write_errors import explaining_write_errors

    config = stage_config(args, args.inputs, args.output)
    with resumable(config.output), explaining_write_errors(config.output):
        stats = run_single_stage(
            args.stage, config, beam_args, args.overwrite, args.config, args.take_over_lock
        )
    return Ran(config, {args.stage: stats}, with_report=False)


def command_train_tokenizer(args: argparse.Namespace, beam_args: list[str]) -> None:
    from corpus.pipelines.run import run_train_tokenizer
    from corpus.run_log import log_into
    from corpus.tokenize.tokenizer import Tokenizer, read_model

    config = stage_config(args, args.inputs, args.output)
    log_into(None)
    run_train_tokenizer(args.inputs, args.output, config, beam_args, args.overwrite)
    tokenizer = Tokenizer(read_model(args.output), add_bos=False, add_eos=False)
    release()
    print(
        f"train-tokenizer: {args.output}: {tokenizer.vocab_size} pieces "
        f"(vocab_size {config.tokenize.train.vocab_size}), sha256 {tokenizer.sha256}"
    )


def _given(args: argparse.Namespace, keys: Any) -> dict[str, Any]:
    """The config keys given on the command line: their flags have no default (SUPPRESS),
    so one not given is not in `args` and the config file's value or the model's holds."""
    return {key: value for key, value in vars(args).items() if key in keys}


def command_train_classifier(args: argparse.Namespace, beam_args: list[str]) -> None:
    from corpus.quality.classifier_training import train_classifier
    from corpus.quality.config import TrainClassifierConfig, settings
    from corpus.quality.inputs import training_examples

    flags = _given(args, TrainClassifierConfig.model_fields)
    config = settings(TrainClassifierConfig, args.config, flags)
    command = {**config.model_dump(), **({"config": args.config} if args.config else {})}
    try:
        examples, provenance = training_examples(
            config.input,
            [Path(p) for p in config.data],
            [Path(p) for p in config.web],
            config.score_threshold,
        )
        report = train_classifier(
            examples,
            Path(config.output),
            kind=config.kind,
            held_out=config.held_out,
            folds=config.folds,
            positive=config.positive,
            seed=config.seed,
            epochs=config.epochs,
            word_ngrams=config.word_ngrams,
            lr=config.lr,
            dim=config.dim,
            buckets=config.buckets,
            subwords=(config.minn, config.maxn),
            c=config.c,
            provenance={**provenance, "command": command},
        )
    except (OSError, ValueError) as error:
        raise ConfigError(f"train-classifier: {error}") from None
    print(report)


def command_teacher(args: argparse.Namespace, beam_args: list[str]) -> None:
    from corpus.quality.config import TeacherConfig, settings
    from corpus.quality.teacher import score_sample

    flags = _given(args, TeacherConfig.model_fields)
    config = settings(TeacherConfig, args.config, flags)
    command = {**config.model_dump(), **({"config": args.config} if args.config else {})}
    try:
        scores = score_sample(
            Path(config.labelled),
            Path(config.sample),
            [Path(p) for p in config.reference],
            Path(config.output),
            command,
        )
    except (OSError, ValueError) as error:
        raise ConfigError(f"teacher: {error}") from None
    print(
        f"teacher: {len(scores)} texts of {config.sample} scored into {config.output} "
        f"({sum(s >= 0.5 for s in scores)} with P(good) >= 0.5), its record in "
        f"{config.output}.json"
    )


def command_evaluate_filter(args: argparse.Namespace, beam_args: list[str]) -> None:
    from corpus.quality.evaluate_filter import evaluate_filter

    try:
        outcome = evaluate_filter(
            Path(args.data), args.chain, args.skip, args.model, args.label, args.threshold
        )
    except (OSError, ValueError) as error:
        raise ConfigError(f"evaluate-filter: {error}") from None
    print("\n".join(outcome.lines()))


def command_report(args: argparse.Namespace, beam_args: list[str]) -> None:
    from corpus.report.progress import Step
    from corpus.report.write import write_report

    directory = args.output or args.run_output
    try:
        with Step(os.path.join(directory, "report.html")) as step:
            report = write_report(args.run_output, args.output)
    except FileNotFoundError as error:
        raise ConfigError(f"report: {error}") from None
    verdict = "" if report["funnel"]["consistent"] else " (the counts do not add up: see it)"
    step.finished("written")
    print(f"report: report.html, .json and .md in {directory}{verdict}")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions as written; a flag's default after its help, when it has one."""

    def _get_help_string(self, action: argparse.Action) -> str:
        default = action.default
        shown = not (default is None or default is False or default == [])
        shown = shown and default is not argparse.SUPPRESS
        if shown and "%(default)" not in action.help:
            return action.help + " (default: %(default)s)"
        return action.help


def _defaults_of(model: str) -> type[HelpFormatter]:
    """A help formatter showing each flag's default from the command's config model in
    corpus.quality.config (the flags have none of their own: a flag not given leaves the
    config file's value). The model loads Beam, so it is imported for this help only."""

    class ConfigDefaults(HelpFormatter):
        def _get_help_string(self, action: argparse.Action) -> str:
            from corpus.quality import config

            field = getattr(config, model).model_fields.get(action.dest)
            if field is None or field.is_required():
                return action.help
            default = field.get_default(call_default_factory=True)
            return action.help if default == [] else f"{action.help} (default: {default})"

    return ConfigDefaults


def _flag(parser: argparse.ArgumentParser, *names: str, **options: Any) -> None:
    """Adds a flag, remembered among the command's own (for "did you mean")."""
    action = parser.add_argument(*names, **options)
    parser.get_default("own_flags").extend(action.option_strings)


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of seconds")
    return value


def _command(
    commands: Any,
    name: str,
    help_text: str,
    handler: Callable,
    beam: bool,
) -> argparse.ArgumentParser:
    sub = commands.add_parser(
        name,
        aliases=ALIASES.get(name, []),
        help=help_text,
        description=help_text + (BEAM_OPTIONS if beam else ""),
        formatter_class=HelpFormatter,
        allow_abbrev=False,
    )
    sub.set_defaults(handler=handler, own_flags=["-h", "--help"], beam=beam)
    if not beam:
        return sub
    _flag(
        sub,
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value, e.g. --set extract.method=trafilatura (repeatable)",
    )
    _flag(
        sub,
        "--overwrite",
        action="store_true",
        help="replace the results of another run in the output (without it, the same "
        "command resumes its own unfinished output)",
    )
    _flag(
        sub,
        "--take-over-lock",
        action="store_true",
        help="take over the lock on the output of a run that has ended without removing it "
        "(killed, or on another host); a run still running on this host is never taken over",
    )
    _flag(
        sub,
        "--verbose",
        action="store_true",
        help="show Beam's log on the terminal instead of writing it to the output's "
        "logs/corpus.log",
    )
    _flag(
        sub,
        "--progress-interval",
        type=_positive,
        metavar="SECONDS",
        help="seconds between progress updates (default: 1 on a terminal, where the line "
        "is rewritten in place; 10 otherwise)",
    )
    return sub


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("corpus")
    except PackageNotFoundError:
        return "unknown"


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="corpus",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    main.add_argument("--version", action="version", version=f"corpus {_version()}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = _command(
        commands, "run", "run the steps a config file lists, end to end", command_run, True
    )
    _flag(run, "config", help="the run's YAML config (every key: docs/configuration.md)")
    _flag(
        run,
        "--dry-run",
        action="store_true",
        help="validate the config and print the plan of its steps, with the files each "
        "reads; contact no remote file, write nothing",
    )

    for name, (stage, help_text, inputs_help) in STAGE_COMMANDS.items():
        sub = _command(commands, name, help_text, command_stage, True)
        sub.set_defaults(stage=stage)
        _flag(sub, "inputs", nargs="+", help=f"{inputs_help} (local, gs://, s3://, https://)")
        _flag(
            sub,
            "--output",
            required=True,
            help="output directory: the stage's data goes to OUTPUT/STAGE/, its statistics and "
            "side outputs to OUTPUT/STAGE.meta/",
        )
        _flag(sub, "--config", help="YAML config for the stage's parameters")

    tokenizer = _command(
        commands,
        "train-tokenizer",
        "train a SentencePiece model (tokenize.train) on a sample of documents",
        command_train_tokenizer,
        True,
    )
    _flag(tokenizer, "inputs", nargs="+", help="document Parquet files or globs")
    _flag(tokenizer, "--output", required=True, help="where to write the model")
    _flag(tokenizer, "--config", help="YAML config holding tokenize.train")

    report = _command(
        commands, "report", "write the report of a run's output", command_report, False
    )
    _flag(report, "run_output", help="a run's output directory (OUTPUT of its config)")
    _flag(report, "--output", help="where to write the report (default: RUN_OUTPUT)")

    train = _command(
        commands,
        "train-classifier",
        "train a quality classifier (fastText or linear) from labelled lines, a teacher's "
        "scores or reference text against web text",
        command_train_classifier,
        False,
    )
    train.formatter_class = _defaults_of("TrainClassifierConfig")
    _flag(
        train,
        "data",
        nargs="*",
        default=argparse.SUPPRESS,
        help="`text<TAB>label` lines (--input labels), `text<TAB>score` lines (--input "
        "scores) or Wikipedia XML dumps (--input reference); optional with --config",
    )
    _flag(train, "--output", default=argparse.SUPPRESS, help="where to write the model")
    _flag(
        train,
        "--config",
        metavar="FILE.yaml",
        help="the settings as YAML keys named like the flags (data, input, web, held_out, "
        "...); a flag given overrides the file's value",
    )
    suppressed = {"default": argparse.SUPPRESS}
    _flag(
        train,
        "--kind",
        choices=["fasttext", "linear"],
        help="fastText, or logistic regression on TF-IDF of hashed character 1-3-grams "
        "(two labels; needs the `quality` extra)",
        **suppressed,
    )
    _flag(
        train,
        "--input",
        choices=["labels", "scores", "reference"],
        help="what DATA holds: human labels, a teacher's scores of P(good), or reference "
        "text trained as good against the --web texts as bad",
        **suppressed,
    )
    _flag(
        train,
        "--web",
        action="append",
        metavar="FILE",
        help="web texts, one a line (`text<TAB>label` or plain), the bad side of "
        "--input reference (repeatable)",
        **suppressed,
    )
    _flag(
        train,
        "--score-threshold",
        type=float,
        help="with --input scores: a score at or above it is `good`, below `bad`",
        **suppressed,
    )
    _flag(
        train,
        "--held-out",
        type=float,
        help="share of the data kept for evaluation (0: train on everything)",
        **suppressed,
    )
    _flag(
        train,
        "--folds",
        type=int,
        help="k-fold cross-validation of the training part, grouped by text, choosing the "
        "threshold written beside the model (0: none)",
        **suppressed,
    )
    _flag(train, "--positive", help="the label kept, for cross-validation", **suppressed)
    _flag(
        train, "--seed", type=int, help="seed of the held-out split and of training", **suppressed
    )
    _flag(
        train,
        "--c",
        type=float,
        help="linear: inverse regularisation (None: chosen by cross-validation)",
        **suppressed,
    )
    _flag(train, "--epochs", type=int, help="fastText: training epochs", **suppressed)
    _flag(
        train,
        "--word-ngrams",
        type=int,
        help="fastText: longest word n-gram used as a feature",
        **suppressed,
    )
    _flag(train, "--lr", type=float, help="fastText: learning rate", **suppressed)
    _flag(train, "--dim", type=int, help="fastText: size of the word vectors", **suppressed)
    _flag(train, "--buckets", type=int, help="fastText: n-gram hash buckets", **suppressed)
    _flag(
        train,
        "--minn",
        type=int,
        help="fastText: shortest character n-gram of a token",
        **suppressed,
    )
    _flag(
        train,
        "--maxn",
        type=int,
        help="fastText: longest character n-gram of a token",
        **suppressed,
    )

    teacher = _command(
        commands,
        "teacher",
        "train the quality teacher on labelled lines and write its scores of a sample's "
        "texts, for a student (train-classifier --input scores); needs the `quality` extra",
        command_teacher,
        False,
    )
    _flag(
        teacher,
        "labelled",
        nargs="?",
        help="`text<TAB>label` lines, labels good and bad; optional with --config",
        **suppressed,
    )
    _flag(
        teacher,
        "sample",
        nargs="?",
        help="texts to score, one a line (plain or `text<TAB>label`); optional with --config",
        **suppressed,
    )
    _flag(
        teacher,
        "--reference",
        action="append",
        metavar="DUMP",
        help="a Wikipedia XML dump, reference text for the teacher's character model (repeatable)",
        **suppressed,
    )
    _flag(teacher, "--output", help="where to write `text<TAB>score` lines", **suppressed)
    _flag(
        teacher,
        "--config",
        metavar="FILE.yaml",
        help="the settings as YAML keys (labelled, sample, reference, output); a flag or "
        "argument given overrides the file's value",
    )

    evaluate = _command(
        commands,
        "evaluate-filter",
        "apply a filter chain or a quality model to `text<TAB>label` lines (good/bad) and "
        "print how its decisions match the labels",
        command_evaluate_filter,
        False,
    )
    _flag(evaluate, "data", help="`text<TAB>label` lines, labels good and bad")
    _flag(evaluate, "--chain", help="a filter chain YAML (each text a one-paragraph document)")
    _flag(
        evaluate,
        "--skip",
        action="append",
        default=[],
        metavar="FILTER",
        help="leave this filter out of --chain (repeatable)",
    )
    _flag(evaluate, "--model", help="a fastText model from train-classifier (QualityClassifier)")
    _flag(evaluate, "--label", default="good", help="with --model: the label kept")
    _flag(
        evaluate,
        "--threshold",
        type=float,
        help="with --model: keep when P(label) >= it (default: the one in MODEL.json)",
    )
    return main


def _in_corpus(filename: str) -> bool:
    package = os.path.dirname(os.path.abspath(__file__))
    return os.path.abspath(filename).startswith(package + os.sep)


def _notes(caught: list[warnings.WarningMessage]) -> list[str]:
    """The project's own Python warnings, for the summary; any other goes to the log."""
    notes = []
    for warning in caught:
        if _in_corpus(warning.filename):
            notes.append(str(warning.message))
        else:
            logging.getLogger("py.warnings").warning(
                warnings.formatwarning(
                    warning.message, warning.category, warning.filename, warning.lineno
                ).rstrip()
            )
    return list(dict.fromkeys(notes))


def _failure(error: Exception) -> str:
    """One line for an unexpected error, naming its first cause (a pipeline's error holds
    its worker's traceback); the whole traceback goes to the log."""
    logging.getLogger("corpus").error("the command failed", exc_info=error)
    lines = str(error).splitlines()
    causes = [line for line in lines if re.match(r"[\w.]+(Error|Exception): \S", line)]
    first = next((line for line in lines if line.strip()), "")
    cause = causes[0] if causes else f"{type(error).__name__}: {first}"
    return f"corpus: failed: {cause[:300]} (details in {current_log()})"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    passthrough: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, passthrough = argv[:split], argv[split + 1 :]
    args, unknown = parser().parse_known_args(argv)
    verbose = getattr(args, "verbose", False)
    configure(sys.stderr, verbose, getattr(args, "progress_interval", None))
    hold_logging(verbose)  # before Beam is imported: it logs as it loads
    try:
        return run_command(args, unknown, passthrough, verbose)
    finally:
        stop_logging()
        reset()


def run_command(
    args: argparse.Namespace, unknown: list[str], passthrough: list[str], verbose: bool
) -> int:
    """Runs the command `args` names; prints its closing summary; returns its exit status."""
    from corpus.beam_flags import beam_options
    from corpus.config import RunConfig
    from corpus.interrupted import Interrupted, noting_interrupts
    from corpus.remote.file_systems import use_beam_options

    status, message, ran = 0, None, None
    with warnings.catch_warnings(record=not verbose) as caught:
        try:
            if not args.beam:  # it runs no pipeline: nothing passes to Beam
                unknown, passthrough = unknown + passthrough, []
            keys = list(RunConfig.model_fields) if args.beam else []
            beam_args = beam_options(args.command, unknown, args.own_flags, keys, args.beam)
            beam_args += passthrough
            # The Beam options are final here: `beam_args` is what every pipeline of the
            # command gets (empty for the commands that run none).
            use_beam_options(beam_args)  # for the file systems of this process too
            with noting_interrupts():
                ran = args.handler(args, beam_args)
        except ConfigError as error:
            status, message = 2, f"corpus: {error}"
        except Interrupted as stop:
            status, message = INTERRUPTED, f"corpus: {stop}"
        except KeyboardInterrupt:
            status, message = INTERRUPTED, "corpus: stopped"
        except Exception as error:
            if current_log() is None:
                raise
            status, message = 1, _failure(error)
        finally:
            release()
    if message:
        terminal().line(message)
    if ran is None:
        return status
    from corpus.report.summary import summarise

    summary = summarise(*ran, log=current_log(), notes=_notes(caught or []))
    for line in summary.lines():
        print(line)
    return summary.exit_status


if __name__ == "__main__":
    sys.exit(main())
