"""THE style of every chart: palette, font scale, log floor, margins and axes, and the one constructor.

Every builder returns a plain {"data": [...], "layout": {...}} dict made by `figure` (or `from_figure`, for the few
built with plotly's subplot and shape helpers): what the chart grid sends as it is, and what
plotly.graph_objects.Figure accepts (the tests validate every builder against Plotly's schema). No template is
used: every colour, size and margin is written here, so the grid (plotly.js defaults) and st.plotly_chart draw the
same chart.
"""
from __future__ import annotations

import itertools
import math
import statistics

import numpy as np

# ---- colours ----
# Okabe-Ito: told apart by colour-blind viewers and on a washed-out projector (yellow left out: it vanishes on white).
PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
# RdBu (ColorBrewer), diverging and colour-blind-safe; red < 0 < blue. Spelled out because plotly.js's own "RdBu"
# (what a bare name would give in the browser) has a grey middle and the opposite direction.
RDBU = ("rgb(103,0,31)", "rgb(178,24,43)", "rgb(214,96,77)", "rgb(244,165,130)", "rgb(253,219,199)",
        "rgb(247,247,247)", "rgb(209,229,240)", "rgb(146,197,222)", "rgb(67,147,195)", "rgb(33,102,172)",
        "rgb(5,48,97)")
COLORSCALE = [[k / (len(RDBU) - 1), c] for k, c in enumerate(RDBU)]
REVERSED_COLORSCALE = [[k / (len(RDBU) - 1), c] for k, c in enumerate(reversed(RDBU))]  # blue lower, red higher
CLASS_COLORS = ("#b2182b", "#2166ac")  # near the ends of RdBu, for class 0 and class 1 (and test / train loss)
# Neutrals: text and outlines, reference lines and notes, borders, faint lines, light fills and the grid, paper.
INK, NOTE, BORDER, FAINT, LIGHT, PAPER = "#222222", "#555555", "#888888", "#bdbdbd", "#e5e5e5", "#ffffff"
VEIL = "rgba(255,255,255,0.85)"  # behind a legend or a label that sits on the plot
SHADOW = "rgba(80,80,80,0.25)"  # many thin lines (one per seed), contour lines
NEUTRALS = (INK, NOTE, BORDER, FAINT, LIGHT, PAPER, VEIL, SHADOW)


def tint(color: str, share: float) -> str:
    """A "#rrggbb" colour mixed with white: `share` of the colour, the rest white (a light fill)."""
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - share * (255 - c)):02x}" for c in rgb)


GROUP_FILLS = tuple(tint(c, 0.3) for c in PALETTE)  # light fills marking groups of equal weights in a table

# ---- type: one scale; TEXT_PX is the presenter floor, so one size serves the screen and the projector ----
TEXT_PX = 16  # every chart text: tick labels, legends, annotations, hover labels, table cells
TITLE_PX = 19  # a figure's title (plotly.js draws axis titles 1.2 x TEXT_PX)
FONT = dict(size=TEXT_PX)
# plotly.js anchors a title of several lines a little too high: each line after the first is held this much lower
TITLE_LINE_PAD = 8

# ---- log axes ----
# An exact 0 (or anything smaller) on a log axis is drawn here and labelled as exactly 0. Far below every real value
# the charts show (round-off gaps between units reach 1e-21; vanishing signals in a deep stack 1e-13), so a point at
# the floor can only be a zero.
LOG_FLOOR = 1e-30
TICK_SPACING_PX = 34  # a log axis gets at most one labelled tick per this many pixels of its length

# ---- margins and axes ----
MARGIN = dict(l=60, r=20, t=64, b=48)  # t: the title (about 34 px with its pad) and a line for a legend
AXIS = dict(gridcolor=LIGHT, zerolinecolor=FAINT, linecolor=BORDER, automargin=True)
MAX_POINTS = 600  # a curve sends at most this many points


def figure(data, title: str | None, height: int, subtitle: str = "", **layout) -> dict:
    """THE constructor: {"data", "layout"} with the style's fonts, colours and margins, a fixed height (live
    refreshes do not jump) and zoom kept across redraws. Every cartesian axis in `layout` gets the style's axis
    colours unless it says otherwise; subtitle: a line under the title (leave room for it in margin t)."""
    base = dict(font=FONT, height=height, margin=dict(MARGIN), uirevision="keep", paper_bgcolor=PAPER,
                plot_bgcolor=PAPER, colorway=list(PALETTE), hoverlabel=dict(font=FONT))
    if title:  # at the very top, so a legend or heading above the plot has a line of its own
        base["title"] = dict(text=title, font=dict(size=TITLE_PX), x=0.01, xanchor="left", yref="container", y=1,
                             yanchor="top", pad=dict(t=8 + TITLE_LINE_PAD * title.count("<br>")),
                             **({"subtitle": dict(text=subtitle, font=FONT)} if subtitle else {}))
    for k, v in layout.items():
        base[k] = {**AXIS, **v} if k.startswith(("xaxis", "yaxis")) else v
    return {"data": data, "layout": base}


def from_figure(fig, title: str | None, height: int, **layout) -> dict:
    """A figure built with plotly's helpers (subplots, shapes) as the style's dict: its traces and layout, through
    `figure`. plotly's default template, which the helper figure carries, is dropped."""
    spec = fig.to_plotly_json()
    own = {k: v for k, v in spec["layout"].items() if k != "template"}
    return figure(spec["data"], title, height, **{**own, **layout})


def titled(fig: dict, title: str) -> dict:
    """The same figure under another title (to label a shared builder's output by run or seed)."""
    layout = fig["layout"]
    return {**fig, "layout": {**layout, "title": {**layout.get("title", {}), "text": title}}}


# ---- numbers to draw ----

_BIG = float(np.finfo(np.float32).max) / 10  # finite32's limit: far above anything drawn, far below float32's inf


def finite32(a, fill=0.0) -> np.ndarray:
    """a as float32 with NaN and +-inf replaced, so nothing non-finite reaches a figure."""
    a = np.asarray(a, dtype=np.float64)
    if a.size and -_BIG <= a.min() and a.max() <= _BIG:  # all finite and in range (NaN compares false): as they are
        return a.astype(np.float32)
    return np.nan_to_num(np.clip(a, -_BIG, _BIG), nan=fill, posinf=_BIG, neginf=-_BIG).astype(np.float32)


def finite_fit(a, fill=0.0) -> np.ndarray:
    """a with NaN and +-inf replaced: as float32 (finite32) when every value fits finite32's range, else as float64,
    for a chart that must draw its values at their size (a diverging run's weights of 10<sup>63</sup> would all be
    drawn at finite32's limit) at twice the bytes."""
    a = np.asarray(a, dtype=np.float64)
    size = np.abs(a[np.isfinite(a)])
    if not size.size or size.max() <= _BIG:
        return finite32(a, fill)
    top = float(np.finfo(np.float64).max)
    return np.nan_to_num(a, nan=fill, posinf=top, neginf=-top)


def floored(a) -> tuple[np.ndarray, np.ndarray]:
    """(|a| as finite float32 raised to LOG_FLOOR, mask of the exact zeros): what a log axis shows."""
    y = np.abs(finite32(a))
    return np.maximum(y, np.float32(LOG_FLOOR)), y == 0


def table(rows, n_rows: int, n_cols: int, dtype) -> np.ndarray:
    """Rows of numbers (a tuple per snapshot, say) as an (n_rows, n_cols) array: what np.asarray(rows) gives, in
    half its time."""
    return np.fromiter(itertools.chain.from_iterable(rows), dtype=dtype, count=n_rows * n_cols).reshape(n_rows,
                                                                                                         n_cols)


def nice_step(x: float) -> float:
    """The smallest 1-2-5 step >= x."""
    e = np.floor(np.log10(x))
    return float(next(m * 10 ** e for m in (1, 2, 5, 10) if m * 10 ** e >= x * (1 - 1e-9)))


def nice_ceiling(x: float) -> float:
    """The smallest 1-2-5 step >= x (at least 0.1): a colour range that changes rarely."""
    x = float(x) if np.isfinite(x) else 1.0
    return 0.1 if x <= 0.1 else nice_step(x)


def typical_vmax(peaks) -> float:
    """A colour range for a typical picture or matrix: the 1-2-5 step above the median of `peaks` (each one's
    largest |value|), and at least 1; 1 when there are none."""
    return nice_ceiling(max(1.0, statistics.median(peaks))) if len(peaks) else 1.0


def saturation(lows, highs, vmax: float) -> tuple[float, tuple[bool, bool]]:
    """(codes, beyond) for colours over -vmax..vmax and values whose arrays have these least and largest values:
    the range the values travel over as codes (vmax, or the 1-2-5 step above the largest |value| when that lies
    past it: a range that changes as rarely as the colours', so a refresh's codes stay small differences), and
    whether some values lie below -vmax and above vmax (the colour bar's ends say so: colorbar's `beyond`)."""
    lo, hi = min(lows, default=0.0), max(highs, default=0.0)
    top = max(-lo, hi)
    return (nice_ceiling(top) if top > vmax else vmax), (lo < -vmax, hi > vmax)


def thin(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """At most max_points indices over range(n): every stride-th from 0, the stride a power of two, and the last.

    A growing history keeps the points it has (only the last one moves on) until its stride doubles, so the chart
    grid sends just the new points on most refreshes (ui/transport.py)."""
    if n <= max_points:
        return np.arange(n)
    stride = 1 << math.ceil(math.log2((n - 1) / (max_points - 1)))
    i = np.arange(0, n, stride)
    return i if i[-1] == n - 1 else np.append(i, n - 1)


def quantised(z, lo: float, hi: float, levels: int = 65536) -> dict:
    """A transport hint for a heatmap or contour trace (plotly.js ignores `meta`): its z may travel as `levels`
    equal steps from lo to hi, widened to z's own range (ui/transport.py). 65,536 levels keep the hover's 4
    significant digits for values near the ends of the range, where the colour matters."""
    z = np.asarray(z)
    zlo, zhi = float(z.min(initial=lo)), float(z.max(initial=hi))
    if zlo != zlo or zhi != zhi:  # NaN, which these let through: the NaN-skipping forms (slower) then
        zlo, zhi = float(np.nanmin(z, initial=lo)), float(np.nanmax(z, initial=hi))
    return {"meta": {"levels": levels, "lo": min(float(lo), zlo), "hi": max(float(hi), zhi)}}


def plot_px(height: int, margin: dict) -> float:
    """The plot area's height in pixels, before plotly grows the margins for long labels."""
    return height - margin["t"] - margin["b"]


# ---- the log axis ----

def number_text(v: float, digits: int = 6, power_below: float = 1e-4) -> str:
    """A number as chart text writes it: `digits` significant digits as Python's g format gives them ("0.5",
    "-0.1234", "250"), but a power of ten written out ("2.8×10<sup>3</sup>", "-2.394×10<sup>11</sup>",
    "10<sup>-7</sup>") where g would write e-notation ("2.8e+03"), which a student need not know, and for any
    number nearer 0 than `power_below` (where g writes 0.0002, a power can be shorter: 2×10<sup>-4</sup>)."""
    text = f"{v:.{digits - 1}e}" if 0 < abs(v) < power_below else f"{v:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    power = f"10<sup>{int(exponent)}</sup>"
    return {"1": power, "-1": "-" + power}.get(mantissa, f"{mantissa}×{power}")


def _tick_text(v: float, step: float | None = None) -> str:
    """A positive tick value written out in full ("0.2", "1.48", "5×10<sup>-8</sup>"), never as the bare
    mantissa digit plotly.js puts on a minor tick. step: the spacing of evenly spaced ticks, for their digits."""
    e = int(np.floor(np.log10(v) + 1e-9))
    digits = 3 if step is None else max(1, e - int(np.floor(np.log10(step) + 1e-9)) + 1)
    if -3 <= e <= 3:
        return f"{v:.{max(digits, e + 1)}g}"
    m = f"{v / 10.0 ** e:.{digits}g}"
    return ("" if m == "1" else f"{m}×") + f"10<sup>{e}</sup>"


def log_axis(values, px: float, min_decades: float = 0.0) -> dict:
    """Range and labelled ticks of a log axis over the positive `values` (smaller ones are left out: draw them at
    LOG_FLOOR with `floored`), for an axis `px` pixels long, at least `min_decades` tall (a flat line then looks
    flat, instead of noise blown up to fill the panel).

    Ticks: whole decades (every few when there are many) once three or more fall inside, else 1-2-5 values (1 and 5
    when those are too many, the decades when even those are), else evenly spaced values on a short range. At most
    one tick per TICK_SPACING_PX, at least two, and every label is the tick's own value written out in full, never
    the bare digit plotly.js puts on a minor tick ("2" for 0.2).
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    lo, hi = (float(v.min()), float(v.max())) if v.size else (0.1, 1.0)
    if hi < lo * 1.001:  # one value, or nearly: show a little around it
        lo, hi = lo / 1.05, hi * 1.05
    lo, hi = float(np.log10(lo)), float(np.log10(hi))
    grow = max(0.0, (min_decades - (hi - lo)) / 2)
    lo, hi = lo - grow, hi + grow  # ticks go inside [lo, hi]; the axis shows a little more
    pad = 0.04 * (hi - lo)
    most = max(2, int(px // TICK_SPACING_PX))
    first, last = int(np.ceil(lo - 1e-9)), int(np.floor(hi + 1e-9))
    decades = list(range(first, last + 1))

    def steps(mantissas):
        return [float(f"{m * 10.0 ** k:.1e}") for k in range(first - 1, last + 2) for m in mantissas
                if lo - 1e-9 <= np.log10(m) + k <= hi + 1e-9]

    step = None
    if len(decades) >= 3:
        every = int(np.ceil(len(decades) / most))
        ks = [k for k in decades if k % every == 0]
        ks = ks if len(ks) >= 2 else [decades[0], decades[-1]]
        # thinned to every third decade or sparser, the data's own top (or bottom) decade is labelled too when it
        # lies at least every - 1 decades past the last label: a line at 573 under an axis labelled up to 1 read as
        # nothing (Start here, stop 6, presenting)
        if every >= 3 and len(ks) < most + 1 and decades[-1] - ks[-1] >= every - 1:
            ks.append(decades[-1])
        if every >= 3 and len(ks) < most + 1 and ks[0] - decades[0] >= every - 1:
            ks.insert(0, decades[0])
        ticks = [10.0 ** k for k in ks]
    else:
        ticks = steps((1, 2, 5))
        if len(ticks) > most + 1:
            ticks = steps((1, 5))
        if len(ticks) > most + 1 and len(decades) == 2:
            ticks = [10.0 ** k for k in decades]
        if not 2 <= len(ticks) <= most + 1:  # a short range: evenly spaced values
            a, b = 10.0 ** lo, 10.0 ** hi
            step = nice_step((b - a) / most)
            while np.floor(b / step) - np.ceil(a / step) < 1:  # fewer than two inside: the next finer 1-2-5 step
                step = nice_step(step / 2.6)
            ticks = [t for t in np.arange(np.ceil(a / step), np.floor(b / step) + 1) * step if t > 0]
    return dict(type="log", range=[lo - pad, hi + pad], tickmode="array", tickvals=[float(t) for t in ticks],
                ticktext=[_tick_text(t, step) for t in ticks])


def floor_marks(xref: str, yref: str, left: bool = False) -> dict:
    """A dotted line and a label at LOG_FLOOR: exact zeros are drawn there, honestly labelled. The label stands at
    the right end of the line, or at its left end (left) when a legend holds the chart's top right corner."""
    return dict(
        shapes=[dict(type="line", xref=f"{xref} domain", x0=0, x1=1, yref=yref, y0=LOG_FLOOR, y1=LOG_FLOOR,
                     line=dict(color=NOTE, dash="dot", width=1))],
        annotations=[dict(xref=f"{xref} domain", x=0.01 if left else 0.99, yref=yref, y=float(np.log10(LOG_FLOOR)),
                          xanchor="left" if left else "right", yanchor="bottom", showarrow=False,
                          text=f"exactly 0 (drawn at {number_text(LOG_FLOOR)})", font=dict(size=TEXT_PX, color=NOTE))],
    )


# ---- legends and colour bars ----

LEGEND_ROW_PX = 28  # one row of a horizontal legend at TEXT_PX
LEGEND_ENTRY_PX = 22  # one entry of a vertical legend at TEXT_PX (measured in Chromium: four take 90 px)
LEGEND_SAMPLE = 64  # inside_legend looks at about this many points of each line


def legend_below(rows: int) -> tuple[dict, int]:
    """(legend, bottom margin) for a horizontal legend of `rows` rows at the foot of the figure, under the x-axis
    title and never on it: the legend sits against the figure's bottom edge, and the margin holds it and the title."""
    return dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0), 62 + LEGEND_ROW_PX * rows


def legend_above() -> dict:
    """A one-row legend in the line between the title and the plot (MARGIN's t holds it), against the plot's right
    edge: for a plot too short to hold its legend inside (inside_legend_fits)."""
    return dict(orientation="h", x=1, xanchor="right", y=1, yanchor="bottom", bgcolor=VEIL)


# An inside legend may take at most this share of the plot's height; a taller one covers half the curves whichever
# corner it stands in (four entries on a presenter's 132-px loss plot took three quarters of it).
INSIDE_LEGEND_SHARE = 0.5


def _legend_share(entries: int, plot_height_px: float) -> float:
    """The share of a plot's height a vertical legend of `entries` entries takes (a row each, and its padding)."""
    return (entries * LEGEND_ENTRY_PX + 8) / plot_height_px


def inside_legend_fits(entries: int, plot_height_px: float) -> bool:
    """Whether a vertical legend of `entries` entries stands inside a plot this tall (inside_legend)."""
    return plot_height_px > 0 and _legend_share(entries, plot_height_px) <= INSIDE_LEGEND_SHARE


_CORNERS = {"top right": (0.99, "right", 0.99, "top"), "top left": (0.01, "left", 0.99, "top"),
            "bottom left": (0.01, "left", 0.01, "bottom"), "bottom right": (0.99, "right", 0.01, "bottom")}


def inside_legend(data=(), x_range=None, y_axis=None, plot_height_px: float = 0.0, taken: tuple = ()) -> dict:
    """A legend inside the plot, in a corner: it never meets the title, the ticks or a neighbouring chart.

    Given the traces (`data`, each with its x and y), the x axis' range and the y axis (its type and range, as
    log_axis gives them), the corner whose box covers least of the lines, a newer point (further right) counting
    more: the top right one unless lines pass there, then the top left, the bottom left or the bottom right, in that
    order among equals. A loss that falls leaves the top right free; an equal-start twin's flat loss, or a test loss
    that rises again, does not, and the legend stood on the newest part of the curves, the part a class watches.
    The box is taken as half the plot's width (its width is the browser's to choose) and an entry's height per line
    tall; each line counts alike, however many points it has (about LEGEND_SAMPLE of them are looked at). taken:
    corners that hold something else (floor_marks' label, at the bottom right), never chosen."""
    where = "top right"
    traces = [t for t in data if t.get("showlegend", True) is not False and len(t.get("x", ())) and len(t["y"])]
    if traces and x_range is not None and y_axis is not None and plot_height_px > 0 and "range" in y_axis:
        strides = [max(1, len(t["x"]) // LEGEND_SAMPLE) for t in traces]  # a line's shape needs few of its points
        x = np.concatenate([t["x"][::k] for t, k in zip(traces, strides)], dtype=np.float32)
        y = np.concatenate([t["y"][::k] for t, k in zip(traces, strides)], dtype=np.float32)
        counts = [-(-len(t["x"]) // k) for t, k in zip(traces, strides)]
        if y_axis.get("type") == "log":
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log10(y)
        (x0, x1), (y0, y1) = x_range, y_axis["range"]
        u, v = (x - x0) / max(x1 - x0, 1e-300), (y - y0) / max(y1 - y0, 1e-300)
        tall = min(1.0, _legend_share(len(traces), plot_height_px))
        # each point's weight: its line's share (each line weighs 1), more the further right it is
        weight = np.repeat(np.reciprocal(np.array(counts, dtype=np.float32)), counts) * (0.25 + u)
        sides = np.array([u >= 0.5, u <= 0.5])  # right, left: half the width
        ends = np.array([v >= 1 - tall, v <= tall])  # top, bottom
        cover = (ends[:, None, :] & sides[None, :, :]).reshape(4, -1) @ weight
        covered = {k: float(c) for k, c in zip(("top right", "top left", "bottom right", "bottom left"), cover)
                   if k not in taken}
        if covered.get("top right", 1.0):
            where = min(_CORNERS, key=lambda k: covered.get(k, np.inf))  # the first of the least covered, in order
    x, xanchor, y, yanchor = _CORNERS[where]
    return dict(x=x, xanchor=xanchor, y=y, yanchor=yanchor, bgcolor=VEIL)


COLORBAR_LABEL_PX = 22  # from one colour-bar label to the next: a 16-px label and room around it
COLORBAR_TITLE_PX = 30  # a colour bar's title above the bar takes this much of its length


def colorbar(title: str, lo: float, mid: float, hi: float, px: float | None = None,
             beyond: tuple[bool, bool] = (False, False)) -> dict:
    """A colour bar labelled at its ends and middle only: five labels collide on a chart 220 px tall.

    px: the height of the plot beside it, when that may be short (a presenter's row of small charts): the title
    then goes beside the bar instead of above it when the bar is too short for both, and the middle label is left
    out when even the whole bar is too short for three. beyond: whether some values lie below lo and above hi,
    drawn in the end colours: those ends are then labelled "≤−5" and "≥5" (lo -5, hi 5)."""
    length = 0.9 if px is None else 0.9 * px
    side = "top" if px is None or length - COLORBAR_TITLE_PX >= 2 * COLORBAR_LABEL_PX else "right"
    values = ([float(lo), float(mid), float(hi)] if side == "top" or length >= 2 * COLORBAR_LABEL_PX
              else [float(lo), float(hi)])
    text = [number_text(v).replace("-", "−") for v in values]
    text[0], text[-1] = ("≤" if beyond[0] else "") + text[0], ("≥" if beyond[1] else "") + text[-1]
    return dict(title=dict(text=title, side=side), thickness=14, len=0.9, tickmode="array", tickvals=values,
                ticktext=text)
