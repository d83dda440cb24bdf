"""Error metrics for point and interval predictions."""

from __future__ import annotations

import numpy as np

from ._checks import as_array, as_prob, same_index

__all__ = ["interval_coverage", "rmsd"]


def rmsd(observed, predicted) -> float:
    """Root mean squared difference, in the units of the data.

    Parameters
    ----------
    observed, predicted : array-like, 1-D, same length
        Observations and point predictions (for example posterior predictive means). Two pandas
        Series must have the same index (rows in the same order).
    """
    y = as_array(observed, "observed")
    yhat = as_array(predicted, "predicted")
    if y.shape != yhat.shape:
        raise ValueError(f"observed has {len(y)} values but predicted has {len(yhat)}.")
    same_index(observed, predicted, ("observed", "predicted"))
    return float(np.sqrt(np.mean((y - yhat) ** 2)))


def interval_coverage(observed, draws, prob: float = 0.9) -> float:
    """Share of observations inside their central ``prob`` predictive interval.

    Parameters
    ----------
    observed : array-like, shape (n,)
        Observations.
    draws : array-like, shape (n_draws, n)
        Predictive draws; chains flattened into the first axis. Finite, and at least
        ``2 / (1 - prob)`` of them (20 for a 90% interval), so that the interval's ends are not
        the extreme draws.
    prob : float
        Mass of the central interval, between 0 and 1.
    """
    prob = as_prob(prob)
    y = as_array(observed, "observed")
    draws = as_array(draws, "draws", vector=False)
    if draws.ndim != 2 or draws.shape[1] != len(y):
        hint = ""
        if draws.ndim == 2 and draws.shape[0] == len(y):
            hint = " It looks transposed: pass draws.T."
        elif draws.ndim == 3:
            hint = " Stack chain and draw first: da.stack(sample=('chain', 'draw')).transpose('sample', ...)."
        raise ValueError(f"draws must have shape (n_draws, {len(y)}), one column per observation; "
                         f"got {draws.shape}.{hint}")
    needed = int(np.ceil(2 / (1 - prob) - 1e-9))
    if len(draws) < needed:
        raise ValueError(f"a {prob:.0%} interval needs at least {needed} draws per observation; got "
                         f"{len(draws)}. With fewer, its ends are the extreme draws: sample more.")
    lo, hi = np.quantile(draws, [(1 - prob) / 2, (1 + prob) / 2], axis=0)
    return float(np.mean((y >= lo) & (y <= hi)))
