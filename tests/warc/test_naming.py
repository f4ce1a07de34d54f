"""The names web documents carry: hosts and their top-level domains."""

from __future__ import annotations

import pytest

from corpus.warc.naming import host_of, top_level_domain


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("http://news.livedoor.com/article/detail/6511908/", "com"),
        ("https://www3.nhk.or.jp/news/html/20200101/k100.html", "jp"),
        ("http://EXAMPLE.TOKYO./index.html", "tokyo"),
        ("http://localhost:8080/", ""),
        ("http://192.168.0.1/page.html", ""),
        ("http://[2001:db8::1]/", ""),
        ("not a url", ""),
    ],
)
def test_top_level_domain_of_a_url_host(url: str, domain: str) -> None:
    assert top_level_domain(host_of(url)) == domain


def test_top_level_domain_of_a_host_as_stored() -> None:
    assert top_level_domain("Example.JP.") == "jp"
    assert top_level_domain("") == ""
