"""URL blocklists: host-suffix and URL-prefix matching, list files, the UT1 layout, the filter."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from corpus.filters.blocklist import Blocklist, BlocklistSource, UrlBlocklist, first_blocking
from corpus.filters.chain import FilterChain, build_filter
from corpus.schema import Document, Paragraph


def write_list(path: Path, lines: list[str]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def blocklist(tmp_path) -> Blocklist:
    path = write_list(
        tmp_path / "list.txt",
        [
            "# a comment, then a blank line",
            "",
            "example.com",
            "Shop.Example.NET.",
            "0.0.0.0 ads.tracker.org",
            "*.wild.example",
            "例え.jp",
            "forum.test/board/",
            "http://www.pages.test/a/b?id=5",
            "blog.test/user # an inline comment",
        ],
    )
    return Blocklist.read("test", [path])


@pytest.mark.parametrize(
    ("url", "blocked"),
    [
        ("http://example.com/", True),
        ("https://www.example.com/page", True),
        ("http://deep.sub.example.com/x", True),
        ("http://badexample.com/", False),  # a suffix, not a label boundary
        ("http://example.com.evil.org/", False),
        ("http://EXAMPLE.COM:8080/x", True),  # case and port
        ("http://example.com./x", True),  # a trailing dot
        ("http://user:pw@example.com/", True),
        ("https://shop.example.net/cart", True),
        ("https://example.net/", False),  # a listed subdomain does not block its parent
        ("http://ads.tracker.org/pixel.gif", True),  # hosts-file line
        ("http://tracker.org/", False),
        ("http://x.wild.example/", True),
        ("http://xn--r8jz45g.jp/", True),  # punycode of a Unicode entry
        ("http://www.例え.jp/", True),  # a Unicode host
        ("http://forum.test/board", True),
        ("http://www.forum.test/board/thread/1", True),  # `www.` ignored for URL entries
        ("http://forum.test/boardgames", False),  # a prefix at a path boundary only
        ("http://forum.test/", False),
        ("http://sub.forum.test/board/1", False),  # a URL entry names one host
        ("https://pages.test/a/b?id=5", True),
        ("https://pages.test/a/b?id=5&x=1", True),
        ("https://pages.test/a/b?id=50", False),
        ("https://pages.test/a/b", False),
        ("http://blog.test/USER/post", True),  # paths case-insensitive, as UT1 lists them
        ("not a url", False),
        ("", False),
    ],
)
def test_host_suffix_and_url_prefix_matching(blocklist, url, blocked):
    assert blocklist.blocks(url) is blocked


def test_list_counts_entries_once(blocklist):
    assert (len(blocklist.domains), len(blocklist.urls)) == (5, 3)


def test_ut1_category_directories_and_compressed_files(tmp_path):
    adult = tmp_path / "blacklists" / "adult"
    write_list(adult / "domains", ["porn.test", "xxx.example"])
    write_list(adult / "urls", ["hosting.test/~someone"])
    gambling = tmp_path / "blacklists" / "gambling"
    gambling.mkdir(parents=True)
    (gambling / "domains.gz").write_bytes(gzip.compress(b"casino.test\n"))
    sources = [
        BlocklistSource(paths=[str(adult)]),
        BlocklistSource(name="bets", paths=str(gambling / "domains.gz")),
    ]
    lists = [source.read() for source in sources]
    assert [b.name for b in lists] == ["adult", "bets"]
    assert first_blocking(lists, "http://www.porn.test/") == "adult"
    assert first_blocking(lists, "http://hosting.test/~someone/index.html") == "adult"
    assert first_blocking(lists, "http://hosting.test/~other/") is None
    assert first_blocking(lists, "https://casino.test/") == "bets"


def test_a_path_that_is_neither_file_nor_category_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="neither a file nor a directory"):
        BlocklistSource(paths=[str(tmp_path / "empty")])
    with pytest.raises(ValueError, match="neither a file nor a directory"):
        build_filter({"filter": "UrlBlocklist", "paths": [str(tmp_path / "missing.txt")]}, 0)
    with pytest.raises(ValueError, match="letters, digits"):
        BlocklistSource(name="a/b", paths=[write_list(tmp_path / "l.txt", ["a.test"])])


def test_filter_removes_listed_urls_and_names_the_list(tmp_path):
    path = write_list(tmp_path / "adult" / "domains", ["livedoor.com"])
    chain = FilterChain.from_entries(
        [{"filter": "UrlBlocklist", "paths": [str(tmp_path / "adult")]}]
    )
    chain.setup()
    text = [Paragraph("本文です。")]
    listed = Document("a", url="http://news.livedoor.com/article/detail/1/", paragraphs=text)
    other = Document("b", url="http://livedoor.com.example.org/", paragraphs=text)
    no_url = Document("c", paragraphs=text)
    assert chain.apply(listed).removed_by == "UrlBlocklist(list=adult)"
    assert chain.apply(other).removed_by is None
    assert chain.apply(no_url).removed_by is None
    named = UrlBlocklist(name="mine", paths=path)
    named.setup()
    assert named.removal(listed) == "UrlBlocklist(list=mine)"
