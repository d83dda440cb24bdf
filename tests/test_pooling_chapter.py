"""The pooling chapter's claims, checked against the simulation's known truth.

The chapter simulates groups from a population it states (TRUTH in the notebook), so its numbers
can be checked against that truth rather than against a stored run. Tolerances are a few posterior
or Monte Carlo standard errors, given beside each.
"""

import pytest

from chapters import ROOT
from published import GELMAN_HILL, POOLING_TRUTH, within_band

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



def test_groups_are_of_very_different_sizes(numbers):
    assert numbers["n_groups"] == 41
    assert numbers["n_single"] >= 1
    assert numbers["n_max"] >= 100


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
    assert numbers[f"post_{name}"] == pytest.approx(TRUTH[name], abs=tolerance)


def test_recovery_claim_matches_the_table(numbers):
    # The prose says how many true values lie in their 90% intervals; it must be most of them.
    assert numbers["n_hyper"] == 5
    assert numbers["n_recovered"] >= 4


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
    assert numbers["few_max_gap"] > numbers["pw_max_gap"]
    assert numbers["few_sigma_alpha_sd"] > 2 * numbers["vi_sigma_alpha_sd"]
    # The prose: with the chapter's settings the 6-group fit fails the check; target_accept=0.95 passes.
    assert numbers["few_default_fails"] is True
    # Equal weight at n = sigma^2 / sigma_alpha^2, about (1.0 / 0.6)^2 = 2.8 for the truth; the
    # varying-intercept model's sigma also absorbs the slope spread, so a little more.
    assert 2 < numbers["equal_weight_n"] < 6
    assert numbers["n_star_lo"] < numbers["equal_weight_n"] < numbers["n_star_hi"]
    assert 0.4 < numbers["weight_5"] < 0.8


def test_new_group_predictions(numbers):
    # Complete pooling ignores the spread of groups: its interval for a new group's line is far too
    # narrow. Partial pooling's covers about 90% of 1,000 new groups (binomial sd about 1 point).
    assert numbers["new_cover_mu_complete"] < 30
    assert within_band(numbers["new_cover_mu_partial"], 90, 1000)  # 3 binomial sds: 87.2 to 92.8
    assert within_band(numbers["new_cover_y_partial"], 90, 1000)
    assert numbers["new_cover_y_complete"] < numbers["new_cover_y_partial"]
    # No pooling: a new group has only the N(0, 10) prior, so everything is covered at a huge width.
    assert numbers["new_cover_y_none"] > 99
    assert numbers["new_width_y_none"] > 5 * numbers["new_width_y_partial"]


def test_unrepresentative_group(numbers):
    # No pooling over-reacts to six points in a narrow range; partial pooling borrows from the others.
    assert numbers["narrow_beta_sd_none"] > 3 * numbers["narrow_beta_sd_partial"]
    assert numbers["narrow_alpha_err_partial"] < numbers["narrow_alpha_err_none"]
    assert abs(numbers["narrow_beta_partial"] - numbers["narrow_beta_true"]) < \
        abs(numbers["narrow_beta_none"] - numbers["narrow_beta_true"])


def test_radon_numbers_match_gelman_and_hill(numbers):
    # Gelman & Hill (2007), section 12.2: complete pooling lm(y ~ x) gives 1.33 (s.e. 0.03) and
    # -0.61 (s.e. 0.07).
    for name, key in (("radon_alpha_complete", "complete_alpha"), ("radon_beta_complete", "complete_beta")):
        ref = GELMAN_HILL[key]  # two of the published standard errors
        assert numbers[name] == pytest.approx(ref.value, abs=2 * ref.se), ref.source
    # Section 13.1, varying intercepts and slopes: intercept mean 1.46, county sd 0.35.
    assert numbers["radon_mu_alpha"] == pytest.approx(GELMAN_HILL["vivs_mu_alpha"].value, abs=0.10)
    assert numbers["radon_sigma_alpha"] == pytest.approx(GELMAN_HILL["vivs_sigma_alpha"].value, abs=0.10)
    # The prose: about half the counties have fewer homes than the equal-weight size.
    assert 0.3 < numbers["radon_share_below"] < 0.7
