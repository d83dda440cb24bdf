import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hlm_helpers  # noqa: E402  (also imports ArviZ once, with its refactor notice silenced)


@pytest.fixture(scope="session")
def king_county_dir():
    """Folder of the real kc_house_data.csv, wherever load_king_county() would find it without a download
    (HLM_DATA_DIR, the project's data/ folder, the cache); CI points HLM_DATA_DIR at ../shared/data."""
    found = hlm_helpers.find_king_county()
    if found is not None:
        return found.parent
    if os.environ.get("CI"):
        pytest.fail("CI must set HLM_DATA_DIR to a folder with kc_house_data.csv (see .ci/run).")
    pytest.skip("put kc_house_data.csv in data/ or point HLM_DATA_DIR at its folder (see README) to run this test")
