"""The book's structure and the habits CI can see."""

import json
import re
import sys
from pathlib import Path

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
    exercises = re.findall(r"\{exercise\}([^\n]*)\n:label: (\S+)", text)
    assert exercises, "a chapter has exercises"
    untitled = [label for title, label in exercises if not title.strip()]
    assert not untitled, f"exercises without a title (shown in their box): {untitled}"
    exercises = [label for _, label in exercises]
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


def _pins(path) -> dict:
    """Package name (normalised) -> pinned version, from a requirements file."""
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line.strip())
        if match:
            pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return pins


def test_requirements_are_pinned():
    lines = [ln.split("#")[0].strip() for ln in (ROOT / "requirements.in").read_text().splitlines()]
    reqs = [ln for ln in lines if ln and not ln.startswith(("-e", "."))]
    loose = [r for r in reqs if "==" not in r]
    assert not loose, f"pin exact versions in requirements.in: {loose}"
    names = set(_pins(ROOT / "requirements.in"))
    for needed in ("jupyter-book", "myst-nb", "sphinx-book-theme", "pydata-sphinx-theme", "sphinx-exercise",
                   "sphinxcontrib-bibtex", "pymc", "pytensor", "arviz", "nutpie", "pandas", "seaborn",
                   "scikit-learn", "pytest", "nbmake"):
        assert needed in names, f"{needed} missing from requirements.in"


def test_lock_pins_every_direct_dependency_at_its_version():
    direct, lock = _pins(ROOT / "requirements.in"), _pins(ROOT / "requirements.txt")
    differ = {name: (version, lock.get(name)) for name, version in direct.items() if lock.get(name) != version}
    assert not differ, (f"requirements.txt is stale against requirements.in (in, lock): {differ}; regenerate it "
                        "with the command at the top of requirements.in")
    text = (ROOT / "requirements.txt").read_text()
    assert "uv pip compile requirements.in --python-version 3.12" in text, "requirements.txt is made by uv pip compile"
    assert "-e ." in [ln.split("#")[0].strip() for ln in text.splitlines()], "the lock installs hlm_helpers"
    unpinned = [ln for ln in text.splitlines() if ln and not ln.startswith(("#", "-e", " ")) and "==" not in ln]
    assert not unpinned, f"every line of the lock pins one version: {unpinned}"


def test_installed_packages_equal_the_lock():
    """What this environment has installed is exactly the lock: nothing floats, nothing extra."""
    import sysconfig
    from importlib.metadata import distributions

    lock = _pins(ROOT / "requirements.txt")
    # Only what is installed in the environment's site-packages: setuptools puts its own vendored
    # copies (packaging, zipp, ...) on sys.path once imported, and those are not installed packages.
    site = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    installed = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower(): d.version for d in distributions(path=site)}
    # the installers themselves, and the course's own package (installed from the lock's "-e .")
    tools = {"pip", "uv", "hlm-helpers"}
    wrong = {name: (version, installed.get(name)) for name, version in lock.items() if installed.get(name) != version}
    assert not wrong, f"installed versions differ from requirements.txt (lock, installed): {wrong}"
    extra = sorted(set(installed) - set(lock) - tools)
    assert not extra, f"installed but not in requirements.txt: {extra}"


def test_python_is_3_12_or_newer():
    assert sys.version_info >= (3, 12), "the course runs on Python 3.12 or newer (PyMC 6, ArviZ 1)"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.12", "Binder's runtime.txt names Python 3.12"
    assert 'requires-python = ">=3.12"' in (ROOT / "pyproject.toml").read_text()

# Names of PyMC 3/5 and ArviZ 0.x that PyMC 6 and ArviZ 1 no longer have (or that mean something else).
OLD_API = {
    r"\bInferenceData\b": "pm.sample returns an xarray.DataTree",
    r"\bhdi_prob\b": "ArviZ 1 takes ci_prob= (and ci_kind=)",
    r"\baz\.plot_posterior\b": "ArviZ 1: az.plot_dist",
    r"\baz\.plot_ppc\(": "ArviZ 1: az.plot_ppc_dist",
    r"\baz\.psens\(": "ArviZ 1: az.psense",
    r"arviz-whitegrid": "ArviZ 1 has no such style (the course uses arviz-variat)",
    r"\bpm\.traceplot\b": "PyMC 3; ArviZ 1: az.plot_trace_dist",
    r"\bfrom_pymc3?\b": "PyMC returns a DataTree itself",
    r"\bpymc3\b": "import pymc",
    r"(?<![\w.])sd=": "PyMC 4 removed sd= (sigma=); PyMC 6 silently ignores it",
    r"\breturn_inferencedata\b": "PyMC always returns a DataTree",
    r"\bpm\.compute_log_prior\b": "PyMC 6: pm.stats.compute_log_prior (the root name is deprecated)",
}


# The migration page runs a few lines of old code on purpose (to show what PyMC 6 does with them), in
# cells tagged "old-api"; only that page may have such cells.
OLD_API_PAGE = "migration.ipynb"


def _code_sources():
    """Every piece of code the course runs: chapter code cells (but the migration page's deliberate
    old-API cells), helpers, tests, tools, benchmarks."""
    for path in CHAPTERS:
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] == "code":
                if path.name == OLD_API_PAGE and "old-api" in cell.get("metadata", {}).get("tags", []):
                    continue
                yield f"{path.name} cell {i}", "".join(cell["source"])
    for folder in ("hlm_helpers", "tests", "tools", "benchmarks", "data"):
        for path in (ROOT / folder).rglob("*.py"):
            if path != Path(__file__).resolve():
                yield str(path.relative_to(ROOT)), path.read_text()


def test_no_pymc5_or_arviz0_names_in_the_code():
    found = [f"{where}: {pattern!r} ({why})" for where, source in _code_sources()
             for pattern, why in OLD_API.items() if re.search(pattern, source)]
    assert not found, "old API names:\n" + "\n".join(found)


def test_only_the_migration_page_runs_old_api_code():
    tagged = [f"{path.name} cell {i}" for path in CHAPTERS if path.name != OLD_API_PAGE
              for i, cell in enumerate(json.loads(path.read_text())["cells"])
              if "old-api" in cell.get("metadata", {}).get("tags", [])]
    assert not tagged, f"cells tagged old-api outside {OLD_API_PAGE}: {tagged}"


def test_the_old_api_search_finds_old_names():
    old_code = 'trace = pm.sample(return_inferencedata=True)\naz.plot_posterior(trace, hdi_prob=0.9)\npm.Normal("a", sd=1)'
    hits = [p for p in OLD_API if re.search(p, old_code)]
    assert len(hits) == 4, hits


def test_a_dollar_before_a_glued_number_is_escaped():
    # With dollarmath on, "$" + {glue:text} pairs with the next "$" and the page shows raw TeX.
    for path in CHAPTERS:
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] == "markdown":
                bad = re.findall(r"(?<!\\)\$\{glue[^`]*`[^`]+`", "".join(cell["source"]))
                assert not bad, f"{path.name} cell {i}: write \\$ before {bad[0]!r}"


# --- the code as the page shows it ------------------------------------------------------------

CODE_WIDTH = 76  # pyproject.toml's [tool.ruff] line-length: the page's code box at 1280 px shows 77


def shown_code_cells(path):
    """The code cells the page shows (not tagged remove-cell), with their index."""
    cells = json.loads(path.read_text())["cells"]
    return [(i, "".join(c["source"])) for i, c in enumerate(cells)
            if c["cell_type"] == "code" and "remove-cell" not in c.get("metadata", {}).get("tags", [])]


def test_the_line_length_is_the_formatter_s():
    config = (ROOT / "pyproject.toml").read_text()
    assert re.search(rf"^line-length = {CODE_WIDTH}$", config, re.M)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_shown_code_line_fits_the_page_s_code_box(path):
    long = [(i, line) for i, source in shown_code_cells(path) for line in source.splitlines()
            if len(line) > CODE_WIDTH]
    assert not long, (f"{path.name}: {len(long)} lines longer than {CODE_WIDTH} characters, e.g. cell "
                      f"{long[0][0]}: {long[0][1]!r}; run `ruff format chapters` and shorten what it cannot")


def test_the_chapters_are_formatted():
    import shutil
    import subprocess

    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    result = subprocess.run([ruff, "format", "--check", "chapters"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"run `ruff format chapters`:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_glue_calls_are_in_cells_the_page_hides(path):
    # The page shows the modelling; the bookkeeping that hands numbers to the prose sits in a
    # remove-cell cell right after the computation.
    shown = [(i, line.strip()) for i, source in shown_code_cells(path) for line in source.splitlines()
             if re.search(r"\bhlm\.glue\(", line)]
    assert not shown, f"{path.name}: cell {shown[0][0]} shows {shown[0][1]!r}; move it to a remove-cell cell"
