"""The blend file: validation, targets from shares, and the shipped LLM-jp blends."""

from pathlib import Path

import pytest

from corpus.blend.blend_file import BlendFile, load_blend
from corpus.errors import ConfigError
from tests.support.paths import ROOT

BLENDS = ROOT / "configs" / "blends"

B = 1_000_000_000
# REFERENCE.md §1: the LLM-jp-3 table (15 rows) and LLM-jp-13B v2.0's per-source detail.
LLM_JP_3 = {
    "ja_wikipedia": 2.6,
    "ja_common_crawl": 762.8,
    "ja_warp_pdf": 237.3,
    "ja_warp_html": 2.7,
    "ja_kaken": 1.8,
    "en_wikipedia": 4.7,
    "en_dolma_cc_head": 608.5,
    "en_dolma_c4": 181.6,
    "en_dolma_reddit": 83.1,
    "en_dolma_pes2o": 62.9,
    "en_dolma_gutenberg": 5.5,
    "en_dolma_wiki": 3.9,
    "code_the_stack": 114.1,
    "zh_wikipedia": 0.8,
    "ko_wikipedia": 0.3,
}
LLM_JP_13B_V2 = {
    "ja_common_crawl": 130.7,
    "ja_wikipedia": 1.4,
    "en_wikipedia": 4.7,
    "en_pile": 110.3,
    "code_the_stack": 8.7,
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "blend.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def in_tokens(billions: dict[str, float]) -> dict[str, int]:
    return {name: round(value * 10) * B // 10 for name, value in billions.items()}


def test_llm_jp_3_blend_is_the_published_table():
    blend = load_blend(BLENDS / "llm-jp-3.yaml")
    assert blend.targets() == in_tokens(LLM_JP_3)
    assert list(blend.targets()) == list(LLM_JP_3)  # the table's order
    assert blend.total_tokens == sum(blend.targets().values()) == 2_072_600_000_000


def test_llm_jp_13b_v2_blend_is_the_model_card_detail():
    blend = load_blend(BLENDS / "llm-jp-13b-v2.yaml")
    targets = blend.targets()
    assert targets == in_tokens(LLM_JP_13B_V2)
    assert blend.total_tokens == sum(targets.values()) == 255_800_000_000
    by_language = {
        language: sum(t for name, t in targets.items() if name.startswith(language + "_"))
        for language in ("ja", "en", "code")
    }
    # "Japanese about 130B, English about 120B, code about 10B"
    assert by_language == {"ja": 132_100_000_000, "en": 115_000_000_000, "code": 8_700_000_000}


def test_fields_are_documented():
    for model in (BlendFile, *{type(s) for s in load_blend(BLENDS / "llm-jp-3.yaml").sources}):
        assert [n for n, f in model.model_fields.items() if not f.description] == []


def test_shares_are_rounded_to_add_up_to_the_total():
    blend = BlendFile.model_validate(
        {
            "total_tokens": 100,
            "sources": [
                {"name": "a", "share": 1 / 3},
                {"name": "b", "share": 1 / 3},
                {"name": "c", "share": 1 / 3},
            ],
        }
    )
    assert blend.targets() == {"a": 34, "b": 33, "c": 33}  # the tie goes to the first
    mixed = BlendFile.model_validate(
        {
            "total_tokens": 1_000,
            "sources": [{"name": "wiki", "tokens": 100}, {"name": "web", "share": 0.9}],
        }
    )
    assert mixed.targets() == {"wiki": 100, "web": 900}


def test_caps_default_to_the_blends():
    blend = BlendFile.model_validate(
        {"max_repeats": 3, "sources": [{"name": "a", "tokens": 1, "max_repeats": 2.5}]}
    )
    assert (blend.cap("a"), blend.cap("other")) == (2.5, 3.0)
    assert BlendFile.model_validate({"sources": [{"name": "a", "tokens": 1}]}).cap("a") == 4.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: [{name: a, tokens: 1, weight: 2}]", r"sources\.0\.weight: Extra inputs"),
        ("sources: [{name: a, tokens: 1, share: 0.5}]", r"exactly one of `tokens` and `share`"),
        ("sources: [{name: a}]", r"exactly one of `tokens` and `share`"),
        ("sources: [{name: a, share: 1.0}]", r"`total_tokens` is required"),
        ("sources: [{name: a, tokens: 1}, {name: a, tokens: 2}]", r"more than once: a"),
        ("sources: [{name: a b, tokens: 1}]", r"sources\.0\.name: String should match"),
        ("total_tokens: 10\nsources: [{name: a, tokens: 3}]", r"add up to 3, not total_tokens 10"),
        (
            "total_tokens: 10\nsources: [{name: a, share: 0.5}, {name: b, share: 0.4}]",
            r"the shares add up to 0\.9",
        ),
        ("sources: [{name: a, tokens: 1, max_repeats: 0.5}]", r"greater than or equal to 1"),
        ("sources: []", r"sources: List should have at least 1 item"),
        ("- a", r"expected a mapping"),
    ],
)
def test_bad_blend_files_are_named(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_blend(write(tmp_path, text))
