"""Plots that several chapters share. Chapter-specific plots stay in their chapter."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ._checks import as_array, as_prob
from .intervals import CI_PROB

__all__ = ["POOLING_COLORS", "POOLING_LABELS", "model_graph", "plot_group_fit", "plot_shrinkage"]

#: One colour per pooling scheme, the same in every chapter (colour-blind safe, Okabe-Ito).
POOLING_COLORS = {
    "complete": "#E69F00",  # orange
    "none": "#0072B2",  # blue
    "partial": "#009E73",  # green
    "data": "#333333",
}
POOLING_LABELS = {
    "complete": "complete pooling",
    "none": "no pooling",
    "partial": "partial pooling",
}


def _mean_and_central_interval(lines: xr.DataArray, prob: float):
    """Posterior mean and central ``prob`` interval over (chain, draw)."""
    values = lines.stack(sample=("chain", "draw")).transpose("sample", ...).values
    lo, hi = np.quantile(values, [(1 - prob) / 2, (1 + prob) / 2], axis=0)
    return values.mean(axis=0), lo, hi


def plot_group_fit(ax, x_data, y_data, x_grid, lines: dict, *, prob: float = CI_PROB, jitter=None, title=None,
                   data_label: str = "data"):
    """Data of one group with posterior lines of several models and their central intervals.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x_data, y_data : array-like
        The group's observations.
    x_grid : array-like
        Predictor values at which ``lines`` were evaluated.
    lines : dict of str to xarray.DataArray
        Keyed by pooling scheme (``"complete"``, ``"none"``, ``"partial"``); each a posterior of
        the line with dims ``(chain, draw, x)``.
    prob : float
        Mass of the shaded central (equal-tailed) interval; the course's ``CI_PROB`` by default.
    jitter : numpy.random.Generator, optional
        If given, jitters the points horizontally so that ties on a binary predictor show.
    data_label : str
        Legend label of the points.
    """
    prob = as_prob(prob)
    x_data = np.asarray(x_data, dtype=float)
    if len(x_data) != len(y_data):
        raise ValueError(f"x_data has {len(x_data)} values but y_data has {len(y_data)}: pass the same rows.")
    x_grid = as_array(x_grid, "x_grid")
    for scheme, da in lines.items():
        other = [d for d in getattr(da, "dims", ("?",)) if d not in ("chain", "draw")]
        if not isinstance(da, xr.DataArray) or len(other) != 1 or not {"chain", "draw"} <= set(da.dims):
            shown = da.dims if isinstance(da, xr.DataArray) else type(da).__name__
            raise ValueError(f"lines[{scheme!r}] must be one group's line, dims (chain, draw, x); got {shown}. "
                             "Select the group first, e.g. lines.sel(county='AITKIN') or .isel(county=0).")
        if da.sizes[other[0]] != len(x_grid):
            raise ValueError(f"lines[{scheme!r}] has {da.sizes[other[0]]} values of x but x_grid has "
                             f"{len(x_grid)}: evaluate the lines at x_grid (hlm.group_lines(..., x_grid, ...)).")
    if jitter is not None:
        x_data = x_data + jitter.uniform(-0.04, 0.04, size=len(x_data))
    ax.scatter(x_data, y_data, color=POOLING_COLORS["data"], s=18, alpha=0.7, zorder=3, label=data_label)
    for scheme, da in lines.items():
        mean, lo, hi = _mean_and_central_interval(da, prob)
        color = POOLING_COLORS.get(scheme, None)
        ax.plot(x_grid, mean, color=color, lw=2, label=POOLING_LABELS.get(scheme, scheme))
        ax.fill_between(x_grid, lo, hi, color=color, alpha=0.2, lw=0)
    if title:
        ax.set_title(title)
    return ax


def plot_shrinkage(ax, group_size, estimates: dict, *, reference=None, reference_label="population mean",
                   log_x: bool = True, connect: tuple | None = ("none", "partial")):
    """Group estimates under several pooling schemes against the number of observations per group.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    group_size : array-like, shape (n_groups,)
        Observations per group.
    estimates : dict of str to array-like
        Keyed by pooling scheme; point estimates per group, in group-code order.
    reference : float, optional
        A horizontal line, such as the population mean the estimates shrink toward.
    connect : (str, str) or None
        Draw a thin segment from one scheme's estimate to another's for each group, to show
        how far each moved.
    """
    n = as_array(group_size, "group_size")
    for scheme, est in estimates.items():
        size = np.size(est)
        if size != 1 and size != len(n):
            raise ValueError(f"estimates[{scheme!r}] has {size} values for {len(n)} groups: give one per group, "
                             "in the order of group_size (or a single number for a pooled estimate).")
    if log_x and (n <= 0).any():
        raise ValueError("group_size has values <= 0, which a log axis cannot show: pass log_x=False, or add 1 "
                         "(and say so in the axis label).")
    rng = np.random.default_rng(0)  # fixed jitter, only to separate groups of equal size
    xj = n * np.exp(rng.uniform(-0.06, 0.06, len(n))) if log_x else n + rng.uniform(-0.2, 0.2, len(n))
    if connect and all(k in estimates for k in connect):
        a, b = (np.asarray(estimates[k]) for k in connect)
        ax.vlines(xj, np.minimum(a, b), np.maximum(a, b), color="0.6", lw=0.8, zorder=1)
    for scheme, est in estimates.items():
        est = np.asarray(est)
        if est.ndim == 0:
            ax.axhline(float(est), color=POOLING_COLORS.get(scheme), lw=1.5,
                       label=POOLING_LABELS.get(scheme, scheme))
            continue
        ax.scatter(xj, est, s=20, color=POOLING_COLORS.get(scheme), label=POOLING_LABELS.get(scheme, scheme), zorder=2)
    if reference is not None:
        ax.axhline(reference, color="0.3", ls="--", lw=1, label=reference_label)
    if log_x:
        ax.set_xscale("log")
    ax.legend(frameon=False)
    return ax



def _svg_width_pt(graph) -> float:
    import re

    svg = graph.pipe(format="svg").decode()
    return float(re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+)', svg).group(1))


#: The widest model graph (in points, at Graphviz's 14 pt font) whose text a phone shows legibly:
#: drawn about 340 px wide, 14 pt text is 14 * 340 / 500 = 9.5 px tall (the site check's minimum).
MAX_GRAPH_WIDTH_PT = 500


def model_graph(model, **kwargs):
    """``pm.model_to_graphviz(model)``, laid out to fit the page's column.

    Graphviz draws a model top to bottom, so a model with many variables in one rank (several
    plates side by side) comes out wide, and a wide drawing shrinks on the page until its text is
    too small to read, on a phone above all. This keeps the top-to-bottom drawing (the one readers
    know: priors at the top, data at the bottom) when it is at most ``MAX_GRAPH_WIDTH_PT`` wide,
    with ranks drawn across the plates (Graphviz's ``newrank``) if that is what makes it fit;
    otherwise it returns the narrowest of those and the left-to-right layouts. Nodes and ranks
    are a little closer than Graphviz's defaults. Keyword arguments go to
    :func:`pymc.model_to_graphviz`.
    """
    layouts = graph_layouts(model, **kwargs)
    top_down = [layouts["TB", newrank] for newrank in (None, "true")
                if layouts["TB", newrank][0] <= MAX_GRAPH_WIDTH_PT]
    return (top_down[0] if top_down else min(layouts.values(), key=lambda item: item[0]))[1]


def graph_layouts(model, **kwargs) -> dict:
    """The model's graph in the four layouts ``model_graph`` chooses from: ``{(rankdir, newrank): (width
    in points, graph)}``, rankdir "TB" or "LR", newrank None (Graphviz's default) or "true"."""
    import pymc as pm

    layouts = {}
    for rankdir in ("TB", "LR"):
        for newrank in (None, "true"):
            graph = pm.model_to_graphviz(model, **kwargs)
            graph.graph_attr.update(rankdir=rankdir, nodesep="0.15", ranksep="0.3")
            if newrank:  # set even to "false", the attribute changes the layout
                graph.graph_attr["newrank"] = newrank
            layouts[rankdir, newrank] = (_svg_width_pt(graph), graph)
    return layouts
