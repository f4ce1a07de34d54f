"""Trains the MainText filter's model (corpus/filters/main_text_model.yaml) on every gold
page with gold text, and the out-of-fold models main_text.py scores the pages with.

Input: a main_text.py work directory (`python benchmarks/main_text.py --work DIR`), whose
`paragraphs-ja` and `paragraphs-other` runs hold every gold page's paragraphs with their
statistics (the `paragraph_stats` stage). For each gold-text page the default chain's rules before
MainText are replayed, and each paragraph they leave live is an example:

  label   1 when it is article text: at least half of its character 5-grams (whitespace
          removed) are in the gold text, or, for a paragraph too short to have one, it is
          in the gold text whole
  weight  its share of the page's live characters, so that every page counts the same, as
          in the benchmark's macro scores

The model is a logistic regression over corpus.filters.main_text.FEATURES, standardised,
fitted by gradient descent with an L2 penalty on the weights (not the intercept). The pages
fall in gold_pages.FOLDS folds by a hash of their names (gold_pages.fold_of).

  choosing   the penalty (of PENALTIES) and the cut (the probability threshold, of CUTS)
             are the pair with the best macro F1 by cross-validation over a set of folds:
             each fold's pages scored, with the whole default chain replayed, by a model
             fitted on the set's other folds
  out-of-fold models   for each fold k, penalty and cut chosen over the other folds and
             weights fitted on them (fold k never read): main_text.py calls
             out_of_fold_models and scores fold k's pages with fold k's model (nested
             cross-validation)
  shipped model   penalty and cut chosen over all folds, weights fitted on every page

    python benchmarks/train_main_text.py --work DIR [--output FILE]
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import tempfile
from pathlib import Path
from statistics import fmean

import numpy as np
import yaml
from fixture_warc import DEFAULT_FIXTURES
from gold_pages import FOLDS, GoldPage, fold_of, gold_pages
from main_text import (
    JAPANESE_ONLY,
    REPO,
    Article,
    bigram_score,
    documents,
    shingles,
    squash,
    url_of,
)

from corpus.filters.chain import FilterChain
from corpus.filters.config import FilterConfig
from corpus.filters.main_text import DEFAULT_MODEL, FEATURES, MainText, page_features
from corpus.schema import Document, Paragraph

PENALTIES = (1e-3, 1e-2, 3e-2, 1e-1)
STEPS = 3000
LEARNING_RATE = 1.0
CUTS = tuple(round(0.3 + 0.05 * i, 2) for i in range(9))


def label(paragraph: Paragraph, article: Article) -> bool:
    text = squash(paragraph.text)
    own = shingles(text)
    if not own:
        return bool(text) and text in article.gold
    return len(own & article.shingles) >= 0.5 * len(own)


def chain_entries(japanese: bool, main_text: dict | None = None) -> list[dict]:
    """The default chain for a group of pages; its MainText entry replaced by `main_text`,
    or the chain cut before MainText when `main_text` is None."""
    entries = [e for e in FilterConfig().chain if japanese or e["filter"] not in JAPANESE_ONLY]
    at = next(i for i, e in enumerate(entries) if e["filter"] == MainText.__name__)
    if main_text is None:
        return entries[:at]
    return [*entries[:at], main_text, *entries[at + 1 :]]


def built(entries: list[dict]) -> FilterChain:
    chain = FilterChain.from_entries(entries)
    chain.setup()
    return chain


def examples(
    pages: list[GoldPage], found: dict[str, Document]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels, weights and each row's fold (`fold_of` its page)."""
    chains = {japanese: built(chain_entries(japanese)) for japanese in (True, False)}
    rows, labels, weights, folds = [], [], [], []
    for page in pages:
        document = found.get(url_of(page))
        if document is None:
            continue
        document = chains[page.japanese].apply(document)
        live = document.live_paragraphs
        if document.removed_by or not live:
            continue
        article = Article(page.text)
        total = sum(len(p.text) for p in live)
        rows.append(page_features(live))
        labels += [label(p, article) for p in live]
        weights += [len(p.text) / total for p in live]
        folds += [fold_of(page.name)] * len(live)
    x, y = np.vstack(rows), np.array(labels, dtype=np.float64)
    return x, y, np.array(weights), np.array(folds)


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, penalty: float) -> dict:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.column_stack([np.ones(len(x)), (x - mean) / scale])
    beta = np.zeros(z.shape[1])
    penalised = np.r_[0.0, np.ones(z.shape[1] - 1)]  # not the intercept
    for _ in range(STEPS):
        p = 1.0 / (1.0 + np.exp(-z @ beta))
        beta -= LEARNING_RATE * (z.T @ ((p - y) * w) / w.sum() + penalty * penalised * beta)
    return {
        "intercept": round(float(beta[0]), 6),
        "features": {
            name: {
                "weight": round(float(b), 6),
                "mean": round(float(m), 6),
                "scale": round(float(s), 6),
            }
            for name, b, m, s in zip(FEATURES, beta[1:], mean, scale, strict=True)
        },
    }


def write_model(path: Path, model: dict, cut: float, header: str = "") -> Path:
    body = yaml.safe_dump({**model, "cut": cut}, sort_keys=False)
    path.write_text(header + body, encoding="utf-8")
    return path


def macro(
    pages: list[GoldPage], found: dict[str, Document], models: dict[int, Path], cut: float
) -> tuple:
    """Macro P, R, F1 of the default chain with MainText at `cut`, each page's model the
    one of its fold in `models`."""
    chains = {
        (fold, japanese): built(
            chain_entries(japanese, {"filter": MainText.__name__, "model": str(model), "cut": cut})
        )
        for fold, model in models.items()
        for japanese in (True, False)
    }
    scores = []
    for page in pages:
        document = found.get(url_of(page))
        kept = ""
        if document is not None:
            result = chains[fold_of(page.name), page.japanese].apply(document)
            kept = "" if result.removed_by else result.text
        scores.append(bigram_score(kept, page.text))
    return tuple(fmean(getattr(s, k) for s in scores) for k in ("precision", "recall", "f1"))


class Trainer:
    """Fits and cross-validates on the examples of `pages`; models go to `directory`."""

    def __init__(self, pages: list[GoldPage], found: dict[str, Document], directory: Path):
        self.pages, self.found, self.directory = pages, found, directory
        self.x, self.y, self.w, self.folds = examples(pages, found)
        self.fitted: dict[tuple[float, frozenset[int]], dict] = {}

    def fit(self, penalty: float, folds: frozenset[int]) -> dict:
        """The model fitted on the examples of `folds` (cached: nested CV reuses each)."""
        key = penalty, folds
        if key not in self.fitted:
            rows = np.isin(self.folds, list(folds))
            self.fitted[key] = fit(self.x[rows], self.y[rows], self.w[rows], penalty)
        return self.fitted[key]

    def choose(self, folds: frozenset[int]) -> tuple[tuple[float, float], dict]:
        """The (penalty, cut) with the best cross-validated macro F1 over the pages of
        `folds`, and every pair's (P, R, F1)."""
        pages = [p for p in self.pages if fold_of(p.name) in folds]
        results: dict[tuple[float, float], tuple] = {}
        for penalty in PENALTIES:
            models = {}
            for fold in folds:
                # Distinct names: MainText caches a model by its path.
                name = f"cv-{penalty:g}-{''.join(map(str, sorted(folds - {fold})))}.yaml"
                model = self.fit(penalty, folds - {fold})
                models[fold] = write_model(self.directory / name, model, 0.5)
            for cut in CUTS:
                results[penalty, cut] = macro(pages, self.found, models, cut)
        return max(results, key=lambda key: results[key][2]), results


def out_of_fold_models(
    pages: list[GoldPage], found: dict[str, Document], directory: Path
) -> dict[int, tuple[Path, float, float]]:
    """For each fold with gold-text pages: its model (penalty and cut chosen and weights
    fitted on the other folds only), as (path, penalty, cut)."""
    pages = [p for p in pages if p.text is not None]
    trainer = Trainer(pages, found, directory)
    present = frozenset(fold_of(p.name) for p in pages)
    models = {}
    for fold in sorted(present):
        (penalty, cut), _ = trainer.choose(present - {fold})
        model = trainer.fit(penalty, present - {fold})
        models[fold] = (write_model(directory / f"fold-{fold}.yaml", model, cut), penalty, cut)
    return models


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="a main_text.py --work DIR")
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--output", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args()

    pages = [p for p in gold_pages(args.fixtures) if p.text is not None]
    found: dict[str, Document] = {}
    for group in ("ja", "other"):
        found |= documents(args.work / f"paragraphs-{group}" / "paragraph_stats")
    with tempfile.TemporaryDirectory() as temporary:
        trainer = Trainer(pages, found, Path(temporary))
        everything = frozenset(range(FOLDS))
        (penalty, cut), results = trainer.choose(everything)
        model = trainer.fit(penalty, everything)
        whole = write_model(Path(temporary) / "model.yaml", model, cut)
        fitted = macro(pages, found, dict.fromkeys(everything, whole), cut)
    precision, recall, f1 = results[penalty, cut]
    y = trainer.y
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
    ).stdout.strip()
    header = (
        "# The MainText filter's model (corpus/filters/main_text.py): a logistic regression\n"
        "# over its FEATURES, made by `python benchmarks/train_main_text.py --work DIR` from\n"
        "# a `python benchmarks/main_text.py --work DIR` run, at commit "
        f"{commit} on {datetime.datetime.now(datetime.UTC):%Y-%m-%d}.\n"
        f"# Trained on all {len(pages)} gold-text pages of ../shared/fixtures/extraction:\n"
        f"# {len(y)} live paragraphs after the chain's earlier rules, {int(y.sum())} of them\n"
        "# article text, each weighted by its share of its page's characters. The cut (of\n"
        f"# {CUTS[0]}..{CUTS[-1]}) and the L2 penalty (of {PENALTIES}) are the pair\n"
        f"# with the best macro F1 by {FOLDS}-fold cross-validation over the pages (folds by\n"
        "# gold_pages.fold_of; each page scored by a model fitted without its fold, with\n"
        f"# the default chain): P {precision:.3f} R {recall:.3f} F1 {f1:.3f} at cut {cut},\n"
        f"# penalty {penalty}. The weights below are fitted on every page; on those same\n"
        f"# pages (in-sample) they score P {fitted[0]:.3f} R {fitted[1]:.3f} F1 {fitted[2]:.3f}.\n"
        "# How well the method generalises is measured by main_text.py, which scores each\n"
        "# page with a model whose penalty, cut and weights were chosen without its fold\n"
        "# (nested cross-validation, out_of_fold_models here).\n"
        "# The labels come from the gold of scrapinghub's article-extraction-benchmark (MIT),\n"
        "# mozilla/readability's test pages, snacktory's and Uzushio's (Apache-2.0); the\n"
        "# weights are this project's, under its licence (Apache-2.0).\n"
    )
    write_model(args.output, model, cut, header)
    for (l2, c), (p, r, f) in results.items():
        mark = " <-" if (l2, c) == (penalty, cut) else ""
        print(f"penalty {l2:g} cut {c:.2f}: cross-validated P {p:.3f} R {r:.3f} F1 {f:.3f}{mark}")
    print(f"in-sample (every page): P {fitted[0]:.3f} R {fitted[1]:.3f} F1 {fitted[2]:.3f}")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
