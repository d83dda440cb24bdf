"""Time the NUTS samplers on the course's two hierarchical models, and the radon post's county loop.

Usage (from the project root; takes about 35 minutes on a 2-core machine)::

    python benchmarks/samplers.py                  # everything, 2 cold and 2 warm fits per cell
    python benchmarks/samplers.py --repeats 1      # quicker, noisier
    python benchmarks/samplers.py --only samplers  # or: --only loop
    python benchmarks/samplers.py --readme-table   # print the README's table from the results

Writes, in ``benchmarks/results/``:

``samplers.csv``
    One row per model, sampler, cache state and repetition: wall time from the call to the sampler
    until the draws are back (compilation included), the part of it spent drawing, the smallest bulk and tail
    effective sample size (ESS) over the model's parameters, the largest R-hat and the number of
    divergences. The NUTS chapter shows the medians.
``sampler_posteriors.csv``
    Posterior mean, standard deviation and Monte Carlo standard error of the mean of every
    hyperparameter, per model and sampler, from the first cold repetition: the samplers must agree on
    the answer, within Monte Carlo error, not only be fast. (``--only posteriors`` rewrites this file
    alone, from one cold fit per model and sampler, in about 3 minutes.)
``county_loop.csv``
    The radon post's loop (one small model per county, sampled 85 times) against one vectorised model
    of the same 85 regressions, both with PyMC's own NUTS.

Every fit runs in a fresh Python process, so compilation is paid as a reader pays it in a new
notebook; imports and data loading are not timed. PyTensor keeps what it compiles (Numba code,
PyTensor 3's default backend, for PyMC's own sampler and for nutpie) in an on-disk cache (under its ``base_compiledir``) and reuses it in
later processes; JAX caches nothing on disk by default. So every model and sampler is timed twice
over: *cold*, each fit with a new, empty cache (`base_compiledir`), as on a fresh install; and *warm*, in a
cache that one earlier fit of the same model and sampler has filled, as for a reader who
reruns a notebook. The script records the machine. The settings are the course's
defaults: 4 chains, 1,000 tuning steps and 1,000 draws each, ``target_accept`` 0.9 for radon and
PyMC's default 0.8 for Seattle, as in their chapters.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
MODELS = ("radon", "seattle")
# "pymc-2cores" is PyMC's own NUTS with cores=2: by default PyMC assumes half the CPUs are hyperthreads
# and, on a 2-core machine, runs the 4 chains one after another in a single process.
SAMPLERS = ("pymc", "pymc-2cores", "nutpie", "numpyro")
SETTINGS = {"chains": 4, "tune": 1000, "draws": 1000}
TARGET_ACCEPT = {"radon": 0.9, "seattle": 0.8}
HYPERPARAMETERS = ["mu_alpha", "sigma_alpha", "mu_beta", "sigma_beta", "sigma"]
SEED = 20140317


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip() + ", "
                break
    except OSError:
        pass
    return f"{cpu}{os.cpu_count()} cores, {platform.system()}, Python {platform.python_version()}"


# ------------------------------------------------------------------------------------------------
# Workers: each runs in its own process and prints one JSON line.


def _load(model_name: str):
    import numpy as np

    import hlm_helpers as hlm
    from hlm_helpers.models import radon_hierarchical, seattle_varying_slope

    if model_name == "radon":
        return radon_hierarchical(hlm.load_radon())
    sales = hlm.load_king_county()
    sales["x"] = np.log(sales["sqft_living"] / 2000)
    return seattle_varying_slope(sales)


def fit_worker(model_name: str, sampler: str, seed: int) -> dict:
    """Sample one model with one sampler; return timings and diagnostics."""
    import time

    import arviz as az
    import pymc as pm

    import hlm_helpers as hlm

    model = _load(model_name)
    target_accept = TARGET_ACCEPT[model_name]
    start = time.perf_counter()
    if sampler == "nutpie":
        # What pm.sample(nuts_sampler="nutpie") does, in its two steps, so that each can be timed.
        import nutpie

        compiled = nutpie.compile_pymc_model(model)
        compiled_at = time.perf_counter()
        idata = nutpie.sample(compiled, chains=SETTINGS["chains"], tune=SETTINGS["tune"],
                              draws=SETTINGS["draws"], target_accept=target_accept, seed=seed,
                              progress_bar=False)
        wall = time.perf_counter() - start
        sampling = time.perf_counter() - compiled_at
    else:
        extra = {"cores": 2} if sampler == "pymc-2cores" else {}
        with model:
            idata = pm.sample(nuts_sampler=sampler.split("-")[0], **extra, target_accept=target_accept, random_seed=seed,
                              progressbar=False, **SETTINGS)
        wall = time.perf_counter() - start
        # PyMC's sampler excludes compiling the model (to Numba, PyTensor 3's default); NumPyro's includes JAX compiling the
        # sampler, which JAX does when the sampler is first called.
        sampling = float(idata.posterior.attrs["sampling_time"])
    table = hlm.convergence_table(idata, var_names=HYPERPARAMETERS + ["alpha", "beta"])
    posterior = idata.posterior.to_dataset()
    return {
        "wall_s": wall,
        "sampling_s": sampling,
        "ess_bulk_min": float(table["ess_bulk"].min()),
        "ess_tail_min": float(table["ess_tail"].min()),
        "r_hat_max": float(table["r_hat"].max()),
        "divergences": hlm.count_divergences(idata),
        # mean, sd and the Monte Carlo standard error of the mean (ArviZ's, from the bulk ESS of the mean)
        "posterior": {name: [float(posterior[name].mean()), float(posterior[name].std()),
                             float(az.mcse(posterior[[name]], method="mean")[name])]
                      for name in HYPERPARAMETERS},
    }


def _county_model(df):
    """Separate intercept, slope and residual spread for every county in df (one or many counties)."""
    import pymc as pm

    coords = {"county": df["county"].cat.remove_unused_categories().cat.categories, "obs_id": df.index}
    idx = df["county"].cat.remove_unused_categories().cat.codes.to_numpy()
    with pm.Model(coords=coords) as model:
        alpha = pm.Normal("alpha", mu=0, sigma=10, dims="county")
        beta = pm.Normal("beta", mu=0, sigma=10, dims="county")
        # A residual spread per county. Gamma(2, 2) keeps it off zero: with one or two homes the
        # likelihood grows without bound as sigma -> 0, and a half-normal prior lets NUTS diverge there.
        sigma = pm.Gamma("sigma", alpha=2, beta=2, dims="county")
        pm.Normal("log_radon", mu=alpha[idx] + beta[idx] * df["floor"].to_numpy(), sigma=sigma[idx],
                  observed=df["log_radon"].to_numpy(), dims="obs_id")
    return model


def loop_worker(how: str, seed: int) -> dict:
    """The 85 per-county regressions, as 85 models in a loop or as one vectorised model."""
    import time

    import pymc as pm

    import hlm_helpers as hlm

    radon = hlm.load_radon()
    # nuts_sampler="pymc": PyMC 6 would otherwise pick nutpie when it is installed
    kwargs = dict(nuts_sampler="pymc", random_seed=seed, progressbar=False, compute_convergence_checks=False,
                  **SETTINGS)
    start = time.perf_counter()
    if how == "loop":
        divergences = 0
        for county in radon["county"].cat.categories:
            with _county_model(radon[radon["county"] == county]):
                divergences += hlm.count_divergences(pm.sample(**kwargs))
    else:
        with _county_model(radon):
            divergences = hlm.count_divergences(pm.sample(**kwargs))
    return {"wall_s": time.perf_counter() - start, "models": 85 if how == "loop" else 1,
            "divergences": divergences}


# ------------------------------------------------------------------------------------------------
# Driver


def _run(*args: str, compiledir: str | None = None) -> dict:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    if compiledir is not None:
        env["PYTENSOR_FLAGS"] = f"base_compiledir={compiledir}"
    out = subprocess.run([sys.executable, __file__, "--worker", *args], capture_output=True, text=True,
                         env=env, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"worker {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_samplers(repeats: int) -> None:
    import pandas as pd

    rows, posteriors = [], []
    stamp, where = dt.datetime.now().isoformat(timespec="seconds"), machine()
    for model_name in MODELS:
        for sampler in SAMPLERS:
            with tempfile.TemporaryDirectory(prefix="hlm-bench-") as scratch:
                # cold: a new, empty compiledir for every fit; the first one is kept for the warm fits
                plan = [("cold", rep, f"{scratch}/cold{rep}") for rep in range(repeats)]
                plan += [("warm", rep, f"{scratch}/cold0") for rep in range(repeats)]
                for cache, rep, compiledir in plan:
                    result = _run("fit", model_name, sampler, str(SEED + rep), compiledir=compiledir)
                    if cache == "cold" and rep == 0:
                        posteriors += _posterior_rows(model_name, sampler, result)
                    del result["posterior"]
                    rows.append({"model": model_name, "sampler": sampler, "cache": cache,
                                 "repetition": rep + 1, **result, "date": stamp, "machine": where})
                    print(f"{model_name:8s} {sampler:12s} {cache} #{rep + 1}: {result['wall_s']:6.1f} s wall, "
                          f"{result['sampling_s']:6.1f} s sampling, bulk ESS {result['ess_bulk_min']:6.0f}, "
                          f"{result['divergences']} divergences", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).round(3).to_csv(RESULTS / "samplers.csv", index=False)
    pd.DataFrame(posteriors).round(8).to_csv(RESULTS / "sampler_posteriors.csv", index=False)  # MCSEs near 1e-5
    print(f"wrote {RESULTS.relative_to(ROOT)}/samplers.csv and sampler_posteriors.csv")


def _posterior_rows(model_name: str, sampler: str, result: dict) -> list[dict]:
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    return [{"model": model_name, "sampler": sampler, "parameter": name, "mean": mean, "sd": sd, "mcse_mean": mcse,
             "date": stamp, "machine": machine()}
            for name, (mean, sd, mcse) in result["posterior"].items()]


def run_posteriors() -> None:
    """Only sampler_posteriors.csv: the first cold fit of every model and sampler again (the same seed and
    an empty cache, so the same draws as run_samplers' first cold fit), leaving samplers.csv as it is."""
    import pandas as pd

    posteriors = []
    for model_name in MODELS:
        for sampler in SAMPLERS:
            with tempfile.TemporaryDirectory(prefix="hlm-bench-") as scratch:
                result = _run("fit", model_name, sampler, str(SEED), compiledir=f"{scratch}/cold0")
            posteriors += _posterior_rows(model_name, sampler, result)
            print(f"{model_name:8s} {sampler:12s}: bulk ESS {result['ess_bulk_min']:6.0f}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(posteriors).round(8).to_csv(RESULTS / "sampler_posteriors.csv", index=False)  # MCSEs near 1e-5
    print(f"wrote {RESULTS.relative_to(ROOT)}/sampler_posteriors.csv")


def run_loop() -> None:
    import pandas as pd

    rows = []
    for how in ("vectorised", "loop"):
        result = _run("loop", how, str(SEED))
        rows.append({"how": how, **result, "date": dt.datetime.now().isoformat(timespec="seconds"),
                     "machine": machine()})
        print(f"{how}: {result['wall_s']:.1f} s for {result['models']} model(s)", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).round(3).to_csv(RESULTS / "county_loop.csv", index=False)
    print(f"wrote {RESULTS.relative_to(ROOT)}/county_loop.csv")


def readme_table() -> str:
    """The README's sampler table (median wall times), from samplers.csv."""
    import pandas as pd

    runs = pd.read_csv(RESULTS / "samplers.csv")
    medians = runs.groupby(["model", "cache", "sampler"])["wall_s"].median()
    sampling = runs.groupby(["model", "cache", "sampler"])["sampling_s"].median()
    names = {"radon": "radon (175 parameters, 919 homes)", "seattle": "Seattle (145 parameters, 21,613 sales)"}
    lines = ["| model | PyMC's NUTS | PyMC's NUTS, `cores=2` | nutpie | NumPyro |", "| --- | --- | --- | --- | --- |"]
    for model in MODELS:
        for cache in ("warm", "cold"):
            cells = []
            for sampler in SAMPLERS:
                cell = f"{medians[(model, cache, sampler)]:.1f} s"
                if sampler == "nutpie":
                    cell += f" ({sampling[(model, cache, sampler)]:.1f} s of it sampling)"
                cells.append(cell)
            lines.append(f"| {names[model]}, {cache} cache | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--worker":
        kind, *args = argv[1:]
        if kind == "fit":
            result = fit_worker(args[0], args[1], int(args[2]))
        else:
            result = loop_worker(args[0], int(args[1]))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=2,
                        help="fresh-process fits per model, sampler and cache state (cold, warm)")
    parser.add_argument("--only", choices=["samplers", "loop", "posteriors"],
                        help="run one of the two benchmarks, or only the samplers' posteriors (one cold fit each)")
    parser.add_argument("--readme-table", action="store_true",
                        help="print the README's sampler table from the existing samplers.csv and stop")
    options = parser.parse_args(argv)
    if options.readme_table:
        print(readme_table())
        return
    if options.only == "posteriors":
        run_posteriors()
        return
    if options.only != "loop":
        run_samplers(options.repeats)
    if options.only != "samplers":
        run_loop()


if __name__ == "__main__":
    main(sys.argv[1:])
