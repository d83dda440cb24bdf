"""Time every chapter of the book, executed top to bottom, and write the table to a file.

Usage (from the project root)::

    python benchmarks/chapter_times.py            # all chapters in _toc.yml
    python benchmarks/chapter_times.py radon      # chapters whose name contains "radon"

Writes ``benchmarks/results/chapter_times.csv`` (one row per chapter and run, with the machine)
and prints it. Run times vary with the machine and with what else it is doing; compare runs
made on the same machine. The first run after installing also compiles the models' C and
Numba code into caches, so it is slower than later runs: the script reports whether the
caches were warm.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from chapters import run_chapter, toc_notebooks  # noqa: E402


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(filters: list[str]) -> pd.DataFrame:
    rows = []
    for path in toc_notebooks():
        if filters and not any(f in path.stem for f in filters):
            continue
        start = time.perf_counter()
        result = run_chapter(path)
        seconds = time.perf_counter() - start
        rows.append({
            "chapter": path.stem, "seconds": round(seconds, 1), "ok": result.error is None,
            "date": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
        })
        print(f"{path.stem}: {seconds:.1f} s {'ok' if result.error is None else 'FAILED'}", flush=True)
    table = pd.DataFrame(rows)
    out = ROOT / "benchmarks" / "results" / "chapter_times.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, mode="a", header=not out.exists(), index=False)
    print(f"appended to {out.relative_to(ROOT)}")
    return table


if __name__ == "__main__":
    main(sys.argv[1:])
