"""The priors chapter's numbers and the claims its prose makes about them."""

import numpy as np
import pytest
from scipy import stats

import hlm_helpers as hlm
from chapters import ROOT
from published import GELMAN_HILL, KING_COUNTY, RADON, half_cauchy_above, pair_ratio_quantile, within_band

PRIORS = ROOT / "chapters" / "priors.ipynb"
CHAPTER = "priors"  # the shared `numbers` fixture (tests/conftest.py) reads its glued numbers
Z90 = stats.norm.ppf(0.95)

PLANTED = [
    # caught by test_spread_priors_implications (tight_ratio_95 against its analytic 1.36) and
    # test_reasonable_spread_priors_agree_and_the_tight_one_pulls (the "tight" prior no longer pulls)
    {"name": "tight_prior_10x", "why": "the tight spread prior typed 10x wider (1.0 for 0.1): it is then a "
     "reasonable prior, pulls nothing, and every fit still converges",
     "replace": [('"HalfNormal(0.1)": (pm.HalfNormal, {"sigma": 0.1})',
                  '"HalfNormal(0.1)": (pm.HalfNormal, {"sigma": 1.0})')]},
    # caught by test_exercises (elicit_alpha_sd against ln(20) / (2 * 1.645), elicit_share_price
    # against the nominal 90%)
    {"name": "elicited_sd_without_z", "why": "the elicited intercept sd left as half the interval's width, "
     "forgetting to divide by 1.645: a 90% interval becomes a 99% one",
     "replace": [("alpha_sd=(log_high - log_low) / 2 / Z90", "alpha_sd=(log_high - log_low) / 2")]},
]


@pytest.fixture(scope="module")
def radon_homes():
    """Homes per county in the survey file (data/radon.csv), read without the chapter's code."""
    radon = hlm.load_radon()
    return radon, radon.groupby("county", observed=True).size()



def test_talks_priors_fail_the_prior_predictive_check(numbers):
    # "the talk's priors put a tiny share of simulated prices between $10,000 and $100 million"
    assert numbers["talk_plausible"] < 0.1
    # N(0, 1e5) on the log scale: alpha and sigma * eps each have sd 1e5 (beta * x little more, x being
    # within about +-1), so the 95% quantile of log10 price is near 1.645 * sqrt(2) * 1e5 / ln 10
    # (was: > 10,000)
    assert numbers["talk_log10_95"] == pytest.approx(Z90 * np.sqrt(2) * 1e5 / np.log(10), rel=0.12)
    assert numbers["weak_plausible"] > 90
    assert (numbers["data_min_price"], numbers["data_max_price"]) == (KING_COUNTY["min_price"], KING_COUNTY["max_price"])


def test_priors_do_not_matter_with_all_sales(numbers):
    assert numbers["one_line_max_gap"] < 0.001
    assert numbers["seattle_gap_sd"] < 0.2
    assert numbers["seattle_alpha_gap"] < 0.01


def test_codings(numbers):
    # alpha ~ N(13, 2), beta ~ N(0, 1): at 2,000 sq ft log price ~ N(13, sqrt(4 + x^2)); its 95% quantile
    # in log10, analytically (was: > 1000 and > 9)
    def log10_95(x):
        return (13 + Z90 * np.sqrt(4 + x**2)) / np.log(10)
    assert numbers["coding_raw_log10_95"] == pytest.approx(log10_95(2000), rel=0.02)  # a slope per square foot: absurd
    # uncentred log: the price of a one square foot house
    assert numbers["coding_log_log10_95"] == pytest.approx(log10_95(np.log(2000)), rel=0.02)
    # centred log: ratio of the prices of 4,000 and 2,000 sq ft houses is 2**beta, beta ~ N(0, 1)
    q = stats.norm.ppf(0.95) * np.log(2)
    assert numbers["coding_centred_ratio_95"] == pytest.approx(np.exp(q), rel=0.03)
    assert numbers["coding_centred_ratio_5"] == pytest.approx(np.exp(-q), rel=0.03)


def test_centring_decorrelates_and_speeds_the_sampler(numbers):
    assert numbers["uncentred_corr"] < -0.99
    assert abs(numbers["centred_corr"]) < 0.3
    assert numbers["uncentred_steps"] > 3 * numbers["centred_steps"]
    # "the uncentred fit's draws are worth far fewer independent ones": both past the check's 400, the
    # uncentred fit's worst bulk ESS under a third of the centred fit's, from the same draws
    assert 400 <= numbers["uncentred_ess"] < numbers["centred_ess"] / 3


def test_radon_prior_predictive(numbers, radon_homes):
    assert numbers["radon_prior_plausible_wide"] < 20
    # "almost a third of the homes they simulate" fall outside 0.01 to 1,000 pCi/L
    assert 20 < 100 - numbers["radon_prior_plausible_chapter"] < 34
    # "The survey's readings go up to 48.2 pCi/L": the survey file's largest, inside the plausible range
    radon, _ = radon_homes
    assert numbers["radon_data_max"] == pytest.approx(radon["radon"].max()) and 0.01 < numbers["radon_data_max"] < 1000
    assert numbers["radon_prior_plausible_weak"] > 99
    assert numbers["radon_prior_wide_95"] > 10


def test_spread_priors_implications(numbers):
    # HalfCauchy(5): P(sigma > 1) = 1 - 2/pi * arctan(1/5)
    assert numbers["cauchy_p_above_1"] == pytest.approx(half_cauchy_above(1, 5), abs=0.5)
    # The ratio of two counties' levels, exp(|s (z1 - z2)|), has quantiles computed by integration in
    # published.pair_ratio_quantile; the chapter's 100,000 draws match them (on the log scale, where
    # Monte Carlo error is a percent or two). Replaces the hand-set 10 < . < 40, < 1.5, > 1e6 and < 2.
    # "one pair in twenty differs by more than a factor of 22 and 69"
    for name, spread, q, rel in [
        ("halfnormal_ratio_95", stats.halfnorm(scale=1), 0.95, 0.03),
        ("exponential_ratio_95", stats.expon(scale=1), 0.95, 0.03),
        ("tight_ratio_95", stats.halfnorm(scale=0.1), 0.95, 0.03),  # "at most a few tens of percent"
        ("cauchy_ratio_95", stats.halfcauchy(scale=5), 0.95, 0.05),
        # "agree in the middle": the median ratios
        ("halfnormal_ratio_median", stats.halfnorm(scale=1), 0.5, 0.03),
        ("exponential_ratio_median", stats.expon(scale=1), 0.5, 0.03),
    ]:
        assert np.log(numbers[name]) == pytest.approx(np.log(pair_ratio_quantile(q, spread)), rel=rel), name
    # "agree in the middle and part in the tail"
    assert abs(numbers["halfnormal_ratio_median"] - numbers["exponential_ratio_median"]) < 0.1
    assert numbers["exponential_ratio_95"] > 2 * numbers["halfnormal_ratio_95"]
    assert numbers["tight_ratio_95"] < 1.5


def test_reasonable_spread_priors_agree_and_the_tight_one_pulls(numbers, radon_homes):
    # Gelman & Hill (2007, 12.5): the varying-intercept radon model has sigma_alpha about 0.33
    assert numbers["all_reasonable_mean_lo"] == pytest.approx(GELMAN_HILL["vi_sigma_alpha"].value, abs=0.03)
    # "The three reasonable priors hardly differ after the data": means and 95% quantiles
    assert numbers["all_reasonable_mean_hi"] - numbers["all_reasonable_mean_lo"] < 0.02
    assert numbers["all_reasonable_95_hi"] - numbers["all_reasonable_95_lo"] < 0.03
    assert numbers["all_reasonable_95_lo"] > GELMAN_HILL["vi_sigma_alpha"].value  # the published value is inside
    assert numbers["six_reasonable_mean_hi"] - numbers["six_reasonable_mean_lo"] < 0.03
    assert numbers["six_reasonable_95_hi"] - numbers["six_reasonable_95_lo"] < 0.25 * numbers["six_reasonable_95_lo"]
    # six groups: "a longer upper tail"
    assert numbers["six_reasonable_95_lo"] > 1.2 * numbers["all_reasonable_95_hi"]
    # the tight prior pulls more with six groups than with 85 ("overruled by many groups")
    assert numbers["six_tight_pull"] > 1.5 * numbers["all_tight_pull"] > 0.05
    assert numbers["six_tight_mean"] < numbers["six_reasonable_mean_lo"]
    assert numbers["six_tight_mean"] < numbers["all_tight_mean"] < numbers["all_reasonable_mean_lo"]
    # the six counties with most homes, 32 to 116 each: the survey file's
    _, homes = radon_homes
    assert (numbers["six_homes_min"], numbers["six_homes_max"]) == (homes.nlargest(6).min(), homes.max())


def test_sensitivity_by_refitting(numbers, radon_homes):
    assert numbers["sens_small_gap"] < 0.5 * numbers["sens_small_sd"]
    assert numbers["shift_small"] > 2 * numbers["shift_large"]
    # "Counties with three homes or fewer (22 of them) ... counties with 30 homes or more (6)": the
    # survey file's counts (was: > 10)
    _, homes = radon_homes
    assert numbers["n_small_counties"] == (homes <= 3).sum()
    assert numbers["n_large_counties"] == (homes >= 30).sum()


def test_power_scaling(numbers):
    assert numbers["psens_n_flagged"] >= 1
    assert "HalfNormal(0.1) (6 counties)" in numbers["psens_flagged"]
    assert "HalfNormal(1)" not in numbers["psens_flagged"]
    # "The two fits where the refits showed the prior pulling ... are far over the line; no other fit exceeds
    # [psens_other_max], near the line"; "the half-Cauchy ... at most [psens_cauchy_max], below the line"
    assert min(numbers["psens_tight_six"], numbers["psens_tight_all"]) > 2 * 0.05
    assert numbers["psens_other_max"] < 0.08 < min(numbers["psens_tight_six"], numbers["psens_tight_all"])
    assert numbers["psens_cauchy_max"] < 0.05
    assert numbers["psens_lik_all_min"] > 2 * numbers["psens_lik_six_max"]
    assert numbers["talk_psens_max"] < 0.05  # exercise 3


def test_exercises(numbers):
    # exercise 1: the elicited priors hit their 90% intervals
    # (3 binomial sds of 90% for 100,000 and 2,000 draws, replacing hand-set +-1 and +-2)
    assert within_band(numbers["elicit_share_price"], 90, 100_000)
    assert within_band(numbers["elicit_share_beta"], 90, 2_000)
    # a 90% interval of $100,000 to $2 million for the median price: mean its log midpoint, sd its
    # log half-width over 1.645
    assert numbers["elicit_alpha_mu"] == pytest.approx((np.log(1e5) + np.log(2e6)) / 2)
    assert numbers["elicit_alpha_sd"] == pytest.approx(np.log(20) / 2 / Z90)
    assert numbers["elicit_plausible"] > 95
    # exercise 2: reasonable priors give intervals "about as wide" with six counties as with 85;
    # the tight prior narrows them, more with six counties
    assert numbers["new_width_six_hi"] - numbers["new_width_six_lo"] < 0.1
    assert numbers["new_width_all_hi"] - numbers["new_width_all_lo"] < 0.1
    assert abs(numbers["new_width_six_lo"] - numbers["new_width_all_lo"]) < 0.15
    assert numbers["new_width_six_narrowing"] > 1.5 * numbers["new_width_all_narrowing"] > 0
    # "narrows the interval ... with six counties (to 0.67) and ... with 85 (to 0.95)"
    assert numbers["new_width_six_tight"] < numbers["new_width_all_tight"] < numbers["new_width_all_lo"]


def test_data_sizes_quoted_in_the_prose(numbers):
    # Gelman & Hill (2007): 85 counties; the shared King County file: 21,613 sales, 70 zip codes, 50 to 602 each
    assert numbers["n_counties"] == RADON["n_counties"]
    for name in ("n_sales", "n_zips", "min_zip_sales"):
        assert numbers[name] == KING_COUNTY[name], name
