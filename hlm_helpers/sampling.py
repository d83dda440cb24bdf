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
        self._dims = {v.name: tuple(model.named_vars_to_dims.get(v.name, ())) for v in model.data_vars}
        self._shapes = {v.name: v.get_value().shape for v in model.data_vars}

    def _check(self, data: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The new values, checked: known containers, same number of dimensions, no NaN, and every
        container that shares a dimension with a replaced one replaced too, at the same length."""
        unknown = sorted(set(data) - set(self._dims))
        if unknown:
            raise KeyError(f"{unknown} are not pm.Data containers of the model; it has {sorted(self._dims)}.")
        new = {}
        for name, values in data.items():
            array = np.asarray(values)
            if array.ndim != len(self._shapes[name]):
                raise ValueError(f"{name!r} has {array.ndim} dimensions; the model's has {len(self._shapes[name])}.")
            if array.dtype.kind == "f" and np.isnan(array).any():
                raise ValueError(f"{name!r} contains NaN: drop or fill those rows before refitting.")
            new[name] = array
        lengths: dict[str, set] = {}
        for name, array in new.items():
            for dim, size in zip(self._dims[name], array.shape):
                lengths.setdefault(dim, set()).add(size)
        for dim, sizes in lengths.items():
            if len(sizes) > 1:
                raise ValueError(f"the new data disagree on the length of {dim!r}: {sorted(sizes)}.")
            missing = sorted(n for n, dims in self._dims.items() if dim in dims and n not in new)
            if missing:
                raise ValueError(f"new values for {dim!r} need new values for {missing} too "
                                 f"(they share the dimension {dim!r}).")
        return new

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
