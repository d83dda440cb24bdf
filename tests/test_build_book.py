"""tools/build_book.py: chapters it executes are the ones Jupyter Book's cache mode then renders."""

import importlib.util
import sys

import nbformat
import yaml
from jupyter_cache import get_cache

from chapters import ROOT

spec = importlib.util.spec_from_file_location("build_book", ROOT / "tools" / "build_book.py")
build_book = importlib.util.module_from_spec(spec)
sys.modules["build_book"] = build_book  # its worker processes find execute() by the module's name
spec.loader.exec_module(build_book)


def notebook(folder, name, code):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def test_executed_notebooks_are_found_as_myst_nb_looks_them_up(tmp_path):
    path = notebook(tmp_path, "good", "import os\nprint(6 * 7, os.getcwd())")
    cache_dir = tmp_path / "_build" / ".jupyter_cache"
    assert build_book.execute_all([path], cache_dir, jobs=1, timeout=60, allow_errors=False)
    # What myst-nb's cache mode does when Sphinx reads the page: match the unexecuted source.
    _, merged = get_cache(str(cache_dir)).merge_match_into_notebook(nbformat.read(path, as_version=4))
    assert merged.cells[0].outputs[0]["text"] == f"42 {tmp_path}\n"  # run in the notebook's folder


def test_the_cache_is_emptied_and_a_failing_chapter_is_reported(tmp_path, capsys):
    cache_dir = tmp_path / "_build" / ".jupyter_cache"
    old = notebook(tmp_path, "old", "print('old')")
    assert build_book.execute_all([old], cache_dir, jobs=1, timeout=60, allow_errors=False)
    good, bad = notebook(tmp_path, "good", "print('fresh')"), notebook(tmp_path, "bad", "1 / 0")
    assert not build_book.execute_all([good, bad], cache_dir, jobs=2, timeout=60, allow_errors=False)
    out = capsys.readouterr().out
    assert "bad.ipynb: FAILED" in out and "ZeroDivisionError" in out
    cache = get_cache(str(cache_dir))
    cached = {record.uri for record in cache.list_cache_records()}
    assert cached == {str(good)}  # not the failing one, and nothing from before


def test_only_keeps_the_other_executions(tmp_path):
    # --only executes into the cache without emptying it: the other chapters' records stay
    cache_dir = tmp_path / "_build" / ".jupyter_cache"
    old = notebook(tmp_path, "old", "print('old')")
    assert build_book.execute_all([old], cache_dir, jobs=1, timeout=60, allow_errors=False)
    new = notebook(tmp_path, "new", "print('new')")
    assert build_book.execute_all([new], cache_dir, jobs=1, timeout=60, allow_errors=False, empty=False)
    assert {record.uri for record in get_cache(str(cache_dir)).list_cache_records()} == {str(old), str(new)}


def test_only_refuses_unknown_chapters_and_stale_others(tmp_path, capsys):
    assert build_book.main(["--only", "no_such_chapter", "--path-output", str(tmp_path)]) == 2
    assert "no_such_chapter is not a chapter of _toc.yml" in capsys.readouterr().err
    # an empty cache: every other chapter's execution is missing, so it refuses before executing pooling
    assert build_book.main(["--only", "pooling", "--path-output", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "radon" in err and "pooling" not in err.split("so the site")[0]
    assert not (tmp_path / "_build" / ".jupyter_cache").exists()


def test_it_refuses_a_configuration_that_would_execute_again(tmp_path, capsys):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "cache"  # what the README's build relies on
    config["execute"]["execute_notebooks"] = "force"
    (tmp_path / "force.yml").write_text(yaml.safe_dump(config))
    assert build_book.main(["--config", str(tmp_path / "force.yml")]) == 2
    assert "execute_notebooks: force" in capsys.readouterr().err


def test_longest_chapters_start_first():
    notebooks = build_book.longest_first([ROOT / "chapters" / "capstone.ipynb", ROOT / "chapters" / "checking.ipynb",
                                          ROOT / "chapters" / "not_measured.ipynb"])
    assert [path.stem for path in notebooks] == ["not_measured", "checking", "capstone"]


def test_each_chapters_tests_share_one_test_process(request):
    """The xdist group tests/conftest.py gives a test: its chapter, whichever file the test is in."""
    from conftest import chapter_of

    class Item:  # the two attributes chapter_of reads from a pytest item
        def __init__(self, path, params=None):
            self.path = path
            if params is not None:
                self.callspec = type("CallSpec", (), {"params": params})()

    tests = ROOT / "tests"
    assert chapter_of(Item(tests / "test_chapters.py", {"path": ROOT / "chapters" / "radon.ipynb"})) == "radon"
    assert chapter_of(Item(tests / "test_radon_chapter.py")) == "radon"
    assert chapter_of(Item(tests / "test_site.py")) is None
    # and the hook gave this test no group, since it executes no chapter
    assert not list(request.node.iter_markers("xdist_group"))


# --- the tests read the build's executions while they are current (tests/chapters.py) ----------------


def test_the_tests_read_the_build_s_execution_only_while_it_is_current(tmp_path, monkeypatch):
    import chapters

    cache_dir = tmp_path / "_build" / ".jupyter_cache"
    path = notebook(tmp_path, "chapter", "import random\nprint(random.random())")
    assert build_book.execute_all([path], cache_dir, jobs=1, timeout=60, allow_errors=False)
    built = get_cache(str(cache_dir)).list_cache_records()[0]
    assert built.data["fingerprint"] == chapters.fingerprint()  # the build stamps what it ran with
    build_output = chapters.cached_execution(path, cache_dir).cells[0].outputs[0]["text"]

    # Current: the tests get the build's output (a random number: a fresh run would print another).
    run = chapters.run_chapter(path, cache_dir)
    assert getattr(run, "from_cache", False) and run.nb.cells[0].outputs[0]["text"] == build_output
    # Another helper package or lock: the cached execution is stale.
    assert chapters.cached_execution(path, cache_dir, current="another fingerprint") is None
    # Another chapter code: no match in the cache, so the tests execute the chapter themselves.
    changed = notebook(tmp_path, "chapter", "import random\nprint('changed', random.random())")
    assert chapters.cached_execution(changed, cache_dir) is None
    fresh = chapters.run_chapter.__wrapped__(changed, cache_dir)
    assert not getattr(fresh, "from_cache", False) and fresh.nb.cells[0].outputs[0]["text"].startswith("changed")
    # HLM_EXECUTE_CHAPTERS=always ignores even a current cache.
    unchanged = notebook(tmp_path, "chapter", "import random\nprint(random.random())")
    monkeypatch.setenv("HLM_EXECUTE_CHAPTERS", "always")
    forced = chapters.run_chapter.__wrapped__(unchanged, cache_dir)
    assert not getattr(forced, "from_cache", False) and forced.nb.cells[0].outputs[0]["text"] != build_output


def test_a_plain_jupyter_book_execution_is_not_trusted(tmp_path):
    # jupyter-book build executes changed chapters into the same cache without a fingerprint: such a
    # record may have run with other helpers, so the tests execute the chapter themselves.
    import chapters
    from jupyter_cache.base import CacheBundleIn

    cache_dir = tmp_path / "_build" / ".jupyter_cache"
    path = notebook(tmp_path, "chapter", "print(42)")
    executed = nbformat.read(path, as_version=4)
    executed.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    get_cache(str(cache_dir)).cache_notebook_bundle(CacheBundleIn(executed, str(path)), check_validity=False)
    assert chapters.cached_execution(path, cache_dir) is None


def test_the_fingerprint_covers_the_helpers_and_the_lock(tmp_path):
    import chapters

    (tmp_path / "hlm_helpers").mkdir()
    (tmp_path / "hlm_helpers" / "data.py").write_text("x = 1\n")
    (tmp_path / "requirements.txt").write_text("pymc==6.4.0\n")
    before = chapters.fingerprint(tmp_path)
    (tmp_path / "hlm_helpers" / "data.py").write_text("x = 2\n")
    after_helpers = chapters.fingerprint(tmp_path)
    (tmp_path / "requirements.txt").write_text("pymc==6.4.1\n")
    after_lock = chapters.fingerprint(tmp_path)
    assert len({before, after_helpers, after_lock}) == 3
