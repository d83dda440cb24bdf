"""Checks of what the helpers are given, shared by all of them: one message per kind of mistake.

Each check raises at the helper's boundary, with what is wrong, in which input, and what to do,
instead of letting NumPy, pandas or PyTensor fail deep inside (or, worse, compute a number).
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd


def nonfinite(values: np.ndarray) -> str | None:
    """``"2 NaN and 1 infinite value(s) (first at position 4)"``, or None when all are finite."""
    if values.dtype.kind not in "fc":
        return None
    nan, inf = np.isnan(values), np.isinf(values)
    if not (nan.any() or inf.any()):
        return None
    parts = [f"{int(nan.sum())} NaN"] * bool(nan.any()) + [f"{int(inf.sum())} infinite"] * bool(inf.any())
    first = np.unravel_index(np.flatnonzero((nan | inf).ravel())[0], values.shape)
    where = first[0] if len(first) == 1 else tuple(int(i) for i in first)
    return f"{' and '.join(parts)} value(s) (first at position {where})"


def as_array(values, name: str, *, vector: bool = True, scalar_ok: bool = False) -> np.ndarray:
    """``values`` as a float array: numbers only, one-dimensional (any shape unless ``vector``; a
    single number too if ``scalar_ok``), not empty, finite."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be numbers; {err}. Convert the column first, or pick the "
                        "numeric one.") from None
    if scalar_ok and array.ndim == 0:
        array = array[None]
    if vector and array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, one value per row; got shape {array.shape}. "
                         "Pass a single column, e.g. df['x'], not df[['x']].")
    if array.size == 0:
        raise ValueError(f"{name} is empty: no values to use. Check the selection that made it.")
    problem = nonfinite(array)
    if problem:
        what = "NaN" if "NaN" in problem else "infinite"
        raise ValueError(f"{name} has {problem}; the helpers need finite numbers ({what} would "
                         "propagate into the result): drop or fill them first.")
    return array


def as_prob(prob, name: str = "prob") -> float:
    """A probability strictly between 0 and 1; a percentage (90 for 0.9) is refused with that hint."""
    if isinstance(prob, bool) or not isinstance(prob, numbers.Real):
        raise TypeError(f"{name} must be a number between 0 and 1, such as 0.9; got {prob!r}.")
    if not 0 < prob < 1:
        hint = f" Did you mean {name}={prob / 100:g}? It is a probability, not a percentage." if 1 < prob < 100 else ""
        raise ValueError(f"{name} must lie strictly between 0 and 1; got {prob}.{hint}")
    return float(prob)


def as_names(names, name: str) -> list[str] | None:
    """A list of names: a single string is one name (as in ArviZ), None stays None, empty is refused."""
    if names is None:
        return None
    if isinstance(names, str):
        return [names]
    try:
        names = list(names)
    except TypeError:
        raise TypeError(f"{name} must be a name or a list of names; got {type(names).__name__}.") from None
    if not names:
        raise ValueError(f"{name} is empty: give at least one name, or None for the default.")
    bad = [n for n in names if not isinstance(n, str)]
    if bad:
        raise TypeError(f"{name} must hold names (strings); got {bad[:3]}.")
    return names


def as_number(value, name: str, *, low: float | None = None, integer: bool = False) -> float:
    """A finite number (an integer if ``integer``), at least ``low``."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{name} must be {'an integer' if integer else 'a number'}; got {value!r}.")
    if not np.isfinite(value) or (low is not None and value < low):
        raise ValueError(f"{name} must be a finite number of at least {low}; got {value}.")
    return value


def same_index(a, b, names: tuple[str, str]) -> None:
    """Two pandas objects must be in the same row order: NumPy would pair them by position."""
    if isinstance(a, pd.Series | pd.DataFrame) and isinstance(b, pd.Series | pd.DataFrame):
        if not a.index.equals(b.index):
            raise ValueError(
                f"{names[0]} and {names[1]} are pandas objects with different indexes, so their rows "
                f"would be paired by position, not by label. Align them first, e.g. "
                f"{names[1]}.reindex({names[0]}.index), or pass arrays in the same order."
            )


def normalise_label(label) -> str:
    """The key two labels share when they differ only in spaces or case."""
    return " ".join(str(label).split()).casefold()


def label_hint(unknown, known) -> str:
    """Why labels were not found, when a likely reason shows: spaces or case, or numbers against text."""
    known, unknown = list(known), list(unknown)
    text_known = all(isinstance(k, str) for k in known)
    if text_known and all(isinstance(u, numbers.Number) for u in unknown):
        return (f" The labels given are numbers but the model's are text (e.g. {known[0]!r}): "
                "pass the labels as text (.astype(str)), or, if these are integer codes, pass codes "
                "where codes are expected.")
    if not text_known and all(isinstance(u, str) for u in unknown):
        return f" The labels given are text but the model's are not (e.g. {known[0]!r}): convert them."
    by_key = {normalise_label(k): k for k in known}
    near = [(u, by_key[normalise_label(u)]) for u in unknown if normalise_label(u) in by_key]
    if near:
        pairs = ", ".join(f"{u!r} is {k!r}" for u, k in near[:3])
        return f" Labels must match exactly: {pairs} up to spaces or case."
    return ""
