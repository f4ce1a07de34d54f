"""The livedoor news articles of the fixtures, as paragraphs."""

from __future__ import annotations

from pathlib import Path

LIVEDOOR = Path("ja_text/livedoor-news-corpus/text")


# A docomo software-update notice: title, three unique paragraphs, a template list shared by
# other notices, then the S-MAX footer (記事執筆 / ■関連リンク / two links) and one last link.
SMAX = "smax-6511908"


def livedoor_articles(fixtures: Path) -> dict[str, list[str]]:
    """Article name -> its paragraphs: the title, then each non-empty line of the body."""
    articles = {}
    for path in sorted((fixtures / LIVEDOOR).glob("*/*-*.txt")):
        lines = path.read_text("utf-8").split("\n")[2:]  # after the URL and the date
        articles[path.stem] = [line.strip() for line in lines if line.strip()]
    return articles
