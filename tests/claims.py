"""Which glued numbers a chapter's prose quotes, and which of them its tests read (statically).

The rule (tests/test_claims.py): every number a chapter's prose quotes through ``{glue:text}`` is
read by that chapter's tests, or listed in the test module's ``NOT_ASSERTED`` with the kind of number
it is (a setting, a timing or a label) and why no test needs to check it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat

from chapters import ROOT

# {glue:text}`name`, `name:fmt`, or `other.ipynb::name:fmt` (a number another chapter glued)
GLUE_ROLE = re.compile(r"\{glue:text\}`(?:([\w-]+)\.ipynb::)?([^`:]+)(?::[^`]*)?`")
KINDS = ("setting", "timing", "label")


def quoted_names(chapter: str) -> set[str]:
    """Names of the glued values the chapter's markdown cells quote."""
    nb = nbformat.read(ROOT / "chapters" / f"{chapter}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return {name for other, name in GLUE_ROLE.findall(text) if other in ("", chapter)}


def quoted_elsewhere(chapter: str) -> set[str]:
    """Names of the chapter's glued values that other chapters quote (`chapter.ipynb::name`)."""
    names = set()
    for path in (ROOT / "chapters").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        names |= {name for other, name in GLUE_ROLE.findall(text) if other == chapter}
    return names


def chapter_tests(chapter: str) -> Path:
    return ROOT / "tests" / f"test_{chapter}_chapter.py"


def _patterns(tree: ast.AST) -> list[re.Pattern]:
    """Every string constant of the module (docstrings aside), and every f-string as a pattern in which
    each formatted part matches any name piece."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    # the module's own listings are not tests reading a number
    listings = [node for node in getattr(tree, "body", []) if isinstance(node, ast.Assign)
                and any(getattr(t, "id", None) in ("NOT_ASSERTED", "PLANTED") for t in node.targets)]
    for listing in listings:
        docstrings |= {id(n) for n in ast.walk(listing)}
    patterns = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [re.escape(v.value) if isinstance(v, ast.Constant) else r"\w+" for v in node.values]
            patterns.append(re.compile("".join(parts)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            patterns.append(re.compile(re.escape(node.value)))
    return patterns


def read_names(chapter: str, names: set[str]) -> set[str]:
    """Those of `names` that the chapter's test module spells out (as a string, or an f-string)."""
    tree = ast.parse(chapter_tests(chapter).read_text())
    patterns = _patterns(tree)
    return {name for name in names if any(p.fullmatch(name) for p in patterns)}


def not_asserted(chapter: str) -> dict[str, str]:
    """The test module's NOT_ASSERTED listing (name -> "kind: reason"), read without importing it."""
    tree = ast.parse(chapter_tests(chapter).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "NOT_ASSERTED" for t in node.targets):
            return ast.literal_eval(node.value)
    return {}


def planted(chapter: str) -> list[dict]:
    """The test module's PLANTED bugs ({"name", "why", "replace": [(old, new), ...]}), read statically."""
    tree = ast.parse(chapter_tests(chapter).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PLANTED" for t in node.targets):
            return ast.literal_eval(node.value)
    return []


def chapter_code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def plant(chapter: str, bug: dict):
    """The chapter's notebook with the bug planted: each `old` replaced by its `new`, in the one code
    cell where it occurs. Fails if an `old` does not occur exactly once in the chapter's code."""
    nb = nbformat.read(ROOT / "chapters" / f"{chapter}.ipynb", as_version=4)
    for old, new in bug["replace"]:
        count = chapter_code(nb).count(old)
        if count != 1:
            raise ValueError(f"{chapter}: planted bug {bug['name']!r}: {old!r} occurs {count} times in the code")
        cell = next(c for c in nb.cells if c.cell_type == "code" and old in c.source)
        cell.source = cell.source.replace(old, new)
    return nb
