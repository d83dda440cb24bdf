"""Every number a chapter's prose quotes is read by a test, or listed as a setting, timing or label."""

import json

import pytest

from claims import KINDS, not_asserted, quoted_elsewhere, quoted_names, read_names, chapter_tests
from chapters import toc_files

CHAPTERS = [f.split("/")[-1] for f in toc_files() if f.startswith("chapters/")]
BACKLOG = json.loads((chapter_tests("radon").parent / "claims_backlog.json").read_text())


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_quoted_number_is_asserted_or_listed(chapter):
    assert chapter_tests(chapter).exists(), f"chapter {chapter} has no tests/test_{chapter}_chapter.py"
    quoted = quoted_names(chapter) | quoted_elsewhere(chapter)
    listed = not_asserted(chapter)
    backlog = set(BACKLOG["unread"].get(chapter, []))
    unread = quoted - read_names(chapter, quoted) - set(listed)
    done = backlog - unread
    assert not done, (f"{chapter}: {sorted(done)} are read by a test (or no longer quoted) now: "
                      "remove them from tests/claims_backlog.json")
    unread -= backlog
    assert not unread, (
        f"{chapter}: the prose quotes {sorted(unread)}, which no test in {chapter_tests(chapter).name} reads; "
        "assert what the sentence claims about each, or list it in NOT_ASSERTED as a setting, timing or label")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_listing_is_current(chapter):
    listed = not_asserted(chapter)
    quoted = quoted_names(chapter) | quoted_elsewhere(chapter)
    for name, reason in listed.items():
        kind, _, why = reason.partition(":")
        assert kind in KINDS and why.strip(), f"{chapter}: NOT_ASSERTED[{name!r}] must read '<{'|'.join(KINDS)}>: <why>'"
        assert name in quoted, f"{chapter}: NOT_ASSERTED lists {name!r}, which the prose no longer quotes"
    tested = read_names(chapter, set(listed))
    assert not tested, f"{chapter}: NOT_ASSERTED lists {sorted(tested)}, which a test reads: remove them from it"


def test_the_reader_of_test_modules():
    # a sanity check on the static reading: f-strings match with their formatted parts as wildcards
    import ast
    from claims import _patterns

    patterns = _patterns(ast.parse('"""doc_name"""\nx = numbers[f"rmse_{p}_partial"]\ny = "sigma"'))
    names = {"rmse_alpha_partial", "sigma", "doc_name", "rmse_alpha_none"}
    assert {n for n in names if any(p.fullmatch(n) for p in patterns)} == {"rmse_alpha_partial", "sigma"}


def test_readme_quotes_the_measured_power():
    import re

    import pandas as pd

    from chapters import ROOT

    power = pd.read_csv(ROOT / "benchmarks" / "results" / "test_power.csv")
    readme = " ".join((ROOT / "README.md").read_text().split())
    read, unguarded = re.search(r"of the (\d+) numbers the tests read, (\d+) can move", readme).groups()
    assert (int(read), int(unguarded)) == (power["read"].sum(), power["read_unguarded"].sum())
    unread, quoted = re.search(r"(\d+) of the (\d+) numbers the prose quotes", readme).groups()
    assert int(quoted) == power["numbers_quoted"].sum()
    assert int(unread) == power["numbers_quoted"].sum() - power["quoted_read"].sum()
    # "its backlog, tests/claims_backlog.json, is empty" while it is; else the README must give its size
    backlog = sum(map(len, BACKLOG["unread"].values()))
    if backlog:
        assert int(re.search(r"lists these (\d+)", readme).group(1)) == backlog
    else:
        assert "`tests/claims_backlog.json`, is empty" in readme
    independent, asserts = re.search(r"(\d+) of the (\d+) assertions compare", readme).groups()
    assert (int(independent), int(asserts)) == (power["independent"].sum(), power["assertions"].sum())
