"""One convergence check for every fit the course draws a conclusion from."""

from __future__ import annotations

import arviz as az
import numpy as np
import pandas as pd
import xarray as xr

from ._checks import as_names, as_number, nonfinite

__all__ = ["ConvergenceError", "check_convergence", "convergence_table", "passes_convergence_check"]


class ConvergenceError(RuntimeError):
    """A fit failed the convergence check; the message names the variables at fault."""


def _posterior(idata) -> xr.Dataset:
    """The posterior of a fit as a Dataset; a clear error for anything that is not a fit."""
    if not isinstance(idata, xr.DataTree) or "posterior" not in idata.children:
        raise TypeError(
            "this needs the DataTree returned by pm.sample() (with a posterior group); "
            f"got {type(idata).__name__}"
            + ("" if not isinstance(idata, xr.DataTree) else f" with groups {list(idata.children)}")
            + "."
        )
    return idata["posterior"].to_dataset()


def convergence_table(idata, var_names=None) -> pd.DataFrame:
    """Worst R-hat and smallest bulk and tail ESS of each variable.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit with a ``posterior`` group of at least 2 chains.
    var_names : list of str, optional
        Variables to check; all free and deterministic variables by default (not the
        unconstrained ``*__`` copies that some samplers store).

    Returns
    -------
    pandas.DataFrame
        Indexed by variable, with columns ``r_hat`` (max over elements, 3 decimals), ``ess_bulk``
        and ``ess_tail`` (min over elements, whole draws).
    """
    posterior = _posterior(idata)
    var_names = as_names(var_names, "var_names")
    if var_names is None:
        # nutpie also stores the unconstrained copies (``sigma_log__``); they add nothing.
        var_names = [v for v in posterior.data_vars if not str(v).endswith("__")]
    unknown = [v for v in var_names if v not in posterior.data_vars]
    if unknown:
        raise KeyError(f"No variable(s) {unknown} in the posterior; it has {list(posterior.data_vars)}.")
    if posterior.sizes.get("chain", 1) < 2:
        raise ValueError("R-hat needs at least 2 chains: sample with chains>=2.")
    if posterior.sizes.get("draw", 0) < 4:
        raise ValueError(f"R-hat needs at least 4 draws per chain; the fit has {posterior.sizes.get('draw', 0)}: "
                         "sample with more draws.")
    subset = posterior[var_names]
    invalid = {v: nonfinite(subset[v].values) for v in var_names}
    invalid = {v: problem for v, problem in invalid.items() if problem}
    if invalid:
        raise ConvergenceError(
            "The fit did not pass the convergence check: draws that are not numbers:\n  - "
            + "\n  - ".join(f"{v}: {problem}" for v, problem in invalid.items())
            + "\nDo not read this posterior. Find where the model computes them (a log or a division "
            "of a value that can reach 0, a variance that can be negative) and fix the model or its data."
        )
    r_hat = az.rhat(subset)
    ess_bulk = az.ess(subset, method="bulk")
    ess_tail = az.ess(subset, method="tail")
    rows = {}
    for v in var_names:
        # An element whose draws are all one value (the diagonal of a correlation matrix) has no
        # R-hat; it is left out. A variable that is constant throughout has none at all: NaN.
        values = subset[v].transpose("chain", "draw", ...).values
        varies = (values != values[:1, :1]).any(axis=(0, 1))
        if not varies.any():
            rows[v] = {"r_hat": np.nan, "ess_bulk": np.nan, "ess_tail": np.nan}
            continue
        r, bulk, tail = (np.asarray(stat[v].values)[varies] for stat in (r_hat, ess_bulk, ess_tail))
        # A NaN among elements that vary (chains each stuck at its own value) fails; it does not pass.
        rows[v] = {
            "r_hat": round(float(np.max(np.where(np.isnan(r), np.inf, r))), 3),
            "ess_bulk": int(np.min(np.where(np.isfinite(bulk), bulk, 0))),
            "ess_tail": int(np.min(np.where(np.isfinite(tail), tail, 0))),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def check_convergence(
    idata,
    var_names=None,
    *,
    r_hat_max: float = 1.01,
    ess_bulk_min: float = 400,
    ess_tail_min: float = 400,
    max_divergences: int = 0,
) -> pd.DataFrame:
    """Raise :class:`ConvergenceError` unless the fit passes every threshold.

    The defaults follow Vehtari et al. (2021): rank-normalised R-hat below 1.01 and bulk and
    tail effective sample sizes of at least 400 (100 per chain for 4 chains), and no
    divergent transitions.

    Parameters
    ----------
    idata : xarray.DataTree
        The fit, as returned by ``pm.sample``.
    var_names : list of str, optional
        Variables to check (all posterior variables by default).
    r_hat_max, ess_bulk_min, ess_tail_min : float
        Thresholds.
    max_divergences : int
        Largest number of divergent transitions (summed over chains) that still passes.

    Returns
    -------
    pandas.DataFrame
        The :func:`convergence_table` of the fit, when it passes.
    """
    for name, value in [("r_hat_max", r_hat_max), ("ess_bulk_min", ess_bulk_min), ("ess_tail_min", ess_tail_min)]:
        as_number(value, name, low=1 if name == "r_hat_max" else 0)
    as_number(max_divergences, "max_divergences", low=0, integer=True)
    table = convergence_table(idata, var_names)
    problems = []
    for name in table.index[table["r_hat"].isna()]:
        problems.append(f"{name}: R-hat undefined, every draw is the same value (a sampler that never moved; "
                        "or a constant, which var_names can leave out)")
    table_defined = table[table["r_hat"].notna()]
    for name, row in table_defined[table_defined["r_hat"] > r_hat_max].iterrows():
        shown = f"{row.r_hat:.3f}" if row.r_hat < 1000 else f"{row.r_hat:.3g} (chains stuck, each at its own value)"
        problems.append(f"{name}: R-hat {shown} > {r_hat_max}")
    for name, row in table_defined[table_defined["ess_bulk"] < ess_bulk_min].iterrows():
        problems.append(f"{name}: bulk ESS {row.ess_bulk:.0f} < {ess_bulk_min}")
    for name, row in table_defined[table_defined["ess_tail"] < ess_tail_min].iterrows():
        problems.append(f"{name}: tail ESS {row.ess_tail:.0f} < {ess_tail_min}")
    n_div = count_divergences(idata)
    if n_div > max_divergences:
        plural = "" if n_div == 1 else "s"
        problems.append(f"{n_div} divergent transition{plural} (allowed: {max_divergences})")
    if problems:
        raise ConvergenceError(
            "The fit did not pass the convergence check:\n  - "
            + "\n  - ".join(problems)
            + "\nDo not read this posterior. Try more tuning or draws, a higher target_accept, "
            "the other parameterisation (non-centred when groups have little data, centred when they have "
            "much), or tighter priors."
        )
    return table


def passes_convergence_check(idata, var_names=None, **thresholds) -> bool:
    """Run :func:`check_convergence` on a fit that is shown failing on purpose.

    Instead of raising, print why the fit fails (the :class:`ConvergenceError` message) and
    return ``False``; return ``True`` if it passes. Use it where a chapter demonstrates a failure;
    a fit the text draws conclusions from goes through :func:`check_convergence`, which stops
    the chapter.

    Parameters
    ----------
    idata : xarray.DataTree
        The fit.
    var_names : list of str, optional
        Variables to check, as in :func:`check_convergence`.
    **thresholds
        ``r_hat_max``, ``ess_bulk_min``, ``ess_tail_min``, ``max_divergences``.
    """
    try:
        check_convergence(idata, var_names, **thresholds)
    except ConvergenceError as error:
        print(error)
        return False
    return True


def count_divergences(idata) -> int:
    """Number of divergent transitions over all chains (0 if the fit recorded none)."""
    if not isinstance(idata, xr.DataTree):
        raise TypeError(f"count_divergences needs the DataTree returned by pm.sample(); got {type(idata).__name__}.")
    if "sample_stats" not in idata.children or "diverging" not in idata["sample_stats"].data_vars:
        return 0
    return int(idata["sample_stats"]["diverging"].sum())
