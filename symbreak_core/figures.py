"""Plotly figure builders: pure functions from results and arrays to go.Figure.

The only module that imports plotly. Builders take engine results (TrainResult, Snapshot,
Field, ...) or plain arrays, never widgets, and never train. Every array sent to a figure is
float32 and finite; colour ranges are fixed and symmetric about 0 (RdBu, colour-blind-safe),
fonts are large enough for a projector, and heights are fixed so live refreshes do not jump.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

# ---- Playground figures ----
# Builders assemble plain dicts and make one go.Figure at the end: a single validation pass,
# fast enough to redraw every chart several times a second.

FONT = dict(size=16)  # readable from the back of a classroom
# RdBu (ColorBrewer), diverging and colour-blind-safe; red < 0 < blue. Spelled out because plotly.js's own
# "RdBu" (used when a raw spec reaches the browser) has a grey middle and the opposite direction.
_RDBU = ("rgb(103,0,31)", "rgb(178,24,43)", "rgb(214,96,77)", "rgb(244,165,130)", "rgb(253,219,199)",
         "rgb(247,247,247)", "rgb(209,229,240)", "rgb(146,197,222)", "rgb(67,147,195)", "rgb(33,102,172)",
         "rgb(5,48,97)")
COLORSCALE = [[k / (len(_RDBU) - 1), c] for k, c in enumerate(_RDBU)]
CLASS_COLORS = ("#b2182b", "#2166ac")  # the ends of RdBu, for class 0 and class 1
LAYER_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")  # Dark2
LOG_FLOOR = 1e-17  # an exact 0 on a log axis is drawn here, and labelled as exactly 0
MAX_POINTS = 600  # a curve sends at most this many points
HEIGHT = 340
_AXIS = dict(gridcolor="#e5e5e5", zerolinecolor="#cccccc", linecolor="#999999", automargin=True)
_MARGIN = dict(l=60, r=20, t=64, b=48)  # t: the title (about 34 px with its pad) and a line for a legend


def finite32(a, fill=0.0) -> np.ndarray:
    """a as float32 with NaN and +-inf replaced, so nothing non-finite reaches a figure."""
    a = np.asarray(a, dtype=np.float64)
    big = float(np.finfo(np.float32).max) / 10
    return np.nan_to_num(np.clip(a, -big, big), nan=fill, posinf=big, neginf=-big).astype(np.float32)


def nice_ceiling(x: float) -> float:
    """The smallest 1-2-5 step >= x (at least 0.1): a colour range that changes rarely."""
    x = float(x) if np.isfinite(x) else 1.0
    if x <= 0.1:
        return 0.1
    e = np.floor(np.log10(x))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * 10 ** e >= x * (1 - 1e-12):
            return float(m * 10 ** e)
    return float(10 ** (e + 1))


def thin(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """At most max_points indices spread over range(n), always keeping the first and last."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


def _figure(raw: bool, data, title: str, height: int, subtitle: str = "", **layout):
    """One go.Figure from trace dicts: large fonts, fixed height, white background, zoom kept across redraws.

    subtitle: a line under the title (leave room for it in margin t). raw=True returns the plain {"data",
    "layout"} dict instead, skipping plotly's validation (about 7 ms a figure): the live view serialises it with
    spec_json several times a second.
    """
    base = dict(  # the title at the very top, so a legend or heading above the plot has a line of its own
        title=dict(text=title, font=dict(size=19), x=0.01, xanchor="left", yref="container", y=1, yanchor="top",
                   pad=dict(t=8), **({"subtitle": dict(text=subtitle, font=dict(size=14))} if subtitle else {})),
        font=FONT, height=height, margin=dict(_MARGIN), uirevision="keep",
        paper_bgcolor="white", plot_bgcolor="white", hoverlabel=dict(font=dict(size=15)),
    )
    base.update(layout)
    if raw:
        return {"data": data, "layout": base}
    return go.Figure(data=data, layout=base)


_DTYPES = {"float32": "f4", "float64": "f8", "int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2",
           "int32": "i4", "uint32": "u4"}


def _typed(a: np.ndarray) -> dict:
    """A numpy array as a plotly.js typed array (base64 bytes, dtype, shape): compact and exact."""
    import base64

    if a.dtype.name not in _DTYPES:
        a = a.astype(np.float32 if a.dtype.kind == "f" else np.int32)
    a = np.ascontiguousarray(a)
    out = {"dtype": _DTYPES[a.dtype.name], "bdata": base64.b64encode(a.tobytes()).decode("ascii")}
    if a.ndim > 1:
        out["shape"] = ", ".join(map(str, a.shape))
    return out


def as_figure(spec) -> go.Figure:
    """A raw spec (from raw=True) as a go.Figure; a go.Figure is returned as it is."""
    return spec if isinstance(spec, go.Figure) else go.Figure(data=spec["data"], layout=spec["layout"])


def spec_json(spec) -> str:
    """JSON of a figure: a raw spec (from raw=True) fast, or any go.Figure through plotly. NaN is refused."""
    import json

    if isinstance(spec, go.Figure):
        return spec.to_json()

    def encode(o):
        if isinstance(o, np.ndarray):
            return _typed(o) if o.dtype.kind in "fiub" else o.tolist()
        if isinstance(o, np.generic):
            return o.item()
        raise TypeError(f"cannot serialise {type(o).__name__}")

    return json.dumps(spec, default=encode, allow_nan=False, separators=(",", ":"))


def layer_names(n_layers: int) -> list[str]:
    """'input → layer 1', ..., 'layer L → output' for the weight matrices of a network."""
    ends = ["input"] + [f"layer {i}" for i in range(1, n_layers)] + ["output"]
    return [f"{a} → {b}" for a, b in zip(ends[:-1], ends[1:])]


def _colorbar(title: str, lo: float, mid: float, hi: float) -> dict:
    """A colour bar labelled at its ends and middle only: five labels collide on a chart 220 px tall."""
    values = [float(lo), float(mid), float(hi)]
    return dict(title=dict(text=title), thickness=14, len=0.9, tickmode="array", tickvals=values,
                ticktext=[f"{v:g}".replace("-", "−") for v in values])


def short_layer_names(n_layers: int) -> list[str]:
    """'input → 1', ..., 'L → out': the same names, short enough for a narrow panel or a legend."""
    ends = ["input"] + [str(i) for i in range(1, n_layers)] + ["out"]
    return [f"{a} → {b}" for a, b in zip(ends[:-1], ends[1:])]


BIAS_ROW_GAP = 0.35  # the bias row sits this far (in rows) below the weights, so it reads as a row of its own
MAX_NUMBERED = 8  # a weight panel numbers every column up to this many; 8 numbers fit a panel on a phone
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def weight_heatmaps(weights, vmax: float | None = None, height: int = HEIGHT, raw: bool = False,
                    biases=None) -> go.Figure | dict:
    """One heatmap per weight matrix W (fan_in, fan_out): row i = input i, column j = unit j; with `biases`,
    each unit's bias b[j] is drawn as an extra row "b" under its column (traces: the weights, then the biases).

    A unit is its column (bias included), so identical units are identical columns. The colour range is
    [-vmax, vmax] (default: a 1-2-5 step above the largest |w| or |b|); pass the same vmax at every step so
    colours keep their meaning.
    """
    weights = [finite32(W) for W in weights]
    biases = None if biases is None else [finite32(b).reshape(1, -1) for b in biases]
    if vmax is None:
        vmax = nice_ceiling(max(float(np.abs(a).max(initial=0.0)) for a in weights + (biases or [])))
    n, gap = len(weights), 0.03
    widths = [W.shape[1] + 1.5 for W in weights]
    usable = 1 - gap * (n - 1)
    names = layer_names(n)
    short = short_layer_names(n)  # axis titles must fit narrow panels
    data, bias_rows, layout, x0 = [], [], {}, 0.0
    for k, W in enumerate(weights):
        x1 = min(1.0, x0 + usable * widths[k] / sum(widths))
        ax = "" if k == 0 else str(k + 1)
        rows, cols = W.shape
        columns = np.arange(1, cols + 1)
        data.append(dict(
            type="heatmap", z=W, x=columns, y=np.arange(1, rows + 1),
            coloraxis="coloraxis", xaxis=f"x{ax}", yaxis=f"y{ax}", xgap=1, ygap=1,
            hovertemplate=f"{names[k]}<br>w[%{{y}}, %{{x}}] = %{{z:.4g}}<extra></extra>",
        ))
        # Row numbers only on the first panel (the inputs); a later panel's rows are the previous panel's columns.
        # Columns are numbered in full up to MAX_NUMBERED, else only the first and last, so labels never collide.
        names_y = [f"x{str(i).translate(_SUBSCRIPT)}" for i in range(1, rows + 1)] if k == 0 and rows <= 16 else []
        ticks = dict(tickmode="array", tickvals=list(range(1, len(names_y) + 1)), ticktext=names_y)
        numbered = list(range(1, cols + 1)) if cols <= MAX_NUMBERED else [1, cols]
        if biases is not None:
            y_b = rows + 1 + BIAS_ROW_GAP
            bias_rows.append(dict(
                type="heatmap", z=biases[k], x=columns, y=np.array([y_b]), coloraxis="coloraxis",
                xaxis=f"x{ax}", yaxis=f"y{ax}", xgap=1, ygap=1,
                hovertemplate=f"{names[k]}<br>bias b[%{{x}}] = %{{z:.4g}}<extra></extra>",
            ))
            if k == 0:
                ticks["tickvals"] = ticks["tickvals"] + [y_b]
                ticks["ticktext"] = ticks["ticktext"] + ["b"]
        layout[f"xaxis{ax}"] = dict(
            domain=[x0, x1], anchor=f"y{ax}", title=dict(text=short[k], font=dict(size=14)), showgrid=False,
            zeroline=False, tickfont=dict(size=14), tickmode="array", tickvals=numbered,
            ticktext=[str(c) for c in numbered])
        layout[f"yaxis{ax}"] = dict(
            anchor=f"x{ax}", autorange="reversed", showgrid=False, zeroline=False, tickfont=dict(size=14), **ticks)
        x0 = x1 + gap
    layout["coloraxis"] = dict(colorscale=COLORSCALE, cmin=-vmax, cmax=vmax, cmid=0.0,
                               colorbar=_colorbar("w, b" if biases is not None else "w", -vmax, 0.0, vmax))
    title = "Weights and biases" if biases is not None else "Weights"
    # the rule goes on a line of its own, so the title fits a phone and the rule is never cut off
    return _figure(raw, data + bias_rows, title, height, subtitle="equal columns = identical units",
                   margin=dict(l=60, r=20, t=76, b=48), **layout)


def unit_outputs(field, n_layers: int = 2, max_units: int = 16, per_row: int | None = None, vmax: float | None = None,
                 distinct=None, height: int = 430, raw: bool = False) -> go.Figure | dict:
    """Each hidden unit's output over the input plane, for the first n_layers hidden layers.

    Tiles are packed into one heatmap per layer (the gaps hold 0, drawn white); at most max_units
    tiles per layer, the rest are summarised in the layer's caption. distinct: per hidden layer,
    the number of distinct units, for the caption. Tile u of a layer is unit u + 1.
    """
    layers = [finite32(h) for h in field.hidden[:n_layers]]
    if per_row is None:  # 4 a row for small layers, so the tiles stay large
        per_row = 4 if max(len(h) for h in layers) <= 8 else 8
    if vmax is None:
        peak = max((float(np.abs(h).max(initial=0.0)) for h in layers), default=1.0)
        vmax = 1.0 if peak <= 1.0 else nice_ceiling(peak)
    res = len(field.xs)
    pad = max(2, res // 8)
    cell = res + pad
    data, mids, notes, top = [], [], [], 0
    for li, h in enumerate(layers):
        shown = h[:max_units]
        n = len(shown)
        cols = min(per_row, n)
        rows = -(-n // cols)
        Z = np.zeros((rows * cell, cols * cell - pad), dtype=np.float32)
        for u in range(n):
            r, c = divmod(u, cols)
            Z[r * cell: r * cell + res, c * cell: c * cell + res] = shown[u][::-1]  # row 0 = top of the plane
        top += 2 * pad if li else 0  # a wider gap between layers than between units
        data.append(dict(type="heatmap", z=Z, x0=0, dx=1, y0=top, dy=1, coloraxis="coloraxis",
                         hovertemplate=f"layer {li + 1}<br>output %{{z:.3f}}<extra></extra>"))
        # The layer's caption is its tick label, in the left margin: it can never cover a tile.
        note = f"layer {li + 1}<br>{len(h)} units"
        if distinct is not None and li < len(distinct):
            note += f"<br>{distinct[li]} distinct"
        if len(h) > n:
            note += f"<br>{n} shown"
        mids.append(top + (rows * cell - pad) / 2)
        notes.append(note)
        top += rows * cell
    return _figure(raw,
        data, "Hidden units", height, subtitle="over the input plane: same picture = same unit",
        margin=dict(l=10, r=20, t=76, b=10),
        xaxis=dict(visible=False, range=[-0.5, per_row * cell - pad - 0.5], constrain="domain"),
        yaxis=dict(range=[top - pad, 0], scaleanchor="x", constrain="domain", showgrid=False, zeroline=False,
                   showline=False, ticks="", tickmode="array", tickvals=mids, ticktext=notes, automargin=True,
                   tickfont=dict(size=14)),
        coloraxis=dict(colorscale=COLORSCALE, cmin=-vmax, cmax=vmax, cmid=0.0,
                       colorbar=_colorbar("output", -vmax, 0.0, vmax)),
    )


def _floored(y: np.ndarray, floor: float = LOG_FLOOR):
    """(y with values <= 0 raised to floor, mask of those values)."""
    zero = y <= 0
    return np.where(zero, floor, y).astype(np.float32), zero


def _floor_marks(xref: str, yref: str) -> dict:
    """A dotted line and a label at LOG_FLOOR: exact zeros are drawn there, honestly labelled."""
    return dict(
        shapes=[dict(type="line", xref=f"{xref} domain", x0=0, x1=1, yref=yref, y0=LOG_FLOOR, y1=LOG_FLOOR,
                     line=dict(color="#555555", dash="dot", width=1))],
        annotations=[dict(xref=f"{xref} domain", x=0.99, yref=yref, y=float(np.log10(LOG_FLOOR)), xanchor="right",
                          yanchor="bottom", showarrow=False, text=f"exactly 0 (drawn at {LOG_FLOOR:.0e})",
                          font=dict(size=13, color="#555555"))],
    )


TICK_SPACING_PX = 34  # a log axis gets at most one labelled tick per this many pixels of its height


def _log_tick_text(v: float, step: float | None = None) -> str:
    """A positive tick value written out in full ("0.2", "1.48", "5×10<sup>-8</sup>"), never as the bare
    mantissa digit plotly.js puts on a minor tick. step: the spacing of evenly spaced ticks, for their digits."""
    e = int(np.floor(np.log10(v) + 1e-9))
    digits = 3 if step is None else max(1, e - int(np.floor(np.log10(step) + 1e-9)) + 1)
    if -3 <= e <= 3:
        return f"{v:.{max(digits, e + 1)}g}"
    m = f"{v / 10.0 ** e:.{digits}g}"
    return ("" if m == "1" else f"{m}×") + f"10<sup>{e}</sup>"


def _nice_step(x: float) -> float:
    """The smallest 1-2-5 step >= x."""
    e = np.floor(np.log10(x))
    return float(next(m * 10 ** e for m in (1, 2, 5, 10) if m * 10 ** e >= x * (1 - 1e-9)))


def log_axis(values, plot_px: float) -> dict:
    """Range and labelled ticks of a log axis over the positive `values`, for a plot `plot_px` pixels tall.

    Every label is a whole number (decades, or 1-2-5 steps, or evenly spaced values on a short range), so
    plotly never labels minor ticks with bare digits ("2" for 0.2). At most one tick per TICK_SPACING_PX.
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    lo, hi = (float(v.min()), float(v.max())) if v.size else (0.1, 1.0)
    if hi < lo * 1.001:  # one value, or nearly: show a little around it
        lo, hi = lo / 1.05, hi * 1.05
    most = max(2, int(plot_px // TICK_SPACING_PX))
    e0, e1 = int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi)))
    decades = [k for k in range(e0, e1 + 1) if lo <= 10.0 ** k <= hi]
    step = None
    if len(decades) >= 2:
        every = int(np.ceil(len(decades) / most))
        ks = [k for k in decades if k % every == 0]
        ticks = [10.0 ** k for k in (ks if len(ks) >= 2 else (decades[0], decades[-1]))]
    else:
        ticks = [m * 10.0 ** k for k in range(e0, e1 + 1) for m in (1, 2, 5) if lo <= m * 10.0 ** k <= hi]
        if not 2 <= len(ticks) <= most:  # a short range: evenly spaced values
            step = _nice_step((hi - lo) / most)
            while np.floor(hi / step) - np.ceil(lo / step) < 1:  # fewer than two inside: the next finer 1-2-5 step
                step = _nice_step(step / 2.6)
            ticks = [t for t in np.arange(np.ceil(lo / step), np.floor(hi / step) + 1) * step if t > 0]
    pad = 0.04 * (np.log10(hi) - np.log10(lo))
    return dict(type="log", range=[float(np.log10(lo) - pad), float(np.log10(hi) + pad)], tickmode="array",
                tickvals=[float(t) for t in ticks], ticktext=[_log_tick_text(t, step) for t in ticks])


def _plot_px(height: int, margin: dict) -> float:
    """The plot area's height in pixels, before plotly grows the margins for long labels."""
    return height - margin["t"] - margin["b"]


def _inside_legend() -> dict:
    """A legend in the plot's top right corner: it never meets the title, the ticks or a neighbouring chart."""
    return dict(x=0.99, xanchor="right", y=0.99, yanchor="top", bgcolor="rgba(255,255,255,0.8)",
                font=dict(size=14))


def _step_axis(last) -> dict:
    """The x axis of a curve over steps: from 0 to at least 10, so a fresh run shows whole steps."""
    return dict(title=dict(text="step"), range=[0, max(10.0, float(last))], **_AXIS)


def loss_curves(steps, train, test, per_step=None, height: int = HEIGHT, raw: bool = False) -> go.Figure | dict:
    """Train and test loss against step (log y when all are positive). per_step: each step's batch loss, faint."""
    steps, train, test = np.asarray(steps, dtype=np.float32), finite32(train), finite32(test)
    data, ys = [], [train, test]
    if per_step is not None and len(per_step):
        per_step = finite32(per_step)
        i = thin(len(per_step))
        data.append(dict(type="scatter", x=i.astype(np.float32), y=per_step[i], mode="lines", name="each step",
                         line=dict(color="#bdbdbd", width=1.5)))
        ys.append(per_step)
    i = thin(len(steps))
    data.append(dict(type="scatter", x=steps[i], y=train[i], mode="lines", name="train",
                     line=dict(color=CLASS_COLORS[1], width=3)))
    data.append(dict(type="scatter", x=steps[i], y=test[i], mode="lines", name="test",
                     line=dict(color=CLASS_COLORS[0], width=3, dash="dash")))
    every = np.concatenate(ys)
    y = (log_axis(every, _plot_px(height, _MARGIN)) if every.size and np.all(every > 0)
         else dict(type="linear", exponentformat="power"))
    return _figure(raw,
        data, "Loss", height,
        xaxis=_step_axis(max(float(steps.max(initial=0)), len(per_step) if per_step is not None else 0)),
        yaxis=dict(title=dict(text="loss"), **y, **_AXIS),
        legend=_inside_legend(),
    )


def grad_norms(grad_norms, height: int = HEIGHT, raw: bool = False) -> go.Figure | dict:
    """Gradient norm of each layer (T, n_layers) against step, log y; exact zeros drawn at LOG_FLOOR.

    Each norm is the Trainer's: sqrt(|dL/dW|^2 + |dL/db|^2) over the layer's weights and biases together
    (just the weights when the network has no biases), and the labels say so.
    """
    G = finite32(grad_norms)
    data, any_zero = [], False
    if G.ndim == 2:  # at step 0 each layer's trace is empty, so the legend already names the layers
        i = thin(len(G))
        for k, name in enumerate(short_layer_names(G.shape[1])):
            y, zero = _floored(G[i, k])
            any_zero |= bool(zero.any())
            data.append(dict(type="scatter", x=i.astype(np.float32), y=y, mode="lines", name=name,
                             line=dict(color=LAYER_COLORS[k % len(LAYER_COLORS)], width=2.5)))
    extra = _floor_marks("x", "y") if any_zero else {}
    every = np.concatenate([tr["y"] for tr in data]) if data else np.ones(1)
    return _figure(raw,
        data, "Gradient norm (weights + biases)", height,
        xaxis=_step_axis(len(G)),
        yaxis=dict(title=dict(text="‖∂L/∂(W, b)‖"), **log_axis(every, _plot_px(height, _MARGIN)), **_AXIS),
        legend=_inside_legend(), **extra,
    )


def decision_boundary(field, data, height: int = 430, raw: bool = False) -> go.Figure | dict:
    """The network's output over the plane (0.5 = white, the boundary in black) with the training points."""
    out = finite32(field.output)
    r = float(np.abs(out - 0.5).max(initial=0.0))
    r = 0.5 if r <= 0.5 else nice_ceiling(r)
    xs = finite32(field.xs)
    traces = [
        dict(type="heatmap", z=out, x=xs, y=xs, colorscale=COLORSCALE, zmin=0.5 - r, zmax=0.5 + r, zmid=0.5,
             colorbar=_colorbar("output", 0.5 - r, 0.5, 0.5 + r),
             hovertemplate="x₁ %{x:.2f}, x₂ %{y:.2f}<br>output %{z:.3f}<extra></extra>"),
    ]
    if float(out.min()) < 0.5 < float(out.max()):
        traces.append(dict(type="contour", z=out, x=xs, y=xs, showscale=False, hoverinfo="skip", name="boundary",
                           contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
                           line=dict(color="black", width=2.5), showlegend=False))
    X, y = finite32(data.X), np.asarray(data.y).ravel() > 0.5
    for cls, symbol in ((0, "circle"), (1, "diamond")):
        m = y == bool(cls)
        traces.append(dict(
            type="scatter", x=X[m, 0], y=X[m, 1], mode="markers", name=f"class {cls}",
            marker=dict(color=CLASS_COLORS[cls], symbol=symbol, size=8, line=dict(color="white", width=1)),
            hovertemplate=f"class {cls}<extra></extra>",
        ))
    lo, hi = float(xs[0]), float(xs[-1])
    return _figure(raw,
        traces, "Decision boundary and data", height,
        xaxis=dict(range=[lo, hi], title=dict(text="x₁"), constrain="domain", showgrid=False),
        yaxis=dict(range=[lo, hi], title=dict(text="x₂"), scaleanchor="x", constrain="domain", showgrid=False),
        legend=dict(orientation="h", y=1.0, x=1.0, xanchor="right", yanchor="bottom", font=dict(size=14)),
    )


METER_ROW_PX = 24  # one layer's bar in the meter: room for its 16-px label
METER_HEAD_PX = 30  # the gap chart's heading, between the bars and the chart


def symmetry_meter(steps, distinct, gaps, widths, height: int = HEIGHT, raw: bool = False) -> go.Figure | dict:
    """Top: how many different units each hidden layer behaves as now (metrics.distinct_units), out of its
    width. Below: each layer's exact largest weight gap between two units over time (log).

    distinct, gaps: (T, n_hidden) over `steps`. A gap of exactly 0 (perfect symmetry) is drawn at
    LOG_FLOOR with a label, never dropped.
    """
    steps = np.asarray(steps, dtype=np.float32)
    widths = [int(w) for w in widths]
    n = len(widths)
    D = np.asarray(distinct, dtype=np.int64).reshape(len(steps), n)
    Gp = finite32(gaps).reshape(len(steps), n)
    names = [f"layer {k + 1}" for k in range(n)]
    colors = [LAYER_COLORS[k % len(LAYER_COLORS)] for k in range(n)]
    now = D[-1] if len(D) else np.ones(n, dtype=np.int64)
    from .metrics import BEHAVIOUR_TOL  # the rule the hover states, defined once beside the count

    def units(m):
        return f"{m} unit" + ("" if m == 1 else "s")

    hover = [f"layer {k + 1}: its {units(w)} behave{'s' if w == 1 else ''} as {units(d)}<br>"
             f"(outputs within {BEHAVIOUR_TOL:.0%} of the layer's spread count as one)"
             for k, (d, w) in enumerate(zip(now, widths))]
    data = [
        dict(type="bar", orientation="h", y=names, x=np.asarray(widths, dtype=np.float32),
             marker=dict(color="#e6e6e6"), showlegend=False, hoverinfo="skip", xaxis="x", yaxis="y"),
        dict(type="bar", orientation="h", y=names, x=now.astype(np.float32), marker=dict(color=colors),
             showlegend=False, text=[f"{d} / {w}" for d, w in zip(now, widths)], textposition="outside",
             textfont=dict(size=16), cliponaxis=False, hovertext=hover,
             hovertemplate="%{hovertext}<extra></extra>", xaxis="x", yaxis="y"),
    ]
    any_zero, top = False, 1.0
    i = thin(len(steps))
    for k in range(n):
        y, zero = _floored(Gp[i, k])
        any_zero |= bool(zero.any())
        top = max(top, float(y.max(initial=0.0)))
        data.append(dict(type="scatter", x=steps[i], y=y, mode="lines", name=names[k], xaxis="x2", yaxis="y2",
                         line=dict(color=colors[k], width=2.5), showlegend=False))
    # Stacked panels, sized in pixels: a bar row per layer on top (its colour names the layer's line below),
    # then the gap chart under its heading. Side by side, the two headings collided on a phone.
    margin = dict(l=60, r=20, t=64, b=48)
    plot = max(_plot_px(height, margin), 1.0)
    bars = min(METER_ROW_PX * n, 0.45 * plot) / plot
    gap_top = max(0.2, 1 - bars - METER_HEAD_PX / plot)
    extra = _floor_marks("x2", "y2") if any_zero else dict(annotations=[])  # no empty "shapes" in a raw spec
    heads = [dict(xref="paper", x=0, yref="paper", y=1.0, yanchor="bottom", xanchor="left", showarrow=False,
                  text="Behaves as N of its W units", font=dict(size=16)),
             dict(xref="paper", x=0, yref="paper", y=gap_top, yanchor="bottom", xanchor="left", showarrow=False,
                  text="Largest weight gap between units", font=dict(size=16))]
    gap_axis = log_axis([LOG_FLOOR, 10.0 ** np.ceil(np.log10(top))], gap_top * plot)
    return _figure(raw,
        data, "Symmetry meter", height, barmode="overlay", margin=margin,
        annotations=heads + extra["annotations"], **({"shapes": extra["shapes"]} if "shapes" in extra else {}),
        xaxis=dict(domain=[0, 1], anchor="y", visible=False, range=[0, max(widths, default=1) * 1.35]),
        yaxis=dict(domain=[1 - bars, 1], anchor="x", type="category", autorange="reversed", showgrid=False,
                   ticks="", automargin=True),
        xaxis2=dict(domain=[0, 1], anchor="y2", **_step_axis(steps.max(initial=0))),
        yaxis2=dict(domain=[0, gap_top], anchor="x2", **gap_axis, **_AXIS),
    )


# ---- Lesson figures ----

# Builders for the five lesson pages (pages/*.py): pure functions of engine results and arrays.

LESSON_FONT = 17
# Okabe-Ito: told apart by colour-blind viewers and on a washed-out projector.
LESSON_COLORS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
# Light fills that mark groups of exactly equal weights in the worked-example table.
GROUP_FILLS = ("#fdd49e", "#c6dbef", "#c7e9c0", "#dadaeb", "#fcbba1", "#fee391", "#a6dba0", "#d9d9d9")
LESSON_LOG_FLOOR = 1e-30  # on the lessons' log axes, a value this small or an exact 0 is drawn here


def _log32(a) -> np.ndarray:
    """|a| as finite float32, raised to LESSON_LOG_FLOOR so a log axis can show it."""
    return np.maximum(np.abs(finite32(a)), np.float32(LESSON_LOG_FLOOR))


def _lesson_layout(fig: go.Figure, height: int, title: str | None = None, **kw) -> go.Figure:
    kw.setdefault("margin", dict(l=70, r=30, t=60 if title else 30, b=60))
    if title:
        kw["title"] = dict(text=title, font=dict(size=20), x=0.01, xanchor="left")
    fig.update_layout(template="plotly_white", height=height, font=dict(size=LESSON_FONT), **kw)
    return fig


def _tick_label(v: float) -> str:
    """A log-axis tick: plain digits between 0.001 and 10,000, else m×10^k (never a bare mantissa)."""
    if 1e-3 <= v < 1e4:
        return f"{v:g}"
    k = int(np.floor(np.log10(v) + 1e-9))
    m = round(v / 10.0 ** k)
    return (f"{m}×" if m != 1 else "") + f"10<sup>{k}</sup>"


def log_ticks(lo: float, hi: float, most: int = 6) -> dict:
    """Axis settings for a log axis over [lo, hi] (log10 units): labelled ticks at whole decades (every few decades
    when there are many) once three or more fall inside, else at 1-2-5 values (1 and 5 only when those are too
    many). Every label is written out in full, never the bare digit plotly.js puts on a minor tick ("2" for 0.2).
    A range at least one decade tall gets at least three ticks."""
    first, last = int(np.ceil(lo - 1e-9)), int(np.floor(hi + 1e-9))
    if last - first >= 2:
        every = max(1, int(np.ceil((last - first + 1) / most)))
        values = [10.0 ** k for k in range(first, last + 1, every)]
    else:
        def steps(mantissas):
            return [float(f"{m * 10.0 ** k:.1e}") for k in range(first - 1, last + 2) for m in mantissas
                    if lo - 1e-9 <= np.log10(m) + k <= hi + 1e-9]
        values = steps((1, 2, 5))
        if len(values) > most + 1:
            values = steps((1, 5))
    return dict(type="log", range=[lo, hi], tickmode="array", tickvals=values,
                ticktext=[_tick_label(v) for v in values])


LEGEND_ROW_PX = 28  # one row of a horizontal legend at LESSON_FONT


def _legend_below(rows: int) -> tuple[dict, int]:
    """(legend, bottom margin) for a horizontal legend of `rows` rows at the foot of the figure, under the x-axis
    title and never on it: the legend sits against the figure's bottom edge, and the margin holds it and the title."""
    return dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0), 62 + LEGEND_ROW_PX * rows


def weight_vmax(arrays) -> float:
    """One colour limit for a whole timeline: a 1-2-5 step above the largest finite |w| in any of arrays."""
    peak = 0.0
    for a in arrays:
        a = np.asarray(a, dtype=float)
        a = a[np.isfinite(a)]
        if a.size:
            peak = max(peak, float(np.abs(a).max()))
    return nice_ceiling(peak)


# -- 1. Side by side --------------------------------------------------------------------------------

def compare_loss(curves: dict, step: int | None = None, title: str = "Training loss, same data, same settings",
                 height: int = 420):
    """Overlaid loss curves, curves = {label: (steps, losses)}; a dashed line and dots mark the current step."""
    fig = go.Figure()
    finite = [np.asarray(v, dtype=float) for _, v in curves.values()]
    positive = all(np.all(v[np.isfinite(v)] > 0) for v in finite)
    for k, (label, (steps, loss)) in enumerate(curves.items()):
        loss = np.asarray(loss, dtype=float)
        steps = np.asarray(steps)
        ok = np.isfinite(loss)
        steps, loss = steps[ok], loss[ok]
        i = thin(len(steps))
        y = _log32(loss) if positive else finite32(loss)
        color = LESSON_COLORS[k % len(LESSON_COLORS)]
        fig.add_trace(go.Scatter(x=steps[i].astype(np.float32), y=y[i], mode="lines", name=label,
                                 line=dict(color=color, width=3 if k else 4)))
        if step is not None and len(steps):
            j = int(np.clip(np.searchsorted(steps, step, side="right") - 1, 0, len(steps) - 1))
            fig.add_trace(go.Scatter(x=[float(steps[j])], y=[float(y[j])], mode="markers", showlegend=False,
                                     hovertemplate=f"{label}<br>step %{{x}}<br>loss %{{y:.4g}}<extra></extra>",
                                     marker=dict(color=color, size=14, line=dict(color="white", width=2))))
    if step is not None:
        fig.add_vline(x=step, line=dict(color="#555555", dash="dash", width=1.5))
    fig.update_xaxes(title="step", rangemode="tozero")
    shown = [v[np.isfinite(v)] for v in finite]
    axis = dict(type="log" if positive else "linear")
    if positive and any(v.size for v in shown):
        axis = log_ticks(*_log_range(shown, min_decades=1))
    fig.update_yaxes(title="loss" + (" (log scale)" if positive else ""), **axis)
    legend, bottom = _legend_below(1 + len(curves) // 3)
    return _lesson_layout(fig, height, title, legend=legend, margin=dict(l=70, r=30, t=60, b=bottom))


def compare_distinct(distinct: dict, widths, title: str = "Distinct units in each hidden layer", height: int = 420):
    """Grouped bars, distinct = {label: counts per hidden layer}, labelled 'k / width'; the full width is dotted."""
    fig = go.Figure()
    widths = [int(w) for w in widths]
    layers = [f"layer {l + 1}" for l in range(len(widths))]
    crowded = len(distinct) * len(widths) > 6  # many bars: write k alone, the width is the dotted line
    for k, (label, counts) in enumerate(distinct.items()):
        counts = [int(c) for c in counts]
        fig.add_trace(go.Bar(
            x=layers, y=np.asarray(counts, dtype=np.float32), name=label,
            marker_color=LESSON_COLORS[k % len(LESSON_COLORS)], cliponaxis=False,
            text=[str(c) if crowded else f"{c} / {w}" for c, w in zip(counts, widths, strict=True)],
            textposition="outside", textfont=dict(size=LESSON_FONT),
            hovertemplate=f"{label}<br>%{{x}}: %{{y}} distinct units<extra></extra>",
        ))
    top = max(widths, default=1)
    fig.add_hline(y=top, line=dict(color="#555555", dash="dot", width=1.5), annotation_text=f"all {top} units",
                  annotation_position="top left", annotation_font_size=LESSON_FONT - 3,
                  annotation_yshift=24)  # above the bars' own labels, which sit on the line when a layer is full
    fig.update_yaxes(title="distinct units", range=[0, top * 1.3])
    return _lesson_layout(fig, height, title, barmode="group",
                          legend=dict(orientation="h", y=-0.12, x=0, yanchor="top"),
                          margin=dict(l=70, r=30, t=60, b=40))


def titled(fig: go.Figure, title: str) -> go.Figure:
    """The same figure under another title (to label a shared builder's output by run or seed)."""
    fig.update_layout(title=dict(text=title))
    return fig


# -- 2. The worked example --------------------------------------------------------------------------

TOY_NODES = {  # (x, y) of each node in the diagram
    "x1": (0.0, 1.0), "x2": (0.0, 0.0), "y1": (1.0, 1.0), "y2": (1.0, 0.0),
    "y3": (2.0, 1.0), "y4": (2.0, 0.0), "y": (3.0, 0.5),
}
TOY_NODE_PX = 34  # a node's circle: small enough that a weight's label fits between two nodes on a phone
TOY_EDGES = {  # weight -> (from, to): y1 = w1 x1 + w3 x2, y2 = w2 x1 + w4 x2, ... as in symbreak_core.worked_example
    "w1": ("x1", "y1"), "w2": ("x1", "y2"), "w3": ("x2", "y1"), "w4": ("x2", "y2"),
    "w5": ("y1", "y3"), "w6": ("y1", "y4"), "w7": ("y2", "y3"), "w8": ("y2", "y4"),
    "w9": ("y3", "y"), "w10": ("y4", "y"),
}


def _rdbu(value: float, vmax: float) -> str:
    from plotly.colors import sample_colorscale

    return sample_colorscale(COLORSCALE, [float(np.clip(0.5 + 0.5 * value / vmax, 0.0, 1.0))])[0]


def toy_diagram(weights: dict, units: dict, x, vmax: float, title: str | None = None, height: int = 440,
                colorbar_below: bool = True):
    """The 2-2-2-1 network: each edge labelled with its weight and coloured on the fixed scale [-vmax, vmax].

    Labels never cover a node or each other on a plot 334 px wide (a phone) or wider: a weight is written in two
    short lines on its edge (the crossing edges' a third of the way from their source, so the two labels of a
    crossing sit one above the other), and a unit's value (the number alone: its circle holds its name) sits
    outside its circle: above the top row, below the bottom row, the output's on the bottom row's line, tied to it
    by a thin line, clear of w9 and w10.
    colorbar_below: the colour bar under the plot (it takes no width from a narrow column), else at its right.
    """
    fig = go.Figure()
    for name, (a, b) in TOY_EDGES.items():
        (x0, y0), (x1, y1) = TOY_NODES[a], TOY_NODES[b]
        v = float(finite32(weights[name]))
        fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", showlegend=False, hoverinfo="text",
                                 hovertext=f"{name} = {v:.6g}", line=dict(color=_rdbu(v, vmax), width=9)))
        crossing = TOY_NODES[a][1] != TOY_NODES[b][1] and b != "y"
        f = 1 / 3 if crossing else 0.5  # a crossing's two labels a third of the way from their sources
        fig.add_annotation(x=x0 + f * (x1 - x0), y=y0 + f * (y1 - y0), text=f"<b>{name}</b><br>{v:.4g}",
                           showarrow=False, bgcolor="rgba(255,255,255,0.92)", bordercolor="#888888",
                           borderwidth=1, font=dict(size=LESSON_FONT - 3))
    margin = dict(l=10, r=10, t=50 if title else 10, b=80 if colorbar_below else 10)
    y_range = (-0.45, 1.45)
    px_per_unit = (height - margin["t"] - margin["b"]) / (y_range[1] - y_range[0])
    values = {"x1": x[0], "x2": x[1], **units}
    for name, (px, py) in TOY_NODES.items():
        v = float(finite32(values[name]))
        fig.add_trace(go.Scatter(
            x=[px], y=[py], mode="markers+text", showlegend=False, hovertext=f"{name} = {v:.6g}", hoverinfo="text",
            marker=dict(size=TOY_NODE_PX, color="#eeeeee" if name.startswith("x") else "#ffffff",
                        line=dict(color="#222222", width=2.5)),
            text=[f"<b>{name}</b>"], textfont=dict(size=LESSON_FONT - 1),
        ))
        label = dict(x=px, y=py, text=f"{v:.4g}", font=dict(size=LESSON_FONT - 3, color="#222222"))  # no name:
        # the circle has it, and "y1 = 0.9943" beside "y3 = 0.6996" would not fit between two nodes on a phone
        if name == "y":  # down on the bottom row's line of values, where w9's and w10's labels leave room
            fig.add_annotation(**label, showarrow=True, arrowhead=0, arrowwidth=1, arrowcolor="#888888",
                               standoff=TOY_NODE_PX / 2 + 2, ax=0, ay=round(py * px_per_unit + 36))
        else:  # the top row's values above it, the bottom row's below
            fig.add_annotation(**label, showarrow=False, yshift=36 if py > 0.5 else -36)
    bar = (dict(orientation="h", x=0.5, xanchor="center", y=-0.04, yanchor="top", thickness=14, len=0.9,
                title=dict(text="weight", side="right")) if colorbar_below else
           dict(title=dict(text="weight"), thickness=14, len=0.9))
    fig.add_trace(go.Scatter(  # carries the colour bar of the edges
        x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
        marker=dict(colorscale=COLORSCALE, cmin=-vmax, cmax=vmax, color=[0.0], showscale=True, colorbar=bar),
    ))
    fig.update_xaxes(visible=False, range=[-0.3, 3.5])  # room for the output's value under it
    fig.update_yaxes(visible=False, range=list(y_range))
    return _lesson_layout(fig, height, title, margin=margin)


def equal_groups(values) -> list[list[int]]:
    """Positions of exactly equal values, as groups of two or more, in order of first appearance."""
    seen: dict[float, list[int]] = {}
    for i, v in enumerate(values):
        seen.setdefault(float(v), []).append(i)
    return [g for g in seen.values() if len(g) > 1]


def toy_table(weights, upto: int, names, max_rows: int = 200, visible_rows: int = 9):
    """The weights of iterations upto, upto-1, ..., 0 (newest first); in a row, exactly equal weights share a fill."""
    weights = np.asarray(weights, dtype=float)
    rows = list(range(upto, max(-1, upto - max_rows), -1))
    fills = [["#ffffff"] * len(rows) for _ in names]
    for r, n in enumerate(rows):
        for g, members in enumerate(equal_groups(weights[n])):
            for i in members:
                fills[i][r] = GROUP_FILLS[g % len(GROUP_FILLS)]
    cells = [rows] + [[f"{v:.6g}" if np.isfinite(v) else "overflow" for v in weights[rows, i]]
                      for i in range(len(names))]
    fig = go.Figure(go.Table(
        columnwidth=[0.6] + [1.0] * len(names),
        header=dict(values=["<b>iter</b>"] + [f"<b>{n}</b>" for n in names], fill_color="#dde3ea",
                    font=dict(size=LESSON_FONT - 1), height=34, align="center"),
        cells=dict(values=cells, fill_color=[["#f4f4f4"] * len(rows)] + fills,
                   font=dict(size=LESSON_FONT - 3), height=30, align="center"),
    ))
    return _lesson_layout(fig, 34 + 30 * min(len(rows), visible_rows) + 16, margin=dict(l=2, r=2, t=2, b=2))


def toy_lines(weights, upto: int, names, title: str = "The ten weights over the iterations"):
    """Each weight against iteration. Weights that stay equal draw exactly on top of each other."""
    weights = finite32(weights)
    its = np.arange(len(weights), dtype=np.float32)
    groups = equal_groups(weights[-1])
    dashes = ("solid", "dash", "dot", "dashdot")
    loners = 0
    fig = go.Figure()
    for i, name in enumerate(names):
        g = next((k for k, m in enumerate(groups) if i in m), None)
        if g is None:
            palette = LESSON_COLORS + LAYER_COLORS  # enough different colours for ten weights on their own
            color, pos = palette[(len(groups) + loners) % len(palette)], 0
            loners += 1
        else:
            color, pos = LESSON_COLORS[g % len(LESSON_COLORS)], groups[g].index(i)
        fig.add_trace(go.Scatter(x=its, y=weights[:, i], mode="lines", name=name,
                                 line=dict(color=color, width=max(1.5, 6 - 1.5 * pos), dash=dashes[pos % 4])))
    fig.add_vline(x=upto, line=dict(color="#555555", dash="dash", width=1.5))
    fig.update_xaxes(title="iteration", rangemode="tozero")
    fig.update_yaxes(title="weight")
    legend, bottom = _legend_below(2)
    return _lesson_layout(fig, 400, title, legend=legend, margin=dict(l=70, r=30, t=60, b=bottom))


# -- 3. Depth and scale -----------------------------------------------------------------------------

def _short(x: float) -> str:
    """A number in at most five characters or so: 0.21, 0.047, 3e-07 (a panel title a tenth of a screen wide)."""
    return f"{x:.2g}" if x == 0 or abs(x) >= 0.01 else f"{x:.0e}"


def depth_histograms(edges, counts, act_std, cols: int = 5, title: str | None = None, height: int | None = None):
    """Small multiples: each layer's distribution of outputs (own x range per panel; bar height = % of outputs).

    Panel titles read "layer 3<br>σ 0.011" (σ = the std of that layer's outputs): a fifth of a 390 px phone is
    about 66 px, too narrow for "std 0.011" beside its neighbours. height: the whole figure's (default: 190 px a
    row of panels)."""
    from plotly.subplots import make_subplots

    counts = np.asarray(counts, dtype=float)
    depth = len(counts)
    cols = min(cols, depth)
    rows = -(-depth // cols)
    fig = make_subplots(rows=rows, cols=cols, horizontal_spacing=0.03, vertical_spacing=0.75 / max(rows, 1) / 1.6,
                        subplot_titles=[f"layer {l + 1}<br>σ {_short(float(act_std[l]))}" for l in range(depth)])
    for l in range(depth):
        e = np.asarray(edges[l], dtype=float)
        centres, width = 0.5 * (e[:-1] + e[1:]), float(e[1] - e[0])
        fig.add_trace(go.Bar(x=finite32(centres), y=finite32(100 * counts[l]), width=width, showlegend=False,
                             marker=dict(color=LESSON_COLORS[1], line=dict(width=0)),
                             hovertemplate=f"layer {l + 1} (std {float(act_std[l]):.2g})<br>%{{x:.3g}}: "
                                           "%{y:.1f}% of outputs<extra></extra>"),
                      row=l // cols + 1, col=l % cols + 1)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=True, zerolinecolor="#888888")  # 0 marked
    top = float(np.max(counts, initial=0.0)) * 100 * 1.08 or 1.0  # one height scale for all panels
    fig.update_yaxes(showticklabels=False, range=[0, top], showgrid=False)
    _lesson_layout(fig, height or 60 + 190 * rows, title, bargap=0,
                   margin=dict(l=15, r=15, t=80 if title else 60, b=30))
    fig.update_annotations(font_size=LESSON_FONT - 2)
    return fig


def _log_range(arrays, min_decades: float = 2.0) -> list[float]:
    """A log-axis range (in log10 units) around every value of arrays, at least min_decades tall.

    A flat line then looks flat, instead of noise blown up to fill the panel.
    """
    logs = np.log10(np.concatenate([_log32(a).astype(float).ravel() for a in arrays]))
    lo, hi = float(logs.min()), float(logs.max())
    pad = max(0.15 * (hi - lo), (min_decades - (hi - lo)) / 2, 0.0)
    return [lo - pad, hi + pad]


DEPTH_TITLES = ("Signal going up:<br>size of outputs", "Saturated<br>outputs", "Gradient down:<br>std of ∂L/∂z")


def depth_stats(act_rms, saturated, grad_std, theory=None, compare: dict | None = None, act_std=None,
                height: int = 440) -> list[go.Figure]:
    """Three figures against layer (a page sets them side by side, or one under another on a phone): activation RMS
    and std (theory dashed), saturated %, backprop gradient std; the first and last on log axes.

    compare: optional {label: (act_rms, grad_std)} of other settings, drawn thin for reference (legend in the first).
    """
    depth = len(act_rms)
    layers = np.arange(1, depth + 1, dtype=np.float32)
    up, sat, down = go.Figure(), go.Figure(), go.Figure()
    for k, (label, (rms, gstd)) in enumerate((compare or {}).items()):
        color = LAYER_COLORS[k % len(LAYER_COLORS)]
        lx = np.arange(1, len(rms) + 1, dtype=np.float32)
        up.add_trace(go.Scatter(x=lx, y=_log32(rms), mode="lines", name=label,
                                line=dict(color=color, width=2, dash="dash")))
        down.add_trace(go.Scatter(x=lx, y=_log32(gstd), mode="lines", name=label, showlegend=False,
                                  line=dict(color=color, width=2, dash="dash")))
    up.add_trace(go.Scatter(x=layers, y=_log32(act_rms), mode="lines+markers", name="measured RMS",
                            line=dict(color=LESSON_COLORS[1], width=4), marker=dict(size=9)))
    if act_std is not None:
        up.add_trace(go.Scatter(x=layers, y=_log32(act_std), mode="lines", name="measured std",
                                line=dict(color=LESSON_COLORS[5], width=2.5, dash="dot")))
    if theory is not None:
        up.add_trace(go.Scatter(x=layers, y=_log32(theory), mode="lines", name="theory",
                                line=dict(color=LESSON_COLORS[0], width=3, dash="dash")))
    sat.add_trace(go.Bar(x=layers, y=finite32(100 * np.asarray(saturated, dtype=float)), showlegend=False,
                         marker_color=LESSON_COLORS[4], hovertemplate="layer %{x}: %{y:.1f}%<extra></extra>"))
    down.add_trace(go.Scatter(x=layers, y=_log32(grad_std), mode="lines+markers", name="measured", showlegend=False,
                              line=dict(color=LESSON_COLORS[2], width=4), marker=dict(size=9)))
    most = max([depth] + [len(r) for r, _ in (compare or {}).values()])
    rising = [act_rms] + [a for a in (theory, act_std) if a is not None] + [r for r, _ in (compare or {}).values()]
    up.update_yaxes(**log_ticks(*_log_range(rising)))
    sat.update_yaxes(range=[0, 100], ticksuffix="%")
    if not np.any(np.asarray(saturated) > 0):
        sat.add_annotation(x=0.5, y=0.5, xref="x domain", yref="y domain", showarrow=False,
                           text="0% in<br>every layer", font=dict(size=LESSON_FONT, color="#555555"))
    down.update_yaxes(**log_ticks(*_log_range([grad_std] + [g for _, g in (compare or {}).values()])))
    rows = 1 + len(compare or {}) + (act_std is not None) + (theory is not None)  # a narrow legend: one entry a row
    legend, bottom = _legend_below(rows)
    for f, title in zip((up, sat, down), DEPTH_TITLES):  # one bottom margin for all three, so their x axes line up
        f.update_xaxes(title="layer", tick0=1, dtick=1 if most <= 5 else 3 if most <= 12 else 5, tickangle=0)
        _lesson_layout(f, height + LEGEND_ROW_PX * (rows - 1), title, legend=legend,
                       margin=dict(l=60, r=15, t=80, b=bottom))
    return [up, sat, down]


# -- 4. Restarts ------------------------------------------------------------------------------------

def restarts_histograms(train_loss, test_acc, moving=None, height: int = 380):
    """Over the seeds that finished: histograms of the final training loss and of the test accuracy.

    moving: optional bool mask of runs still moving at the end; they are stacked on in grey, with a legend.
    """
    from plotly.subplots import make_subplots

    loss = np.asarray(train_loss, dtype=float)
    acc = 100 * np.asarray(test_acc, dtype=float)
    moving = np.zeros(loss.shape, bool) if moving is None else np.asarray(moving, bool)
    ok = np.isfinite(loss) & np.isfinite(acc)
    loss, acc, moving = loss[ok], acc[ok], moving[ok]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=("Training loss", "Test accuracy"))  # short: side by side on a phone
    for col, values, color, what in ((1, loss, LESSON_COLORS[1], "loss %{x}"),
                                     (2, acc, LESSON_COLORS[2], "accuracy %{x}%")):
        for part, name, c in ((~moving, "settled", color), (moving, "still moving", "#9a9a9a")):
            if part.any() or name == "settled":
                fig.add_trace(go.Histogram(x=finite32(values[part]), nbinsx=40, marker_color=c, name=name,
                                           legendgroup=name, showlegend=bool(moving.any()) and col == 1,
                                           hovertemplate=what + f"<br>%{{y}} {name} seeds<extra></extra>"),
                              row=1, col=col)
        if values.size and np.ptp(values) == 0:  # one outcome: a narrow bar at that value, not a 0-to-1 slab
            v = float(values[0])
            w = max(abs(v) * 0.002, 1e-3)
            fig.update_traces(xbins=dict(start=v - w / 2, end=v + w / 2, size=w), row=1, col=col)
            fig.update_xaxes(range=[v - 25 * w, v + 25 * w], row=1, col=col)
            fig.add_annotation(x=v, y=len(values), xref=f"x{col if col > 1 else ''}", yref=f"y{col if col > 1 else ''}",
                               text=f"all {len(values)} seeds: {v:.4g}", showarrow=False, yanchor="bottom",
                               font=dict(size=LESSON_FONT))
    fig.update_yaxes(title="seeds", row=1, col=1)
    fig.update_xaxes(title="final loss", row=1, col=1)
    fig.update_xaxes(title="final accuracy", ticksuffix="%", row=1, col=2)
    # few x ticks (level, not turned on end, on a phone), set a little lower so the first clears the y axis's "0"
    fig.update_xaxes(nticks=4, ticklabelstandoff=8)
    _lesson_layout(fig, height, bargap=0.06, barmode="stack",
                   margin=dict(l=70, r=30, t=90 if moving.any() else 50, b=60),
                   legend=dict(orientation="h", y=1.12, x=0, xanchor="left", yanchor="bottom"))
    fig.update_annotations(font_size=LESSON_FONT)
    return fig


def restarts_curves(steps, curves, best=None, worst=None, max_lines: int = 200):
    """Every seed's training loss (thin grey, log scale), the best and the worst seed drawn bold."""
    curves = np.asarray(curves, dtype=float)
    steps = np.asarray(steps, dtype=np.float32)
    fig = go.Figure()
    for i in range(min(curves.shape[1], max_lines)):
        ok = np.isfinite(curves[:, i])
        fig.add_trace(go.Scatter(x=steps[ok], y=_log32(curves[ok, i]), mode="lines", showlegend=False,
                                 hoverinfo="skip", line=dict(color="rgba(80,80,80,0.22)", width=1.2)))
    for i, label, color in ((worst, "worst seed", LESSON_COLORS[0]), (best, "best seed", LESSON_COLORS[2])):
        if i is not None:
            ok = np.isfinite(curves[:, i])
            fig.add_trace(go.Scatter(x=steps[ok], y=_log32(curves[ok, i]), mode="lines", name=label,
                                     line=dict(color=color, width=4)))
    fig.update_xaxes(title="step", rangemode="tozero")
    ok = curves[np.isfinite(curves)]
    fig.update_yaxes(title="training loss (log scale)", **(log_ticks(*_log_range([ok], min_decades=1)) if ok.size
                                                            else dict(type="log")))
    legend, bottom = _legend_below(1)  # under the x axis: never on the title (a phone) or on a curve
    return _lesson_layout(fig, 380 + LEGEND_ROW_PX, "Every seed's training loss", legend=legend,
                          margin=dict(l=70, r=30, t=60, b=bottom))


# -- 5. The error surface ---------------------------------------------------------------------------

PATH_COLORS = {"constant": LESSON_COLORS[6], "constant + noise": LESSON_COLORS[4]}
# Diverging about the loss where the symmetric run stops (ColorBrewer RdBu): blue lower, white level, red higher.
SADDLE_SCALE = [[0.0, "#2166ac"], [0.2, "#67a9cf"], [0.4, "#d1e5f0"], [0.5, "#f7f7f7"], [0.6, "#fddbc7"],
                [0.8, "#ef8a62"], [1.0, "#b2182b"]]
# Smallest colour half-range: differences under 0.001 in loss are round-off or too small to read off a colour, so a
# flat slice (dead units) is drawn in the level colour instead of amplified noise.
FLAT_SPAN = 1e-3


def _path_color(name: str, k: int) -> str:
    return PATH_COLORS.get(name, LESSON_COLORS[k % len(LESSON_COLORS)])


def saddle_span(loss, level: float) -> float:
    """Colour half-range about `level`: as deep as the slice goes below it, so both minima are the darkest blue."""
    z = np.asarray(loss, dtype=float)
    z = z[np.isfinite(z)]
    below, above = level - float(z.min(initial=level)), float(z.max(initial=level)) - level
    return max(below if below > FLAT_SPAN else above, FLAT_SPAN)


def surface_contour(s, t, loss, paths: dict, end, level: float, title: str | None = None, height: int = 620):
    """Loss over the slice (x: s, units change together; y: t, units pull apart), coloured about `level` (the
    loss where the symmetric run stops), with both runs, the noisy run's end `end` = (s, t, loss) and its mirror."""
    s, t = finite32(s), finite32(t)
    span = saddle_span(loss, level)
    fig = go.Figure(go.Contour(
        x=s, y=t, z=finite32(loss), colorscale=SADDLE_SCALE, zmin=level - span, zmax=level + span,
        # 17 bands, the middle one centred on the level: round-off about a flat level stays white, not tinted
        contours=dict(start=level - span, end=level + span, size=2 * span / 17, showlines=True),
        line=dict(width=0.5, color="rgba(80,80,80,0.35)"),
        colorbar=dict(title=dict(text="loss"), thickness=16),
        hovertemplate="s = %{x:.3f}<br>t = %{y:.3f}<br>loss = %{z:.5f}<extra></extra>", name="loss",
    ))
    if span > FLAT_SPAN:  # on a flat slice the level line would only trace round-off
        fig.add_trace(go.Contour(  # the level line of the saddle's own loss: it crosses itself at a saddle
            x=s, y=t, z=finite32(loss), contours=dict(start=level, end=level, size=1, coloring="none"),
            line=dict(width=3, color="black", dash="dash"), showscale=False, hoverinfo="skip", showlegend=True,
            name=f"loss {level:.4f}, as at the ●"))
    fig.add_hline(y=0, line=dict(color="#333333", dash="dot", width=1.5))
    for k, (name, p) in enumerate(paths.items()):
        color = _path_color(name, k)
        fig.add_trace(go.Scatter(x=finite32(p.s), y=finite32(p.t), mode="lines", name=f"descent from {name}",
                                 line=dict(color=color, width=5 if k == 0 else 3.5),
                                 customdata=np.asarray(p.steps, dtype=np.float32),
                                 hovertemplate="step %{customdata}<br>s = %{x:.3f}, t = %{y:.4f}<extra>"
                                 + name + "</extra>"))
    es, et, el = (float(v) for v in end)
    fig.add_trace(go.Scatter(x=[0.0], y=[0.0], mode="markers", name="the symmetric run's end",
                             marker=dict(color=PATH_COLORS["constant"], size=15, line=dict(color="white", width=2))))
    fig.add_trace(go.Scatter(x=[es], y=[et], mode="markers", name=f"the noisy run's end (loss {el:.4f})",
                             marker=dict(color=PATH_COLORS["constant + noise"], size=18, symbol="x",
                                         line=dict(color="black", width=1.5))))
    fig.add_trace(go.Scatter(x=[es], y=[-et], mode="markers", name="its mirror image: the units swapped",
                             marker=dict(color=PATH_COLORS["constant + noise"], size=16, symbol="diamond-open",
                                         line=dict(width=3))))
    fig.update_xaxes(title="s: both units change together", range=[float(s[0]), float(s[-1])], showgrid=False)
    fig.update_yaxes(title="t: the units pull apart", range=[float(t[0]), float(t[-1])], showgrid=False)
    legend, bottom = _legend_below(3)
    return _lesson_layout(fig, height, title, legend=legend, margin=dict(l=70, r=30, t=60 if title else 30, b=bottom))


def surface_3d(s, t, loss, paths: dict, end, level: float, title: str | None = None, height: int = 620):
    """The slice as a 3-D surface in the contour map's colours; each path drawn on the surface at its own (s, t)."""
    S, T, L = np.asarray(s, dtype=float), np.asarray(t, dtype=float), np.asarray(loss, dtype=float)
    span = saddle_span(L, level)
    fig = go.Figure(go.Surface(x=finite32(S), y=finite32(T), z=finite32(L), colorscale=SADDLE_SCALE, opacity=0.9,
                               cmin=level - span, cmax=level + span,
                               colorbar=dict(title=dict(text="loss"), thickness=16)))
    lift = 0.015 * float(np.ptp(L[np.isfinite(L)])) if np.isfinite(L).any() else 0.0  # keep paths above it
    for k, (name, p) in enumerate(paths.items()):
        j = np.clip(np.searchsorted(S, p.s), 0, len(S) - 1)
        i = np.clip(np.searchsorted(T, p.t), 0, len(T) - 1)
        fig.add_trace(go.Scatter3d(x=finite32(p.s), y=finite32(p.t), z=finite32(L[i, j] + lift), mode="lines",
                                   name=f"descent from {name}", line=dict(color=_path_color(name, k), width=9)))
    mid = int(np.argmin(np.abs(T)))  # the row t = 0: the line of equal units, dotted as on the map
    fig.add_trace(go.Scatter3d(x=finite32(S), y=np.zeros(len(S), dtype=np.float32), z=finite32(L[mid] + lift),
                               mode="lines", name="t = 0: the units are equal",
                               line=dict(color="#333333", width=4, dash="dot")))
    es, et, el = (float(v) for v in end)
    for name, x, y, z, symbol, color in (
            ("the symmetric run's end", 0.0, 0.0, level, "circle", PATH_COLORS["constant"]),
            (f"the noisy run's end (loss {el:.4f})", es, et, el, "x", PATH_COLORS["constant + noise"]),
            ("its mirror image: the units swapped", es, -et, el, "diamond-open", PATH_COLORS["constant + noise"])):
        fig.add_trace(go.Scatter3d(x=[x], y=[y], z=finite32([z + lift]), mode="markers", name=name,
                                   marker=dict(color=color, size=8, symbol=symbol)))
    fig.update_layout(scene=dict(xaxis_title="s (together)", yaxis_title="t (apart)", zaxis_title="loss",
                                 camera=dict(eye=dict(x=-1.5, y=-1.5, z=1.1))))
    return _lesson_layout(fig, height, title, legend=dict(orientation="h", y=0.02, x=0),
                          margin=dict(l=0, r=0, t=50 if title else 10, b=0))


def surface_section(s, t, loss, s_value: float = 0.0, height: int = 380):
    """A cut straight across the symmetric line at the grid column nearest s_value: loss against t.

    A hump at t = 0 is the ridge: the loss falls whichever way the two units move apart.
    """
    j = int(np.argmin(np.abs(np.asarray(s, dtype=float) - s_value)))
    s_value = float(np.asarray(s)[j])
    cut = finite32(np.asarray(loss)[:, j])
    mid = (float(cut.min()) + float(cut.max())) / 2
    half = max((float(cut.max()) - float(cut.min())) * 0.55, FLAT_SPAN)  # a flat cut is drawn flat, not zoomed
    fig = go.Figure(go.Scatter(x=finite32(t), y=cut, mode="lines", line=dict(color=LESSON_COLORS[1], width=4),
                               hovertemplate="t = %{x:.3f}<br>loss = %{y:.6f}<extra></extra>"))
    fig.add_vline(x=0, line=dict(color="#555555", dash="dot", width=1.5))
    fig.update_xaxes(title="t (units pull apart)")
    fig.update_yaxes(title="loss", tickformat=".4f", range=[mid - half, mid + half])
    return _lesson_layout(fig, height, f"Across the line at s = {s_value:.2f}")


def surface_path_losses(paths: dict):
    """The true training loss of each run against step."""
    fig = go.Figure()
    for k, (name, p) in enumerate(paths.items()):
        fig.add_trace(go.Scatter(x=np.asarray(p.steps, dtype=np.float32), y=finite32(p.loss), mode="lines",
                                 name=name, line=dict(color=_path_color(name, k), width=5 if k == 0 else 3.5)))
    fig.update_xaxes(title="step", rangemode="tozero")
    fig.update_yaxes(title="training loss")
    return _lesson_layout(fig, 380, "Loss along each run",
                          legend=dict(y=0.98, x=0.98, xanchor="right", yanchor="top", bgcolor="rgba(255,255,255,0.8)"))
