"""The book's structure and the habits CI can see."""

import json
import re

import pytest

from chapters import ROOT, toc_files

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def test_every_chapter_is_in_the_toc_and_every_toc_entry_exists():
    listed = set(toc_files())
    missing = [p.name for p in CHAPTERS if f"chapters/{p.stem}" not in listed]
    assert not missing, f"chapters missing from _toc.yml: {missing}"
    absent = [f for f in listed if not any((ROOT / f).with_suffix(s).exists() for s in (".ipynb", ".md"))]
    assert not absent, f"_toc.yml lists files that do not exist: {absent}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or execution counts; clear them"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_follows_the_house_style(path):
    nb = json.loads(path.read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert re.search(r"^RANDOM_SEED = \d+", code, re.M), "one RANDOM_SEED per notebook"
    assert "rng = np.random.default_rng(RANDOM_SEED)" in code
    assert "%watermark" in code, "a watermark cell at the end"
    for call in re.findall(r"pm\.sample\(([^)]*)\)", code):
        assert "random_seed" in call, f"pm.sample without random_seed: pm.sample({call})"
    for heading in ("## Overview", "## Learning objectives", "## Exercises", "## Summary", "## References"):
        assert heading in text, f"missing section {heading!r}"
    exercises = re.findall(r"\{exercise\}\s*\n:label: (\S+)", text)
    assert exercises, "a chapter has exercises"
    for label in exercises:
        solution = re.search(r"\{solution(?:-start)?\} " + re.escape(label) + r"\s*\n:class: dropdown", text)
        assert solution, f"exercise {label!r} has no folded solution (:class: dropdown)"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_citations_carry_the_chapter_prefix_and_exist(path):
    # Every chapter lists its own references. sphinxcontrib-bibtex warns (and -W fails the build)
    # when two bibliographies hold the same key, so each chapter cites with a key prefix of its own.
    nb = json.loads(path.read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    prefix = f"{path.stem}-"
    assert f":keyprefix: {prefix}" in text, f"{path.name}: its bibliography needs ':keyprefix: {prefix}'"
    bib_keys = set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "references.bib").read_text(), re.M))
    cited = [k.strip() for keys in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text) for k in keys.split(",")]
    assert cited, f"{path.name} cites nothing"
    for key in cited:
        assert key.startswith(prefix), f"{path.name}: cite {key!r} as {prefix + key!r}"
        assert key[len(prefix):] in bib_keys, f"{path.name}: {key[len(prefix):]!r} is not in references.bib"


def test_requirements_are_pinned():
    lines = [ln.strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()]
    reqs = [ln for ln in lines if ln and not ln.startswith(("#", "-e", "."))]
    loose = [r for r in reqs if "==" not in r]
    assert not loose, f"pin exact versions in requirements.txt: {loose}"
    names = {re.split(r"[=\[<>]", r)[0].lower() for r in reqs}
    for needed in ("jupyter-book", "myst-nb", "sphinx-book-theme", "sphinx-exercise", "sphinxcontrib-bibtex",
                   "pymc", "arviz", "nutpie", "pandas", "seaborn", "scikit-learn", "pytest", "nbmake"):
        assert needed in names, f"{needed} missing from requirements.txt"
