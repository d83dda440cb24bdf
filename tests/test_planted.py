"""The planted bugs (each chapter test module's PLANTED) still apply to the chapters, and the last
run of the planted-bug suite (tools/planted_bugs.py) caught every one of them.

Running the suite executes each chapter once per bug (about 20 minutes on 2 cores), so it is not part
of `python -m pytest`; its record, benchmarks/results/planted_bugs.csv, is checked here.
"""

import hashlib
import json

import pandas as pd
import pytest

from chapters import ROOT
from claims import plant, planted
from test_claims import BACKLOG, CHAPTERS

RECORD = ROOT / "benchmarks" / "results" / "planted_bugs.csv"
BUGS = [(chapter, bug) for chapter in CHAPTERS for bug in planted(chapter)]


def bug_hash(chapter: str, bug: dict) -> str:
    return hashlib.sha256(json.dumps([chapter, bug["replace"]]).encode()).hexdigest()[:12]


def test_every_chapter_with_conclusions_plants_bugs():
    # The migration page draws no conclusions of its own; the backlog (tests/claims_backlog.json) lists
    # the chapters that plant none yet, and may only shrink.
    for chapter in CHAPTERS:
        if chapter == "migration":
            continue
        waiting = chapter in BACKLOG["no_planted_bugs"]
        assert (len(planted(chapter)) >= 2) != waiting, (
            f"{chapter}: plant at least two bugs (PLANTED)" if not waiting else
            f"{chapter} plants bugs now: remove it from no_planted_bugs in tests/claims_backlog.json")


@pytest.mark.parametrize("chapter, bug", BUGS, ids=[f"{c}-{b['name']}" for c, b in BUGS])
def test_bug_applies_to_the_chapter(chapter, bug):
    assert bug["why"].strip()
    plant(chapter, bug)  # raises unless each old code occurs exactly once


def test_the_last_run_caught_every_planted_bug():
    record = pd.read_csv(RECORD, dtype=str)
    for chapter, bug in BUGS:
        rows = record[(record["chapter"] == chapter) & (record["bug"] == bug["name"])]
        assert len(rows), f"{chapter}/{bug['name']} has not been run: python tools/planted_bugs.py {chapter}"
        row = rows.iloc[-1]
        assert row["bug_hash"] == bug_hash(chapter, bug), f"{chapter}/{bug['name']} changed since its last run"
        assert row["caught"] == "True", f"{chapter}/{bug['name']}: no chapter test failed ({row['outcome']})"
