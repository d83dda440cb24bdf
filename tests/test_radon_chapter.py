"""The radon chapter's key numbers, against published results for the same 919 homes.

The chapter's fits are Bayesian (posterior means under weakly informative priors); the published
ones are the maximum-likelihood (lmer) fits of Gelman & Hill (2007). Tolerances are about two of
their standard errors, wider where the chapter's model differs from theirs (said beside each).
"""

import pytest

from chapters import ROOT, run_chapter

RADON = ROOT / "chapters" / "radon.ipynb"
CHAPTER = "radon"  # the shared `numbers` fixture (tests/conftest.py) reads its glued numbers

# Bugs a careless edit could make that still let the chapter run (tools/planted_bugs.py plants each in
# turn and requires a test below to fail).
PLANTED = [
    {"name": "floor_flipped", "why": "the floor coding reversed (1 for a basement): every floor effect "
     "changes sign, and every fit still converges",
     "replace": [("radon = hlm.load_radon()", 'radon = hlm.load_radon()\nradon["floor"] = 1 - radon["floor"]')]},
    {"name": "uranium_unlogged", "why": "the county uranium used unlogged, as the survey reports it",
     "replace": [('log_uranium = hlm.group_level(df, "county", "log_uranium")',
                  'log_uranium = np.exp(hlm.group_level(df, "county", "log_uranium"))')]},
]



def test_data_are_the_minnesota_survey(numbers):
    assert numbers["n_homes"] == 919  # Gelman & Hill (2007), section 12.2
    assert numbers["n_counties"] == 85
    assert numbers["n_no_first_floor"] > 0


@pytest.mark.parametrize(
    "name, published, tolerance, source",
    [
        # Gelman & Hill (2007), section 13.1: lmer(y ~ x + (1 + x | county))
        ("hier_mu_alpha", 1.46, 0.10, "G&H 13.1: intercept 1.46 (s.e. 0.05)"),
        ("hier_mu_beta", -0.68, 0.18, "G&H 13.1: floor coefficient -0.68 (s.e. 0.09)"),
        ("hier_sigma", 0.75, 0.04, "G&H 13.1: residual sd 0.75"),
        ("hier_sigma_alpha", 0.35, 0.10, "G&H 13.1: county intercept sd 0.35"),
        # G&H also estimate a correlation (-0.34) that the chapter's model leaves out, and the slope
        # spread is poorly identified (few first-floor homes): posterior mean, not a mode; wide tolerance.
        ("hier_sigma_beta", 0.34, 0.15, "G&H 13.1: county slope sd 0.34"),
        # Gelman & Hill (2007), section 12.6: lmer(y ~ x + u.full + (1 | county)); the chapter's
        # model also lets slopes vary, which leaves the uranium coefficient and intercept sd alike.
        ("uranium_gamma_1", 0.72, 0.18, "G&H 12.6: log uranium coefficient 0.72 (s.e. 0.09)"),
        ("uranium_sigma_alpha", 0.16, 0.08, "G&H 12.6: county sd with uranium 0.16"),
    ],
)
def test_posterior_matches_published(numbers, name, published, tolerance, source):
    assert numbers[name] == pytest.approx(published, abs=tolerance), source


def test_unpooled_slope_without_first_floor_homes_is_the_prior(numbers):
    # The no-pooling prior on beta is Normal(0, 10); with no first-floor home the data add nothing.
    assert numbers["beta_sd_no_first_floor"] == pytest.approx(10, abs=0.5)
    assert numbers["beta_sd_largest"] < 0.5


def test_claims_of_the_prose_hold(numbers):
    # In-sample the separate regressions fit closer; on held-out homes the hierarchical model wins.
    assert numbers["rmsd_in_unpooled"] < numbers["rmsd_in_hierarchical"]
    assert numbers["rmsd_out_hierarchical"] < numbers["rmsd_out_unpooled"]
    # Held-out 90% intervals cover about 90% of 189 homes (binomial sd about 2 points).
    for key in ("coverage_out_hierarchical", "coverage_out_unpooled"):
        assert 84 <= numbers[key] <= 97, key
    # Small counties move further toward the mean than large ones.
    assert numbers["shift_small"] > 3 * numbers["shift_large"]
    # Uranium explains part of the county differences, and helps predict a county never seen.
    assert numbers["uranium_sigma_alpha"] < numbers["hier_sigma_alpha"]
    assert numbers["new_rmsd_u"] < numbers["new_rmsd_no_u"]
    assert numbers["new_width_u"] < numbers["new_width_no_u"]
    assert numbers["new_sd_alpha_u"] < numbers["new_sd_alpha_no_u"]
    # Figure of three counties: Cass has no first-floor home, so its no-pooling band is the prior's.
    assert numbers["panel_first_floor_cass"] == 0
    assert numbers["panel_unpooled_width_cass"] > 20


def test_exercise_solutions_hold(numbers):
    # Exercise 1: complete pooling loses to partial pooling on held-out homes.
    assert numbers["rmsd_out_pooled"] > numbers["rmsd_out_hierarchical"]
    # Exercise 2: the centred model, otherwise identical, fails the convergence check.
    assert numbers["centred_fails"] is True
    assert numbers["centred_sigma_beta_ess"] < 400 <= numbers["hier_sigma_beta_ess"]


def test_figures_are_drawn():
    # The data, homes per county, the model graph, posterior, three counties, shrinkage, uranium,
    # new counties, and the slope shrinkage of exercise 3: a backend that does not display (MPLBACKEND=Agg) would leave none.
    nb = run_chapter(RADON).nb
    images = sum(1 for c in nb.cells for o in c.get("outputs", [])
                 if {"image/png", "image/svg+xml"} & set(o.get("data", {})))
    assert images >= 9, f"only {images} figures in the executed chapter"
