"""Build the book: execute every chapter afresh, two at a time, then render the site with Jupyter Book.

Usage (from the project root)::

    python tools/build_book.py              # what the README and CI run
    python tools/build_book.py --jobs 1     # one chapter at a time, as a plain jupyter-book build does
    python tools/build_book.py --path-output /tmp/book --config other_config.yml   # passed on
    python tools/build_book.py --only pooling radon   # re-execute these chapters only, then render

``--only`` is for a maintainer who changed one or two chapters: it executes the chapters named into
the existing cache (without emptying it) and renders the site, and refuses, before executing
anything, when another chapter's cached execution is not current (``tests/chapters.py``: of its
code, with the helpers and the lock as they are now), since the site would then show stale outputs.
CI and the README's build run without it.

Jupyter Book 1 executes the notebooks one after another while Sphinx reads them. Most of a
chapter's time runs on one core (compiling each model, drawing figures, computing summaries), so on
a 2-core machine two chapters executed side by side finish in about two thirds of the time of
running them in turn. This script

1. empties the book's execution cache (``_build/.jupyter_cache``, the one Jupyter Book reads), so
   that every chapter is executed afresh, with the project's code as it is now;
2. executes every notebook in ``_toc.yml`` into that cache, ``--jobs`` at a time, the longest
   chapters first (by their latest time in ``benchmarks/results/chapter_times.csv``), each in its
   own kernel in the notebook's folder, with the timeout of ``_config.yml``, and stamps each record
   with the fingerprint of the helper package and the lock it ran with (``tests/chapters.py``: the
   tests then read these executions instead of executing the chapters again, while they are current);
3. stops with the traceback if a chapter fails; otherwise runs
   ``jupyter-book build . -W --keep-going --all``, which finds every notebook executed
   (``execute_notebooks: cache`` in ``_config.yml``) and only renders the site.

A chapter's outputs are the same whether it ran alone or beside another: every random number comes
from the chapter's seed. Only the wall times a chapter reports about itself (for example how long a
fit took) are longer when it shares the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from chapters import fingerprint, latest_seconds, toc_notebooks  # noqa: E402


def execution_settings(config: Path) -> dict:
    """The ``execute`` section of the book's configuration."""
    return yaml.safe_load(config.read_text()).get("execute", {})


def longest_first(notebooks: list[Path]) -> list[Path]:
    """Notebooks ordered by their latest measured run time, longest first; unmeasured ones first of all."""
    latest = latest_seconds()
    return sorted(notebooks, key=lambda path: -latest.get(path.stem, float("inf")))


def execute(path: Path, timeout: int, allow_errors: bool) -> tuple[Path, nbformat.NotebookNode, float, str | None]:
    """Execute one notebook in its own folder (in a worker process); return it with its outputs."""
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    try:
        result = single_nb_execution(notebook, cwd=str(path.parent), timeout=timeout, allow_errors=allow_errors,
                                     meta_override=True)
    except Exception:  # the kernel died, or could not start: report it like a failing cell
        import traceback

        return path, notebook, time.perf_counter() - start, traceback.format_exc()
    return path, result.nb, result.time, (result.exc_string if result.err is not None else None)


def execute_all(notebooks: list[Path], cache_dir: Path, jobs: int, timeout: int, allow_errors: bool,
                empty: bool = True) -> bool:
    """Execute the notebooks into a jupyter-cache at cache_dir, emptied first unless empty is False; True if
    every one succeeded."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    if empty and cache_dir.exists():
        shutil.rmtree(cache_dir)
    cache = get_cache(str(cache_dir))
    stamp = fingerprint()  # the helpers and the lock these executions ran with (tests/chapters.py reads it)
    failed = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(execute, path, timeout, allow_errors) for path in longest_first(notebooks)]
        for future in as_completed(futures):
            path, notebook, seconds, error = future.result()
            name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            if error is not None:
                failed.append(name)
                print(f"{name}: FAILED after {seconds:.0f} s\n{error}", flush=True)
                continue
            # Cached under the notebook's code, where Jupyter Book's cache mode looks it up.
            cache.cache_notebook_bundle(CacheBundleIn(notebook, str(path), data={"execution_seconds": seconds,
                                                                           "fingerprint": stamp}),
                                        check_validity=False, overwrite=True)
            print(f"{name}: executed in {seconds:.0f} s", flush=True)
    if failed:
        print(f"{len(failed)} chapter(s) failed: {', '.join(map(str, failed))}; the site was not built.",
              file=sys.stderr)
    return not failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="chapters executed at a time (default: 2, or 1 on a 1-core machine)")
    parser.add_argument("--config", type=Path, help="jupyter-book's --config (default: _config.yml)")
    parser.add_argument("--path-output", type=Path, help="jupyter-book's --path-output (default: the project root)")
    parser.add_argument("--only", nargs="+", metavar="CHAPTER",
                        help="re-execute only these chapters (names in chapters/, such as pooling) into the existing "
                             "cache; the others' cached executions must be current")
    args = parser.parse_args(argv)

    config = args.config or ROOT / "_config.yml"
    settings = execution_settings(config)
    # Jupyter Book reads executed notebooks from <output>/_build/.jupyter_cache unless the config names a cache.
    cache_dir = Path(settings.get("cache") or (args.path_output or ROOT) / "_build" / ".jupyter_cache")
    mode = settings.get("execute_notebooks")
    if mode not in ("cache", "off", False):  # YAML reads an unquoted off as False
        print(f"{config.name} sets execute_notebooks: {mode}, so Jupyter Book would execute the chapters again "
              "instead of using the executed ones; set it to cache (or off, to render without executing).",
              file=sys.stderr)
        return 2

    start = time.perf_counter()
    if mode == "cache":
        notebooks = toc_notebooks()
        if args.only:
            by_name = {path.stem: path for path in notebooks}
            unknown = [name for name in args.only if name not in by_name]
            if unknown:
                print(f"--only: {', '.join(unknown)} is not a chapter of _toc.yml; the chapters are "
                      f"{', '.join(sorted(by_name))}", file=sys.stderr)
                return 2
            from chapters import cached_execution

            stale = [path.stem for path in notebooks
                     if path.stem not in args.only and cached_execution(path, cache_dir) is None]
            if stale:
                print(f"--only: the cached executions of {', '.join(stale)} are missing or not current (their "
                      "code, the helpers or the lock changed since), so the site would show stale outputs: add "
                      "them to --only, or run the whole build without it", file=sys.stderr)
                return 2
            notebooks = [by_name[name] for name in args.only]
        print(f"executing {len(notebooks)} chapters, {args.jobs} at a time, into {cache_dir}", flush=True)
        if not execute_all(notebooks, cache_dir, args.jobs, int(settings.get("timeout", 600)),
                           bool(settings.get("allow_errors", False)), empty=not args.only):
            return 1
        print(f"every chapter executed in {time.perf_counter() - start:.0f} s; rendering the site", flush=True)
    else:
        print(f"{config.name} turns execution off: rendering the chapters as they are, unexecuted", flush=True)

    # --all: Sphinx re-reads every page, so none keeps the outputs of an earlier build.
    command = ["jupyter-book", "build", str(ROOT), "-W", "--keep-going", "--all"]
    if args.config is not None:
        command += ["--config", str(args.config)]
    if args.path_output is not None:
        command += ["--path-output", str(args.path_output)]
    print(" ".join(command), flush=True)
    finished = subprocess.run(command, cwd=ROOT)
    print(f"book built in {time.perf_counter() - start:.0f} s" if finished.returncode == 0 else "the build failed",
          flush=True)
    return finished.returncode


if __name__ == "__main__":
    sys.exit(main())
