"""Time every chapter of the book, executed top to bottom, or the whole book build; write a table.

Usage (from the project root)::

    python benchmarks/chapter_times.py            # all chapters in _toc.yml
    python benchmarks/chapter_times.py radon      # chapters whose name contains "radon"
    python benchmarks/chapter_times.py --build    # the whole build: jupyter-book build . -W --keep-going --all

Chapters: appends to ``benchmarks/results/chapter_times.csv`` (one row per chapter and run, with
the machine) and prints it. The build: appends one row to ``benchmarks/results/build_times.csv``
(seconds, whether the build passed, pages, machine); it builds every page afresh (``--all``), so it
executes every chapter, as CI does. ``--config`` and ``--path-output`` are passed on to
``jupyter-book build`` (a configuration without execution makes a cheap trial run), and
``--results`` writes the table elsewhere. Run times vary with the machine and with what else it is doing; compare runs
made on the same machine. The first run after installing also compiles the models' C and
Numba code into caches, so it is slower than later runs: the script reports whether the
caches were warm.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from chapters import run_chapter, toc_files, toc_notebooks  # noqa: E402


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


def time_build(config: Path | None = None, path_output: Path | None = None, results: Path | None = None) -> pd.DataFrame:
    """Time ``jupyter-book build . -W --keep-going --all`` and append a row to the build table."""
    command = ["jupyter-book", "build", ".", "-W", "--keep-going", "--all"]
    if config is not None:
        command += ["--config", str(config)]
    if path_output is not None:
        command += ["--path-output", str(path_output)]
    print(" ".join(command), flush=True)
    pages = len(toc_files())  # before the build: the table of contents may change while it runs
    start = time.perf_counter()
    finished = subprocess.run(command, cwd=ROOT)
    seconds = time.perf_counter() - start
    ok = finished.returncode == 0
    table = pd.DataFrame([{
        "what": "book build" + (f" ({Path(config).name})" if config is not None else ""),
        "seconds": round(seconds, 1), "ok": ok, "pages": pages,
        "date": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
    }])
    out = results or ROOT / "benchmarks" / "results" / "build_times.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, mode="a", header=not out.exists(), index=False)
    print(f"book build: {seconds:.1f} s {'ok' if ok else 'FAILED'}; appended to {out}")
    return table


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="time only chapters whose name contains one of these")
    parser.add_argument("--build", action="store_true", help="time the whole book build instead")
    parser.add_argument("--config", type=Path, help="with --build: jupyter-book's --config")
    parser.add_argument("--path-output", type=Path, help="with --build: jupyter-book's --path-output")
    parser.add_argument("--results", type=Path, help="with --build: the CSV to append to")
    args = parser.parse_args()
    if args.build:
        sys.exit(0 if time_build(args.config, args.path_output, args.results)["ok"].all() else 1)
    main(args.chapters)
