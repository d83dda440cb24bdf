import numpy as np
import pandas as pd
import pytest

import hlm_helpers as hlm
from hlm_helpers import data as data_module


def test_radon_has_the_survey_shape():
    radon = hlm.load_radon()
    assert len(radon) == 919
    assert radon["county"].nunique() == 85
    assert set(radon["floor"].unique()) == {0, 1}
    assert radon["floor"].sum() == 153  # first-floor homes in Gelman & Hill's data
    assert radon[["log_radon", "log_uranium"]].notna().all().all()
    np.testing.assert_allclose(np.exp(radon["log_radon"]), radon["radon"], rtol=1e-3)


def test_radon_codes_line_up_with_category_names():
    radon = hlm.load_radon()
    categories = radon["county"].cat.categories
    assert list(categories) == sorted(categories)
    assert (categories[radon["county_idx"]] == radon["county"].astype(str)).all()


def test_group_level_is_in_code_order():
    radon = hlm.load_radon()
    u = hlm.group_level(radon, "county", "log_uranium")
    assert u.shape == (85,)
    for county in ["AITKIN", "HENNEPIN", "ST LOUIS"]:
        code = radon["county"].cat.categories.get_loc(county)
        assert u[code] == radon.loc[radon["county"] == county, "log_uranium"].iloc[0]


def test_group_level_refuses_a_row_level_column():
    radon = hlm.load_radon()
    with pytest.raises(hlm.DataError, match="not a county-level variable"):
        hlm.group_level(radon, "county", "floor")


def test_recode_groups_drops_empty_groups():
    radon = hlm.load_radon()
    subset = hlm.recode_groups(radon[radon["county"] != "AITKIN"], "county")
    assert len(subset["county"].cat.categories) == 84
    assert subset["county_idx"].max() == 83
    assert (subset["county"].cat.categories[subset["county_idx"]] == subset["county"].astype(str)).all()


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.drop(columns="log_radon"), r"lacks the column\(s\) \['log_radon'\]"),
        (lambda d: d.assign(log_radon=np.where(d.index == 3, np.nan, d["log_radon"])), "missing values"),
        (lambda d: d.assign(floor=d["floor"] + 1), "must be 0 .basement. or 1"),
        (lambda d: d.iloc[:0], "no rows"),
    ],
)
def test_bad_radon_files_are_refused(tmp_path, mutate, message):
    bad = mutate(pd.read_csv(data_module.radon_path()))
    path = tmp_path / "radon.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(hlm.DataError, match=message):
        hlm.load_radon(path)


def test_missing_radon_file_says_how_to_make_it(tmp_path):
    with pytest.raises(hlm.DataError, match="make_radon.py"):
        hlm.load_radon(tmp_path / "nope.csv")


def test_king_county_real_file(king_county_dir):
    sales = hlm.load_king_county(king_county_dir, download=False)
    assert len(sales) == 21613
    assert sales["zipcode"].nunique() == 70
    sizes = sales.groupby("zipcode_idx").size()
    assert sizes.min() == 50 and sizes.max() == 602
    first = sales.iloc[0]
    assert (first["price"], first["sqft_living"], first["zipcode"]) == (221900, 1180, "98178")
    assert (sales["zipcode"].cat.categories[sales["zipcode_idx"]] == sales["zipcode"].astype(str)).all()
    np.testing.assert_allclose(sales["log_price"], np.log(sales["price"]))
    assert sales["date"].min() == pd.Timestamp("2014-05-02")


def test_king_county_env_var_is_used(monkeypatch, king_county_dir):
    monkeypatch.setenv(hlm.DATA_DIR_ENV, str(king_county_dir))
    assert len(hlm.load_king_county(download=False)) == 21613


def _small_sales(n=6):
    return pd.DataFrame({
        "date": ["20141013T000000"] * n, "price": np.linspace(2e5, 7e5, n), "bedrooms": 3,
        "bathrooms": 2.0, "sqft_living": np.linspace(900, 3000, n), "sqft_lot": 5000, "floors": 1.0,
        "waterfront": 0, "view": 0, "condition": 3, "grade": 7, "yr_built": 1970,
        "zipcode": [98178, 98125] * (n // 2), "lat": 47.5, "long": -122.2,
    })


def test_king_county_small_valid_file(tmp_path):
    _small_sales().to_csv(tmp_path / "kc_house_data.csv", index=False)
    sales = hlm.load_king_county(tmp_path, download=False)
    assert list(sales["zipcode"].cat.categories) == ["98125", "98178"]
    assert sales["zipcode_idx"].tolist() == [1, 0] * 3


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.drop(columns=["price", "zipcode"]), r"not a King County sales file.*'price', 'zipcode'"),
        (lambda d: d.assign(price=[np.nan] + list(d["price"][1:])), r"missing values.*price: 1"),
        (lambda d: d.assign(sqft_living=0), "sqft_living <= 0"),
        (lambda d: d.assign(zipcode=98178), "only one zip code"),
        (lambda d: d.assign(date="yesterday"), "dates are not of the form"),
    ],
)
def test_bad_king_county_files_are_refused(tmp_path, mutate, message):
    mutate(_small_sales()).to_csv(tmp_path / "kc_house_data.csv", index=False)
    with pytest.raises(hlm.DataError, match=message):
        hlm.load_king_county(tmp_path, download=False)


def test_radon_file_given_as_king_county_is_refused():
    with pytest.raises(hlm.DataError, match="not a King County sales file"):
        hlm.load_king_county(path=data_module.radon_path())


def _isolate(monkeypatch, tmp_path):
    """No env var, no project copy, an empty cache: the loader must find nothing."""
    monkeypatch.delenv(hlm.DATA_DIR_ENV, raising=False)
    monkeypatch.setattr(data_module, "_PROJECT_DATA", tmp_path / "project-data")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_no_file_and_no_download_names_both_ways(monkeypatch, tmp_path):
    _isolate(monkeypatch, tmp_path)
    with pytest.raises(hlm.DataError) as err:
        hlm.load_king_county(download=False)
    text = str(err.value)
    assert "HLM_DATA_DIR" in text and "OpenML data set 42092" in text and "Kaggle" in text


def test_find_king_county_looks_where_the_loader_looks(monkeypatch, tmp_path):
    _isolate(monkeypatch, tmp_path)
    assert hlm.find_king_county() is None
    project = tmp_path / "project-data"
    project.mkdir()
    (project / data_module.KING_COUNTY_FILE).write_text("price\n")
    assert hlm.find_king_county() == project / data_module.KING_COUNTY_FILE  # the README's data/ folder
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    (env_dir / data_module.KING_COUNTY_FILE).write_text("price\n")
    monkeypatch.setenv(hlm.DATA_DIR_ENV, str(env_dir))
    assert hlm.find_king_county() == env_dir / data_module.KING_COUNTY_FILE  # HLM_DATA_DIR comes first


def test_failed_download_says_why_and_both_ways(monkeypatch, tmp_path):
    _isolate(monkeypatch, tmp_path)

    def offline(dest):
        raise OSError("network is unreachable")

    monkeypatch.setattr(data_module, "_download_king_county", offline)
    with pytest.raises(hlm.DataError, match="(?s)HLM_DATA_DIR.*download from OpenML failed too.*unreachable"):
        hlm.load_king_county()


def test_download_result_is_cached_and_read(monkeypatch, tmp_path):
    _isolate(monkeypatch, tmp_path)
    calls = []

    def fake_download(dest):
        calls.append(dest)
        dest.parent.mkdir(parents=True)
        _small_sales().to_csv(dest, index=False)
        return dest

    monkeypatch.setattr(data_module, "_download_king_county", fake_download)
    assert len(hlm.load_king_county()) == 6
    assert len(hlm.load_king_county()) == 6
    assert len(calls) == 1, "the second call must read the cache, not download again"


def test_sleepstudy_has_lme4_s_shape():
    sleep = hlm.load_sleepstudy()
    assert len(sleep) == 180 and sleep["subject"].nunique() == 18  # lme4's sleepstudy
    assert (sleep.groupby("subject", observed=True)["days"].apply(sorted) == [list(range(10))] * 18).all()
    assert (sleep["subject"].cat.categories[sleep["subject_idx"]] == sleep["subject"].astype(str)).all()
    assert 190 < sleep["reaction"].min() < sleep["reaction"].max() < 470  # ms


def test_a_missing_sleepstudy_file_says_how_to_make_it(tmp_path):
    with pytest.raises(hlm.DataError, match="make_sleepstudy.py"):
        hlm.load_sleepstudy(tmp_path / "nowhere.csv")
