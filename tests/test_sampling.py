"""hlm.CompiledModel: the draws of pm.sample, a refit without compiling again, and clear errors."""

import numpy as np
import pandas as pd
import pymc as pm
import pytest

import hlm_helpers as hlm

SETTINGS = dict(chains=2, draws=200, tune=200, progressbar=False)


def groups_model(df: pd.DataFrame) -> pm.Model:
    """A varying intercept for three groups; the observed values are a pm.Data container, so that it refits."""
    with pm.Model(coords={"group": ["a", "b", "c"], "obs_id": df.index}) as model:
        x = pm.Data("x", df["x"].to_numpy(), dims="obs_id")
        group_idx = pm.Data("group_idx", df["group_idx"].to_numpy(), dims="obs_id")
        y = pm.Data("y_obs", df["y"].to_numpy(), dims="obs_id")
        mu = pm.Normal("mu", 0, 2)
        spread = pm.HalfNormal("spread", 1)
        alpha = pm.Normal("alpha", mu, spread, dims="group")
        beta = pm.Normal("beta", 0, 1)
        pm.Normal("y", alpha[group_idx] + beta * x, 0.5, observed=y, dims="obs_id")
    return model


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    df = pd.DataFrame({"x": rng.normal(size=60), "group_idx": np.repeat([0, 1, 2], 20)})
    df["y"] = np.array([0.0, 1.0, 2.0])[df["group_idx"]] + 0.5 * df["x"] + rng.normal(0, 0.5, 60)
    return df


@pytest.fixture(scope="module")
def compiled(data):
    return hlm.CompiledModel(groups_model(data))


def test_sample_draws_what_pm_sample_draws(data, compiled):
    with groups_model(data):
        reference = pm.sample(nuts_sampler="nutpie", random_seed=11, target_accept=0.9, **SETTINGS)
    mine = compiled.sample(nuts_sampler="nutpie", random_seed=11, target_accept=0.9, **SETTINGS)
    np.testing.assert_array_equal(mine.posterior["alpha"].values, reference.posterior["alpha"].values)
    assert sorted(mine.children) == sorted(reference.children)  # observed_data and constant_data too
    assert mine.posterior.attrs["sampling_time"] > 0


def test_a_refit_is_the_fit_of_a_model_built_on_the_new_data(data, compiled):
    subset = data.iloc[::2]
    refit = compiled.sample({"x": subset["x"], "group_idx": subset["group_idx"], "y_obs": subset["y"]},
                            random_seed=11, **SETTINGS)
    with groups_model(subset):
        fresh = pm.sample(nuts_sampler="nutpie", random_seed=11, **SETTINGS)
    np.testing.assert_array_equal(refit.posterior["alpha"].values, fresh.posterior["alpha"].values)
    assert "observed_data" not in refit.children  # it would be the data the model was built with


def test_a_refit_leaves_the_model_s_own_fit_unchanged(data, compiled):
    before = compiled.sample(random_seed=3, **SETTINGS)
    compiled.sample({"x": data["x"][:30], "group_idx": data["group_idx"][:30], "y_obs": data["y"][:30]},
                    random_seed=3, **SETTINGS)
    after = compiled.sample(random_seed=3, **SETTINGS)
    np.testing.assert_array_equal(before.posterior["mu"].values, after.posterior["mu"].values)


@pytest.mark.parametrize("bad, message", [
    ({"z": [1.0]}, "not pm.Data containers"),
    ({"x": np.zeros(30)}, "need new values for ['group_idx', 'y_obs'] too"),
    ({"x": np.zeros(30), "group_idx": np.zeros(30, int), "y_obs": np.zeros(29)}, "disagree on the length"),
    ({"x": np.full(30, np.nan), "group_idx": np.zeros(30, int), "y_obs": np.zeros(30)}, "contains NaN"),
    ({"x": np.zeros((30, 2)), "group_idx": np.zeros(30, int), "y_obs": np.zeros(30)}, "has 2 dimensions"),
    # issue 19: a code of -1 refitted the last group's intercept to those rows, without a word
    ({"x": np.zeros(30), "group_idx": np.full(30, -1), "y_obs": np.zeros(30)}, "(-1 is pandas' code for a label"),
    ({"x": np.zeros(30), "group_idx": np.zeros(30, int), "y_obs": np.full(30, np.inf)}, "30 infinite value(s)"),
])
def test_bad_new_data_are_refused_with_what_is_wrong(compiled, bad, message):
    with pytest.raises((KeyError, ValueError)) as error:
        compiled.sample(bad, random_seed=1, **SETTINGS)
    assert message in str(error.value)


def test_only_a_model_and_only_nutpie():
    with pytest.raises(TypeError, match="takes a pm.Model"):
        hlm.CompiledModel("model")
    with pm.Model() as model:
        pm.Normal("a")
    with pytest.raises(ValueError, match="samples with nutpie"):
        hlm.CompiledModel(model).sample(nuts_sampler="pymc")
