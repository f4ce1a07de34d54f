"""Files over HTTP and HTTPS as a Beam file system (`http://`, `https://`), read only.

Common Crawl serves its files at https://data.commoncrawl.org/ to anyone outside AWS. A
URL names one file: it matches itself (no globbing, no listing), its size given by a HEAD
request. A file is read streaming, with one GET; when the connection drops or stalls, the
read resumes where it stopped with a Range request (`If-Range` makes sure it is still the
same file). A request that fails in a way that may pass (a connection error, a timeout,
HTTP 408, 425, 429 or 5xx) is tried again after a wait that doubles with each failure in a
row: `--http_retries` times, the first wait `--http_backoff_seconds` (Beam pipeline
options, so that every worker gets them). A file that still cannot be read raises
`HttpError`, an OSError, which the stages record as a dead letter; the run goes on.

A URL whose HEAD request keeps failing so still matches itself, with its size unknown
(0): whether it can be read is settled when it is read. One the server says does not
exist (404, 410) matches nothing.

Beam picks a file system by scheme among the imported subclasses of `FileSystem`:
`corpus.config` imports this module, so every process that reads a config has both
schemes and their flags, and a pipeline's workers import it as they start
(`corpus.pipelines.runner`).
"""

from __future__ import annotations

import email.utils
import errno
import http.client
import io
import logging
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.error import HTTPError, URLError

from apache_beam.io.filesystem import (
    BeamIOError,
    CompressedFile,
    CompressionTypes,
    FileMetadata,
    FileSystem,
    MatchResult,
)
from apache_beam.options.pipeline_options import PipelineOptions

DEFAULT_RETRIES = 5
DEFAULT_BACKOFF_SECONDS = 1.0
MAX_WAIT_SECONDS = 60.0
TIMEOUT_SECONDS = 60.0
"""A connection that gives no byte for this long is dropped, and the read resumed."""
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
GONE_STATUSES = frozenset({404, 410})
READ_BUFFER_BYTES = 1 << 20
MATCH_THREADS = 16
"""HEAD requests in flight at once when many URLs are matched (a crawl's files)."""
USER_AGENT = "corpus (Japanese corpus builder; Apache Beam)"

_LOGGER = logging.getLogger(__name__)
T = TypeVar("T")


class HttpOptions(PipelineOptions):
    """Beam pipeline options of the `http://` and `https://` file system."""

    @classmethod
    def _add_argparse_args(cls, parser: Any) -> None:
        parser.add_argument(
            "--http_retries",
            type=int,
            default=DEFAULT_RETRIES,
            help="times a failed HTTP(S) request is tried again (a dropped connection "
            "resumes where it stopped) before the file counts as unreadable",
        )
        parser.add_argument(
            "--http_backoff_seconds",
            type=float,
            default=DEFAULT_BACKOFF_SECONDS,
            help="wait before the first retry of an HTTP(S) request; it doubles with each "
            f"failure in a row, up to {MAX_WAIT_SECONDS:g} s",
        )


class HttpError(OSError):
    """A file that cannot be read over HTTP(S). `transient`: the failures might have
    passed, but did not within the retries."""

    def __init__(self, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


def _is_transient(error: Exception) -> bool:
    if isinstance(error, HTTPError):
        return error.code in RETRY_STATUSES
    if isinstance(error, (HttpError, FileNotFoundError)):
        return False
    return isinstance(error, (OSError, http.client.HTTPException))


def _describe(error: Exception) -> str:
    if isinstance(error, HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, URLError):
        return str(error.reason)
    return repr(error)


def _permanent(url: str, error: Exception) -> OSError:
    if isinstance(error, (HttpError, FileNotFoundError)):
        return error
    if isinstance(error, HTTPError) and error.code in GONE_STATUSES:
        return FileNotFoundError(errno.ENOENT, f"{url}: {_describe(error)}")
    return HttpError(f"{url}: {_describe(error)}")


@dataclass(frozen=True)
class Retries:
    """How often, and after which waits, a failed request is tried again."""

    retries: int = DEFAULT_RETRIES
    backoff_seconds: float = DEFAULT_BACKOFF_SECONDS

    @classmethod
    def of(cls, options: PipelineOptions | dict | None) -> Retries:
        """From Beam's options: a `PipelineOptions`, a dict of them (as some runners give
        file systems), or None (the defaults)."""
        if isinstance(options, PipelineOptions):
            view = options.view_as(HttpOptions)
            return cls(view.http_retries, view.http_backoff_seconds)
        options = options or {}
        return cls(
            options.get("http_retries", DEFAULT_RETRIES),
            options.get("http_backoff_seconds", DEFAULT_BACKOFF_SECONDS),
        )

    def run(self, url: str, attempt: Callable[[], T], after_failure: Callable[[], Any]) -> T:
        """`attempt()`, tried again after a transient failure (`after_failure()` cleans
        up first); raises FileNotFoundError or `HttpError` when it cannot succeed."""
        failures = 0
        while True:
            try:
                return attempt()
            except (OSError, http.client.HTTPException) as error:
                after_failure()
                if not _is_transient(error):
                    raise _permanent(url, error) from error
                failures += 1
                if failures > self.retries:
                    message = f"{url}: {_describe(error)} ({failures} attempts)"
                    raise HttpError(message, transient=True) from error
                time.sleep(min(self.backoff_seconds * 2 ** (failures - 1), MAX_WAIT_SECONDS))


def _request(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(
        url,
        method=method,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **(headers or {})},
    )
    return urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS)


def _seconds(http_date: str | None) -> float:
    try:
        return email.utils.parsedate_to_datetime(http_date).timestamp()
    except (TypeError, ValueError):
        return 0.0


def head(url: str, retries: Retries) -> FileMetadata:
    """The file's size (0 when the server does not say) and modification time."""

    def attempt() -> FileMetadata:
        with _request(url, "HEAD") as response:
            length = response.headers.get("Content-Length", "")
            size = int(length) if length.isdigit() else 0
            return FileMetadata(url, size, _seconds(response.headers.get("Last-Modified")))

    return retries.run(url, attempt, lambda: None)


def _total_size(response: Any) -> int | None:
    """The whole file's size, from a 200's Content-Length or a 206's Content-Range."""
    if response.status == 206:
        total = response.headers.get("Content-Range", "").rpartition("/")[2]
    else:
        total = response.headers.get("Content-Length", "")
    return int(total) if total.isdigit() else None


class HttpReader(io.RawIOBase):
    """A file over HTTP(S), read forward from a GET, or from any position (`seek`) by
    Range requests; a dropped or stalled connection is resumed where it stopped. Opening
    requests the file, so a missing one raises FileNotFoundError at once."""

    mode = "rb"  # Beam's CompressedFile reads it

    def __init__(self, url: str, retries: Retries) -> None:
        super().__init__()
        self.url = url
        self._retries = retries
        self._position = 0
        self._size: int | None = None
        # The first response's strong ETag or Last-Modified: sent as If-Range when resuming,
        # so that a file changed in between comes whole (and is refused) instead of spliced.
        self._validator: str | None = None
        self._response: Any = None
        retries.run(url, self._connect, self._disconnect)

    def _connect(self) -> None:
        headers = {}
        if self._position:
            headers["Range"] = f"bytes={self._position}-"
            if self._validator:
                headers["If-Range"] = self._validator
        response = _request(self.url, headers=headers)
        if self._position and response.status != 206:
            response.close()
            raise HttpError(
                f"{self.url}: the server sent the whole file instead of the rest from byte "
                f"{self._position} (the file changed, or the server does not serve ranges)"
            )
        self._response = response
        if self._size is None:
            self._size = _total_size(response)
        if self._validator is None:
            etag = response.headers.get("ETag", "")
            strong = etag if etag and not etag.startswith("W/") else None
            self._validator = strong or response.headers.get("Last-Modified")

    def _disconnect(self) -> None:
        if self._response is not None:
            self._response.close()
            self._response = None

    def _at_end(self) -> bool:
        return self._size is not None and self._position >= self._size

    def _read_into(self, buffer: Any) -> int:
        if self._at_end():
            return 0
        if self._response is None:
            self._connect()
        count = self._response.readinto(buffer)
        if not count and len(buffer):
            if self._size is not None:  # the connection closed before the file's end
                raise http.client.IncompleteRead(b"", self._size - self._position)
            self._size = self._position
        self._position += count
        return count

    def readinto(self, buffer: Any) -> int:
        return self._retries.run(self.url, lambda: self._read_into(buffer), self._disconnect)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._position
        elif whence == io.SEEK_END:
            if self._size is None:
                raise OSError(errno.ESPIPE, f"{self.url}: the server gave no size to seek from")
            offset += self._size
        if offset < 0:
            raise ValueError(f"negative position {offset}")
        if offset != self._position:
            self._disconnect()  # the next read requests the file from the new position
            self._position = offset
        return offset

    def close(self) -> None:
        self._disconnect()
        super().close()


class HttpFileSystem(FileSystem):
    """`http://` URLs (`HttpsFileSystem`: `https://`), read only; see the module's doc."""

    def __init__(self, pipeline_options: PipelineOptions | dict | None) -> None:
        super().__init__(pipeline_options)
        self.retries = Retries.of(pipeline_options)

    @classmethod
    def scheme(cls) -> str:
        return "http"

    def _read_only(self) -> BeamIOError:
        return BeamIOError(f"{self.scheme()}:// files are read only")

    def join(self, basepath: str, *paths: str) -> str:
        return "/".join([basepath.rstrip("/"), *(path.strip("/") for path in paths)])

    def split(self, path: str) -> tuple[str, str]:
        scheme, _, rest = path.partition("://")
        head_, separator, tail = rest.rpartition("/")
        return (f"{scheme}://{head_}", tail) if separator else (path, "")

    def has_dirs(self) -> bool:
        return False

    def _list(self, dir_or_prefix: str) -> Any:
        raise BeamIOError(f"{self.scheme()}:// cannot list files: name each file by its URL")

    def _match_one(self, url: str) -> MatchResult:
        try:
            return MatchResult(url, [head(url, self.retries)])
        except FileNotFoundError:
            return MatchResult(url, [])
        except HttpError as error:
            if not error.transient:
                raise
            _LOGGER.warning("%s; its size is unknown, it is read later all the same", error)
            return MatchResult(url, [FileMetadata(url, 0)])

    def match(self, patterns: list[str], limits: list[int] | None = None) -> list[MatchResult]:
        """Each URL matches itself (no globbing over HTTP), if the server has it."""

        def outcome(url: str) -> MatchResult | Exception:
            try:
                return self._match_one(url)
            except Exception as error:
                return error

        with ThreadPoolExecutor(min(MATCH_THREADS, max(1, len(patterns)))) as pool:
            results = list(pool.map(outcome, patterns))
        failed = {
            url: result
            for url, result in zip(patterns, results, strict=True)
            if isinstance(result, Exception)
        }
        if failed:
            raise BeamIOError("Match operation failed", failed)
        return results

    def open(
        self,
        path: str,
        mime_type: str = "application/octet-stream",
        compression_type: str = CompressionTypes.AUTO,
    ) -> Any:
        stream = io.BufferedReader(HttpReader(path, self.retries), READ_BUFFER_BYTES)
        compression = self._get_compression_type(path, compression_type)
        if compression == CompressionTypes.UNCOMPRESSED:
            return stream
        return CompressedFile(stream, compression)

    def metadata(self, path: str) -> FileMetadata:
        return head(path, self.retries)

    def exists(self, path: str) -> bool:
        try:
            head(path, self.retries)
        except FileNotFoundError:
            return False
        return True

    def size(self, path: str) -> int:
        return self.metadata(path).size_in_bytes

    def last_updated(self, path: str) -> float:
        return self.metadata(path).last_updated_in_seconds

    def mkdirs(self, path: str) -> None:
        raise self._read_only()

    def create(self, path: str, mime_type: str = "", compression_type: str = "") -> Any:
        raise self._read_only()

    def copy(self, source_file_names: list[str], destination_file_names: list[str]) -> None:
        raise self._read_only()

    def rename(self, source_file_names: list[str], destination_file_names: list[str]) -> None:
        raise self._read_only()

    def delete(self, paths: list[str]) -> None:
        raise self._read_only()


class HttpsFileSystem(HttpFileSystem):
    """`https://` URLs."""

    @classmethod
    def scheme(cls) -> str:
        return "https"
