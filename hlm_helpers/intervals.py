"""The course's one interval policy: 90% equal-tailed (central) credible intervals.

Why equal-tailed: its ends are the 5% and 95% posterior quantiles, so an interval for log radon or
log price becomes the interval for radon or price by exponentiating its ends (a highest-density
interval does not survive the transformation); it is what the coverage checks of the checking
chapter count (a 90% interval misses 5% of outcomes on each side); and it is defined for every
draw-based quantity without a density estimate. Why 90%: its ends are estimated stably from
4,000 draws, where 95% or 99% ends rest on a few dozen draws in the tails.

ArviZ 1's own default is an 89% equal-tailed interval (``arviz.rcParams["stats.ci_prob"]``), and
ArviZ 0.x's was a 94% highest-density one: every chapter passes ``ci_kind=hlm.CI_KIND`` and
``ci_prob=hlm.CI_PROB`` explicitly, so that no page depends on a library default.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ._checks import as_array, as_prob

__all__ = ["CI_KIND", "CI_PROB", "interval"]

#: The kind of every credible interval in the course (ArviZ's ``ci_kind``).
CI_KIND = "eti"
#: The probability of every credible interval in the course (ArviZ's ``ci_prob``).
CI_PROB = 0.9


def interval(draws, prob: float = CI_PROB, dims=("chain", "draw")):
    """Lower and upper ends of the central ``prob`` interval of ``draws``, as numbers.

    Parameters
    ----------
    draws : xarray.DataArray or array-like
        Posterior draws, finite. A DataArray is reduced over ``dims`` (those of them it has, at
        least one); an array over all its values.
    prob : float
        Probability inside the interval (the course's :data:`CI_PROB` by default).

    Returns
    -------
    (lower, upper)
        Floats for a scalar quantity, or DataArrays over the remaining dimensions.
    """
    prob = as_prob(prob)
    q = [(1 - prob) / 2, (1 + prob) / 2]
    if isinstance(draws, xr.DataArray):
        dims = (dims,) if isinstance(dims, str) else tuple(dims)
        over = [d for d in dims if d in draws.dims]
        if not over:
            raise ValueError(f"draws has dims {draws.dims}, none of {dims}: name the dims of the draws, "
                             f"e.g. dims={draws.dims[:1]} for draws stacked into one dim.")
        as_array(draws.values, "draws", vector=False)  # finite, not empty
        ends = draws.quantile(q, dim=over)
        lo, hi = ends.isel(quantile=0, drop=True), ends.isel(quantile=1, drop=True)
        if lo.ndim == 0:
            return float(lo), float(hi)
        return lo, hi
    values = as_array(draws, "draws", vector=False).ravel()
    lo, hi = np.quantile(values, q)
    return float(lo), float(hi)
