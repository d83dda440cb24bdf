import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hlm_helpers  # noqa: E402


@pytest.fixture(scope="session")
def king_county_dir():
    """Folder of the real kc_house_data.csv, wherever load_king_county() would find it without a download
    (HLM_DATA_DIR, the project's data/ folder, the cache); CI points HLM_DATA_DIR at ../shared/data."""
    found = hlm_helpers.find_king_county()
    if found is not None:
        return found.parent
    if os.environ.get("CI"):
        pytest.fail("CI must set HLM_DATA_DIR to a folder with kc_house_data.csv (see .ci/run).")
    pytest.skip("put kc_house_data.csv in data/ or point HLM_DATA_DIR at its folder (see README) to run this test")


def chapter_of(item) -> str | None:
    """The chapter a test executes: the notebook of test_chapters.py's parameter, or the <name> of
    test_<name>_chapter.py; None for tests that execute no chapter."""
    path = getattr(item, "callspec", None) and item.callspec.params.get("path")
    if isinstance(path, Path) and path.suffix == ".ipynb":
        return path.stem
    name = Path(item.path).stem
    if name.startswith("test_") and name.endswith("_chapter"):
        return name[len("test_"):-len("_chapter")]
    return None


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Keep each chapter's tests in one test process.

    The suite runs in two processes (pytest-xdist, ``-n 2 --dist loadgroup`` in pyproject.toml). A
    chapter executes once per process that asks for its numbers (tests/chapters.py caches the run),
    so every test of one chapter, and its run in test_chapters.py, goes to the same process; the
    chapters themselves are shared out between the two.
    """
    for item in items:
        chapter = chapter_of(item)
        if chapter is not None:
            item.add_marker(pytest.mark.xdist_group(chapter))


@pytest.fixture(scope="module")
def numbers(request):
    """The numbers a chapter glued, for a test module that names its chapter in CHAPTER (its
    execution read or made once per session by tests/chapters.py; the King County file required
    when the chapter loads it)."""
    from chapters import ROOT, chapter_numbers

    path = ROOT / "chapters" / f"{request.module.CHAPTER}.ipynb"
    if "load_king_county" in path.read_text():
        request.getfixturevalue("king_county_dir")
    return chapter_numbers(path)
