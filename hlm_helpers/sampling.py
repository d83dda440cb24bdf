"""Compile a model once, sample it as ``pm.sample(nuts_sampler="nutpie")`` does, refit it on new data.

``pm.sample`` compiles the model every time it is called: for the course's models about 2 seconds,
against 0.1 to 1 second of sampling (``benchmarks/results/fit_times.csv``). A chapter that fits one
model to several data sets (a training split, a second data set, the folds of a cross-validation)
pays that compilation every time. :class:`CompiledModel` pays it once:

>>> compiled = CompiledModel(model)                                  # doctest: +SKIP
>>> idata = compiled.sample(random_seed=RANDOM_SEED, **SAMPLE_KWARGS)   # doctest: +SKIP
>>> train_idata = compiled.sample({"floor": ..., "county_idx": ..., "log_radon_obs": ...},
...                               random_seed=RANDOM_SEED, **SAMPLE_KWARGS)   # doctest: +SKIP

``sample()`` without data draws exactly what ``pm.sample(nuts_sampler="nutpie", ...)`` draws with the
same arguments (the same seeds, settings and returned groups). With data it swaps the model's
``pm.Data`` containers for the new values (nutpie's ``with_data``), without compiling again; the
observed values of a model to be refitted must be a ``pm.Data`` container too. A refit's result has
the ``posterior`` and ``sample_stats`` groups, not the model's ``observed_data`` or ``constant_data``
(those would be the data the model was built with).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping

import numpy as np
import pymc as pm

from .predict import _check_new_data

__all__ = ["CompiledModel"]


class CompiledModel:
    """A PyMC model compiled once for nutpie. See the module's docstring."""

    def __init__(self, model: pm.Model):
        import nutpie

        if not isinstance(model, pm.Model):
            raise TypeError(f"CompiledModel takes a pm.Model, not {type(model).__name__}.")
        self.model = model
        start = time.perf_counter()
        # As pm.sample(nuts_sampler="nutpie") compiles it (PyTensor's Numba backend).
        self.compiled = nutpie.compile_pymc_model(model, backend="numba")
        self.compile_seconds = time.perf_counter() - start

    def _check(self, data: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The new values, checked as predict_rows checks them (known containers, numbers of the right
        dimensions, finite, group codes within the groups or labels encoded), and every container that
        shares a dimension with a replaced one replaced too, at the same length."""
        return _check_new_data(self.model, data, set_coords=False)

    def sample(self, data: Mapping[str, np.ndarray] | None = None, *, draws: int = 1000, tune: int = 1000,
               chains: int = 4, cores: int | None = None, random_seed=None, target_accept: float | None = None,
               progressbar: bool = False, nuts_sampler: str = "nutpie"):
        """Draws from the posterior, of the model's own data or of ``data`` (new values for its
        ``pm.Data`` containers). The arguments are ``pm.sample``'s (``nuts_sampler`` and ``progressbar``
        are accepted so that a chapter's sampler settings can be passed as they are)."""
        import nutpie
        from pymc.backends.arviz import patch_nutpie_idata
        from pymc.util import get_random_generator

        if nuts_sampler != "nutpie":
            raise ValueError(f"CompiledModel samples with nutpie, not {nuts_sampler!r}.")
        compiled = self.compiled if not data else self.compiled.with_data(**self._check(data))
        # The seed as pm.sample derives it from random_seed, so that the draws are the same.
        seeds = [rng.integers(2**30) for rng in get_random_generator(random_seed).spawn(chains)]
        settings = {} if target_accept is None else {"target_accept": target_accept}
        start = time.time()
        idata = nutpie.sample(compiled, draws=draws, tune=tune, chains=chains,
                              cores=cores if cores is not None else min(4, os.cpu_count() or 1),
                              seed=int(seeds[0]), save_warmup=False, store_unconstrained=False,
                              progress_bar=False, **settings)
        seconds = time.time() - start
        if not data:
            patch_nutpie_idata(idata, self.model, sampling_time=seconds)
        else:
            idata.posterior.attrs["sampling_time"] = seconds
        return idata
