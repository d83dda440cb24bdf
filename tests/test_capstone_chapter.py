"""The closing chapter's numbers and the claims its prose makes about them.

Every fit is checked with hlm.check_convergence inside the notebook (a failing fit stops it, and
chapter_numbers then fails); here we check the data it describes, the direction and rough size of
each conclusion, and that the numbers agree with one another and with the data.
"""

import math

import numpy as np
import pytest
from scipy import stats

import hlm_helpers as hlm
from chapters import ROOT
from published import KING_COUNTY, psis_good_k, waterfront_premium_reference

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

NOT_ASSERTED = {
    "param_time_centred": "timing: wall time of the centred fit, compilation included, on the build machine",
    "param_time_non_centred": "timing: wall time of the non-centred fit, compilation included, on the build machine",
}


@pytest.fixture(scope="module")
def sales(king_county_dir):
    """The sales file, read without the chapter's code."""
    return hlm.load_king_county()


@pytest.fixture(scope="module")
def per_zip(sales):
    return sales.groupby("zipcode", observed=True).agg(sales=("price", "size"), water=("waterfront", "sum"))


@pytest.fixture(scope="module")
def premium_reference(sales):
    """Least squares with a level per zip code (tests/published.py): the common premium, and the zip
    codes' own premiums pooled by moments."""
    return waterfront_premium_reference(sales["log_price"], np.log(sales["sqft_living"] / 2000),
                                        sales["waterfront"], sales["zipcode"])



def test_the_waterfront_sales_as_the_prose_describes_them(numbers):
    for name in ("n_sales", "n_zips", "n_waterfront", "first_sale"):
        assert numbers[name] == KING_COUNTY[name], name
    assert numbers["n_waterfront_zips"] + numbers["n_empty_zips"] == numbers["n_zips"]
    assert (numbers["n_waterfront_zips"], numbers["n_empty_zips"]) == (29, 41)
    assert (numbers["n_few_zips"], numbers["n_single_zips"], numbers["n_many_zips"]) == (12, 7, 5)
    # "most of the others have fewer than ten"
    assert numbers["n_waterfront_zips"] - numbers["n_many_zips"] > numbers["n_waterfront_zips"] / 2
    assert (numbers["top_zip"], numbers["top_zip_waterfront"]) == ("98070", 24)  # Vashon Island
    # Waterfront houses are dearer and larger: why the comparison needs a model.
    assert numbers["median_price_water"] > 2 * numbers["median_price_inland"]
    assert numbers["median_sqft_water"] > numbers["median_sqft_inland"]


def test_the_zip_codes_the_prose_names(numbers, per_zip):
    # "only 163 are on the water (0.8%)"; "24 of its 118 sales on the water, a 15% share of all waterfront
    # sales": the published counts, and the file's
    assert numbers["waterfront_share"] == pytest.approx(KING_COUNTY["n_waterfront"] / KING_COUNTY["n_sales"])
    assert numbers["top_zip_share_of_waterfront"] == pytest.approx(
        numbers["top_zip_waterfront"] / KING_COUNTY["n_waterfront"])
    top = per_zip.loc[numbers["top_zip"]]
    assert (numbers["top_zip_sales"], numbers["top_zip_waterfront"]) == (top["sales"], top["water"]) == (118, 24)
    # "98103 (602 sales, none on the water)": the zip code with most sales of all (the published 602)
    empty = per_zip.loc[numbers["empty_zip"]]
    assert (numbers["empty_zip_sales"], empty["water"]) == (empty["sales"], 0)
    assert numbers["empty_zip_sales"] == KING_COUNTY["max_zip_sales"] == per_zip["sales"].max()
    # "The level alpha_j is well known in all three zip codes (118 sales or more each)"
    three = [numbers["top_zip"], numbers["single_zip"], numbers["empty_zip"]]
    assert per_zip.loc[three, "sales"].min() == numbers["top_zip_sales"]
    assert per_zip.loc[numbers["single_zip"], "water"] == 1


def test_the_prior_predictive_check(numbers):
    # Wide, centred on no premium, no thousandfold premiums.
    assert numbers["prior_factor_lo"] < 1 < numbers["prior_factor_hi"]
    assert 0.05 < numbers["prior_factor_lo"] and numbers["prior_factor_hi"] < 20
    # From 10,000 draws of the premiums, the exact prior quantiles of e^theta_j: theta_j = mu + sigma z with
    # mu ~ N(0, 1), sigma ~ HalfNormal(0.5), z ~ N(0, 1), by a million independent draws here
    rng = np.random.default_rng(0)
    n = 1_000_000
    theta = rng.normal(0, 1, n) + np.abs(rng.normal(0, 0.5, n)) * rng.normal(0, 1, n)
    lo, hi = np.exp(np.quantile(theta, [0.05, 0.95]))
    assert numbers["prior_factor_lo"] == pytest.approx(lo, rel=0.1)
    assert numbers["prior_factor_hi"] == pytest.approx(hi, rel=0.1)
    # "with 95% prior probability one standard deviation ... is below 0.98 ..., a factor of about e";
    # "where the prior allowed anything from 0.03 to 0.98 (its central 90% interval)"
    assert numbers["sigma_theta_prior_q95"] == pytest.approx(stats.halfnorm(scale=0.5).ppf(0.95))
    assert math.exp(numbers["sigma_theta_prior_q95"]) == pytest.approx(math.e, rel=0.05)
    assert numbers["sigma_theta_prior_lo"] == pytest.approx(stats.halfnorm(scale=0.5).ppf(0.05))
    assert numbers["sigma_theta_prior_hi"] == pytest.approx(stats.halfnorm(scale=0.5).ppf(0.95))
    # The prior predictive prices contain the real range, far wider, but of the order of house prices.
    assert (numbers["price_min"], numbers["price_max"]) == (KING_COUNTY["min_price"], KING_COUNTY["max_price"])
    assert numbers["prior_price_lo"] < numbers["price_min"] and numbers["price_max"] < numbers["prior_price_hi"]
    assert 100 < numbers["prior_price_lo"] and numbers["prior_price_hi"] < 1e9


def test_the_common_premium(numbers):
    # A waterfront house sells for about twice its inland twin, tightly determined.
    assert 1.8 < numbers["common_factor"] < 2.6
    # (lo < point < hi of the same draws was true by construction: removed; the width bound below stays)
    assert numbers["common_factor_hi"] - numbers["common_factor_lo"] < 0.3


def test_the_common_premium_against_least_squares(numbers, premium_reference):
    # "a log premium of 0.77": least squares with a level per zip code gives 0.769 (se 0.017); the
    # posterior mean within two of its standard errors (the posterior sd is about the same).
    ref = premium_reference
    assert abs(numbers["common_theta"] - ref["theta"]) < 2 * ref["theta_se"]
    # and it is the log of the factor quoted (mean of e^theta against e^mean: theta's sd is 0.02)
    assert math.exp(numbers["common_theta"]) == pytest.approx(numbers["common_factor"], rel=0.005)
    assert math.exp(ref["theta"]) == pytest.approx(numbers["common_factor"], rel=0.05)


def test_non_centred_is_the_more_efficient(numbers):
    # Both pass the check in the notebook; the non-centred gives more ESS for about the same work.
    assert numbers["param_ess_non_centred"] >= 400 and numbers["param_ess_centred"] >= 400
    assert numbers["param_ess_ratio"] > 1.2
    assert numbers["param_ess_ratio"] == pytest.approx(numbers["param_ess_non_centred"] / numbers["param_ess_centred"])
    # "its smallest bulk ESS is 1,115 (that of mu_theta; of sigma_theta, 1,261) against 559 (that of
    # sigma_theta)": the named variable's ESS is the smallest, so sigma_theta's is at least it
    assert numbers["param_ess_sigma_theta_non_centred"] >= numbers["param_ess_non_centred"]
    if numbers["param_ess_var_non_centred"] == "sigma_theta":
        assert numbers["param_ess_sigma_theta_non_centred"] == numbers["param_ess_non_centred"]
    else:
        assert numbers["param_ess_sigma_theta_non_centred"] > numbers["param_ess_non_centred"]
    assert numbers["param_ess_var_centred"] in {"sigma_theta", "mu_theta", "mu_alpha", "sigma_alpha", "beta",
                                                "sigma"} or numbers["param_ess_var_centred"].startswith("theta")
    assert numbers["param_efficiency_ratio"] > 1.2
    steps = numbers["param_steps_non_centred"] / numbers["param_steps_centred"]
    assert 0.8 < steps < 1.25  # "about the same work"
    # The explanation: the data keep sigma_theta away from zero, out of the funnel's neck.
    assert numbers["sigma_theta_lowest"] > 0.05


def test_the_premium_varies_by_zip_code(numbers, premium_reference):
    assert 0.6 < numbers["mu_theta"] < 1.0
    # The zip codes' own least-squares premiums pooled by moments (DerSimonian-Laird): mean 0.80 (se
    # 0.04) and between-zip-code sd 0.20. The posterior's mean within two of that se; its sigma_theta
    # interval holds the moment estimate.
    ref = premium_reference
    assert ref["n_zips"] == numbers["n_waterfront_zips"]
    assert abs(numbers["mu_theta"] - ref["re_mean"]) < 2 * ref["re_mean_se"]
    assert numbers["sigma_theta_lo"] < ref["tau"] < numbers["sigma_theta_hi"]
    # "(a factor of 2.23)": e^mu_theta, up to mu_theta's posterior variance / 2 (about 0.001)
    assert numbers["mu_factor"] == pytest.approx(math.exp(numbers["mu_theta"]), rel=0.01)
    # "one standard deviation between zip codes multiplies the premium factor by about 1.20": e^sigma_theta,
    # and so within the e^ of its interval, near the moment estimate's e^0.20 = 1.22
    assert numbers["sigma_theta_factor"] == pytest.approx(math.exp(numbers["sigma_theta"]), rel=1e-9)
    assert abs(math.log(numbers["sigma_theta_factor"]) - ref["tau"]) < (
        numbers["sigma_theta_hi"] - numbers["sigma_theta_lo"]) / 2
    # "the population of premiums, whose mean is not pulled down by 98070 as the common premium is"
    assert numbers["mu_theta"] > numbers["common_theta"]
    assert ref["re_mean"] > ref["theta"]
    assert 0 < numbers["sigma_theta_lo"] < numbers["sigma_theta"] < numbers["sigma_theta_hi"]
    # "they confine the spread to that interval, where the prior allowed anything from 0.03 to 0.98 ...:
    # they rule out spreads near zero and large ones alike": the posterior interval inside the prior's,
    # with room at both ends
    assert numbers["sigma_theta_prior_lo"] < 0.5 * numbers["sigma_theta_lo"]
    assert numbers["sigma_theta_hi"] < 0.5 * numbers["sigma_theta_prior_hi"]
    # (no test of "the interval stays clear of zero": a spread's interval does so whatever the data, as
    # the prose now says; the evidence for varying premiums is tested with LOO below)
    # Vashon Island: the lowest premium, credibly below the population mean.
    assert numbers["top_theta"] < numbers["mu_theta"] - 2 * numbers["sigma_theta"]
    assert numbers["top_below_mean"] > 0.99
    assert 1 < numbers["top_factor"] < numbers["common_factor"]


def test_shrinkage_follows_the_number_of_waterfront_sales(numbers, premium_reference, per_zip):
    assert numbers["weight_1"] < 0.5 < numbers["weight_3"] < numbers["weight_top"]
    assert numbers["weight_top"] > 0.9
    # The weights are n / (n + r), r = sigma^2 / sigma_theta^2 at the posterior means (from weight_1).
    r = 1 / numbers["weight_1"] - 1
    assert numbers["weight_3"] == pytest.approx(3 / (3 + r))
    assert numbers["weight_top"] == pytest.approx(numbers["top_zip_waterfront"] / (numbers["top_zip_waterfront"] + r))
    # "A zip code's own estimate": the average gap to its line at the same fit's levels. The zip codes'
    # own least-squares premiums (a level per zip code, tests/published.py) are that, up to the levels'
    # pooling (0.03 for 98070's 118 sales).
    ref = premium_reference
    own_ref = dict(zip(sorted(per_zip.index[per_zip["water"] > 0].astype(str)), ref["theta_j"]))
    assert numbers["own_top"] == pytest.approx(own_ref[numbers["top_zip"]], abs=0.03)
    # 98070 shrinks toward mu_theta, from its own estimate (the figure showed it moving away when the
    # own estimate came from the other fit's levels).
    assert numbers["own_top"] < numbers["top_theta"] < numbers["mu_theta"]
    # "the share moved less 1 - w runs from -0.001 to +0.020, within a few hundredths"
    # (Monte Carlo error and the weights' use of posterior means: the sign varies between runs).
    assert numbers["clear_distance"] == 0.1
    assert numbers["moved_min_excess"] <= numbers["moved_max_excess"]
    assert numbers["moved_max_gap"] == pytest.approx(
        max(-numbers["moved_min_excess"], numbers["moved_max_excess"]))
    assert numbers["moved_max_gap"] < 0.05
    gap = numbers["moved_max_gap"]
    # 98070's own estimate is far from mu_theta, so it is one of the zip codes listed: within gap of 1 - w
    assert abs(numbers["own_top"] - numbers["mu_theta"]) >= numbers["clear_distance"]
    assert abs(numbers["moved_top"] - (1 - numbers["weight_top"])) <= gap + 1e-9
    # the medians: between a three-sale zip code's 1 - w(3) and a one-sale's 1 - w(1); with ten or more,
    # between 1 - w(24) and 1 - w(10), "barely move"
    assert 1 - numbers["weight_3"] - gap <= numbers["moved_few"] <= 1 - numbers["weight_1"] + gap
    assert 1 - numbers["weight_top"] - gap <= numbers["moved_many"] <= 1 - 10 / (10 + r) + gap
    assert numbers["moved_many"] < 0.2
    assert numbers["moved_few"] > 2 * numbers["moved_many"]
    # "the 6 of them with one to three": zip codes whose own least-squares premium lies at least 0.1
    # from mu_theta, one either way for the levels' pooling at the boundary
    few = [z for z, n in per_zip["water"].items() if 1 <= n <= 3]
    clear_ref = sum(abs(own_ref[str(z)] - numbers["mu_theta"]) >= numbers["clear_distance"] for z in few)
    assert abs(numbers["n_few_clear"] - clear_ref) <= 1
    assert 1 <= numbers["n_few_clear"] <= numbers["n_few_zips"]
    # Intervals: many sales narrowest, none widest.
    assert numbers["sd_many"] < numbers["sd_few"] < numbers["sd_empty"]
    assert numbers["sd_few"] > 0.5 * numbers["sd_empty"]  # "narrows the interval a little"


def test_the_posterior_predictive_check(numbers, per_zip):
    # The common premium cannot reproduce the spread of premiums between zip codes; the varying one can.
    assert numbers["ppc_p_common"] < 0.01
    assert numbers["ppc_observed_common"] > 1.5 * numbers["ppc_replicated_common"]
    assert 0.1 < numbers["ppc_p_varying"] < 0.9
    assert numbers["n_checked_zips"] >= 10
    # "the 13 zip codes with at least 5 waterfront sales"
    assert numbers["n_checked_zips"] == (per_zip["water"] >= numbers["min_waterfront"]).sum()
    # "The zip codes checked include 98070, whose premium lies far below the others'"
    assert numbers["top_zip_waterfront"] >= numbers["min_waterfront"]
    assert numbers["top_theta"] < numbers["mu_theta"] - 2 * numbers["sigma_theta"]


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
    # "with k-hat above 0.7, where the estimate is not to be trusted": PSIS's threshold for the
    # chapter's 4 chains x 2,000 draws, min(1 - 1 / log10 S, 0.7)
    assert numbers["good_k"] == pytest.approx(psis_good_k(4 * 2000))
    assert numbers["elpd_diff_unflagged"] > 2 * numbers["elpd_diff_se"]
    # The parts add up, and the zip codes with 1-3 waterfront sales contribute little of the gain.
    parts = numbers["elpd_gain_top"] + numbers["elpd_gain_rest"] + numbers["elpd_gain_few"]
    assert parts == pytest.approx(numbers["elpd_diff"], abs=0.01)
    assert numbers["elpd_gain_top"] > numbers["elpd_gain_rest"] > numbers["elpd_gain_few"]
    assert numbers["elpd_gain_few"] < 0.2 * numbers["elpd_diff"]
    assert numbers["n_few_rows"] == 20  # 7 x 1 + 2 x 2 + 3 x 3 waterfront sales
    # "Of these, the 7 that are their zip code's only waterfront sale (...) ... For the other 13 (...)"
    assert (numbers["n_single_rows"], numbers["n_two_three_rows"]) == (7, 13)
    assert numbers["elpd_gain_single"] + numbers["elpd_gain_two_three"] == pytest.approx(
        numbers["elpd_gain_few"], abs=0.01)
    # "the population predicts them no better than the common premium does": their part of the gain is
    # not positive beyond a fraction of an ELPD unit, and the 1-3 sale zip codes' gain is the 2-3 ones'
    assert numbers["elpd_gain_single"] < 0.5
    assert numbers["elpd_gain_two_three"] > numbers["elpd_gain_single"]
    # "with weights of 0.42 and 0.59 on the zip code's own data": one and two remaining sales
    r = 1 / numbers["weight_1"] - 1
    assert numbers["weight_2"] == pytest.approx(2 / (2 + r))
    assert numbers["weight_1"] < 0.5 < numbers["weight_2"] < numbers["weight_3"]
    # Summary: "77% of the gain in zip codes with four or more of them and 67% on one island"
    assert numbers["elpd_share_four_plus"] == pytest.approx(
        (numbers["elpd_gain_top"] + numbers["elpd_gain_rest"]) / numbers["elpd_diff"], abs=1e-3)
    assert numbers["elpd_share_four_plus"] > numbers["elpd_top_share"]
    # "The evidence ... rests largely on one island: 67% of the difference comes from 98070"
    assert numbers["elpd_top_share"] == pytest.approx(numbers["elpd_gain_top"] / numbers["elpd_diff"], abs=1e-3)
    assert numbers["elpd_top_share"] > 0.5


def test_loo_without_the_island(numbers, sales):
    # "the 139 other waterfront sales": the file's 163 less 98070's 24
    assert numbers["n_waterfront_no_top"] == KING_COUNTY["n_waterfront"] - numbers["top_zip_waterfront"]
    # "still predicts ... better, by 9.3, but with a standard error of 6.3: less than two standard errors"
    assert numbers["elpd_diff_no_top"] > 0
    assert numbers["elpd_diff_no_top"] < 2 * numbers["elpd_diff_no_top_se"]
    assert numbers["elpd_diff_no_top_se"] > 0
    assert numbers["n_flagged_no_top"] <= 5
    # "that is not to say the other zip codes' premiums are alike: in the fit without it, 4 zip codes have a
    # premium above mu_theta with probability of at least 0.9 (5 in the fit with it ...)"
    assert numbers["n_above_no_top"] >= 1
    # "Its estimate of the spread sigma_theta falls to 0.14": below the fit with 98070, and near the
    # moment (DerSimonian-Laird) estimate of the spread of the other zip codes' least-squares premiums
    assert numbers["sigma_theta_no_top"] < numbers["sigma_theta"]
    rest = sales[sales["zipcode"].astype(str) != numbers["top_zip"]]
    ref = waterfront_premium_reference(rest["log_price"], np.log(rest["sqft_living"] / 2000), rest["waterfront"],
                                       rest["zipcode"].astype(str))
    assert ref["tau"] < waterfront_premium_reference(
        sales["log_price"], np.log(sales["sqft_living"] / 2000), sales["waterfront"], sales["zipcode"])["tau"]
    assert numbers["sigma_theta_no_top"] == pytest.approx(ref["tau"], abs=0.05)


def test_a_zip_code_without_waterfront_sales(numbers, sales):
    # Its premium is the population's (up to Monte Carlo error of 8,000 draws).
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
    # "83% of them have the best view rating, against 0.9% of the other sales": the file's shares
    water = sales["waterfront"] == 1
    assert numbers["view_water"] == pytest.approx((sales.loc[water, "view"] == 4).mean())
    assert numbers["view_inland"] == pytest.approx((sales.loc[~water, "view"] == 4).mean())


def test_exercise_solutions(numbers):
    # Dollar premiums: the interval widens from many waterfront sales to one to none.
    assert 1 < numbers["dollars_ratio_top"] < numbers["dollars_ratio_single"] < numbers["dollars_ratio_empty"]
    assert numbers["dollars_top"] > 0 and numbers["dollars_single"] > 0 and numbers["dollars_empty"] > 0
    # Ranking: Vashon is credibly below; few zip codes with 1-3 sales make either list; empty ones none.
    assert numbers["n_below"] >= 1 and numbers["n_above"] >= 1
    # "The zip codes whose premium lies above it with probability of at least 0.9 have between 3 and 9
    # waterfront sales": none of the ten-or-more group, for which the paragraph speaks
    assert 1 <= numbers["min_sales_above"] <= numbers["max_sales_above"] < 10
    # "Some of them [zip codes other than 98070] sit above mu_theta with high posterior probability"
    assert numbers["top_below_mean"] > 0.9  # 98070 is not among those above
    assert numbers["n_above_few"] + numbers["n_below_few"] <= 2
    assert 0.4 < numbers["max_p_empty"] < 0.6
