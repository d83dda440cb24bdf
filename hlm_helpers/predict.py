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
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.scalar as ps
import xarray as xr
from pytensor.compile.ops import TypeCastingOp
from pytensor.graph.rewriting.utils import rewrite_graph
from pytensor.graph.traversal import ancestors, applys_between
from pytensor.tensor.basic import get_underlying_scalar_constant_value
from pytensor.tensor.elemwise import DimShuffle, Elemwise
from pytensor.tensor.exceptions import NotScalarConstantError
from pytensor.tensor.subtensor import AdvancedSubtensor, Subtensor, get_idx_list

from ._checks import as_array, as_names, label_hint, nonfinite
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
    values : array-like or a single label
        Group labels of the rows to predict (for example county names).
    categories : sequence
        The groups the model was fitted to, in code order (``df[group].cat.categories``).
    group : str
        Name of the grouping, used in the error message.
    """
    categories = pd.Index(categories)
    if categories.has_duplicates:
        repeated = categories[categories.duplicated()].unique()[:3].tolist()
        raise ValueError(
            f"categories repeats labels ({repeated}): it must list each {group} once, in code order. "
            f"Pass the model's groups, df[{group!r}].cat.categories, not a column of the data."
        )
    values = np.atleast_1d(np.asarray(values, dtype=object))
    missing = pd.isna(values)
    if missing.any():
        raise ValueError(f"{int(missing.sum())} {group} label(s) are missing (NaN): drop those rows or "
                         "fill in their labels.")
    codes = categories.get_indexer(values)
    if (codes < 0).any():
        unknown = pd.unique(values[codes < 0])
        raise UnknownGroupError(_unknown_message(group, unknown, len(categories))
                                + label_hint(unknown, categories))
    return codes.astype("int64")


def _scalar_draws(post: xr.Dataset, value, what: str):
    """A population-level quantity as draws or a number: a posterior variable's name, a DataArray over
    (chain, draw) of this fit, or a finite number."""
    if isinstance(value, str):
        if value not in post.data_vars:
            raise KeyError(f"{what}: no variable {value!r} in the posterior; it has {list(post.data_vars)}.")
        value = post[value]
    if isinstance(value, xr.DataArray):
        extra = [d for d in value.dims if d not in ("chain", "draw")]
        if extra:
            raise ValueError(
                f"{what}: {value.name or 'the DataArray'!r} varies over {extra}; a new group needs "
                "population-level (scalar) parameters such as mu_alpha and sigma_alpha."
            )
        for dim in set(value.dims) & {"chain", "draw"}:
            same = value.sizes[dim] == post.sizes[dim] and (
                dim not in value.coords or np.array_equal(value[dim].values, post[dim].values))
            if not same:
                raise ValueError(f"{what}: the DataArray's {dim!r} does not match the fit's ({value.sizes[dim]} "
                                 f"against {post.sizes[dim]}): it comes from another fit. Compute it from "
                                 "this fit's posterior.")
        problem = nonfinite(np.asarray(value.values, dtype=float))
        if problem:
            raise ValueError(f"{what}: the draws of {value.name or 'the DataArray'!r} have {problem}; "
                             "the fit is not usable (check it with hlm.check_convergence).")
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a posterior variable's name, a DataArray over (chain, draw) or a "
                        f"number; got {value!r}.")
    if not np.isfinite(value):
        raise ValueError(f"{what} must be a finite number; got {value}, which would make every prediction NaN.")
    return value


def _pair(spec, what: str, example: str):
    """``(mean, sd)`` given as a tuple or a list of two."""
    if isinstance(spec, tuple | list) and len(spec) == 2:
        return tuple(spec)
    if isinstance(spec, str):
        raise TypeError(
            f"{what}={spec!r} gives every new group the same {what}: it drops the between-group spread. "
            f"Pass {what}=(mean, sd) of the population, e.g. {example}; (name, 0) for a pooled {what}."
        )
    raise TypeError(f"{what} must be (mean, sd), e.g. {example}; got {spec!r}.")


def _not_negative(value, what: str):
    smallest = float(np.min(np.asarray(value)))
    if smallest < 0:
        raise ValueError(f"{what} is a standard deviation and cannot be negative; its smallest value is {smallest:g}.")
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
        an ``xarray.DataArray`` over ``(chain, draw)`` of this fit (for example ``gamma_0 + gamma_1
        * u`` for a group-level predictor ``u``), or a number. ``sd`` may be 0 for a pooled
        intercept. A single name is refused: it would drop the between-group spread.
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
    x = as_array(x, "x", scalar_ok=True)
    post = _posterior(idata)
    shape = (post.sizes["chain"], post.sizes["draw"])
    intercept = _pair(intercept, "intercept", "intercept=('mu_alpha', 'sigma_alpha')")
    if slope is not None and not isinstance(slope, str):
        slope = _pair(slope, "slope", "slope=('mu_beta', 'sigma_beta')")
    if sigma is None:
        raise TypeError("sigma is the residual spread: a name such as 'sigma', a DataArray or a number "
                        "(0 for none; the result's mu has no residual noise anyway).")
    sigma = _not_negative(_scalar_draws(post, sigma, "sigma"), "sigma")

    z_alpha = xr.DataArray(rng.standard_normal(shape), dims=("chain", "draw"))
    z_beta = xr.DataArray(rng.standard_normal(shape), dims=("chain", "draw"))
    if correlation is not None:
        if not isinstance(slope, tuple):
            raise TypeError("correlation needs intercept and slope as (mean, sd) pairs of the population.")
        rho = _scalar_draws(post, correlation, "correlation")
        if np.any(np.abs(rho) > 1):
            raise ValueError("correlation must lie between -1 and 1.")
        z_beta = rho * z_alpha + np.sqrt(1 - rho**2) * z_beta

    def draw_effect(spec, what, z):
        if spec is None:
            return xr.DataArray(np.zeros(shape), dims=("chain", "draw"))
        if isinstance(spec, str):
            return _scalar_draws(post, spec, what) + xr.zeros_like(post["chain"] * post["draw"], dtype=float)
        mean = _scalar_draws(post, spec[0], f"{what} mean")
        sd = _not_negative(_scalar_draws(post, spec[1], f"{what} sd"), f"the {what}'s sd")
        return mean + sd * z

    alpha = draw_effect(intercept, "intercept", z_alpha)
    beta = draw_effect(slope, "slope", z_beta)
    x_da = xr.DataArray(x, dims=(obs_dim,))
    mu = alpha + beta * x_da
    noise = xr.DataArray(rng.standard_normal(shape + (len(x),)), dims=("chain", "draw", obs_dim))
    y = mu + sigma * noise
    return xr.Dataset({"alpha": alpha, "beta": beta, "mu": mu.transpose("chain", "draw", obs_dim),
                       "y": y.transpose("chain", "draw", obs_dim)})


def group_lines(idata, groups, x, *, group_dim: str, intercept="alpha", slope="beta", x_dim: str = "x"):
    """Posterior of each group's line ``intercept[g] + slope[g] * x``.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit whose ``intercept`` (and ``slope``) vary over ``group_dim``, or are scalars for
        complete pooling.
    groups : sequence of str, or one str
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
    groups = [groups] if isinstance(groups, str) else list(groups)  # one label, or several
    if not groups:
        raise ValueError("groups is empty: give the labels of the groups whose lines you want.")
    x_da = xr.DataArray(as_array(x, "x", scalar_ok=True), dims=(x_dim,))
    if intercept is None:
        raise TypeError("intercept is the name of the posterior's intercepts, such as 'alpha'; "
                        "it cannot be None (slope=None is the intercept-only line).")

    def pick(name):
        if name is None:
            return 0.0
        if name not in post:
            raise KeyError(f"no variable {name!r} in the posterior; it has {list(post.data_vars)}.")
        var = post[name]
        other = [d for d in var.dims if d not in ("chain", "draw", group_dim)]
        if other:
            raise ValueError(f"{name!r} varies over {other}, not over group_dim={group_dim!r}: pass "
                             f"group_dim={other[0]!r} (the model's name of the group dimension).")
        problem = nonfinite(np.asarray(var.values, dtype=float))
        if problem:
            raise ValueError(f"the draws of {name!r} have {problem}; the fit is not usable (check it with "
                             "hlm.check_convergence).")
        if group_dim in var.dims:
            known = pd.Index(var[group_dim].values)
            unknown = [g for g in groups if g not in known]
            if unknown:
                raise UnknownGroupError(_unknown_message(group_dim, unknown, len(known))
                                        + label_hint(unknown, known))
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
    here). The new data are checked first: every container that
    feeds the prediction and shares a dimension with the new rows must be given; group codes
    must index the groups of the model, whatever the container is called (an unknown group
    raises :class:`UnknownGroupError` instead of indexing out of range, or -1 wrapping round to
    the last group); and group *labels* (for example ``df["county"]``) may be given instead of
    codes, and are encoded against the model's coords, which is safer than codes made for
    another frame. The model's data are restored afterwards, so the fitted model is unchanged.

    Parameters
    ----------
    model : pymc.Model
        The model that produced ``idata``.
    idata : xarray.DataTree
        Its fit.
    data : mapping of name to array
        New values for the model's ``pm.Data`` variables (all the ones that vary by row; the
        observed values, which the prediction does not use, may be left out).
    coords : mapping, optional
        New coords, for example ``{"obs_id": new_ids}``.
    var_names : str or list of str, optional
        Variables to predict; the observed variables by default.
    random_seed : int or Generator
        For reproducibility.

    Returns
    -------
    xarray.DataTree
        With a ``predictions`` group.
    """
    if not isinstance(model, pm.Model):
        raise TypeError(f"predict_rows takes the pm.Model that produced the fit first; got {type(model).__name__}.")
    post = _posterior(idata)
    targets = as_names(var_names, "var_names") or [v.name for v in model.observed_RVs]
    missing = [v for v in targets if v not in model.named_vars]
    if missing:
        raise KeyError(f"no variable(s) {missing} in the model to predict; its observed variables are "
                       f"{[v.name for v in model.observed_RVs]}.")
    _check_fit_of(model, post)
    outputs = [model[name] for name in targets]
    containers = set(model.data_vars)
    needed = {v.name for v in ancestors(outputs) if v in containers}
    new = _check_new_data(model, data, coords=coords, needed=needed)
    var_names = targets if var_names is not None else None
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


# --------------------------------------------------------------------------------------
# New data for a model's pm.Data containers (predict_rows here; CompiledModel's refits)


def _container_of(var, containers):
    """The pm.Data container that ``var`` is, through casts and reshapes, or None."""
    while var not in containers:
        op = getattr(var.owner, "op", None)
        is_cast = isinstance(op, Elemwise) and isinstance(op.scalar_op, ps.Cast | ps.Identity)
        if not (is_cast or isinstance(op, DimShuffle | TypeCastingOp)):
            return None
        var = var.owner.inputs[0]
    return var


def _indexed_dim(model: pm.Model, indexed, axis: int) -> tuple[str | None, int | None]:
    """The model dimension (and its length) that axis ``axis`` of ``indexed`` runs over."""
    name = indexed.name
    dims = model.named_vars_to_dims.get(name) if model.named_vars.get(name) is indexed else None
    dim = dims[axis] if dims and axis < len(dims) else None
    if dim is not None:
        return dim, _length(model.dim_lengths[dim])
    # an expression such as (mu + sigma * z)[idx]: its length, in the model's terms if it can be
    length = rewrite_graph(indexed.shape[axis], include=("canonicalize", "ShapeOpt"))
    dim = next((d for d, v in model.dim_lengths.items() if v is _container_of(length, {v})), None)
    return dim, _length(model.dim_lengths[dim] if dim else length)


def _length(var) -> int | None:
    """The value of a length: a shared dimension length, a constant, or else computed."""
    if hasattr(var, "get_value"):
        return int(var.get_value())
    try:
        return int(get_underlying_scalar_constant_value(var))
    except NotScalarConstantError:
        pass
    try:
        return int(var.eval())
    except Exception:  # a length that needs the values of the model's variables: not checked
        return None


def _index_dims(model: pm.Model) -> dict[str, tuple[str | None, int | None]]:
    """For each pm.Data container used as an index, the dimension it indexes and its length."""
    containers = set(model.data_vars)
    outputs = [*model.observed_RVs, *model.deterministics, *model.free_RVs, *model.potentials]
    found = {}
    for node in applys_between(list(containers), outputs):
        if not isinstance(node.op, Subtensor | AdvancedSubtensor):
            continue
        for axis, index in enumerate(get_idx_list(node.inputs, node.op.idx_list)):
            container = None if isinstance(index, slice) else _container_of(index, containers)
            if container is not None and container.name not in found:
                found[container.name] = _indexed_dim(model, node.inputs[0], axis)
    return found


def _as_codes(name: str, values, model: pm.Model, dim: str | None, size: int | None) -> np.ndarray:
    """Group codes for the container ``name``: labels are encoded, codes checked against the groups."""
    group = dim or "group"
    array = np.asarray(values)
    if array.dtype.kind in "OUS":  # labels, such as df["county"]
        if dim is None or model.coords.get(dim) is None:
            raise TypeError(f"{name!r} indexes a dimension without labels: pass integer codes.")
        return encode_groups(array, model.coords[dim], dim)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name!r} holds group codes: whole numbers, or the {group} labels; got {array.dtype}.")
    problem = nonfinite(array.astype(float))
    if problem or (array % 1 != 0).any():
        raise ValueError(f"{name!r} holds group codes, which must be whole numbers; it has "
                         f"{problem or 'fractions'}. Pass the {group} labels, or codes from recode_groups.")
    array = array.astype("int64")
    if size is not None:
        bad = pd.unique(array[(array < 0) | (array >= size)])
        if len(bad):
            pandas_code = " (-1 is pandas' code for a label that is not among the categories)" if -1 in bad else ""
            raise UnknownGroupError(
                f"{name!r} holds codes outside 0 to {size - 1}{pandas_code}: "
                + _unknown_message(group, bad, size)
                + f" Or pass the {group} labels instead of codes: they are encoded against the model's coords."
            )
    return array


def _check_fit_of(model: pm.Model, post: xr.Dataset) -> None:
    """The fit has the model's parameters, over the model's groups: PyMC would otherwise draw the
    missing ones from their prior, without a word."""
    missing = [v.name for v in model.free_RVs if v.name not in post.data_vars]
    if missing:
        raise KeyError(f"the fit has no {missing}: it is not a fit of this model (PyMC would draw them from "
                       "their prior). Pass the model together with its own fit.")
    for dim in _parameter_dims(model):
        labels = model.coords.get(dim)
        if dim in post.coords and labels is not None and list(map(str, post[dim].values)) != list(map(str, labels)):
            raise ValueError(f"the fit's {dim!r} ({post.sizes[dim]} labels) is not the model's ({len(labels)}): "
                             "the model was built on other data. Pass the model together with its own fit.")


def _parameter_dims(model: pm.Model) -> set[str]:
    return {d for v in model.free_RVs for d in (model.named_vars_to_dims.get(v.name) or ()) if d}


def _check_new_data(model: pm.Model, data, *, coords=None, needed=None, set_coords: bool = True) -> dict:
    """New values for the ``pm.Data`` containers of ``model``, checked and ready for ``pm.set_data``.

    Refused, each with what to do: names that are not containers; text where numbers belong; the
    wrong number of dimensions; NaN or infinite values; fractions in an integer container; group
    codes outside the groups they index (labels are encoded instead); containers that disagree on
    the length of a dimension, or leave out one of the ``needed`` containers (all by default) that
    share it; a new length for a dimension of the model's parameters (its groups), or for a
    dimension with coords when ``set_coords`` and no new ``coords`` are given.
    """
    if not isinstance(data, Mapping | pd.DataFrame):
        raise TypeError(f"data must map pm.Data names to new values, e.g. {{'x': df['x']}}; got {type(data).__name__}.")
    containers = {v.name: v for v in model.data_vars}
    unknown = sorted(set(data) - set(containers))
    if unknown:
        raise KeyError(f"{unknown} are not pm.Data containers of the model; it has {sorted(containers)}.")
    if not list(data):
        raise ValueError(f"data is empty: give new values for the model's pm.Data containers {sorted(containers)}.")
    coords = dict(coords or {})
    unknown = sorted(set(coords) - set(model.coords))
    if unknown:
        raise KeyError(f"coords {unknown} are not dimensions of the model; it has {list(model.coords)}.")
    index = _index_dims(model)
    new = {}
    for name, values in data.items():
        old = containers[name].get_value()
        array = _as_codes(name, values, model, *index[name]) if name in index else np.asarray(values)
        if array.ndim != old.ndim:
            raise ValueError(f"{name!r} has {array.ndim} dimensions; the model's has {old.ndim}.")
        if array.dtype.kind not in "iufb":
            raise TypeError(f"{name!r} must be numbers; got values of type {array.dtype}, e.g. {array.ravel()[:3]}.")
        problem = nonfinite(array)
        if problem:
            raise ValueError(f"{name!r} contains NaN or infinite values ({problem}): drop or fill those rows first.")
        if old.dtype.kind in "iu" and array.dtype.kind == "f":
            if (array % 1 != 0).any():
                raise ValueError(f"{name!r} holds whole numbers in the model (it was built from integers), so "
                                 "it cannot take fractions: build the model from floats to pass them.")
        new[name] = array.astype(old.dtype, copy=False)

    def axes(name):  # a key per axis: the dim's name; for a container without dims, its first axis
        dims = model.named_vars_to_dims.get(name) or ()
        shape = containers[name].get_value().shape
        return [dims[a] if a < len(dims) and dims[a] else f"the first axis of the {shape[0]} fitted rows"
                if a == 0 else f"axis {a} of {name!r}" for a in range(len(shape))]

    lengths: dict[str, dict[str, int]] = {}
    for name, array in new.items():
        for key, size in zip(axes(name), array.shape):
            lengths.setdefault(key, {})[name] = size
    fixed = _parameter_dims(model)
    for key, sizes in lengths.items():
        if len(set(sizes.values())) > 1:
            detail = ", ".join(f"{n} has {s}" for n, s in sizes.items())
            raise ValueError(f"the new data disagree on the length of {key!r}: {detail}. Give every container "
                             "one value per new row.")
        size = next(iter(sizes.values()))
        current = _length(model.dim_lengths[key]) if key in model.dim_lengths else None
        if key in fixed and size != current:
            raise ValueError(f"the model's parameters run over {current} {key}s, so new data cannot have "
                             f"{size} along {key!r}. Build the model on data with those {key}s and fit it.")
        if key in coords and len(coords[key]) != size:
            raise ValueError(f"coords[{key!r}] has {len(coords[key])} labels for {size} new rows along {key!r}: "
                             "give one label per row.")
        if (set_coords and key not in coords and current is not None and size != current
                and model.coords.get(key) is not None):
            raise ValueError(f"the new data have {size} rows along {key!r}, the model {current}: pass "
                             f"coords={{{key!r}: ...}} with one label per new row (e.g. the new rows' index).")
        left_out = sorted(n for n in (needed if needed is not None else containers)
                          if n not in new and key in axes(n))
        if left_out:
            raise ValueError(f"new values for {key!r} need new values for {left_out} too (they share the "
                             f"dimension {key!r}, and the model would pair old values with new rows).")
    return new
