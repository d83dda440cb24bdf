"""Which of a chapter's tested claims depend on its seed: execute each chapter with two other values of
its RANDOM_SEED and run the chapter's tests against each execution.

    python benchmarks/seeds.py                    # every chapter, seeds 1 and 2
    python benchmarks/seeds.py radon --seeds 7 8

Appends one row per chapter and seed to benchmarks/results/seed_claims.csv: the tests that fail under
that seed (a claim that holds for the chapter's own seed only). Not part of CI: it executes every
chapter twice (about 15 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import multiprocessing
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
from planted_bugs import run_variant  # noqa: E402
from test_claims import CHAPTERS  # noqa: E402

RECORD = ROOT / "benchmarks" / "results" / "seed_claims.csv"
SEED_LINE = re.compile(r"^RANDOM_SEED = (\d+)", re.M)


def with_seed(chapter: str, seed: int):
    nb = nbformat.read(ROOT / "chapters" / f"{chapter}.ipynb", as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and SEED_LINE.search(c.source)]
    assert len(cells) == 1, f"{chapter}: expected one 'RANDOM_SEED = ...' line"
    original = int(SEED_LINE.search(cells[0].source).group(1))
    cells[0].source = SEED_LINE.sub(f"RANDOM_SEED = {seed}", cells[0].source, count=1)
    return nb, original


def run(chapter: str, seed: int, out: Path) -> dict:
    nb, original = with_seed(chapter, seed)
    row = run_variant(chapter, f"seed{seed}", nb, out)
    return {"chapter": chapter, "seed": seed, "chapter_seed": original, "failed_tests": " ".join(row["failed"]),
            "outcome": row["outcome"], "seconds": row["seconds"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("chapters", nargs="*", default=CHAPTERS)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    out = Path(tempfile.mkdtemp(prefix="seeds_"))
    with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(run, c, s, out) for c in args.chapters for s in args.seeds]
        rows = [f.result() for f in futures]
    new = not RECORD.exists()
    fields = ["date", "commit", "chapter", "chapter_seed", "seed", "failed_tests", "outcome", "seconds"]
    with RECORD.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        if new:
            writer.writeheader()
        for row in rows:
            writer.writerow({"date": datetime.date.today().isoformat(), "commit": commit, **row})
            print(f"{row['chapter']:>10} seed {row['seed']:<4} {row['outcome'][:150]}")


if __name__ == "__main__":
    main()
