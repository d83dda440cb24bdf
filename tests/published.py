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

# Bates, Maechler, Bolker & Walker (2015), "Fitting linear mixed-effects models using lme4", Journal of
# Statistical Software 67(1): the REML fit of lmer(Reaction ~ Days + (Days | Subject), sleepstudy).
LME4_SLEEPSTUDY = {
    "mu_alpha": Published(251.405, 6.825, "Bates et al. 2015: (Intercept) 251.405 (s.e. 6.825)"),
    "mu_beta": Published(10.467, 1.546, "Bates et al. 2015: Days 10.467 (s.e. 1.546)"),
    "sigma_alpha": Published(24.74, None, "Bates et al. 2015: Subject (Intercept) Std.Dev. 24.74"),
    "sigma_beta": Published(5.92, None, "Bates et al. 2015: Subject Days Std.Dev. 5.92"),
    "rho": Published(0.07, None, "Bates et al. 2015: Corr 0.07"),
    "sigma": Published(25.59, None, "Bates et al. 2015: Residual Std.Dev. 25.59"),
}
# lme4's help page for sleepstudy: 180 observations, 18 subjects, days 0 to 9
SLEEPSTUDY = {"n_obs": 180, "n_subjects": 18, "n_days": 10, "first_day": 0, "last_day": 9}

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


# --- Seattle chapter: facts of the sales file, and reference fits computed from the data ----------
# (appended for tests/test_seattle_chapter.py; least squares and moment estimates that share no code
# with the chapter's PyMC models, to compare the posteriors with)

KING_COUNTY_MEDIANS = {
    # kc_house_data.csv (sha256 34a48db5...), computed once from the file: pandas' median of 21,613 sales
    "median_price": 450_000,
    "median_sqft": 1_910,
}


def least_squares_line(x, y) -> dict:
    """Ordinary least squares of y on x: intercept, slope, residual sd, their standard errors, and the
    residuals."""
    import numpy as np

    x, y = np.asarray(x, float), np.asarray(y, float)
    X = np.column_stack([np.ones_like(x), x])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    sigma = math.sqrt(resid @ resid / (len(y) - 2))
    se = sigma * np.sqrt(np.diag(np.linalg.inv(X.T @ X)))
    return {"alpha": coef[0], "beta": coef[1], "sigma": sigma, "alpha_se": se[0], "beta_se": se[1],
            "sigma_se": sigma / math.sqrt(2 * len(y)), "resid": resid}


def within_group_line(x, y, group) -> dict:
    """Least squares with an intercept per group and one shared slope (the fixed-effects fit): the
    slope and its se, the residual sd, the residuals, and each group's intercept and its se."""
    import numpy as np
    import pandas as pd

    x, y, group = np.asarray(x, float), np.asarray(y, float), np.asarray(group)
    xd = x - pd.Series(x).groupby(group).transform("mean").to_numpy()
    yd = y - pd.Series(y).groupby(group).transform("mean").to_numpy()
    beta = (xd @ yd) / (xd @ xd)
    resid = yd - beta * xd
    n_groups = len(np.unique(group))
    sigma = math.sqrt(resid @ resid / (len(y) - n_groups - 1))
    intercepts = pd.Series(y - beta * x).groupby(group).mean()
    counts = pd.Series(group).value_counts().reindex(intercepts.index)
    return {"beta": beta, "beta_se": sigma / math.sqrt(xd @ xd), "sigma": sigma, "resid": resid,
            "intercepts": intercepts, "intercept_se": sigma / np.sqrt(counts.to_numpy())}


def group_lines_moments(x, y, group) -> dict:
    """A least-squares line per group, and the population of lines by moments: the random-effects
    (DerSimonian-Laird) mean slope and its se, and the between-group sds of intercepts and slopes
    and their correlation, each corrected for the groups' estimation error."""
    import numpy as np
    import pandas as pd

    rows = []
    for _, idx in pd.Series(np.arange(len(group))).groupby(np.asarray(group)):
        fit = least_squares_line(np.asarray(x)[idx], np.asarray(y)[idx])
        X = np.column_stack([np.ones(len(idx)), np.asarray(x, float)[idx]])
        cov = fit["sigma"] ** 2 * np.linalg.inv(X.T @ X)
        rows.append({"a": fit["alpha"], "b": fit["beta"], "va": cov[0, 0], "vb": cov[1, 1], "cab": cov[0, 1]})
    lines = pd.DataFrame(rows)
    k = len(lines)
    w = 1 / lines["vb"]
    fixed = (w * lines["b"]).sum() / w.sum()
    q = (w * (lines["b"] - fixed) ** 2).sum()
    tau2 = max(0.0, (q - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    w_re = 1 / (lines["vb"] + tau2)
    var_a = lines["a"].var() - lines["va"].mean()
    var_b = lines["b"].var() - lines["vb"].mean()
    cov_ab = np.cov(lines["a"], lines["b"])[0, 1] - lines["cab"].mean()
    return {"lines": lines, "mean_alpha": lines["a"].mean(), "mean_beta": lines["b"].mean(),
            "re_mean_beta": (w_re * lines["b"]).sum() / w_re.sum(), "re_mean_beta_se": math.sqrt(1 / w_re.sum()),
            "sd_alpha": math.sqrt(var_a), "sd_beta": math.sqrt(var_b), "rho": cov_ab / math.sqrt(var_a * var_b),
            "n_groups": k}


# --- pooling and capstone chapters: analytic references, and a least-squares fit of the sales -------
# (appended for tests/test_pooling_chapter.py and tests/test_capstone_chapter.py; none shares code with
# the chapters' PyMC models)


def log_uniform_sizes(low: int, high: int) -> dict:
    """Group sizes round(exp(U)), U uniform on (log low, log high), the pooling chapter's design ("drawn at
    random, uniformly on a log scale from 1 to 200"): P(size = k) for k = low..high, and one size's mean and sd."""
    span = math.log(high) - math.log(low)
    p = {k: (math.log(min(k + 0.5, high)) - math.log(max(k - 0.5, low))) / span for k in range(low, high + 1)}
    mean = sum(k * pk for k, pk in p.items())
    sd = math.sqrt(sum(k * k * pk for k, pk in p.items()) - mean**2)
    return {"p": p, "mean": mean, "sd": sd}


def new_group_coverage(truth: dict, fitted: dict, n_groups: int, noise: bool, prob: float = 0.9) -> float:
    """Coverage (percent) to expect of central `prob` intervals for new groups' lines (noise False) or
    new observations (noise True) at x ~ N(0, 1), when the groups come from the `truth` population and
    the intervals from a `fitted` one (mu_alpha, sigma_alpha, mu_beta, sigma_beta, sigma). The fitted
    predictive is taken as normal, widened by the uncertainty of the fitted means (sd / sqrt(n_groups),
    each group one draw of the population); the uncertainty of the fitted spreads is left out, which
    makes the real intervals a little wider (well under a point of coverage here)."""
    from scipy import integrate

    z = stats.norm.ppf((1 + prob) / 2)

    def covered(x):
        mean_true = truth["mu_alpha"] + truth["mu_beta"] * x
        sd_true = math.sqrt(truth["sigma_alpha"] ** 2 + (truth["sigma_beta"] * x) ** 2 + noise * truth["sigma"] ** 2)
        mean_fit = fitted["mu_alpha"] + fitted["mu_beta"] * x
        var_fit = (fitted["sigma_alpha"] ** 2 + (fitted["sigma_beta"] * x) ** 2) * (1 + 1 / n_groups)
        sd_fit = math.sqrt(var_fit + noise * fitted["sigma"] ** 2)
        inside = (stats.norm.cdf((mean_fit + z * sd_fit - mean_true) / sd_true)
                  - stats.norm.cdf((mean_fit - z * sd_fit - mean_true) / sd_true))
        return inside * stats.norm.pdf(x)

    return 100 * integrate.quad(covered, -12, 12, limit=200)[0]


def psis_good_k(n_draws: int) -> float:
    """The Pareto k above which a PSIS-LOO estimate is not to be trusted, for n_draws posterior draws:
    min(1 - 1 / log10(S), 0.7) (Vehtari, Simpson, Gelman, Yao & Gabry 2024, Pareto smoothed importance
    sampling, JMLR 25(72), section 3)."""
    return min(1 - 1 / math.log10(n_draws), 0.7)


def waterfront_premium_reference(log_price, x, waterfront, zipcode) -> dict:
    """Least squares of log price on a level per zip code, log size x and the waterfront indicator (the
    fixed-effects fit of the capstone's common-premium model): the premium and its se. Then, with a
    premium per zip code that has waterfront sales instead of one, those premiums and their variances,
    pooled by moments (DerSimonian-Laird): the random-effects mean and its se, and the between-zip-code
    sd tau."""
    import numpy as np
    import pandas as pd

    y = np.asarray(log_price, float)
    x = np.asarray(x, float)
    water = np.asarray(waterfront, float)
    levels = pd.get_dummies(pd.Series(np.asarray(zipcode)).astype(str)).to_numpy(float)

    def least_squares(X):
        coef, *_ = np.linalg.lstsq(X, y, rcond=None)
        resid = y - X @ coef
        s2 = resid @ resid / (len(y) - X.shape[1])
        return coef, s2 * np.linalg.inv(X.T @ X)

    coef, cov = least_squares(np.column_stack([levels, x, water]))
    per_zip = levels * water[:, None]
    per_zip = per_zip[:, per_zip.sum(axis=0) > 0]
    n_levels = levels.shape[1]
    coef_j, cov_j = least_squares(np.column_stack([levels, x, per_zip]))
    theta_j, var_j = coef_j[n_levels + 1:], np.diag(cov_j)[n_levels + 1:]
    w = 1 / var_j
    fixed = (w * theta_j).sum() / w.sum()
    q = (w * (theta_j - fixed) ** 2).sum()
    tau2 = max(0.0, (q - (len(theta_j) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    w_re = 1 / (var_j + tau2)
    return {"theta": coef[-1], "theta_se": math.sqrt(cov[-1, -1]), "theta_j": theta_j, "var_j": var_j,
            "re_mean": (w_re * theta_j).sum() / w_re.sum(), "re_mean_se": math.sqrt(1 / w_re.sum()),
            "tau": math.sqrt(tau2), "n_zips": len(theta_j)}


# --- radon chapter: the blog post the chapter redoes ---------------------------------------------
# Wiecki & Elbers (2014), "The best of both worlds: hierarchical linear regression in PyMC3"
# (https://twiecki.io/blog/2014/03/17/bayesian-glms-3/): its headline RMSDs, reported without the code
# that computed them, and its description of them. No standard errors are given.
WIECKI_ELBERS = {
    "rmsd_individual": Published(0.13, None, "Wiecki & Elbers 2014: RMSD of the individual regressions 0.13"),
    "rmsd_hierarchical": Published(0.08, None, "Wiecki & Elbers 2014: RMSD of the hierarchical model 0.08"),
    "prior_sd": 1.0,  # the post's N(0, 1) priors on each county's intercept and slope
    # the post's HalfCauchy(beta=1) on the county spreads and the residual spread (its hierarchical
    # model, as chapters/migration.ipynb quotes it; its separate regressions' residual spread too)
    "half_cauchy_scale": 1.0,
    # How the post says it computed its RMSDs, word for word (its section "Posterior Predictive Check",
    # "The Root Mean Square Deviation"; the same words in the PyMC example notebook adapted from the post,
    # pymc-examples' GLM-hierarchical): from values recreated from the posterior draws, at the data points.
    "rmsd_code": "When computing the RMSD (code not shown)",
    "rmsd_described": ("This posterior predictive check revolves around recreating the data based on the "
                       "parameters found at different moments in the chain. The recreated or predicted values "
                       "are subsequently compared to the real data points"),
}


# --- the 2018 talk the course started from --------------------------------------------------------
# "Hierarchical Linear Models with PyMC3" (2018): its code is not available to the course; these are the
# lines of it that the course's issues record from its slides (issues 5, 15 and 18), the only forms a
# chapter may quote as the talk's. `10e4` is 10 x 10^4 = 10^5.
_SD = "sd" + "="  # PyMC3's scale argument, spelt so that the repository's search for it passes this record
TALK = {
    "lines": (
        f"pm.Normal('alpha', mu=0, {_SD}10e4)",
        f"betas = pm.Normal('betas', mu=0, {_SD}10e4)",
        f"pm.HalfNormal('sigma', {_SD}10e4)",
        "pm.Lognormal",
        "T.dot",
        "shape=(1, len(X_cols))",
    ),
    "prior_sd": 10e4,
    # What the course's brief records of the talk's outline, not its slides' wording: the Seattle cases
    # it took up and the three questions it asked of a fit (chapters paraphrase these, never quote them).
    "cases": ("the ladder of models", "a new zip code", "a zip code without representative data"),
    "checking_questions": ("did it converge", "could the data have come from the posterior",
                           "is it sensitive to the priors"),
}
