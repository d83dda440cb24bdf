import numpy as np

import hlm_helpers as hlm


def test_glue_records_plain_python_numbers(monkeypatch):
    import myst_nb

    recorded = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: recorded.update({name: (value, display)}))
    hlm.glue("x", np.float64(0.25))
    hlm.glue("n", np.int64(3))
    hlm.glue("name", "St Louis")
    assert recorded["x"] == (0.25, False) and type(recorded["x"][0]) is float
    assert type(recorded["n"][0]) is int
    assert recorded["name"] == ("St Louis", False)
