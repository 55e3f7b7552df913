"""The Streamlit side of every page: its frame and controls (widgets.py), its charts (charts.py) and the server's
fair-share limits (limits.py). Pages call these as ui.controls(...), ui.chart_grid(...), ui.heavy_job(), ...

What a control may hold and how a link is read is pure Python, in settings.params.
"""
from settings.params import (
    CUSTOM,
    MAX_RAW_CHARS,
    PRESENT,
    Param,
    Preset,
    changed_controls,
    clamp_params,
    closest_preset,
    custom_note,
    fmt,
    log_steps,
    matching_preset,
    present_from_link,
    preset_values,
    share_url,
)
from ui.charts import (
    CHART_FONT_PX,
    CHARTS_DIR,
    GRID_TRACES,
    MIN_CELL_PX,
    PLOTLY_BUNDLE,
    PLOTLY_FONT_PX,
    PRESENT_FONT_PX,
    chart_grid,
    floor_fonts,
    font_floor,
    plotly_chart,
)
from ui.limits import MAX_HEAVY_JOBS, WORK_PER_REFRESH, Busy, heavy_job
from ui.widgets import PAGES, controls, page_setup, page_without_controls, presenting, share_link

__all__ = [
    "CHARTS_DIR", "CHART_FONT_PX", "CUSTOM", "GRID_TRACES", "MAX_HEAVY_JOBS", "MAX_RAW_CHARS", "MIN_CELL_PX",
    "PAGES", "PLOTLY_BUNDLE", "PLOTLY_FONT_PX", "PRESENT", "PRESENT_FONT_PX", "WORK_PER_REFRESH", "Busy", "Param",
    "Preset", "changed_controls", "chart_grid", "clamp_params", "closest_preset", "controls", "custom_note",
    "floor_fonts", "font_floor", "fmt", "heavy_job", "log_steps", "matching_preset", "page_setup",
    "page_without_controls", "plotly_chart", "present_from_link", "preset_values", "presenting", "share_link",
    "share_url",
]
