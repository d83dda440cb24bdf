"""Plant each chapter's deliberate bugs (PLANTED in tests/test_<chapter>_chapter.py) one at a time,
execute the wrong chapter, and run the chapter's tests against it: every bug must make a test fail.

    python tools/planted_bugs.py                 # every chapter's bugs, two executions at a time
    python tools/planted_bugs.py radon seattle   # some chapters

Appends one row per bug to benchmarks/results/planted_bugs.csv (which tests/test_planted.py checks):
the bug, whether it was caught, and by which tests (or that the chapter stopped with an error).
About 1-2 minutes per bug on a 2-core machine, so it is run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from chapters import execute_chapter  # noqa: E402
from claims import plant, planted  # noqa: E402
from test_claims import CHAPTERS  # noqa: E402
from test_planted import RECORD, bug_hash  # noqa: E402

FIELDS = ["date", "commit", "chapter", "bug", "bug_hash", "caught", "outcome", "seconds"]


def run_variant(chapter: str, name: str, nb, out: Path) -> dict:
    """Execute a variant `nb` of the chapter and run the chapter's tests against it: whether any failed
    (caught), an outcome sentence, and the failing tests' names."""
    start = time.time()
    folder = out / f"{chapter}-{name}"
    folder.mkdir(parents=True)
    # executed beside the chapter, so that relative paths resolve as they do for the chapter
    variant = ROOT / "chapters" / f"_variant_{chapter}_{name}.ipynb"
    nbformat.write(nb, variant)
    try:
        result = execute_chapter(variant)
    finally:
        variant.unlink()
    if result.error is not None:
        (folder / f"{chapter}.error.txt").write_text(result.error.summary)
        (folder / f"{chapter}.trace.txt").write_text(str(getattr(result.error, "trace", "")))
    else:
        nbformat.write(result.nb, folder / f"{chapter}.ipynb")
    report = folder / "junit.xml"
    env = {**os.environ, "HLM_CHAPTER_OUTPUTS": str(folder)}
    subprocess.run([sys.executable, "-m", "pytest", f"tests/test_{chapter}_chapter.py", "-q", "-n", "0",
                    "-p", "no:cacheprovider", f"--junitxml={report}"], cwd=ROOT, env=env,
                   capture_output=True, text=True)
    cases = ET.parse(report).getroot().iter("testcase")
    failed = [case.get("name") for case in cases if case.find("failure") is not None or case.find("error") is not None]
    if result.error is not None:
        lines = result.error.summary.strip().splitlines()
        # a failed convergence check lists what failed ("  - sigma_theta: R-hat 1.018 > 1.01"), and the
        # traceback names the cell ("Cell In[13]"): both, so that the record says which fit stopped
        problems = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip()[2:] for line in lines
                    if re.match(r"^\s+- ", re.sub(r"\x1b\[[0-9;]*m", "", line))]
        cells = re.findall(r"Cell In\[(\d+)\]", re.sub(r"\x1b\[[0-9;]*m", "", result.error.summary))
        outcome = "the chapter stopped: " + lines[-1][:200]
        if problems:
            where = f" at execution count {cells[-1]}" if cells else ""
            outcome += f" ({'; '.join(problems)}{where})"
    else:
        outcome = f"{len(failed)} tests failed: " + " ".join(failed) if failed else "no test failed"
    return {"chapter": chapter, "caught": bool(failed), "outcome": outcome, "failed": failed,
            "seconds": round(time.time() - start)}


def run_bug(chapter: str, bug: dict, out: Path) -> dict:
    row = run_variant(chapter, bug["name"], plant(chapter, bug), out)
    return {"chapter": chapter, "bug": bug["name"], "bug_hash": bug_hash(chapter, bug),
            **{k: row[k] for k in ("caught", "outcome", "seconds")}}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("chapters", nargs="*", default=CHAPTERS)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    bugs = [(c, b) for c in args.chapters for b in planted(c)]
    out = Path(tempfile.mkdtemp(prefix="planted_"))
    with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(run_bug, c, b, out) for c, b in bugs]
        rows = [f.result() for f in futures]
    new = not RECORD.exists()
    with RECORD.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        if new:
            writer.writeheader()
        for row in rows:
            writer.writerow({"date": datetime.date.today().isoformat(), "commit": commit, **row})
            print(f"{row['chapter']:>10} {row['bug']:<32} {'caught' if row['caught'] else 'MISSED':<7} "
                  f"{row['outcome'][:120]}")
    sys.exit(0 if all(r["caught"] for r in rows) else 1)


if __name__ == "__main__":
    main()
