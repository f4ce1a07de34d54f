"""Exact duplicates: documents with the same normalised text, and the same URL.

Normalisation before hashing is NFKC plus whitespace folding: it joins copies that differ
only in character width (ｶﾞｲﾄﾞ / ガイド, ＡＢＣ / ABC) or spacing, and never merges texts
that differ in kana voicing (NFKC composes か + ゛ into が; it never strips a mark) or in
any other letter. Case is kept: it can carry meaning.

Which copy is kept is decided by the orders in corpus/dedup/fingerprint.py.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

from corpus.schema import Document

_SPACES = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def text_hash(text: str) -> str:
    """128-bit hash of the normalised text, hex."""
    normalized = normalize_text(text).encode("utf-8")
    return hashlib.blake2b(normalized, digest_size=16).hexdigest()


def text_key(document: Document) -> str:
    return text_hash(document.text)


def url_key(document: Document) -> str:
    """The URL without its fragment, scheme and host lower-cased ("" when there is none)."""
    url = (document.url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))
