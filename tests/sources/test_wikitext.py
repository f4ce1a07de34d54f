"""Wikitext -> plain text: each rule of corpus.sources.wikitext on small exact cases."""

from __future__ import annotations

import pytest

from corpus.sources.wikitext import Section, to_sections


def lead(wikitext: str) -> str:
    (section,) = to_sections(wikitext)
    return section.text


@pytest.mark.parametrize(
    ("wikitext", "text"),
    [
        # templates, nested, and references (paired, self-closed, holding templates)
        (
            "'''東京'''（とうきょう{{要出典|date=2020年1月}}）は{{Infobox|a={{x|{{y}}}}|b=[[c|d]]}}"
            '日本の[[首都]]である<ref name="a">{{Cite web|title=x}}</ref>。<ref name="b" />',
            "東京（とうきょう）は日本の首都である。",
        ),
        ("前<!-- 隠し\n== 見出し ==\n -->後", "前後"),
        ("前<!-- 閉じないコメント", "前"),
        # tables, nested, and indented
        ("{|class=wikitable\n|-\n| a || b\n{|\n| inner\n|}\n| c\n|}\n表の後", "表の後"),
        (":{|\n| 字下げした表\n|}\n後", "後"),
        ("<table><tr><td>HTML の表</td></tr></table>後", "後"),
        # files and categories go whole, with the links in their captions
        (
            "[[ファイル:Paris.jpg|thumb|[[エッフェル塔]]と[[セーヌ川]]]]本文[[Category:都市|ぱり]]"
            "[[カテゴリ:首都]][[画像:X.png]][[File:Y.svg|[[Z]]]][[Image:W.png]][[category:Q]]",
            "本文",
        ),
        # links
        (
            "[[日本#歴史|歴史]]と[[東京]]と[[:Category:首都]]と[[京都 (曖昧さ回避)|]]",
            "歴史と東京とCategory:首都と京都",
        ),
        ("[[bus]]es と [[東京|'''首都''']]", "buses と 首都"),
        (
            "[[:en:Garden path sentence]]、[[wikt:猫]]、[[:fr:Paris|パリ]]、[[en:Japan]]",
            "Garden path sentence、猫、パリ、",
        ),
        (
            "[https://example.com 例のサイト]と[https://example.org]と https://bare.example",
            "例のサイトとと https://bare.example",
        ),
        # tags, formatting, entities
        (
            '一行目<br />二行目<br>三行目<small>小</small><span style="x">スパン</span>',
            "一行目\n二行目\n三行目小スパン",
        ),
        ("''斜体''と'''太字'''と'''''両方'''''", "斜体と太字と両方"),
        ("&amp;&nbsp;&lt;b&gt;", "& <b>"),
        (
            "数式<math>x^{2}</math>と<pre>code {{x}}</pre>と"
            "<syntaxhighlight>int x;</syntaxhighlight>終",
            "数式とと終",
        ),
        # lists, magic words, rules
        (
            "__TOC__\n* 項目1\n** 項目2\n# 番号\n: 字下げ\n; 用語\n----\n本文",
            "項目1\n項目2\n番号\n字下げ\n用語\n\n本文",
        ),
        # <nowiki> content stays as written
        ("<nowiki>[[リンクではない]]</nowiki>と<nowiki/>", "[[リンクではない]]と"),
        ("<nowiki>''</nowiki>引用符", "''引用符"),
        # unbalanced brackets are dropped as characters
        ("{{{{壊れ", "壊れ"),
        ("閉じない{{テンプレート\n次の行", "閉じないテンプレート\n次の行"),
        ("余分}}な閉じ]]括弧と[[開くだけ", "余分な閉じ括弧と開くだけ"),
        # inline templates rendered from their arguments
        (
            "{{仮リンク|ロバート|en|Robert}}、{{lang|fr|Paris}}、{{Lang-en-short|Japan}}、"
            "{{ruby|漢字|かんじ}}、{{生年月日と年齢|1950|1|2}}、{{en|European Union}}、"
            "{{interlang|en|E.U. (TV series)|E.U.}}、{{要出典範囲|date=2020年|出典のない文}}、"
            "{{lang|en|{{small|入れ子}}}}、{{lang|1=en|2=番号付き}}",
            "ロバート、Paris、Japan、漢字（かんじ）、1950年1月2日、European Union、E.U.、"
            "出典のない文、入れ子、番号付き",
        ),
        # parentheses emptied by removed templates go; code's stay
        (
            "日本語（にほんご、{{lang-en|Japanese}}{{IPA|ja}}）と関数 f() と 空 ()。",
            "日本語（にほんご、Japanese）と関数 f() と 空。",
        ),
        ("パリ（{{IPA-fr|paʁi}}、巴里）と（{{lang|en|}}）", "パリ（巴里）と"),
    ],
)
def test_conversion(wikitext: str, text: str) -> None:
    assert lead(wikitext) == text


def test_headings_start_sections() -> None:
    wikitext = (
        "導入\n== 概要 ==\n本文\n===下位===\n下位本文\n== [[東京]]の{{lang|en|Tokyo}} ==\n最後"
    )
    assert to_sections(wikitext) == [
        Section(0, "", "導入"),
        Section(2, "概要", "本文"),
        Section(3, "下位", "下位本文"),
        Section(2, "東京のTokyo", "最後"),
    ]


def test_an_equals_sign_inside_a_line_is_no_heading() -> None:
    assert to_sections("a = b\n=c") == [Section(0, "", "a = b\n=c")]


def test_paragraphs_stay_apart() -> None:
    assert lead("一つ目の段落。\n続き。\n\n\n二つ目の段落。\n{{削除される}}\n三つ目") == (
        "一つ目の段落。\n続き。\n\n\n二つ目の段落。\n\n三つ目"
    )
