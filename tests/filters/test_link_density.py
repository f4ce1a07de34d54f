"""LinkDensity: paragraphs that are mostly link text, and the short scraps between them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from corpus.filters.link_density import LinkDensity, link_share
from corpus.schema import Paragraph
from tests.support.documents import make_document

PROSE = "海津市海津町の国営木曽三川公園で、チューリップが見頃を迎えている。祭りは二十日まで。"


def marks(paragraphs: list[Paragraph], **params) -> list[str]:
    result = LinkDensity(**params).apply(make_document(paragraphs))
    return [p.removed_by for p in result.paragraphs]


def test_link_share() -> None:
    assert link_share(Paragraph("ホーム>地域", link_chars=5)) == 5 / 6
    assert link_share(Paragraph("")) == 0.0


def test_marks_paragraphs_at_least_half_link_text() -> None:
    paragraphs = [
        Paragraph("ホーム\n社会\nスポーツ", link_chars=9),  # a menu
        Paragraph(PROSE, link_chars=6),  # prose with an inline link
        Paragraph("一覧", link_chars=1),  # exactly half
        Paragraph(PROSE),
    ]
    assert marks(paragraphs) == ["LinkDensity()", "", "LinkDensity()", ""]
    assert marks(paragraphs, high=0.6) == ["LinkDensity(high=0.6)", "", "", ""]


def test_short_paragraphs_between_link_blocks_go_with_them() -> None:
    menu = Paragraph("天気\n地図\n交通\n写真", link_chars=8)
    paragraphs = [
        Paragraph("記事の見出し"),  # short, at the page's start: stays
        menu,
        Paragraph("PR情報"),  # short, menu on both sides: goes
        Paragraph("|"),
        menu,
        Paragraph("木曽三川公園で見頃"),  # short, prose after it: stays
        Paragraph(PROSE),
        Paragraph("（2011年4月10日 読売新聞）"),  # short, prose before it: stays
        menu,
        Paragraph("▲この画面の上へ"),  # short, at the page's end: stays
    ]
    assert [bool(m) for m in marks(paragraphs)] == [
        False, True, True, True, True, False, False, False, True, False,
    ]  # fmt: skip
    assert [bool(m) for m in marks(paragraphs, short=0)] == [
        False, True, False, False, True, False, False, False, True, False,
    ]  # fmt: skip


def test_paragraphs_marked_earlier_are_skipped_and_keep_their_rule() -> None:
    menu = Paragraph("ホーム\n社会", link_chars=5)
    crumb = Paragraph("ホーム>科学", path="div.breadcrumb", removed_by="FurnitureDOM()")
    paragraphs = [
        menu,
        crumb,
        Paragraph("# 海水汚染には猫トイレの砂"),  # the title: prose follows past the crumb
        crumb,
        Paragraph(PROSE),
        menu,
        crumb,
        Paragraph("PR"),  # link text on both sides, past the crumb
        menu,
    ]
    assert marks(paragraphs) == [
        "LinkDensity()", "FurnitureDOM()", "", "FurnitureDOM()", "", "LinkDensity()",
        "FurnitureDOM()", "LinkDensity()", "LinkDensity()",
    ]  # fmt: skip


def test_a_document_without_link_text_is_returned_as_it_is() -> None:
    document = make_document([Paragraph(PROSE), Paragraph("短い")])
    assert LinkDensity().apply(document) is document


@pytest.mark.parametrize("params", [{"high": 0}, {"high": 1.5}, {"short": -1}])
def test_bad_parameters_are_rejected(params: dict) -> None:
    with pytest.raises(ValidationError):
        LinkDensity(**params)
