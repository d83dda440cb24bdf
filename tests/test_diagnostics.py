import arviz as az
import numpy as np
import pytest

import hlm_helpers as hlm


def _idata(chains=4, draws=500, seed=0, shift=None, diverging=0):
    rng = np.random.default_rng(seed)
    mu = rng.normal(size=(chains, draws))
    theta = rng.normal(size=(chains, draws, 3))
    if shift is not None:
        theta[0] += shift  # one chain stuck elsewhere
    div = np.zeros((chains, draws), dtype=bool)
    div.flat[:diverging] = True
    return az.from_dict({"posterior": {"mu": mu, "theta": theta}, "sample_stats": {"diverging": div}})


def test_healthy_fit_passes_and_returns_table():
    table = hlm.check_convergence(_idata())
    assert set(table.index) == {"mu", "theta"}
    assert (table["r_hat"] < 1.01).all() and (table["ess_bulk"] > 400).all()


def test_stuck_chain_is_named():
    with pytest.raises(hlm.ConvergenceError) as err:
        hlm.check_convergence(_idata(shift=3.0))
    text = str(err.value)
    assert "theta: R-hat" in text
    assert "mu:" not in text


def test_divergences_fail_and_are_counted():
    idata = _idata(diverging=3)
    assert hlm.count_divergences(idata) == 3
    with pytest.raises(hlm.ConvergenceError, match="3 divergent transitions"):
        hlm.check_convergence(idata)
    hlm.check_convergence(idata, max_divergences=3)
    with pytest.raises(hlm.ConvergenceError, match="1 divergent transition "):
        hlm.check_convergence(_idata(diverging=1))


def test_thresholds_are_arguments():
    idata = _idata(draws=60)  # about 240 effective draws
    with pytest.raises(hlm.ConvergenceError, match="bulk ESS"):
        hlm.check_convergence(idata)
    hlm.check_convergence(idata, r_hat_max=1.1, ess_bulk_min=100, ess_tail_min=100)


def test_var_names_restrict_the_check():
    hlm.check_convergence(_idata(shift=3.0), var_names=["mu"])


def test_unconstrained_copies_are_skipped():
    rng = np.random.default_rng(1)
    idata = az.from_dict({"posterior": {"sigma": np.abs(rng.normal(size=(4, 500))),
                                        "sigma_log__": np.full((4, 500), 0.0)}})
    assert list(hlm.convergence_table(idata).index) == ["sigma"]


def test_bad_input_is_explained():
    with pytest.raises(TypeError, match="DataTree returned by pm.sample"):
        hlm.check_convergence({"mu": [1, 2]})
    with pytest.raises(TypeError, match=r"with groups \['prior'\]"):
        hlm.check_convergence(az.from_dict({"prior": {"mu": np.zeros((4, 10))}}))
    with pytest.raises(ValueError, match="at least 2 chains"):
        hlm.check_convergence(_idata(chains=1))
    with pytest.raises(KeyError, match="No variable"):
        hlm.check_convergence(_idata(), var_names=["nope"])


def test_passes_convergence_check_prints_the_reason_instead_of_raising(capsys):
    assert hlm.passes_convergence_check(_idata()) is True
    assert capsys.readouterr().out == ""
    assert hlm.passes_convergence_check(_idata(shift=3.0)) is False
    assert "theta: R-hat" in capsys.readouterr().out
    # thresholds and var_names pass through to check_convergence
    assert hlm.passes_convergence_check(_idata(diverging=2), max_divergences=2) is True
    assert hlm.passes_convergence_check(_idata(shift=3.0), var_names=["mu"]) is True
