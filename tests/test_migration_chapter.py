"""The page "Coming from PyMC3 or PyMC 5": what it shows old code doing in PyMC 6, and its table of renames.

The page itself asserts, when it runs, that every PyMC 6 / ArviZ 1 name its table uses exists in the
installed packages and every name it calls gone does not (a hidden cell). Here: the numbers behind its
sentences, and that each row of the table links to a chapter whose code uses the new form.
"""

import json
import re

import pytest

from chapters import ROOT, toc_files
from published import KING_COUNTY, RADON, TALK

PAGE = ROOT / "chapters" / "migration.ipynb"
CHAPTER = "migration"  # the shared `numbers` fixture (tests/conftest.py) reads its glued numbers

PLANTED = [
    {"name": "the centred fit is sampled non-centred",
     "why": "flipping the flag makes the post's model the cure: it passes the check, and the page's "
            "'it does not pass' has no failure behind it",
     "replace": [("post_model(centred=True)", "post_model(centred=False)")]},
    {"name": "the fixed index is the post's index again",
     "why": "retyping [::10, z] as [::10][z] takes one draw of all counties, not county z's draws",
     "replace": [("int(stacked[::10, z].shape[0])", "int(stacked[::10][z].shape[0])")]},
]



def test_an_old_scale_argument_is_silently_dropped(numbers):
    # "The pasted prior's draws have a standard deviation of about 1, the ported one's about 10^5."
    # 4,000 draws of a normal: the sd's Monte Carlo s.e. is about 1.1%; 3.5 of them.
    assert numbers["pasted_sd"] == pytest.approx(1, rel=0.04)
    assert numbers["ported_sd"] == pytest.approx(1e5, rel=0.04)
    # "sigma has a prior but no arrow, because nothing uses it."
    assert "sigma" in numbers["pasted_free_rvs"]
    assert numbers["pasted_sigma_used"] is False


def test_the_talk_s_shapes_are_refused(numbers):
    assert numbers["pasted_error_raised"] is True
    assert numbers["n_sales"] == KING_COUNTY["n_sales"]


def test_the_talk_s_model_in_pymc_6(numbers):
    assert numbers["talk_type"] == "xarray.core.datatree.DataTree"
    # "1% more living area ... about 0.87% more"; "1% more lot area ... less" (the text says "less").
    assert 0.8 < numbers["talk_beta_living"] < 0.95
    assert numbers["talk_beta_lot"] < 0
    # (was: talk_beta_lot_abs == -talk_beta_lot, the chapter's abs() retyped.) The lot's effect is
    # small beside the living area's: a tenth of it at most.
    assert numbers["talk_beta_lot_abs"] < 0.1 * numbers["talk_beta_living"]
    # The table: pm.sample stores no log-likelihood.
    assert numbers["talk_has_log_likelihood"] is False


def test_the_post_s_centred_model_fails_the_check_and_sigma_beta_is_the_worst(numbers):
    # "It runs, but it does not pass ... The worst is sigma_beta" (R-hat above 1.01, bulk ESS below 400).
    assert numbers["centred_rhat_sigma_beta"] > 1.01 or numbers["centred_ess_sigma_beta"] < 400
    assert numbers["centred_ess_sigma_beta"] < 400
    assert numbers["n_draws"] == 4000
    # "The failure shows in R-hat and the effective sample size (N divergent transitions here)":
    # not in divergences, which are a small share of the draws.
    assert numbers["centred_divergences"] < 0.01 * numbers["n_draws"]


def test_the_post_s_index_takes_a_draw_not_a_county(numbers):
    assert numbers["n_counties"] == RADON["n_counties"]
    assert numbers["post_index_len"] == 85  # [::10][z]: one draw, all counties
    assert numbers["fixed_index_len"] == numbers["n_draws"] // 10  # [::10, z]: every tenth draw of z
    assert numbers["extract_matches"] is True and numbers["n_extract"] == numbers["n_draws"]
    assert numbers["ppc_draws"] == numbers["n_draws"]


def test_the_page_checked_its_table_against_the_installed_packages(numbers):
    assert numbers["renames_checked"] >= 20


# --- the table of renames ---------------------------------------------------------------------


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _code(path) -> str:
    return "\n".join("".join(c["source"]) for c in _cells(path) if c["cell_type"] == "code")


def table_rows() -> list[list[str]]:
    """The page's list of renames, one [older code, PyMC 6 and ArviZ 1, used in] per item
    ("- OLD → NEW. *Used in:* LINKS.")."""
    text = "\n".join("".join(c["source"]) for c in _cells(PAGE) if c["cell_type"] == "markdown")
    items = re.findall(r"^- (.+?) → (.+?)\. \*Used in:\* (.+?)\.$", text, re.M)
    assert len(items) >= 15, "the page's list of renames is missing or malformed"
    return [list(item) for item in items]


def key_of(cell: str) -> str:
    """What a row's new form is searched by: the first code in its cell, without call arguments."""
    token = re.search(r"`([^`]+)`", cell).group(1)
    call = re.fullmatch(r"([\w.]+)\([^\"]*\)", token)
    if call:
        return call.group(1)
    if "=" in token and "(" not in token:
        return token.split("=")[0] + "="
    return token


def test_key_of():
    assert key_of('`pt.dot(X, beta)`, or `X @ beta`') == "pt.dot"
    assert key_of('`dims="county"`, with ...') == "dims="
    assert key_of('`az.style.use("arviz-variat")`') == 'az.style.use("arviz-variat")'
    assert key_of('`idata.posterior["alpha"]`') == 'idata.posterior["alpha"]'


def test_the_table_has_the_renames_the_issue_names():
    new_forms = " ".join(row[1] for row in table_rows())
    for name in ("sigma=", "DataTree", "ci_prob=", "az.plot_trace_dist", "dims=", "az.plot_dist", "az.plot_ppc_dist"):
        assert name in new_forms, name


@pytest.mark.parametrize("row", table_rows(), ids=lambda row: key_of(row[1]))
def test_each_row_links_to_a_chapter_that_uses_the_new_form(row):
    old, new, used_in = row
    key = key_of(new)
    targets = re.findall(r"\{doc\}`(?:[^`<]*<)?([\w/]+)>?`", used_in)
    if "this page" in used_in:
        targets.append("migration")
    assert targets, f"row {old!r}: link the chapter that uses {key!r}"
    chapters = {f.split("/")[-1] for f in toc_files() if f.startswith("chapters/")}
    codes = {}
    for target in targets:
        name = target.split("/")[-1]
        assert name in chapters, f"row {old!r} links {target!r}, which is not a chapter"
        codes[name] = _code(ROOT / "chapters" / f"{name}.ipynb")
    assert any(key in code for code in codes.values()), f"no linked page's code uses {key!r} (row {old!r})"
    # Every PyMC, ArviZ and PyTensor name the new forms mention is used on a page the row links.
    for api in re.findall(r"\b(?:pm|az|pt)\.[\w.]*\w", " ".join(re.findall(r"`([^`]+)`", new))):
        assert any(api in code for code in codes.values()), f"row {old!r}: no page it links uses {api!r}"


def test_the_page_s_other_sentences(numbers):
    # "PyMC 6 refuses njobs=: ..." quotes the error.
    assert "njobs" in numbers["njobs_error"]
    # "for a skewed posterior like that of sigma_beta the two [intervals] differ"
    assert numbers["interval_lower_gap"] > 0.01


def test_the_talk_is_quoted_as_recorded():
    # Every line of code this page's prose attributes to the talk is one that tests/published.py records
    # from the talk (the sketch's code block says it is a sketch, not the talk's code).
    nb = json.loads((ROOT / "chapters" / "migration.ipynb").read_text())
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    prose = re.sub(r"```.*?```", "", prose, flags=re.S)  # code blocks: the sketch
    quoted = [span for span in re.findall(r"`([^`]+)`", prose) if "=10e4" in span]
    assert quoted, "the page quotes the talk's priors"
    assert set(quoted) <= set(TALK["lines"]), set(quoted) - set(TALK["lines"])
    # "10e4 is 10 x 10^4": the record's value
    assert TALK["prior_sd"] == 10 * 10**4
