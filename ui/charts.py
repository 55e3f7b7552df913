"""Charts on a page: the chart grid (Plotly figures redrawn in place) and st.plotly_chart for the lesson pages."""
from __future__ import annotations

import html
import json
import os
import re
import zlib
from dataclasses import dataclass
from functools import partial

from ui.transport import Encoder

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
GRID_TRACES = ("scatter", "bar", "histogram", "heatmap", "contour", "table")  # the trace types in that bundle
# Cells share a row by their weights; below MIN_CELL_PX each they wrap one under the other at full width
# (a 1280-pixel projector with the sidebar open), where titles, legends and labels would otherwise collide.
MIN_CELL_PX = 420
_CHARTS_CSS = f"""
.sb-row {{ display: flex; flex-wrap: wrap; gap: 16px; margin-bottom: 16px; }}
.sb-cell {{ min-width: min(100%, {MIN_CELL_PX}px); }}
"""
_chart_component = None

def as_figure(fig):
    """A spec as a go.Figure for st.plotly_chart (which trips on a spec with no traces), drawn as the chart grid
    draws it: with no template, since every style is in the spec."""
    import plotly.graph_objects as go

    out = go.Figure(fig)
    if "template" not in fig["layout"]:
        out.layout.template = "none"
    return out


# A chart's one mode-bar button (on hover) is Plotly's own "Download plot as a PNG", at a projector's resolution:
# EXPORT_PX wide, laid out EXPORT_LAYOUT_PX wide at the chart's height and scaled up. (The chart grid does the same in
# static/charts-grid.js, laid out at the width the chart has on screen.)
EXPORT_PX = 1920
EXPORT_LAYOUT_PX = 960


def export_config(fig, height: int | None = None) -> dict:
    """The Plotly config of a lesson page's chart: one mode-bar button, on hover, that downloads it as a PNG named
    after its title."""
    import re

    title = re.sub(r"<[^>]*>", " ", (fig["layout"].get("title") or {}).get("text") or "chart")
    name = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:60] or "chart"
    return {"displayModeBar": "hover", "modeBarButtons": [["toImage"]], "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": f"symbreak_{name}", "width": EXPORT_LAYOUT_PX,
                                     "height": height or fig["layout"].get("height") or 450,
                                     "scale": EXPORT_PX / EXPORT_LAYOUT_PX}}


def plotly_chart(fig, key: str, height: int | None = None, key_chart: bool = False):
    """A lesson page's chart, with no Streamlit theme and a mode bar that only downloads a PNG (export_config).

    A figure whose traces are all GRID_TRACES is drawn by a chart grid of one cell: redrawn in place when a control
    changes it, and the page never loads st.plotly_chart's front end, which carries the whole of plotly.js (4.7 MB
    to download and compile before the first chart, where the grid's bundle is 1.2 MB and often already loaded).
    Other figures (the error surface's 3D view), and every figure where static serving is off, go to
    st.plotly_chart.

    key_chart: one of the page's key charts, which its presenter screen shows whole: a grid cell with the class
    sb-key, or an st.plotly_chart in a container with the class st-key-sb-key-<key>; the screen tests look for
    both."""
    import streamlit as st

    if st.get_option("server.enableStaticServing") and grid_draws(fig):
        grid_fig = fig if height is None else {**fig, "layout": {**fig["layout"], "height": height}}
        chart_grid([[(grid_fig, 1, key_chart)]], key=key)
    else:
        _streamlit_chart(fig, key, height, key_chart)


def grid_draws(fig) -> bool:
    """Whether the chart grid's plotly.js bundle has every trace type of the figure (scatter when none is named)."""
    return all(trace.get("type", "scatter") in GRID_TRACES for trace in fig["data"])


def _streamlit_chart(fig, key: str, height: int | None = None, key_chart: bool = False):
    """st.plotly_chart with export_config, in a key-chart container when it is one."""
    import streamlit as st

    box = st.container(key=f"sb-key-{key}") if key_chart else st.container()
    box.plotly_chart(as_figure(fig), key=key, theme=None, config=export_config(fig, height),
                     **({} if height is None else {"height": height}))


def _charts():
    global _chart_component
    if _chart_component is None:
        import streamlit as st

        with open(os.path.join(CHARTS_DIR, "charts.js"), encoding="utf-8") as f:
            js = f.read()
        _chart_component = st.components.v2.component("symbreak_charts", js=js, css=_CHARTS_CSS,
                                                      isolate_styles=False)
    return _chart_component


@dataclass(frozen=True)
class Panel:
    """The numbers and words a chart grid draws with its charts, so that a live refresh sends one element.

    numbers: (label, value, help or None) for each number, in order. note: the main words, Markdown whose only
    markup is **bold** (error: a warning's colours rather than an information's). more: the rest of the words,
    behind "The whole note" (presenting shows only the note's first sentence). foot: a line under the charts.
    side: the words and numbers stand beside the charts (a projector); otherwise above them, and on a phone
    between the first row of charts and the rest, so that a chart shows on the first screen. run: which run the
    words are about (run_id): while it stays the same the grid keeps the words' box at the tallest it has been, so
    that the charts do not move when a playing run's note gets a line shorter.
    """

    numbers: tuple[tuple[str, str, str | None], ...]
    note: str
    error: bool = False
    more: str = ""
    foot: str = ""
    side: bool = False
    run: str = ""

    def wire(self) -> dict:
        """What static/charts-grid.js draws it from: its words as HTML (inline_html)."""
        return {"numbers": [[label, value, help_ or ""] for label, value, help_ in self.numbers],
                "note": inline_html(self.note), "error": self.error, "more": inline_html(self.more),
                "foot": html.escape(self.foot, quote=False), "side": self.side, "run": self.run}


def run_id(config) -> str:
    """A short name for a run's config (a frozen dataclass, whose repr gives every field): the same in every
    process, so that a page served by another replica after a failover names the same run the same way."""
    return f"{zlib.crc32(repr(config).encode()):08x}"


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def inline_html(markdown: str) -> str:
    """The Markdown of a panel's words as HTML: every character escaped, and **bold** as <strong>."""
    return _BOLD.sub(r"<strong>\1</strong>", html.escape(markdown, quote=False))


def chart_grid(rows, key: str, panel: Panel | None = None, live=None, on_end=None):
    """Draw rows of figures in place: rows = [[(figure, relative width[, key chart]), ...], ...]; heights from the
    figures. A cell whose third item is True is one of the page's key charts (class sb-key on its cell).

    A figure is a spec from the figures package (a {"data", "layout"} dict). Each rerun sends only what changed
    since the grid's last message (ui/transport.py); the browser asks for everything again if it lost track.
    Only the trace types in GRID_TRACES can be drawn. The grid stays mounted across reruns as long as `key`
    and its position on the page stay the same. `panel`: numbers and words drawn with the charts (Panel), sent
    whole with every message.

    live: while a run plays, how to draw its next frame (ui.live.Draw). Where the server answers the live feed
    (ui.live.served()) the grid then fetches its frames itself, with no rerun, and calls `on_end` (a callback,
    given on every run of the page) when the run has ended; elsewhere the page refreshes through a run_every
    fragment and passes None.
    """
    import streamlit as st

    from ui import live as feeds

    if not st.get_option("server.enableStaticServing"):  # turned off, overriding our .streamlit/config.toml
        _plain_charts(rows, key, panel)
        return
    encoder = st.session_state.setdefault(_ENCODERS, {}).setdefault(key, Encoder())
    layout, msg = grid_message(rows, encoder)
    extra = None
    if live is not None and feeds.served():
        extra = {"live": feeds.feed_for(st.session_state, key, encoder).arm(live)}
    ended = {} if on_end is None else {"on_ended_change": on_end}  # a page passes it on every run, or never
    _charts()(data=grid_payload(layout, msg, panel, extra), key=key, on_resync_change=partial(_resync, key), **ended)


def grid_message(rows, encoder: Encoder, shared: dict | None = None) -> tuple[list, dict]:
    """The grid's layout (its cells' ids, weights, heights and key marks) and the message of its charts'
    changes since what `encoder` last sent (shared: see Encoder.encode)."""
    layout = [[{"id": f"{i}-{j}", "w": cell[1], "h": _height(cell[0]), "key": _is_key(cell)}
               for j, cell in enumerate(row)] for i, row in enumerate(rows)]
    msg = encoder.encode({c["id"]: cell[0] for row, cells in zip(rows, layout) for cell, c in zip(row, cells)},
                         shared)
    return layout, msg


def grid_payload(layout, msg, panel: Panel | None = None, extra: dict | None = None) -> bytes:
    """The grid's data: compact JSON as bytes, which Streamlit forwards as they are (a dict would be serialised
    twice more on every refresh, once for the wire and once sorted for the element's identity). NaN is refused.
    extra: more top-level fields (the live feed's)."""
    data = {"rows": layout, "msg": msg} | ({} if panel is None else {"panel": panel.wire()}) | (extra or {})
    return json.dumps(data, separators=(",", ":"), allow_nan=False).encode()


_ENCODERS = "_ui_chart_encoders"  # session state: each chart grid's Encoder, by the grid's key


def forget_grids():
    """A page was opened (another page ran before this one): its chart grids are new in the browser, so each one's
    first message carries every chart whole, rather than a patch the new grid would have to send back for."""
    import streamlit as st

    st.session_state.pop(_ENCODERS, None)


def _resync(key: str):
    """The grid's browser side lost what it held (it remounted, reconnected or missed a message): send it all."""
    import streamlit as st

    st.session_state[_ENCODERS][key].reset()


def _is_key(cell) -> bool:
    """A chart-grid cell (figure, weight[, key chart]) marked as one of the page's key charts."""
    return len(cell) > 2 and bool(cell[2])


def _height(fig) -> int:
    """The height a figure asks for (400 px when it asks for none)."""
    return int(fig["layout"].get("height") or 400)


def _plain_charts(rows, key: str, panel: Panel | None = None):
    """The same rows with st.plotly_chart, and the panel with st.metric and st.info: slower, and the charts flash
    on redraw, but they need no static files."""
    import streamlit as st

    if rows:
        st.caption("Charts are in compatibility mode because static file serving is off: keep the project's "
                   "`.streamlit/config.toml` or pass `--server.enableStaticServing true` for faster charts.")
    charts = st.container()
    if panel is not None:
        if panel.side:
            side, charts = st.columns([1.1, 3], gap="medium")
            with side:
                _plain_note(panel)
                _plain_numbers(panel)
                if panel.more:
                    st.expander("The whole note").markdown(panel.more)
        else:
            left, right = st.columns([2, 3], gap="medium")
            with left:
                _plain_numbers(panel)
            with right:
                _plain_note(panel)
    with charts:
        for r, row in enumerate(rows):
            for c, (col, cell) in enumerate(zip(st.columns([cell[1] for cell in row]), row)):
                with col:
                    _streamlit_chart(cell[0], f"{key}_{r}_{c}", _height(cell[0]), _is_key(cell))
        if panel is not None and panel.foot:
            st.caption(panel.foot)


def _plain_numbers(panel: Panel):
    import streamlit as st

    row = st.container(horizontal=True, gap="small")
    for label, value, help_ in panel.numbers:
        row.metric(label, value, help=help_, width="content")


def _plain_note(panel: Panel):
    import streamlit as st

    (st.error if panel.error else st.info)(panel.note)
