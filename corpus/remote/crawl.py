"""Common Crawl inputs named by their crawl: `inputs: {crawl: CC-MAIN-2024-22, files: 0-99}`.

Every crawl lists its files, one path a line relative to the root of Common Crawl's
bucket, in `crawl-data/CRAWL/warc.paths.gz` (`wet.paths.gz` for its WET files). Files
are chosen by their index in that list, from 0; the chosen lines, under `base`, are the
run's inputs: https://data.commoncrawl.org/ (anywhere), s3://commoncrawl/ (in AWS) or any
copy with the same layout. A published crawl's list does not change, so the same choice
names the same files on every run (and `run.json` records them).
"""

from __future__ import annotations

import re

from apache_beam.io.filesystems import FileSystems

from corpus.remote.file_systems import check_file_systems

CRAWL_NAME = re.compile(r"CC-MAIN-\d{4}-\d{2}")
PATHS_FILES = {"warc": "warc.paths.gz", "wet": "wet.paths.gz"}
ALL = "all"
_RANGE = re.compile(r"(\d+)(?:-(\d+))?")


def file_ranges(files: str | int) -> list[tuple[int, int]] | None:
    """`0-99,120` -> [(0, 99), (120, 120)], both ends included; `all` -> None. ValueError
    for anything else (a reversed range, a negative index, a word)."""
    if files == ALL:
        return None
    if isinstance(files, bool) or not isinstance(files, (int, str)):
        raise ValueError(f"expected indices such as 0-99 or 0-9,20 (or `{ALL}`), not {files!r}")
    ranges = []
    for part in str(files).replace(" ", "").split(","):
        found = _RANGE.fullmatch(part)
        if not found:
            raise ValueError(f"{part!r} is not an index or a range such as 0-99 (or `{ALL}`)")
        first = int(found[1])
        last = int(found[2]) if found[2] is not None else first
        if last < first:
            raise ValueError(f"{part}: the range ends before it starts")
        ranges.append((first, last))
    return ranges


def paths_file(base: str, crawl: str, kind: str) -> str:
    """Where a crawl's list of files lies under `base`."""
    return f"{base.rstrip('/')}/crawl-data/{crawl}/{PATHS_FILES[kind]}"


def chosen(lines: list[str], ranges: list[tuple[int, int]] | None, what: str) -> list[str]:
    """The lines at the indices of `ranges` (all of them for None), in list order, each
    once; ValueError when a range goes past the end."""
    if ranges is None:
        return lines
    past = [f"{first}-{last}" for first, last in ranges if last >= len(lines)]
    if past:
        raise ValueError(
            f"{', '.join(past)} goes past the end: {what} has {len(lines)} files "
            f"(0-{len(lines) - 1})"
        )
    indices = sorted({index for first, last in ranges for index in range(first, last + 1)})
    return [lines[index] for index in indices]


def crawl_files(crawl: str, files: str | int, kind: str, base: str) -> list[str]:
    """The addresses of a crawl's chosen files (see the module's doc). Raises ValueError
    (ConfigError for a file system that cannot be used) naming the `inputs.` key at fault."""
    url = paths_file(base, crawl, kind)
    check_file_systems([url], "inputs.base")
    try:
        with FileSystems.open(url) as handle:  # gzip, by the name
            lines = handle.read().decode("utf-8").split()
    except FileNotFoundError:
        raise ValueError(
            f"inputs.crawl: there is no {url}: is {crawl} a crawl, and `inputs.base` a copy "
            "of Common Crawl?"
        ) from None
    except Exception as error:  # any file system's error, in one line
        raise ValueError(f"inputs.base: cannot read {crawl}'s list of files: {error}") from None
    try:
        paths = chosen(lines, file_ranges(files), f"{crawl}'s {PATHS_FILES[kind]}")
    except ValueError as error:
        raise ValueError(f"inputs.files: {error}") from None
    return [f"{base.rstrip('/')}/{path}" for path in paths]
