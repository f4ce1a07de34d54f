"""Hand-made features of a Japanese paragraph for fluency and templates.

Fluency: particles, auxiliaries and verbs among MeCab words, punctuation, sentence length,
how surprising the characters are to a character model of reference text. Templates:
separators (`｜ | > » /`), decoration brackets and stars, space-separated token lists,
repeated 5-grams, a text not ending a sentence.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter

from corpus.quality.char_lm import CharLanguageModel

_SEPARATORS = re.compile(r"[｜|>»«›/・]|\s-\s")
_SENTENCE_END = re.compile(r"[。！？!?]")
_DECORATION = set("【】[]★☆■●◆◇▼▲♪")
_POS_SHARES = ("助詞", "名詞", "動詞", "助動詞", "補助記号", "記号", "形容詞", "副詞")

FEATURE_NAMES = [
    "log_length",
    "maru_share",
    "comma_share",
    "hiragana_share",
    "katakana_share",
    "latin_share",
    "digit_share",
    "separators_per_100",
    "space_tokens_per_10",
    "mean_sentence_length",
    "sentences",
    "repeated_5grams",
    "ends_a_sentence",
    "decoration_per_100",
    "distinct_space_tokens",
    *(f"pos_{name}" for name in _POS_SHARES),
    "lm_mean",
    "lm_p10",
    "lm_surprising_share",
    "lm_std",
]


def paragraph_features(text: str, pos: list[str], lm: CharLanguageModel) -> list[float]:
    """The FEATURE_NAMES of `text`, given its MeCab part-of-speech tags (first level)."""
    n = max(len(text), 1)
    tokens = text.split()
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    grams = Counter(text[i : i + 5] for i in range(len(text) - 4))
    repeated = sum(count for count in grams.values() if count > 1)
    tags = Counter(pos)
    log_probabilities = lm.log_probabilities(text) or [0.0]
    ordered = sorted(log_probabilities)
    return [
        math.log(n),
        text.count("。") / n,
        text.count("、") / n,
        sum("\u3040" <= c <= "\u309f" for c in text) / n,
        sum("\u30a0" <= c <= "\u30ff" for c in text) / n,
        sum(c.isascii() and c.isalpha() for c in text) / n,
        sum(c.isdigit() for c in text) / n,
        100 * len(_SEPARATORS.findall(text)) / n,
        10 * len(tokens) / n,
        statistics.fmean(len(s) for s in sentences) if sentences else float(n),
        float(len(sentences)),
        repeated / max(sum(grams.values()), 1),
        float(text.rstrip()[-1:] in "。！？!?」）"),
        100 * sum(c in _DECORATION for c in text) / n,
        len(set(tokens)) / max(len(tokens), 1),
        *(tags[name] / max(len(pos), 1) for name in _POS_SHARES),
        statistics.fmean(log_probabilities),
        ordered[len(ordered) // 10],
        sum(p < -8.0 for p in log_probabilities) / len(log_probabilities),
        statistics.pstdev(log_probabilities),
    ]
