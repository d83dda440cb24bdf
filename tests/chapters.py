"""Run chapter notebooks through nbmake, read the numbers they ``glue``, and their measured run times."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml
from nbmake.nb_run import NotebookRun

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_TIMEOUT = 600  # seconds per cell, as in _config.yml


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


@lru_cache(maxsize=None)
def run_chapter(path: Path):
    """Execute a notebook once per test session through nbmake; return nbmake's result."""
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
