"""The benchmarks' fixture WARC (built by tests/support/fixture_warc.py from the real fixture
pages, ../shared/fixtures) and the extraction stage's core run on it without Beam."""

from __future__ import annotations

import io
import sys
from pathlib import Path

# Run as a script, a benchmark sees benchmarks/ only; the WARC builder is shared with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from corpus.extract.config import ExtractConfig
from corpus.extract.extractor import DocumentExtractor
from corpus.extract.triage import Candidate, triage
from corpus.schema import Document
from corpus.warc.reader import WarcRecord, read_warc
from tests.support.fixture_warc import (
    CAPTURE_DATE,
    JAPANESE_PAGES,
    Page,
    build_warc,
    fixture_pages,
    record_id,
)

__all__ = [
    "CAPTURE_DATE",
    "DEFAULT_FIXTURES",
    "JAPANESE_PAGES",
    "Page",
    "build_warc",
    "extract_documents",
    "fixture_pages",
    "record_id",
]

DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


def extract_documents(
    warc: bytes, config: ExtractConfig, extractor: DocumentExtractor
) -> list[Document]:
    """The extraction stage's core on a WARC in memory, without Beam."""
    documents = []
    for record in read_warc(io.BytesIO(warc), "fixtures.warc.gz"):
        if isinstance(record, WarcRecord):
            candidate = triage(record, config)
            if isinstance(candidate, Candidate):
                document = extractor.extract(candidate)
                if isinstance(document, Document):
                    documents.append(document)
    return documents
