"""Error metrics for point and interval predictions."""

from __future__ import annotations

import numpy as np

__all__ = ["interval_coverage", "rmsd"]


def _as_1d(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}.")
    if len(arr) == 0:
        raise ValueError(f"{name} is empty.")
    if np.isnan(arr).any():
        raise ValueError(f"{name} has {int(np.isnan(arr).sum())} NaN value(s); drop or fill them first.")
    return arr


def rmsd(observed, predicted) -> float:
    """Root mean squared difference, in the units of the data.

    Parameters
    ----------
    observed, predicted : array-like, 1-D, same length
        Observations and point predictions (for example posterior predictive means).
    """
    y = _as_1d(observed, "observed")
    yhat = _as_1d(predicted, "predicted")
    if y.shape != yhat.shape:
        raise ValueError(f"observed has {len(y)} values but predicted has {len(yhat)}.")
    return float(np.sqrt(np.mean((y - yhat) ** 2)))


def interval_coverage(observed, draws, prob: float = 0.9) -> float:
    """Share of observations inside their central ``prob`` predictive interval.

    Parameters
    ----------
    observed : array-like, shape (n,)
        Observations.
    draws : array-like, shape (n_draws, n)
        Predictive draws; chains flattened into the first axis.
    prob : float
        Mass of the central interval, between 0 and 1.
    """
    if not 0 < prob < 1:
        raise ValueError(f"prob must be between 0 and 1; got {prob}.")
    y = _as_1d(observed, "observed")
    draws = np.asarray(draws, dtype=float)
    if draws.ndim != 2 or draws.shape[1] != len(y):
        raise ValueError(f"draws must have shape (n_draws, {len(y)}); got {draws.shape}.")
    lo, hi = np.quantile(draws, [(1 - prob) / 2, (1 + prob) / 2], axis=0)
    return float(np.mean((y >= lo) & (y <= hi)))
