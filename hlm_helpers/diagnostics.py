"""One convergence check for every fit the course draws a conclusion from."""

from __future__ import annotations

import arviz as az
import numpy as np
import pandas as pd
import xarray as xr

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
    if var_names is None:
        # nutpie also stores the unconstrained copies (``sigma_log__``); they add nothing.
        var_names = [v for v in posterior.data_vars if not str(v).endswith("__")]
    unknown = [v for v in var_names if v not in posterior.data_vars]
    if unknown:
        raise KeyError(f"No variable(s) {unknown} in the posterior; it has {list(posterior.data_vars)}.")
    if posterior.sizes.get("chain", 1) < 2:
        raise ValueError("R-hat needs at least 2 chains: sample with chains>=2.")
    subset = posterior[var_names]
    r_hat = az.rhat(subset)
    ess_bulk = az.ess(subset, method="bulk")
    ess_tail = az.ess(subset, method="tail")
    rows = {}
    for v in var_names:
        rows[v] = {
            "r_hat": round(float(np.nanmax(r_hat[v].values)), 3),
            "ess_bulk": int(np.nanmin(ess_bulk[v].values)),
            "ess_tail": int(np.nanmin(ess_tail[v].values)),
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
    table = convergence_table(idata, var_names)
    problems = []
    bad = table[table["r_hat"] > r_hat_max]
    for name, row in bad.iterrows():
        problems.append(f"{name}: R-hat {row.r_hat:.3f} > {r_hat_max}")
    bad = table[table["ess_bulk"] < ess_bulk_min]
    for name, row in bad.iterrows():
        problems.append(f"{name}: bulk ESS {row.ess_bulk:.0f} < {ess_bulk_min}")
    bad = table[table["ess_tail"] < ess_tail_min]
    for name, row in bad.iterrows():
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
    if "sample_stats" not in idata.children or "diverging" not in idata["sample_stats"].data_vars:
        return 0
    return int(idata["sample_stats"]["diverging"].sum())
