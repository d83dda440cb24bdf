"""Wall-clock timing of a block, for the run times the chapters report."""

from __future__ import annotations

import time

__all__ = ["Timer"]


class Timer:
    """Context manager that records the wall time of its block in ``seconds``.

    Examples
    --------
    >>> with Timer() as t:
    ...     pass
    >>> t.seconds >= 0
    True
    """

    def __enter__(self):
        self._start = time.perf_counter()
        self.seconds = float("nan")
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        return False
