"""The Streamlit side of every page: its frame and controls (widgets.py), its charts (charts.py) and the server's
fair-share limits (limits.py). Pages call these as ui.controls(...), ui.chart_grid(...), ui.stop_when_busy(), ...

What a control may hold, how a link is read and each page's settings are pure Python, in settings/.
"""
import gc

# Every page imports ui first, so pandas is fully imported here, before plotly looks it up: Streamlit's server does
# not import pandas, two first page loads then import it at once on two script threads, plotly's optional import
# of pandas can fail in that race, and plotly treats pandas as missing for good (tests/test_streamlit_workarounds.py).
import pandas  # noqa: F401 -- first, before anything that imports plotly

from ui import live
from ui.charts import CHARTS_DIR, GRID_TRACES, MIN_CELL_PX, PLOTLY_BUNDLE, Panel, chart_grid, plotly_chart, run_id
from ui.exports import gif_button, history_button
from ui.limits import (
    FASTEST_REFRESH,
    MAX_HEAVY_JOBS,
    WORK_PER_REFRESH,
    Busy,
    heavy_job,
    live_refresh,
    live_slot,
    new_pace,
    pacer,
    refresh_interval,
    stop_when_busy,
    stopped_playing,
)
from ui.widgets import (
    PAGES,
    SECOND_DELIVERY,
    controls,
    delivered_again,
    keep_moment,
    opened_moment,
    page_setup,
    page_without_controls,
    presenting,
    share_link,
)

# Every HTTP answer goes out at once (ui.live.send_at_once): serve.py sets this before serving; under `streamlit run
# app.py` it holds for the connections accepted after the first page run.
live.send_at_once()
live.stop_config_polling()  # the config files are read when the server starts, not polled five times a second

# What the server has loaded by now (Streamlit, NumPy, pandas, the engine) lives as long as the process: it is moved
# out of the garbage collector's reach, so that the full collections the live refreshes' garbage sets off every ten
# seconds or so scan only what sessions hold. Measured with one visitor at the defaults: a full collection took 73 ms
# before and 16 ms after, about 0.4 ms a refresh (with the class of 100, no difference beyond noise: README).
gc.collect()
gc.freeze()

__all__ = [
    "Busy", "CHARTS_DIR", "FASTEST_REFRESH", "GRID_TRACES", "MAX_HEAVY_JOBS", "MIN_CELL_PX", "PAGES", "PLOTLY_BUNDLE",
    "Panel", "run_id", "SECOND_DELIVERY", "WORK_PER_REFRESH", "chart_grid", "controls", "delivered_again", "gif_button",
    "heavy_job", "history_button", "keep_moment", "live_refresh", "live_slot", "new_pace", "opened_moment", "pacer",
    "page_setup", "page_without_controls", "plotly_chart", "presenting", "refresh_interval", "share_link",
    "stop_when_busy", "stopped_playing",
]
