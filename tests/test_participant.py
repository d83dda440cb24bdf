"""The participant notebooks (participant/, made by tools/participant_notebooks.py from the executed
chapters): what Binder, Colab and a local JupyterLab open. No raw MyST, every exercise a heading with
its solution only in the solutions notebook, the chapter's code, the numbers the chapter computed,
and in step with the chapters.

The chapter's structure is read here with the tests' own regular expressions, not the generator's
parser, and the numbers with tests/chapters.py's reading of the glued values and a formatting of
their own. Only the two tests of the written-in numbers need a chapter's execution (the build's, as
the chapter tests read it, or their own: they are grouped with the chapter's tests).
"""

import ast
import copy
import json
import re
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from chapters import ROOT, glued, run_chapter, toc_files

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
import hlm_site  # noqa: E402
import participant_notebooks as pn  # noqa: E402

PARTICIPANT = ROOT / "participant"
CHAPTER_NAMES = [f for f in toc_files() if f.startswith("chapters/")]
CHAPTERS = [ROOT / f"{f}.ipynb" for f in CHAPTER_NAMES]
# The book numbers the chapters of its numbered parts in order (tests/test_site.py checks the parts).
NUMBER = {path.stem: k for k, path in enumerate(CHAPTERS, start=1)}

# What Jupyter would show as raw MyST: roles, directives, targets.
RAW_MYST = re.compile(r"\{glue|\{term\}|\{doc\}|\{ref\}|\{numref\}|\{cite|\{eval\}|\{math\}|:::+\{|```+\{|~~~+\{"
                      r"|\{[a-z][\w:-]*\}`|^\([\w:.-]+\)=\s*$|\{solution|\{exercise", re.M)
EXERCISE = re.compile(r":::\{exercise\} ([^\n]*)\n:label: (\S+)")
SOLUTION_MARK = re.compile(r"```\{solution-start\} (\S+)[^`]*?```|```\{solution-end\}\s*```", re.S)
GLUE = re.compile(r"\{glue:text\}`([^`]+)`")

# Glued values that do not depend on the draws or the clock (data sizes, settings, benchmark files),
# and so are the same in every execution of a chapter's code: checked against whichever execution the
# tests read. Each must be quoted somewhere.
DETERMINISTIC = {
    "pooling": ["n_groups", "n_rows", "n_max", "radon_n_homes"],
    "priors": ["n_sales", "n_zips", "n_large_counties", "six_homes_min"],
    "nuts": ["radon_counties", "radon_parameters", "hmc_length", "loop_minutes", "vectorised_seconds"],
    "checking": ["n_homes", "n_counties", "n_sales", "n_folds"],
    "radon": ["n_no_first_floor", "n_counties", "largest_county", "median_homes", "max_homes", "n_zero_readings", "n_test"],
    "seattle": ["n_sales", "n_zips", "min_zip_sales", "max_zip_sales", "n_train"],
    "capstone": ["n_sales", "n_waterfront", "n_waterfront_zips", "top_zip", "empty_zip"],
    "migration": ["n_sales", "n_draws"],
    "sleepstudy": ["n_subjects", "n_obs", "n_days", "first_day", "last_day", "ls_slope_min", "ls_slope_max"],
}


def notebooks(path):
    """The participant notebook and the solutions notebook of a chapter."""
    return (nbformat.read(PARTICIPANT / f"{path.stem}.ipynb", as_version=4),
            nbformat.read(PARTICIPANT / f"{path.stem}-solutions.ipynb", as_version=4))


def markdown(notebook) -> str:
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def code(notebook, without=()) -> list[str]:
    return [c.source for c in notebook.cells if c.cell_type == "code"
            and not set(without) & set(c.metadata.get("tags", []))]


def regions(path):
    """The chapter's pieces in order, as (solution label or None, cell type, text): a markdown cell is
    cut at its solution-start and solution-end markers."""
    pieces, solution = [], None
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            pieces.append((solution, "code", cell.source))
            continue
        start = 0
        for mark in SOLUTION_MARK.finditer(cell.source):
            pieces.append((solution, "markdown", cell.source[start:mark.start()]))
            solution, start = mark.group(1), mark.end()
        pieces.append((solution, "markdown", cell.source[start:]))
    return pieces


# --- the files, and in step with the chapters --------------------------------------------------


def test_every_chapter_has_its_two_notebooks_and_nothing_else_is_there():
    expected = {f"{p.stem}{suffix}.ipynb" for p in CHAPTERS for suffix in ("", "-solutions")} | {"README.md"}
    found = {p.name for p in PARTICIPANT.iterdir()}
    assert found == expected, (f"participant/ should hold {sorted(expected - found)} and not {sorted(found - expected)}; "
                               f"run python {pn.GENERATOR}")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_participant_notebooks_are_in_step_with_the_chapter(path):
    problems = pn.check(f"chapters/{path.stem}")
    assert not problems, ("; ".join(problems) + f". Build the book (python tools/build_book.py) and run "
                          f"python {pn.GENERATOR} {path.stem}")


def test_the_in_step_check_notices_an_edit_a_changed_chapter_and_changed_helpers(tmp_path, monkeypatch):
    for name in ("radon.ipynb", "radon-solutions.ipynb"):
        shutil.copy(PARTICIPANT / name, tmp_path / name)
    assert pn.check("chapters/radon", tmp_path) == []

    # a number edited by hand in the text
    nb = json.loads((tmp_path / "radon.ipynb").read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown" and "919 homes in 85 counties" in "".join(c["source"]))
    cell["source"] = "".join(cell["source"]).replace("919 homes", "918 homes")
    (tmp_path / "radon.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    assert any("not what" in p for p in pn.check("chapters/radon", tmp_path))

    # a recorded value that is not the one written in
    shutil.copy(PARTICIPANT / "radon.ipynb", tmp_path / "radon.ipynb")
    nb = json.loads((tmp_path / "radon.ipynb").read_text())
    nb["metadata"][pn.METADATA_KEY]["glued"]["n_homes"] = "918"
    (tmp_path / "radon.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    assert any("not what" in p for p in pn.check("chapters/radon", tmp_path))

    # the chapter (or one it quotes) changed since, or the helpers and the lock
    shutil.copy(PARTICIPANT / "radon.ipynb", tmp_path / "radon.ipynb")
    nb = json.loads((tmp_path / "radon.ipynb").read_text())
    nb["metadata"][pn.METADATA_KEY]["sources"]["chapters/nuts.ipynb"] = "0" * 64
    (tmp_path / "radon.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    assert "chapters/nuts.ipynb changed since radon.ipynb was written" in pn.check("chapters/radon", tmp_path)
    shutil.copy(PARTICIPANT / "radon.ipynb", tmp_path / "radon.ipynb")
    monkeypatch.setattr(pn, "fingerprint", lambda: "another")
    assert any("hlm_helpers or requirements.txt changed" in p for p in pn.check("chapters/radon", tmp_path))


# --- what a participant sees -------------------------------------------------------------------


def test_the_raw_myst_search_finds_what_jupyter_shows_raw():
    text = "\n".join(markdown(nbformat.read(p, as_version=4)) for p in CHAPTERS)
    for token in ("{glue:text}`", "{term}`", "{doc}`", "{ref}`", "{cite:p}`", ":::{exercise}",
                  "```{solution-start}", "```{solution-end}", "```{bibliography}"):
        assert token in text and RAW_MYST.search(f"a {token}b` c"), token
    assert RAW_MYST.search("see {ref}`radon-prior-pull`") and RAW_MYST.search("(radon-prior-pull)=\n### A")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_notebooks_show_no_raw_myst_and_no_outputs(path):
    for notebook in notebooks(path):
        for i, cell in enumerate(notebook.cells):
            if cell.cell_type == "markdown":
                raw = RAW_MYST.search(cell.source)
                assert not raw, f"{path.stem}: cell {i} shows {cell.source[max(0, raw.start() - 30):raw.end() + 30]!r}"
            else:
                assert cell.outputs == [] and cell.execution_count is None, f"{path.stem}: cell {i} has outputs"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_exercise_is_a_heading_and_its_solution_is_only_in_the_solutions_notebook(path):
    participant, solutions = notebooks(path)
    exercises = EXERCISE.findall(markdown(nbformat.read(path, as_version=4)))
    assert exercises
    number = NUMBER[path.stem]
    expected = [(f"{number}.{k}", title.strip()) for k, (title, _) in enumerate(exercises, start=1)]
    for notebook, level in ((participant, "###"), (solutions, "##")):
        headings = re.findall(rf"^{level} Exercise (\d+\.\d+): (.+)$", markdown(notebook), re.M)
        assert [n for n, _ in headings] == [n for n, _ in expected], f"{path.stem}: exercise headings {headings}"
        for (n, title), (_, shown) in zip(expected, headings):
            if "{" not in title:
                assert shown == title, f"{path.stem}: Exercise {n} is titled {shown!r}, not {title!r}"
    # every exercise has an empty cell for the participant's answer under it
    answers = [c for c in participant.cells if pn.ANSWER_TAG in c.metadata.get("tags", [])]
    assert [c.source for c in answers] == [f"# Exercise {n}: your answer" for n, _ in expected]

    pieces = regions(path)
    solution_code = [text for label, kind, text in pieces if label and kind == "code"]
    participant_code, solutions_code = code(participant), code(solutions)
    for text in solution_code:
        assert text in solutions_code, f"{path.stem}: a solution's code is missing from the solutions notebook"
        assert text not in participant_code, f"{path.stem}: a solution's code is in the participant notebook"
    # the solutions' prose: its plain lines (no roles, which are written out) only in the solutions notebook
    plain = [line for label, kind, text in pieces if label and kind == "markdown" for line in text.split("\n")
             if len(line) >= 40 and "{" not in line]
    chapter_prose = [line for label, kind, text in pieces if not label and kind == "markdown"
                     for line in text.split("\n")]
    plain = [line for line in plain if line not in chapter_prose]  # a line the chapter's own text repeats
    assert plain, f"{path.stem}: no solution prose found"
    shown, hidden = markdown(solutions), markdown(participant)
    for line in plain:
        assert line in shown, f"{path.stem}: {line!r} is missing from the solutions notebook"
        assert line not in hidden, f"{path.stem}: the participant notebook shows the solution's {line!r}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_code_cells_are_the_chapter_s_without_the_solutions(path):
    participant, solutions = notebooks(path)
    pieces = regions(path)
    assert code(participant, without=[pn.ANSWER_TAG]) == [t for label, kind, t in pieces if kind == "code" and not label]
    assert code(solutions, without=[pn.SETUP_TAG]) == [t for label, kind, t in pieces if kind == "code" and label]
    first = next(c for c in participant.cells if c.cell_type == "code")
    assert '"google.colab" in sys.modules' in first.source, "the Colab set-up stays the first code cell"
    assert not first.metadata.get("jupyter", {}).get("source_hidden"), "and is shown, for Colab users to run"
    for cell in participant.cells[participant.cells.index(first) + 1:]:
        if cell.cell_type == "code" and pn.HIDDEN_TAG in cell.metadata.get("tags", []):
            assert cell.metadata.get("jupyter", {}).get("source_hidden"), "what the book hides is collapsed"
    # the solutions notebook first runs the chapter's participant notebook, whose variables they use
    setup = code(solutions)[: len(code(solutions)) - len(code(solutions, without=[pn.SETUP_TAG]))]
    # (all of it but the participant's answers)
    assert any(f'Path("{path.stem}.ipynb")' in s and "run_cell(cell.source" in s and f'"{pn.ANSWER_TAG}" not in' in s
               for s in setup)


def bound_and_loaded(source: str) -> tuple[set, set]:
    """Names a cell binds and names it reads (its IPython magics and shell lines left out)."""
    lines = [re.sub(r"^(\s*)[%!].*$", r"\1pass", line) for line in source.split("\n")]
    tree = ast.parse("\n".join(lines))
    bound, loaded = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return bound, loaded


def needs_a_solution(pieces) -> list[str]:
    """Names that a cell outside the solutions reads but only a solution binds (before it)."""
    chapter_bound, solution_bound, found = set(), set(), []
    for label, kind, text in pieces:
        if kind != "code":
            continue
        bound, loaded = bound_and_loaded(text)
        if label:
            solution_bound |= bound
        else:
            found += sorted((loaded & solution_bound) - chapter_bound - bound)
            chapter_bound |= bound
    return found


def test_the_name_search_finds_a_chapter_cell_that_needs_a_solution():
    pieces = [(None, "code", "import numpy as np\nx = np.ones(3)"), ("ex-1", "code", "y = x + 1"),
              (None, "code", "print(x, y)")]
    assert needs_a_solution(pieces) == ["y"]
    assert needs_a_solution(pieces[:2]) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_participant_notebook_runs_without_its_solutions(path):
    # "Run all" in the participant notebook runs the chapter without its solutions: no later cell may
    # read what only a solution defines.
    missing = needs_a_solution(regions(path))
    assert not missing, f"{path.stem}: cells outside the solutions read {missing}, which only a solution defines"


# --- the numbers -------------------------------------------------------------------------------


def formatted(value, fmt: str) -> str:
    """A glued value (as tests/chapters.py parses it) in a format spec, as the book shows it."""
    if not fmt or fmt == "s":
        return str(value)
    if fmt[-1] in "eEfFgGn%":
        value = float(value)
    elif fmt[-1] in "bcdoxX":
        value = int(value)
    return format(value, fmt)


def quotations(stem: str, names=None):
    """Every place the chapters quote one of chapter stem's glued values: (where, chapter quoting it,
    name, format spec, the text just before and after the role on its line)."""
    for path in CHAPTERS:
        for line in markdown(nbformat.read(path, as_version=4)).split("\n"):
            for match in GLUE.finditer(line):
                content = match.group(1)
                key, _, fmt = content.rpartition(":") if content.count(":") % 2 else (content, "", "")
                doc, _, name = key.rpartition("::")
                owner = Path(doc).stem if doc else path.stem
                if owner != stem or (names is not None and name not in names):
                    continue
                before = re.split(r"[`{}$*\[\]()]", line[:match.start()])[-1]
                after = re.split(r"[`{}$*\[\]()]", line[match.end():])[0]
                yield path.stem, name, fmt, before, after


def assert_written_in(path, values, names=None):
    texts = {p.stem: "\n\n".join(markdown(nb) for nb in notebooks(p)) for p in CHAPTERS}
    quoted = set()
    for quoting, name, fmt, before, after in quotations(path.stem, names):
        quoted.add(name)
        shown = before + formatted(values[name], fmt) + after
        assert shown in texts[quoting], (f"{quoting} should read {shown!r} ({path.stem}'s {name}:{fmt} = "
                                         f"{values[name]!r}) where the chapter quotes it")
    return quoted


def execution(path, request):
    if "load_king_county" in path.read_text():
        request.getfixturevalue("king_county_dir")
    result = run_chapter(path)
    assert result.error is None, f"{path.name} failed: {result.error.summary}"
    return result.nb


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_written_in_numbers_that_do_not_depend_on_the_draws_are_the_chapter_s(path, request):
    values = glued(execution(path, request))
    quoted = assert_written_in(path, values, set(DETERMINISTIC[path.stem]))
    assert quoted == set(DETERMINISTIC[path.stem]), f"no chapter quotes {set(DETERMINISTIC[path.stem]) - quoted}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_written_in_number_is_the_one_the_execution_computed(path, request):
    notebook = execution(path, request)
    record = pn.recorded(PARTICIPANT / f"{path.stem}.ipynb")
    if pn.glue_digest(pn.raw_glue(notebook)) != record["executions"][f"chapters/{path.name}"]:
        pytest.skip(f"participant/{path.stem}.ipynb was written from another execution of the same code "
                    "(another build: sampled numbers and timings differ a little); the check above covers "
                    f"the numbers every execution shares. Rerun python {pn.GENERATOR} to write this one's")
    values = glued(notebook)
    quoted = assert_written_in(path, values)
    assert len(quoted) > 5


# --- the generator's pieces --------------------------------------------------------------------


def test_glued_values_are_formatted_as_the_site_formats_them():
    assert pn.format_glued("1234.56", ",.0f") == "1,235"
    assert pn.format_glued("21613", ",") == "21,613"
    assert pn.format_glued("0.1234", ".1%") == "12.3%"
    assert pn.format_glued("'98039'", "s") == "98039"
    assert pn.format_glued("-0.676", ".2f") == "-0.68"
    assert pn.split_glue_reference("nuts.ipynb::loop_minutes:.1f") == ("nuts.ipynb", "loop_minutes", ".1f")
    assert pn.split_glue_reference("n_homes") == (None, "n_homes", "s")
    assert pn.split_glue_reference("n_sales:,") == (None, "n_sales", ",")


def test_roles_and_directives_become_plain_markdown():
    values = {(None, "n"): "1234.5", ("nuts.ipynb", "t"): "2.25"}
    renderer = pn.Renderer("chapters/radon", lambda doc, name: values[(doc, name)])
    text = renderer.inline(
        "{glue:text}`n:,.0f` homes, {glue:text}`nuts.ipynb::t:.1f` min; a {term}`funnel <funnel>` and a "
        "{term}`divergence`; the {doc}`NUTS chapter <nuts>`, {doc}`capstone`; {ref}`radon-ex-centred`, "
        "{ref}`the other one <pooling-few-groups>`, {ref}`radon-prior-pull`; "
        "{cite:p}`radon-gelman2007data,radon-price1996radon`, {cite:t}`radon-gelman2007data`; `{term}` stays code")
    assert text.startswith("1,234 homes, 2.2 min; a funnel and a divergence; the [NUTS chapter](nuts.ipynb), "
                           "[Putting it all together](capstone.ipynb); Exercise 5.2, [the other one](pooling.ipynb), "
                           "the section \u201cWhere the post's")
    assert text.endswith("\\[Gelman and Hill, 2007, Price *et al.*, 1996\\], Gelman and Hill \\[2007\\]; "
                         "`{term}` stays code")
    assert renderer.used == {"n": "1234.5", "nuts.ipynb::t": "2.25"}
    note = renderer.blocks(pn.parse_blocks(":::{note}\nA {term}`funnel`.\n:::\n\n```python\n{term}`x`\n```"))
    assert note == "> **Note**\n>\n> A funnel.\n\n\n```python\n{term}`x`\n```"
    for unknown in ("{abbr}`HMC (Hamiltonian Monte Carlo)`", "{ref}`no-such-label`", "{cite:p}`radon-nobody2020`"):
        with pytest.raises(pn.NotRenderable):
            renderer.inline(unknown)
    with pytest.raises(pn.NotRenderable):
        renderer.blocks(pn.parse_blocks("```{figure} a.png\nA figure.\n```"))


def test_the_launch_buttons_of_a_chapter_open_its_participant_notebook():
    def context(page):
        base = "https://github.com/hlm-course/hierarchical-linear-models-pymc"
        repo = base.removeprefix("https://github.com/")
        return {"header_buttons": [{"label": "launch-buttons", "buttons": [
            {"text": "Binder", "url": f"https://mybinder.org/v2/gh/{repo}/main?urlpath=lab/tree/{page}.ipynb"},
            {"text": "Colab", "url": f"https://colab.research.google.com/github/{repo}/blob/main/{page}.ipynb"}]}]}

    app = SimpleNamespace(srcdir=str(ROOT))
    page = context("chapters/radon")
    hlm_site.launch_participant_notebooks(app, "chapters/radon", "page.html", page, None)
    urls = [b["url"] for b in page["header_buttons"][0]["buttons"]]
    assert urls[0].endswith("?urlpath=lab/tree/participant/radon.ipynb") and "/chapters/" not in urls[0]
    assert urls[1].endswith("/blob/main/participant/radon.ipynb")
    other = context("intro")
    hlm_site.launch_participant_notebooks(app, "intro", "page.html", other, None)
    assert other == context("intro")
    absent = copy.deepcopy(context("chapters/nowhere"))
    hlm_site.launch_participant_notebooks(app, "chapters/nowhere", "page.html", absent, None)
    assert absent == context("chapters/nowhere")
