"""The figure style (hlm_helpers/style.py), the model graphs' layout, and the site extension (_ext)."""

import base64
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pymc as pm  # noqa: E402
import pytest  # noqa: E402

from chapters import ROOT  # noqa: E402
from hlm_helpers import model_graph, plots, style  # noqa: E402

sys.path.insert(0, str(ROOT / "_ext"))
sys.path.insert(0, str(ROOT / "tools"))
import check_site  # noqa: E402
import hlm_site  # noqa: E402


@pytest.fixture
def course_style():
    with matplotlib.rc_context(style.RC):
        yield
    plt.close("all")


def test_the_smallest_font_is_the_smallest_text_drawn(course_style):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="a line")
    ax.legend()
    assert style.smallest_font_pt(fig) == style.SMALLEST_FONT_PT  # tick labels and legend
    ax.annotate("a small note", (0.5, 0.5), fontsize=7)
    assert style.smallest_font_pt(fig) == 7
    ax.texts[-1].set_visible(False)  # hidden text is not drawn
    assert style.smallest_font_pt(fig) == style.SMALLEST_FONT_PT


def test_text_outside_the_saved_picture_does_not_count_and_text_inside_it_does(course_style):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.text(5, 5, "far outside", fontsize=4, clip_on=False, in_layout=False)
    assert style.smallest_font_pt(fig) == style.SMALLEST_FONT_PT
    # the saved picture's tight box grows to take in text that is part of the layout
    ax.text(1.3, 0.5, "beside the axes", fontsize=6, clip_on=False)
    assert style.smallest_font_pt(fig) == 6


def test_a_figure_s_png_records_its_smallest_font_and_its_display_size(course_style):
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_title("t", fontsize=12)
    ax.tick_params(labelsize=11)
    data, metadata = style.figure_png(fig)
    texts, dpi = check_site.png_text_and_dpi(data)
    assert float(texts[style.PNG_FONT_KEY]) == 11
    assert dpi == pytest.approx(2 * style.FIGURE_DPI, rel=0.01)
    width, height = style._png_size(data)
    # shown at half its pixels (a retina PNG), about figsize x dpi CSS pixels (a tight box)
    assert metadata == {"width": width // 2, "height": height // 2}
    assert abs(metadata["width"] - 4 * style.FIGURE_DPI) < 0.15 * 4 * style.FIGURE_DPI
    assert style.figure_png(plt.figure()) is None  # an empty figure is not shown


def layouts(model):
    return {key: width for key, (width, _) in plots.graph_layouts(model).items()}


def test_a_wide_model_graph_is_laid_out_narrower():
    coords = {"group": [f"g{i}" for i in range(6)], "obs": np.arange(30)}
    with pm.Model(coords=coords) as model:
        mu = pm.Normal("mu")
        sigmas = [pm.HalfNormal(f"sigma_{i}") for i in range(12)]  # many nodes in one rank: wide
        pm.Normal("alpha", mu, sigmas[0], dims="group")
        pm.Normal("y", mu + sum(sigmas), 1, observed=np.zeros(30), dims="obs")
    widths = layouts(model)
    assert min(widths["TB", None], widths["TB", "true"]) > plots.MAX_GRAPH_WIDTH_PT  # the case tested
    chosen = model_graph(model)
    assert hlm_site_width(chosen) == pytest.approx(min(widths.values()))


def test_a_model_graph_that_fits_stays_top_to_bottom():
    with pm.Model(coords={"group": ["a", "b"]}) as model:
        mu = pm.Normal("mu")
        pm.Normal("alpha", mu, 1, dims="group")
    widths = layouts(model)
    chosen = model_graph(model)
    assert chosen.graph_attr["rankdir"] == "TB"
    assert hlm_site_width(chosen) <= plots.MAX_GRAPH_WIDTH_PT
    assert widths["TB", None] <= plots.MAX_GRAPH_WIDTH_PT


def hlm_site_width(graph):
    from hlm_helpers.plots import _svg_width_pt

    return _svg_width_pt(graph)


def test_the_page_keeps_one_copy_of_each_script():
    from sphinx.builders.html._assets import _JavaScript

    thebe = "const THEBE_JS_URL = 'x'"
    context = {"script_files": [_JavaScript("a.js"), _JavaScript(None, body=thebe), _JavaScript("a.js"),
                                _JavaScript("", body=thebe), _JavaScript("b.js", defer="defer")]}
    hlm_site.keep_one_of_each_script(None, "page", "page.html", context, None)
    assert [(s.filename, s.attributes) for s in context["script_files"]] == [
        ("a.js", {}), (None, {"body": thebe}), ("b.js", {"defer": "defer"})]


def test_a_chapter_figure_is_found_by_its_name_with_its_alt_text():
    png = base64.b64encode(b"\x89PNG...").decode()
    notebook = {"cells": [
        {"cell_type": "code", "metadata": {"mystnb": {"figure": {"name": "fig-a"}}}, "outputs": []},
        {"cell_type": "code", "metadata": {"mystnb": {"figure": {"name": "fig-b"}, "image": {"alt": "Dots."}}},
         "outputs": [{"output_type": "display_data", "data": {"text/plain": "<Figure>", "image/png": png}}]},
    ]}
    assert hlm_site.figure_output(notebook, "fig-b") == (b"\x89PNG...", "Dots.")
    assert hlm_site.figure_output(notebook, "fig-a") is None  # named, but drew nothing
    assert hlm_site.figure_output(notebook, "fig-c") is None
