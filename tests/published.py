"""Independent references the chapter tests compare with: published estimates, the data's known
sizes, the simulations' truths, and analytic values. One table, so that a published number is typed
once; each entry says where it comes from.

An assertion that compares a chapter's number with something from this module compares it with a
source independent of the chapter's own outputs; ``tools/test_power.py`` counts those assertions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats


@dataclass(frozen=True)
class Published:
    value: float
    se: float | None  # the published standard error, where given
    source: str


# Gelman & Hill (2007), Data Analysis Using Regression and Multilevel/Hierarchical Models, the
# Minnesota radon survey (919 homes, 85 counties), maximum-likelihood (lm / lmer) fits.
GELMAN_HILL = {
    # section 12.2, complete pooling: lm(y ~ x)
    "complete_alpha": Published(1.33, 0.03, "G&H 12.2: lm(y ~ x) intercept 1.33 (s.e. 0.03)"),
    "complete_beta": Published(-0.61, 0.07, "G&H 12.2: lm(y ~ x) floor -0.61 (s.e. 0.07)"),
    # section 12.5, varying intercepts: lmer(y ~ x + (1 | county))
    "vi_sigma_alpha": Published(0.33, None, "G&H 12.5: county sd 0.33 (varying intercepts)"),
    "vi_sigma": Published(0.76, None, "G&H 12.5: residual sd 0.76 (varying intercepts)"),
    # section 13.1, varying intercepts and slopes: lmer(y ~ x + (1 + x | county))
    "vivs_mu_alpha": Published(1.46, 0.05, "G&H 13.1: intercept 1.46 (s.e. 0.05)"),
    "vivs_mu_beta": Published(-0.68, 0.09, "G&H 13.1: floor coefficient -0.68 (s.e. 0.09)"),
    "vivs_sigma": Published(0.75, None, "G&H 13.1: residual sd 0.75"),
    "vivs_sigma_alpha": Published(0.35, None, "G&H 13.1: county intercept sd 0.35"),
    "vivs_sigma_beta": Published(0.34, None, "G&H 13.1: county slope sd 0.34"),
    "vivs_rho": Published(-0.34, None, "G&H 13.1: intercept-slope correlation -0.34"),
    # section 12.6, county uranium: lmer(y ~ x + u.full + (1 | county))
    "uranium_gamma_1": Published(0.72, 0.09, "G&H 12.6: log uranium coefficient 0.72 (s.e. 0.09)"),
    "uranium_sigma_alpha": Published(0.16, None, "G&H 12.6: county sd with uranium 0.16"),
}

# The data sets' sizes, as their sources describe them.
RADON = {
    "n_homes": 919,  # G&H 12.2
    "n_counties": 85,
    "n_first_floor": 153,  # first-floor homes (floor == 1) in G&H's data
    "n_at_floor": 4,  # readings recorded as 0 pCi/L (set to 0.1 by G&H's log)
}
KING_COUNTY = {
    "n_sales": 21_613,  # kc_house_data.csv, ../shared/data/README
    "n_zips": 70,
    "min_zip_sales": 50,
    "max_zip_sales": 602,
    "min_price": 75_000,
    "max_price": 7_700_000,
    "n_waterfront": 163,
    "first_sale": "2 May 2014",
}

# The pooling chapter's simulated population (TRUTH in chapters/pooling.ipynb).
POOLING_TRUTH = {"mu_alpha": 2.0, "sigma_alpha": 0.6, "mu_beta": 0.8, "sigma_beta": 0.3, "sigma": 1.0}


# --- analytic values -------------------------------------------------------------------------


def chi2_below(threshold: float, dims: int) -> float:
    """P(chi^2_dims < threshold), in percent: the share of a standard normal's mass within
    sqrt(threshold) of its mode in `dims` dimensions."""
    return 100 * stats.chi2.cdf(threshold, dims)


def half_cauchy_above(x: float, scale: float) -> float:
    """P(sigma > x) for sigma ~ HalfCauchy(scale), in percent."""
    return 100 * (1 - 2 / math.pi * math.atan(x / scale))


def binomial_band(percent: float, n: int, z: float = 3.0) -> tuple[float, float]:
    """Where an observed coverage (in percent) of n independent trials falls, for a true rate of
    `percent`, with z binomial standard deviations either side (z = 3: about 1 in 370 by chance)."""
    sd = 100 * math.sqrt(percent / 100 * (1 - percent / 100) / n)
    return percent - z * sd, percent + z * sd


def within_band(observed: float, percent: float, n: int, z: float = 3.0) -> bool:
    lo, hi = binomial_band(percent, n, z)
    return lo <= observed <= hi


def binomial_plausible(observed_percent: float, percent: float, n: int, alpha: float = 0.001) -> bool:
    """Whether an observed share (percent of n trials) is plausible for a true rate of `percent`: the
    exact two-sided binomial test does not reject at level alpha (for small counts, where a normal
    band around the rate is too narrow)."""
    k = round(observed_percent / 100 * n)
    return stats.binomtest(k, n, percent / 100).pvalue > alpha

# checking chapter: the complete-pooling fit's residual sd, to predict the share of homes at or above
# the action level of 4 pCi/L from G&H's published lm(y ~ x) alone.
GELMAN_HILL_COMPLETE_SIGMA = Published(0.82, None, "G&H 12.2: lm(y ~ x) residual sd 0.82")


# --- priors chapter ---------------------------------------------------------------------------


def pair_ratio_quantile(q: float, spread) -> float:
    """The q-quantile of exp(|s (z1 - z2)|) for s ~ `spread` (a frozen scipy distribution on s > 0)
    and z1, z2 independent standard normals: how far apart two groups' levels are under a prior on
    their spread, by numerical integration (P(s |d| > t) = E_s[2 P(N(0, 2) > t / s)])."""
    from scipy import integrate, optimize

    def above(t):
        return integrate.quad(lambda s: spread.pdf(s) * 2 * stats.norm.sf(t / (s * math.sqrt(2))),
                              0, math.inf, limit=500)[0]

    return math.exp(optimize.brentq(lambda t: above(t) - (1 - q), 1e-9, 1e4))
