"""Fuzz the WARC reader: damage every fixture WARC/ARC file, and check what comes back.

Each case takes a fixture file (as stored, and the Common Crawl file also as plain text
and as one whole-file gzip member), damages it one way, reads it, and checks against
what the reader returns for the undamaged file:

- whole: every record whose bytes the damage did not touch comes back byte-identical
  (the same header fields, status, body and truncation flag);
- not as if whole: every record that comes back unflagged is one of the file's records,
  byte-identical;
- accounted: every record that does not come back, and whose start is still in the
  file, starts inside the stretch of a failure or of a record flagged truncated (an
  item's stretch runs from its offset to the next item's offset, or to the end of the
  file). For plain files and files of one gzip member per record these are file
  offsets, so items and their stretches cover the whole file; in a gzip member holding
  several records they are positions in the member's decompressed data.

A record's bytes: from its offset to the next record's (the gzip members holding it, for
a gzip file; the whole member, for a member holding several records). Damage: byte
flips, zeroed stretches (the tail among them), truncation, junk before, after and
between records, Content-Lengths too long (past the file and the size limit among them)
and too short, a gzip member holding only a WARC header, an HTTP head over 64 KiB, and
the file in another compression.

benchmarks/warc_fuzz.py runs it for minutes; tests/warc/test_fuzz.py for a few seconds.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import random
import re
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.warc.reader import ReadFailure, WarcRecord, read_warc

CC_WARC = "resiliparse/warcfile.warc.gz"
# Bodies over the limit are not held, so records past it show the too-large path too.
MAX_BODY_BYTES = 64 * 1024
# A Content-Length 1 to 4 bytes too long takes in line breaks of the blank line that ends
# the record: a block that ends with line breaks cannot be told from that.
MIN_LENGTH_CHANGE = 5
UNSEEABLE = "unseeable"
"""Damage no check in the file can see: counted, not a failure (see `check`)."""


@dataclass
class Sample:
    """One undamaged file, and what the reader returns for it."""

    name: str
    data: bytes
    members: list[int]  # gzip member offsets; [] for a plain file
    whole_member: bool  # one gzip member holding several records
    records: list[WarcRecord]
    spans: list[tuple[int, int]]  # the bytes of each record
    plain: list[bytes] | None  # each record's bytes, for a plain file


@dataclass
class Case:
    kind: str
    data: bytes
    touched: list[tuple[int, int]]  # original byte ranges the damage changed
    shifts: list[tuple[int, int]] = field(default_factory=list)  # (at, added bytes)
    other_compression: bool = False


def key(record: WarcRecord, arc: bool) -> tuple:
    # ARC records have no ID: theirs is made from the file name and offset.
    return (
        record.record_type,
        "" if arc else record.record_id,
        record.target_uri,
        record.warc_date,
        record.http_status,
        record.content_length,
        record.body,
        record.truncated,
    )


def identity(record: WarcRecord, arc: bool) -> tuple:
    return (record.record_type, record.target_uri, "" if arc else record.record_id)


def read(data: bytes, name: str) -> list[WarcRecord | ReadFailure]:
    return list(read_warc(io.BytesIO(data), name, max_body_bytes=MAX_BODY_BYTES))


def gzip_members(data: bytes) -> list[int]:
    """Offsets of the gzip members of `data`, [] if it is not gzip."""
    starts: list[int] = []
    position = 0
    while data.startswith(b"\x1f\x8b", position):
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        try:
            decompressor.decompress(data[position:])
        except zlib.error:
            return starts
        starts.append(position)
        if not decompressor.eof:
            return starts
        position = len(data) - len(decompressor.unused_data)
    return starts


def sample(name: str, data: bytes) -> Sample:
    records = [item for item in read(data, name) if isinstance(item, WarcRecord)]
    members = gzip_members(data)
    whole = len(members) == 1 and len(records) > 1
    starts = [r.offset for r in records]
    spans = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(data)
        if whole:
            start, end = 0, len(data)
        elif members:
            first = max(m for m in members if m <= start)
            later = [m for m in members if m > first]
            start = first
            end = max(end, later[0] if later else len(data))
        spans.append((start, end))
    plain = None if members else [data[s:e] for s, e in spans]
    return Sample(name, data, members, whole, records, spans, plain)


def samples(fixtures: Path) -> list[Sample]:
    directory = fixtures / "warc"
    paths = sorted(p for p in directory.rglob("*") if p.is_file() and p.name not in ("LICENSE",))
    found = [sample(p.relative_to(directory).as_posix(), p.read_bytes()) for p in paths]
    cc = (directory / CC_WARC).read_bytes()
    found.append(sample("cc-plain.warc", gzip.decompress(cc)))
    found.append(sample("cc-whole.warc.gz", gzip.compress(gzip.decompress(cc), mtime=0)))
    return [s for s in found if s.records]


# --- Damage -------------------------------------------------------------------------------


def flips(s: Sample, rng: random.Random) -> Case:
    data = bytearray(s.data)
    spots = [rng.randrange(len(data)) for _ in range(rng.choice([1, 1, 3, 50]))]
    for spot in spots:
        data[spot] ^= rng.randrange(1, 256)
    return Case("flips", bytes(data), [(p, p + 1) for p in spots])


def zeroed(s: Sample, rng: random.Random) -> Case:
    size = min(len(s.data), rng.choice([8, 100, 2_000, 20_000]))
    start = len(s.data) - size if rng.random() < 0.4 else rng.randrange(len(s.data) - size + 1)
    data = s.data[:start] + bytes(size) + s.data[start + size :]
    return Case(
        "zeroed tail" if start + size == len(s.data) else "zeroed", data, [(start, start + size)]
    )


def truncated(s: Sample, rng: random.Random) -> Case:
    cut = rng.randrange(1, len(s.data))
    return Case("truncated", s.data[:cut], [(cut, len(s.data))])


def junk(rng: random.Random, size: int) -> bytes:
    lines = rng.random() < 0.5
    data = rng.randbytes(size)
    return data.replace(b"\x1f", b"\n") if lines else data


def junk_before(s: Sample, rng: random.Random) -> Case:
    size = rng.choice([10, 1_000, 70_000, 300_000])
    return Case("junk before", junk(rng, size) + s.data, [], [(0, size)])


def junk_after(s: Sample, rng: random.Random) -> Case:
    return Case("junk after", s.data + junk(rng, rng.choice([10, 5_000])), [])


def junk_between(s: Sample, rng: random.Random) -> Case:
    starts = sorted({start for start, _ in s.spans if start > 0})
    if not starts or s.whole_member:
        return junk_after(s, rng)
    at = rng.choice(starts)
    size = rng.choice([10, 1_000, 70_000])
    # The records around the junk keep their bytes: the junk touches no record.
    return Case("junk between", s.data[:at] + junk(rng, size) + s.data[at:], [], [(at, size)])


def replaced(s: Sample, index: int, change: Callable[[bytes], bytes], kind: str) -> Case | None:
    """`s` with record `index`'s bytes changed by `change` (its gzip member recompressed)."""
    start, end = s.spans[index]
    if s.whole_member:
        plain = gzip.decompress(s.data)
        offset = s.records[index].offset
        following = [r.offset for r in s.records if r.offset > offset]
        record_end = following[0] if following else len(plain)
        new = change(plain[offset:record_end])
        data = gzip.compress(plain[:offset] + new + plain[record_end:], mtime=0)
        return Case(kind, data, [(0, len(s.data))])
    if s.members:
        if s.members.count(start) == 0 or start != s.records[index].offset:
            return None
        try:
            record = gzip.decompress(s.data[start:end])
        except (OSError, EOFError, zlib.error):
            return None
        new = gzip.compress(change(record), mtime=0)
    else:
        new = change(s.data[start:end])
    data = s.data[:start] + new + s.data[end:]
    return Case(kind, data, [(start, end)], [(end, len(new) - (end - start))])


def content_length(s: Sample, rng: random.Random) -> Case | None:
    index = rng.randrange(len(s.records))
    if rng.random() < 0.5:
        change = rng.choice([rng.randrange(MIN_LENGTH_CHANGE, 300), 400_000, 10 * 2**30])
        kind = "length too long"
    else:
        change = -rng.randrange(MIN_LENGTH_CHANGE, 300)
        kind = "length too short"

    def redeclare(record: bytes) -> bytes:
        found = re.search(rb"(?i)\nContent-Length: *(\d+)", record)
        if found is None:
            return record
        length = max(0, int(found.group(1)) + change)
        return record[: found.start(1)] + str(length).encode() + record[found.end(1) :]

    if not s.name.endswith((".warc", ".warc.gz", ".bad")):
        return None
    return replaced(s, index, redeclare, kind)


def header_only(s: Sample, rng: random.Random) -> Case | None:
    index = rng.randrange(len(s.records))

    def header(record: bytes) -> bytes:
        end = record.find(b"\r\n\r\n", record.find(b"WARC/"))
        return record[: end + 4] if end >= 0 else record

    if ".arc" in s.name:
        return None
    return replaced(s, index, header, "header-only record")


def long_head(s: Sample, rng: random.Random) -> Case | None:
    responses = [i for i, r in enumerate(s.records) if r.http_status is not None]
    if not responses or ".arc" in s.name:
        return None
    index = rng.choice(responses)
    padding = b"X-Pad: " + b"a" * 60 + b"\r\n"
    lines = rng.choice([1_200, 20_000])

    def pad(record: bytes) -> bytes:
        header_end = record.find(b"\r\n\r\n") + 4
        status_end = record.find(b"\n", header_end) + 1
        if header_end < 4 or status_end <= 0:
            return record
        added = len(padding) * lines
        found = re.search(rb"(?i)\nContent-Length: *(\d+)", record[:header_end])
        length = str(int(found.group(1)) + added).encode() if found else b"0"
        header = record[: found.start(1)] + length + record[found.end(1) : header_end]
        return header + record[header_end:status_end] + padding * lines + record[status_end:]

    return replaced(s, index, pad, "HTTP head over 64 KiB" if lines > 1_000 else "long HTTP head")


def other_compression(s: Sample, rng: random.Random) -> Case:
    plain = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(s.data) if s.members else s.data
    compress = rng.choice([bz2.compress, lzma.compress])
    return Case("other compression", compress(plain), [], other_compression=True)


DAMAGE = [
    flips,
    flips,
    zeroed,
    truncated,
    junk_before,
    junk_after,
    junk_between,
    content_length,
    content_length,
    header_only,
    long_head,
    other_compression,
]


# --- Checks -------------------------------------------------------------------------------


def shifted(position: int, shifts: list[tuple[int, int]]) -> int:
    return position + sum(added for at, added in shifts if position >= at)


def check(s: Sample, case: Case) -> tuple[list[str], int]:
    """The broken promises of one case (a word each, then details), and records read."""
    items = read(case.data, s.name)
    arc = ".arc" in s.name
    got = [item for item in items if isinstance(item, WarcRecord)]
    errors = [item for item in items if isinstance(item, ReadFailure)]
    problems = [f"reader error: {f.error}" for f in errors if f.reason == "reader_error"]
    if case.other_compression:
        if [(f.reason, f.offset) for f in items] != [("unsupported_compression", 0)]:
            problems.append(f"other compression: {items[:2]}")
        return problems, len(got)
    original = {key(r, arc) for r in s.records}
    # Without a check per record (a plain file, a gzip member holding several records),
    # changed bytes that keep the records' framing cannot be seen: those records, and for
    # a member the records after the damage up to its check, are counted as unseeable.
    unchecked = not s.members or s.whole_member
    damaged = [
        (shifted(start, case.shifts), shifted(end, case.shifts))
        for start, end in s.spans
        if any(a < end and start < b for a, b in case.touched)
    ]
    for record in got:
        if record.truncated is None and key(record, arc) not in original:
            inside = any(start <= record.offset < end for start, end in damaged)
            if unchecked and (s.whole_member or inside):
                problems.append(f"{UNSEEABLE}: {record.target_uri} at {record.offset}")
            else:
                problems.append(f"not as if whole: {record.target_uri} at {record.offset}")
    got_keys = Counter(key(r, arc) for r in got)
    # What the reader returns for any file: the unflagged ones must be original records.
    got_ids = {identity(r, arc) for r in got}
    stretches = [(item.offset, item) for item in items]
    offsets = {item.offset for item in items}
    for record, (start, end) in zip(s.records, s.spans, strict=True):
        touched = any(a < end and start < b for a, b in case.touched)
        touched |= any(start < at < end for at, _ in case.shifts)
        if not touched and record.truncated is None and got_keys[key(record, arc)] == 0:
            problems.append(f"whole: {record.target_uri} at {record.offset} lost or changed")
        if identity(record, arc) in got_ids:
            continue
        position = shifted(record.offset, case.shifts)
        if not s.whole_member and shifted(start, case.shifts) >= len(case.data):
            continue  # cut away with the end of the file
        if position in offsets:
            continue  # came back where it was, changed (see above)
        holders = [item for offset, item in stretches if offset <= position]
        holder = holders[-1] if holders else None
        if s.whole_member:
            holder = next((i for i in holders if isinstance(i, ReadFailure) or i.truncated), None)
        if holder is None or (isinstance(holder, WarcRecord) and holder.truncated is None):
            kind = UNSEEABLE if s.whole_member and case.touched else "accounted"
            problems.append(f"{kind}: {record.target_uri} at {record.offset} in no failure")
    return problems, len(got)


@dataclass
class Results:
    cases: Counter = field(default_factory=Counter)
    failures: Counter = field(default_factory=Counter)  # "damage / promise" -> count
    unseeable: Counter = field(default_factory=Counter)  # damage -> records
    examples: dict = field(default_factory=dict)
    records: int = 0
    seconds: float = 0.0


def fuzz(fixtures: Path, *, seed: int, cases: int, seconds: float) -> Results:
    """Up to `cases` cases in at most about `seconds` (the undamaged files come first)."""
    rng = random.Random(seed)
    files = samples(fixtures)
    results = Results()
    started = time.perf_counter()
    plan = [(s, None) for s in files]
    # ARC headers have no marker: junk glued to one reads as part of its URL.
    warc = [s for s in files if ".arc" not in s.name]
    while len(plan) < cases:
        plan.append((rng.choice(warc), rng.choice(DAMAGE)))
    for s, damage in plan:
        if time.perf_counter() - started > seconds:
            break
        case = Case("none", s.data, []) if damage is None else damage(s, rng)
        if case is None:
            continue
        problems, records = check(s, case)
        results.cases[case.kind] += 1
        results.records += records
        for problem in problems:
            kind = problem.split(":")[0]
            if kind == UNSEEABLE:
                results.unseeable[case.kind] += 1
                continue
            results.failures[f"{case.kind} / {kind}"] += 1
            results.examples.setdefault(f"{case.kind} / {kind}", f"{s.name}: {problem}")
    results.seconds = time.perf_counter() - started
    return results
