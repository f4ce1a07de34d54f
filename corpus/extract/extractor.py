"""Candidate HTML -> `Document`: paragraphs, language identification, script ratios."""

from __future__ import annotations

from corpus.extract.config import ExtractConfig
from corpus.extract.dates import document_date
from corpus.extract.langid import LanguageIdentifier
from corpus.extract.main_content import MainContentExtractor
from corpus.extract.main_content_share import with_main_content
from corpus.extract.outcome import Outcome
from corpus.extract.paragraphs import ExtractionTimeout, NestingTooDeep, html_to_paragraphs
from corpus.extract.scripts import script_ratios
from corpus.extract.triage import Candidate
from corpus.schema import Document, Paragraph, join_paragraphs
from corpus.warc.naming import host_of, source_name


class DocumentExtractor:
    """Turns candidates into documents, or says which `Outcome` dropped them.

    Holds the language-ID model and, for the trafilatura method, a child process: create
    one per worker and call `close` when done.
    """

    def __init__(self, config: ExtractConfig) -> None:
        self.config = config
        self.languages = frozenset(config.languages)
        self.identifier = LanguageIdentifier(config.langid_model)
        self.main_content = (
            MainContentExtractor(config.time_limit_seconds, config.trafilatura_options)
            if config.method == "trafilatura"
            else None
        )

    def paragraphs(self, html: str) -> list[Paragraph]:
        if self.main_content is not None:
            return self.main_content.paragraphs(html)
        return html_to_paragraphs(
            html, time_limit=self.config.time_limit_seconds, max_depth=self.config.max_depth
        )

    def extract(self, candidate: Candidate) -> Document | Outcome:
        """Unexpected errors propagate: the caller records them as `extraction_error`."""
        try:
            paragraphs = self.paragraphs(candidate.html)
        except ExtractionTimeout:
            return Outcome.TIMEOUT
        except NestingTooDeep:
            return Outcome.NESTING_TOO_DEEP
        if not paragraphs:
            return Outcome.EMPTY
        text = join_paragraphs(paragraphs)
        (guess,) = self.identifier.predict([text])
        if guess.label not in self.languages or guess.score < self.config.min_language_score:
            return Outcome.LANGUAGE_REJECTED
        ratios = script_ratios(text)
        if self.main_content is None:
            # After language identification: only documents that are kept pay for it.
            paragraphs = with_main_content(candidate.html, paragraphs)
        return Document(
            id=candidate.record_id,
            url=candidate.url or None,
            host=host_of(candidate.url) or None,
            date=document_date(candidate.warc_date, candidate.http_date, candidate.last_modified),
            source=source_name(candidate.warc_file, self.config.source),
            warc_file=candidate.warc_file,
            warc_offset=candidate.warc_offset,
            charset=candidate.charset or None,
            charset_source=candidate.charset_source,
            language=guess.label,
            language_score=guess.score,
            hiragana_ratio=ratios.hiragana,
            katakana_ratio=ratios.katakana,
            kanji_ratio=ratios.kanji,
            paragraphs=paragraphs,
        )

    def close(self) -> None:
        if self.main_content is not None:
            self.main_content.close()
