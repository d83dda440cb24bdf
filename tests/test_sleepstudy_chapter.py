"""The sleep-study exercise's solution, against lme4's published fit of the same model.

The chapter's fit is Bayesian (posterior means under weakly informative priors); the published one
is lme4's REML fit of Reaction ~ Days + (Days | Subject) (Bates et al. 2015), typed once in
tests/published.py. Tolerances are about two of its standard errors where it gives them, else about
one posterior standard deviation (from the glued 90% intervals), said beside each.
"""

import numpy as np
import pytest
from scipy import stats

import hlm_helpers as hlm
from published import LME4_SLEEPSTUDY, SLEEPSTUDY, least_squares_line

CHAPTER = "sleepstudy"  # the shared `numbers` fixture (tests/conftest.py) reads its glued numbers
Z90 = stats.norm.ppf(0.95)

# Bugs a careless edit could make that still let the chapter run (tools/planted_bugs.py plants each in
# turn and requires a test below to fail).
PLANTED = [
    # caught by test_posterior_matches_lme4 (mu_beta about 73 ms a day) and the intervals' test
    {"name": "days_in_weeks", "why": "the predictor in weeks instead of days: every slope 7 times lme4's",
     "replace": [('days = pm.Data("days", sleep["days"].to_numpy(), dims="obs_id")',
                  'days = pm.Data("days", sleep["days"].to_numpy() / 7, dims="obs_id")')]},
    # caught by test_posterior_matches_lme4 (sigma about 47 ms, sigma_alpha near 0)
    {"name": "subjects_shuffled", "why": "the subject codes shuffled against the rows: the groups mean "
     "nothing, the residual spread absorbs the subjects' differences",
     "replace": [('"subject_idx", sleep["subject_idx"].to_numpy(), dims="obs_id"',
                  '"subject_idx", rng.permutation(sleep["subject_idx"].to_numpy()), dims="obs_id"')]},
    # caught by test_the_lme4_table_is_the_published_fit
    {"name": "lme4_typo", "why": "lme4's slope mistyped in the chapter's table (10.647 for 10.467), which "
     "compare_with_lme4 would then hold against every participant's fit",
     "replace": [('"mu_beta": 10.467,', '"mu_beta": 10.647,')]},
]

NOT_ASSERTED = {
    "sleep_seconds": "timing: wall time of the fit on the build machine",
}


@pytest.fixture(scope="module")
def study():
    """The data file itself (data/sleepstudy.csv), read without the chapter's code, and each subject's
    least-squares line through its own days (tests/published.py's least squares)."""
    sleep = hlm.load_sleepstudy()
    lines = {subject: least_squares_line(d["days"], d["reaction"])
             for subject, d in sleep.groupby("subject", observed=True)}
    return sleep, lines


def test_data_are_lme4_s_sleepstudy(numbers, study):
    sleep, lines = study
    for name in ("n_obs", "n_subjects", "n_days", "first_day", "last_day"):
        assert numbers[name] == SLEEPSTUDY[name], name  # lme4's help page
    assert len(sleep) == SLEEPSTUDY["n_obs"]
    slopes = np.array([line["beta"] for line in lines.values()])
    intercepts = np.array([line["alpha"] for line in lines.values()])
    # "starts between 203 and 290 ms on day 0 and rises by between -2.9 and 21.8 ms a day; 1 ... fall"
    assert numbers["ls_slope_min"] == pytest.approx(slopes.min(), abs=1e-6)
    assert numbers["ls_slope_max"] == pytest.approx(slopes.max(), abs=1e-6)
    assert numbers["ls_intercept_min"] == pytest.approx(intercepts.min(), abs=1e-6)
    assert numbers["ls_intercept_max"] == pytest.approx(intercepts.max(), abs=1e-6)
    assert numbers["n_ls_slope_negative"] == (slopes < 0).sum() >= 1


def test_the_lme4_table_is_the_published_fit(numbers):
    # compare_with_lme4 holds every participant's fit against these: a typo would mislead them all
    for name, published in LME4_SLEEPSTUDY.items():
        assert numbers[f"lme4_{name}"] == published.value, published.source


def simulated_prior(n: int = 400_000, seed: int = 1):
    """Reaction times on the first and last day under the chapter's stated priors, simulated here with
    NumPy (not PyMC): mu_alpha ~ N(300, 100), mu_beta ~ N(0, 20), sigma_alpha ~ HalfNormal(50),
    sigma_beta ~ HalfNormal(10), (rho + 1) / 2 ~ Beta(2, 2), sigma ~ HalfNormal(50)."""
    rng = np.random.default_rng(seed)
    mu_alpha, mu_beta = rng.normal(300, 100, n), rng.normal(0, 20, n)
    sigma_alpha, sigma_beta = np.abs(rng.normal(0, 50, n)), np.abs(rng.normal(0, 10, n))
    rho = 2 * rng.beta(2, 2, n) - 1
    z_alpha, z_beta = rng.standard_normal(n), rng.standard_normal(n)
    alpha = mu_alpha + sigma_alpha * z_alpha
    beta = mu_beta + sigma_beta * (rho * z_alpha + np.sqrt(1 - rho**2) * z_beta)
    sigma = np.abs(rng.normal(0, 50, n))
    day = {d: alpha + beta * d + sigma * rng.standard_normal(n) for d in range(10)}
    return day


def test_the_prior_predictive_check_is_the_priors(numbers):
    day = simulated_prior()
    # The chapter's 1,000 prior draws (18 subjects each, sharing the population's draws): a 5% or 95%
    # quantile has a Monte Carlo error of about 8 ms on day 0 and 16 ms on day 9; three of them.
    for key, d, tolerance in [("day0", 0, 25), ("day9", 9, 50)]:
        lo, hi = np.quantile(day[d], [0.05, 0.95])
        assert numbers[f"prior_{key}_lo"] == pytest.approx(lo, abs=tolerance)
        assert numbers[f"prior_{key}_hi"] == pytest.approx(hi, abs=tolerance)
    # "wider on the last day"
    assert (numbers["prior_day9_hi"] - numbers["prior_day9_lo"]
            > 1.5 * (numbers["prior_day0_hi"] - numbers["prior_day0_lo"]))
    share = np.mean([(day[d] < 0).mean() for d in range(10)])
    assert numbers["prior_share_negative"] == pytest.approx(share, abs=0.02)
    assert 0 < numbers["prior_share_negative"] < 0.1  # "little weight on the impossible"
    # "on the last day more than one in twenty do, since that day's lower bound is below zero"
    assert numbers["prior_day9_lo"] < 0


def test_the_fit_passes_the_check_with_room_to_spare(numbers):
    # the chapter stops unless it passes (R-hat < 1.01, ESS >= 400); "room to spare"
    assert numbers["max_r_hat"] <= 1.007
    assert numbers["min_ess_bulk"] >= 600 and numbers["min_ess_tail"] >= 600


@pytest.mark.parametrize(
    "name, tolerance",
    [
        # two published standard errors
        ("mu_alpha", 2 * LME4_SLEEPSTUDY["mu_alpha"].se),
        ("mu_beta", 2 * LME4_SLEEPSTUDY["mu_beta"].se),
        # no s.e. published: about two posterior sds (glued 90% interval 23.5 to 28.5, sd about 1.5)
        ("sigma", 3.0),
        # posterior means of spreads sit above the REML estimate (a long right tail with 18 subjects):
        # about one posterior sd (sigma_alpha: interval 17 to 38, sd about 6.5; sigma_beta: 4.4 to 9.1,
        # sd about 1.4; rho: -0.36 to 0.52, sd about 0.27)
        ("sigma_alpha", 6.5),
        ("sigma_beta", 1.5),
        ("rho", 0.27),
    ],
)
def test_posterior_matches_lme4(numbers, name, tolerance):
    published = LME4_SLEEPSTUDY[name]
    assert numbers[f"{name}_mean"] == pytest.approx(published.value, abs=tolerance), published.source


@pytest.mark.parametrize("name", list(LME4_SLEEPSTUDY))
def test_lme4_s_estimates_lie_in_the_glued_intervals(numbers, name):
    # "All 6 of lme4's estimates lie inside the posterior's 90% intervals"
    published = LME4_SLEEPSTUDY[name]
    assert numbers[f"{name}_lo"] < published.value < numbers[f"{name}_hi"], published.source


def test_the_count_of_estimates_inside_is_all_of_them(numbers):
    assert numbers["n_lme4_inside"] == len(LME4_SLEEPSTUDY)


def test_interval_widths_match_the_published_standard_errors(numbers):
    # a 90% interval spans about 2 * 1.645 standard errors
    for name in ("mu_alpha", "mu_beta"):
        implied_se = (numbers[f"{name}_hi"] - numbers[f"{name}_lo"]) / (2 * Z90)
        assert implied_se == pytest.approx(LME4_SLEEPSTUDY[name].se, rel=0.3), name


def test_the_spreads_sit_a_little_above_lme4_s(numbers):
    # "The spreads' posterior means lie a little above lme4's estimates"
    for name in ("sigma_alpha", "sigma_beta"):
        published = LME4_SLEEPSTUDY[name].value
        assert published < numbers[f"{name}_mean"] < 1.25 * published, name


def test_a_new_subject_s_slope_range(numbers):
    # "nine in ten new subjects ... would change by between -1.2 and 21.8 ms a day": lme4's population,
    # mu_beta +- 1.645 sigma_beta, widened a little by the posterior's uncertainty in both
    mu, sd = LME4_SLEEPSTUDY["mu_beta"].value, LME4_SLEEPSTUDY["sigma_beta"].value
    assert numbers["new_slope_lo"] == pytest.approx(mu - Z90 * sd, abs=3)
    assert numbers["new_slope_hi"] == pytest.approx(mu + Z90 * sd, abs=3)
    assert numbers["new_slope_lo"] < mu - Z90 * sd < mu + Z90 * sd < numbers["new_slope_hi"]


def test_the_posterior_predictive_check(numbers, study):
    sleep, _ = study
    last = sleep[sleep["days"] == SLEEPSTUDY["last_day"]]["reaction"]
    # the observed statistic is the file's: the (population) sd of the 18 day-9 reaction times
    assert numbers["spread_observed"] == pytest.approx(last.std(ddof=0), abs=1e-6)
    # "the model reproduces how far apart the subjects end up"
    assert 0.05 < numbers["p_spread"] < 0.95
    assert numbers["spread_replicated"] == pytest.approx(numbers["spread_observed"], rel=0.2)
    # "more than 90%": in-sample intervals cover more than their nominal share; at most all 180
    assert 0.9 < numbers["coverage"] <= 1


def test_partial_pooling_moves_the_lines(numbers, study):
    _, lines = study
    slopes = {subject: line["beta"] for subject, line in lines.items()}
    # "The spread of the slopes shrinks from 6.6 ... to 5.4"
    assert numbers["sd_slopes_none"] == pytest.approx(np.std(list(slopes.values()), ddof=1), abs=1e-6)
    assert numbers["sd_slopes_partial"] < numbers["sd_slopes_none"]
    # "13 of the 18 slopes move toward the population's mean ... a few slopes move a little away"
    n = SLEEPSTUDY["n_subjects"]
    assert n / 2 < numbers["n_toward_mean"] < n
    # "18 of the intercepts move toward the population's", "each slope moves the opposite way"
    assert numbers["n_intercepts_toward"] > n / 2
    assert numbers["moves_correlation"] < -0.9
    # "subject 370's moves most, by 2.9, from 18.1 to 15.2": its own least-squares slope
    subject = str(numbers["most_moved_subject"])
    assert numbers["most_moved_from"] == pytest.approx(slopes[subject], abs=1e-6)
    assert numbers["most_moved_by"] == pytest.approx(abs(numbers["most_moved_to"] - numbers["most_moved_from"]))
    assert numbers["most_moved_by"] < numbers["sd_slopes_none"]
