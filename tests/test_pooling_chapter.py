"""The pooling chapter's claims, checked against the simulation's known truth.

The chapter simulates groups from a population it states (TRUTH in the notebook), so its numbers
can be checked against that truth rather than against a stored run. Tolerances are a few posterior
or Monte Carlo standard errors, given beside each.
"""

import math
import re

import numpy as np
import pytest
from scipy import stats

import hlm_helpers as hlm
from chapters import ROOT, run_chapter
from published import (GELMAN_HILL, POOLING_TRUTH, RADON, binomial_band, binomial_plausible,
                       log_uniform_sizes, new_group_coverage, within_band)

POOLING = ROOT / "chapters" / "pooling.ipynb"
CHAPTER = "pooling"  # the shared `numbers` fixture (tests/conftest.py) reads its glued numbers
TRUTH = POOLING_TRUTH  # the population the chapter states it simulates (tests/published.py)

# Bugs a careless edit could make that still let the chapter run (tools/planted_bugs.py plants each in
# turn and requires a test below to fail).
PLANTED = [
    {"name": "truth_typo", "why": "the simulated spread of intercepts edited (0.6 to 0.3): the chapter "
     "recovers its own simulation, but no longer the population its prose states",
     "replace": [('"sigma_alpha": 0.6,', '"sigma_alpha": 0.3,')]},
    {"name": "groups_shuffled", "why": "group codes shuffled against the rows: every group a random "
     "mixture, so there are no group differences left to pool",
     "replace": [('data["group_idx"] = data["group"].cat.codes.astype("int64")',
                  'data["group_idx"] = data["group"].cat.codes.sample(frac=1, random_state=1)'
                  '.to_numpy().astype("int64")')]},
]


Z90 = stats.norm.ppf(0.95)


def chapter_outputs(numbers) -> list[str]:
    """The text of every output of the executed chapter (its printed tables, its model graph's SVG)."""
    texts = []
    for cell in run_chapter(POOLING).nb.cells:
        for out in cell.get("outputs", []):
            texts += [v for v in out.get("data", {}).values() if isinstance(v, str)]
            texts += [out["text"]] if isinstance(out.get("text"), str) else []
    return texts


def test_groups_are_of_very_different_sizes(numbers):
    assert numbers["n_groups"] == 41
    # "We draw 40 groups from a population", and "one more group, the 41st", observed badly
    assert numbers["n_representative"] == 40 == numbers["n_groups"] - 1
    assert numbers["narrow_group"] == "g41"  # the chapter's names run g01 to g41
    assert numbers["n_single"] >= 1
    assert numbers["n_max"] >= 100
    # Sizes "drawn at random, uniformly on a log scale from 1 to 200" (rounded): the counts the prose quotes are
    # binomial with the design's probabilities, P(1) = ln 1.5 / ln 200 = 7.7% and P(<= 5) = 32.2%.
    sizes, n = log_uniform_sizes(1, 200), numbers["n_representative"]
    assert binomial_plausible(100 * numbers["n_single"] / n, 100 * sizes["p"][1], n)
    assert binomial_plausible(100 * numbers["n_le5"] / n, 100 * sum(sizes["p"][k] for k in range(1, 6)), n)
    assert numbers["n_max"] <= 200
    # The rows: 40 such sizes (mean 37.6, sd 48.6 each) plus the narrow group's, within 3 sds of the sum's
    # expectation ...
    rows = numbers["n_rows"] - numbers["n_narrow"]
    assert abs(rows - n * sizes["mean"]) < 3 * math.sqrt(n) * sizes["sd"]
    # ... and exactly the rows and groups of the model the chapter fits (its graph's plates).
    graph = next(t for t in chapter_outputs(numbers) if "obs_id (" in t)
    assert int(re.search(r"obs_id \((\d+)\)", graph).group(1)) == numbers["n_rows"]
    assert int(re.search(r"group \((\d+)\)", graph).group(1)) == numbers["n_groups"]


@pytest.mark.parametrize(
    "name, tolerance",
    [
        # About two posterior standard deviations with 40 groups (the chapter's recovery table).
        ("mu_alpha", 0.25),
        ("sigma_alpha", 0.2),
        ("mu_beta", 0.15),
        ("sigma_beta", 0.15),
        ("sigma", 0.05),
    ],
)
def test_hierarchical_model_recovers_the_population(numbers, name, tolerance):
    # the "true value" the prose quotes beside each estimate is the population it states
    assert numbers[f"true_{name}"] == TRUTH[name]
    assert numbers[f"post_{name}"] == pytest.approx(TRUTH[name], abs=tolerance)


def test_recovery_claim_matches_the_table(numbers):
    # The prose says how many true values lie in their 90% intervals: the count of the population's
    # values (tests/published.py) inside the intervals of the chapter's printed recovery table.
    assert numbers["n_hyper"] == len(TRUTH) == 5
    table = next(t for t in chapter_outputs(numbers) if "90% interval low" in t and "<" not in t)
    rows = {line.split()[0]: [float(v) for v in line.split()[1:5]] for line in table.splitlines()[1:]}
    assert set(rows) == set(TRUTH)
    for name, (true, mean, low, high) in rows.items():
        assert true == TRUTH[name], name
        assert mean == pytest.approx(numbers[f"post_{name}"], abs=5e-4), name
    assert numbers["n_recovered"] == sum(low <= TRUTH[name] <= high for name, (_, _, low, high) in rows.items())
    # Each 90% interval misses its true value by chance one time in ten: P(4 or fewer of 5) = 41%,
    # P(3 or fewer) = 8%, so a count of 3 (the seed benchmark's seed 1) is no failure; the exact
    # binomial test's allowance instead of ">= 4".
    assert binomial_plausible(100 * numbers["n_recovered"] / numbers["n_hyper"], 90, numbers["n_hyper"])


def test_partial_pooling_lands_nearest_the_truth(numbers):
    for param in ("alpha", "beta"):
        assert numbers[f"rmse_{param}_partial"] < numbers[f"rmse_{param}_complete"], param
        assert numbers[f"rmse_{param}_partial"] < numbers[f"rmse_{param}_none"], param
        # Small groups: partial pooling beats both extremes; the prose says so for intercepts.
        assert numbers[f"rmse_{param}_partial_small"] < numbers[f"rmse_{param}_none_small"], param
    assert numbers["rmse_alpha_partial_small"] < numbers["rmse_alpha_complete_small"]
    # Large groups: no and partial pooling agree (within 0.05), complete pooling stays off by about
    # the groups' spread sigma_alpha = 0.6.
    assert numbers["rmse_alpha_none_large"] == pytest.approx(numbers["rmse_alpha_partial_large"], abs=0.05)
    assert numbers["rmse_alpha_complete_large"] > 3 * numbers["rmse_alpha_partial_large"]


def test_precision_weighted_average_matches_the_sampler(numbers):
    # With 40 groups the plug-in formula is within a few hundredths of the posterior means; with 6
    # groups (exercise 1) sigma_alpha is far less certain and the gap is larger.
    assert numbers["pw_max_gap"] < 0.03
    assert numbers["pw_max_gap_large"] < numbers["pw_max_gap"]
    # "small with either": both gaps under 0.05 (which is larger depends on the seed:
    # benchmarks/results/seed_claims.csv)
    assert numbers["few_max_gap"] < 0.05
    assert numbers["few_sigma_alpha_sd"] > 2 * numbers["vi_sigma_alpha_sd"]
    # The prose: with the chapter's settings the 6-group fit fails the check; target_accept=0.95 passes.
    assert numbers["few_default_fails"] is True
    # Equal weight at n = sigma^2 / sigma_alpha^2, about (1.0 / 0.6)^2 = 2.8 for the truth; the
    # varying-intercept model's sigma also absorbs the slope spread, so a little more.
    assert 2 < numbers["equal_weight_n"] < 6
    assert numbers["n_star_lo"] < numbers["equal_weight_n"] < numbers["n_star_hi"]
    assert 0.4 < numbers["weight_5"] < 0.8
    # "The largest gap is for a group of 4 observation(s)": a small group, where the weight on a group's
    # own data, n / (n + n*), depends most on sigma_alpha (d w / d log n* = n n* / (n + n*)^2 is at least
    # half its largest value for n up to (3 + 2 sqrt 2) n*, about 20 here).
    assert 1 <= numbers["pw_gap_group_n"] <= (3 + 2 * math.sqrt(2)) * numbers["equal_weight_n"]
    assert numbers["pw_gap_group_n"] <= 50  # not one of the groups of more than 50, which agree best
    # "sigma_alpha is known to within about 0.08 (posterior mean 0.55)": the true 0.6 within three of
    # those posterior sds, and the varying-slope model's estimate of the same spread within one.
    assert abs(numbers["vi_sigma_alpha"] - TRUTH["sigma_alpha"]) < 3 * numbers["vi_sigma_alpha_sd"]
    assert abs(numbers["vi_sigma_alpha"] - numbers["post_sigma_alpha"]) < numbers["vi_sigma_alpha_sd"]
    # equal_weight_n = sigma^2 / sigma_alpha^2 at the posterior means: the residual sd it implies is the
    # truth's noise plus the slopes' spread that a shared slope leaves in the residual,
    # sqrt(1 + 0.3^2 E[x^2]) = 1.04 for x ~ N(0, 1) (within 0.07: three posterior sds of sigma, 0.017,
    # and of the realised size-weighted spread of 40 slopes, about 0.015).
    implied_sigma = math.sqrt(numbers["equal_weight_n"]) * numbers["vi_sigma_alpha"]
    assert implied_sigma == pytest.approx(math.hypot(TRUTH["sigma"], TRUTH["sigma_beta"]), abs=0.07)


def test_equal_weight_size_exercise(numbers):
    # The truth's equal-weight size for the varying-intercept model, (1 + 0.3^2) / 0.6^2 = 3.03: the
    # posterior median within 3 posterior sds on the log scale (the sd read off the 90% interval).
    true_n_star = (TRUTH["sigma"] ** 2 + TRUTH["sigma_beta"] ** 2) / TRUTH["sigma_alpha"] ** 2
    log_sd = (math.log(numbers["n_star_hi"]) - math.log(numbers["n_star_lo"])) / (2 * Z90)
    assert abs(math.log(numbers["n_star_median"]) - math.log(true_n_star)) < 3 * log_sd
    # the median of the ratio near the ratio of the posterior means (sigma_alpha's posterior cv ~ 15%)
    assert numbers["n_star_median"] == pytest.approx(numbers["equal_weight_n"], rel=0.1)
    # "A group of 5 observations puts about 58% of the weight on its own data": the median weight
    # 5 / (5 + n*), a decreasing function of n*, is that of the median n*.
    assert numbers["weight_5"] == pytest.approx(5 / (5 + numbers["n_star_median"]), rel=2e-3)


def test_new_group_predictions(numbers):
    n_new = numbers["n_new"]
    # every coverage is a share of the n_new new groups (a whole number of them)
    for scheme in ("complete", "none", "partial"):
        for what in ("mu", "y"):
            count = numbers[f"new_cover_{what}_{scheme}"] * n_new / 100
            assert count == pytest.approx(round(count), abs=1e-6), (what, scheme)
    # Complete pooling ignores the spread of groups: its interval for a new group's line is far too
    # narrow.
    assert numbers["new_cover_mu_complete"] < 30
    # Partial pooling's intervals come from one fitted population, shared by all 1,000 new groups, so
    # their coverage is not 90% up to binomial chance of 1,000 (the former band, 87.2 to 92.8, failed
    # seeds 1 and 2): a fitted sigma_alpha 0.05 off moves the line's coverage by 2 to 3 points. The
    # coverage to expect is that of the fitted population's intervals for groups of the true one
    # (analytic, at the posterior means: 87.2% for the line, 89.2% for y); binomial chance around it.
    fitted = {name: numbers[f"post_{name}"] for name in TRUTH}
    for what, noise in (("mu", False), ("y", True)):
        expected = new_group_coverage(TRUTH, fitted, numbers["n_groups"], noise=noise)
        assert within_band(numbers[f"new_cover_{what}_partial"], expected, n_new), (what, expected)
        # and near the nominal 90%, with the allowance of a population estimated from 40 groups
        assert within_band(numbers[f"new_cover_{what}_partial"], 90, numbers["n_representative"]), what
    # "a coverage has a binomial standard deviation of about 1 point" over n_new groups (rounded)
    band = binomial_band(90, n_new)
    assert numbers["new_binomial_sd"] == pytest.approx((band[1] - 90) / 3, rel=1e-9)
    assert round(numbers["new_binomial_sd"]) == 1
    # Summary: "its coverage of the line falls about as far below 90% as complete pooling's of a new
    # observation" (within two binomial sds of each other)
    assert abs(numbers["new_cover_mu_partial"] - numbers["new_cover_y_complete"]) < 2 * numbers["new_binomial_sd"]
    # Complete pooling for one new observation: its one sigma absorbs the groups' spread, sd
    # sqrt(sigma^2 + sigma_alpha^2 + sigma_beta^2 E[x^2]) = 1.20 for the truth (0.2 for the realised
    # spread of the few large groups that dominate the fit: 1.09 and 1.26 with seeds 1 and 2), so more
    # than partial pooling's sigma ...
    assert numbers["complete_sigma"] > numbers["post_sigma"] + 0.05
    absorbed = math.sqrt(TRUTH["sigma"] ** 2 + TRUTH["sigma_alpha"] ** 2 + TRUTH["sigma_beta"] ** 2)
    assert numbers["complete_sigma"] == pytest.approx(absorbed, abs=0.2)
    # ... and its interval for y is about as wide as partial pooling's (width 2 z90 sigma, up to the
    # posterior's uncertainty), "3.8 against 3.9" ...
    assert numbers["new_width_y_complete"] == pytest.approx(2 * Z90 * numbers["complete_sigma"], rel=0.05)
    assert 0.85 < numbers["new_width_y_complete"] / numbers["new_width_y_partial"] < 1.15
    # ... and "as many as its line and sigma imply for new groups of the true population (87.8%), up to
    # binomial chance": the chapter's Monte Carlo value against the analytic one (tests/published.py,
    # 0.3 points for 200,000 draws and the plug-in), and the coverage within 3 binomial sds of it
    fitted_complete = {"mu_alpha": numbers["complete_alpha"], "sigma_alpha": 0.0,
                       "mu_beta": numbers["complete_beta"], "sigma_beta": 0.0, "sigma": numbers["complete_sigma"]}
    expected = new_group_coverage(TRUTH, fitted_complete, numbers["n_groups"], noise=True)
    assert numbers["new_cover_y_complete_implied"] == pytest.approx(expected, abs=0.3)
    assert within_band(numbers["new_cover_y_complete"], expected, n_new), expected
    # "near 90%, ... a little above or below": the implied coverage of a sigma within 0.2 of 1.20, at
    # most about 6 points from 90 (85.1% and 91.3% with seeds 1 and 2; within 87.2-92.8 is not seed-robust)
    assert abs(numbers["new_cover_y_complete"] - 90) < 7
    # while for the group's line it is far below 90 (the overconfidence the prose and Summary keep)
    assert not within_band(numbers["new_cover_mu_complete"], 90, n_new)
    # No pooling: a new group has only the N(0, 10) prior, so everything is covered at a huge width:
    # miscalibrated, far above the 90% claimed.
    assert numbers["new_cover_y_none"] > 99
    assert numbers["new_cover_y_none"] > band[1]
    assert numbers["new_width_y_none"] > 5 * numbers["new_width_y_partial"]


def test_unrepresentative_group(numbers):
    # "Group g41 has 6 observations, all with x between 1.5 and 2.5" ("the six points"): no pooling's
    # slope sd is sigma / sqrt(Sxx), and six points within a width of 1 have Sxx <= 6 / 4, so its sd is at
    # least 0.82 sigma (10% allowance for sigma's and the draws' error); and the Sxx it implies is a
    # plausible one for 6 uniform points (above the 0.05% quantile, by simulation; the upper limit is the
    # hard one above: the Sxx implied through sigma / sd carries sigma's and the draws' error, and with
    # seed 1 it lies above the 99.95% quantile of the exact Sxx).
    n_narrow = numbers["n_narrow"]
    assert n_narrow == 6
    sxx = (numbers["post_sigma"] / numbers["narrow_beta_sd_none"]) ** 2
    assert sxx <= 1.1 * n_narrow / 4
    x = np.random.default_rng(0).uniform(1.5, 2.5, (100_000, n_narrow))
    sim = ((x - x.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    assert np.quantile(sim, 0.0005) < sxx
    # "Both posteriors allow the true slope: it lies 2.0 posterior standard deviations from no pooling's
    # mean and 0.4 from partial pooling's": those z-scores, and within 3.3 (0.1% two-sided) whatever
    # the seed.
    for scheme in ("none", "partial"):
        error = abs(numbers[f"narrow_beta_{scheme}"] - numbers["narrow_beta_true"])
        assert numbers[f"narrow_beta_z_{scheme}"] == pytest.approx(error / numbers[f"narrow_beta_sd_{scheme}"],
                                                                   abs=0.01), scheme
        assert numbers[f"narrow_beta_z_{scheme}"] < 3.3, scheme
        # and about the line at x = 0 (its error, quoted for this data set, within 3.3 of its sds)
        assert numbers[f"narrow_alpha_err_{scheme}"] < 3.3 * numbers[f"narrow_alpha_sd_{scheme}"], scheme
    # No pooling over-reacts to six points in a narrow range, with a far wider posterior; partial pooling
    # borrows from the others.
    assert numbers["narrow_beta_sd_none"] > 3 * numbers["narrow_beta_sd_partial"]
    assert numbers["narrow_alpha_sd_none"] > 3 * numbers["narrow_alpha_sd_partial"]
    # No pooling's line at x = 0 is the data's mean extrapolated by xbar in (1.5, 2.5): its sd is
    # sqrt(sigma^2 / n + xbar^2 sd_beta^2), between 1.5 sd_beta and that with xbar = 2.5 (5% for the draws)
    sd_b = numbers["narrow_beta_sd_none"]
    assert 0.95 * 1.5 * sd_b < numbers["narrow_alpha_sd_none"] < 1.05 * math.sqrt(
        numbers["post_sigma"] ** 2 / n_narrow + (2.5 * sd_b) ** 2)


def nearer_share(hyper: dict, n: int, rng) -> tuple[float, float]:
    """Share of n groups from the population TRUTH, each observed at six x uniform in (1.5, 2.5), for
    which the posterior mean of the line under a N(hyper) prior on (intercept, slope) is nearer the true
    (intercept, slope) than under N(0, 10) priors, for known noise hyper["sigma"]: the normal-normal
    update, per group in closed form (2 x 2 inverses)."""
    a = rng.normal(TRUTH["mu_alpha"], TRUTH["sigma_alpha"], n)
    b = rng.normal(TRUTH["mu_beta"], TRUTH["sigma_beta"], n)
    x = rng.uniform(1.5, 2.5, (n, 6))
    y = a[:, None] + b[:, None] * x + rng.normal(0, TRUTH["sigma"], x.shape)
    s2 = hyper["sigma"] ** 2
    sx, sxx, sy, sxy = x.sum(1), (x * x).sum(1), y.sum(1), (x * y).sum(1)

    def posterior_mean(m, sd):
        p11, p12, p22 = 6 / s2 + 1 / sd[0] ** 2, sx / s2, sxx / s2 + 1 / sd[1] ** 2
        r1, r2 = sy / s2 + m[0] / sd[0] ** 2, sxy / s2 + m[1] / sd[1] ** 2
        det = p11 * p22 - p12**2
        return (p22 * r1 - p12 * r2) / det, (p11 * r2 - p12 * r1) / det

    none = posterior_mean((0, 0), (10, 10))
    partial = posterior_mean((hyper["mu_alpha"], hyper["mu_beta"]), (hyper["sigma_alpha"], hyper["sigma_beta"]))
    return tuple(float(np.mean(abs(p - t) < abs(q - t))) for p, q, t in zip(partial, none, (a, b)))


def test_unrepresentative_groups_simulated(numbers):
    # "over 2,000 groups simulated ... partial pooling's line at x = 0 is the nearer to the truth in 90% of
    # them, and its slope in 90%": the same plug-in computed here independently (200,000 groups), at the
    # chapter's fitted population (three binomial sds of 2,000, plus 0.5 points for the reference's own),
    # and at the true population (2 more points for the fitted population's error)
    n_sim = numbers["n_narrow_sim"]
    assert n_sim == 2000
    rng = np.random.default_rng(1)
    fitted = {name: numbers[f"post_{name}"] for name in TRUTH}
    for hyper, slack in ((fitted, 0.5), (TRUTH, 2.5)):
        ref = nearer_share(hyper, 200_000, rng)
        for name, share in zip(("narrow_nearer_alpha", "narrow_nearer_beta"), ref):
            lo, hi = binomial_band(100 * share, n_sim)
            assert lo - slack <= 100 * numbers[name] <= hi + slack, (name, share, hyper is TRUTH)
    # "Usually, then, but not always"
    for name in ("narrow_nearer_alpha", "narrow_nearer_beta"):
        assert 0.6 < numbers[name] < 0.99, name


def test_radon_numbers_match_gelman_and_hill(numbers):
    # Gelman & Hill (2007), section 12.2: complete pooling lm(y ~ x) gives 1.33 (s.e. 0.03) and
    # -0.61 (s.e. 0.07).
    for name, key in (("radon_alpha_complete", "complete_alpha"), ("radon_beta_complete", "complete_beta")):
        ref = GELMAN_HILL[key]  # two of the published standard errors
        assert numbers[name] == pytest.approx(ref.value, abs=2 * ref.se), ref.source
    # Section 13.1, varying intercepts and slopes: intercept mean 1.46, county sd 0.35.
    assert numbers["radon_mu_alpha"] == pytest.approx(GELMAN_HILL["vivs_mu_alpha"].value, abs=0.10)
    assert numbers["radon_sigma_alpha"] == pytest.approx(GELMAN_HILL["vivs_sigma_alpha"].value, abs=0.10)
    # "log radon in 919 homes in 85 counties": the survey's sizes, and the file's
    radon = hlm.load_radon()
    homes = radon.groupby("county", observed=True).size()
    assert (numbers["radon_n_homes"], numbers["radon_n_counties"]) == (RADON["n_homes"], RADON["n_counties"])
    assert (len(radon), len(homes)) == (numbers["radon_n_homes"], numbers["radon_n_counties"])
    # "weigh equally at about 5 homes": sigma^2 / sigma_alpha^2, G&H 13.1's 0.75^2 / 0.35^2 = 4.6, within
    # about one posterior sd (sigma_alpha from 85 counties is known to ~12%, the ratio to ~25%)
    published_n = GELMAN_HILL["vivs_sigma"].value ** 2 / GELMAN_HILL["vivs_sigma_alpha"].value ** 2
    assert numbers["radon_equal_weight_n"] == pytest.approx(published_n, rel=0.25)
    # "about half of the counties have fewer (46% have four homes or fewer, 54% five or fewer)": the
    # survey's shares; with the equal-weight size between 4 and 6 (G&H's 4.6 too), counties with four
    # or fewer are below it and those with six or more above, so the share below lies between the two
    # whatever the posterior's wobble around 5 (several counties have exactly 5 homes)
    assert numbers["radon_share_le4"] == pytest.approx((homes <= 4).mean())
    assert numbers["radon_share_le5"] == pytest.approx((homes <= 5).mean())
    assert 4 < numbers["radon_equal_weight_n"] < 6 and 4 < published_n < 6
    assert 0.4 < numbers["radon_share_le4"] < numbers["radon_share_le5"] < 0.6
    # "some have over a hundred, as the two largest counties of the radon survey do"
    assert (homes > 100).sum() == 2 and numbers["n_max"] > 100


def test_the_path_from_complete_to_no_pooling(numbers):
    # "The posterior of sigma_alpha sits between 0.43 and 0.70 (90%)": around its posterior mean
    assert numbers["path_spread_lo"] < numbers["vi_sigma_alpha"] < numbers["path_spread_hi"]
    # "... where a group of 100 observations has gone 99% of the way ... and a group of one 22%": the
    # weights n / (n + n*), with n* = sigma^2 / sigma_alpha^2 at the posterior means (the exercise's
    # equal-weight size)
    n_star = numbers["equal_weight_n"]
    assert numbers["path_share_one_at_mean"] == pytest.approx(1 / (1 + n_star), rel=1e-6)
    assert numbers["path_share_100_at_mean"] == pytest.approx(100 / (100 + n_star), rel=1e-6)
    assert numbers["path_share_one_at_mean"] < 0.5 < numbers["path_share_100_at_mean"]
    # "Even at sigma_alpha = 2.5, the right edge, far beyond what the data allow, a one-observation group has
    # gone only 85% of the way: the path ends in no pooling of the intercepts only in the limit"
    assert numbers["path_grid_end"] > 2 * numbers["path_spread_hi"]
    assert numbers["path_share_one_at_mean"] < numbers["path_share_one_at_end"] < 0.95
    # "Averaged over the posterior draws of sigma_alpha, these conditional means come within 0.007 of every
    # group's posterior mean from NUTS, of the order of those means' Monte Carlo error (up to 0.00x)"
    assert numbers["path_average_gap"] < 0.03
    assert numbers["path_average_gap"] < 2 * numbers["path_mcse_max"]
