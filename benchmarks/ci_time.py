"""Record a run of ``.ci/run`` from its log: one row in ``benchmarks/results/ci_times.csv``.

Usage (from the project root)::

    bash .ci/run 2>&1 | tee ci.log
    python benchmarks/ci_time.py ci.log

``.ci/run`` prints the seconds of each of its steps (``== setup took 67 s``, ``== book build took ...``,
``== tests took ...``, ``== site check took ...``, ``== CI total ...``); this script reads them, with the
tests' pass count, and appends them with the time the log was last written and the machine. CI itself runs in a clean clone, whose
files are thrown away, so a run is recorded here by hand from its log; the README quotes the latest.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "ci_times.csv"
STEPS = {"setup_s": r"== setup took (\d+) s", "book_s": r"== book build took (\d+) s",
         "tests_s": r"== tests took (\d+) s", "site_s": r"== site check took (\d+) s",
         "total_s": r"== CI total (\d+) s"}


def read_log(text: str) -> dict:
    """The step times of one .ci/run log, and how many tests passed; a clear error if it did not finish."""
    row = {}
    for key, pattern in STEPS.items():
        found = re.search(pattern, text)
        if not found:
            raise ValueError(f"no line matching {pattern!r}: this log is not of a .ci/run that finished")
        row[key] = int(found.group(1))
    passed = re.search(r"=+ (\d+) passed", text)
    row["tests_passed"] = int(passed.group(1)) if passed else None
    return row


def main(path: str) -> pd.DataFrame:
    row = read_log(Path(path).read_text())
    finished = dt.datetime.fromtimestamp(Path(path).stat().st_mtime)  # when the log was last written
    row.update(date=finished.isoformat(timespec="seconds"),
               machine=f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    table = pd.DataFrame([row])
    table.to_csv(RESULTS, mode="a", header=not RESULTS.exists(), index=False)
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main(sys.argv[1])
