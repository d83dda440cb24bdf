"""The course's two reference hierarchical models, for the chapters that time or compare them.

The radon and Seattle chapters build these models step by step, in the open; the NUTS chapter and
``benchmarks/samplers.py`` need the very same models without the story, so they live here once.
Both are varying-intercept, varying-slope regressions; each can be written centred or non-centred.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymc as pm

from .data import DataError, _check_groups

__all__ = ["radon_hierarchical", "seattle_varying_slope"]


def _require(df: pd.DataFrame, columns: list[str], how: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"the model is built from a pandas DataFrame; got {type(df).__name__}. {how.capitalize()}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"the data frame lacks the column(s) {missing}; {how}")
    bad = [c for c in columns if df[c].isna().any()]
    if bad:
        raise DataError(f"the column(s) {bad} contain missing values; drop or fill those rows first.")
    _check_groups(df, columns[0], "the model")
    infinite = [c for c in columns[2:] if not np.isfinite(pd.to_numeric(df[c], errors="coerce")).all()]
    if infinite:
        raise DataError(f"the column(s) {infinite} contain values that are not finite numbers (text, inf): "
                        "a log of 0 or of a negative number? Drop or repair those rows first.")


def _varying_slope(df: pd.DataFrame, group: str, x: str, y: str, priors: dict, centred: bool) -> pm.Model:
    """y against x, intercept and slope varying by group; ``priors`` gives the hyperpriors' scales."""
    coords = {group: df[group].cat.categories, "obs_id": df.index}
    with pm.Model(coords=coords) as model:
        x_data = pm.Data(x, df[x].to_numpy(), dims="obs_id")
        group_idx = pm.Data(f"{group}_idx", df[f"{group}_idx"].to_numpy(), dims="obs_id")
        mu_alpha = pm.Normal("mu_alpha", mu=priors["mu_alpha"][0], sigma=priors["mu_alpha"][1])
        sigma_alpha = pm.HalfNormal("sigma_alpha", sigma=priors["sigma_alpha"])
        mu_beta = pm.Normal("mu_beta", mu=priors["mu_beta"][0], sigma=priors["mu_beta"][1])
        sigma_beta = pm.HalfNormal("sigma_beta", sigma=priors["sigma_beta"])
        if centred:
            alpha = pm.Normal("alpha", mu=mu_alpha, sigma=sigma_alpha, dims=group)
            beta = pm.Normal("beta", mu=mu_beta, sigma=sigma_beta, dims=group)
        else:
            z_alpha = pm.Normal("z_alpha", mu=0, sigma=1, dims=group)
            z_beta = pm.Normal("z_beta", mu=0, sigma=1, dims=group)
            alpha = pm.Deterministic("alpha", mu_alpha + sigma_alpha * z_alpha, dims=group)
            beta = pm.Deterministic("beta", mu_beta + sigma_beta * z_beta, dims=group)
        sigma = pm.HalfNormal("sigma", sigma=1)
        pm.Normal(y, mu=alpha[group_idx] + beta[group_idx] * x_data, sigma=sigma, observed=df[y].to_numpy(),
                  dims="obs_id")
    return model


def radon_hierarchical(df: pd.DataFrame, centred: bool = False) -> pm.Model:
    """Log radon against floor, intercept and slope varying by county (the radon chapter's model).

    ``df`` is ``hlm.load_radon()``. Non-centred by default, as in the radon chapter: most counties
    have a handful of homes, and the centred form samples badly there (see the NUTS chapter).
    """
    _require(df, ["county", "county_idx", "floor", "log_radon"], "build it with hlm.load_radon().")
    priors = {"mu_alpha": (0, 5), "sigma_alpha": 1, "mu_beta": (0, 5), "sigma_beta": 1}
    return _varying_slope(df, "county", "floor", "log_radon", priors, centred)


def seattle_varying_slope(df: pd.DataFrame, centred: bool = True) -> pm.Model:
    """Log price against ``x`` (log living area over 2,000 sq ft), intercept and slope varying by zip code.

    ``df`` is ``hlm.load_king_county()`` with the column ``x = log(sqft_living / 2000)`` added, as in
    the Seattle chapter. Centred by default: zip codes have hundreds of sales, and there the centred
    form samples far better (see the Seattle and NUTS chapters).
    """
    _require(df, ["zipcode", "zipcode_idx", "x", "log_price"],
             "build it with hlm.load_king_county() and add x = np.log(df['sqft_living'] / 2000).")
    priors = {"mu_alpha": (13, 2), "sigma_alpha": 0.5, "mu_beta": (0, 1), "sigma_beta": 0.5}
    return _varying_slope(df, "zipcode", "x", "log_price", priors, centred)
