"""Fuzz the WARC reader: damage every fixture WARC/ARC file, read it, and check what comes
back against the undamaged file (the damage and the promises checked are described in
tests/support/warc_fuzz.py, which this runs for longer than tests/warc/test_fuzz.py does).

    python benchmarks/warc_fuzz.py [--cases 3000] [--seconds 600] [--seed 1] [--fixtures DIR]

prints the cases run by kind, the failures by kind with the first example of each, and
records/s.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as a script, this sees benchmarks/ only; the fuzzer is shared with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.warc_fuzz import fuzz

DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    results = fuzz(args.fixtures, seed=args.seed, cases=args.cases, seconds=args.seconds)
    total = sum(results.cases.values())
    print(f"cases: {total} in {results.seconds:.1f} s (seed {args.seed})")
    for kind, count in sorted(results.cases.items()):
        print(f"  {kind:24} {count:6}")
    print(f"records read: {results.records} ({results.records / results.seconds:.0f} records/s)")
    unseeable = sum(results.unseeable.values())
    by_kind = ", ".join(f"{kind} {n}" for kind, n in sorted(results.unseeable.items()))
    print(f"changed records no check can see (plain files, multi-record members): {unseeable}")
    if unseeable:
        print(f"  {by_kind}")
    print(f"failures: {sum(results.failures.values())}")
    for kind, count in sorted(results.failures.items()):
        print(f"  {kind:40} {count:6}  e.g. {results.examples[kind][:150]}")
    sys.exit(1 if results.failures else 0)


if __name__ == "__main__":
    main()
