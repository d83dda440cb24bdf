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


def test_glue_without_myst_nb_records_what_myst_nb_records(monkeypatch):
    """The participant environment has no MyST-NB: hlm.glue then writes the same output itself."""
    import sys

    import IPython.display
    import myst_nb.ext.glue as myst_glue

    shown = []
    monkeypatch.setattr(myst_glue, "ipy_display", lambda data, raw, metadata: shown.append((data, metadata)))
    myst_glue.glue("x", 0.25, display=False)
    monkeypatch.setattr(IPython.display, "display", lambda data, raw, metadata: shown.append((data, metadata)))
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import myst_nb now fails
    hlm.glue("x", np.float64(0.25))
    assert len(shown) == 2 and shown[0] == shown[1]
    assert shown[1][1]["scrapbook"]["name"] == "x"
