"""Trains the MainText filter's model (corpus/filters/main_text_model.yaml) on the training
half of the gold pages.

Input: a main_text.py work directory (`python benchmarks/main_text.py --work DIR`), whose
`paragraphs-ja` and `paragraphs-other` runs hold every gold page's paragraphs with their
statistics (`paragraph_stats/`). For each gold-text page of the `train` half
(gold_pages.split_of), the default chain's rules before MainText are replayed, and each
paragraph they leave live is an example:

  label   1 when it is article text: at least half of its character 5-grams (whitespace
          removed) are in the gold text, or, for a paragraph too short to have one, it is
          in the gold text whole
  weight  its share of the page's live characters, so that every page counts the same, as
          in the benchmark's macro scores

The model is a logistic regression over corpus.filters.main_text.FEATURES, standardised,
fitted by gradient descent with an L2 penalty on the weights (not the intercept). Its
penalty (of PENALTIES) and its cut (the probability threshold, of CUTS) are the pair with
the best macro F1 by cross-validation within the training half: the pages
fall in FOLDS folds by a hash of their names (`fold_of`), each fold's pages are scored by a
model fitted on the other folds, with the whole default chain replayed. The model shipped
is then fitted on every training page. The test half is never read.

    python benchmarks/train_main_text.py --work DIR [--output FILE]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import subprocess
import tempfile
from pathlib import Path
from statistics import fmean

import numpy as np
import yaml
from fixture_warc import DEFAULT_FIXTURES
from gold_pages import GoldPage, gold_pages, split_of
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

from corpus.config import FilterConfig
from corpus.filters.chain import FilterChain
from corpus.filters.main_text import DEFAULT_MODEL, FEATURES, MainText, page_features
from corpus.schema import Document, Paragraph

PENALTIES = (1e-3, 1e-2, 3e-2, 1e-1)
STEPS = 3000
LEARNING_RATE = 1.0
CUTS = tuple(round(0.3 + 0.05 * i, 2) for i in range(9))
FOLDS = 5


def fold_of(name: str) -> int:
    """A page's cross-validation fold: the second byte of the SHA-256 of its name (the first
    decides its half, gold_pages.split_of)."""
    return hashlib.sha256(name.encode("utf-8")).digest()[1] % FOLDS


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="a main_text.py --work DIR")
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--output", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args()

    pages = [
        p for p in gold_pages(args.fixtures) if p.text is not None and split_of(p.name) == "train"
    ]
    found: dict[str, Document] = {}
    for group in ("ja", "other"):
        found |= documents(args.work / f"paragraphs-{group}" / "paragraph_stats")
    x, y, w, folds = examples(pages, found)
    results: dict[tuple[float, float], tuple] = {}
    with tempfile.TemporaryDirectory() as temporary:
        for penalty in PENALTIES:
            trials: dict[int, Path] = {}
            for fold in range(FOLDS):
                held = folds == fold
                # Distinct names: MainText caches a model by its path.
                trials[fold] = Path(temporary) / f"penalty-{penalty:g}-fold-{fold}.yaml"
                fold_model = fit(x[~held], y[~held], w[~held], penalty)
                trials[fold].write_text(
                    yaml.safe_dump({**fold_model, "cut": 0.5}, sort_keys=False), encoding="utf-8"
                )
            for c in CUTS:
                results[penalty, c] = macro(pages, found, trials, c)
        penalty, cut = max(results, key=lambda key: results[key][2])
        model = fit(x, y, w, penalty)
        whole = Path(temporary) / "model.yaml"
        whole.write_text(yaml.safe_dump({**model, "cut": cut}, sort_keys=False), encoding="utf-8")
        fitted = macro(pages, found, dict.fromkeys(range(FOLDS), whole), cut)
    precision, recall, f1 = results[penalty, cut]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
    ).stdout.strip()
    header = (
        "# The MainText filter's model (corpus/filters/main_text.py): a logistic regression\n"
        "# over its FEATURES, made by `python benchmarks/train_main_text.py --work DIR` from\n"
        f"# a main_text.py run at commit {commit} on "
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d}.\n"
        f"# Trained on the {len(pages)} gold-text pages of the `train` half of\n"
        "# ../shared/fixtures/extraction (benchmarks/gold_pages.py split_of; the `test` half\n"
        f"# is never read): {len(y)} live paragraphs after the chain's earlier rules, "
        f"{int(y.sum())} of them\n"
        "# article text, each weighted by its share of its page's characters. The cut (of\n"
        f"# {CUTS[0]}..{CUTS[-1]}) and the L2 penalty (of {PENALTIES}) are the pair\n"
        f"# with the best macro F1 on those pages by {FOLDS}-fold cross-validation (each page\n"
        "# scored by a model fitted without its fold) with the default chain:\n"
        f"# P {precision:.3f} R {recall:.3f} F1 {f1:.3f} at cut {cut}, penalty {penalty}.\n"
        "# The weights below are fitted on every training page; on those same pages they\n"
        f"# score P {fitted[0]:.3f} R {fitted[1]:.3f} F1 {fitted[2]:.3f}.\n"
        "# The labels come from the gold of scrapinghub's article-extraction-benchmark (MIT),\n"
        "# mozilla/readability's test pages, snacktory's and Uzushio's (Apache-2.0); the\n"
        "# weights are this project's, under its licence (Apache-2.0).\n"
    )
    body = yaml.safe_dump({**model, "cut": cut}, sort_keys=False)
    args.output.write_text(header + body, encoding="utf-8")
    for (l2, c), (p, r, f) in results.items():
        mark = " <-" if (l2, c) == (penalty, cut) else ""
        print(f"penalty {l2:g} cut {c:.2f}: cross-validated P {p:.3f} R {r:.3f} F1 {f:.3f}{mark}")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
