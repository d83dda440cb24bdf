"""The NUTS chapter's numbers, the claims its prose makes about them, and the benchmark it shows.

The chapter reads the sampler table from benchmarks/results/ (written by benchmarks/samplers.py on
a quiet machine, not in CI); the tests below check both what the notebook computes and that the
committed benchmark files say what the chapter says they say.
"""


import pandas as pd
import pytest

from chapters import ROOT

NUTS = ROOT / "chapters" / "nuts.ipynb"
CHAPTER = "nuts"  # the shared `numbers` fixture (tests/conftest.py) reads its glued numbers
RESULTS = ROOT / "benchmarks" / "results"



def test_typical_set_is_far_from_the_mode(numbers):
    assert numbers["near_mode_1"] == pytest.approx(68.3, abs=1.5)  # P(|z| < 1)
    assert numbers["near_mode_10"] < 1
    assert numbers["near_mode_100"] == 0
    assert numbers["radon_parameters"] == 2 * 85 + 5


def test_hmc_beats_the_random_walk(numbers):
    assert numbers["hmc_ess"] > 10 * numbers["best_rw_ess"]
    # per evaluation of the density or its gradient too, as the prose says
    assert numbers["hmc_ess_per_100_gradients"] > numbers["rw_ess_per_100_steps"]


def test_step_size_stability(numbers):
    assert numbers["energy_error_small"] < 0.5
    assert numbers["energy_error_large"] > 100
    # exercise 1: the empirical limit is the theoretical one, 2 sqrt(1 - rho) and 2, to the grid's 0.005;
    # staying accurate needs smaller steps
    assert numbers["stable_correlated"] == pytest.approx(numbers["limit_correlated"], abs=0.006)
    assert numbers["stable_independent"] == pytest.approx(2.0, abs=0.006)
    assert numbers["accurate_correlated"] < numbers["stable_correlated"]
    assert numbers["accurate_independent"] < numbers["stable_independent"]


def test_path_length_has_an_interior_optimum(numbers):
    assert numbers["best_length"] not in (2, 80)


def test_pymc_warmup_tunes_to_target(numbers):
    assert numbers["ridge_accept"] == pytest.approx(0.8, abs=0.05)
    assert numbers["ridge_step"] < numbers["limit_correlated"]


def test_funnel(numbers):
    assert numbers["funnel_centred_fails"] is True
    assert numbers["funnel_div_centred"] > 0
    assert numbers["funnel_div_non_centred"] == 0
    # the centred fit does not reach the neck; the non-centred one does
    assert numbers["funnel_q5_centred"] > numbers["funnel_q5_true"] + 1
    assert numbers["funnel_q5_non_centred"] == pytest.approx(numbers["funnel_q5_true"], abs=0.5)


def test_target_accept_does_not_cure_the_funnel(numbers):
    assert numbers["funnel_099_step"] < numbers["funnel_080_step"]
    assert numbers["funnel_099_fails"] is True
    assert numbers["funnel_099_rhat"] > 1.01 or numbers["funnel_099_ess"] < 400
    # "the 5% quantile of v is ... against the true ..., now past it"
    assert numbers["funnel_099_q5"] < numbers["funnel_q5_true"]


def test_radon_prefers_non_centred(numbers):
    assert numbers["radon_centred_fails"] is True
    assert numbers["radon_div_non_centred"] == 0
    assert numbers["radon_bfmi_centred"] < 0.3 < numbers["radon_bfmi_non_centred"]
    assert numbers["radon_ess_non_centred"] > 3 * numbers["radon_ess_centred"]


def test_seattle_prefers_centred(numbers):
    # The Seattle chapter quotes these numbers rather than fitting both forms again.
    assert numbers["seattle_non_centred_fails"] is True
    assert numbers["seattle_div_centred"] == numbers["seattle_div_non_centred"] == 0
    assert numbers["seattle_ess_centred"] >= 1000
    assert numbers["seattle_ess_centred"] > 10 * numbers["seattle_ess_non_centred"]
    assert numbers["seattle_rhat_non_centred"] > 1.01


SAMPLERS = ("pymc", "pymc-2cores", "nutpie", "numpyro")


def test_benchmark_table_is_complete():
    runs = pd.read_csv(RESULTS / "samplers.csv")
    counts = runs.groupby(["model", "sampler", "cache"]).size()
    assert set(counts.index) == {(m, s, c) for m in ("radon", "seattle") for s in SAMPLERS for c in ("cold", "warm")}
    assert counts.min() >= 2
    # every benchmarked fit is close to converged; the chapter counts the runs that pass the full check
    assert runs["r_hat_max"].max() <= 1.02
    assert runs["ess_bulk_min"].min() >= 400


def test_benchmark_claims(numbers):
    runs = pd.read_csv(RESULTS / "samplers.csv")
    radon = runs[runs["model"] == "radon"].groupby(["cache", "sampler"])["wall_s"].median()
    fastest = radon["warm"].idxmin()
    assert numbers["fastest_radon_warm"] == pytest.approx(radon["warm"].min(), abs=0.01)
    assert numbers["fastest_radon_cold"] == pytest.approx(radon["cold"][fastest], abs=0.01)
    for cache in ("warm", "cold"):
        assert numbers[f"fastest_radon_speedup_{cache}"] == pytest.approx(
            radon[cache]["pymc"] / radon[cache][fastest], rel=1e-6)
    assert numbers["radon_goal_warm"] == ("meets" if radon["warm"][fastest] < 10 else "misses")
    assert numbers["radon_goal_cold"] == ("meets" if radon["cold"].min() < 10 else "misses")
    assert numbers["fastest_cold_radon_cold"] == pytest.approx(radon["cold"].min(), abs=0.01)
    # "Almost all of nutpie's time is compilation"
    nutpie = runs[(runs["model"] == "radon") & (runs["sampler"] == "nutpie")]
    assert nutpie["sampling_s"].median() < 0.3 * nutpie["wall_s"].median()
    # a warm cache saves PyMC and nutpie compilation; the chapter says so
    assert radon["warm"]["nutpie"] < radon["cold"]["nutpie"]
    assert radon["warm"]["pymc"] < radon["cold"]["pymc"]
    passes = ((runs["r_hat_max"] <= 1.01) & (runs["ess_bulk_min"] >= 400) & (runs["ess_tail_min"] >= 400)
              & (runs["divergences"] == 0))
    assert numbers["radon_runs_passing"] == passes[runs["model"] == "radon"].sum()
    assert passes[runs["model"] == "seattle"].all()
    assert numbers["largest_gap_sd"] < 0.3
    assert numbers["loop_ratio"] > 5
    # "both diverge, the vectorised fit far more often per draw"
    assert numbers["loop_divergences"] > 0 and numbers["vectorised_divergences"] > 0
    assert numbers["vectorised_divergent_share"] > 2 * numbers["loop_divergent_share"]


def test_same_seed_same_draws_with_one_core_or_two_but_not_across_caches(numbers):
    # "Runs with the same seed give the same draws under PyMC with one core or two. A cold and a warm
    # cache do not": the benchmark's diagnostics of such runs are identical, or differ.
    runs = pd.read_csv(RESULTS / "samplers.csv")
    first = runs[runs["repetition"] == 1].set_index(["model", "sampler", "cache"])["ess_bulk_min"]
    for model in ("radon", "seattle"):
        for cache in ("cold", "warm"):
            assert first[(model, "pymc", cache)] == first[(model, "pymc-2cores", cache)]
    assert numbers["same_draws_cores"] is True
    assert first[("radon", "pymc", "cold")] != first[("radon", "pymc", "warm")]
    assert numbers["radon_ess_pymc_cold"] == first[("radon", "pymc", "cold")]
    assert numbers["radon_ess_pymc_warm"] == first[("radon", "pymc", "warm")]


def test_readme_sampler_table_matches_benchmark():
    # The README quotes the benchmark; when samplers.csv is rerun, the README must follow.
    runs = pd.read_csv(RESULTS / "samplers.csv")
    medians = runs.groupby(["model", "cache", "sampler"])["wall_s"].median()
    readme = (ROOT / "README.md").read_text()
    for model, label in [("radon", "| radon ("), ("seattle", "| Seattle (")]:
        for cache in ("warm", "cold"):
            row = next(line for line in readme.splitlines() if line.startswith(label) and f", {cache} cache" in line)
            cells = [cell.strip() for cell in row.split("|")[2:-1]]
            quoted = [float(cell.split(" s")[0]) for cell in cells]
            expected = [round(medians[(model, cache, s)], 1) for s in SAMPLERS]
            assert quoted == pytest.approx(expected, abs=0.051), (model, cache, quoted, expected)
