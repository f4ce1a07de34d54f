"""Running the dedup stage on documents written here, and reading what it kept."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.config import validate
from corpus.schema import DOCUMENT_SCHEMA, Document
from tests.support.stages import run_stage_into


def write_input(documents: list[Document], path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [d.to_row() for d in documents]
    pq.write_table(pa.Table.from_pylist(rows, schema=DOCUMENT_SCHEMA), path)
    return str(path)


def dedup(inputs: list[str], out: Path, workers: int = 1, **dedup_config) -> dict:
    config = validate({"inputs": inputs, "output": str(out), "dedup": dedup_config})
    return run_stage_into("dedup", inputs, str(out), config, [f"--direct_num_workers={workers}"])


def kept_rows(directory: Path) -> list[dict]:
    return pq.ParquetDataset(sorted(directory.glob("documents-*.parquet"))).read().to_pylist()
