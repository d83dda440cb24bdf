"""Instruments a chapter's kernel to record every fit: its wall time, its compilation and its sampling.

``benchmarks/fit_times.py`` runs ``install()`` in a cell it adds in front of a chapter (in memory only),
and ``records()`` after the last cell. It wraps ``pymc.sample``, ``nutpie.compile_pymc_model`` and
``nutpie.sample`` (the chapters call them as ``pm.sample``, ``nutpie.compile_pymc_model`` and
``nutpie.sample``, and PyMC calls nutpie's functions through its module, so the wrappers see every fit)
and passes every call through unchanged: a chapter's outputs are the same with or without the probe.

A fit's *structure* is what it would compile to but for its data and constants: the names, distributions
and shapes of its parameters, the names and numbers of dimensions of its observed variables and data
containers, its deterministics and potentials. Two fits of the same structure on other data (or with
other prior constants) could share one compiled model; a fit with another number of groups (other
parameter shapes) could not.
"""

from __future__ import annotations

import functools
import hashlib
import time

import pymc as pm

_records: list[dict] = []
_open: list[dict] = []  # the pm.sample call in progress, whose nutpie calls belong to it
_cell = {"source": ""}


def structure(model) -> str:
    """A short key for the model's structure (see the module's docstring), and its free variables."""
    shapes = {name: value.shape for name, value in model.initial_point().items()}
    parts = [f"rv:{rv.name}:{type(rv.owner.op).__name__}:{shapes.get(model.rvs_to_values[rv].name)}"
             for rv in model.free_RVs]
    parts += [f"obs:{rv.name}:{type(rv.owner.op).__name__}:{rv.type.ndim}" for rv in model.observed_RVs]
    parts += [f"det:{v.name}" for v in model.deterministics] + [f"pot:{v.name}" for v in model.potentials]
    parts += [f"data:{v.name}:{v.type.ndim}" for v in model.data_vars]
    digest = hashlib.sha1("|".join(sorted(parts)).encode()).hexdigest()[:8]
    return f"{digest} ({', '.join(sorted(rv.name for rv in model.free_RVs))[:60]})"


def _sampling_time(result) -> float | None:
    """The sampling time PyMC stamps on the posterior (both samplers); not the compilation."""
    for group in ("posterior", "sample_stats"):
        try:
            return float(result[group].attrs["sampling_time"])
        except (AttributeError, KeyError, TypeError):
            continue
    return None


def install() -> None:
    import nutpie

    ip = get_ipython()  # noqa: F821 (the probe runs in the chapter's IPython kernel)
    ip.events.register("pre_run_cell", lambda info: _cell.update(source=info.raw_cell))

    original_sample = pm.sample

    @functools.wraps(original_sample)
    def sample(*args, **kwargs):
        model = pm.modelcontext(kwargs.get("model"))
        sampler = "step method" if kwargs.get("step") is not None else kwargs.get("nuts_sampler") or "default"
        record = {"cell_source": _cell["source"], "call": f"pm.sample ({sampler})", "structure": structure(model),
                  "compiles": True, "compile_s": None}
        _open.append(record)
        start = time.perf_counter()
        try:
            result = original_sample(*args, **kwargs)
        finally:
            _open.pop()
        record["wall_s"] = time.perf_counter() - start
        record["sampling_s"] = _sampling_time(result)
        _records.append(record)
        return result

    def timed(original, on_its_own):
        """original, timed; outside a pm.sample call, on_its_own(first argument, seconds) makes its row."""
        @functools.wraps(original)
        def wrapper(first, *args, **kwargs):
            start = time.perf_counter()
            result = original(first, *args, **kwargs)
            seconds = time.perf_counter() - start
            if _open and original is original_compile:
                _open[-1]["compile_s"] = seconds  # pm.sample's own compilation
            elif not _open:
                _records.append({"cell_source": _cell["source"], "wall_s": seconds, **on_its_own(first, seconds)})
            return result
        return wrapper

    original_compile, original_nutpie_sample = nutpie.compile_pymc_model, nutpie.sample
    compile_pymc_model = timed(original_compile, lambda model, s: {
        "call": "nutpie.compile_pymc_model", "structure": structure(model), "compiles": True,
        "compile_s": s, "sampling_s": 0.0})
    # A model compiled before, sampled (or refitted) on its own: sampling only.
    nutpie_sample = timed(original_nutpie_sample, lambda compiled, s: {
        "call": "nutpie.sample (compiled before)", "structure": "", "compiles": False,
        "compile_s": 0.0, "sampling_s": s})

    pm.sample = sample
    nutpie.compile_pymc_model = compile_pymc_model
    nutpie.sample = nutpie_sample


def records() -> list[dict]:
    return list(_records)
