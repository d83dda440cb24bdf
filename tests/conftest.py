import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hlm_helpers  # noqa: E402,F401  (imports ArviZ once, with its refactor notice silenced)


@pytest.fixture(scope="session")
def king_county_dir():
    """Folder with the real kc_house_data.csv; CI points HLM_DATA_DIR at ../shared/data."""
    folder = os.environ.get("HLM_DATA_DIR")
    if folder and (Path(folder) / "kc_house_data.csv").is_file():
        return Path(folder)
    if os.environ.get("CI"):
        pytest.fail("CI must set HLM_DATA_DIR to a folder with kc_house_data.csv (see .ci/run).")
    pytest.skip("set HLM_DATA_DIR to the folder of kc_house_data.csv to run this test")
