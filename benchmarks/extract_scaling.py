"""The extraction stage as a Beam pipeline: 1 vs 2 worker processes on the local runner.

The mixed fixture WARC (fixture_warc.py) is written --copies times, as separate WARC
files, the way a crawl comes; `corpus extract` then runs on them with
--direct_num_workers=1 and =2, alternating, --repeat times. Prints records/s (medians,
pipeline start-up included) and the scaling ratio.

    python benchmarks/extract_scaling.py [--fixtures DIR] [--copies 8] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from fixture_warc import DEFAULT_FIXTURES, build_warc, fixture_pages

from corpus.config import validate
from corpus.pipelines.run import run_stage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    pages = fixture_pages(args.fixtures)
    with tempfile.TemporaryDirectory() as scratch:
        inputs = []
        for copy in range(args.copies):
            path = Path(scratch) / f"mixed-{copy:02d}.warc.gz"
            path.write_bytes(build_warc(pages))
            inputs.append(str(path))
        records = len(pages) * args.copies
        print(f"{args.copies} WARC files, {records} HTML responses")
        seconds: dict[int, list[float]] = {1: [], 2: []}
        for attempt in range(args.repeat):
            for workers in seconds:
                output = str(Path(scratch) / f"out-{workers}-{attempt}")
                config = validate({"inputs": inputs, "output": output})
                start = time.perf_counter()
                stats = run_stage(
                    "extract",
                    inputs,
                    output,
                    config,
                    [f"--direct_num_workers={workers}"],
                    overwrite=False,
                )
                seconds[workers].append(time.perf_counter() - start)
                assert stats["records_read"] == records, stats
    medians = {workers: statistics.median(times) for workers, times in seconds.items()}
    for workers, median in medians.items():
        print(f"{workers} worker(s): {records / median:7.1f} records/s  (median {median:.1f} s)")
    print(f"scaling 2 vs 1: {medians[1] / medians[2]:.2f}x")


if __name__ == "__main__":
    main()
