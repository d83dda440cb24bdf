"""The course's figure style: figures drawn for the page's column, on a desktop and on a phone.

``use_course_style()`` (each chapter calls it once, after its imports) sets matplotlib's fonts and
default figure size, and makes the notebook show every figure as a high-resolution ("retina") PNG
that records, in the PNG itself, the smallest font size of the text drawn in it. The site check
(``tools/check_site.py``) reads that record and the PNG's resolution, measures the width at which the
browser renders the figure, and fails when the figure's smallest text would render below
``MIN_RENDERED_TEXT_PX`` CSS pixels — at 1280 px and at 390 px (a phone).

The arithmetic a figure must satisfy: text of ``s`` points in a figure ``w`` inches wide, shown
``r`` CSS pixels wide, is ``s * r / (72 * w)`` pixels tall. The page column on a phone is about
340 px, so with the smallest text at ``SMALLEST_FONT_PT`` = 10 points a figure may be at most about
``MAX_FIGURE_WIDTH_IN`` = 4.8 inches wide: panels stack (at most two side by side) rather than
spread across one wide row.

This module imports only matplotlib (the site check loads it by path, without the package).
"""

from __future__ import annotations

import io

SMALLEST_FONT_PT = 10.0
MAX_FIGURE_WIDTH_IN = 4.8
MIN_RENDERED_TEXT_PX = 9.5
FIGURE_DPI = 110  # CSS pixels per inch of figure on the page (the PNG holds twice as many)
PNG_FONT_KEY = "hlm:smallest-font-pt"

RC = {
    "figure.figsize": (MAX_FIGURE_WIDTH_IN, 3.2),
    "figure.dpi": FIGURE_DPI,
    "savefig.dpi": 2 * FIGURE_DPI,
    "font.size": 11.0,
    "axes.titlesize": 11.0,
    "axes.labelsize": 11.0,
    "xtick.labelsize": SMALLEST_FONT_PT,
    "ytick.labelsize": SMALLEST_FONT_PT,
    "legend.fontsize": SMALLEST_FONT_PT,
    "legend.title_fontsize": SMALLEST_FONT_PT,
    "figure.titlesize": 12.0,
    "figure.constrained_layout.use": True,
}


def smallest_font_pt(fig) -> float | None:
    """The smallest font size, in points, of the visible, non-empty text drawn in ``fig``."""
    from matplotlib.text import Text

    fig.canvas.draw()  # lay out the figure first: tick labels exist only once drawn
    renderer = fig.canvas.get_renderer()
    # what the saved PNG shows: the figure's tight box (figure_png saves with bbox_inches="tight")
    shown = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)
    sizes = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        box = text.get_window_extent(renderer)
        if box.width <= 0:
            continue
        # text outside the saved picture (a tick label beyond the axis limits) is not drawn
        if box.x1 < shown.x0 or box.y1 < shown.y0 or box.x0 > shown.x1 or box.y0 > shown.y1:
            continue
        sizes.append(text.get_fontsize())
    return min(sizes) if sizes else None


def figure_png(fig) -> tuple[bytes, dict] | None:
    """The notebook's rendering of ``fig``: a PNG at twice the page resolution and its display size."""
    if not fig.axes and not fig.texts:
        return None
    smallest = smallest_font_pt(fig)
    buffer = io.BytesIO()
    metadata = {PNG_FONT_KEY: f"{smallest:g}"} if smallest is not None else {}
    fig.savefig(buffer, format="png", dpi=2 * fig.dpi, bbox_inches="tight", metadata=metadata,
                facecolor="white")
    data = buffer.getvalue()
    width, height = _png_size(data)
    return data, {"width": width // 2, "height": height // 2}


def _png_size(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def use_course_style() -> None:
    """Set the course's figure style and show figures as PNGs that record their smallest font size."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    mpl.rcParams.update(RC)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebook stack
        return
    shell = get_ipython()
    if shell is None:
        return
    # Activate the inline backend now (matplotlib would otherwise pick it at the first figure and
    # register its own PNG formatter over ours), then show figures through figure_png.
    shell.run_line_magic("matplotlib", "inline")
    mpl.rcParams.update(RC)
    formatters = shell.display_formatter.formatters
    formatters["image/png"].for_type(Figure, figure_png)
    # one picture per figure: the PNG above, not also an SVG or a PDF
    for mime in ("image/svg+xml", "application/pdf", "image/jpeg"):
        formatters[mime].type_printers.pop(Figure, None)
