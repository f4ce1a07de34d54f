"""Documents and paragraphs made in tests."""

from __future__ import annotations

from collections import Counter

from corpus.schema import Document, Paragraph


def make_document(paragraphs: list[Paragraph], doc_id: str = "doc") -> Document:
    return Document(
        id=doc_id,
        language="ja",
        paragraphs=paragraphs,
    )


def counted(texts: list[str], counts: Counter) -> list[Paragraph]:
    """Paragraphs carrying `counts` as their exact and near-duplicate frequencies."""
    return [Paragraph(t, exact_freq=counts[t], near_freq=counts[t]) for t in texts]


# Live paragraphs with characters outside the BMP (an emoji, 𠮷 and 𩸽, kanji of CJK
# Extension B) and a blank line inside one; removed ones in between, as in the filter
# stage's debug output.
MIXED = [
    Paragraph("𠮷野家の🍣と𩸽", "html>body>h1", 0, exact_freq=2, near_freq=2),
    Paragraph("メニュー", "html>body>nav", 4, removed_by="NoContentDOM"),
    Paragraph("一行目\n\n二行目 👨‍👩‍👧", "html>body>pre"),
    Paragraph("", "html>body>p"),
    Paragraph("最後の段落。", "html>body>p", 2),
    Paragraph("© 2024", "html>body>footer", removed_by="NoContentDOM"),
]
