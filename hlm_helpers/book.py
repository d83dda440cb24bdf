"""Quoting computed numbers in the prose of a chapter."""

from __future__ import annotations

import numpy as np

__all__ = ["glue"]


def glue(name: str, value) -> None:
    """Record ``value`` for the prose (``{glue:text}`name:.2f```) without displaying it.

    A thin wrapper around :func:`myst_nb.glue` that first turns NumPy scalars into plain Python
    numbers: NumPy 2 prints them as ``np.float64(0.5)``, which the book cannot format.
    """
    from myst_nb import glue as myst_glue

    if isinstance(value, np.generic):
        value = value.item()
    myst_glue(name, value, display=False)
