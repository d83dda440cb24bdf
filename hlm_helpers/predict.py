"""Prediction plumbing: existing groups, new groups and new rows, from a fitted trace.

Three questions come up in every chapter, and each has one function here:

- *What does the model say about a group it has seen?* :func:`group_lines` gives the posterior
  of the group's regression line ``alpha[g] + beta[g] * x``.
- *What does it say about a group it has never seen?* :func:`predict_new_group` draws the new
  group's intercept (and slope) from the fitted population distribution, once per posterior
  draw, so the prediction carries the between-group spread as well as the residual noise.
- *What does it say about new rows (held-out homes or sales)?* :func:`predict_rows` swaps the
  model's ``pm.Data`` for the new rows and samples the posterior predictive.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pymc as pm
import xarray as xr

from .diagnostics import _posterior

__all__ = [
    "UnknownGroupError",
    "encode_groups",
    "group_lines",
    "predict_new_group",
    "predict_rows",
]


class UnknownGroupError(KeyError):
    """A prediction named a group that the model was not fitted to."""

    def __str__(self):  # KeyError quotes its message; show it as written
        return str(self.args[0])


def _unknown_message(group: str, unknown, n_known: int) -> str:
    shown = ", ".join(map(str, list(unknown)[:10])) + (" ..." if len(unknown) > 10 else "")
    return (
        f"{len(unknown)} {group}(s) not in the fitted model: {shown}. The model knows {n_known} "
        f"{group}s. To predict for a {group} the model has not seen, use "
        "hlm_helpers.predict_new_group, which draws it from the population distribution."
    )


def encode_groups(values, categories, group: str = "group") -> np.ndarray:
    """Integer codes of ``values`` in ``categories``; an unknown value is an error.

    Parameters
    ----------
    values : array-like
        Group labels of the rows to predict (for example county names).
    categories : sequence
        The groups the model was fitted to, in code order (``df[group].cat.categories``).
    group : str
        Name of the grouping, used in the error message.
    """
    categories = pd.Index(categories)
    values = np.asarray(values)
    codes = categories.get_indexer(values)
    if (codes < 0).any():
        unknown = pd.unique(values[codes < 0])
        raise UnknownGroupError(_unknown_message(group, unknown, len(categories)))
    return codes.astype("int64")


def _as_draws(idata, value, what: str):
    """A posterior variable by name, a DataArray as it is, or a number."""
    if value is None:
        return 0.0
    if isinstance(value, str):
        post = _posterior(idata)
        if value not in post.data_vars:
            raise KeyError(f"{what}: no variable {value!r} in the posterior; it has {list(post.data_vars)}.")
        var = post[value]
        extra = [d for d in var.dims if d not in ("chain", "draw")]
        if extra:
            raise ValueError(
                f"{what}: {value!r} varies over {extra}; a new group needs population-level "
                "(scalar) parameters such as mu_alpha and sigma_alpha."
            )
        return var
    return value


def predict_new_group(
    idata,
    x,
    *,
    intercept,
    slope=None,
    sigma="sigma",
    correlation=None,
    rng: np.random.Generator,
    obs_dim: str = "obs_id",
) -> xr.Dataset:
    """Predictions at ``x`` for a group that is not in the data.

    For each posterior draw, the new group's intercept is drawn as ``mean + sd * z`` with
    ``z ~ Normal(0, 1)``, and likewise its slope; then ``mu = intercept + slope * x`` and
    ``y = mu + sigma * eps``.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit with a posterior group.
    x : array-like, shape (n,)
        Predictor values of the rows to predict, in the units the model was fitted in.
    intercept : (mean, sd)
        Population mean and spread of the intercepts. Each is a posterior variable's name,
        an ``xarray.DataArray`` over ``(chain, draw)`` (for example ``gamma_0 + gamma_1 * u``
        for a group-level predictor ``u``), or a number. ``sd`` may be 0 for a pooled intercept.
    slope : (mean, sd) or str or None
        The same for slopes; a single name for a slope shared by all groups; None for no slope.
    sigma : str, DataArray or float
        Residual standard deviation.
    correlation : str, DataArray, float or None
        Correlation of the population's intercepts and slopes (for example ``"rho"`` of a model
        with an LKJ prior). The slope's standard normal draw is then ``rho * z_alpha +
        sqrt(1 - rho**2) * z``, so the new group's intercept and slope have that correlation.
        Needs ``intercept`` and ``slope`` as (mean, sd) pairs.
    rng : numpy.random.Generator
        Source of the new group's draws, for reproducibility.
    obs_dim : str
        Name of the dimension of ``x`` in the result.

    Returns
    -------
    xarray.Dataset
        ``alpha`` and ``beta`` (chain, draw), ``mu`` and ``y`` (chain, draw, obs_dim).
    """
    if rng is None or not isinstance(rng, np.random.Generator):
        raise TypeError("predict_new_group needs rng=np.random.default_rng(seed), for reproducible draws.")
    x = np.asarray(x, dtype=float)
    if x.ndim == 0:
        x = x[None]
    if np.isnan(x).any():
        raise ValueError("x has NaN values; predictions need complete predictors.")
    post = _posterior(idata)
    shape = (post.sizes["chain"], post.sizes["draw"])

    z_alpha = xr.DataArray(rng.standard_normal(shape), dims=("chain", "draw"))
    z_beta = xr.DataArray(rng.standard_normal(shape), dims=("chain", "draw"))
    if correlation is not None:
        if not (isinstance(intercept, tuple) and isinstance(slope, tuple)):
            raise TypeError("correlation needs intercept and slope as (mean, sd) pairs of the population.")
        rho = _as_draws(idata, correlation, "correlation")
        if np.any(np.abs(rho) > 1):
            raise ValueError("correlation must lie between -1 and 1.")
        z_beta = rho * z_alpha + np.sqrt(1 - rho**2) * z_beta

    def draw_effect(spec, what, z):
        if spec is None:
            return xr.DataArray(np.zeros(shape), dims=("chain", "draw"))
        if isinstance(spec, str):
            return _as_draws(idata, spec, what) + xr.zeros_like(post["chain"] * post["draw"], dtype=float)
        if not (isinstance(spec, tuple) and len(spec) == 2):
            raise TypeError(f"{what} must be (mean, sd), a variable name, or None; got {spec!r}.")
        mean = _as_draws(idata, spec[0], what)
        sd = _as_draws(idata, spec[1], what)
        return mean + sd * z

    alpha = draw_effect(intercept, "intercept", z_alpha)
    beta = draw_effect(slope, "slope", z_beta)
    x_da = xr.DataArray(x, dims=(obs_dim,))
    mu = alpha + beta * x_da
    noise = xr.DataArray(rng.standard_normal(shape + (len(x),)), dims=("chain", "draw", obs_dim))
    y = mu + _as_draws(idata, sigma, "sigma") * noise
    return xr.Dataset({"alpha": alpha, "beta": beta, "mu": mu.transpose("chain", "draw", obs_dim),
                       "y": y.transpose("chain", "draw", obs_dim)})


def group_lines(idata, groups, x, *, group_dim: str, intercept="alpha", slope="beta", x_dim: str = "x"):
    """Posterior of each group's line ``intercept[g] + slope[g] * x``.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit whose ``intercept`` (and ``slope``) vary over ``group_dim``, or are scalars for
        complete pooling.
    groups : sequence of str
        Group labels, as in the model's coords.
    x : array-like
        Predictor values at which to evaluate the lines.
    group_dim : str
        The model's group dimension, for example ``"county"``.
    intercept, slope : str
        Names of the posterior variables; ``slope=None`` for intercept-only models.

    Returns
    -------
    xarray.DataArray
        Dimensions ``(chain, draw, group_dim, x_dim)``.
    """
    post = _posterior(idata)
    groups = list(groups)
    x_da = xr.DataArray(np.asarray(x, dtype=float), dims=(x_dim,))

    def pick(name):
        if name is None:
            return 0.0
        if name not in post:
            raise KeyError(f"no variable {name!r} in the posterior; it has {list(post.data_vars)}.")
        var = post[name]
        if group_dim in var.dims:
            known = pd.Index(var[group_dim].values)
            unknown = [g for g in groups if g not in known]
            if unknown:
                raise UnknownGroupError(_unknown_message(group_dim, unknown, len(known)))
            return var.sel({group_dim: groups})
        return var.expand_dims({group_dim: groups})

    a = pick(intercept)
    b = pick(slope)
    return (a + b * x_da).transpose("chain", "draw", group_dim, x_dim)


def predict_rows(
    model: pm.Model,
    idata,
    data: Mapping[str, np.ndarray],
    *,
    coords: Mapping | None = None,
    var_names=None,
    random_seed=None,
):
    """Posterior predictive for new rows, by swapping the model's ``pm.Data``.

    The model must declare the predictors it needs as ``pm.Data`` and give its likelihood a
    shape that follows them (``shape=x.shape`` or an ``obs_id`` dim whose coords are passed
    here). Columns named ``<group>_idx`` are checked against the model's ``<group>`` coords,
    so that an unknown group raises :class:`UnknownGroupError` instead of indexing out of range.
    The model's data are restored afterwards, so the fitted model is unchanged.

    Parameters
    ----------
    model : pymc.Model
        The model that produced ``idata``.
    idata : xarray.DataTree
        Its fit.
    data : mapping of name to array
        New values for the model's ``pm.Data`` variables (all the ones that vary by row).
    coords : mapping, optional
        New coords, for example ``{"obs_id": new_ids}``.
    var_names : list of str, optional
        Variables to predict; the observed variables by default.
    random_seed : int or Generator
        For reproducibility.

    Returns
    -------
    xarray.DataTree
        With a ``predictions`` group.
    """
    names = {v.name for v in model.data_vars}
    unknown = [k for k in data if k not in names]
    if unknown:
        raise KeyError(f"{unknown} are not pm.Data variables of the model; it has {sorted(names)}.")
    new = {}
    lengths = set()
    for name, values in data.items():
        arr = np.asarray(values)
        if arr.dtype.kind == "f" and np.isnan(arr).any():
            raise ValueError(f"{name} has {int(np.isnan(arr).sum())} NaN value(s); predictions need complete rows.")
        if name.endswith("_idx"):
            group = name[: -len("_idx")]
            if group in model.coords:
                n = len(model.coords[group])
                bad = arr[(arr < 0) | (arr >= n)]
                if len(bad):
                    raise UnknownGroupError(_unknown_message(group, pd.unique(bad), n))
        lengths.add(arr.shape[0] if arr.ndim else 1)
        new[name] = arr
    if len(lengths) > 1:
        raise ValueError(f"The new data columns have different lengths: {sorted(lengths)}.")
    old = {name: model[name].get_value() for name in new}
    old_coords = {k: model.coords[k] for k in (coords or {}) if k in model.coords}
    # PyMC logs "Sampling: [...]" at INFO for every call; a chapter that predicts for several models
    # would show one such line per call. Quiet it for the call only.
    forward_log = logging.getLogger("pymc.sampling.forward")
    level = forward_log.level
    try:
        forward_log.setLevel(logging.WARNING)
        with model:
            pm.set_data(new, coords=coords)
            return pm.sample_posterior_predictive(
                idata, var_names=var_names, predictions=True, random_seed=random_seed, progressbar=False
            )
    finally:
        forward_log.setLevel(level)
        with model:
            pm.set_data(old, coords=old_coords or None)
