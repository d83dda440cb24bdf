"""The closing chapter's numbers and the claims its prose makes about them.

Every fit is checked with hlm.check_convergence inside the notebook (a failing fit stops it, and
chapter_numbers then fails); here we check the data it describes, the direction and rough size of
each conclusion, and that the numbers agree with one another and with the data.
"""

import pytest

from chapters import ROOT
from published import KING_COUNTY

CAPSTONE = ROOT / "chapters" / "capstone.ipynb"
CHAPTER = "capstone"  # the shared `numbers` fixture (tests/conftest.py) reads its glued numbers

PLANTED = [
    {"name": "common_premium_sign_flipped",
     "why": "the common model subtracts the waterfront premium: the fitted factor falls below 1",
     "replace": [("mu = alpha[zipcode_idx] + beta * x + theta * waterfront",
                  "mu = alpha[zipcode_idx] + beta * x - theta * waterfront")]},
    {"name": "varying_premium_sign_flipped",
     "why": "the varying model subtracts each zip code's premium: mu_theta turns negative",
     "replace": [("mu = alpha[zipcode_idx] + beta * x + theta[zipcode_idx] * waterfront",
                  "mu = alpha[zipcode_idx] + beta * x - theta[zipcode_idx] * waterfront")]},
]



def test_the_waterfront_sales_as_the_prose_describes_them(numbers):
    for name in ("n_sales", "n_zips", "n_waterfront", "first_sale"):
        assert numbers[name] == KING_COUNTY[name], name
    assert numbers["n_waterfront_zips"] + numbers["n_empty_zips"] == numbers["n_zips"]
    assert (numbers["n_waterfront_zips"], numbers["n_empty_zips"]) == (29, 41)
    assert (numbers["n_few_zips"], numbers["n_single_zips"], numbers["n_many_zips"]) == (12, 7, 5)
    assert (numbers["top_zip"], numbers["top_zip_waterfront"]) == ("98070", 24)  # Vashon Island
    # Waterfront houses are dearer and larger: why the comparison needs a model.
    assert numbers["median_price_water"] > 2 * numbers["median_price_inland"]
    assert numbers["median_sqft_water"] > numbers["median_sqft_inland"]


def test_the_prior_predictive_check(numbers):
    # Wide, centred on no premium, no thousandfold premiums.
    assert numbers["prior_factor_lo"] < 1 < numbers["prior_factor_hi"]
    assert 0.05 < numbers["prior_factor_lo"] and numbers["prior_factor_hi"] < 20
    # The prior predictive prices contain the real range, far wider, but of the order of house prices.
    assert (numbers["price_min"], numbers["price_max"]) == (KING_COUNTY["min_price"], KING_COUNTY["max_price"])
    assert numbers["prior_price_lo"] < numbers["price_min"] and numbers["price_max"] < numbers["prior_price_hi"]
    assert 100 < numbers["prior_price_lo"] and numbers["prior_price_hi"] < 1e9


def test_the_common_premium(numbers):
    # A waterfront house sells for about twice its inland twin, tightly determined.
    assert 1.8 < numbers["common_factor"] < 2.6
    # (lo < point < hi of the same draws was true by construction: removed; the width bound below stays)
    assert numbers["common_factor_hi"] - numbers["common_factor_lo"] < 0.3


def test_non_centred_is_the_more_efficient(numbers):
    # Both pass the check in the notebook; the non-centred gives more ESS for about the same work.
    assert numbers["param_ess_non_centred"] >= 400 and numbers["param_ess_centred"] >= 400
    assert numbers["param_ess_ratio"] > 1.2
    assert numbers["param_efficiency_ratio"] > 1.2
    steps = numbers["param_steps_non_centred"] / numbers["param_steps_centred"]
    assert 0.8 < steps < 1.25  # "about the same work"
    # The explanation: the data keep sigma_theta away from zero, out of the funnel's neck.
    assert numbers["sigma_theta_lowest"] > 0.05


def test_the_premium_varies_by_zip_code(numbers):
    assert 0.6 < numbers["mu_theta"] < 1.0
    assert 0 < numbers["sigma_theta_lo"] < numbers["sigma_theta"] < numbers["sigma_theta_hi"]
    assert numbers["sigma_theta_lo"] > 0.08  # "the interval stays clear of zero"
    # Vashon Island: the lowest premium, credibly below the population mean.
    assert numbers["top_theta"] < numbers["mu_theta"] - 2 * numbers["sigma_theta"]
    assert numbers["top_below_mean"] > 0.99
    assert 1 < numbers["top_factor"] < numbers["common_factor"]


def test_shrinkage_follows_the_number_of_waterfront_sales(numbers):
    assert numbers["weight_1"] < 0.5 < numbers["weight_3"] < numbers["weight_top"]
    assert numbers["weight_top"] > 0.9
    # "move a long way ... barely move"
    assert numbers["moved_few"] > 0.4
    assert numbers["moved_many"] < 0.2
    # Intervals: many sales narrowest, none widest.
    assert numbers["sd_many"] < numbers["sd_few"] < numbers["sd_empty"]
    assert numbers["sd_few"] > 0.5 * numbers["sd_empty"]  # "narrows the interval a little"


def test_the_posterior_predictive_check(numbers):
    # The common premium cannot reproduce the spread of premiums between zip codes; the varying one can.
    assert numbers["ppc_p_common"] < 0.01
    assert numbers["ppc_observed_common"] > 1.5 * numbers["ppc_replicated_common"]
    assert 0.1 < numbers["ppc_p_varying"] < 0.9
    assert numbers["n_checked_zips"] >= 10


def test_the_conclusions_do_not_depend_on_the_prior(numbers):
    assert numbers["sens_max_diff"] < 0.02
    assert abs(numbers["sens_sigma_theta_diff"]) < 0.02
    for name in ("mu_theta", "sigma_theta"):
        assert numbers[f"psens_{name}"] < numbers["psens_threshold"] == 0.05, name


def test_loo_prefers_the_premium_per_zip_code(numbers):
    assert numbers["elpd_varying"] > numbers["elpd_common"]
    assert numbers["elpd_diff"] == pytest.approx(numbers["elpd_varying"] - numbers["elpd_common"], abs=0.01)
    assert numbers["elpd_diff"] > 2 * numbers["elpd_diff_se"]
    assert numbers["n_flagged"] <= 5
    assert numbers["elpd_diff_unflagged"] > 2 * numbers["elpd_diff_se"]
    # The parts add up, and the zip codes with 1-3 waterfront sales contribute little of the gain.
    parts = numbers["elpd_gain_top"] + numbers["elpd_gain_rest"] + numbers["elpd_gain_few"]
    assert parts == pytest.approx(numbers["elpd_diff"], abs=0.01)
    assert numbers["elpd_gain_top"] > numbers["elpd_gain_rest"] > numbers["elpd_gain_few"]
    assert numbers["elpd_gain_few"] < 0.2 * numbers["elpd_diff"]
    assert numbers["n_few_rows"] == 20  # 7 x 1 + 2 x 2 + 3 x 3 waterfront sales


def test_a_zip_code_without_waterfront_sales(numbers):
    # Its premium is the population's (up to Monte Carlo error of 4,000 draws).
    assert numbers["population_gap"] < 0.03
    assert numbers["empty_zip"] not in (numbers["top_zip"], numbers["single_zip"])
    assert numbers["new_waterfront_median"] > 1.5 * numbers["new_inland_median"]
    # (lo < median < hi of the same draws was true by construction: replaced by the premium's interval)
    assert numbers["new_waterfront_lo"] > numbers["new_inland_median"]
    # the waterfront price adds the premium's uncertainty: a relatively wider interval than inland
    assert (numbers["new_waterfront_hi"] / numbers["new_waterfront_lo"]
            > numbers["new_inland_hi"] / numbers["new_inland_lo"])
    assert numbers["empty_factor_lo"] > 1  # still a premium, but an uncertain one
    assert numbers["empty_factor_hi"] / numbers["empty_factor_lo"] > 1.5
    # Waterfront houses differ in more than the water.
    assert numbers["view_water"] > 10 * numbers["view_inland"]


def test_exercise_solutions(numbers):
    # Dollar premiums: the interval widens from many waterfront sales to one to none.
    assert 1 < numbers["dollars_ratio_top"] < numbers["dollars_ratio_single"] < numbers["dollars_ratio_empty"]
    assert numbers["dollars_top"] > 0 and numbers["dollars_single"] > 0 and numbers["dollars_empty"] > 0
    # Ranking: Vashon is credibly below; few zip codes with 1-3 sales make either list; empty ones none.
    assert numbers["n_below"] >= 1 and numbers["n_above"] >= 1
    assert numbers["n_above_few"] + numbers["n_below_few"] <= 2
    assert 0.4 < numbers["max_p_empty"] < 0.6
