"""The priors chapter's numbers and the claims its prose makes about them."""

import numpy as np
import pytest
from scipy import stats

from chapters import ROOT

PRIORS = ROOT / "chapters" / "priors.ipynb"
CHAPTER = "priors"  # the shared `numbers` fixture (tests/conftest.py) reads its glued numbers



def test_talks_priors_fail_the_prior_predictive_check(numbers):
    # "the talk's priors put a tiny share of simulated prices between $10,000 and $100 million"
    assert numbers["talk_plausible"] < 0.1
    # N(0, 1e5) on the log scale: the 95% quantile of log10 price is near 1.645 * sqrt(3) * 1e5 / ln 10
    # (alpha, beta * x and sigma * eps each contribute about 1e5); tens of thousands of digits
    assert numbers["talk_log10_95"] > 10_000
    assert numbers["weak_plausible"] > 90
    assert numbers["data_min_price"] == 75_000 and numbers["data_max_price"] == 7_700_000


def test_priors_do_not_matter_with_all_sales(numbers):
    assert numbers["one_line_max_gap"] < 0.001
    assert numbers["seattle_gap_sd"] < 0.2
    assert numbers["seattle_alpha_gap"] < 0.01


def test_codings(numbers):
    assert numbers["coding_raw_log10_95"] > 1000  # a slope per square foot: absurd
    assert numbers["coding_log_log10_95"] > 9  # uncentred log: the price of a one square foot house
    # centred log: ratio of the prices of 4,000 and 2,000 sq ft houses is 2**beta, beta ~ N(0, 1)
    q = stats.norm.ppf(0.95) * np.log(2)
    assert numbers["coding_centred_ratio_95"] == pytest.approx(np.exp(q), rel=0.03)
    assert numbers["coding_centred_ratio_5"] == pytest.approx(np.exp(-q), rel=0.03)


def test_centring_decorrelates_and_speeds_the_sampler(numbers):
    assert numbers["uncentred_corr"] < -0.99
    assert abs(numbers["centred_corr"]) < 0.3
    assert numbers["uncentred_steps"] > 3 * numbers["centred_steps"]


def test_radon_prior_predictive(numbers):
    assert numbers["radon_prior_plausible_wide"] < 20
    # "almost a third of the homes they simulate" fall outside 0.01 to 1,000 pCi/L
    assert 20 < 100 - numbers["radon_prior_plausible_chapter"] < 40
    assert numbers["radon_prior_plausible_weak"] > 99
    assert numbers["radon_prior_wide_95"] > 10


def test_spread_priors_implications(numbers):
    # HalfCauchy(5): P(sigma > 1) = 1 - 2/pi * arctan(1/5)
    assert numbers["cauchy_p_above_1"] == pytest.approx(100 * (1 - 2 / np.pi * np.arctan(1 / 5)), abs=0.5)
    assert numbers["cauchy_ratio_95"] > 1e6
    assert 10 < numbers["halfnormal_ratio_95"] < 40
    assert numbers["tight_ratio_95"] < 1.5
    # "the median ratio ... is" about 2 or less for both scale-1 priors
    assert numbers["halfnormal_ratio_median"] < 2 and numbers["exponential_ratio_median"] < 2


def test_reasonable_spread_priors_agree_and_the_tight_one_pulls(numbers):
    # Gelman & Hill (2007, ch. 12): the varying-intercept radon model has sigma_alpha about 0.33
    assert numbers["all_reasonable_mean_lo"] == pytest.approx(0.33, abs=0.03)
    assert numbers["all_reasonable_mean_hi"] - numbers["all_reasonable_mean_lo"] < 0.02
    assert numbers["six_reasonable_mean_hi"] - numbers["six_reasonable_mean_lo"] < 0.03
    # six groups: "a longer upper tail"
    assert numbers["six_reasonable_95_lo"] > 1.2 * numbers["all_reasonable_95_hi"]
    # the tight prior pulls more with six groups than with 85
    assert numbers["six_tight_pull"] > 1.5 * numbers["all_tight_pull"] > 0
    assert numbers["six_tight_mean"] < numbers["six_reasonable_mean_lo"]
    assert numbers["six_homes_min"] == 32 and numbers["six_homes_max"] == 116


def test_sensitivity_by_refitting(numbers):
    assert numbers["sens_small_gap"] < 0.5 * numbers["sens_small_sd"]
    assert numbers["shift_small"] > 2 * numbers["shift_large"]
    assert numbers["n_small_counties"] > 10


def test_power_scaling(numbers):
    assert numbers["psens_n_flagged"] >= 1
    assert "HalfNormal(0.1) (6 counties)" in numbers["psens_flagged"]
    assert "HalfNormal(1)" not in numbers["psens_flagged"]
    assert numbers["psens_tight_six"] > 0.05 and numbers["psens_tight_all"] > 0.05
    assert numbers["psens_lik_all_min"] > 2 * numbers["psens_lik_six_max"]
    assert numbers["talk_psens_max"] < 0.05  # exercise 3


def test_exercises(numbers):
    # exercise 1: the elicited priors hit their 90% intervals
    assert numbers["elicit_share_price"] == pytest.approx(90, abs=1)
    assert numbers["elicit_share_beta"] == pytest.approx(90, abs=2)
    assert numbers["elicit_alpha_mu"] == pytest.approx((np.log(1e5) + np.log(2e6)) / 2)
    assert numbers["elicit_plausible"] > 95
    # exercise 2: reasonable priors give intervals "about as wide" with six counties as with 85;
    # the tight prior narrows them, more with six counties
    assert numbers["new_width_six_hi"] - numbers["new_width_six_lo"] < 0.1
    assert numbers["new_width_all_hi"] - numbers["new_width_all_lo"] < 0.1
    assert abs(numbers["new_width_six_lo"] - numbers["new_width_all_lo"]) < 0.15
    assert numbers["new_width_six_narrowing"] > 1.5 * numbers["new_width_all_narrowing"] > 0


def test_data_sizes_quoted_in_the_prose(numbers):
    # Gelman & Hill (2007): 85 counties; the shared King County file: 21,613 sales, 70 zip codes, 50 to 602 each
    assert numbers["n_counties"] == 85
    assert (numbers["n_sales"], numbers["n_zips"], numbers["min_zip_sales"]) == (21_613, 70, 50)
