"""Main-content text with trafilatura, run in a child process that is killed on a time limit.

trafilatura can run for minutes on some pages, and SIGALRM only works on the main thread
(Beam runs DoFns in worker threads), so each page goes through a pipe to a persistent child
process; when the child does not answer within the time limit it is killed, and a fresh one
is started for the next page. trafilatura only ever loads in the child.

The child is a plain `python -m corpus.extract.main_content` (not multiprocessing's spawn,
which re-runs the parent's main module in the child) talking over two extra pipes, so that
anything a library prints on stdout cannot corrupt the replies.

Options: trafilatura's own defaults for what counts as main text (`favor_precision`,
`favor_recall`, `include_comments`, `include_tables`), which the run's config may change
(`ExtractConfig.trafilatura_options`): its precision mode drops real paragraphs of
articles. Plain text only, no metadata; trafilatura's cross-document deduplication off,
because in a persistent process it would make a page's text depend on which pages came
before it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from multiprocessing.connection import Connection

from corpus.extract.paragraphs import ExtractionTimeout, normalize_text
from corpus.schema import Paragraph

FIXED_OPTIONS = {
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
    "with_metadata": False,
    "output_format": "txt",
}
# Starting the child (interpreter plus trafilatura) takes about half a second and is not
# part of any page's time limit, but a child that cannot start within this long is broken.
STARTUP_TIMEOUT = 120.0
_READY = "ready"


class ExtractionFailed(Exception):
    """trafilatura raised on a page, or its child process died."""


def _serve(requests: Connection, replies: Connection, options: dict[str, bool]) -> None:
    """Child process: answer each HTML string with (True, text) or (False, error)."""
    import trafilatura

    options = {**options, **FIXED_OPTIONS}
    replies.send(_READY)
    while True:
        try:
            html = requests.recv()
        except EOFError:
            return
        try:
            text = trafilatura.extract(html, **options)
        except Exception as error:  # any failure is this page's, not the worker's
            replies.send((False, f"{type(error).__name__}: {error}"))
        else:
            replies.send((True, text or ""))


class MainContentExtractor:
    """trafilatura's main text as paragraphs (path "", link_chars 0: trafilatura drops the DOM).

    Starts its child process on first use, so constructing (or pickling) one is cheap. Not
    thread-safe: use one per DoFn instance. Call `close()` when done.
    """

    def __init__(self, time_limit: float = 5.0, options: dict[str, bool] | None = None) -> None:
        self.time_limit = time_limit
        self.options = dict(options or {})
        """Passed to trafilatura.extract (its defaults for what is not given)."""
        self._process: subprocess.Popen | None = None
        self._requests: Connection | None = None
        self._replies: Connection | None = None

    def __getstate__(self) -> dict:
        return {"time_limit": self.time_limit, "options": self.options}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["time_limit"], state["options"])

    def paragraphs(self, html: str) -> list[Paragraph]:
        """Main-content paragraphs of `html`.

        Raises `ExtractionTimeout` after `time_limit` seconds (the child is killed and
        replaced) and `ExtractionFailed` when trafilatura raises or its process dies.
        """
        if self._process is None:
            self._start()
        try:
            self._requests.send(html)
            answered = self._replies.poll(self.time_limit)
            reply = self._replies.recv() if answered else None
        except (EOFError, OSError) as error:
            self.close()
            raise ExtractionFailed(f"trafilatura process died: {error!r}") from error
        if reply is None:
            self.close()
            raise ExtractionTimeout(f"trafilatura exceeded {self.time_limit} s")
        succeeded, payload = reply
        if not succeeded:
            raise ExtractionFailed(payload)
        paragraphs = []
        for line in payload.split("\n"):
            text = normalize_text(line)
            if text:
                paragraphs.append(Paragraph(text))
        return paragraphs

    def close(self) -> None:
        """Kill the child process, if any; the next page starts a new one."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
        for connection in (self._requests, self._replies):
            if connection is not None:
                connection.close()
        self._requests = self._replies = None

    def _start(self) -> None:
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        # The child sees the same import path as this process (tests, editable installs).
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                __name__,
                str(request_read),
                str(reply_write),
                json.dumps(self.options),
            ],
            pass_fds=(request_read, reply_write),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        os.close(request_read)
        os.close(reply_write)
        self._requests = Connection(request_write, readable=False)
        self._replies = Connection(reply_read, writable=False)
        try:
            ready = self._replies.poll(STARTUP_TIMEOUT) and self._replies.recv() == _READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.close()
            raise RuntimeError("the trafilatura process did not start")


if __name__ == "__main__":
    _serve(
        Connection(int(sys.argv[1]), writable=False),
        Connection(int(sys.argv[2]), readable=False),
        json.loads(sys.argv[3]),
    )
