"""Two codings of the radon chapter's no-pooling model, the same prior and the same model:

- ``slope``: alpha_j ~ N(0, 10), beta_j ~ N(0, 10);
- ``levels`` (the chapters' coding): alpha_j ~ N(0, 10), first_floor_j ~ N(alpha_j, 10), beta_j their
  difference.

Each is fitted (nutpie, 4 chains of 1,000 tuning + 2,000 draws, as in the chapter) to the homes kept by
the chapter's held-out split (about 80% of each county's homes) under three random splits and three
sampler seeds, and to all homes. Appends each fit's worst R-hat and smallest bulk and tail ESS over alpha
and beta to ``benchmarks/results/unpooled_coding.csv``. In a county whose homes are all on the first
floor the data fix only alpha_j + beta_j: the ``slope`` coding leaves a narrow ridge there.

    python benchmarks/unpooled_coding.py     # about 1 minute on 2 cores
"""

from __future__ import annotations

import csv
import datetime
import logging
import platform
import sys
from pathlib import Path

import arviz as az
import numpy as np
import nutpie
import pymc as pm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import hlm_helpers as hlm  # noqa: E402

RECORD = ROOT / "benchmarks" / "results" / "unpooled_coding.csv"


def split_homes(df, frac, rng):
    """The radon chapter's split: about ``frac`` of each county's homes held back, one kept at least."""
    test = []
    for _, rows in df.groupby("county_idx"):
        n_test = min(int(round(frac * len(rows))), len(rows) - 1)
        test.extend(rng.choice(rows.index.to_numpy(), size=n_test, replace=False))
    return df[~df.index.isin(test)]


def build(df, coding):
    coords = {"county": df["county"].cat.categories, "obs_id": df.index}
    with pm.Model(coords=coords) as model:
        floor = pm.Data("floor", df["floor"].to_numpy(), dims="obs_id")
        county_idx = pm.Data("county_idx", df["county_idx"].to_numpy(), dims="obs_id")
        alpha = pm.Normal("alpha", 0, 10, dims="county")
        if coding == "levels":
            first_floor = pm.Normal("first_floor", alpha, 10, dims="county")
            beta = pm.Deterministic("beta", first_floor - alpha, dims="county")
        else:
            beta = pm.Normal("beta", 0, 10, dims="county")
        sigma = pm.HalfNormal("sigma", 1)
        mu = alpha[county_idx] + beta[county_idx] * floor
        pm.Normal("log_radon", mu, sigma, observed=df["log_radon"].to_numpy(), shape=mu.shape)
    return model


def main():
    logging.getLogger("pymc").setLevel(logging.ERROR)
    radon = hlm.load_radon()
    subsets = {"all homes": radon}
    subsets |= {f"split {s}": split_homes(radon, 0.2, np.random.default_rng(s)) for s in (1, 2, 3)}
    rows = []
    for name, df in subsets.items():
        first_only = int((df.groupby("county", observed=True)["floor"].min() == 1).sum())
        for coding in ("slope", "levels"):
            compiled = nutpie.compile_pymc_model(build(df, coding), backend="numba")
            for seed in (1, 2, 3):
                idata = nutpie.sample(compiled, draws=2000, tune=1000, chains=4, seed=seed, progress_bar=False)
                s = az.summary(idata, var_names=["alpha", "beta"])
                rows.append({"date": datetime.date.today().isoformat(), "homes": name,
                             "counties_first_floor_only": first_only, "coding": coding, "seed": seed,
                             "max_r_hat": round(float(s["r_hat"].max()), 4),
                             "min_ess_bulk": int(s["ess_bulk"].min()), "min_ess_tail": int(s["ess_tail"].min()),
                             "passes_check": bool(hlm.passes_convergence_check(idata)),
                             "machine": f"{platform.machine()}, {platform.python_version()}"})
                print(rows[-1], flush=True)
    new = not RECORD.exists()
    with RECORD.open("a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        if new:
            writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
