"""The numbers of a run's report, computed from what its stages wrote.

One streaming pass with pyarrow over each stage's Parquet files, reading only the columns
a number needs, a batch of `BATCH_ROWS` rows at a time:

- every documents stage: the text (characters), the paragraphs' lengths (a small nested
  column, not their text), `hiragana_ratio` and `language_score`;
- each source's last documents stage (the corpus): host, charset, date, source and
  `cluster_size` too;
- token shards: `source` and `num_tokens`; paragraph statistics: the frequencies and text;
- filter debug output: the first rows of each reason only, for samples;
- a dedup stage's audit table (ids and similarities): removals per rule, the similarity
  histogram and a sample of removed documents beside the ones kept for them
  (corpus/report/duplicates.py), whose texts the pass over the stage's input picks up;
- dead letters: each line's reason, a line at a time (to check them against stats.json).

Histograms have fixed bins, top lists are bounded Misra-Gries counters (`top_counts`) and
per-source and per-year tables have one row per source or year, so memory does not grow
with the corpus: time is linear in the bytes of those columns (the text column dominates,
read once per documents stage), memory is a batch plus a few thousand counters. Row counts
come from Parquet footers. Compression rate and perplexity are not in any output, so the
report does not show them. Beside the numbers: the safety steps' counts (`safety`), the
run's provenance (`provenance`) and the font the plots draw Japanese with (or the warning
that there is none).
"""

from __future__ import annotations

import heapq
import posixpath
import re
from collections import Counter
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from corpus.blend.outputs import REPORT_JSON as BLEND_REPORT_JSON
from corpus.io.reading import parquet_rows, read_json
from corpus.layout import BLEND_DIR, side_path
from corpus.report.duplicates import AUDIT_COLUMNS, DuplicateReport
from corpus.report.funnel import funnel
from corpus.report.histogram import Histogram
from corpus.report.plots import japanese_font
from corpus.report.provenance import provenance
from corpus.report.run_outputs import StageOutput, find_stages
from corpus.report.safety import safety
from corpus.report.top_counts import TopCounts
from corpus.warc.naming import CC_DUMP, top_level_domain

SCHEMA_VERSION = 4
BATCH_ROWS = 4096
TOP = 20
SAMPLES_KEPT = 3
SAMPLES_PER_REASON = 2
EXCERPT_CHARS = 240
TOP_PARAGRAPHS = 10
NONE = "(none)"
NOT_RECORDED = ["compression rate", "perplexity"]

STAGE_COLUMNS = ["text", "paragraphs.list.element.link_chars", "hiragana_ratio", "language_score"]
CORPUS_COLUMNS = ["host", "charset", "date", "source", "cluster_size"]
SAMPLE_COLUMNS = ["id", "url", "source", "text", "removed_by"]


def batches(paths: list[str], columns: list[str]) -> Iterator[pa.RecordBatch]:
    for path in paths:
        with FileSystems.open(path) as handle:
            yield from pq.ParquetFile(handle).iter_batches(batch_size=BATCH_ROWS, columns=columns)


def value_counts(array: pa.Array) -> list[tuple[str, int]]:
    """(value, count) pairs of a string array, nulls and "" counted as "(none)"."""
    counted = pc.value_counts(pc.fill_null(array, ""))
    return [
        (value or NONE, count)
        for value, count in zip(
            counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True
        )
    ]


def excerpt(text: str) -> str:
    """The start of a text, whitespace runs folded to one space."""
    folded = re.sub(r"\s+", " ", text).strip()
    return folded if len(folded) <= EXCERPT_CHARS else folded[:EXCERPT_CHARS] + "…"


def sample_rows(paths: list[str], limit: int) -> list[dict]:
    """The first `limit` documents of the first file, as short excerpts."""
    if not paths:
        return []
    batch = next(batches(paths[:1], SAMPLE_COLUMNS), None)
    rows = [] if batch is None else batch.slice(0, limit).to_pylist()
    return [
        {
            "id": row["id"],
            "url": row["url"],
            "source": row["source"],
            "characters": len(row["text"]),
            "excerpt": excerpt(row["text"]),
        }
        for row in rows
    ]


def dead_letter_reasons(stage: StageOutput) -> dict[str, int]:
    """Rows of the stage's dead letter files by reason (only that column is read)."""
    reasons: Counter[str] = Counter()
    for path in stage.dead_letter_files:
        with FileSystems.open(path) as handle:
            reasons.update(pq.read_table(handle, columns=["reason"]).column(0).to_pylist())
    return dict(reasons)


def removed_samples(stage: StageOutput) -> list[dict]:
    """Per reason of the debug output: its full text (the `removed_by` of its rows, as the
    directory holds only a slug of it), its rows and a sample."""
    by_directory: dict[str, list[str]] = {}
    for path in stage.removed_files:
        by_directory.setdefault(posixpath.dirname(path), []).append(path)
    by_reason = {}
    for paths in by_directory.values():
        batch = next(batches(paths[:1], ["removed_by"]), None)
        if batch is not None and batch.num_rows:
            by_reason[batch.column("removed_by")[0].as_py()] = paths
    return [
        {
            "stage": stage.label,
            "reason": reason,
            "removed": parquet_rows(paths),
            "documents": sample_rows(paths, SAMPLES_PER_REASON),
        }
        for reason, paths in sorted(by_reason.items())
    ]


class DocumentHistograms:
    """The per-document distributions of one stage."""

    def __init__(self) -> None:
        self.characters = Histogram.powers_of_two(24)
        self.paragraphs = Histogram.powers_of_two(16)
        self.hiragana_ratio = Histogram.linear(0.0, 1.0, 50)
        self.language_score = Histogram.linear(0.0, 1.0, 50)


class Collector:
    """Accumulates the report's numbers over the stages' outputs."""

    def __init__(self) -> None:
        self.stage_characters: dict[str, int] = {}
        self.stage_tokens: dict[str, int] = {}
        self.histograms: dict[str, DocumentHistograms] = {}
        self.tokens_per_document = Histogram.powers_of_two(24)
        self.cluster_sizes = Histogram.powers_of_two(24)
        self.exact_frequency = Histogram.powers_of_two(40)
        self.near_frequency = Histogram.powers_of_two(40)
        self.top_paragraphs: list[tuple[int, str]] = []
        self.hosts = TopCounts()
        self.domains = TopCounts()
        self.charsets = TopCounts()
        self.years: Counter[str] = Counter()
        self.dumps: Counter[str] = Counter()
        self.source_documents: Counter[str] = Counter()
        self.source_characters: Counter[str] = Counter()
        self.source_tokens: Counter[str] = Counter()
        self.duplicates = DuplicateReport()

    def add_stage(self, stage: StageOutput, is_corpus: bool) -> None:
        histograms = self.histograms.setdefault(stage.stage, DocumentHistograms())
        wanted = self.duplicates.wanted(stage.label)
        columns = STAGE_COLUMNS + (CORPUS_COLUMNS if is_corpus else []) + (["id"] if wanted else [])
        characters = 0
        for batch in batches(stage.document_files, columns):
            if wanted:
                found = batch.filter(pc.is_in(batch.column("id"), pa.array(sorted(wanted))))
                self.duplicates.add_texts(
                    stage.label, found.column("id").to_pylist(), found.column("text").to_pylist()
                )
            lengths = pc.utf8_length(batch.column("text"))
            characters += pc.sum(lengths).as_py() or 0
            histograms.characters.add(lengths.to_numpy(zero_copy_only=False))
            paragraphs = pc.list_value_length(batch.column("paragraphs"))
            histograms.paragraphs.add(paragraphs.to_numpy(zero_copy_only=False))
            histograms.hiragana_ratio.add(batch.column("hiragana_ratio").to_numpy())
            scores = batch.column("language_score")  # null (NaN here) where not measured
            histograms.language_score.add(scores.to_numpy(zero_copy_only=False))
            if is_corpus:
                self.add_corpus_batch(batch, lengths, stage.source_dir)
        self.stage_characters[stage.label] = characters

    def add_corpus_batch(self, batch: pa.RecordBatch, lengths: pa.Array, source_dir: str) -> None:
        """A source is its directory in a multi-source run, else the `source` column."""
        # Documents from other sources than the web have no host and no charset.
        hosts = [(host, n) for host, n in value_counts(batch.column("host")) if host != NONE]
        self.hosts.update(hosts)
        self.domains.update((top_level_domain(host) or NONE, n) for host, n in hosts)
        charsets = value_counts(batch.column("charset"))
        self.charsets.update((name, n) for name, n in charsets if name != NONE)
        years = pc.cast(pc.year(batch.column("date")), pa.string())
        self.years.update(dict(value_counts(years)))
        self.cluster_sizes.add(batch.column("cluster_size").to_numpy())
        sources = batch.column("source")
        self.dumps.update({name: n for name, n in value_counts(sources) if CC_DUMP.fullmatch(name)})
        if source_dir:
            sources = pa.array([source_dir] * batch.num_rows)
        per_source = (
            pa.table({"source": sources, "characters": lengths})
            .group_by("source")
            .aggregate([("characters", "sum"), ("characters", "count")])
        )
        for row in per_source.to_pylist():
            self.source_documents[row["source"]] += row["characters_count"]
            self.source_characters[row["source"]] += row["characters_sum"] or 0

    def add_duplicates(self, stage: StageOutput, input_stage: StageOutput | None) -> None:
        """A dedup stage's audit table; `input_stage`: the documents stage it read."""
        self.duplicates.add_stage(stage, input_stage, batches(stage.duplicate_files, AUDIT_COLUMNS))

    def add_tokens(self, stage: StageOutput) -> None:
        """Tokens per document and per source (as `add_corpus_batch` names sources)."""
        tokens = 0
        for batch in batches(stage.token_files, ["source", "num_tokens"]):
            counts = batch.column("num_tokens")
            tokens += pc.sum(counts).as_py() or 0
            self.tokens_per_document.add(counts.to_numpy())
            sources = batch.column("source")
            if stage.source_dir:
                sources = pa.array([stage.source_dir] * batch.num_rows)
            per_source = (
                pa.table({"source": sources, "tokens": counts})
                .group_by("source")
                .aggregate([("tokens", "sum")])
            )
            for row in per_source.to_pylist():
                self.source_tokens[row["source"]] += row["tokens_sum"] or 0
        self.stage_tokens[stage.label] = tokens

    def add_paragraph_statistics(self, stage: StageOutput) -> None:
        columns = ["exact_freq", "near_freq", "text"]
        for batch in batches(stage.paragraph_statistics_files, columns):
            exact = batch.column("exact_freq").to_numpy()
            self.exact_frequency.add(exact)
            self.near_frequency.add(batch.column("near_freq").to_numpy())
            # Only this batch's most frequent can enter the overall top list.
            for index in np.argsort(-exact, kind="stable")[:TOP_PARAGRAPHS]:
                entry = (int(exact[index]), batch.column("text")[int(index)].as_py())
                if len(self.top_paragraphs) < TOP_PARAGRAPHS:
                    heapq.heappush(self.top_paragraphs, entry)
                else:
                    heapq.heappushpop(self.top_paragraphs, entry)


def histogram_entry(title: str, unit: str, scale: str, series: dict[str, Histogram]) -> dict:
    """One plot: series of histograms with the same bins (empty ones left out)."""
    return {
        "title": title,
        "unit": unit,
        "scale": scale,
        "edges": next((h.edge_list() for h in series.values()), []),
        "series": [
            {"name": name, **h.to_dict()} for name, h in series.items() if h.total or h.missing
        ],
    }


def histograms(collector: Collector) -> dict:
    per_stage = collector.histograms
    document_histograms = {
        name: histogram_entry(
            title,
            unit,
            scale,
            {stage: getattr(h, name) for stage, h in per_stage.items()},
        )
        for name, title, unit, scale in (
            ("characters", "Document length", "characters", "log2"),
            ("paragraphs", "Paragraphs per document", "paragraphs", "log2"),
            ("hiragana_ratio", "Hiragana ratio", "share of non-space characters", "linear"),
            ("language_score", "Language score", "fastText probability", "linear"),
        )
    }
    return {
        **document_histograms,
        "tokens": histogram_entry(
            "Document length", "tokens", "log2", {"tokenize": collector.tokens_per_document}
        ),
        "cluster_size": histogram_entry(
            "Duplicate cluster size (documents each kept one stands for)",
            "documents",
            "log2",
            {"corpus": collector.cluster_sizes},
        ),
        "removal_similarity": histogram_entry(
            "Similarity of each near-duplicate removal to its kept document",
            "Jaccard similarity",
            "linear",
            collector.duplicates.histogram_series(),
        ),
        "paragraph_frequency": histogram_entry(
            "Paragraph frequency (distinct paragraphs)",
            "occurrences",
            "log2",
            {"exact": collector.exact_frequency, "near": collector.near_frequency},
        ),
    }


def blend_report(run_directory: str) -> dict | None:
    path = side_path(posixpath.join(run_directory, BLEND_DIR), BLEND_REPORT_JSON)
    return read_json(path) if FileSystems.exists(path) else None


def sources(collector: Collector, blend: dict | None) -> list[dict]:
    shares = {row["name"]: row for row in blend["sources"]} if blend else {}
    names = sorted(set(collector.source_documents) | set(collector.source_tokens) | set(shares))
    rows = []
    for name in names:
        share = shares.get(name, {})
        rows.append(
            {
                "name": name,
                "documents": collector.source_documents[name],
                "characters": collector.source_characters[name],
                "tokens": collector.source_tokens[name] if collector.source_tokens else None,
                "target_share": share.get("target_share"),
                "achieved_share": share.get("achieved_share"),
                "target_tokens": share.get("target_tokens"),
                "achieved_tokens": share.get("achieved_tokens"),
            }
        )
    return rows


def web_facts(collector: Collector) -> dict:
    dumps = [{"name": name, "count": count} for name, count in sorted(collector.dumps.items())]
    return {
        "hosts": collector.hosts.to_dict(TOP),
        "top_level_domains": collector.domains.to_dict(TOP),
        "charsets": collector.charsets.to_dict(TOP),
        "years": [{"name": year, "count": n} for year, n in sorted(collector.years.items())],
        "dumps": dumps,
    }


def collect(run_directory: str) -> dict:
    """The report of the run in `run_directory`, as the JSON-ready dict `report.json` holds."""
    stages = find_stages(run_directory)
    if not stages:
        raise FileNotFoundError(f"{run_directory}: no stage output (no */stats.json) found")
    collector = Collector()
    documents: dict[str, int] = {}
    corpus_stage: dict[str, StageOutput] = {}
    for stage in stages:
        if stage.duplicate_files:
            collector.add_duplicates(stage, corpus_stage.get(stage.source_dir))
        if stage.document_files:
            corpus_stage[stage.source_dir] = stage
            documents[stage.label] = parquet_rows(stage.document_files)
        elif stage.token_files:
            documents[stage.label] = parquet_rows(stage.token_files)
            collector.add_tokens(stage)
        if stage.paragraph_statistics_files:
            collector.add_paragraph_statistics(stage)
    for stage in stages:
        if stage.document_files:
            collector.add_stage(stage, is_corpus=corpus_stage[stage.source_dir] is stage)
    removed = [
        sample for stage in stages if stage.removed_files for sample in removed_samples(stage)
    ]
    dead_letters = {stage.label: dead_letter_reasons(stage) for stage in stages}
    blend = blend_report(run_directory)
    top_paragraphs = sorted(collector.top_paragraphs, key=lambda entry: (-entry[0], entry[1]))
    origin = provenance(run_directory, stages)
    return {
        "schema_version": SCHEMA_VERSION,
        "run_directory": run_directory,
        "funnel": funnel(
            stages,
            documents,
            collector.stage_characters,
            collector.stage_tokens,
            removed,
            dead_letters,
        ),
        "sources": sources(collector, blend),
        "blend": blend,
        "histograms": histograms(collector),
        "top_paragraphs": [{"count": n, "text": text} for n, text in top_paragraphs],
        "web": web_facts(collector),
        "samples": {
            "kept": [
                {"stage": stage.label, **row}
                for stage in corpus_stage.values()
                for row in sample_rows(stage.document_files, SAMPLES_KEPT)
            ],
            "removed": removed,
            "duplicates": collector.duplicates.to_list(excerpt),
        },
        "safety": safety(stages, origin["config"]),
        "not_recorded": NOT_RECORDED,
        "plot_font": japanese_font().to_dict(),
        "provenance": origin,
    }
