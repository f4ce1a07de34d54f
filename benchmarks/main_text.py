"""Main text, not boilerplate: how much of each gold page's article text each system keeps.

On every gold page of ../shared/fixtures/extraction (gold_pages.py), in one run:
  default pipeline, out-of-fold MainText
                      the default chain replayed in this process on the run below's
                      paragraph_stats output, each page's MainText model the one of its
                      fold (gold_pages.fold_of) from train_main_text.out_of_fold_models:
                      penalty, cut and weights chosen and fitted without that fold's pages
                      (nested cross-validation), so no page is scored by a model that saw it
  default pipeline, shipped model (in-sample)
                      `corpus run` with stages extract (method paragraphs), paragraph_stats
                      and filter (the default chain, debug on); kept text = the kept
                      document's live paragraphs, "" for a page dropped at extraction or
                      removed whole by the filter. Its MainText model was fitted on every
                      gold-text page, these ones included
  extract only        the same run's extraction output, every paragraph
  trafilatura method  the same run with `extract.method: trafilatura`
  trafilatura alone   trafilatura.extract(html) with its defaults (an anchor)
  resiliparse         extract_plain_text(html, main_content=True) (an anchor)
The anchors get the HTML as the pipeline decodes it (corpus.extract.charset).

The pipeline keeps only Japanese documents, so the non-Japanese pages go through runs of
their own with every lid.176 label kept (score threshold 0, kana pre-filter off) and the
chain's Japanese-only rules (`JAPANESE_ONLY`) skipped: what is measured there is
extraction and boilerplate removal, not language filtering. Paragraph statistics are per
run: the Japanese pages' frequencies come from the Japanese pages alone.

Scores, per page, then the plain mean over pages (macro):
  bigrams    the multiset of character bigrams of a text with all whitespace removed
  precision  |kept & gold| / |kept| (multiset intersection); when nothing is kept, 1.0 if
             the gold has no bigram either, else 0.0
  recall     |kept & gold| / |gold|; 1.0 for a gold text without bigrams
  F1         their harmonic mean; 0.0 when both are 0
  lost whole pages with recall 0: nothing of the article kept
trafilatura-eval pages have snippets instead of gold text: they are left out of the bigram
scores and scored in columns of their own, per page then macro: `with`, the share of the
snippets that must appear found in the kept text; `without`, the share of the boilerplate
snippets absent (both compared with whitespace removed); `snip. lost`, pages with no
kept text at all.

The out-of-fold row is the estimate of how the shipped model does on pages it never saw;
it needs gold-text pages in at least three folds (a --only subset may have fewer: then the
row is left out and the output says so).

Then why the two chains lose what they lose: every page lost whole, with the stage and the
rule that dropped it (from the filter's debug output, `filter.meta/removed/`, and
`removed_by`); for a
document measure, its value on the page as the rule saw it and on the page's article
paragraphs alone; and which paragraph rules had marked article paragraphs before. An
article paragraph has at least ARTICLE_MIN_CHARS characters and at least half of its
character 5-grams (whitespace removed) in the gold text. Last, the recall each paragraph
rule took from the pages the default pipeline kept, and the path segments that made a
path rule (NoContentDOM) mark article paragraphs: the chain replayed in this process on
the run's filter input, since kept documents are written without their marked paragraphs.

    python benchmarks/main_text.py [--fixtures DIR] [--only TEXT...] [--work DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import importlib.metadata
import io
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from urllib.parse import quote

import fasttext
import trafilatura
import yaml
from fixture_warc import DEFAULT_FIXTURES, Page, build_warc
from gold_pages import GoldPage, fold_of, gold_pages
from resiliparse.extract.html2text import extract_plain_text

from corpus.extract.charset import decode_body
from corpus.extract.config import ExtractConfig
from corpus.extract.extractor import DocumentExtractor
from corpus.extract.langid import bundled_model_path
from corpus.extract.triage import Candidate, triage
from corpus.filters.base import HighLowFilter, ParagraphFilter
from corpus.filters.chain import FilterChain
from corpus.filters.config import FilterConfig
from corpus.layout import REMOVED_DIR, side_path
from corpus.pipelines.document_io import documents_glob, input_files, read_document_file
from corpus.schema import Document, Paragraph
from corpus.warc.reader import WarcRecord, read_warc

REPO = Path(__file__).resolve().parents[1]
STAGES = ["extract", "paragraph_stats", "filter"]
JAPANESE_ONLY = ("HiraganaRatio", "WordTypes")
"""Rules of the default chain made for Japanese text only: the hiragana share, and the
keyword lists of Japanese words."""
SHINGLE = 5
ARTICLE_SHARE = 0.5
ARTICLE_MIN_CHARS = 20
"""Shorter paragraphs (menu items, headings, dates) are never counted as article
paragraphs: a short string found in the gold text says little."""

OUT_OF_FOLD = "default pipeline, out-of-fold MainText"
DEFAULT = "default pipeline, shipped model (in-sample)"
EXTRACT_ONLY = "extract only (paragraphs)"
TRAFILATURA_METHOD = "extract.method trafilatura + chain"
TRAFILATURA = f"trafilatura {importlib.metadata.version('trafilatura')} alone"
RESILIPARSE = f"resiliparse {importlib.metadata.version('resiliparse')} main_content"
SYSTEMS = (OUT_OF_FOLD, DEFAULT, EXTRACT_ONLY, TRAFILATURA_METHOD, TRAFILATURA, RESILIPARSE)
PIPELINES = {DEFAULT: "paragraphs", TRAFILATURA_METHOD: "trafilatura"}


# --- scores --------------------------------------------------------------------------


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def bigrams(text: str) -> Counter[str]:
    text = squash(text)
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


def bigram_score(kept: str, gold: str) -> Score:
    kept_bigrams, gold_bigrams = bigrams(kept), bigrams(gold)
    common = (kept_bigrams & gold_bigrams).total()
    empty_precision = 0.0 if gold_bigrams else 1.0
    precision = common / kept_bigrams.total() if kept_bigrams else empty_precision
    recall = common / gold_bigrams.total() if gold_bigrams else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)


def snippet_scores(kept: str, page: GoldPage) -> tuple[float, float]:
    """(share of the must-appear snippets found, share of the boilerplate snippets absent)."""
    text = squash(kept)
    found = [squash(s) in text for s in page.must_contain]
    absent = [squash(s) not in text for s in page.must_not_contain]
    return fmean(found) if found else 1.0, fmean(absent) if absent else 1.0


def lost_whole(kept: str, page: GoldPage) -> bool:
    """Nothing of the article kept: recall 0, or for a snippet page no text at all."""
    if page.text is None:
        return not squash(kept)
    return bigram_score(kept, page.text).recall == 0


def table(pages: list[GoldPage], texts: dict[str, dict[str, str]]) -> list[str]:
    gold = [p for p in pages if p.text is not None]
    snippets = [p for p in pages if p.text is None]
    lines = [
        "| system | precision | recall | F1 | lost whole | with | without | snip. lost |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for system in (system for system in SYSTEMS if system in texts):
        kept = texts[system]
        cells = [system]
        if gold:
            scores = [bigram_score(kept[p.name], p.text) for p in gold]
            cells += [f"{fmean(s.precision for s in scores):.3f}"]
            cells += [f"{fmean(s.recall for s in scores):.3f}"]
            cells += [f"{fmean(s.f1 for s in scores):.3f}"]
            cells += [f"{sum(s.recall == 0 for s in scores)} of {len(gold)}"]
        else:
            cells += ["-"] * 4
        if snippets:
            pairs = [snippet_scores(kept[p.name], p) for p in snippets]
            cells += [f"{fmean(w for w, _ in pairs):.3f}", f"{fmean(wo for _, wo in pairs):.3f}"]
            cells += [f"{sum(lost_whole(kept[p.name], p) for p in snippets)} of {len(snippets)}"]
        else:
            cells += ["-"] * 3
        lines.append("| " + " | ".join(cells) + " |")
    return lines


# --- the pipeline runs ---------------------------------------------------------------


def url_of(page: GoldPage) -> str:
    return f"http://fixtures.test/{quote(page.name)}"


def short_name(page: GoldPage) -> str:
    parts = page.name.split("/")
    if page.dataset == "scrapinghub":
        return f"scrapinghub/{parts[-1][:8]}"
    if page.dataset == "readability":
        return f"readability/{parts[-2]}"
    return f"{parts[0]}/{parts[-1][:40]}"


def skipped_rules() -> list[str]:
    present = {entry["filter"] for entry in FilterConfig().chain}
    return [name for name in JAPANESE_ONLY if name in present]


def group_chain(japanese: bool) -> FilterChain:
    """The chain a group of pages ran through, built as the filter stage builds it."""
    config = FilterConfig(skip=[] if japanese else skipped_rules())
    chain = FilterChain.from_entries(config.chain)
    chain.setup()
    return chain


def run_config(warc: Path, output: Path, method: str, japanese: bool) -> dict:
    extract: dict = {"method": method}
    filters: dict = {"debug": True}
    if not japanese:
        model = fasttext.load_model(bundled_model_path())
        labels = [label.removeprefix("__label__") for label in model.get_labels()]
        extract |= {"languages": labels, "min_language_score": 0.0, "prefilter_min_kana": 0}
        filters["skip"] = skipped_rules()
    return {
        "inputs": [str(warc)],
        "output": str(output),
        "stages": STAGES,
        "extract": extract,
        "filter": filters,
        "allow_empty_sources": True,  # a page subset (--only) may lose every page
    }


@dataclass
class RunOutput:
    japanese: bool
    config: dict
    directory: Path
    seconds: float
    extracted: dict[str, Document]
    kept: dict[str, Document]
    removed: dict[str, Document]
    """The filter's debug output: removed documents with their paragraphs' marks."""


def documents(directory: Path) -> dict[str, Document]:
    files = input_files([documents_glob(str(directory))])
    return {d.url: d for path in files for d in read_document_file(path)}


def corpus_run(pages: list[GoldPage], work: Path, method: str, japanese: bool) -> RunOutput:
    name = f"{method}-{'ja' if japanese else 'other'}"
    warc = work / f"{name}.warc.gz"
    warc.write_bytes(build_warc([Page(url_of(p), p.body, p.japanese) for p in pages]))
    config = run_config(warc, work / name, method, japanese)
    config_path = work / f"{name}.yaml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    command = [sys.executable, "-m", "corpus.cli", "run", str(config_path), "--overwrite"]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"main_text: `corpus run` ({name}) failed:\n{done.stderr[-3000:]}")
    out = work / name
    removed: dict[str, Document] = {}
    for partition in sorted(Path(side_path(str(out / "filter"), REMOVED_DIR)).glob("reason=*")):
        removed |= documents(partition)
    return RunOutput(
        japanese,
        config,
        out,
        seconds,
        documents(out / "extract"),
        documents(out / "filter"),
        removed,
    )


def pipeline_texts(pages: list[GoldPage], runs: list[RunOutput], stage: str) -> dict[str, str]:
    found: dict[str, Document] = {}
    for run in runs:
        found |= getattr(run, stage)
    return {p.name: found[url_of(p)].text if url_of(p) in found else "" for p in pages}


def out_of_fold_texts(
    pages: list[GoldPage], runs: list[RunOutput], directory: Path
) -> tuple[dict[str, str], list[str]] | None:
    """Each page's kept text with the default chain replayed, MainText's model the one that
    never saw the page's fold, and a line per fold on what was chosen; None when the gold-text
    pages fall in fewer than three folds (too few to cross-validate within the others)."""
    # Imported here: train_main_text imports this module.
    from train_main_text import built, chain_entries, out_of_fold_models

    from corpus.filters.main_text import MainText

    if len({fold_of(p.name) for p in pages if p.text is not None}) < 3:
        return None
    found: dict[str, Document] = {}
    for run in runs:
        found |= documents(run.directory / "paragraph_stats")
    models = out_of_fold_models(pages, found, directory)
    if any(fold_of(p.name) not in models for p in pages):
        return None
    chains = {
        (fold, japanese): built(
            chain_entries(japanese, {"filter": MainText.__name__, "model": str(path), "cut": cut})
        )
        for fold, (path, _, cut) in models.items()
        for japanese in (True, False)
    }
    texts = {}
    for page in pages:
        document = found.get(url_of(page))
        if document is not None:
            document = chains[fold_of(page.name), page.japanese].apply(document)
        texts[page.name] = "" if document is None or document.removed_by else document.text
    chosen = [
        f"  fold {fold}: {sum(fold_of(p.name) == fold for p in pages)} pages, "
        f"penalty {penalty:g}, cut {cut:.2f}"
        for fold, (_, penalty, cut) in sorted(models.items())
    ]
    return texts, chosen


# --- the anchors ---------------------------------------------------------------------


def anchor_texts(pages: list[GoldPage]) -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {TRAFILATURA: {}, RESILIPARSE: {}}
    for page in pages:
        decoded = decode_body(page.body, "text/html")
        html = decoded.text if decoded is not None else ""
        texts[TRAFILATURA][page.name] = trafilatura.extract(html) or ""
        texts[RESILIPARSE][page.name] = extract_plain_text(html, main_content=True)
    return texts


# --- why pages are lost --------------------------------------------------------------


def shingles(text: str) -> set[str]:
    return {text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


class Article:
    """Which paragraphs belong to a page's gold article (see the module docstring)."""

    def __init__(self, gold: str) -> None:
        self.gold = squash(gold)
        self.shingles = shingles(self.gold)

    def holds(self, paragraph: Paragraph) -> bool:
        text = squash(paragraph.text)
        if len(text) < ARTICLE_MIN_CHARS:
            return False
        own = shingles(text)
        return len(own & self.shingles) >= ARTICLE_SHARE * len(own)


def extract_outcomes(pages: list[GoldPage], run: RunOutput) -> dict[str, str]:
    """Why extraction dropped each page: the run counts drops, it does not name pages."""
    config = ExtractConfig(**run.config["extract"])
    extractor = DocumentExtractor(config)
    names = {url_of(p): p.name for p in pages}
    outcomes = {}
    try:
        warc = build_warc([Page(url_of(p), p.body, p.japanese) for p in pages])
        for record in read_warc(io.BytesIO(warc), "lost.warc.gz"):
            if isinstance(record, WarcRecord):
                result = triage(record, config)
                if isinstance(result, Candidate):
                    result = extractor.extract(result)
                outcomes[names[record.target_uri]] = (
                    str(result) if not isinstance(result, Document) else "kept"
                )
    finally:
        extractor.close()
    return outcomes


def measure_cell(document: Document, chain: FilterChain, article: Article | None) -> str:
    """The removing document measure on the page as the rule saw it, and on its article."""
    for f in chain.filters:
        if isinstance(f, HighLowFilter) and f.removal(document) == document.removed_by:
            cell = f"page {f.measure(document):.2f}"
            if article is not None:
                live = [p for p in document.live_paragraphs if article.holds(p)]
                if live:
                    alone = f.measure(dataclasses.replace(document, paragraphs=live))
                    cell += f", article {alone:.2f}"
                else:
                    cell += ", no live article paragraph"
            return cell
    return ""


def marked_cell(document: Document, article: Article | None) -> str:
    """How many of the article's paragraphs each paragraph rule had marked."""
    if article is None:
        return ""
    held = [p for p in document.paragraphs if article.holds(p)]
    marks = Counter(p.removed_by for p in held if not p.live)
    if not marks:
        return f"none of {len(held)}"
    return ", ".join(f"{rule} {count}" for rule, count in marks.most_common()) + f" of {len(held)}"


def loss_report(
    name: str, pages: list[GoldPage], runs: list[RunOutput], texts: dict[str, str]
) -> list[str]:
    lost = [p for p in pages if lost_whole(texts[p.name], p)]
    reasons: Counter[str] = Counter()
    rows = []
    for run in runs:
        group = "ja" if run.japanese else "other"
        chain = group_chain(run.japanese)
        lost_here = [p for p in lost if p.japanese == run.japanese]
        not_extracted = [p for p in lost_here if url_of(p) not in run.extracted]
        outcomes = extract_outcomes(not_extracted, run) if not_extracted else {}
        for page in lost_here:
            url = url_of(page)
            article = Article(page.text) if page.text is not None else None
            measure = marked = ""
            if page.name in outcomes:
                reason = f"extract: {outcomes[page.name]}"
            elif url in run.removed:
                document = run.removed[url]
                reason = document.removed_by
                measure = measure_cell(document, chain, article)
                marked = marked_cell(document, article)
            elif url in run.kept:
                reason = "kept, but none of the article"
            else:
                reason = "missing from the run's outputs"
            reasons[f"{group:<5} {reason}"] += 1
            rows.append(f"| {group} | {short_name(page)} | {reason} | {measure} | {marked} |")
    lines = [f"{name}: {len(lost)} of {len(pages)} pages lost whole, by group and rule:"]
    for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"  {count:>4}  {reason}")
    if rows:
        lines += [
            "",
            "| group | page | lost to | measure | article paragraphs marked before |",
            "|---|---|---|---|---|",
            *sorted(rows),
        ]
    return lines


def furniture_segment(rule: ParagraphFilter, path: str) -> str | None:
    """The path segment a path rule (one with `is_no_content`, NoContentDOM) took for
    furniture: the last segment of the shortest prefix of `path` it rejects."""
    is_no_content = getattr(rule, "is_no_content", None)
    if is_no_content is None:
        return None
    segments = path.split(">")
    for end in range(1, len(segments) + 1):
        if is_no_content(">".join(segments[:end])):
            return segments[end - 1]
    return None


def paragraph_rule_losses(pages: list[GoldPage], runs: list[RunOutput]) -> list[str]:
    """Per paragraph rule, the recall it took from the kept gold-text pages (the recall with
    the article paragraphs it marked restored, less the recall without them), and the path
    segments that made a path rule mark article paragraphs, kept pages or not."""
    by_url = {url_of(p): p for p in pages}
    taken: dict[str, list[float]] = defaultdict(list)
    segments: Counter[str] = Counter()
    kept_pages = mismatched = 0
    for run in runs:
        chain = group_chain(run.japanese)
        rules = {f.label: f for f in chain.filters if isinstance(f, ParagraphFilter)}
        for url, document in documents(run.directory / "paragraph_stats").items():
            result = chain.apply(document)
            expected = run.removed[url].removed_by if url in run.removed else None
            if result.removed_by != expected or (not expected and url not in run.kept):
                mismatched += 1
            page = by_url[url]
            if page.text is None:
                continue
            article = Article(page.text)
            marked = [p for p in result.paragraphs if not p.live and article.holds(p)]
            found = {furniture_segment(rules[p.removed_by], p.path) for p in marked}
            segments.update(segment[:70] for segment in found if segment)
            if result.removed_by:
                continue
            kept_pages += 1
            recall = bigram_score(result.text, page.text).recall
            for rule in {p.removed_by for p in result.paragraphs if not p.live}:
                restored = [
                    p for p in result.paragraphs if p.live or (p in marked and p.removed_by == rule)
                ]
                restored_text = "\n".join(p.text for p in restored)  # the marked ones too
                taken[rule].append(bigram_score(restored_text, page.text).recall - recall)
    lines = [
        f"Recall the paragraph rules took from the {kept_pages} gold-text pages the default "
        "pipeline kept (macro recall points; pages where the rule marked article text):"
    ]
    if mismatched:
        lines.append(f"  (the replay disagrees with the run on {mismatched} documents)")
    for rule, gains in sorted(taken.items(), key=lambda item: -sum(item[1])):
        hit = sum(g > 0 for g in gains)
        lines.append(f"  {rule:<48} {sum(gains) / max(kept_pages, 1):.3f}  {hit} pages")
    lines.append("Path segments that made a path rule mark article paragraphs (pages):")
    for segment, count in segments.most_common(20):
        lines.append(f"  {count:>4}  {segment}")
    return lines


# --- main ----------------------------------------------------------------------------


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO).stdout.strip()


def header() -> list[str]:
    dirty = git("status", "--porcelain", "--untracked-files=no")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    models = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    cpu = models[0] if models else platform.processor()
    return [
        f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"commit: {git('rev-parse', '--short', 'HEAD')}"
        + (" (with uncommitted changes)" if dirty else ""),
        f"machine: {os.cpu_count()} cores ({cpu}), {memory:.1f} GiB memory, "
        f"Python {platform.python_version()}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument(
        "--only", nargs="+", metavar="TEXT", help="only the gold pages whose path holds a TEXT"
    )
    parser.add_argument("--work", type=Path, help="keep the WARCs and run outputs here")
    args = parser.parse_args()
    started = time.monotonic()

    pages = gold_pages(args.fixtures)
    if args.only:
        pages = [p for p in pages if any(text in p.name for text in args.only)]
    if not pages:
        raise SystemExit(f"main_text: no gold page's path holds any of {args.only}")
    japanese = [p for p in pages if p.japanese]
    print("\n".join(header()))
    datasets = ", ".join(f"{n} {c}" for n, c in Counter(p.dataset for p in pages).items())
    print(f"gold pages: {len(pages)} ({datasets})")

    with tempfile.TemporaryDirectory(prefix="main_text-") as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        runs: dict[str, list[RunOutput]] = {system: [] for system in PIPELINES}
        for system, method in PIPELINES.items():
            for group in (japanese, [p for p in pages if not p.japanese]):
                if group:
                    runs[system].append(corpus_run(group, work, method, group[0].japanese))
        pipelines_done = time.monotonic()
        folds_dir = work / "main-text-folds"
        folds_dir.mkdir(exist_ok=True)
        out_of_fold = out_of_fold_texts(pages, runs[DEFAULT], folds_dir)
        folds_done = time.monotonic()
        texts = {
            **({OUT_OF_FOLD: out_of_fold[0]} if out_of_fold else {}),
            DEFAULT: pipeline_texts(pages, runs[DEFAULT], "kept"),
            EXTRACT_ONLY: pipeline_texts(pages, runs[DEFAULT], "extracted"),
            TRAFILATURA_METHOD: pipeline_texts(pages, runs[TRAFILATURA_METHOD], "kept"),
            **anchor_texts(pages),
        }
        anchors_done = time.monotonic()

        options = ", ".join(f"{k}={v}" for k, v in ExtractConfig().trafilatura_options.items())
        print(
            f"\nNotes: the {len(pages) - len(japanese)} non-Japanese pages run with every "
            "lid.176 label kept (min_language_score 0, kana pre-filter off) and the "
            f"Japanese-only rules {', '.join(skipped_rules()) or '(none in the chain)'} "
            "skipped; the Japanese pages run with the defaults. The trafilatura method "
            f"calls trafilatura with {options}. The anchors get the HTML as the pipeline "
            "decodes it."
        )
        gold = sum(p.text is not None for p in pages)
        print(
            f"\nAll gold pages: {gold} with gold text (bigram scores), "
            f"{len(pages) - gold} with snippets only (with / without / snip. lost)"
        )
        print("\n".join(table(pages, texts)))
        if out_of_fold:
            print(
                f"\n{OUT_OF_FOLD}: each fold's model, penalty and cut chosen by "
                "cross-validation over the other folds and weights fitted on them "
                "(benchmarks/train_main_text.py out_of_fold_models):"
            )
            print("\n".join(out_of_fold[1]))
        else:
            print(f"\n{OUT_OF_FOLD}: left out, gold-text pages in fewer than three folds")
        ja_gold = sum(p.text is not None for p in japanese)
        print(
            f"\nJapanese gold pages only: {len(japanese)}, {ja_gold} with gold text and "
            f"{len(japanese) - ja_gold} with snippets: "
            + ", ".join(short_name(p) for p in japanese)
        )
        print("\n".join(table(japanese, texts)) if japanese else "(none)")
        for system in PIPELINES:
            print()
            print("\n".join(loss_report(system, pages, runs[system], texts[system])))
        print()
        print("\n".join(paragraph_rule_losses(pages, runs[DEFAULT])))

    run_times = ", ".join(
        f"{PIPELINES[system]}/{'ja' if run.japanese else 'other'} {run.seconds:.0f} s"
        for system, system_runs in runs.items()
        for run in system_runs
    )
    print(
        f"\nwall time: {time.monotonic() - started:.0f} s (corpus runs "
        f"{pipelines_done - started:.0f} s: {run_times}; out-of-fold models "
        f"{folds_done - pipelines_done:.0f} s; anchors {anchors_done - folds_done:.0f} s)"
    )


if __name__ == "__main__":
    main()
