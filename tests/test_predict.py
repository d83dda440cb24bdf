import logging

import arviz as az
import numpy as np
import pymc as pm
import pytest

import hlm_helpers as hlm


def _posterior(chains=2, draws=300, seed=0):
    rng = np.random.default_rng(seed)
    shape = (chains, draws)
    return az.from_dict(
        {"posterior": {
            "mu_alpha": rng.normal(1.0, 0.01, shape),
            "sigma_alpha": np.full(shape, 0.5),
            "mu_beta": np.full(shape, -1.0),
            "sigma_beta": np.zeros(shape),
            "sigma": np.full(shape, 0.2),
            "alpha": np.broadcast_to([0.0, 2.0], shape + (2,)).copy(),
            "beta": np.broadcast_to([1.0, -1.0], shape + (2,)).copy(),
            "slope": np.full(shape, 3.0),
        }},
        coords={"county": ["A", "B"]},
        dims={"alpha": ["county"], "beta": ["county"]},
    )


def test_encode_groups_and_unknown_groups():
    assert hlm.encode_groups(["B", "A", "B"], ["A", "B"], "county").tolist() == [1, 0, 1]
    with pytest.raises(hlm.UnknownGroupError, match=r"1 county\(s\) not in the fitted model: ZZ.*predict_new_group"):
        hlm.encode_groups(["A", "ZZ"], ["A", "B"], "county")


def test_group_lines_values_and_unknown_group():
    idata = _posterior()
    lines = hlm.group_lines(idata, ["B", "A"], [0.0, 1.0], group_dim="county")
    assert lines.dims == ("chain", "draw", "county", "x")
    np.testing.assert_allclose(lines.sel(county="B").mean(("chain", "draw")), [2.0, 1.0])
    np.testing.assert_allclose(lines.sel(county="A").mean(("chain", "draw")), [0.0, 1.0])
    pooled = hlm.group_lines(idata, ["A"], [0.0, 1.0], group_dim="county", intercept="mu_alpha", slope="slope")
    np.testing.assert_allclose(pooled.mean(("chain", "draw")).values[0], [1.0, 4.0], atol=0.01)
    with pytest.raises(hlm.UnknownGroupError, match="C"):
        hlm.group_lines(idata, ["C"], [0.0], group_dim="county")


def test_predict_new_group_draws_from_the_population():
    idata = _posterior(draws=4000)
    pred = hlm.predict_new_group(idata, [0.0, 1.0], intercept=("mu_alpha", "sigma_alpha"),
                                 slope=("mu_beta", "sigma_beta"), rng=np.random.default_rng(1))
    assert pred["y"].dims == ("chain", "draw", "obs_id")
    # intercept ~ N(1, 0.5); slope exactly -1; so mu at x=1 is intercept - 1
    assert float(pred["alpha"].mean()) == pytest.approx(1.0, abs=0.03)
    assert float(pred["alpha"].std()) == pytest.approx(0.5, abs=0.02)
    np.testing.assert_allclose(pred["mu"].isel(obs_id=1), pred["alpha"] - 1.0)
    # y adds the residual noise: sd sqrt(0.5^2 + 0.2^2)
    assert float(pred["y"].isel(obs_id=0).std()) == pytest.approx(np.hypot(0.5, 0.2), abs=0.02)


def test_predict_new_group_accepts_computed_means_and_shared_slopes():
    idata = _posterior()
    post = idata.posterior
    pred = hlm.predict_new_group(idata, [2.0], intercept=(post["mu_alpha"] + 10, 0.0), slope="slope",
                                 sigma=0.0, rng=np.random.default_rng(0))
    np.testing.assert_allclose(pred["y"].isel(obs_id=0), post["mu_alpha"] + 10 + 6.0)


def test_predict_new_group_draws_correlated_intercepts_and_slopes():
    idata = _posterior(draws=4000)
    idata.posterior["sigma_beta"] = idata.posterior["sigma_beta"] + 0.3
    kwargs = dict(intercept=("mu_alpha", "sigma_alpha"), slope=("mu_beta", "sigma_beta"))
    for rho in (-0.6, 0.0, 0.8):
        pred = hlm.predict_new_group(idata, [0.0], correlation=rho, rng=np.random.default_rng(2), **kwargs)
        r = np.corrcoef(pred["alpha"].values.ravel(), pred["beta"].values.ravel())[0, 1]
        assert r == pytest.approx(rho, abs=0.03)
        # The marginal spreads are unchanged by the correlation.
        assert float(pred["beta"].std()) == pytest.approx(0.3, rel=0.05)
    with pytest.raises(TypeError, match="correlation needs"):
        hlm.predict_new_group(idata, [0.0], intercept=("mu_alpha", "sigma_alpha"), slope="slope", correlation=0.5,
                              rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="between -1 and 1"):
        hlm.predict_new_group(idata, [0.0], correlation=1.5, rng=np.random.default_rng(0), **kwargs)


def test_predict_new_group_bad_input():
    idata = _posterior()
    with pytest.raises(TypeError, match="rng"):
        hlm.predict_new_group(idata, [0.0], intercept=("mu_alpha", "sigma_alpha"), rng=None)
    with pytest.raises(ValueError, match="varies over"):
        hlm.predict_new_group(idata, [0.0], intercept=("alpha", "sigma_alpha"), rng=np.random.default_rng(0))
    with pytest.raises(KeyError, match="no variable 'nope'"):
        hlm.predict_new_group(idata, [0.0], intercept=("nope", "sigma_alpha"), rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="NaN"):
        hlm.predict_new_group(idata, [np.nan], intercept=("mu_alpha", "sigma_alpha"), rng=np.random.default_rng(0))


@pytest.fixture(scope="module")
def small_fit():
    """A small varying-intercept model, fitted quickly, with pm.Data for prediction."""
    rng = np.random.default_rng(0)
    group_idx = np.repeat([0, 1, 2], 20)
    x = rng.normal(size=60)
    y = np.array([-1.0, 0.0, 1.0])[group_idx] + 0.5 * x + rng.normal(0, 0.3, 60)
    with pm.Model(coords={"group": ["a", "b", "c"], "obs_id": np.arange(60)}) as model:
        x_data = pm.Data("x", x, dims="obs_id")
        g_data = pm.Data("group_idx", group_idx, dims="obs_id")
        alpha = pm.Normal("alpha", 0, 2, dims="group")
        beta = pm.Normal("beta", 0, 2)
        sigma = pm.HalfNormal("sigma", 1)
        mu = alpha[g_data] + beta * x_data
        pm.Normal("y", mu, sigma, observed=y, shape=mu.shape)
        idata = pm.sample(draws=200, tune=200, chains=2, random_seed=1, progressbar=False,
                          compute_convergence_checks=False)
    return model, idata


def test_predict_rows_predicts_and_restores_the_model(small_fit, caplog):
    model, idata = small_fit
    caplog.set_level(logging.INFO, logger="pymc")
    pred = hlm.predict_rows(model, idata, {"x": np.array([0.0, 0.0]), "group_idx": np.array([0, 2])},
                            coords={"obs_id": [100, 101]}, random_seed=1)
    means = pred.predictions["y"].mean(("chain", "draw")).values
    assert means.shape == (2,)
    assert means[0] == pytest.approx(-1.0, abs=0.4) and means[1] == pytest.approx(1.0, abs=0.4)
    assert model["x"].get_value().shape == (60,), "the fitted model's data must be restored"
    # No "Sampling: [y]" line per call on the page, and the logger's level is put back.
    assert not [r for r in caplog.records if r.getMessage().startswith("Sampling")]
    assert logging.getLogger("pymc.sampling.forward").level == logging.NOTSET


def test_predict_rows_refuses_unknown_groups_and_bad_columns(small_fit):
    model, idata = small_fit
    with pytest.raises(hlm.UnknownGroupError, match=r"group\(s\) not in the fitted model: 3"):
        hlm.predict_rows(model, idata, {"x": np.array([0.0]), "group_idx": np.array([3])}, coords={"obs_id": [0]})
    with pytest.raises(KeyError, match="not pm.Data containers"):
        hlm.predict_rows(model, idata, {"floor": np.array([0.0])})
    with pytest.raises(ValueError, match="NaN"):
        hlm.predict_rows(model, idata, {"x": np.array([np.nan]), "group_idx": np.array([0])})
    with pytest.raises(ValueError, match="disagree on the length"):
        hlm.predict_rows(model, idata, {"x": np.array([0.0, 1.0]), "group_idx": np.array([0])})
    assert model["x"].get_value().shape == (60,)
