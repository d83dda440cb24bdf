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


def assertion_counts(chapter: str) -> tuple[int, int]:
    """(assert statements, those that use a name imported from tests/published.py, or a module-level
    alias of one) in the test module. Published values typed into a test instead are not counted."""
    tree = ast.parse(chapter_tests(chapter).read_text())
    imported = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module == "published" for alias in node.names}
    for node in tree.body:  # module-level aliases, such as TRUTH = POOLING_TRUTH
        if isinstance(node, ast.Assign) and {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)} & imported:
            imported |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    asserts = [n for n in ast.walk(tree) if isinstance(n, ast.Assert)]
    independent = [a for a in asserts if {n.id for n in ast.walk(a) if isinstance(n, ast.Name)} & imported]
    return len(asserts), len(independent)


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
