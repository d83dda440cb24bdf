"""Every chapter in _toc.yml runs top to bottom, through nbmake."""

import pytest

from chapters import ROOT, run_chapter, toc_notebooks


@pytest.mark.chapter
@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_chapter_runs(path):
    result = run_chapter(path)
    assert result.error is None, f"{path.name} failed:\n{result.error.summary}\n{result.error.trace}"
