"""Check that this machine is ready for the course: run it a week before a workshop.

    python check_install.py            # every check, including one small fit (about half a minute)
    python check_install.py --no-fit   # everything but the fit

It checks the Python version; that every package of requirements-participant.txt imports and is at
its pinned version; that the course's helper package comes from this folder; that Graphviz's `dot`
program is found; that the radon, sleep-study and King County data are found; and it fits one small
hierarchical model, checks its convergence and times it. It ends with PASS or FAIL for each check,
and for each failure what to do; troubleshooting.md (the book's "Troubleshooting" page) explains
each failure by the code in square brackets. The exit status is 0 when every check passes.

It uses only the standard library until the package checks have passed, so that it can report on a
broken environment too. Nothing here needs the internet.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PARTICIPANT_REQUIREMENTS = ROOT / "requirements-participant.txt"
PARTICIPANT_INPUT = ROOT / "requirements-participant.in"
TROUBLESHOOTING = "troubleshooting.md"
MIN_PYTHON = (3, 12)
# a distribution's import name, where it differs from the distribution's
IMPORT_NAMES = {"scikit-learn": "sklearn", "arviz-base": "arviz_base", "arviz-stats": "arviz_stats",
                "arviz-plots": "arviz_plots"}
SLOW_FIT_SECONDS = 120  # the small fit takes about half a minute on a 2-core laptop, cold

# Every failure this script can report, with what to do about it. troubleshooting.md has a section
# for each code (tests/test_participant_env.py checks that they agree).
FIXES = {
    "python-version": "install Python 3.12 (see the set-up page) and make the course's environment with it",
    "package-missing": "activate the course's environment, then `pip install -r requirements-participant.txt`",
    "package-version": "`pip install -r requirements-participant.txt` in the course's environment "
                       "(it installs the pinned versions)",
    "import-error": "reinstall the package named: `pip install --force-reinstall --no-deps <package>==<version>`",
    "hlm-helpers": "from the course's folder: `pip install -e .` (or `pip install -r requirements-participant.txt`)",
    "graphviz": "install Graphviz for your system (the set-up page) and open a new terminal",
    "data-radon": "the radon file ships with the course: `git status data/` and `git checkout data/radon.csv`",
    "data-sleepstudy": "the sleep-study file ships with the course: `git checkout data/sleepstudy.csv`",
    "data-king-county": "with internet: `python -c \"import hlm_helpers as hlm; hlm.load_king_county()\"`, "
                        "or put kc_house_data.csv in data/",
    "fit-error": "read the error above; most often the compiler cache is not writable or a package is broken",
    "fit-convergence": "rerun this script; if it fails again, report the table it printed to the instructor",
    "fit-slow": "close other programs; on a shared or old machine, use Binder or Colab for the workshop",
}


class Report:
    """The checks' outcomes, printed as they come and summed up at the end."""

    def __init__(self):
        self.rows: list[tuple[str, str, str, str]] = []  # (status, check, detail, code)

    def add(self, status: str, check: str, detail: str, code: str = "") -> None:
        self.rows.append((status, check, detail, code))
        tag = f" [{code}]" if code and status != "PASS" else ""
        print(f"{status:4}  {check}: {detail}{tag}", flush=True)

    @property
    def failed(self) -> list[tuple[str, str, str, str]]:
        return [row for row in self.rows if row[0] == "FAIL"]

    def summary(self) -> int:
        warned = [row for row in self.rows if row[0] == "WARN"]
        print()
        print("=" * 72)
        if not self.failed:
            print(f"PASS: all {len(self.rows)} checks passed"
                  + (f" ({len(warned)} warning(s) above)" if warned else "") + ". You are ready.")
        else:
            print(f"FAIL: {len(self.failed)} of {len(self.rows)} checks failed. What to do:")
            for _, check, _, code in self.failed:
                print(f"  - {check} [{code}]: {FIXES[code]}")
            print(f"Each code is explained on the book's Troubleshooting page ({TROUBLESHOOTING}).")
        for _, check, _, code in warned:
            print(f"  (warning) {check} [{code}]: {FIXES[code]}")
        print("=" * 72)
        return 0 if not self.failed else 1


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(path: Path = PARTICIPANT_REQUIREMENTS) -> dict[str, tuple[str, str]]:
    """{distribution: (version, marker)} from a requirements file's `name==version ; marker` lines."""
    pins = {}
    for line in path.read_text().splitlines():
        requirement = line.split("#")[0].strip()
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)\s*(?:;\s*(.*))?", requirement)
        if match:
            pins[normalise(match[1])] = (match[2], (match[3] or "").strip())
    return pins


def direct_dependencies(path: Path = PARTICIPANT_INPUT) -> list[str]:
    """The packages requirements-participant.in names (what the chapters import, and JupyterLab)."""
    names = []
    for line in path.read_text().splitlines():
        name = line.split("#")[0].strip()
        if name and not name.startswith("-"):
            names.append(normalise(name))
    return names


def marker_applies(marker: str) -> bool:
    """Whether a requirement's environment marker (``sys_platform == 'win32'``) holds here."""
    if not marker:
        return True
    try:
        from packaging.markers import Marker
    except ImportError:
        try:
            from pip._vendor.packaging.markers import Marker  # pip's own copy
        except ImportError:
            return True
    return Marker(marker).evaluate()


def check_python(report: Report) -> bool:
    version = ".".join(map(str, sys.version_info[:3]))
    where = f"{version} at {sys.executable}"
    if sys.version_info[:2] < MIN_PYTHON:
        report.add("FAIL", "Python", f"{where}; the course needs 3.12 or newer", "python-version")
        return False
    report.add("PASS", "Python", where)
    return True


def check_packages(report: Report) -> bool:
    """Every pinned package installed at its version; every direct one importable."""
    pins = pinned()
    direct = direct_dependencies()
    missing, wrong, other = [], [], []
    here = {name: pin for name, pin in pins.items() if marker_applies(pin[1])}  # the rest: other platforms
    for name, (version, marker) in here.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
            continue
        if installed != version:
            (wrong if name in direct else other).append(f"{name} {installed} (pinned {version})")
    ok = True
    if missing:
        report.add("FAIL", "packages", f"{len(missing)} not installed: {', '.join(missing[:8])}"
                   + (" ..." if len(missing) > 8 else ""), "package-missing")
        ok = False
    if wrong:
        report.add("FAIL", "package versions", "; ".join(wrong), "package-version")
        ok = False
    if other:
        report.add("WARN", "package versions", f"{len(other)} dependencies differ from the pins: "
                   + "; ".join(other[:5]), "package-version")
    if not missing and not wrong:
        report.add("PASS", "packages", f"all {len(here)} pinned packages for this platform installed, the course's "
                   f"{len(direct)} at their pinned versions")
    broken = []
    for name in direct:
        module = IMPORT_NAMES.get(name, name.replace("-", "_"))
        if name in missing:
            continue
        try:
            importlib.import_module(module)
        except Exception as err:  # an import can fail in many ways (a missing DLL, a bad wheel)
            broken.append(f"{module}: {type(err).__name__}: {err}")
    if broken:
        report.add("FAIL", "imports", "; ".join(broken), "import-error")
        ok = False
    elif not missing:
        report.add("PASS", "imports", f"{len(direct)} packages import")
    return ok


def check_helpers(report: Report) -> bool:
    try:
        import hlm_helpers
    except Exception as err:
        report.add("FAIL", "hlm_helpers", f"{type(err).__name__}: {err}", "hlm-helpers")
        return False
    location = Path(hlm_helpers.__file__).resolve().parent
    if location.parent != ROOT:
        report.add("FAIL", "hlm_helpers", f"imported from {location}, not from this folder ({ROOT}): "
                   "the chapters would use another copy", "hlm-helpers")
        return False
    report.add("PASS", "hlm_helpers", f"from {location}")
    return True


def check_graphviz(report: Report) -> None:
    dot = shutil.which("dot")
    if dot is None:
        report.add("FAIL", "Graphviz", "the `dot` program is not on the PATH (the model diagrams need it)",
                   "graphviz")
        return
    try:
        result = subprocess.run([dot, "-V"], capture_output=True, text=True, timeout=30)
        version = (result.stderr or result.stdout).strip()
    except (OSError, subprocess.SubprocessError) as err:
        report.add("FAIL", "Graphviz", f"{dot} does not run: {err}", "graphviz")
        return
    report.add("PASS", "Graphviz", version or dot)


def check_data(report: Report) -> None:
    import hlm_helpers as hlm

    for check, load, code, expected in [
        ("radon data", hlm.load_radon, "data-radon", "919 homes in 85 counties"),
        ("sleep-study data", hlm.load_sleepstudy, "data-sleepstudy", "180 reaction times of 18 subjects"),
    ]:
        try:
            df = load()
        except Exception as err:
            report.add("FAIL", check, f"{type(err).__name__}: {err}", code)
            continue
        group = "county" if "county" in df else "subject"
        report.add("PASS", check, f"{len(df)} rows, {df[group].nunique()} {group} groups (expected: {expected})")
    found = hlm.find_king_county()
    if found is None:
        report.add("FAIL", "King County data", "kc_house_data.csv not found (the priors, checking, Seattle and "
                   "capstone chapters need it); looked in HLM_DATA_DIR, data/ and ~/.cache/hlm-course",
                   "data-king-county")
        return
    try:
        sales = hlm.load_king_county(download=False)
    except Exception as err:
        report.add("FAIL", "King County data", f"{found}: {type(err).__name__}: {err}", "data-king-county")
        return
    report.add("PASS", "King County data", f"{len(sales):,} sales in {sales['zipcode'].nunique()} zip codes, "
               f"from {found}")


def small_fit(seed: int = 2024):
    """The radon survey's varying-intercept model, non-centred: compiled and sampled as a chapter does.

    Returns the fit and its wall time in seconds (compilation included)."""
    import logging

    import pymc as pm

    import hlm_helpers as hlm

    logging.getLogger("pymc.sampling.mcmc").setLevel(logging.WARNING)
    radon = hlm.load_radon()
    coords = {"county": radon["county"].cat.categories, "obs_id": radon.index}
    start = time.perf_counter()
    with pm.Model(coords=coords):
        county_idx = radon["county_idx"].to_numpy()
        mu_alpha = pm.Normal("mu_alpha", mu=0, sigma=5)
        sigma_alpha = pm.HalfNormal("sigma_alpha", sigma=1)
        z_alpha = pm.Normal("z_alpha", mu=0, sigma=1, dims="county")
        alpha = pm.Deterministic("alpha", mu_alpha + sigma_alpha * z_alpha, dims="county")
        beta = pm.Normal("beta", mu=0, sigma=5)
        sigma = pm.HalfNormal("sigma", sigma=1)
        pm.Normal("log_radon", mu=alpha[county_idx] + beta * radon["floor"].to_numpy(), sigma=sigma,
                  observed=radon["log_radon"].to_numpy(), dims="obs_id")
        idata = pm.sample(nuts_sampler="nutpie", chains=4, draws=1000, tune=1000, progressbar=False,
                          random_seed=seed)
    return idata, time.perf_counter() - start


def check_fit(report: Report) -> None:
    import hlm_helpers as hlm

    print("....  small fit: the radon varying-intercept model, 4 chains of 1,000 draws ...", flush=True)
    try:
        idata, seconds = small_fit()
    except Exception as err:
        report.add("FAIL", "small fit", f"{type(err).__name__}: {err}", "fit-error")
        return
    table = hlm.convergence_table(idata, ["mu_alpha", "sigma_alpha", "beta", "sigma"])
    if not hlm.passes_convergence_check(idata, ["mu_alpha", "sigma_alpha", "beta", "sigma"]):
        report.add("FAIL", "small fit", f"did not pass the convergence check:\n{table}", "fit-convergence")
        return
    beta = float(idata.posterior["beta"].mean())
    detail = (f"{seconds:.1f} s, compilation included; converged (largest R-hat {table['r_hat'].max():.3f}, "
              f"smallest bulk ESS {table['ess_bulk'].min()}); floor effect {beta:.2f} log pCi/L")
    if seconds > SLOW_FIT_SECONDS:
        report.add("WARN", "small fit", detail + f": slower than {SLOW_FIT_SECONDS} s", "fit-slow")
    else:
        report.add("PASS", "small fit", detail)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-fit", action="store_true", help="skip the small fit")
    args = parser.parse_args(argv)
    print(f"Checking the course's set-up in {ROOT} ({platform.system()} {platform.machine()})\n", flush=True)
    report = Report()
    if check_python(report):
        packages_ok = check_packages(report)
        helpers_ok = check_helpers(report)
        check_graphviz(report)
        if helpers_ok:
            check_data(report)
        if packages_ok and helpers_ok and not args.no_fit:
            check_fit(report)
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
