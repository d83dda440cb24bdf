"""The site around the chapters: landing page, workshop pages, launch buttons, and the browser check.

Fast: nothing here executes a chapter. The last test drives headless Chromium on a small fixture
site and is skipped where Chromium is not installed (.ci/run installs it before the tests).
"""

import json
import math
import os
import re
import sys

import pandas as pd
import pytest
import yaml

from chapters import ROOT, latest_seconds, toc_files, toc_notebooks

sys.path.insert(0, str(ROOT / "tools"))
import check_site  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
CHAPTER_TIMES = ROOT / "benchmarks" / "results" / "chapter_times.csv"
TOC_CHAPTERS = [f for f in toc_files() if f.startswith("chapters/")]
WORKSHOP_PAGES = ["setup", "troubleshooting", "workshop", "instructor", "exercises", "glossary", "bibliography"]
NOT_MEASURED = "not measured yet"


def markdown_of(path):
    nb = json.loads(path.read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


CARD = re.compile(r":::\{grid-item-card\} (\d+)\. ([^\n]+)\n:link: (chapters/[\w-]+)\n:link-type: doc\n"
                  r":footer: ((?:about [\d.]+ min|not measured yet) to read · (?:about [\d.]+ min|not measured yet) to run)\\\*\n"
                  r"(.*?)\n:::\n", re.S)
CARD_TIMES = re.compile(r"^(about [\d.]+ min|not measured yet) to read · (about [\d.]+ min|not measured yet) to run$")


def chapter_rows(path):
    """The chapters a page maps, in order: {chapter: [..., reading time, run time]}.

    README.md maps them in a Markdown table (one row per chapter, its cells); the landing page
    (intro.md) in cards (sphinx-design), each with the footer "about N min to read · about M min to run"."""
    text = path.read_text()
    rows = {}
    if path.name == "intro.md":
        for number, title, chapter, footer, body in CARD.findall(text):
            times = CARD_TIMES.search(footer)
            rows[chapter] = [number, title, *(times.groups() if times else ("", ""))]
        return rows
    for line in text.splitlines():
        m = re.match(r"\|\s*\[[^\]]+\]\((chapters/[\w-]+)\.ipynb\)", line)
        if m:
            rows[m.group(1)] = [cell.strip() for cell in line.strip().strip("|").split("|")]
    return rows


def test_the_landing_page_s_cards_are_numbered_as_the_book_numbers_its_chapters():
    cards = chapter_rows(ROOT / "intro.md")
    assert [int(row[0]) for row in cards.values()] == list(range(1, len(cards) + 1))
    text = (ROOT / "intro.md").read_text()
    for chapter in cards:
        assert re.search(rf"```\{{chapter-figure\}} {chapter} fig-[\w-]+\n(:alt: [^\n]+\n)?```", text), (
            f"intro.md: the card of {chapter} shows one of its figures (chapter-figure, _ext/hlm_site.py)")


def measured_minutes():
    """Each chapter's latest run time in the benchmark, rounded to the half minute."""
    return {f"chapters/{name}": math.floor(seconds / 30 + 0.5) / 2 for name, seconds in latest_seconds().items()}


def minutes_text(minutes):
    return f"about {minutes:g} min" if minutes is not None else NOT_MEASURED


# --- landing page and README ------------------------------------------------------------------


def test_the_landing_page_maps_every_chapter_in_the_toc_in_order():
    listed = list(chapter_rows(ROOT / "intro.md"))
    assert listed == TOC_CHAPTERS, (
        f"intro.md's chapter cards list {listed}; _toc.yml has {TOC_CHAPTERS}: add one card per chapter, in order")


def test_the_workshop_pages_are_in_the_toc():
    assert set(WORKSHOP_PAGES) <= set(toc_files())


@pytest.mark.parametrize("chapter", TOC_CHAPTERS)
def test_the_landing_page_reading_time_is_the_chapter_s_own(chapter):
    stated = re.search(r"about (\d+) minutes to read", markdown_of(ROOT / f"{chapter}.ipynb"))
    assert stated, f"{chapter}: its **Time** line should say 'about N minutes to read'"
    row = chapter_rows(ROOT / "intro.md").get(chapter)
    assert row is not None, f"intro.md has no card for {chapter}"
    assert row[-2] == f"about {stated.group(1)} min", f"intro.md: {chapter} reads in about {stated.group(1)} min"


def run_time_phrase(minutes):
    return ("about half a minute" if minutes == 0.5 else "about 1 minute" if minutes == 1
            else f"about {minutes:g} minutes")


@pytest.mark.parametrize("chapter", TOC_CHAPTERS)
def test_a_chapter_s_own_run_time_is_the_benchmark_s(chapter):
    minutes = measured_minutes().get(chapter)
    stated = re.search(r"minutes to read,\s+(.*?)\s+to run", markdown_of(ROOT / f"{chapter}.ipynb"), re.S)
    assert stated, f"{chapter}: its **Time** line should say '..., about N minutes to run'"
    if minutes is not None:
        assert re.sub(r"\s+", " ", stated.group(1)) == run_time_phrase(minutes), (
            f"{chapter}: say '{run_time_phrase(minutes)} to run' (the latest run in {CHAPTER_TIMES.name})")


@pytest.mark.parametrize("page", ["intro.md", "README.md"])
def test_run_times_are_the_benchmark_s(page):
    measured = measured_minutes()
    rows = chapter_rows(ROOT / page)
    assert rows, f"{page} has no chapter table or cards"
    for chapter, cells in rows.items():
        expected = minutes_text(measured.get(chapter))
        hint = (f"the latest run in {CHAPTER_TIMES.name}" if chapter in measured
                else f"no run in {CHAPTER_TIMES.name} (python benchmarks/chapter_times.py {chapter.split('/')[1]})")
        assert cells[-1] == expected, f"{page}: run time of {chapter} should be {expected!r}, from {hint}"


@pytest.mark.parametrize("page", ["intro.md", "README.md"])
def test_run_times_name_the_machine_that_measured_them(page):
    times = pd.read_csv(CHAPTER_TIMES)
    latest = times[times["ok"]].groupby("chapter")["machine"].last()
    cores = re.search(r"(\d+)-core machine", (ROOT / page).read_text())
    assert cores, f"{page}: say on what machine the run times were measured ('a 2-core machine')"
    other = sorted(set(latest[~latest.str.contains(f"{cores.group(1)} cores")]))
    assert not other, f"{page} says {cores.group(1)}-core, but {CHAPTER_TIMES.name} has runs on {other}"


BUILD_TIMES = ROOT / "benchmarks" / "results" / "build_times.csv"
BUILD_SENTENCE = re.compile(r"A full build\s+executes every chapter:\s+about ([\d.]+) min\s+on a (\d+)-core machine")


def test_the_readme_states_the_latest_build_time():
    stated = BUILD_SENTENCE.search((ROOT / "README.md").read_text())
    runs = pd.read_csv(BUILD_TIMES) if BUILD_TIMES.exists() else pd.DataFrame(columns=["what", "ok"])
    runs = runs[(runs["what"] == "book build") & runs["ok"].astype(bool)]
    if runs.empty:
        assert not stated, f"README states a build time, but {BUILD_TIMES.name} has no passing full build"
        return
    latest = runs.iloc[-1]
    minutes = math.floor(latest["seconds"] / 30 + 0.5) / 2
    cores = re.search(r"(\d+) cores", latest["machine"]).group(1)
    expected = f"A full build executes every chapter: about {minutes:g} min on a {cores}-core machine"
    assert stated, f"README: say '{expected}' (the latest run of benchmarks/chapter_times.py --build)"
    assert (float(stated.group(1)), stated.group(2)) == (minutes, cores), f"README: say '{expected}'"


def test_the_rounding_of_run_times():
    assert [math.floor(s / 30 + 0.5) / 2 for s in (80.5, 112.1, 205.1, 44.0)] == [1.5, 2.0, 3.5, 0.5]
    assert minutes_text(2.0) == "about 2 min" and minutes_text(None) == NOT_MEASURED


# --- workshop pages ---------------------------------------------------------------------------


def exercise_labels():
    """{label: chapter} for every exercise of every chapter notebook in the table of contents."""
    labels = {}
    for path in toc_notebooks():
        chapter = path.relative_to(ROOT).with_suffix("").as_posix()
        for label in re.findall(r"\{exercise(?:-start)?\}[^\n]*\n:label: (\S+)", markdown_of(path)):
            assert label not in labels, f"exercise label {label!r} in two chapters"
            labels[label] = chapter
    return labels


DIFFICULTIES = ("basic", "intermediate", "advanced")


def exercise_rows(with_difficulty=False):
    """(chapter, label, time) for every row of exercises.md's table; with_difficulty: (chapter, label,
    time, difficulty)."""
    rows = []
    for line in (ROOT / "exercises.md").read_text().splitlines():
        m = re.match(r"\|\s*\{doc\}`([^`]+)`\s*\|\s*\{ref\}`[^`]*<([^>]+)>`\s*\|\s*(.*?)\s*\|\s*(.*?)\s*\|$", line)
        if m:
            rows.append(m.groups() if with_difficulty else m.groups()[:3])
    return rows


def test_the_exercises_page_lists_every_exercise_once_with_its_chapter_and_time():
    labels = exercise_labels()
    rows = exercise_rows()
    assert labels and rows
    listed = [label for _, label, _ in rows]
    missing = [label for label in labels if label not in listed]
    assert not missing, f"add these exercises to exercises.md, with the time each needs: {missing}"
    unknown = [label for label in listed if label not in labels]
    assert not unknown, f"exercises.md lists exercises that no chapter in _toc.yml has: {unknown}"
    twice = sorted({label for label in listed if listed.count(label) > 1})
    assert not twice, f"exercises.md lists these more than once: {twice}"
    for chapter, label, time in rows:
        assert chapter == labels[label], f"exercises.md: {label} is in {labels[label]}, not {chapter}"
        assert re.fullmatch(r"[1-9]\d* min", time), f"exercises.md: give {label} a time such as '15 min', not {time!r}"
    for _, label, _, difficulty in exercise_rows(with_difficulty=True):
        assert difficulty in DIFFICULTIES, f"exercises.md: give {label} a difficulty, one of {DIFFICULTIES}"


def test_the_exercises_page_follows_the_order_of_the_chapters():
    labels = exercise_labels()
    listed = [label for _, label, _ in exercise_rows()]
    assert listed == [label for label in labels if label in listed], "list the exercises in the chapters' order"


def glossary_entries():
    """Each glossary entry's terms (an entry may have several names, e.g. ESS and effective sample size)."""
    text = (ROOT / "glossary.md").read_text()
    body = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S).group(1)
    entries, terms = [], []
    for line in body.splitlines():
        if line and not line.startswith(" "):
            terms.append(line.strip())
        elif terms:
            entries.append(terms)
            terms = []
    return entries


def normalise(text):
    return re.sub(r"[\s-]+", " ", text.lower())


def test_every_glossary_term_is_one_the_chapters_use():
    chapters = normalise("\n".join(markdown_of(p) for p in toc_notebooks()))
    entries = glossary_entries()
    assert len(entries) >= 10
    unused = [terms for terms in entries if not any(normalise(t) in chapters for t in terms)]
    assert not unused, f"glossary entries no chapter uses (name them as the chapters do): {unused}"


def test_the_glossary_is_in_alphabetical_order():
    first_terms = [terms[0].lower() for terms in glossary_entries()]
    assert first_terms == sorted(first_terms)


def test_the_bibliography_page_lists_all_references_under_a_prefix_no_page_uses():
    text = (ROOT / "bibliography.md").read_text()
    assert re.search(r"```\{bibliography\}\n(:[^\n]*\n)*:all:", text), "the bibliography page lists every entry"
    prefix = re.search(r":keyprefix: (\S+)", text)
    # Without a prefix of its own, every key that a chapter's bibliography also lists is a duplicate
    # citation (a warning, so -W fails the build).
    assert prefix, "the bibliography page needs a :keyprefix: of its own"
    others = [ROOT / "intro.md", *toc_notebooks()]
    users = [p.name for p in others if f":keyprefix: {prefix.group(1)}" in p.read_text()]
    assert not users, f"{prefix.group(1)!r} is also the key prefix of {users}"


# --- launch buttons ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.name)
def test_the_colab_cell_installs_this_repository(path):
    nb = json.loads(path.read_text())
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    source = "".join(first["source"])
    assert "remove-cell" in first["metadata"].get("tags", []), f"{path.name}: hide the Colab cell (tag remove-cell)"
    assert '"google.colab" in sys.modules' in source, f"{path.name}: the first code cell is the Colab set-up"
    url = CONFIG["repository"]["url"]
    assert f"git clone --depth 1 {url} " in source, f"{path.name}: the Colab cell must clone {url} (_config.yml)"
    assert "%pip install -q -r requirements-colab.txt" in source, f"{path.name}: install requirements-colab.txt"
    # Colab may have loaded its own NumPy before the install replaced it; the cell must say to restart.
    assert "Restart session" in source, f"{path.name}: the Colab cell should stop and ask for a restart"


def pins(path):
    """Package name -> pinned version, from a requirements file."""
    found = {}
    for line in path.read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.split("#")[0].strip())
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def imported_modules(source: str) -> set[str]:
    """The top-level modules a cell or file imports (its IPython magics and shell lines left out)."""
    import ast

    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    tree = ast.parse("\n".join(lines))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_colab_installs_what_the_chapters_import_at_the_course_versions():
    course, colab = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-colab.txt")
    differ = {name: (version, course.get(name)) for name, version in colab.items() if course.get(name) != version}
    assert not differ, f"requirements-colab.txt pins differ from requirements.txt (colab, course): {differ}"
    assert "-e ." in (ROOT / "requirements-colab.txt").read_text().splitlines(), "Colab needs hlm_helpers too"
    sources = ["".join(cell["source"]) for p in toc_notebooks() for cell in json.loads(p.read_text())["cells"]
               if cell["cell_type"] == "code"]
    sources += [p.read_text() for p in (ROOT / "hlm_helpers").glob("*.py")]
    imported = set().union(*(imported_modules(source) for source in sources))
    assert {"pymc", "nutpie", "numpy"} <= imported  # the search finds imports
    distribution = {"sklearn": "scikit-learn", "myst_nb": "myst-nb"}
    # IPython is the kernel every notebook runs in, on Colab too (hlm_helpers.style uses it when present)
    provided = ("hlm_helpers", "__future__", "IPython")
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m not in provided}
    # a module's distribution name: the mapping above, else its name with "_" as "-" (arviz_stats)
    missing = sorted(m for m in third_party if distribution.get(m, m).lower().replace("_", "-") not in colab)
    assert not missing, f"the chapters import {missing}, which requirements-colab.txt does not install"


def test_the_launch_urls_point_at_each_chapter_s_participant_notebook_in_the_repository():
    # Binder and Colab open participant/<chapter>.ipynb (numbers written in, exercises as headings;
    # tools/participant_notebooks.py), not the chapter's MyST source (_ext/hlm_site.py)
    for chapter in TOC_CHAPTERS:
        urls = check_site.expected_launch_urls(chapter, CONFIG)
        assert set(urls) == {"Binder", "Colab"}, "_config.yml should configure Binder and Colab launch buttons"
        repo = CONFIG["repository"]["url"].removeprefix("https://github.com/")
        notebook = f"participant/{chapter.removeprefix('chapters/')}.ipynb"
        assert urls["Binder"] == f"https://mybinder.org/v2/gh/{repo}/main?urlpath=lab/tree/{notebook}"
        assert urls["Colab"] == f"https://colab.research.google.com/github/{repo}/blob/main/{notebook}"
        assert (ROOT / notebook).is_file()


def test_binder_finds_what_the_chapters_need():
    # repo2docker reads binder/ when it exists, and then ignores the root's configuration files
    binder = ROOT / "binder"
    assert (binder / "runtime.txt").read_text().strip() == "python-3.12"
    assert "graphviz" in (binder / "apt.txt").read_text().split()
    ignored = [name for name in ("runtime.txt", "apt.txt", "postBuild", "environment.yml", "Project.toml")
               if (ROOT / name).exists()]
    assert not ignored, f"repo2docker ignores {ignored} at the root once binder/ exists: move them to binder/"
    lines = [line.split("#")[0].strip() for line in (binder / "requirements.txt").read_text().splitlines()]
    assert [line for line in lines if line] == ["-r ../requirements-participant.txt"], (
        "Binder builds the participant environment, not the maintainer's")
    participant = [line.split("#")[0].strip() for line in (ROOT / "requirements-participant.txt").read_text().splitlines()]
    assert "-e ." in participant, "Binder installs hlm_helpers from requirements-participant.txt"
    post_build = binder / "postBuild"
    assert post_build.stat().st_mode & 0o111, "repo2docker runs postBuild only if it is executable"
    text = post_build.read_text()
    assert "hlm.load_king_county()" in text, "postBuild puts the King County sales in the image"
    assert "python check_install.py" in text, "postBuild runs the participants' check, which warms the compile cache"


# --- the browser check, on a fixture site -----------------------------------------------------

GOOD = """<!DOCTYPE html><html><head><title>Good</title>
<style>div.cell_output pre { white-space: pre-wrap; }</style></head><body><main>
<h1 id="good">Good</h1><pre style="white-space: pre-wrap">ax.set(xlabel="\\(x\\) in a code box is not a formula")  # nor {doc}`a role`</pre><p><a href="bad.html#section">to bad</a> <a href="#good">top</a> <a href="#">menu</a>
<a href="https://example.org/">elsewhere</a></p><img src="dot.png" alt="a dot">
<div class="highlight"><pre>short = "a line that fits its box"</pre></div>
<div class="cell_output docutils container"><div class="output stream highlight-myst-ansi"><pre>fine</pre></div>
<div class="output stderr highlight-myst-ansi"><pre>Sampling 4 chains for 1_000 tune and 1_000 draw iterations took 2 seconds.</pre></div>
<table><tr><td>NaN</td><td>1.0</td><td>2.0</td></tr></table>
<img src="legible.png" alt="A line rising from left to right." style="width: 300px"></div>
</main></body></html>"""

BAD = """<!DOCTYPE html><html><head><title>Bad</title><script>undefinedFunction();</script></head><body>
<div class="bd-header"><button class="primary-toggle">menu</button><button class="primary-toggle">menu</button></div>
<main>
<h1 id="section">Bad</h1><p>A spread \\(\\sigma\\) that no MathJax typeset.</p><p>It costs {glue:text}`price:,.0f` dollars.</p><p><a href="missing.html">gone</a> <a href="good.html#nowhere">no anchor</a></p>
<img src="missing.png" alt="missing">
<p style="width: 900px">A paragraph wider than a phone.</p>
<div class="highlight" style="width: 300px"><pre>a_line_of_code = "far too long for a box three hundred pixels wide, which shows about thirty characters"</pre></div>
<div class="cell_output docutils container">
<div class="output stderr highlight-myst-ansi"><pre>/site-packages/x.py:3: UserWarning: something
  warnings.warn("something")</pre></div>
<div class="output traceback highlight-ipythontb"><pre>Traceback (most recent call last)
ZeroDivisionError: division by zero</pre></div>
<img src="tiny.png" alt="../_images/0d6c598a00b0d930b572e68f22ba25271d7f9f55.png" style="width: 300px">
<table><tr><td>nan</td><td>nan</td><td>1.0</td></tr></table><img src="dot.png" alt="A dot." style="width: 20px"><img src="legible.png" alt="A line." style="width: 300px; height: 600px"></div>
<a href="https://mybinder.org/v2/gh/someone/else/main?urlpath=lab/tree/bad.ipynb">Binder</a>
</main></body></html>"""

# A 1x1 PNG.
DOT = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cfc0f01f0005000201c3d9a0f40000000049454e44ae426082")


def figure_png(width_in: float, font_pt: float) -> bytes:
    """A figure drawn with the course's style: its PNG records its smallest font (hlm_helpers/style.py)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hlm_helpers import style

    with matplotlib.rc_context(style.RC):
        fig, ax = plt.subplots(figsize=(width_in, 0.6 * width_in))
        ax.plot([0, 1], [0, 1])
        ax.tick_params(labelsize=font_pt)
        ax.set_xlabel("x", fontsize=font_pt)
        ax.set_ylabel("y", fontsize=font_pt)
        data, _ = style.figure_png(fig)
        plt.close(fig)
    return data


def test_the_browser_check_passes_a_good_page_and_names_every_fault_of_a_bad_one(tmp_path):
    if not check_site.chromium_available():
        if os.environ.get("CI"):
            pytest.fail("CI must install chromium and chromium-driver before the tests (see .ci/run)")
        pytest.skip("needs chromium, chromium-driver (apt-get) and selenium")
    site = tmp_path / "html"
    site.mkdir()
    (site / "good.html").write_text(GOOD)
    (site / "bad.html").write_text(BAD)
    (site / "dot.png").write_bytes(DOT)
    (site / "favicon.ico").write_bytes(DOT)  # browsers ask every site for one
    # 4 in wide at 10 pt, shown 300 px wide: 10 / 72 * 300 / 4 = 10.4 px text; 12 in at 10 pt: 3.5 px
    (site / "legible.png").write_bytes(figure_png(4, 10))
    (site / "tiny.png").write_bytes(figure_png(12, 10))
    book = tmp_path / "book"
    book.mkdir()
    (book / "bad.ipynb").write_text("{}")  # bad is a notebook's page: it needs launch links
    shots = tmp_path / "shots"

    results = check_site.check_site(site, ["good", "bad", "absent"], shots, CONFIG, book_root=book)

    assert results["good"] == []
    bad = "\n".join(results["bad"])
    for fault in ("traceback in a cell: 'ZeroDivisionError: division by zero'",
                  "error or warning on stderr in a cell: '/site-packages/x.py:3: UserWarning: something'",
                  "broken image 'missing.png'",
                  "broken link 'missing.html'",
                  "broken link 'good.html#nowhere' ('no anchor'): no id 'nowhere'",
                  "Binder launch link should be https://mybinder.org/v2/gh/hlm-course/",
                  "Colab launch link should be",
                  "formula not typeset (raw TeX on the page): '",
                  "role not rendered (raw MyST on the page): 'It costs {glue:text}`price",
                  "console error: ",
                  # a phone's code box scrolls its long lines: the check measures code at desktop widths
                  "at 1280 px: code wider than its box: 'a_line_of_code = ",
                  "image without alt text that says what it shows: tiny.png",
                  "figure tiny.png too small to read: its smallest text renders 3.",
                  "figure dot.png does not record its smallest font",
                  "at 390 px: the page is ",
                  "image legible.png is distorted: drawn ",
                  "1 table(s) a cell printed show mostly empty values (nan)",
                  "wider than the window: it scrolls sideways (what sticks out: p ",
                  # only on the phone: the desktop width shows no menu buttons
                  "at 390 px: 2 visible buttons for the book's menu (one expected)",
                  "at 390 px: the book's menu does not open when its button is clicked"):
        assert fault in bad, f"not reported: {fault}\nreported:\n{bad}"
    assert not any(problem.startswith("at 390 px: code wider") for problem in results["bad"])
    assert results["absent"] == ["not served: HTTP 404 for absent.html"]
    for name in ("good.png", "good-390.png", "bad.png", "bad-390.png"):
        assert (shots / name).read_bytes().startswith(b"\x89PNG"), name


def test_a_png_s_recorded_font_and_resolution_are_read_back():
    texts, dpi = check_site.png_text_and_dpi(figure_png(4, 12))
    from hlm_helpers import style

    assert float(texts[style.PNG_FONT_KEY]) == 12
    assert dpi == pytest.approx(2 * style.FIGURE_DPI, rel=0.01)


def test_the_style_s_sizes_fit_a_phone():
    from hlm_helpers import style

    # the phone's column shows a figure about 340 px wide (measured: 341 to 358 px at 390)
    rendered = style.SMALLEST_FONT_PT / 72 * 340 / style.MAX_FIGURE_WIDTH_IN
    assert rendered >= style.MIN_RENDERED_TEXT_PX
    assert style.RC["figure.figsize"][0] <= style.MAX_FIGURE_WIDTH_IN
    sizes = [v for k, v in style.RC.items() if k.endswith("size") and not k.startswith("figure.fig")]
    assert min(sizes) >= style.SMALLEST_FONT_PT


# --- the README's speed figures ---------------------------------------------------------------

sys.path.insert(0, str(ROOT / "benchmarks"))


def test_the_readme_s_table_of_fits_is_the_probe_s():
    import fit_times

    table = fit_times.readme_table()
    assert table in (ROOT / "README.md").read_text(), (
        "README: the table of fits per chapter should be `python benchmarks/fit_times.py --readme-table`:\n" + table)


def ci_sentence(row) -> str:
    minutes = math.floor(row["total_s"] / 30 + 0.5) / 2
    return (f"about {minutes:g} min: setup {row['setup_s']} s, the book {row['book_s']} s, the tests "
            f"{row['tests_s']} s, the site check {row['site_s']} s")


def test_the_readme_states_the_latest_recorded_ci_run():
    row = pd.read_csv(ROOT / "benchmarks" / "results" / "ci_times.csv").iloc[-1]
    readme = re.sub(r"\s+", " ", (ROOT / "README.md").read_text())
    assert f"on a clean clone took {ci_sentence(row)}" in readme, f"README: say '{ci_sentence(row)}'"


def test_the_readme_names_the_machine_the_samplers_ran_on():
    machine = pd.read_csv(ROOT / "benchmarks" / "results" / "samplers.csv")["machine"].iloc[-1]
    brand = next(b for b in ("Intel Xeon", "AMD EPYC", "Apple") if all(w in machine for w in b.split()))
    cores = re.search(r"(\d+) cores", machine).group(1)
    readme = re.sub(r"\s+", " ", (ROOT / "README.md").read_text())
    assert f"on a {cores}-core {brand} machine" in readme, f"README: the samplers ran on {machine!r}"


def test_the_readme_s_sentence_on_compilation_and_sampling():
    # "a few seconds for each of the course's models, while more than half of the course's fits
    # sample in under a second"
    rows = pd.read_csv(ROOT / "benchmarks" / "results" / "fit_times.csv")
    fits = rows[rows["sampling_s"].fillna(1) > 0]
    assert (fits["sampling_s"] < 1).mean() > 0.5
    compiled = rows["compile_s"].dropna()
    assert compiled[compiled > 0].between(1, 10).all()


# --- numbering, theme ---------------------------------------------------------------------------


def test_chapters_are_numbered_and_their_figures_and_exercises_within_them():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    for part in toc["parts"]:
        numbered = part.get("numbered", False)
        has_chapters = any(entry["file"].startswith("chapters/") for entry in part["chapters"])
        assert numbered == has_chapters, f"part {part['caption']!r}: numbered should be {has_chapters}"
    # "Fig. 5.1", "Exercise 5.2": numbers restart in every chapter
    assert CONFIG["html"]["use_multitoc_numbering"] is True


def test_the_theme_pair_is_the_one_whose_phone_menu_opens():
    # sphinx-book-theme 1.3.0 pins pydata-sphinx-theme 0.17.1, whose phone menu does not open
    # (two toggles); tools/check_site.py clicks it at 390 px on every page
    lock = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^sphinx-book-theme==1\.2\.0\b", lock, re.M)
    assert re.search(r"^pydata-sphinx-theme==0\.16\.1\b", lock, re.M)
