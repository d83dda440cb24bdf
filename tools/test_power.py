"""How much the chapter tests would notice: for each chapter, the glued numbers its prose quotes, how
many of them its tests read, how many are guarded against a 20% move (tests/power_plugin.py), and the
share of its assertions that compare with an independent reference (tests/published.py).

    python tools/test_power.py            # after a build (the tests read the build's executions)

Writes benchmarks/results/test_power.csv (one row per chapter) and test_power_numbers.csv (one row
per glued number a test reads: guarded down, up).
"""

from __future__ import annotations

import ast
import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from chapters import chapter_numbers  # noqa: E402
from claims import quoted_elsewhere, quoted_names, chapter_tests  # noqa: E402
from test_claims import CHAPTERS  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def _names(node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _targets(node) -> set[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def assertion_counts(chapter: str) -> tuple[int, int]:
    """(assert statements, those that compare with an independent reference) in the test module.

    A reference is independent when it comes from tests/published.py (published values, the data's
    sizes, the simulation's truth, reference fits computed from the raw data) or from scipy.stats (an
    analytic value): an assertion counts when it uses such a name, or a variable computed from one
    (followed through assignments at module level, in the module's fixtures, and inside each test).
    Published values typed into a test instead are not counted."""
    tree = ast.parse(chapter_tests(chapter).read_text())
    seeds = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
             and node.module in ("published", "scipy") for alias in node.names
             if node.module == "published" or alias.name == "stats"}
    tainted = set(seeds)

    def follow(body):
        for node in body:
            for sub in ast.walk(node):
                if isinstance(sub, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and sub.value is not None \
                        and _names(sub.value) & tainted:
                    tainted.update(_targets(sub))

    follow(tree.body)  # module level, fixtures and helpers: their names, once tainted, taint their users
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    for fn in functions:  # a fixture or helper that returns a reference
        if any(isinstance(r, ast.Return) and r.value is not None and _names(r.value) & tainted
               for r in ast.walk(fn)):
            tainted.add(fn.name)
    independent = 0
    asserts = 0
    for fn in functions:
        local = set(tainted) | ({a.arg for a in fn.args.args} & tainted)
        for node in ast.walk(fn):
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None \
                    and _names(node.value) & local:
                local |= _targets(node)
        for node in ast.walk(fn):
            if isinstance(node, ast.Assert):
                asserts += 1
                independent += bool(_names(node) & local)
    asserts += sum(isinstance(n, ast.Assert) for n in tree.body)
    return asserts, independent


def main():
    out = Path(tempfile.mkdtemp()) / "power.jsonl"
    env = {**os.environ, "HLM_POWER_OUT": str(out), "PYTHONPATH": str(ROOT / "tests")}
    modules = [str(chapter_tests(c)) for c in CHAPTERS]
    subprocess.run([sys.executable, "-m", "pytest", *modules, "-q", "-n", "0", "-p", "power_plugin",
                    "-p", "no:cacheprovider"], cwd=ROOT, env=env, check=False)
    records = pd.DataFrame([json.loads(line) for line in out.read_text().splitlines()])
    records["chapter"] = records["module"].str.replace("test_", "").str.replace("_chapter", "")
    per_number = records.groupby(["chapter", "name"]).agg(
        down=("down", lambda s: bool(s.fillna(False).any())), up=("up", lambda s: bool(s.fillna(False).any())),
        flip=("flip", lambda s: bool(s.fillna(False).any())) if "flip" in records else ("down", lambda s: False),
        tests=("test", lambda s: " ".join(sorted(set(s)))))
    per_number["guarded"] = per_number["down"] | per_number["up"] | per_number["flip"]
    rows = []
    for chapter in CHAPTERS:
        glued = chapter_numbers(ROOT / "chapters" / f"{chapter}.ipynb")
        numeric = {k for k, v in glued.items() if isinstance(v, (int, float))}
        quoted = (quoted_names(chapter) | quoted_elsewhere(chapter)) & numeric
        mine = per_number.loc[chapter] if chapter in per_number.index.get_level_values(0) else per_number.iloc[:0]
        read = set(mine.index) & numeric
        asserts, independent = assertion_counts(chapter)
        rows.append({
            "date": datetime.date.today().isoformat(), "chapter": chapter,
            "numbers_glued": len(numeric), "numbers_quoted": len(quoted),
            "quoted_read": len(quoted & read), "read": len(read),
            "read_unguarded": int((~mine.loc[sorted(read), "guarded"]).sum()) if read else 0,
            "read_guarded_both_ways": int((mine.loc[sorted(read), "down"] & mine.loc[sorted(read), "up"]).sum()) if read else 0,
            "assertions": asserts, "independent": independent,
        })
    table = pd.DataFrame(rows)
    table.to_csv(RESULTS / "test_power.csv", index=False)
    per_number.reset_index().to_csv(RESULTS / "test_power_numbers.csv", index=False)
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
