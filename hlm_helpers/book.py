"""Quoting computed numbers in the prose of a chapter."""

from __future__ import annotations

import numpy as np

__all__ = ["glue"]

# What myst_nb.glue(..., display=False) writes: the value's display data under this MIME prefix,
# with the name in the output's metadata, where the book build (and tests/chapters.py) reads it.
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value) -> None:
    """Record ``value`` for the prose (``{glue:text}`name:.2f```) without displaying it.

    A thin wrapper around :func:`myst_nb.glue` that first turns NumPy scalars into plain Python
    numbers: NumPy 2 prints them as ``np.float64(0.5)``, which the book cannot format. Without
    MyST-NB (the participant environment, ``requirements-participant.txt``, leaves the book out),
    it records the value in the same form itself, so that a chapter runs there unchanged.
    """
    if isinstance(value, np.generic):
        value = value.item()
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        _record(name, value)
        return
    myst_glue(name, value, display=False)


def _record(name: str, value) -> None:
    """What :func:`myst_nb.glue` does with ``display=False``, without MyST-NB."""
    try:
        from IPython.core.formatters import format_display_data
        from IPython.display import display
    except ImportError:  # a plain Python script: nothing to record into
        return
    bundle, metadata = format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_PREFIX}
    display({GLUE_PREFIX + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)
