"""The model-checking chapter's numbers and the claims its prose makes about them."""

import pytest

from chapters import ROOT

CHECKING = ROOT / "chapters" / "checking.ipynb"
CHAPTER = "checking"  # the shared `numbers` fixture (tests/conftest.py) reads its glued numbers



def test_the_check_passes_the_healthy_fit_and_fails_the_others(numbers):
    assert numbers["healthy_passes"] is True
    assert numbers["healthy_rhat"] <= 1.01
    assert numbers["healthy_ess_bulk"] >= 400 and numbers["healthy_ess_tail"] >= 400
    for failure in ("too_short", "sticky_chains", "two_modes"):
        assert numbers[f"{failure}_passes"] is False


def test_what_each_diagnostic_caught(numbers):
    # too short: ESS far below 400
    assert numbers["too_short_ess_bulk"] < 200 and numbers["too_short_ess_tail"] < 400
    # sticky chains: R-hat and ESS
    assert numbers["sticky_chains_rhat"] > 1.05 and numbers["sticky_chains_ess_bulk"] < 100
    # two modes: R-hat far above 1; the chains sit in modes near 0 and 4, so the pooled mean is between
    assert numbers["two_modes_rhat"] > 1.5
    assert 1 < numbers["two_modes_mean"] < 3
    # MCSE: "two digits can be trusted" for the healthy fit; the short fit's is several times larger
    assert numbers["healthy_mcse"] < 0.01
    assert numbers["too_short_mcse"] > 3 * numbers["healthy_mcse"]
    assert numbers["healthy_mcse"] == pytest.approx(numbers["healthy_sd"] / numbers["healthy_ess_bulk"] ** 0.5, rel=0.5)


def test_posterior_predictive_checks_on_radon(numbers):
    # complete pooling misses the counties; partial and no pooling pass (under 10% extreme)
    assert numbers["ppc_min_extreme_complete"] > 15
    assert max(numbers["ppc_max_extreme_complete"], numbers["ppc_min_extreme_complete"]) > 10
    for key in ("partial", "none"):
        assert numbers[f"ppc_max_extreme_{key}"] < 10 and numbers[f"ppc_min_extreme_{key}"] < 10
    assert numbers["ppc_max_extreme_none"] <= numbers["ppc_max_extreme_partial"]
    for key in ("complete", "none", "partial"):
        assert 0.05 < numbers[f"ppc_action_p_{key}"] < 0.95
    # the lowest reading: the pooled models fail, no pooling passes
    assert numbers["ppc_lowest_p_complete"] > 0.95 and numbers["ppc_lowest_p_partial"] > 0.95
    assert 0.05 < numbers["ppc_lowest_p_none"] < 0.95
    assert numbers["n_at_floor"] == 4
    assert numbers["n_homes"] == 919  # Gelman & Hill (2007)


def test_posterior_predictive_checks_on_prices(numbers):
    assert numbers["sea_max_extreme_line"] > numbers["sea_max_extreme_vivs"] > 10
    assert numbers["sea_min_extreme_line"] > numbers["sea_min_extreme_vivs"] > 10
    assert numbers["sea_dearest_p_vivs"] < 0.05
    assert numbers["sea_million_p_vivs"] > 0.95


def test_psis_loo(numbers):
    assert numbers["loo_best"] == "partial pooling"
    assert numbers["elpd_loo_partial"] > numbers["elpd_loo_complete"] > numbers["elpd_loo_none"]
    # "no pooling is merely worse than partial pooling, and close behind complete pooling"
    assert (numbers["elpd_loo_complete"] - numbers["elpd_loo_none"]
            < numbers["elpd_loo_partial"] - numbers["elpd_loo_complete"])
    # the differences are several standard errors
    assert numbers["loo_diff_complete"] > 2 * numbers["loo_dse_complete"]
    assert numbers["loo_diff_none"] > 2 * numbers["loo_dse_none"]
    # high Pareto k: many for no pooling, in small counties; none or nearly none for the others
    assert numbers["high_k_none"] > 10
    assert numbers["high_k_complete"] == 0 and numbers["high_k_partial"] <= 2
    assert numbers["high_k_none_max_homes"] <= 20
    assert numbers["high_k_none_share_small"] > 20


def test_leave_counties_out(numbers):
    assert numbers["logo_partial"] > numbers["logo_complete"] > numbers["logo_none"]
    assert numbers["logo_none"] < numbers["logo_complete"] - 100  # "useless"
    assert numbers["logo_cov90_none"] > 99 and numbers["logo_width_none"] > 10
    for key in ("partial", "complete"):
        assert numbers[f"logo_cov50_{key}"] == pytest.approx(50, abs=5)  # calibrated
        assert numbers[f"logo_cov90_{key}"] == pytest.approx(90, abs=4)
    assert numbers["logo_width_partial"] == pytest.approx(numbers["logo_width_complete"], rel=0.1)


def test_exercises(numbers):
    assert 0.8 < numbers["mcse_ratio_lo"] <= numbers["mcse_ratio_hi"] < 1.25
    assert numbers["draws_needed"] > 100  # more than the too-short fit had
    # the survey has more readings at its floor than the model makes
    assert numbers["floor_observed"] == numbers["n_at_floor"]
    assert numbers["floor_expected"] < 1
    assert numbers["floor_p"] < 0.05
