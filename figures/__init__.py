"""Plotly figure specs in one style: pure functions from engine results and arrays to {"data", "layout"} dicts.

Builders take engine results (TrainResult, Snapshot, Field, ...) or plain arrays, never widgets, and never train.
The style (palette, font scale, log floor, margins, the log axis and the one constructor) is in style.py; each
builder module is named for what it draws. Pages call figures.weight_heatmaps(...), figures.depth_stats(...), ...
"""
from .depth import DEPTH_TITLES, depth_histograms, depth_stats
from .error_surface import (
    FLAT_SPAN,
    SADDLE_SCALE,
    saddle_span,
    surface_3d,
    surface_contour,
    surface_path_losses,
    surface_section,
)
from .style import LOG_FLOOR, MAX_POINTS, TEXT_PX, TICK_SPACING_PX, finite32, log_axis, nice_ceiling, thin, titled
from .training import (
    compare_distinct,
    compare_loss,
    decision_boundary,
    grad_norms,
    layer_names,
    loss_curves,
    playground_charts,
    restarts_curves,
    restarts_histograms,
    short_layer_names,
    solutions_histogram,
    symmetry_meter,
    unit_outputs,
    weight_heatmaps,
    weight_vmax,
)
from .worked_example import TOY_EDGES, TOY_NODES, equal_groups, toy_diagram, toy_lines, toy_table

__all__ = [
    "DEPTH_TITLES", "FLAT_SPAN", "LOG_FLOOR", "MAX_POINTS", "SADDLE_SCALE", "TEXT_PX", "TICK_SPACING_PX", "TOY_EDGES",
    "TOY_NODES", "compare_distinct", "compare_loss", "decision_boundary", "depth_histograms", "depth_stats",
    "equal_groups", "finite32", "grad_norms", "layer_names", "log_axis", "loss_curves", "nice_ceiling",
    "playground_charts", "restarts_curves", "restarts_histograms", "solutions_histogram", "saddle_span",
    "short_layer_names", "surface_3d", "surface_contour", "surface_path_losses", "surface_section", "symmetry_meter",
    "thin", "titled", "toy_diagram", "toy_lines", "toy_table", "unit_outputs", "weight_heatmaps", "weight_vmax",
]
