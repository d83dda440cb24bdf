"""What a careless workshop participant types (issue 19): every helper refuses bad input with an
error that says what is wrong, in which input, and what to do; none returns a number computed from
input it should have refused. Fits are built by hand (no sampling), so the file runs in seconds."""

import arviz as az
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pymc as pm
import pytest
import xarray as xr

import hlm_helpers as hlm
from hlm_helpers import data as data_module
from hlm_helpers.models import radon_hierarchical
from test_data import _small_sales

# ArviZ's R-hat of a constant (the cases below that have one) divides 0 by 0
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning",
                                        "ignore:Found chain dimension to be longer than draw:UserWarning")

# --------------------------------------------------------------------------------------
# Data files


def _radon_file(tmp_path, mutate):
    df = mutate(pd.read_csv(data_module.radon_path()))
    path = tmp_path / "radon.csv"
    df.to_csv(path, index=False)
    return path


def _set(column, row, value):
    """A mutation that puts ``value`` in ``column`` at ``row`` (the file's line ``row + 2``)."""
    def mutate(df):
        df[column] = df[column].astype(object if isinstance(value, str) else df[column].dtype)
        df.loc[row, column] = value
        return df
    return mutate


@pytest.mark.parametrize("mutate, message", [
    # issue 19: negative radon and -inf log radon were loaded
    (_set("radon", 4, -1.0), r"column 'radon': 1 row\(s\) have radon <= 0 \(line 6\).*positive"),
    (_set("log_radon", 4, -np.inf), r"column 'log_radon': 1 value\(s\) are infinite \(line 6\)"),
    # a value that is not a number: the column, the line and the value
    (_set("log_uranium", 9, "0.5 ppm"),
     r"column 'log_uranium': 1 value\(s\) are not numbers \(line 11: \['0.5 ppm'\]\)"),
    (_set("radon", 2, 3.5), r"log_radon is not the log of radon in 1 row\(s\) \(line 4\)"),
    (_set("county", 0, "aitkin"), r"differ only in case \('AITKIN' and 'aitkin'\).*str.upper"),
    (_set("county", 0, "   "), r"column 'county': 1 empty label\(s\) \(line 2\)"),
])
def test_radon_file_values_are_checked(tmp_path, mutate, message):
    with pytest.raises(hlm.DataError, match=message) as err:
        hlm.load_radon(_radon_file(tmp_path, mutate))
    assert "radon.csv" in str(err.value)  # names the file


def test_padded_county_labels_are_normalised(tmp_path):
    # issue 19: "  AITKIN" made an 86th county
    padded = _radon_file(tmp_path, lambda d: d.assign(county=np.where(d.index < 2, "  " + d["county"], d["county"])))
    radon = hlm.load_radon(padded)
    assert radon["county"].nunique() == 85
    assert (radon["county"] == "AITKIN").sum() == 4
    inner = _radon_file(tmp_path, lambda d: d.assign(county=d["county"].str.replace("ST LOUIS", "ST   LOUIS ")))
    assert "ST LOUIS" in hlm.load_radon(inner)["county"].cat.categories


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\xff\xfe\x00\x01binary\x00\x80\x81", "not a readable CSV"),
    (b"home_id,county,floor,radon,log_radon,log_uranium\n1,AITKIN,1,2.2,0.788457,-0.689048,9\n",
     "more fields than its header"),
    (b"home_id,county,floor,radon,log_radon,log_uranium\n1,AITKIN,1,2.2,0.79,-0.69\n2,A,0,1,0,0,7,8\n",
     "not a readable CSV file.*ParserError"),
])
def test_unreadable_files_are_data_errors(tmp_path, content, message):
    path = tmp_path / "radon.csv"
    path.write_bytes(content)
    with pytest.raises(hlm.DataError, match=message):
        hlm.load_radon(path)


def test_radon_path_must_be_a_path():
    with pytest.raises(TypeError, match="path must be a path .* got int"):
        hlm.load_radon(123)


@pytest.mark.parametrize("mutate, message", [
    # issue 19: an infinite living area was loaded
    (lambda d: d.assign(sqft_living=[np.inf] + list(d["sqft_living"][1:])),
     r"column 'sqft_living': 1 value\(s\) are infinite \(line 2\)"),
    (lambda d: d.assign(price=["$221,900"] + list(d["price"][1:])), r"column 'price': 1 value\(s\) are not numbers"),
    (lambda d: d.assign(sqft_lot=0), r"column 'sqft_lot': 6 row\(s\) have sqft_lot <= 0"),
    (lambda d: d.assign(waterfront=2), r"column 'waterfront': must be 0 or 1"),
    (lambda d: d.assign(zipcode=[98178.5] + list(d["zipcode"][1:])), "zip codes must be whole numbers"),
    (lambda d: d.assign(zipcode=["98178-1234"] + list(d["zipcode"][1:])), r"column 'zipcode'.*not numbers"),
    (lambda d: d.assign(date=["yesterday"] + list(d["date"][1:])), r"column 'date'.*\(line 2: \['yesterday'\]\)"),
])
def test_king_county_file_values_are_checked(tmp_path, mutate, message):
    mutate(_small_sales()).to_csv(tmp_path / "kc_house_data.csv", index=False)
    with pytest.raises(hlm.DataError, match=message):
        hlm.load_king_county(tmp_path, download=False)


@pytest.fixture
def sales_elsewhere(monkeypatch, tmp_path):
    """A valid sales file in the project's data/ folder, and no HLM_DATA_DIR."""
    monkeypatch.delenv(hlm.DATA_DIR_ENV, raising=False)
    project = tmp_path / "project-data"
    project.mkdir()
    _small_sales().to_csv(project / data_module.KING_COUNTY_FILE, index=False)
    monkeypatch.setattr(data_module, "_PROJECT_DATA", project)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return project


def test_a_data_dir_typo_is_an_error_not_another_file(sales_elsewhere, tmp_path):
    assert len(hlm.load_king_county(download=False)) == 6  # the project's copy, when nothing is named
    # issue 19: a typo silently loaded the file found elsewhere
    with pytest.raises(hlm.DataError, match=r"data_dir='.*shraed'.*does not exist.*Give the folder"):
        hlm.load_king_county(tmp_path / "shraed", download=False)
    with pytest.raises(hlm.DataError, match="does not exist"):
        hlm.find_king_county(tmp_path / "shraed")
    other = tmp_path / "other"
    other.mkdir()
    (other / "kc_house_data (1).csv").write_text("price\n")
    with pytest.raises(hlm.DataError, match=r"has no kc_house_data.csv. It has \['kc_house_data \(1\).csv'\]"):
        hlm.load_king_county(other)
    with pytest.raises(hlm.DataError, match="is a file, not a folder: pass its folder"):
        hlm.load_king_county(sales_elsewhere / data_module.KING_COUNTY_FILE)


def test_hlm_data_dir_must_exist(sales_elsewhere, monkeypatch, tmp_path):
    monkeypatch.setenv(hlm.DATA_DIR_ENV, str(tmp_path / "gone"))
    with pytest.raises(hlm.DataError, match="HLM_DATA_DIR=.*gone.*does not exist"):
        hlm.load_king_county(download=False)


def test_king_county_arguments(sales_elsewhere, tmp_path):
    with pytest.raises(hlm.DataError, match="it is a folder: pass it as data_dir="):
        hlm.load_king_county(path=sales_elsewhere)
    with pytest.raises(TypeError, match="not both"):
        hlm.load_king_county(sales_elsewhere, path=sales_elsewhere / data_module.KING_COUNTY_FILE)
    with pytest.raises(TypeError, match="download must be True or False; got 'no'"):
        hlm.load_king_county(download="no")


# --------------------------------------------------------------------------------------
# Frames and groups


def _frame():
    county = pd.Categorical(["A", "A", "B", "C", "C", "C"], categories=["A", "B", "C"], ordered=True)
    return pd.DataFrame({"county": county, "county_idx": county.codes.astype("int64"),
                         "u": [0.5, 0.5, 1.0, 2.0, 2.0, 2.0], "floor": [0, 1, 0, 0, 1, 1],
                         "log_radon": np.linspace(0, 1, 6)})


def test_group_level_checks_the_frame():
    df = _frame()
    assert hlm.group_level(df, "county", "u").tolist() == [0.5, 1.0, 2.0]
    with pytest.raises(hlm.DataError, match="'county' is not categorical.*recode_groups"):
        hlm.group_level(df.assign(county=df["county"].astype(str)), "county", "u")
    # codes that do not match the labels gave another group's value
    with pytest.raises(hlm.DataError, match="'county_idx' does not hold the codes of 'county'"):
        hlm.group_level(df.assign(county_idx=[1, 1, 0, 2, 2, 2]), "county", "u")
    # a NaN in one row was skipped, and the group's other rows answered for it
    with pytest.raises(hlm.DataError, match=r"'u'.* has 1 NaN value"):
        hlm.group_level(df.assign(u=[np.nan, 0.5, 1.0, 2.0, 2.0, 2.0]), "county", "u")
    with pytest.raises(hlm.DataError, match=r"No rows for county\(s\) \['B'\].*recode_groups"):
        hlm.group_level(df[df["county"] != "B"], "county", "u")


def test_recode_groups_refuses_what_would_make_wrong_groups():
    df = _frame()
    # NaN labels became a group called "nan"
    with pytest.raises(hlm.DataError, match=r"1 missing label\(s\)"):
        hlm.recode_groups(df.assign(county=["A", None, "B", "C", "C", "C"]), "county")
    with pytest.raises(hlm.DataError, match="differ only in case"):
        hlm.recode_groups(df.assign(county=["A", "a", "B", "C", "C", "C"]), "county")
    with pytest.raises(hlm.DataError, match="no rows.*'AITKIN', not 'Aitkin'"):
        hlm.recode_groups(df[df["county"] == "c"], "county")
    with pytest.raises(TypeError, match="takes a pandas DataFrame; got Series"):
        hlm.recode_groups(df["county"], "county")
    padded = hlm.recode_groups(df.assign(county=[" A", "A ", "B", "C", "C", "C"]), "county")
    assert list(padded["county"].cat.categories) == ["A", "B", "C"]


def test_reference_models_check_their_frame():
    df = _frame()
    with pytest.raises(hlm.DataError, match="not categorical"):
        radon_hierarchical(df.assign(county=df["county"].astype(str)))
    with pytest.raises(hlm.DataError, match=r"\['log_radon'\] contain values that are not finite"):
        radon_hierarchical(df.assign(log_radon=[-np.inf, 0, 0, 0, 0, 0]))


def test_encode_groups_says_why_a_label_is_unknown():
    categories = pd.Index(["98125", "98178", "AITKIN"])
    with pytest.raises(hlm.UnknownGroupError, match=r"'aitkin ' is 'AITKIN' up to spaces or case"):
        hlm.encode_groups(["aitkin "], categories, "county")
    with pytest.raises(hlm.UnknownGroupError, match="numbers but the model's are text.*astype"):
        hlm.encode_groups([98178, 98125], categories[:2], "zipcode")
    with pytest.raises(ValueError, match=r"repeats labels \(\['A'\]\).*cat.categories, not a column"):
        hlm.encode_groups(["A"], ["A", "A", "B"], "county")
    with pytest.raises(ValueError, match=r"1 county label\(s\) are missing \(NaN\)"):
        hlm.encode_groups(["AITKIN", np.nan], categories, "county")
    assert hlm.encode_groups("AITKIN", categories, "county").tolist() == [2]  # one label


# --------------------------------------------------------------------------------------
# Prediction for new rows: a model and a fit made by hand


GROUPS = ["a", "b", "c"]
ALPHA = [-10.0, 0.0, 10.0]


def _model(groups=GROUPS):
    with pm.Model(coords={"group": groups, "obs_id": np.arange(6)}) as model:
        x = pm.Data("x", np.zeros(6), dims="obs_id")
        grp = pm.Data("grp", np.array([0, 1, 2, 0, 1, 2]) % len(groups), dims="obs_id")  # not <coord>_idx
        u = pm.Data("u", np.zeros(len(groups)), dims="group")
        y_obs = pm.Data("y_obs", np.zeros(6), dims="obs_id")
        alpha = pm.Normal("alpha", 0, 20, dims="group")
        sigma = pm.HalfNormal("sigma", 1)
        mu = alpha[grp] + u[grp] + x
        pm.Normal("y", mu, sigma, observed=y_obs, shape=mu.shape)
    return model


def _fit(groups=GROUPS, alpha=ALPHA, drop=()):
    posterior = {"alpha": np.broadcast_to(alpha, (1, 10, len(alpha))).copy(), "sigma": np.full((1, 10), 1e-4)}
    return az.from_dict({"posterior": {k: v for k, v in posterior.items() if k not in drop}},
                        coords={"group": groups}, dims={"alpha": ["group"]})


def _predict(data, n=None, **kwargs):
    n = n if n is not None else len(next(iter(data.values())))
    pred = hlm.predict_rows(_model(), _fit(), data, coords={"obs_id": np.arange(n)}, random_seed=0, **kwargs)
    return pred.predictions["y"].mean(("chain", "draw")).values


def test_group_codes_are_checked_whatever_the_container_is_called():
    np.testing.assert_allclose(_predict({"x": [0.0, 0.0], "grp": [2, 0]}), [10.0, -10.0], atol=0.01)
    # issue 19: code -1 quietly predicted for the last group ("c", 10)
    with pytest.raises(hlm.UnknownGroupError, match=r"'grp' holds codes outside 0 to 2 \(-1 is pandas' code"):
        _predict({"x": [0.0], "grp": [-1]})
    with pytest.raises(hlm.UnknownGroupError, match=r"group\(s\) not in the fitted model: 3.*labels instead"):
        _predict({"x": [0.0], "grp": [3]})
    with pytest.raises(ValueError, match="group codes, which must be whole numbers; it has fractions"):
        _predict({"x": [0.0], "grp": [1.5]})


def test_labels_are_encoded_against_the_model():
    # issue 19: codes from a frame made before recode_groups name other groups; labels cannot
    full = pd.Series(pd.Categorical(["c", "a"], categories=["a", "b", "c"]))
    np.testing.assert_allclose(_predict({"x": [0.0, 0.0], "grp": full}), [10.0, -10.0], atol=0.01)
    model, fit = _model(["b", "c"]), _fit(["b", "c"], [0.0, 10.0])
    stale_codes = full.cat.codes.to_numpy()  # 2 and 0: "c" and "a" in the full frame
    with pytest.raises(hlm.UnknownGroupError, match="outside 0 to 1"):
        hlm.predict_rows(model, fit, {"x": [0.0, 0.0], "grp": stale_codes}, coords={"obs_id": [0, 1]})
    pred = hlm.predict_rows(model, fit, {"x": [0.0], "grp": ["c"]}, coords={"obs_id": [0]}, random_seed=0)
    assert float(pred.predictions["y"].mean()) == pytest.approx(10.0, abs=0.01)
    with pytest.raises(hlm.UnknownGroupError, match=r"group\(s\) not in the fitted model: a"):
        hlm.predict_rows(model, fit, {"x": [0.0], "grp": ["a"]}, coords={"obs_id": [0]})


def test_every_row_container_is_needed_but_the_observed_one():
    # issue 19: only some of the rows' data failed inside PyTensor ("Input dimension mismatch")
    with pytest.raises(ValueError, match=r"new values for 'obs_id' need new values for \['grp'\] too"):
        _predict({"x": [0.0, 1.0]})
    # the observed values, which the prediction does not use, may be left out (as the chapters do)
    assert _predict({"x": [1.0], "grp": [0]}) == pytest.approx([-9.0], abs=0.01)


@pytest.mark.parametrize("data, coords, error, message", [
    ({"x": [0.0, 1.0], "grp": [0, 1]}, None, ValueError, r"pass coords=\{'obs_id': \.\.\.\}"),
    ({"x": [0.0, 1.0], "grp": [0, 1]}, {"obs_id": [0, 1, 2]}, ValueError, r"coords\['obs_id'\] has 3 labels for 2"),
    ({"x": [0.0], "grp": [0]}, {"obs": [0]}, KeyError, r"coords \['obs'\] are not dimensions of the model"),
    ({"x": [np.inf], "grp": [0]}, {"obs_id": [0]}, ValueError, r"'x' contains NaN or infinite values \(1 infinite"),
    ({"x": ["big"], "grp": [0]}, {"obs_id": [0]}, TypeError, "'x' must be numbers"),
    ({"u": np.zeros(4)}, None, ValueError, "parameters run over 3 groups, so new data cannot have 4"),
    ([("x", [0.0])], None, TypeError, "data must map pm.Data names to new values"),
    ({}, None, ValueError, "data is empty"),
])
def test_predict_rows_bad_data(data, coords, error, message):
    with pytest.raises(error, match=message):
        hlm.predict_rows(_model(), _fit(), data, coords=coords)


def test_predict_rows_arguments():
    model, fit = _model(), _fit()
    data, coords = {"x": [0.0], "grp": [0]}, {"obs_id": [0]}
    pred = hlm.predict_rows(model, fit, data, coords=coords, var_names="y", random_seed=0)  # a name, not a list
    assert list(pred.predictions.data_vars) == ["y"]
    with pytest.raises(KeyError, match=r"no variable\(s\) \['y_pred'\] in the model.*observed variables are \['y'\]"):
        hlm.predict_rows(model, fit, data, coords=coords, var_names=["y_pred"])
    with pytest.raises(TypeError, match="takes the pm.Model that produced the fit first"):
        hlm.predict_rows(fit, model, data, coords=coords)
    # PyMC would draw a parameter missing from the fit from its prior, without a word
    with pytest.raises(KeyError, match=r"the fit has no \['sigma'\]: it is not a fit of this model"):
        hlm.predict_rows(model, _fit(drop=("sigma",)), data, coords=coords)
    with pytest.raises(ValueError, match="the fit's 'group' .* is not the model's"):
        hlm.predict_rows(model, _fit(["a", "b", "d"]), data, coords=coords)


def test_predict_rows_leaves_the_model_as_it_was_after_a_refusal():
    model = _model()
    with pytest.raises(ValueError):
        hlm.predict_rows(model, _fit(), {"x": [0.0, 1.0]}, coords={"obs_id": [0, 1]})
    assert model["x"].get_value().shape == (6,)
    assert len(model.coords["obs_id"]) == 6


# --------------------------------------------------------------------------------------
# A new group, group lines


def _population(draws=200, seed=0):
    rng = np.random.default_rng(seed)
    shape = (2, draws)
    return az.from_dict(
        {"posterior": {"mu_alpha": rng.normal(1.0, 0.01, shape), "sigma_alpha": np.full(shape, 0.5),
                       "mu_beta": np.full(shape, -1.0), "sigma_beta": np.full(shape, 0.3),
                       "rho": np.full(shape, 0.5), "sigma": np.full(shape, 0.2),
                       "alpha": rng.normal(size=shape + (2,)), "beta": rng.normal(size=shape + (2,))}},
        coords={"county": ["AITKIN", "ANOKA"]}, dims={"alpha": ["county"], "beta": ["county"]})


RNG = np.random.default_rng
PAIR = ("mu_alpha", "sigma_alpha")


def test_a_single_intercept_name_no_longer_drops_the_spread():
    idata = _population()
    # issue 19: intercept="mu_alpha" ran and every new group got the population mean
    with pytest.raises(TypeError, match="drops the between-group spread.*intercept=\\('mu_alpha', 'sigma_alpha'\\)"):
        hlm.predict_new_group(idata, [0.0], intercept="mu_alpha", rng=RNG(0))
    as_list = hlm.predict_new_group(idata, [0.0], intercept=list(PAIR), rng=RNG(0))
    as_tuple = hlm.predict_new_group(idata, [0.0], intercept=PAIR, rng=RNG(0))
    np.testing.assert_array_equal(as_list["y"], as_tuple["y"])
    assert float(as_tuple["alpha"].std()) == pytest.approx(0.5, abs=0.05)


@pytest.mark.parametrize("kwargs, error, message", [
    # issue 19: correlation=nan gave NaN predictions
    (dict(correlation=np.nan), ValueError, "correlation must be a finite number; got nan"),
    (dict(sigma=None), TypeError, "sigma is the residual spread"),
    (dict(sigma=-0.2), ValueError, "sigma is a standard deviation and cannot be negative"),
    (dict(intercept=("mu_alpha", -1.0)), ValueError, "intercept's sd is a standard deviation"),
    (dict(intercept=(np.inf, 1.0)), ValueError, "intercept mean must be a finite number"),
    (dict(intercept=("mu_alpha", [0.5])), TypeError, "must be a posterior variable's name, a DataArray"),
    (dict(intercept=None), TypeError, r"intercept must be \(mean, sd\)"),
    (dict(x=[np.inf]), ValueError, r"x has 1 infinite value"),
    (dict(x=[]), ValueError, "x is empty"),
    (dict(x=[[0.0, 1.0]]), ValueError, r"x must be one-dimensional, one value per row; got shape \(1, 2\)"),
])
def test_predict_new_group_bad_arguments(kwargs, error, message):
    idata = _population()
    arguments = dict(x=[0.0], intercept=PAIR, slope=("mu_beta", "sigma_beta"), correlation=0.5, rng=RNG(0))
    with pytest.raises(error, match=message):
        hlm.predict_new_group(idata, **{**arguments, **kwargs})


def test_predict_new_group_draws_must_be_this_fit_s():
    idata, other = _population(), _population(draws=100, seed=1)
    with pytest.raises(ValueError, match="'draw' does not match the fit's .*comes from another fit"):
        hlm.predict_new_group(idata, [0.0], intercept=(other.posterior["mu_alpha"], 0.5), rng=RNG(0))
    with pytest.raises(ValueError, match=r"varies over \['county'\]"):
        hlm.predict_new_group(idata, [0.0], intercept=(idata.posterior["alpha"], 0.5), rng=RNG(0))
    idata.posterior["rho"][0, 3] = np.nan
    with pytest.raises(ValueError, match=r"correlation: the draws of 'rho' have 1 NaN"):
        hlm.predict_new_group(idata, [0.0], intercept=PAIR, slope=("mu_beta", "sigma_beta"), correlation="rho",
                              rng=RNG(0))


def test_group_lines_arguments():
    idata = _population()
    one = hlm.group_lines(idata, "AITKIN", [0.0, 1.0], group_dim="county")  # was: six groups A, I, T, K...
    assert one.sizes["county"] == 1
    np.testing.assert_allclose(one, hlm.group_lines(idata, ["AITKIN"], [0.0, 1.0], group_dim="county"))
    with pytest.raises(ValueError, match=r"'alpha' varies over \['county'\], not over group_dim='counties'"):
        hlm.group_lines(idata, ["AITKIN"], [0.0], group_dim="counties")  # was: a transpose error
    with pytest.raises(hlm.UnknownGroupError, match="'Aitkin' is 'AITKIN' up to spaces or case"):
        hlm.group_lines(idata, ["Aitkin"], [0.0], group_dim="county")
    with pytest.raises(ValueError, match="x has 1 NaN"):
        hlm.group_lines(idata, ["AITKIN"], [0.0, np.nan], group_dim="county")
    with pytest.raises(ValueError, match="groups is empty"):
        hlm.group_lines(idata, [], [0.0], group_dim="county")
    with pytest.raises(TypeError, match="intercept .* cannot be None"):
        hlm.group_lines(idata, ["AITKIN"], [0.0], group_dim="county", intercept=None)


# --------------------------------------------------------------------------------------
# Metrics and intervals


def test_interval_coverage_refuses_nan_draws():
    rng = np.random.default_rng(0)
    draws = rng.normal(size=(100, 3))
    observed = np.zeros(3)
    assert hlm.interval_coverage(observed, draws) == 1.0
    draws[:, 1] = np.nan  # issue 19: an all-NaN row counted as a miss, 2/3
    with pytest.raises(ValueError, match=r"draws has 100 NaN value\(s\) \(first at position \(0, 1\)\)"):
        hlm.interval_coverage(observed, draws)


@pytest.mark.parametrize("observed, draws, prob, error, message", [
    (np.zeros(3), np.zeros((3, 100)), 0.9, ValueError, r"got \(3, 100\). It looks transposed: pass draws.T"),
    (np.zeros(3), np.zeros((2, 50, 3)), 0.9, ValueError, "Stack chain and draw first"),
    (np.zeros(3), np.zeros((10, 3)), 0.9, ValueError, "a 90% interval needs at least 20 draws"),
    (np.zeros(3), np.zeros((100, 3)), 90, ValueError, "Did you mean prob=0.9"),
    (np.zeros(3), np.zeros((100, 3)), "0.9", TypeError, "prob must be a number between 0 and 1"),
    ([0.0, np.inf, 0.0], np.zeros((100, 3)), 0.9, ValueError, "observed has 1 infinite"),
])
def test_interval_coverage_bad_input(observed, draws, prob, error, message):
    with pytest.raises(error, match=message):
        hlm.interval_coverage(observed, draws, prob=prob)


def test_rmsd_bad_input():
    with pytest.raises(ValueError, match="predicted has 1 infinite"):
        hlm.rmsd([1.0, 2.0], [1.0, np.inf])
    with pytest.raises(TypeError, match="observed must be numbers"):
        hlm.rmsd(["a", "b"], [1.0, 2.0])
    observed = pd.Series([1.0, 2.0, 3.0], index=[10, 11, 12])
    shuffled = pd.Series([3.0, 1.0, 2.0], index=[12, 10, 11])  # the same values, in another row order
    with pytest.raises(ValueError, match="different indexes.*predicted.reindex\\(observed.index\\)"):
        hlm.rmsd(observed, shuffled)  # paired by position, it was sqrt(2), not 0
    assert hlm.rmsd(observed, shuffled.reindex(observed.index)) == 0.0


def test_interval_bad_input():
    draws = xr.DataArray(np.random.default_rng(0).normal(size=(2, 100)), dims=("chain", "draw"))
    stacked = draws.stack(sample=("chain", "draw"))
    # draws stacked into one dim: the "interval" was each draw itself
    with pytest.raises(ValueError, match=r"none of \('chain', 'draw'\).*dims=\('sample',\)"):
        hlm.interval(stacked)
    assert hlm.interval(stacked, dims="sample") == pytest.approx(hlm.interval(draws))
    with_nan = draws.copy()
    with_nan[0, 0] = np.nan  # xarray skipped it, without a word
    with pytest.raises(ValueError, match="draws has 1 NaN"):
        hlm.interval(with_nan)
    with pytest.raises(ValueError, match="draws is empty"):
        hlm.interval(np.array([]))
    with pytest.raises(ValueError, match="Did you mean prob=0.95"):
        hlm.interval(draws, prob=95)


# --------------------------------------------------------------------------------------
# The convergence check


def _fit_of(**variables):
    return az.from_dict({"posterior": variables, "sample_stats": {"diverging": np.zeros((4, 200), bool)}})


def _draws(seed=0, shape=(4, 200)):
    return np.random.default_rng(seed).normal(size=shape)


def test_a_constant_variable_fails_the_check(capsys):
    # issue 19: its R-hat is NaN, and NaN > 1.01 is false: the fit passed
    fit = _fit_of(mu=_draws(), stuck=np.full((4, 200), 2.0))
    with pytest.raises(hlm.ConvergenceError, match="stuck: R-hat undefined, every draw is the same value"):
        hlm.check_convergence(fit)
    hlm.check_convergence(fit, var_names=["mu"])
    assert np.isnan(hlm.convergence_table(fit).loc["stuck", "r_hat"])
    assert hlm.passes_convergence_check(fit) is False
    assert "R-hat undefined" in capsys.readouterr().out


def test_a_constant_element_is_left_out():
    # the diagonal of a correlation matrix is 1 in every draw: not a failure
    corr = np.stack([np.ones((4, 200)), np.tanh(_draws(1))], axis=-1)
    table = hlm.check_convergence(_fit_of(mu=_draws(), corr=corr))
    assert np.isfinite(table.loc["corr", "r_hat"]) and table.loc["corr", "ess_bulk"] > 400


@pytest.mark.parametrize("bad, message", [
    (np.nan, r"mu: 1 NaN value\(s\) \(first at position \(0, 5\)\)"),  # issue 19: "cannot convert float NaN"
    (np.inf, r"mu: 1 infinite value\(s\)"),  # it passed: R-hat 1.002
])
def test_draws_that_are_not_numbers_fail_the_check(bad, message, capsys):
    mu = _draws()
    mu[0, 5] = bad
    with pytest.raises(hlm.ConvergenceError, match=message):
        hlm.check_convergence(_fit_of(mu=mu))
    with pytest.raises(hlm.ConvergenceError, match="draws that are not numbers"):
        hlm.convergence_table(_fit_of(mu=mu))
    assert hlm.passes_convergence_check(_fit_of(mu=mu)) is False


def test_chains_stuck_at_their_own_values_fail():
    stuck = np.repeat(np.arange(4.0)[:, None], 200, axis=1)
    with pytest.raises(hlm.ConvergenceError, match=r"stuck: R-hat .* \(chains stuck, each at its own value\)"):
        hlm.check_convergence(_fit_of(mu=_draws(), stuck=stuck))


def test_convergence_arguments():
    fit = _fit_of(mu=_draws(), sigma=np.abs(_draws(2)))
    assert list(hlm.convergence_table(fit, "mu").index) == ["mu"]  # was: "No variable(s) ['m', 'u']"
    with pytest.raises(ValueError, match="var_names is empty"):
        hlm.check_convergence(fit, var_names=[])  # it checked nothing, and passed
    with pytest.raises(ValueError, match="r_hat_max must be a finite number of at least 1; got 0.01"):
        hlm.check_convergence(fit, r_hat_max=0.01)
    with pytest.raises(TypeError, match="r_hat_max must be a number; got '1.01'"):
        hlm.check_convergence(fit, r_hat_max="1.01")
    with pytest.raises(ValueError, match="ess_bulk_min must be a finite number of at least 0"):
        hlm.check_convergence(fit, ess_bulk_min=-1)
    with pytest.raises(TypeError, match="max_divergences must be an integer"):
        hlm.check_convergence(fit, max_divergences=0.5)
    with pytest.raises(ValueError, match="at least 4 draws per chain; the fit has 3"):
        hlm.convergence_table(_fit_of(mu=_draws(shape=(4, 3))))
    with pytest.raises(TypeError, match="count_divergences needs the DataTree"):
        hlm.count_divergences({"diverging": [0, 1]})


# --------------------------------------------------------------------------------------
# Plots


def test_plots_refuse_what_they_would_draw_wrongly():
    fig, ax = plt.subplots()
    idata = _population()
    lines = hlm.group_lines(idata, ["AITKIN", "ANOKA"], [0.0, 1.0], group_dim="county")
    # both groups' lines were drawn as one scheme
    with pytest.raises(ValueError, match=r"lines\['partial'\] must be one group's line.*Select the group first"):
        hlm.plot_group_fit(ax, [0, 1], [0.5, 0.7], [0.0, 1.0], {"partial": lines})
    one = {"partial": lines.sel(county="AITKIN")}
    hlm.plot_group_fit(ax, [0, 1], [0.5, 0.7], [0.0, 1.0], one)
    with pytest.raises(ValueError, match=r"lines\['partial'\] has 2 values of x but x_grid has 3"):
        hlm.plot_group_fit(ax, [0, 1], [0.5, 0.7], [0.0, 0.5, 1.0], one)
    with pytest.raises(ValueError, match="Did you mean prob=0.9"):
        hlm.plot_group_fit(ax, [0, 1], [0.5, 0.7], [0.0, 1.0], one, prob=90)
    with pytest.raises(ValueError, match=r"estimates\['none'\] has 2 values for 3 groups"):
        hlm.plot_shrinkage(ax, [1, 5, 10], {"none": [0.1, 0.2], "complete": 0.15})
    with pytest.raises(ValueError, match="group_size has values <= 0.*log_x=False"):
        hlm.plot_shrinkage(ax, [0, 5, 10], {"none": [0.1, 0.2, 0.3]})
    plt.close(fig)


def test_refusals_leave_the_caller_s_frame_alone(tmp_path):
    df = _frame().assign(county=["A", None, "B", "C", "C", "C"])
    before = df.copy()
    with pytest.raises(hlm.DataError):
        hlm.recode_groups(df, "county")
    pd.testing.assert_frame_equal(df, before)
