"""Execute one chapter, render it alone, and check it as a reader sees it: a quick loop for editing a chapter.

Usage (from the project root)::

    python tools/preview_chapter.py radon                  # execute, render, check at 1280 and 390 px
    python tools/preview_chapter.py radon --executed nb.ipynb   # render a notebook executed before

The whole book takes minutes to build and a chapter's figures, captions and code boxes are seen only on
its built page. This script executes ``chapters/<name>.ipynb`` (as the tests do, in the chapters folder),
writes the executed notebook to ``<out>/executed.ipynb``, renders a book of that one chapter (plus the
landing page and the glossary, which chapters link to) into ``<out>/html`` without executing anything
again, and runs the site check (``tools/check_site.py``) on the chapter's page at both widths, with its
screenshots in ``<out>/screenshots``. Links to the other chapters cannot resolve in a one-chapter book:
they are printed as notes, not failures (the full build checks them). Exit status 1 when the chapter
fails to execute or the check finds a problem.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))
import check_site  # noqa: E402
from chapters import execute_chapter  # noqa: E402

COPIED = ["_static", "_extra", "_ext", "references.bib", "intro.md", "glossary.md"]


def one_chapter_book(name: str, executed: nbformat.NotebookNode, book: Path) -> None:
    for item in COPIED:
        source = ROOT / item
        if source.is_dir():
            shutil.copytree(source, book / item)
        elif source.exists():
            shutil.copy(source, book / item)
    (book / "chapters").mkdir()
    nbformat.write(executed, book / "chapters" / f"{name}.ipynb")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    (book / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    toc = {"format": "jb-book", "root": "intro",
           "parts": [{"caption": "Preview", "numbered": True, "chapters": [{"file": f"chapters/{name}"}]},
                     {"caption": "For workshops", "chapters": [{"file": "glossary"}]}]}
    (book / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapter", help="the notebook's name in chapters/, without .ipynb")
    parser.add_argument("--executed", type=Path, help="an executed copy of the chapter (skips executing)")
    parser.add_argument("--out", type=Path, help="output folder (default: _build/preview/<chapter>)")
    args = parser.parse_args(argv)
    name = args.chapter.removesuffix(".ipynb").removeprefix("chapters/")
    out = (args.out or ROOT / "_build" / "preview" / name).resolve()
    out.mkdir(parents=True, exist_ok=True)

    if args.executed:
        executed = nbformat.read(args.executed, as_version=4)
    else:
        print(f"executing chapters/{name}.ipynb ...", flush=True)
        start = time.perf_counter()
        result = execute_chapter(ROOT / "chapters" / f"{name}.ipynb")
        seconds = time.perf_counter() - start
        executed = result.nb
        nbformat.write(executed, out / "executed.ipynb")
        if result.error is not None:
            print(f"the chapter failed: {result.error.summary}", file=sys.stderr)
            return 1
        print(f"executed in {seconds:.0f} s: {out / 'executed.ipynb'}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        book.mkdir()
        one_chapter_book(name, executed, book)
        build = subprocess.run(["jupyter-book", "build", str(book), "--path-output", str(out)],
                               capture_output=True, text=True)
        if build.returncode != 0 or not (out / "_build" / "html" / "index.html").exists():
            print(build.stdout[-3000:], build.stderr[-3000:], file=sys.stderr)
            return 1
        # references to the other chapters cannot resolve in a one-chapter book
        elsewhere = ("unknown document", "undefined label", "failed to create a cross", "glue_ref",
                     "chapter-figure")
        warnings = [line for line in build.stderr.splitlines() if "WARNING" in line
                    and (name in line or "glossary" in line)
                    and not any(text in line for text in elsewhere)]
        for line in warnings:
            print(f"  build warning: {line}")
        html = out / "_build" / "html"
        config = yaml.safe_load((ROOT / "_config.yml").read_text())
        results = check_site.check_site(html, [f"chapters/{name}"], out / "screenshots", config)
    problems = results[f"chapters/{name}"]
    notes = [p for p in problems if "broken link" in p]
    failures = [p for p in problems if p not in notes]
    for problem in notes:
        print(f"  note (other chapters are not in the preview): {problem}")
    for problem in failures:
        print(f"FAIL: {problem}")
    print(f"{len(failures)} problem(s); page {html / 'chapters' / (name + '.html')}; "
          f"screenshots {out / 'screenshots'}")
    return 1 if failures or warnings else 0


if __name__ == "__main__":
    sys.exit(main())
