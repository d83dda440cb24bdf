"""Every fit of every chapter: wall time against sampling time, and how often each model is compiled.

Usage (from the project root)::

    python benchmarks/fit_times.py            # every chapter in _toc.yml
    python benchmarks/fit_times.py checking   # chapters whose name contains "checking"
    python benchmarks/fit_times.py --readme-table   # the README's table, from the results file

Executes each chapter with ``benchmarks/fit_probe.py`` installed in its kernel (a cell added in front,
in memory only), and writes one row per fit to ``benchmarks/results/fit_times.csv`` (replacing the
chapter's earlier rows): the cell, the call (``pm.sample`` with its sampler, or ``nutpie.sample`` of a
model compiled before), the model's structure, whether it compiled a model, the seconds of wall time,
of compilation (nutpie's; PyMC's own sampler does not report it) and of sampling (as the sampler reports
it), and their ratio. It prints, per chapter, the fits, the compilations, and the structures compiled
more than once, the ones that could have shared one compiled model. Times vary with the machine and
what else it is doing; compare runs made on the same machine.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from chapters import CHAPTER_TIMEOUT, toc_notebooks  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "fit_times.csv"
PROBE = f"import sys\nsys.path.insert(0, {str(ROOT / 'benchmarks')!r})\nimport fit_probe\nfit_probe.install()"
READ = "import json as _json\nprint(_json.dumps(fit_probe.records()))"


def probe_chapter(path: Path) -> pd.DataFrame:
    """Execute one chapter with the probe; one row per fit."""
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    notebook.cells = [nbformat.v4.new_code_cell(PROBE)] + cells + [nbformat.v4.new_code_cell(READ)]
    start = time.perf_counter()
    NotebookClient(notebook, timeout=CHAPTER_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    import json

    out = notebook.cells[-1].outputs[0]["text"]
    rows = pd.DataFrame(json.loads(out))
    if rows.empty:
        return rows
    index = {cell.source: i for i, cell in enumerate(cells)}
    rows.insert(0, "cell", rows.pop("cell_source").map(index))
    rows.insert(0, "chapter", path.stem)
    rows["wall_to_sampling"] = rows["wall_s"] / rows["sampling_s"].where(rows["sampling_s"] > 0)
    rows["chapter_s"] = round(seconds, 1)
    rows["date"] = dt.datetime.now().isoformat(timespec="seconds")
    return rows


def summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Per chapter: fits, compilations, the seconds in fits and in sampling, structures compiled twice or more."""
    compiled = rows[rows["compiles"]]
    repeated = compiled.groupby(["chapter", "structure"]).size()
    repeated = repeated[repeated > 1]
    return pd.DataFrame({
        "chapter s": rows.groupby("chapter")["chapter_s"].first(),
        "fits": rows[rows["sampling_s"].fillna(1) > 0].groupby("chapter").size(),
        "compilations": compiled.groupby("chapter").size(),
        "structures": compiled.groupby("chapter")["structure"].nunique(),
        "compiled twice or more": repeated.groupby("chapter").size(),
        "extra compilations": (repeated - 1).groupby("chapter").sum(),
        "fit wall s": rows.groupby("chapter")["wall_s"].sum().round(1),
        "sampling s": rows.groupby("chapter")["sampling_s"].sum().round(1),
    }).fillna(0)


def save(rows: pd.DataFrame) -> pd.DataFrame:
    """Replace the chapter's earlier rows in the results file by these; return the whole table."""
    table = rows
    if RESULTS.exists():
        old = pd.read_csv(RESULTS)
        table = pd.concat([old[~old["chapter"].isin(rows["chapter"])], rows], ignore_index=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    table.round(3).to_csv(RESULTS, index=False)
    return table


def readme_table(rows: pd.DataFrame | None = None) -> str:
    """The README's table of fits per chapter (in the order of _toc.yml), from fit_times.csv."""
    rows = pd.read_csv(RESULTS) if rows is None else rows
    table = summary(rows)
    lines = ["| chapter | fits | compilations | of these, a structure compiled before | seconds in fits "
             "| of them sampling | fits' wall time ÷ sampling time |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for path in toc_notebooks():
        if path.stem not in table.index:
            continue
        r = table.loc[path.stem]
        lines.append(f"| {path.stem} | {r['fits']:.0f} | {r['compilations']:.0f} | {r['extra compilations']:.0f} "
                     f"| {r['fit wall s']:.0f} | {r['sampling s']:.0f} | {r['fit wall s'] / r['sampling s']:.1f} |")
    return "\n".join(lines)


def main(filters: list[str]) -> int:
    failed, table = [], None
    for path in toc_notebooks():
        if filters and not any(f in path.stem for f in filters):
            continue
        try:
            rows = probe_chapter(path)
        except Exception as error:  # a failing chapter: say so, keep the others' rows
            print(f"{path.stem}: FAILED ({type(error).__name__})", flush=True)
            failed.append(path.stem)
            continue
        print(f"{path.stem}: {len(rows)} fits", flush=True)
        if not rows.empty:
            table = save(rows)  # after every chapter, so that a later failure loses nothing
    if table is not None:
        print(f"wrote {RESULTS.relative_to(ROOT)}")
        print(summary(table).to_string())
    return 1 if failed else 0


if __name__ == "__main__":
    if "--readme-table" in sys.argv:
        print(readme_table())
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
