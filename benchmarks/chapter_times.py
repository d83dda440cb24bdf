"""Time every chapter of the book, executed top to bottom, or the whole book build; write a table.

Usage (from the project root)::

    python benchmarks/chapter_times.py            # all chapters in _toc.yml
    python benchmarks/chapter_times.py radon      # chapters whose name contains "radon"
    python benchmarks/chapter_times.py --build    # the whole build, as the README runs it: tools/build_book.py

Chapters: appends to ``benchmarks/results/chapter_times.csv`` (one row per chapter and run, with
the machine) and prints it; ``benchmarks/results/cell_times.csv`` keeps each code cell's time from
the latest run of its chapter, slowest first, to show where a chapter's time goes. The build: appends one row to ``benchmarks/results/build_times.csv``
(seconds, whether the build passed, pages, machine); ``tools/build_book.py`` executes every chapter
afresh and renders every page, as CI does. ``--jobs``, ``--config`` and ``--path-output`` are passed
on to it (a configuration with ``execute_notebooks: off`` makes a cheap trial run), and
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
from chapters import execute_chapter, toc_files, toc_notebooks  # noqa: E402


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def cell_seconds(nb, chapter: str) -> list[dict]:
    """Each code cell's run time, from the timestamps nbclient records in the executed notebook."""
    rows = []
    for index, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type != "code" or "iopub.execute_input" not in timing:
            continue
        start = dt.datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = dt.datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
        first = next((line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")), "")
        rows.append({"chapter": chapter, "cell": index, "seconds": round((end - start).total_seconds(), 1),
                     "code": first[:70]})
    return rows


def main(filters: list[str]) -> pd.DataFrame:
    rows, cells = [], []
    for path in toc_notebooks():
        if filters and not any(f in path.stem for f in filters):
            continue
        start = time.perf_counter()
        result = execute_chapter(path)
        seconds = time.perf_counter() - start
        rows.append({
            "chapter": path.stem, "seconds": round(seconds, 1), "ok": result.error is None,
            "date": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
        })
        print(f"{path.stem}: {seconds:.1f} s {'ok' if result.error is None else 'FAILED'}", flush=True)
        if result.error is not None:
            print(f"  {result.error.summary}", flush=True)
        cells += cell_seconds(result.nb, path.stem)
    table = pd.DataFrame(rows)
    out = ROOT / "benchmarks" / "results" / "chapter_times.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, mode="a", header=not out.exists(), index=False)
    print(f"appended to {out.relative_to(ROOT)}")
    # Where a chapter's time goes: each cell's time from this run, replacing the chapter's earlier rows.
    cell_file = out.with_name("cell_times.csv")
    new = pd.DataFrame(cells, columns=["chapter", "cell", "seconds", "code"])
    if cell_file.exists():
        old = pd.read_csv(cell_file)
        new = pd.concat([old[~old["chapter"].isin(new["chapter"])], new])
    new = new.sort_values("seconds", ascending=False)
    new.to_csv(cell_file, index=False)
    print(f"slowest cells (every cell in {cell_file.relative_to(ROOT)}):")
    print(new[new["chapter"].isin(table["chapter"])].head(15).to_string(index=False))
    return table


def time_build(config: Path | None = None, path_output: Path | None = None, results: Path | None = None,
               jobs: int | None = None) -> pd.DataFrame:
    """Time the README's build, ``python tools/build_book.py``, and append a row to the build table."""
    command = [sys.executable, str(ROOT / "tools" / "build_book.py")]
    label = "book build"
    if jobs is not None:
        command += ["--jobs", str(jobs)]
        label += f" (--jobs {jobs})"
    if config is not None:
        command += ["--config", str(config)]
        label += f" ({Path(config).name})"
    if path_output is not None:
        command += ["--path-output", str(path_output)]
    print(" ".join(command), flush=True)
    pages = len(toc_files())  # before the build: the table of contents may change while it runs
    start = time.perf_counter()
    finished = subprocess.run(command, cwd=ROOT)
    seconds = time.perf_counter() - start
    ok = finished.returncode == 0
    table = pd.DataFrame([{
        "what": label, "seconds": round(seconds, 1), "ok": ok, "pages": pages,
        "date": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
    }])
    out = results or ROOT / "benchmarks" / "results" / "build_times.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, mode="a", header=not out.exists(), index=False)
    print(f"{label}: {seconds:.1f} s {'ok' if ok else 'FAILED'}; appended to {out}")
    return table


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="time only chapters whose name contains one of these")
    parser.add_argument("--build", action="store_true", help="time the whole book build instead")
    parser.add_argument("--config", type=Path, help="with --build: jupyter-book's --config")
    parser.add_argument("--path-output", type=Path, help="with --build: jupyter-book's --path-output")
    parser.add_argument("--results", type=Path, help="with --build: the CSV to append to")
    parser.add_argument("--jobs", type=int, help="with --build: tools/build_book.py's --jobs (default: its own)")
    args = parser.parse_args()
    if args.build:
        sys.exit(0 if time_build(args.config, args.path_output, args.results, args.jobs)["ok"].all() else 1)
    sys.exit(0 if main(args.chapters)["ok"].all() else 1)
