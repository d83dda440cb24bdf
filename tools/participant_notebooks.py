"""Participant notebooks: every chapter as a participant opens it in JupyterLab, Binder or Colab.

The chapters are written for the book: their prose quotes computed numbers through MyST roles
(``{glue:text}`n_homes```), their exercises are ``sphinx-exercise`` directives with the solution
folded under each, and they cite, cross-reference and use the glossary through roles. Jupyter shows
all of that as raw text, and "Run all" runs every solution. This script writes, from each chapter
*as the build executed it* (Jupyter Book's cache, ``_build/.jupyter_cache``):

- ``participant/<chapter>.ipynb``: the chapter with every glued value written in as the formatted
  text the built site shows (the format spec after the colon and the ``other.ipynb::name`` form of
  another chapter's value, formatted by myst-nb's own function), each exercise as a heading
  ("Exercise 5.2: <title>") with its prompt and an empty cell for the answer, the solutions taken
  out, glossary terms as their text, ``{doc}`` links as links to the other participant notebooks,
  citations as author and year, ``{ref}`` as the exercise's number or the section's title, and the
  chapter's references as a list. Code cells are the chapter's own, without outputs; the cells the
  book hides (the ``hlm.glue`` bookkeeping) are collapsed; the Colab set-up cell stays first.
- ``participant/<chapter>-solutions.ipynb``: the exercises again, each with its solution (text and
  code in the chapter's order), after a cell that runs the chapter's notebook (``%run``), so that
  the solutions find the chapter's variables.

Each notebook records where it came from (``metadata.hlm_participant``): the chapters it was made
from and their SHA-256, the fingerprint of the helpers and the lock (tests/chapters.py), a digest of
each execution's glued values, and the raw values it wrote in. ``--check`` (and
tests/test_participant.py) regenerates the notebooks from the current chapters with those recorded
values and fails if anything differs, so a change to a chapter, to ``hlm_helpers`` or the lock, or to
this script, without a new build and a new run of this script, is noticed without executing anything.

Usage (from the project root, after ``python tools/build_book.py``)::

    python tools/participant_notebooks.py                 # write participant/ for every chapter
    python tools/participant_notebooks.py radon nuts      # only these chapters
    python tools/participant_notebooks.py --check         # exit 1 if participant/ is out of step
    python tools/participant_notebooks.py --cache DIR     # executions from another jupyter-cache
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from chapters import BUILD_CACHE, GLUE_MIME, cached_execution, fingerprint, toc_files  # noqa: E402

PARTICIPANT = ROOT / "participant"
METADATA_KEY = "hlm_participant"
ANSWER_TAG = "exercise-answer"  # the empty cell under each exercise, for the participant's answer
SETUP_TAG = "solutions-setup"  # the solutions notebook's own first cells
HIDDEN_TAG = "remove-cell"  # cells the book does not show
GENERATOR = "tools/participant_notebooks.py"


class NotRenderable(ValueError):
    """Chapter markup that this script does not know how to write as plain Markdown."""


# --- the book: chapters, numbers, titles, labels -----------------------------------------------


def chapter_files() -> list[str]:
    """The chapters of the table of contents, e.g. "chapters/radon", in order."""
    return [f for f in toc_files() if f.startswith("chapters/")]


def chapter_numbers() -> dict[str, int]:
    """The number the book gives each chapter: its place among the chapters of the numbered parts
    (``use_multitoc_numbering``: numbers run on from one part to the next)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    numbers, n = {}, 0
    for part in toc.get("parts", []):
        if not part.get("numbered"):
            continue
        for entry in part.get("chapters", []):
            n += 1
            numbers[entry["file"]] = n
    return numbers


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def markdown_sources(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown"]


def document_title(path: Path) -> str:
    """A page's first level-one heading."""
    texts = markdown_sources(path) if path.suffix == ".ipynb" else [path.read_text()]
    for text in texts:
        match = re.search(r"^# (.+)$", text, re.M)
        if match:
            return match.group(1).strip()
    return path.stem


EXERCISE = re.compile(r"^:::+\{exercise\}[ \t]*(?P<title>[^\n]*)\n(?:[^\n]*\n)*?:label:[ \t]*(?P<label>\S+)", re.M)
TARGET = re.compile(r"^\((?P<label>[\w:.-]+)\)=[ \t]*$")


@dataclass(frozen=True)
class Label:
    chapter: str  # "chapters/radon"
    kind: str  # "exercise" or "section"
    text: str  # what a {ref} without its own text shows: "Exercise 5.2", or the section's title
    title: str = ""  # an exercise's title


@lru_cache(maxsize=None)
def labels() -> dict[str, Label]:
    """Every exercise and section label of the chapters: the book numbers the exercises of a
    chapter 1, 2, ... after the chapter's number, and a {ref} to one shows "Exercise 5.2"."""
    numbers = chapter_numbers()
    found = {}
    for chapter in chapter_files():
        text = "\n\n".join(markdown_sources(ROOT / f"{chapter}.ipynb"))
        for k, match in enumerate(EXERCISE.finditer(text), start=1):
            found[match["label"]] = Label(chapter, "exercise", f"Exercise {numbers[chapter]}.{k}",
                                          match["title"].strip())
        lines = text.split("\n")
        for i, line in enumerate(lines):
            target = TARGET.match(line)
            if target:
                heading = next((ln for ln in lines[i + 1:] if ln.strip()), "")
                found[target["label"]] = Label(chapter, "section", heading.lstrip("#").strip())
    return found


# --- references.bib ----------------------------------------------------------------------------


@lru_cache(maxsize=None)
def bibliography():
    from pybtex.database import parse_file

    return parse_file(str(ROOT / "references.bib"))


@lru_cache(maxsize=None)
def _plugin(group: str, name: str):
    """A pybtex plugin, instantiated once (finding one reads every installed package's entry points)."""
    from pybtex.plugin import find_plugin

    return find_plugin(group, name)()


def _latex_text(text: str) -> str:
    from pybtex.richtext import Text

    return Text.from_latex(text).render(_plugin("pybtex.backends", "text"))


@lru_cache(maxsize=None)
def cite_authors(key: str) -> tuple[str, str]:
    """("Gelman and Hill", "2007"): the names and year the book's author-year citations show
    (sphinxcontrib-bibtex's author_year style: one or two last names, else the first *et al.*)."""
    entry = bibliography().entries[key]
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    last = [_latex_text(" ".join(p.prelast_names + p.last_names)) for p in people]
    if not last:
        names = _latex_text(entry.fields.get("title", key))
    elif len(last) <= 2:
        names = " and ".join(last)
    else:
        names = f"{last[0]} *et al.*"
    return names, entry.fields.get("year", "n.d.")


@lru_cache(maxsize=None)
def reference_markdown(key: str) -> str:
    """One entry of a chapter's reference list, as the book's bibliography style (alpha) writes it."""
    entry = bibliography().entries[key]
    formatted = next(iter(_plugin("pybtex.style.formatting", "alpha").format_entries([entry])))
    return formatted.text.render(_plugin("pybtex.backends", "markdown")).replace("\n", " ").strip()


# --- glued values ------------------------------------------------------------------------------


def raw_glue(notebook) -> dict[str, str]:
    """The text/plain form of every value a notebook glued, by name (as myst-nb reads it)."""
    values = {}
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is not None:
                data = out.get("data", {})
                values[name] = data.get(GLUE_MIME, data.get("text/plain"))
    return values


def glue_digest(values: dict[str, str]) -> str:
    """A digest of one execution's glued values: two executions with equal digests wrote the same numbers."""
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def split_glue_reference(text: str) -> tuple[str | None, str, str]:
    """(other document or None, name, format spec) of a {glue:text} role, parsed as myst-nb does."""
    key_format = text.rsplit(":", 1)
    key, fmt = key_format if len(key_format) == 2 else (key_format[0], "s")
    doc, _, name = key.rpartition("::")
    return (doc or None), name, fmt


def format_glued(raw: str, fmt: str) -> str:
    """A glued value as the site shows it: myst-nb's own formatting of its text/plain form."""
    from myst_nb.core.variables import format_plain_text

    return format_plain_text(raw, fmt)


# --- Markdown: blocks, roles, directives -------------------------------------------------------

DIRECTIVE = re.compile(r"^(?P<fence>`{3,}|~{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<argument>.*)$")
CODE_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")
# A role, or an inline code span (left as it is): matched left to right, so a role's backticks are
# never read as code, and a role's syntax inside a code span is not a role.
INLINE = re.compile(r"\{(?P<role>[a-z][\w:-]*)\}`(?P<content>[^`]*)`|(?P<ticks>`+).*?(?P=ticks)", re.S)
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error",
               "seealso", "admonition"}


@dataclass
class Directive:
    name: str
    argument: str
    options: dict
    body: str


def parse_blocks(text: str) -> list:
    """A markdown cell's source as a list of blocks: str (Markdown text), ("code", str) for a fenced
    code block (kept verbatim), ("target", label), or a Directive."""
    lines = text.split("\n")
    blocks, prose, i = [], [], 0

    def flush():
        if prose:
            blocks.append("\n".join(prose))
            prose.clear()

    while i < len(lines):
        line = lines[i]
        directive, code, target = DIRECTIVE.match(line), CODE_FENCE.match(line), TARGET.match(line)
        if directive:
            flush()
            fence = directive["fence"]
            body, i, inner = [], i + 1, None
            while i < len(lines):
                current = lines[i]
                if inner is None and current.strip() == fence[0] * len(current.strip()) and \
                        len(current.strip()) >= len(fence):
                    break
                fenced = CODE_FENCE.match(current)
                if fence[0] == ":" and fenced:  # a code block inside a colon fence
                    if inner is None:
                        inner = fenced["fence"]
                    elif current.strip().startswith(inner) and not fenced["info"].strip():
                        inner = None
                body.append(current)
                i += 1
            else:
                raise NotRenderable(f"a {{{directive['name']}}} directive is not closed")
            options = {}
            while body and OPTION.match(body[0]):
                option = OPTION.match(body.pop(0))
                options[option["key"]] = option["value"].strip()
            blocks.append(Directive(directive["name"], directive["argument"].strip(), options,
                                    "\n".join(body).strip("\n")))
            i += 1
        elif code and code["fence"] and line.startswith(code["fence"]):
            flush()
            fence, block = code["fence"], [line]
            i += 1
            while i < len(lines) and not (lines[i].startswith(fence) and not lines[i].strip(fence[0]).strip()):
                block.append(lines[i])
                i += 1
            if i < len(lines):
                block.append(lines[i])
            blocks.append(("code", "\n".join(block)))
            i += 1
        elif target:
            flush()
            blocks.append(("target", target["label"]))
            i += 1
        else:
            prose.append(line)
            i += 1
    flush()
    return blocks


@dataclass
class Renderer:
    """Writes one chapter's MyST Markdown as plain Markdown, with the values of one execution."""

    chapter: str  # "chapters/radon"
    lookup: object  # (document or None, name) -> the raw glued text
    used: dict = field(default_factory=dict)  # glue reference -> raw value, for the notebooks' record
    cited: dict = field(default_factory=dict)  # citation key -> where it is cited ("chapter", or an exercise)
    destination: str = "chapter"  # where the text being rendered goes

    @property
    def stem(self) -> str:
        return self.chapter.split("/")[-1]

    def glue(self, content: str) -> str:
        doc, name, fmt = split_glue_reference(content)
        raw = self.lookup(doc, name)
        self.used[f"{doc}::{name}" if doc else name] = raw
        return format_glued(raw, fmt)

    def link(self, text: str, chapter: str) -> str:
        """A link to another chapter's participant notebook (a sibling file), or the text itself."""
        if chapter == self.chapter:
            return text
        return f"[{text}]({chapter.split('/')[-1]}.ipynb)"

    def doc(self, content: str) -> str:
        explicit = EXPLICIT.match(content)
        text, target = (explicit["text"], explicit["target"]) if explicit else (None, content)
        base = ROOT if target.startswith("/") else ROOT / Path(self.chapter).parent
        path = (base / target.lstrip("/")).resolve()
        page = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else target
        if page in chapter_files():
            return self.link(text or document_title(ROOT / f"{page}.ipynb"), page)
        for suffix in (".md", ".ipynb"):
            if path.with_suffix(suffix).exists():
                return text or document_title(path.with_suffix(suffix))
        raise NotRenderable(f"{{doc}}`{content}`: no such page")

    def ref(self, content: str) -> str:
        explicit = EXPLICIT.match(content)
        text, label = (explicit["text"], explicit["target"]) if explicit else (None, content)
        if label not in labels():
            raise NotRenderable(f"{{ref}}`{content}`: no exercise or section is labelled {label!r}")
        target = labels()[label]
        if text is None:  # the site shows "Exercise 5.2", or the section's title (as a link)
            text = target.text if target.kind == "exercise" else f"the section \u201c{self.inline(target.text)}\u201d"
        return self.link(text, target.chapter)

    def cite(self, content: str, textual: bool) -> str:
        keys = [k.strip() for k in content.split(",") if k.strip()]
        parts = []
        for key in keys:
            bare = key.removeprefix(f"{self.stem}-")
            if bare not in bibliography().entries:
                raise NotRenderable(f"cite {key!r}: not in references.bib")
            self.cited.setdefault(key, set()).add(self.destination)
            names, year = cite_authors(bare)
            parts.append(f"{names} \\[{year}\\]" if textual else f"{names}, {year}")
        return ", ".join(parts) if textual else "\\[" + ", ".join(parts) + "\\]"

    def role(self, role: str, content: str) -> str:
        if role == "glue:text":
            return self.glue(content)
        if role in ("glue", "glue:any"):
            doc, _, name = content.rpartition("::")
            raw = self.lookup(doc or None, name)
            self.used[content] = raw
            return format_glued(raw, "")
        if role == "term":
            explicit = EXPLICIT.match(content)
            return explicit["text"] if explicit else content
        if role == "doc":
            return self.doc(content)
        if role in ("ref", "numref"):
            return self.ref(content)
        if role in ("cite", "cite:p", "cite:ps"):
            return self.cite(content, textual=False)
        if role in ("cite:t", "cite:ts"):
            return self.cite(content, textual=True)
        if role == "math":
            return f"${content}$"
        raise NotRenderable(f"no plain rendering for the role {{{role}}}`{content}`")

    def inline(self, text: str) -> str:
        """Markdown text with its roles written out."""
        return INLINE.sub(lambda m: self.role(m["role"], m["content"]) if m["role"] else m.group(0), text)

    def references(self, keys) -> str:
        entries = sorted(keys, key=lambda k: (cite_authors(k.removeprefix(f"{self.stem}-"))[0].lower(),
                                              cite_authors(k.removeprefix(f"{self.stem}-"))[1]))
        return "\n".join(f"- {reference_markdown(k.removeprefix(f'{self.stem}-'))}" for k in entries)

    def blocks(self, blocks) -> str:
        """Blocks without exercises or solutions, as Markdown."""
        out = []
        for block in blocks:
            if isinstance(block, str):
                out.append(self.inline(block))
            elif isinstance(block, Directive):
                out.append(self.directive(block))
            elif block[0] == "code":
                out.append(block[1])
            # ("target", label): the label's page anchor, which Jupyter has no use for
        return "\n".join(out)

    def directive(self, block: Directive) -> str:
        if block.name in ADMONITIONS:
            title = block.argument if block.name == "admonition" else (block.argument or block.name.title())
            body = self.blocks(parse_blocks(block.body))
            quoted = "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))
            return f"> **{self.inline(title)}**\n>\n{quoted}\n"  # a blank line ends the quote
        if block.name == "bibliography":
            # filled in when the whole chapter has been read (every citation known)
            return BIBLIOGRAPHY_PLACEHOLDER
        raise NotRenderable(f"no plain rendering for the directive {{{block.name}}}")


BIBLIOGRAPHY_PLACEHOLDER = "\0bibliography\0"


# --- a chapter as two notebooks ----------------------------------------------------------------


@dataclass
class Exercise:
    label: str
    number: str  # "5.2"
    title: str  # as Markdown
    prompt: str  # as Markdown


def colab_cell_index(cells) -> int | None:
    for i, cell in enumerate(cells):
        if cell.cell_type == "code":
            return i if '"google.colab" in sys.modules' in cell.source else None
    return None


def split_chapter(chapter: str, renderer: Renderer):
    """The chapter's cells in order, each as (destination, item): destination "chapter", or the label
    of the exercise whose solution it belongs to; item ("markdown", cell index, text), ("exercise",
    cell index, Exercise) or ("code", cell index, cell). The blocks of one chapter cell that go to
    the same place stay one cell."""
    notebook = nbformat.read(ROOT / f"{chapter}.ipynb", as_version=4)
    items, solution = [], None
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            items.append((solution or "chapter", ("code", index, cell)))
            continue
        if cell.cell_type != "markdown":
            continue
        pending = []  # consecutive blocks of one destination, rendered together

        def flush():
            if pending:
                renderer.destination = solution or "chapter"
                text = renderer.blocks(pending).strip("\n")
                if text.strip():
                    items.append((renderer.destination, ("markdown", index, text)))
                pending.clear()

        for block in parse_blocks(cell.source):
            if isinstance(block, Directive) and block.name == "exercise":
                flush()
                label = block.options.get("label")
                if label not in labels():
                    raise NotRenderable(f"{chapter}: an exercise without a :label:")
                renderer.destination = solution or "chapter"
                exercise = Exercise(label, labels()[label].text.removeprefix("Exercise "),
                                    renderer.inline(block.argument),
                                    renderer.blocks(parse_blocks(block.body)).strip("\n"))
                items.append((renderer.destination, ("exercise", index, exercise)))
            elif isinstance(block, Directive) and block.name == "solution-start":
                flush()
                if solution:
                    raise NotRenderable(f"{chapter}: a solution starts inside the solution of {solution}")
                solution = block.argument.split()[0]
            elif isinstance(block, Directive) and block.name == "solution-end":
                flush()
                if not solution:
                    raise NotRenderable(f"{chapter}: solution-end without solution-start")
                solution = None
            elif isinstance(block, Directive) and block.name == "solution":
                raise NotRenderable(f"{chapter}: a {{solution}} directive (use solution-start and solution-end)")
            else:
                pending.append(block)
        flush()
    if solution:
        raise NotRenderable(f"{chapter}: the solution of {solution} does not end")
    return notebook, items


def markdown_cell(text: str, cell_id: str):
    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = cell_id
    return cell


def code_cell(source: str, cell_id: str, tags=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cell_id
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def participant_code(cell, colab: bool):
    """A chapter's code cell as the participant gets it: the same code, no outputs; the cells the book
    hides collapsed (but the Colab set-up, which a Colab user runs first)."""
    new = copy.deepcopy(cell)
    new.outputs, new.execution_count = [], None
    metadata = new.metadata
    metadata.pop("lines_to_next_cell", None)
    if HIDDEN_TAG in metadata.get("tags", []) and not colab:
        metadata.setdefault("jupyter", {})["source_hidden"] = True
    return new


def figure_caption(cell) -> str | None:
    caption = cell.metadata.get("mystnb", {}).get("figure", {}).get("caption")
    return f"*Figure: {caption}*" if caption else None


def launch_urls(path_in_repo: str) -> dict[str, str]:
    """Binder and Colab links to a file of this repository (the repository and branch of _config.yml)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]
    owner_name = repo["url"].removeprefix("https://github.com/").strip("/")
    branch = repo.get("branch", "main")
    return {"Colab": f"https://colab.research.google.com/github/{owner_name}/blob/{branch}/{path_in_repo}",
            "Binder": f"https://mybinder.org/v2/gh/{owner_name}/{branch}?urlpath=lab/tree/{path_in_repo}"}


def participant_note(stem: str, number: int, has_colab: bool) -> str:
    solutions = f"participant/{stem}-solutions.ipynb"
    return (
        f"**Participant notebook** of chapter {number}, made from `chapters/{stem}.ipynb` by `{GENERATOR}`. "
        "Run the cells in order from the top"
        + ("; on Colab, the next cell installs the course first (if it asks you to, restart the session "
           "and run again from the top)" if has_colab else "")
        + ". The numbers in the text are the ones the course's own run of this notebook computed: yours "
        "are the same on the course's set-up, except timings; on another machine, quantities computed "
        "from random draws (a count of divergences, an effective sample size, the last digit of a mean) "
        "can differ a little. Each exercise has an empty cell for your answer; the worked solutions are in "
        f"[{stem}-solutions.ipynb]({stem}-solutions.ipynb) ([on Colab]({launch_urls(solutions)['Colab']}))."
    )


def solutions_intro(stem: str, title: str, number: int) -> str:
    return (
        f"# Solutions: {title}\n\n"
        f"The worked solutions to the exercises of chapter {number}, [{title}]({stem}.ipynb), "
        f"made from `chapters/{stem}.ipynb` by `{GENERATOR}`. Try each exercise in the chapter's "
        "notebook before you read its solution.\n\n"
        "Each solution carries on from the chapter: it uses the data, models and fits that the "
        "chapter's cells make. So the set-up cells below run the chapter's notebook here first (on "
        "Colab, the first one installs the course), which takes as long as the chapter does; then run "
        "the solutions in order. To try a single solution in the chapter's notebook instead, copy its "
        "cells into the empty cell under the exercise."
    )


RUN_CHAPTER = """# Run the chapter's notebook here first, all but your answers to its
# exercises: the solutions below use its variables. (Its figures are
# closed, not shown.)
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
from IPython import get_ipython

chapter = Path("{stem}.ipynb")
if not chapter.exists():  # on Colab, the working folder is the course's root
    chapter = Path("participant") / chapter
for cell in nbformat.read(chapter, as_version=4).cells:
    tags = cell.metadata.get("tags", [])
    if cell.cell_type == "code" and "{answer}" not in tags:
        get_ipython().run_cell(cell.source, silent=True).raise_error()
plt.close("all")"""


def resolve_document(chapter: str, doc: str | None) -> str:
    """The chapter ("chapters/nuts") that a glue reference's document ("nuts.ipynb") names, from chapter."""
    if doc is None:
        return chapter
    path = (ROOT / Path(chapter).parent / doc).resolve().relative_to(ROOT)
    return path.with_suffix("").as_posix()


def provenance(chapter: str, renderer: Renderer, executions: dict[str, str], current_fingerprint: str) -> dict:
    docs = sorted({chapter} | {resolve_document(chapter, key.rpartition("::")[0])
                              for key in renderer.used if "::" in key})
    return {
        "generated_by": GENERATOR,
        "chapter": f"{chapter}.ipynb",
        "sources": {f"{doc}.ipynb": sha256(ROOT / f"{doc}.ipynb") for doc in docs},
        "fingerprint": current_fingerprint,
        "executions": {f"{doc}.ipynb": executions[f"{doc}.ipynb"] for doc in docs},
        "glued": dict(sorted(renderer.used.items())),
    }


def new_notebook(source_metadata) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.nbformat_minor = 5
    notebook.metadata = {k: copy.deepcopy(v) for k, v in source_metadata.items() if k in ("kernelspec", "language_info")}
    return notebook


def build(chapter: str, lookup, executions: dict[str, str], current_fingerprint: str):
    """The participant notebook and the solutions notebook of a chapter (e.g. "chapters/radon"), with
    the glued values that lookup(document or None, name) returns (their raw text/plain)."""
    stem = chapter.split("/")[-1]
    number = chapter_numbers()[chapter]
    title = document_title(ROOT / f"{chapter}.ipynb")
    renderer = Renderer(chapter, lookup)
    source, items = split_chapter(chapter, renderer)
    colab = colab_cell_index(source.cells)

    participant, solutions = new_notebook(source.metadata), new_notebook(source.metadata)
    solutions.cells.append(markdown_cell(solutions_intro(stem, title, number), f"{stem}-solutions-intro"))
    if colab is not None:
        setup = participant_code(source.cells[colab], colab=True)
        setup.id = f"{stem}-solutions-colab"
        setup.metadata["tags"] = [t for t in setup.metadata.get("tags", []) if t != HIDDEN_TAG] + [SETUP_TAG]
        solutions.cells.append(setup)
    solutions.cells.append(code_cell(RUN_CHAPTER.format(stem=stem, answer=ANSWER_TAG), f"{stem}-solutions-run", tags=[SETUP_TAG]))

    for destination, (kind, index, item) in items:
        target = participant if destination == "chapter" else solutions
        if kind == "markdown":
            target.cells.append(markdown_cell(item, f"{stem}-md-{index}-{len(target.cells)}"))
        elif kind == "exercise":
            participant.cells.append(markdown_cell(
                f"### Exercise {item.number}: {item.title}\n\n{item.prompt}\n\n"
                f"*Your answer in the cell below. The solution: Exercise {item.number} in "
                f"[{stem}-solutions.ipynb]({stem}-solutions.ipynb).*",
                f"{stem}-exercise-{item.label}"))
            participant.cells.append(code_cell(f"# Exercise {item.number}: your answer",
                                               f"{stem}-answer-{item.label}", tags=[ANSWER_TAG]))
            solutions.cells.append(markdown_cell(
                f"## Exercise {item.number}: {item.title}\n\n{item.prompt}\n\n### Solution",
                f"{stem}-solution-{item.label}"))
        else:
            if index == colab:
                participant.cells.append(markdown_cell(participant_note(stem, number, True),
                                                       f"{stem}-participant-note"))
            target.cells.append(participant_code(item, colab=index == colab))
            caption = figure_caption(item)
            if caption:
                target.cells.append(markdown_cell(caption, f"{stem}-caption-{index}"))
    if colab is None:
        participant.cells.insert(1, markdown_cell(participant_note(stem, number, False), f"{stem}-participant-note"))

    # The reference list: every citation of the chapter under its References heading, as on the
    # site; the solutions notebook lists the ones its own text cites.
    for cell in participant.cells:
        if cell.cell_type == "markdown" and BIBLIOGRAPHY_PLACEHOLDER in cell.source:
            cell.source = cell.source.replace(BIBLIOGRAPHY_PLACEHOLDER, renderer.references(renderer.cited))
    in_solutions = [key for key, places in renderer.cited.items() if any(p != "chapter" for p in places)]
    if in_solutions:
        solutions.cells.append(markdown_cell("## References\n\n" + renderer.references(in_solutions),
                                             f"{stem}-solutions-references"))
    record = provenance(chapter, renderer, executions, current_fingerprint)
    participant.metadata[METADATA_KEY] = record
    solutions.metadata[METADATA_KEY] = record
    for notebook in (participant, solutions):
        nbformat.validate(notebook)
    return participant, solutions


# --- from the build's executions, or from the recorded values ----------------------------------


def serialise(notebook) -> str:
    return nbformat.writes(notebook) + "\n"


class Executions:
    """The build's current executions of the chapters (tests/chapters.py's rule: the same code, the
    current fingerprint), read from a jupyter-cache as they are needed."""

    def __init__(self, cache_dir: Path = BUILD_CACHE):
        self.cache_dir, self.current, self.values = Path(cache_dir), fingerprint(), {}

    def glue(self, chapter: str) -> dict[str, str]:
        if chapter not in self.values:
            notebook = cached_execution(ROOT / f"{chapter}.ipynb", self.cache_dir, self.current)
            if notebook is None:
                raise SystemExit(f"{chapter}.ipynb has no current execution in {self.cache_dir} (of its present "
                                 "code, with the present hlm_helpers and requirements.txt): build the book first, "
                                 "python tools/build_book.py, or pass --cache")
            self.values[chapter] = raw_glue(notebook)
        return self.values[chapter]

    def build(self, chapter: str):
        def lookup(doc, name):
            values = self.glue(resolve_document(chapter, doc))
            if name not in values:
                raise NotRenderable(f"{chapter}: the execution of {resolve_document(chapter, doc)} glued no {name!r}")
            return values[name]

        digests = {f"{doc}.ipynb": glue_digest(self.glue(doc)) for doc in documents_glued(chapter)}
        return build(chapter, lookup, digests, self.current)


def documents_glued(chapter: str) -> list[str]:
    """The chapters whose values a chapter's text quotes: itself, and those of its other.ipynb::name roles."""
    docs = {chapter}
    for text in markdown_sources(ROOT / f"{chapter}.ipynb"):
        for content in re.findall(r"\{glue(?::\w+)?\}`([^`]*)`", text):
            doc, _, _ = split_glue_reference(content)
            docs.add(resolve_document(chapter, doc))
    return sorted(docs)


def recorded(path: Path) -> dict:
    """The record a participant notebook carries (metadata.hlm_participant), or {}."""
    if not path.exists():
        return {}
    return json.loads(path.read_text()).get("metadata", {}).get(METADATA_KEY, {})


def rebuild_from_record(chapter: str, folder: Path = PARTICIPANT):
    """The chapter's two notebooks made again from the current chapter with the values the committed
    notebooks record: equal to the committed ones if nothing changed since they were written."""
    stem = chapter.split("/")[-1]
    record = recorded(folder / f"{stem}.ipynb")
    values = record.get("glued", {})

    def lookup(doc, name):
        key = f"{doc}::{name}" if doc else name
        if key not in values:
            raise KeyError(key)
        return values[key]

    return build(chapter, lookup, record.get("executions", {}), fingerprint())


def check(chapter: str, folder: Path = PARTICIPANT) -> list[str]:
    """What is out of step between the committed notebooks of a chapter and the chapter: [] if nothing."""
    stem = chapter.split("/")[-1]
    paths = [folder / f"{stem}.ipynb", folder / f"{stem}-solutions.ipynb"]
    missing = [p.name for p in paths if not p.exists()]
    if missing:
        return [f"{', '.join(missing)} missing"]
    record = recorded(paths[0])
    problems = []
    for source, digest in record.get("sources", {}).items():
        if not (ROOT / source).exists() or sha256(ROOT / source) != digest:
            problems.append(f"{source} changed since {paths[0].name} was written")
    if record.get("fingerprint") != fingerprint():
        problems.append("hlm_helpers or requirements.txt changed since the notebooks were written "
                        "(the chapters' numbers may have changed)")
    try:
        expected = rebuild_from_record(chapter, folder)
    except KeyError as error:
        return problems + [f"the chapter now quotes {error.args[0]!r}, which {paths[0].name} does not record"]
    if not problems:
        for path, notebook in zip(paths, expected):
            if path.read_text() != serialise(notebook):
                problems.append(f"{path.name} is not what {GENERATOR} writes from {chapter}.ipynb "
                                f"(edited by hand, or the script changed): {first_difference(path, notebook)}")
    return problems


def first_difference(path: Path, notebook) -> str:
    committed = nbformat.reads(path.read_text(), as_version=4)
    for i, (old, new) in enumerate(zip(committed.cells, notebook.cells)):
        if old.source != new.source or old.cell_type != new.cell_type or old.metadata != new.metadata:
            return f"cell {i} differs"
    if len(committed.cells) != len(notebook.cells):
        return f"{len(committed.cells)} cells instead of {len(notebook.cells)}"
    return "the notebook's metadata or format differs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="chapter names (default: every chapter of _toc.yml)")
    parser.add_argument("--cache", type=Path, default=BUILD_CACHE, help="the jupyter-cache of the executed chapters "
                        "(default: the build's, _build/.jupyter_cache)")
    parser.add_argument("--out", type=Path, default=PARTICIPANT, help="where to write (default: participant/)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the notebooks in --out "
                        "are out of step with the chapters (needs no build)")
    args = parser.parse_args(argv)
    known = chapter_files()
    chapters = [f"chapters/{name.removeprefix('chapters/').removesuffix('.ipynb')}" for name in args.chapters] or known
    unknown = [c for c in chapters if c not in known]
    if unknown:
        parser.error(f"not chapters of _toc.yml: {unknown}")
    if args.check:
        failed = {c: check(c, args.out) for c in chapters}
        for chapter, problems in failed.items():
            for problem in problems:
                print(f"{chapter}: {problem}", file=sys.stderr)
        if any(failed.values()):
            print(f"Build the book (python tools/build_book.py) and run python {GENERATOR}.", file=sys.stderr)
            return 1
        print(f"{len(chapters)} chapters: participant notebooks in step")
        return 0
    executions = Executions(args.cache)
    args.out.mkdir(parents=True, exist_ok=True)
    for chapter in chapters:
        stem = chapter.split("/")[-1]
        participant, solutions = executions.build(chapter)
        for name, notebook in ((f"{stem}.ipynb", participant), (f"{stem}-solutions.ipynb", solutions)):
            (args.out / name).write_text(serialise(notebook))
        n = len(participant.metadata[METADATA_KEY]["glued"])
        print(f"{chapter}: {stem}.ipynb and {stem}-solutions.ipynb written ({n} glued values)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
