"""Signature files: the MinHash signatures of a dedup run's documents, for later runs.

The dedup stage writes, in its side directory, `dedup.meta/signatures/signatures-*.parquet`:
one row per kept document with its identity, date, URL and text keys, cluster, and
MinHash signature (`num_perm` little-endian uint32 values as bytes). A later run names
these files in `dedup.previous` to deduplicate new documents against the earlier corpus
without reading its text again (incremental, cross-dump dedup). The shingling and MinHash
parameters are stored in the file's schema metadata and must equal the later run's, which
is checked before any work.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from corpus.dedup.config import MinHashConfig
from corpus.dedup.fingerprint import Fingerprint, Fingerprinter, epoch_seconds
from corpus.errors import ConfigError

PARAMETERS_KEY = b"corpus.minhash"
PARAMETERS = ("shingles", "shingle_hash", "n", "num_perm", "seed")
"""The MinHash settings that must agree between runs for signatures to be comparable."""


def minhash_parameters(config: MinHashConfig) -> dict:
    return {name: getattr(config, name) for name in PARAMETERS}


def signature_schema(config: MinHashConfig) -> pa.Schema:
    metadata = {PARAMETERS_KEY: json.dumps(minhash_parameters(config), sort_keys=True)}
    return pa.schema(
        [
            pa.field("row", pa.int64(), nullable=False),
            pa.field("id", pa.string(), nullable=False),
            pa.field("warc_file", pa.string(), nullable=False),
            pa.field("warc_offset", pa.int64(), nullable=False),
            pa.field("date", pa.timestamp("s", tz="UTC")),
            pa.field("text_length", pa.int64(), nullable=False),
            pa.field("url_key", pa.string(), nullable=False),
            pa.field("text_key", pa.string(), nullable=False),
            pa.field("signature", pa.binary(), nullable=False),
            pa.field("cluster_id", pa.string(), nullable=False),
            pa.field("cluster_size", pa.int64(), nullable=False),
        ],
        metadata=metadata,
    )


def signature_row(
    row: int, fingerprint: Fingerprint, signature: np.ndarray, cluster_id: str = ""
) -> dict:
    return {
        "row": row,
        "id": fingerprint.id,
        "warc_file": fingerprint.warc_file,
        "warc_offset": fingerprint.warc_offset,
        "date": fingerprint.date,
        "text_length": fingerprint.text_length,
        "url_key": fingerprint.url_key,
        "text_key": fingerprint.text_key,
        "signature": signature.astype("<u4", copy=False).tobytes(),
        "cluster_id": cluster_id,
        "cluster_size": fingerprint.cluster_size,
    }


def signature_of(row: dict) -> np.ndarray:
    return np.frombuffer(row["signature"], dtype="<u4")


def previous_fingerprint(row: dict, ref: str, fingerprinter: Fingerprinter) -> Fingerprint:
    """An earlier run's kept document, as a fingerprint that always wins."""
    return Fingerprint(
        ref=ref,
        id=row["id"],
        warc_file=row["warc_file"],
        warc_offset=row["warc_offset"],
        date=epoch_seconds(row["date"]),
        text_length=row["text_length"],
        url_key=row["url_key"],
        text_key=row["text_key"],
        band_keys=fingerprinter.band_keys(signature_of(row)),
        cluster_size=row["cluster_size"],
        previous=True,
    )


def check_compatible(paths: list[str], config: MinHashConfig) -> None:
    """Every earlier run's signature file must use this run's MinHash parameters."""
    expected = minhash_parameters(config)
    for path in paths:
        with FileSystems.open(path) as handle:
            metadata = pq.read_schema(handle).metadata or {}
        if PARAMETERS_KEY not in metadata:
            raise ConfigError(f"dedup.previous: {path} is not a signature file of this project")
        found = json.loads(metadata[PARAMETERS_KEY])
        if found != expected:
            raise ConfigError(
                f"dedup.previous: {path} was made with MinHash {found}, this run uses {expected}"
            )
