"""Charts on a page: the chart grid (Plotly figures redrawn in place) and st.plotly_chart for the lesson pages."""
from __future__ import annotations

import os

from ui.widgets import presenting

# ---- Charts drawn in place ----
# st.plotly_chart hashes the whole figure into its element id, so in Streamlit 1.67 every
# redraw of a changed figure remounts the chart: it flashes blank and costs a full Plotly.newPlot.
# Charts that change often (the Playground's and Side by side's) are drawn instead by
# components/charts/charts.js, a Streamlit v2 component (no iframe) that stays mounted across reruns
# and calls Plotly.react on the same divs. It loads our small plotly.js bundle from static/ (the
# plotly.js version the plotly package targets, a quarter of the full size) when it first has charts.

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHARTS_DIR = os.path.join(_ROOT, "components", "charts")
PLOTLY_BUNDLE = os.path.join(_ROOT, "static", "plotly-symbreak.min.js")
GRID_TRACES = ("scatter", "bar", "heatmap", "contour")  # the trace types in that bundle
# Cells share a row by their weights; below MIN_CELL_PX each they wrap one under the other at full width
# (a 1280-pixel projector with the sidebar open), where titles, legends and labels would otherwise collide.
MIN_CELL_PX = 420
_CHARTS_CSS = f"""
.sb-row {{ display: flex; flex-wrap: wrap; gap: 16px; margin-bottom: 16px; }}
.sb-cell {{ min-width: min(100%, {MIN_CELL_PX}px); }}
"""
_chart_component = None

# The smallest chart text, in px: titles, tick labels, axis titles, legends, annotations and text on the marks.
CHART_FONT_PX = 14  # on a screen: the page's own text is 18 px, and 12 px tick labels read as a smudge beside it
PRESENT_FONT_PX = 16  # in presenter mode: what the back row of a classroom can read on a 1280x720 projector
PLOTLY_FONT_PX = 12  # plotly.js's size for text whose figure sets none


def font_floor() -> int:
    """The smallest chart text for this run: PRESENT_FONT_PX when presenting, else CHART_FONT_PX."""
    return PRESENT_FONT_PX if presenting() else CHART_FONT_PX


def floor_fonts(fig: dict, floor: int) -> dict:
    """A figure dict ({"data", "layout"}) whose every font is at least `floor` px; `fig` is left as it is.

    Explicit sizes below the floor are raised. A font without a size inherits the layout's font (plotly.js draws
    titles and axis titles larger than it), so the layout's font gets the floor when it has less or none.
    Only the dicts on the way to a changed font are copied: data arrays are shared, not walked.
    """
    out = _floor(fig, floor)
    layout = out.get("layout") or {}
    font = layout.get("font") or {}
    if "size" not in font:
        out = {**out, "layout": {**layout, "font": {**font, "size": max(floor, PLOTLY_FONT_PX)}}}
    return out


def _floor(obj, floor):
    """obj with every font dict's size raised to `floor`; the same object when nothing changes."""
    if isinstance(obj, dict):
        changed = {}
        for k, v in obj.items():
            if isinstance(v, dict) and isinstance(k, str) and (k == "font" or k.endswith("font")):
                size = _raised(v.get("size"), floor)
                new = _floor(v, floor) if size is None else {**v, "size": size}
            elif isinstance(v, (dict, list, tuple)):
                new = _floor(v, floor)
            else:
                continue
            if new is not v:
                changed[k] = new
        return {**obj, **changed} if changed else obj
    if isinstance(obj, (list, tuple)):
        new = [_floor(v, floor) if isinstance(v, (dict, list, tuple)) else v for v in obj]
        return new if any(a is not b for a, b in zip(new, obj)) else obj
    return obj


def _raised(size, floor):
    """A font size (a number, or one per point) raised to `floor`; None when it needs no change."""
    import numpy as np

    if isinstance(size, (int, float)) and not isinstance(size, bool):
        return floor if size < floor else None
    if isinstance(size, (list, tuple, np.ndarray)) and len(size) and min(size) < floor:
        return [max(float(x), floor) for x in size]
    return None


def _fig_dict(fig) -> dict:
    """A go.Figure or raw spec as a {"data", "layout"} dict (a raw spec is one already)."""
    return fig if isinstance(fig, dict) else fig.to_plotly_json()


def plotly_chart(fig, key: str, height: int | None = None, key_chart: bool = False):
    """st.plotly_chart for the lesson pages: no Streamlit theme, no mode bar, chart text at least font_floor().

    key_chart: one of the page's key charts, which its presenter screen shows whole; it is drawn in a container
    with the class st-key-sb-key-<key>, which the screen tests look for (like a chart grid's sb-key cells)."""
    import streamlit as st

    box = st.container(key=f"sb-key-{key}") if key_chart else st.container()
    from symbreak_core.figures import as_figure  # a go.Figure: st.plotly_chart trips on a raw spec with no traces

    box.plotly_chart(as_figure(floor_fonts(_fig_dict(fig), font_floor())), key=key, theme=None,
                     config={"displayModeBar": False}, **({} if height is None else {"height": height}))


def _charts():
    global _chart_component
    if _chart_component is None:
        import streamlit as st

        with open(os.path.join(CHARTS_DIR, "charts.js"), encoding="utf-8") as f:
            js = f.read()
        _chart_component = st.components.v2.component("symbreak_charts", js=js, css=_CHARTS_CSS,
                                                      isolate_styles=False)
    return _chart_component


def chart_grid(rows, key: str):
    """Draw rows of figures in place: rows = [[(figure, relative width[, key chart]), ...], ...]; heights from the
    figures. A cell whose third item is True is one of the page's key charts (class sb-key on its cell).

    A figure is a go.Figure or, faster, a raw spec from a symbreak_core.figures builder called with raw=True.
    Only the trace types in GRID_TRACES can be drawn. The grid stays mounted across reruns as long as `key`
    and its position on the page stay the same.
    """
    import streamlit as st

    if not st.get_option("server.enableStaticServing"):  # turned off, overriding our .streamlit/config.toml
        _plain_charts(rows, key)
        return
    # plotly escapes "/" for <script> embedding; not needed in a message
    floor = font_floor()
    spec = [[{"fig": _grid_json(cell[0], floor), "w": cell[1], "h": _height(cell[0]), "key": _is_key(cell)}
             for cell in row] for row in rows]
    _charts()(data={"rows": spec}, key=key)


def _is_key(cell) -> bool:
    """A chart-grid cell (figure, weight[, key chart]) marked as one of the page's key charts."""
    return len(cell) > 2 and bool(cell[2])


def _grid_json(fig, floor: int) -> str:
    """A grid figure's JSON with its text raised to `floor` (plotly escapes "/" for <script> embedding; a
    message does not need it)."""
    from symbreak_core.figures import as_figure, spec_json

    spec = floor_fonts(_fig_dict(fig), floor)
    return spec_json(spec if isinstance(fig, dict) else as_figure(spec)).replace("\\u002f", "/")


def _height(fig) -> int:
    """The height a figure asks for: a raw spec's layout is a dict, a go.Figure's a go.Layout."""
    layout = fig["layout"] if isinstance(fig, dict) else fig.layout
    return int((layout.get("height") if isinstance(layout, dict) else layout.height) or 400)


def _plain_charts(rows, key: str):
    """The same rows with st.plotly_chart: slower and they flash on redraw, but they need no static files."""
    import streamlit as st

    if rows:
        st.caption("Charts are in compatibility mode because static file serving is off: keep the project's "
                   "`.streamlit/config.toml` or pass `--server.enableStaticServing true` for faster charts.")
    for r, row in enumerate(rows):
        for c, (col, cell) in enumerate(zip(st.columns([cell[1] for cell in row]), row)):
            with col:
                plotly_chart(cell[0], key=f"{key}_{r}_{c}", height=_height(cell[0]), key_chart=_is_key(cell))
