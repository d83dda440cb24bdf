"""The participant environment (requirements-participant.txt), Binder's files, check_install.py and the
troubleshooting page that explains its failures.

Fast but the last test, which runs check_install.py here, its small fit included (about half a minute).
"""

import ast
import re
import subprocess
import sys

import pytest

from chapters import ROOT, toc_notebooks
from test_site import imported_modules

sys.path.insert(0, str(ROOT))
import check_install  # noqa: E402

PARTICIPANT = ROOT / "requirements-participant.txt"
# The book, the tests and the benchmarks: what a participant does not need.
MAINTAINER_ONLY = {"jupyter-book", "myst-nb", "myst-parser", "jupyter-cache", "pytest", "pytest-xdist", "nbmake",
                   "selenium", "ruff", "numpyro", "jax", "jaxlib", "sphinxcontrib-bibtex", "sphinx-exercise"}


def pins_with_markers(path):
    return check_install.pinned(path)


def lock_pins():
    return {name: version for name, (version, _) in check_install.pinned(ROOT / "requirements.txt").items()}


def test_every_participant_pin_is_the_lock_s():
    lock = lock_pins()
    participant = pins_with_markers(PARTICIPANT)
    differ = {name: (version, lock[name]) for name, (version, _) in participant.items()
              if name in lock and lock[name] != version}
    assert not differ, f"requirements-participant.txt differs from the lock (participant, lock): {differ}"
    # The lock is resolved for Linux; the participant file for every platform: what the lock lacks must
    # be a package that only another platform installs.
    extra = {name: marker for name, (_, marker) in participant.items() if name not in lock}
    linux_too = {name: marker for name, marker in extra.items()
                 if not re.search(r"sys_platform == '(win32|darwin)'|os_name == 'nt'", marker)}
    assert not linux_too, f"requirements-participant.txt pins packages the lock lacks, for Linux too: {linux_too}"
    assert "-e ." in [line.split("#")[0].strip() for line in PARTICIPANT.read_text().splitlines()]
    assert "uv pip compile requirements-participant.in" in (ROOT / "requirements-participant.in").read_text()


def test_the_participant_environment_leaves_out_the_maintainer_s_tools():
    participant = set(pins_with_markers(PARTICIPANT))
    assert not participant & MAINTAINER_ONLY, sorted(participant & MAINTAINER_ONLY)
    assert not [name for name in participant if name.startswith("sphinx")]
    # ... and JupyterLab is in it, at the lock's version, which is the one requirements.in names
    direct = {name: version for name, (version, _) in check_install.pinned(ROOT / "requirements.in").items()}
    assert pins_with_markers(PARTICIPANT)["jupyterlab"][0] == lock_pins()["jupyterlab"] == direct["jupyterlab"]
    assert "ipykernel" in participant


def test_the_participant_environment_has_what_the_chapters_import():
    sources = ["".join(cell["source"]) for p in toc_notebooks()
               for cell in __import__("json").loads(p.read_text())["cells"] if cell["cell_type"] == "code"]
    sources += [p.read_text() for p in (ROOT / "hlm_helpers").glob("*.py")]
    imported = set().union(*(imported_modules(source) for source in sources))
    # myst_nb only for the book: hlm.glue records its values without it (tests/test_book.py)
    provided = ("hlm_helpers", "__future__", "IPython", "myst_nb")
    distribution = {"sklearn": "scikit-learn"}
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m not in provided}
    participant = set(pins_with_markers(PARTICIPANT))
    missing = sorted(m for m in third_party if distribution.get(m, m).lower().replace("_", "-") not in participant)
    assert not missing, f"the chapters import {missing}, which requirements-participant.txt does not install"
    # every package the participant file names directly is one check_install imports
    assert set(check_install.direct_dependencies()) <= participant


def test_every_failure_check_install_reports_has_a_troubleshooting_section():
    source = (ROOT / "check_install.py").read_text()
    tree = ast.parse(source)
    # the codes report.add(status, check, detail, code) is called with, and the data checks' codes
    used = {node.args[3].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "add" and len(node.args) >= 4
            and isinstance(node.args[3], ast.Constant)}
    used |= set(re.findall(r'"(data-[\w-]+)", "', source))
    assert {"python-version", "graphviz", "data-radon", "fit-convergence"} <= used, "the search finds the codes"
    assert used == set(check_install.FIXES), (f"codes without a fix: {sorted(used - set(check_install.FIXES))}; "
                                              f"fixes no check reports: {sorted(set(check_install.FIXES) - used)}")
    page = (ROOT / "troubleshooting.md").read_text()
    for code in check_install.FIXES:
        assert f"(trouble-{code})=\n## `{code}`" in page, f"troubleshooting.md: add a section for `{code}`"
    sections = re.findall(r"^\(trouble-([\w-]+)\)=", page, re.M)
    assert sorted(sections) == sorted(check_install.FIXES), "troubleshooting.md: one section per code, no others"


def test_the_markers_are_read():
    assert check_install.marker_applies("")
    assert check_install.marker_applies("sys_platform == 'win32'") == (sys.platform == "win32")
    pins = check_install.pinned(PARTICIPANT)
    assert pins["pywinpty"][1] == "os_name == 'nt'"


def test_binder_s_post_build_is_valid_bash():
    result = subprocess.run(["bash", "-n", str(ROOT / "binder" / "postBuild")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_check_install_passes_here(king_county_dir):
    """The whole check, its small fit included, in this environment (the lock holds every participant
    pin, so the maintainer's environment passes it too)."""
    result = subprocess.run([sys.executable, str(ROOT / "check_install.py")], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "PASS: all" in result.stdout
    assert re.search(r"PASS  small fit: [\d.]+ s, compilation included; converged", result.stdout)
