"""Run chapter notebooks (or read the book build's execution of them), read the numbers they ``glue``,
and their measured run times.

A chapter's tests need the chapter executed. ``tools/build_book.py`` executes every chapter into Jupyter
Book's cache (``_build/.jupyter_cache``) and stamps each record with the fingerprint of what else decides
the outputs: the helper package's code and the lock of installed packages. ``run_chapter`` reads a
chapter from that cache when the cached execution is of the chapter's current code (jupyter-cache matches
a notebook by the hash of its code cells) *and* carries the current fingerprint; otherwise it executes the
chapter itself, through nbmake. So ``python -m pytest`` after the build tests the build's executions,
and ``python -m pytest`` alone (or after any change) still tests everything afresh. Set
``HLM_EXECUTE_CHAPTERS=always`` to execute every chapter regardless of the cache.

``HLM_CHAPTER_OUTPUTS=<folder>`` makes the chapter tests read executions made elsewhere instead:
``<folder>/<chapter>.ipynb`` (or ``<chapter>.error.txt`` when that execution failed). The planted-bug
suite (tests/planted.py) and the seed benchmark (benchmarks/seeds.py) run the chapter tests so,
against a deliberately wrong chapter or the chapter under another seed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat
import pandas as pd
import yaml
from nbmake.nb_run import NotebookRun

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_TIMEOUT = 600  # seconds per cell, as in _config.yml
BUILD_CACHE = ROOT / "_build" / ".jupyter_cache"
# Besides a chapter's own code, what its outputs depend on: the helpers it imports and the packages installed.
FINGERPRINTED = ["hlm_helpers/**/*.py", "requirements.txt"]


def toc_files() -> list[str]:
    """Files listed in _toc.yml (without suffix), root first."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def toc_notebooks() -> list[Path]:
    """Notebooks listed in _toc.yml."""
    return [ROOT / f"{f}.ipynb" for f in toc_files() if (ROOT / f"{f}.ipynb").exists()]


def latest_seconds() -> dict[str, float]:
    """Each chapter's latest successful run time in benchmarks/results/chapter_times.csv, by notebook stem."""
    times_file = ROOT / "benchmarks" / "results" / "chapter_times.csv"
    if not times_file.exists():
        return {}
    times = pd.read_csv(times_file)
    return times[times["ok"].astype(bool)].groupby("chapter")["seconds"].last().to_dict()


def fingerprint(root: Path = ROOT) -> str:
    """A hash of the files besides a chapter's code that decide its outputs (FINGERPRINTED, under root)."""
    digest = hashlib.sha256()
    for path in sorted({p for pattern in FINGERPRINTED for p in root.glob(pattern)}):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cached_execution(path: Path, cache_dir: Path = BUILD_CACHE, current: str | None = None):
    """The notebook at path with the outputs of the build's execution of it, if that execution is current:
    of the same code cells (jupyter-cache's match), stamped with the current fingerprint. Else None."""
    if not (Path(cache_dir) / "global.db").exists():
        return None
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    notebook = nbformat.read(path, as_version=4)
    try:
        record = cache.match_cache_notebook(notebook)
    except KeyError:  # no execution of this code in the cache
        return None
    if record.data.get("fingerprint") != (current or fingerprint()):
        return None  # executed with other helpers or packages (or by a plain jupyter-book build, unstamped)
    _, merged = cache.merge_match_into_notebook(notebook)
    return merged


@dataclass
class CachedRun:
    """The part of nbmake's result that the tests read, for a chapter read from the build's cache."""

    nb: nbformat.NotebookNode
    error: None = None
    from_cache: bool = True


@dataclass
class FailedRun:
    """An execution made elsewhere (HLM_CHAPTER_OUTPUTS) that stopped with an error."""

    nb: nbformat.NotebookNode | None
    error: object
    from_cache: bool = True


@dataclass
class RunError:
    summary: str
    trace: str = ""


def outside_execution(path: Path):
    """The execution of the chapter at path in HLM_CHAPTER_OUTPUTS, if that variable is set."""
    folder = os.environ.get("HLM_CHAPTER_OUTPUTS")
    if not folder:
        return None
    stem = Path(path).stem
    failed = Path(folder) / f"{stem}.error.txt"
    if failed.exists():
        return FailedRun(None, RunError(failed.read_text()))
    executed = Path(folder) / f"{stem}.ipynb"
    if not executed.exists():
        raise FileNotFoundError(f"HLM_CHAPTER_OUTPUTS={folder} has no {executed.name}")
    return CachedRun(nbformat.read(executed, as_version=4))


@lru_cache(maxsize=None)
def run_chapter(path: Path, cache_dir: Path = BUILD_CACHE):
    """A chapter's execution, once per test session: the build's, when current (see the module's
    docstring), else its own through nbmake. Returns nbmake's result, or a CachedRun."""
    outside = outside_execution(path)
    if outside is not None:
        return outside
    if os.environ.get("HLM_EXECUTE_CHAPTERS") != "always":
        notebook = cached_execution(Path(path), cache_dir)
        if notebook is not None:
            return CachedRun(notebook)
    return execute_chapter(path)


def execute_chapter(path: Path):
    """Execute a notebook now, through nbmake (never from a cache: the benchmarks time this)."""
    return NotebookRun(Path(path), default_timeout=CHAPTER_TIMEOUT).execute()


def chapter_numbers(path: Path) -> dict:
    """Run a chapter (once per session), fail if it errors, and return what it glued."""
    result = run_chapter(path)
    assert result.error is None, f"{Path(path).name} failed: {result.error.summary}"
    return glued(result.nb)


GLUE_MIME = "application/papermill.record/text/plain"


def _parse(text):
    """A number or boolean from its repr (``hlm.glue`` records plain Python values); else the string."""
    if not isinstance(text, str):
        return text
    if text in ("True", "False"):
        return text == "True"
    try:
        return json.loads(text)
    except ValueError:
        return text.strip("'\"")


def glued(nb) -> dict:
    """The values a notebook glued with ``myst_nb.glue``, by name (plain-text form parsed)."""
    values = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is None:
                continue
            data = out.get("data", {})
            text = data.get(GLUE_MIME, data.get("text/plain"))
            values[name] = _parse(text)
    return values
