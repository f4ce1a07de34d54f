"""Exact duplicates: documents with the same normalised text, and the same URL.

Normalisation before hashing is NFKC plus whitespace folding: it joins copies that differ
only in character width (ｶﾞｲﾄﾞ / ガイド, ＡＢＣ / ABC) or spacing, and never merges texts
that differ in kana voicing (NFKC composes か + ゛ into が; it never strips a mark) or in
any other letter. Case is kept: it can carry meaning.

Which copy is kept is decided by `better`, a total order, so the choice does not depend
on the order documents arrive in and can be made pairwise by a combiner.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from corpus.schema import Document

_SPACES = re.compile(r"\s+")
_NO_DATE = datetime.max.replace(tzinfo=UTC)

UrlKeep = Literal["newest", "longest"]


def normalize_text(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def text_key(document: Document) -> str:
    """128-bit hash of the normalised text, hex."""
    normalized = normalize_text(document.text).encode("utf-8")
    return hashlib.blake2b(normalized, digest_size=16).hexdigest()


def url_key(document: Document) -> str:
    """The URL without its fragment, scheme and host lower-cased ("" when there is none)."""
    try:
        parts = urlsplit(document.url.strip())
    except ValueError:
        return document.url.strip()
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def _identity(document: Document) -> tuple[str, str, int]:
    return (document.id, document.warc_file, document.warc_offset)


def earliest_first(document: Document) -> tuple:
    """Exact text copies: keep the earliest dated (the likely original), then the smallest id."""
    return (document.date or _NO_DATE, *_identity(document))


def newest_first(document: Document) -> tuple:
    """URL copies across dumps, `newest`: the latest capture, then the smallest id."""
    timestamp = document.date.timestamp() if document.date else float("-inf")
    return (-timestamp, *_identity(document))


def longest_first(document: Document) -> tuple:
    """URL copies across dumps, `longest`: the longest text, then the smallest id."""
    return (-len(document.text), *_identity(document))


URL_ORDER = {"newest": newest_first, "longest": longest_first}


def merge_copies(a: Document, b: Document, order) -> Document:
    """The copy `order` prefers, standing for both: cluster sizes add up."""
    kept = a if order(a) <= order(b) else b
    return dataclasses.replace(kept, cluster_size=a.cluster_size + b.cluster_size)
