import numpy as np
import pytest

import hlm_helpers as hlm


def test_rmsd_known_value():
    assert hlm.rmsd([0, 0, 0, 0], [1, -1, 1, -1]) == pytest.approx(1.0)
    assert hlm.rmsd([1.0, 2.0], [1.0, 4.0]) == pytest.approx(np.sqrt(2.0))


@pytest.mark.parametrize(
    "observed, predicted, message",
    [
        ([1.0, np.nan], [1.0, 2.0], "observed has 1 NaN"),
        ([1.0, 2.0], [1.0], "observed has 2 values but predicted has 1"),
        ([], [], "empty"),
        ([[1.0, 2.0]], [[1.0, 2.0]], "one-dimensional"),
    ],
)
def test_rmsd_bad_input(observed, predicted, message):
    with pytest.raises(ValueError, match=message):
        hlm.rmsd(observed, predicted)


def test_interval_coverage():
    rng = np.random.default_rng(0)
    draws = rng.normal(size=(4000, 2000))
    observed = rng.normal(size=2000)
    assert hlm.interval_coverage(observed, draws, prob=0.9) == pytest.approx(0.9, abs=0.03)
    assert hlm.interval_coverage(observed + 100, draws) == 0.0
    with pytest.raises(ValueError, match="shape"):
        hlm.interval_coverage(observed, draws[:, :10])
    with pytest.raises(ValueError, match="between 0 and 1"):
        hlm.interval_coverage(observed, draws, prob=90)
