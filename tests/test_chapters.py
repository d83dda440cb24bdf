"""Every chapter in _toc.yml runs top to bottom, through nbmake."""

import pytest

from chapters import ROOT, run_chapter, toc_notebooks


@pytest.mark.chapter
@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_chapter_runs(path, request):
    if "load_king_county" in path.read_text():
        request.getfixturevalue("king_county_dir")  # skip without the King County file, fail in CI
    result = run_chapter(path)
    assert result.error is None, f"{path.name} failed:\n{result.error.summary}\n{result.error.trace}"
