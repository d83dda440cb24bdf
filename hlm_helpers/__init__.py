"""Helpers for the course *Hierarchical Linear Models with PyMC*.

What every chapter needs and no chapter teaches: loading the data, the convergence check,
error metrics, prediction plumbing and the plots that several chapters share.
"""

import logging

# ArviZ's plots ask for a semibold font; matplotlib's default DejaVu Sans has none, so it
# substitutes bold and logs a "findfont" line that would show up under the figure on the page.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

from .book import glue
from .intervals import CI_KIND, CI_PROB, interval
from .data import (DATA_DIR_ENV, DataError, find_king_county, group_level, load_king_county, load_radon,
                   load_sleepstudy, recode_groups)
from .diagnostics import (ConvergenceError, check_convergence, convergence_table, count_divergences,
                          passes_convergence_check)
from .metrics import interval_coverage, rmsd
from .plots import POOLING_COLORS, POOLING_LABELS, model_graph, plot_group_fit, plot_shrinkage
from .style import use_course_style
from .predict import UnknownGroupError, encode_groups, group_lines, predict_new_group, predict_rows
from .sampling import CompiledModel
from .timing import Timer

__all__ = [
    "CI_KIND",
    "CI_PROB",
    "CompiledModel",
    "DATA_DIR_ENV",
    "POOLING_COLORS",
    "POOLING_LABELS",
    "ConvergenceError",
    "DataError",
    "Timer",
    "UnknownGroupError",
    "check_convergence",
    "convergence_table",
    "count_divergences",
    "encode_groups",
    "glue",
    "group_level",
    "group_lines",
    "interval",
    "interval_coverage",
    "model_graph",
    "load_king_county",
    "load_radon",
    "load_sleepstudy",
    "passes_convergence_check",
    "plot_group_fit",
    "plot_shrinkage",
    "predict_new_group",
    "predict_rows",
    "recode_groups",
    "rmsd",
    "use_course_style",
]
__version__ = "0.1.0"
