"""The `corpus` command.

    corpus run CONFIG [--set KEY=VALUE ...] [--overwrite] [BEAM FLAGS]
    corpus extract WARC... --output DIR [--config CONFIG] [--set KEY=VALUE ...] [BEAM FLAGS]
    corpus filter PARQUET... --output DIR [--config CONFIG] [--set KEY=VALUE ...] [BEAM FLAGS]
    corpus dedup PARQUET... --output DIR [--config CONFIG] [--set KEY=VALUE ...] [BEAM FLAGS]
    corpus tokenize PARQUET... --output DIR [--config CONFIG] [--set KEY=VALUE ...] [BEAM FLAGS]
    corpus train-tokenizer PARQUET... --output MODEL [--config CONFIG] [--set ...] [BEAM FLAGS]
    corpus train-classifier DATA --output MODEL [--held-out 0.1] [--seed 0] ...
    corpus stats RUN_OUTPUT_DIR [--output DIR]

Flags this command does not know are Beam pipeline options and pass through to Beam
(`--runner=DataflowRunner`, `--direct_num_workers=2`, `--temp_location=gs://...`);
write them as `--flag=value`, or put them after `--`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import yaml

from corpus.config import ConfigError, RunConfig, apply_overrides, load_config, validate
from corpus.filters.training import train_classifier
from corpus.pipelines.run import run, run_single_stage, run_train_tokenizer
from corpus.report.write import write_report
from corpus.tokenize.tokenizer import Tokenizer, read_model


def format_stats(stage: str, stats: dict) -> str:
    outcomes = stats.get("outcome", {})
    lines = [f"{stage}: {stats['records_read']} records read, {outcomes.get('kept', 0)} kept"]
    lines += [
        f"  {name:<24} {count:>10}" for name, count in sorted(outcomes.items()) if name != "kept"
    ]
    lines += [
        f"  {'dead-lettered: ' + name:<24} {count:>10}"
        for name, count in sorted(stats.get("dead_lettered", {}).items())
    ]
    lines += [f"  ({name:<22} {count:>10})" for name, count in stats.get("flag", {}).items()]
    return "\n".join(lines)


def stage_config(args: argparse.Namespace, inputs: list[str], output: str) -> RunConfig:
    raw = {}
    if args.config:
        with open(args.config, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle) or {}
    # A single stage takes its parameters from the file, not its sources or blend.
    raw = {k: v for k, v in raw.items() if k not in ("sources", "blend")}
    raw.update(inputs=inputs, output=output)
    return validate(apply_overrides(raw, args.set), args.config or "command line")


def command_run(args: argparse.Namespace, beam_args: list[str]) -> dict[str, dict]:
    config = load_config(args.config, args.set)
    return run(config, beam_args, args.overwrite)


def command_stage(args: argparse.Namespace, beam_args: list[str]) -> dict[str, dict]:
    config = stage_config(args, args.inputs, args.output)
    stats = run_single_stage(args.command, config, beam_args, args.overwrite)
    return {args.command: stats}


def command_train_classifier(args: argparse.Namespace, beam_args: list[str]) -> dict[str, dict]:
    if beam_args:
        raise ConfigError(f"train-classifier: unknown arguments {' '.join(beam_args)}")
    try:
        report = train_classifier(
            Path(args.data),
            Path(args.output),
            held_out=args.held_out,
            seed=args.seed,
            epochs=args.epochs,
            word_ngrams=args.word_ngrams,
            lr=args.lr,
            dim=args.dim,
            buckets=args.buckets,
        )
    except (OSError, ValueError) as error:
        raise ConfigError(f"train-classifier: {error}") from None
    print(report)
    return {}


def command_train_tokenizer(args: argparse.Namespace, beam_args: list[str]) -> dict[str, dict]:
    config = stage_config(args, args.inputs, args.output)
    run_train_tokenizer(args.inputs, args.output, config, beam_args, args.overwrite)
    tokenizer = Tokenizer(read_model(args.output), add_bos=False, add_eos=False)
    print(
        f"train-tokenizer: {args.output}: {tokenizer.vocab_size} pieces "
        f"(vocab_size {config.tokenize.train.vocab_size}), sha256 {tokenizer.sha256}"
    )
    return {}


def command_stats(args: argparse.Namespace, beam_args: list[str]) -> dict[str, dict]:
    if beam_args:
        raise ConfigError(f"stats: unknown arguments {' '.join(beam_args)}")
    try:
        report = write_report(args.run_output, args.output)
    except FileNotFoundError as error:
        raise ConfigError(f"stats: {error}") from None
    verdict = "" if report["funnel"]["consistent"] else " (the counts do not add up: see it)"
    print(f"stats: report.html, .json and .md in {args.output or args.run_output}{verdict}")
    return {}


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="corpus", description=__doc__.split("\n\n")[0])
    commands = main.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="override a config value, e.g. --set extract.method=trafilatura",
        )
        sub.add_argument(
            "--overwrite",
            action="store_true",
            help="replace results already in the output (without it, `run` and the stage "
            "commands resume their own unfinished output)",
        )
        return sub

    run_parser = add("run", "run the stages a config file lists, end to end")
    run_parser.add_argument("config", help="the run's YAML config")
    run_parser.set_defaults(handler=command_run)

    for name, help_text, inputs_help in (
        (
            "extract",
            "WARC files -> Japanese documents",
            "WARC files or globs (local, gs://, s3://)",
        ),
        (
            "paragraph_stats",
            "documents -> paragraph frequency statistics, attached to the documents",
            "document Parquet globs",
        ),
        ("filter", "documents -> documents that pass the filter chain", "document Parquet globs"),
        ("dedup", "documents -> one document per cluster of duplicates", "document Parquet globs"),
        (
            "tokenize",
            "documents -> token shards (Megatron .bin/.idx and Parquet)",
            "document Parquet globs",
        ),
    ):
        stage = add(name, help_text)
        stage.add_argument("inputs", nargs="+", help=inputs_help)
        stage.add_argument("--output", required=True, help="directory for the stage's output")
        stage.add_argument("--config", help="YAML config for the stage's parameters")
        stage.set_defaults(handler=command_stage)

    tokenizer = add(
        "train-tokenizer",
        "train a SentencePiece model (tokenize.train) on a sample of documents",
    )
    tokenizer.add_argument("inputs", nargs="+", help="document Parquet globs")
    tokenizer.add_argument("--output", required=True, help="where to write the model")
    tokenizer.add_argument("--config", help="YAML config holding tokenize.train")
    tokenizer.set_defaults(handler=command_train_tokenizer)

    stats = commands.add_parser("stats", help="write the statistics report of a run's outputs")
    stats.add_argument("run_output", help="a run's output directory (OUTPUT of its config)")
    stats.add_argument("--output", help="where to write the report (default: RUN_OUTPUT)")
    stats.set_defaults(handler=command_stats)

    train = commands.add_parser(
        "train-classifier", help="train a fastText quality classifier from text<TAB>label lines"
    )
    train.add_argument("data", help="one `text<TAB>label` record per line")
    train.add_argument("--output", required=True, help="where to write the model (.bin)")
    train.add_argument("--held-out", type=float, default=0.1, help="share kept for evaluation")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--epochs", type=int, default=25)
    train.add_argument("--word-ngrams", type=int, default=2)
    train.add_argument("--lr", type=float, default=0.25)
    train.add_argument("--dim", type=int, default=50)
    train.add_argument("--buckets", type=int, default=200_000)
    train.set_defaults(handler=command_train_classifier)
    return main


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    passthrough: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, passthrough = argv[:split], argv[split + 1 :]
    args, beam_args = parser().parse_known_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        stats = args.handler(args, beam_args + passthrough)
    except ConfigError as error:
        print(f"corpus: {error}", file=sys.stderr)
        return 2
    for stage, stage_stats in stats.items():
        print(format_stats(stage, stage_stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
