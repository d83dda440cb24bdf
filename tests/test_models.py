"""The reference models in hlm_helpers.models: their structure, both forms, and bad input."""

import numpy as np
import pandas as pd
import pytest

import hlm_helpers as hlm
from hlm_helpers.models import radon_hierarchical, seattle_varying_slope


def _groups(n=12, groups=("a", "b", "c"), seed=0):
    rng = np.random.default_rng(seed)
    group = pd.Categorical(rng.choice(groups, n), categories=list(groups))
    return pd.DataFrame({"group": group, "group_idx": group.codes, "x": rng.normal(size=n),
                         "y": rng.normal(size=n)})


def _radon_like():
    df = _groups().rename(columns={"group": "county", "group_idx": "county_idx", "x": "floor",
                                   "y": "log_radon"})
    df["floor"] = (df["floor"] > 0).astype(int)
    return df


def _sales_like():
    return _groups().rename(columns={"group": "zipcode", "group_idx": "zipcode_idx", "y": "log_price"})


@pytest.mark.parametrize("build, data, group", [(radon_hierarchical, _radon_like, "county"),
                                                (seattle_varying_slope, _sales_like, "zipcode")])
def test_both_forms_have_the_same_group_parameters(build, data, group):
    df = data()
    centred, non_centred = build(df, centred=True), build(df, centred=False)
    free_centred = {v.name for v in centred.free_RVs}
    free_non_centred = {v.name for v in non_centred.free_RVs}
    hyper = {"mu_alpha", "sigma_alpha", "mu_beta", "sigma_beta", "sigma"}
    assert free_centred == hyper | {"alpha", "beta"}
    assert free_non_centred == hyper | {"z_alpha", "z_beta"}
    assert {v.name for v in non_centred.deterministics} == {"alpha", "beta"}
    for model in (centred, non_centred):
        assert list(model.coords[group]) == ["a", "b", "c"]
        assert model.named_vars_to_dims["alpha"] == (group,)


def test_forms_give_the_same_group_values():
    # With the same hyperparameters, z = (alpha - mu) / sigma maps one form onto the other exactly.
    df = _radon_like()
    centred = radon_hierarchical(df, centred=True)
    non_centred = radon_hierarchical(df, centred=False)
    point = {"mu_alpha": 1.0, "sigma_alpha": 0.5, "mu_beta": -0.5, "sigma_beta": 0.2, "sigma": 0.7}
    alpha, beta = np.array([0.2, 1.0, 1.6]), np.array([-0.1, -0.5, -0.9])
    centred_value = centred.compile_logp(jacobian=False)({
        "mu_alpha": 1.0, "sigma_alpha_log__": np.log(0.5), "mu_beta": -0.5,
        "sigma_beta_log__": np.log(0.2), "sigma_log__": np.log(0.7), "alpha": alpha, "beta": beta})
    z = {"z_alpha": (alpha - point["mu_alpha"]) / point["sigma_alpha"],
         "z_beta": (beta - point["mu_beta"]) / point["sigma_beta"]}
    non_centred_value = non_centred.compile_logp(jacobian=False)({
        "mu_alpha": 1.0, "sigma_alpha_log__": np.log(0.5), "mu_beta": -0.5,
        "sigma_beta_log__": np.log(0.2), "sigma_log__": np.log(0.7), **z})
    # The densities differ by the Jacobian of alpha = mu + sigma z: log sigma_alpha and log sigma_beta
    # per group, 3 groups each.
    assert centred_value + 3 * np.log(0.5) + 3 * np.log(0.2) == pytest.approx(non_centred_value)


def test_missing_column_says_which_and_how_to_fix():
    df = _radon_like().drop(columns="floor")
    with pytest.raises(hlm.DataError, match=r"\['floor'\].*load_radon"):
        radon_hierarchical(df)
    with pytest.raises(hlm.DataError, match=r"\['x'\].*load_king_county\(\) and add x = np.log"):
        seattle_varying_slope(_sales_like().drop(columns="x"))


def test_missing_values_are_refused():
    df = _sales_like()
    df.loc[3, "x"] = np.nan
    with pytest.raises(hlm.DataError, match=r"\['x'\] contain missing values"):
        seattle_varying_slope(df)
