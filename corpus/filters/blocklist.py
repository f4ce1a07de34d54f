"""URL blocklists: lists of domains and URL prefixes the user has decided against.

A list is read from files the user gives, on any Beam file system (local, gs://, s3://;
compressed by suffix as `corpus.sources.files` reads them): one entry per line, blank lines
and `#` comments skipped, a hosts-file line (`0.0.0.0 example.com`) read as its host. The
UT1 blacklist layout is read as it ships: a category directory holding a `domains` and/or a
`urls` file, the list named after the directory. The project ships no list of its own.

- A domain entry (no `/`) blocks its host and every host under it: `example.com` blocks
  `example.com` and `www.example.com`, not `badexample.com`.
- A URL entry (`example.com/dir`, a scheme is ignored) blocks URLs on that host (a leading
  `www.` ignored on both sides, as squidGuard reads UT1's lists) whose path starts with the
  entry's at a boundary (`/`, `?`, `&` or the end): `example.com/dir` blocks
  `example.com/dir/page.html`, not `example.com/directory`.

Hosts are matched case-insensitively, without port, user or trailing dot, internationalised
names as punycode; URL paths case-insensitively too (UT1 lists them lower case).

Entries are kept as sorted arrays of 64-bit hashes, 8 bytes per entry (a Python set of
strings takes ~10x that: UT1's adult list has ~4M lines); a lookup hashes the URL's host
suffixes and path prefixes (a handful) and searches them in the arrays at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import posixpath
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from apache_beam.io.filesystems import FileSystems
from pydantic import AfterValidator, BeforeValidator, Field, PrivateAttr, ValidationInfo

from corpus.config_section import Section, is_offline
from corpus.filters.base import DocumentFilter, ReasonName
from corpus.model_files import is_file
from corpus.schema import Document
from corpus.sources.files import open_decompressed

UT1_FILES = ("domains", "urls")
"""The files of a UT1 category directory."""
COMMENT = "#"
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_BOUNDARY = re.compile(r"[/?&]")
_PLAIN_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*")
_EMPTY = np.zeros(0, dtype=np.uint64)


def _hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def _sorted(hashes: array) -> np.ndarray:
    return np.unique(np.frombuffer(hashes, dtype=np.uint64))


def _contains(table: np.ndarray, hashes: np.ndarray) -> bool:
    if not len(table) or not len(hashes):
        return False
    found = np.searchsorted(table, hashes)
    found[found == len(table)] = 0
    return bool(np.any(table[found] == hashes))


def normal_host(host: str) -> str:
    """Lower case, no trailing dot, an internationalised name as punycode."""
    host = host.strip().rstrip(".").lower()
    if not host.isascii():
        with contextlib.suppress(UnicodeError):  # not a valid IDN: matched as written
            host = host.encode("idna").decode("ascii")
    return host


def _without_www(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def _split(url: str) -> tuple[str, str]:
    """(normal host, lower-case path with query) of a URL with or without a scheme."""
    url = url.strip().strip("<>")
    rest = _SCHEME.sub("", url, count=1)
    rest = rest.split("#", 1)[0]
    cut = len(rest)
    for mark in "/?":
        position = rest.find(mark)
        if position != -1:
            cut = min(cut, position)
    authority, path = rest[:cut], rest[cut:]
    authority = authority.rpartition("@")[2]
    if authority.startswith("["):  # an IPv6 literal, port after the bracket
        host = authority[1:].partition("]")[0]
    else:
        host = authority.partition(":")[0]
    return normal_host(host), path.lower()


def entry_of(line: str) -> str | None:
    """The entry a list line holds (a bare host, or `host/path` for a URL entry), or None for a
    blank or comment line."""
    line = line.strip()
    if _PLAIN_HOST.fullmatch(line):  # most lines: skip the parsing below
        return line.rstrip(".").lower() or None
    line = line.split(f" {COMMENT}", 1)[0].strip()
    if not line or line.startswith(COMMENT):
        return None
    tokens = line.split()
    if len(tokens) > 1 and _is_ip(tokens[0]):
        tokens = tokens[1:]
    token = tokens[0].removeprefix("*.").lstrip(".")
    host, path = _split(token)
    path = path.rstrip("/")
    if not host:
        return None
    return f"{_without_www(host)}{path}" if path else host


def _is_ip(token: str) -> bool:
    try:
        ipaddress.ip_address(token)
    except ValueError:
        return False
    return True


def host_suffixes(host: str) -> list[str]:
    """`a.b.c` -> [`a.b.c`, `b.c`, `c`]."""
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def url_prefixes(host: str, path: str) -> list[str]:
    """The URL-entry keys a URL falls under: host (no `www.`) plus its path cut at each
    boundary, and whole (a trailing `/` dropped)."""
    key = _without_www(host) + path
    start = len(key) - len(path)
    prefixes = [key[: m.start()] for m in _BOUNDARY.finditer(key, start) if m.start() > start]
    prefixes.append(key.rstrip("/"))
    return [p for p in prefixes if len(p) > len(_without_www(host))]


def list_files(path: str) -> list[str]:
    """The files of a list: `path` itself, or the `domains` and `urls` files of a UT1 category
    directory; ValueError when there is neither."""
    if is_file(path):
        return [path]
    found = [p for p in (FileSystems.join(path, name) for name in UT1_FILES) if is_file(p)]
    if not found:
        raise ValueError(
            f"{path} is neither a file nor a directory holding a UT1 `domains` or `urls` file"
        )
    return found


def default_name(path: str) -> str:
    """A list's name when none is given: its file's or directory's name without extension
    (UT1: the category)."""
    base = posixpath.basename(path.rstrip("/"))
    return base.split(".", 1)[0] or "blocklist"


def read_entries(paths: list[str]) -> Iterator[str]:
    for path in paths:
        for file in list_files(path):
            with open_decompressed(file) as stream:
                for raw in stream:
                    entry = entry_of(raw.decode("utf-8", errors="replace"))
                    if entry is not None:
                        yield entry


@dataclass(frozen=True)
class Blocklist:
    """A named list's domain entries and URL-prefix entries, as sorted 64-bit hashes."""

    name: str
    domains: np.ndarray
    urls: np.ndarray

    @classmethod
    def read(cls, name: str, paths: list[str]) -> Blocklist:
        # Hashed as read, 8 bytes an entry: a list of millions of strings is never held.
        domains, urls = array("Q"), array("Q")
        for entry in read_entries(paths):
            (urls if "/" in entry or "?" in entry else domains).append(_hash(entry))
        return cls(name, _sorted(domains), _sorted(urls))

    def __len__(self) -> int:
        return len(self.domains) + len(self.urls)

    def blocks(self, url: str) -> bool:
        return self.blocks_keys(UrlKeys.of(url))

    def blocks_keys(self, keys: UrlKeys) -> bool:
        return _contains(self.domains, keys.hosts) or _contains(self.urls, keys.prefixes)


@dataclass(frozen=True, slots=True)
class UrlKeys:
    """A URL's hashed host suffixes and URL prefixes, computed once for every list."""

    hosts: np.ndarray
    prefixes: np.ndarray

    @classmethod
    def of(cls, url: str) -> UrlKeys:
        host, path = _split(url)
        if not host:
            return cls(_EMPTY, _EMPTY)
        hosts = np.fromiter((_hash(s) for s in host_suffixes(host)), dtype=np.uint64)
        prefixes = url_prefixes(host, path)
        return cls(hosts, np.fromiter((_hash(p) for p in prefixes), dtype=np.uint64))


def first_blocking(blocklists: Iterable[Blocklist], url: str) -> str | None:
    """The name of the first list that blocks `url`, or None."""
    keys = UrlKeys.of(url)
    for blocklist in blocklists:
        if blocklist.blocks_keys(keys):
            return blocklist.name
    return None


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _existing(paths: list[str], info: ValidationInfo) -> list[str]:
    """Every path is a list file or a UT1 category directory (not looked at offline)."""
    if not is_offline(info):
        for path in paths:
            list_files(path)
    return paths


ListPaths = Annotated[
    list[str], BeforeValidator(_as_list), Field(min_length=1), AfterValidator(_existing)
]


def list_name(name: str | None, paths: list[str]) -> str:
    return name or default_name(paths[0])


class BlocklistSource(Section):
    """One URL blocklist: a name and its files."""

    name: ReasonName | None = None
    """The list's name in counts and removal reasons; default: the first path's file or
    directory name without extension (a UT1 category's name)."""
    paths: ListPaths
    """Files of one domain or URL prefix per line, or UT1 category directories (holding
    `domains` and/or `urls`); local, gs://, s3://. A single path may be given as a string."""

    @property
    def list_name(self) -> str:
        return list_name(self.name, self.paths)

    def read(self) -> Blocklist:
        return Blocklist.read(self.list_name, self.paths)


class UrlBlocklist(DocumentFilter):
    """Removes a document whose `url` is on a blocklist (see corpus.filters.blocklist).
    Reason `UrlBlocklist(list=NAME)`. The list is read once per worker, in `setup`; a
    document without a URL is kept.

    name: the list's name (default: the first path's name without extension); paths: its
    files or UT1 category directories."""

    name: ReasonName | None = None
    paths: ListPaths
    _blocklist: Blocklist | None = PrivateAttr(None)

    @property
    def label(self) -> str:
        return f"UrlBlocklist(list={list_name(self.name, self.paths)})"

    def setup(self) -> None:
        if self._blocklist is None:
            self._blocklist = Blocklist.read(list_name(self.name, self.paths), self.paths)

    def removal(self, document: Document) -> str | None:
        if document.url and self._blocklist.blocks(document.url):
            return self.label
        return None
