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
COLORSCALE = "RdBu"  # diverging and colour-blind-safe; red < 0 < blue
CLASS_COLORS = ("#b2182b", "#2166ac")  # the ends of RdBu, for class 0 and class 1
LAYER_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")  # Dark2
LOG_FLOOR = 1e-17  # an exact 0 on a log axis is drawn here, and labelled as exactly 0
MAX_POINTS = 600  # a curve sends at most this many points
HEIGHT = 340
_AXIS = dict(gridcolor="#e5e5e5", zerolinecolor="#cccccc", linecolor="#999999", automargin=True)


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


def _figure(data, title: str, height: int, **layout) -> go.Figure:
    """One go.Figure from trace dicts: large fonts, fixed height, white background, zoom kept across redraws."""
    base = dict(
        title=dict(text=title, font=dict(size=19), x=0.01, xanchor="left"),
        font=FONT, height=height, margin=dict(l=60, r=20, t=56, b=48), uirevision="keep",
        paper_bgcolor="white", plot_bgcolor="white", hoverlabel=dict(font=dict(size=15)),
    )
    base.update(layout)
    return go.Figure(data=data, layout=base)


def layer_names(n_layers: int) -> list[str]:
    """'input → layer 1', ..., 'layer L → output' for the weight matrices of a network."""
    ends = ["input"] + [f"layer {i}" for i in range(1, n_layers)] + ["output"]
    return [f"{a} → {b}" for a, b in zip(ends[:-1], ends[1:])]


def weight_heatmaps(weights, vmax: float | None = None, height: int = HEIGHT) -> go.Figure:
    """One heatmap per weight matrix W (fan_in, fan_out): row i = input i, column j = unit j.

    Identical units are identical columns. The colour range is [-vmax, vmax] (default: a 1-2-5
    step above the largest |w|); pass the same vmax at every step so colours keep their meaning.
    """
    weights = [finite32(W) for W in weights]
    if vmax is None:
        vmax = nice_ceiling(max(float(np.abs(W).max(initial=0.0)) for W in weights))
    n, gap = len(weights), 0.03
    widths = [W.shape[1] + 1.5 for W in weights]
    usable = 1 - gap * (n - 1)
    names = layer_names(n)
    data, layout, x0 = [], {}, 0.0
    for k, W in enumerate(weights):
        x1 = min(1.0, x0 + usable * widths[k] / sum(widths))
        ax = "" if k == 0 else str(k + 1)
        data.append(dict(
            type="heatmap", z=W, x=np.arange(1, W.shape[1] + 1), y=np.arange(1, W.shape[0] + 1),
            coloraxis="coloraxis", xaxis=f"x{ax}", yaxis=f"y{ax}", xgap=1, ygap=1,
            hovertemplate=f"{names[k]}<br>w[%{{y}}, %{{x}}] = %{{z:.4g}}<extra></extra>",
        ))
        small_x, small_y = W.shape[1] <= 16, W.shape[0] <= 16
        layout[f"xaxis{ax}"] = dict(
            domain=[x0, x1], anchor=f"y{ax}", title=dict(text=names[k], font=dict(size=14)), showgrid=False,
            zeroline=False, tickfont=dict(size=12), showticklabels=small_x, dtick=1 if small_x else None)
        layout[f"yaxis{ax}"] = dict(
            anchor=f"x{ax}", autorange="reversed", showgrid=False, zeroline=False, tickfont=dict(size=12),
            showticklabels=small_y, dtick=1 if small_y else None)
        x0 = x1 + gap
    layout["coloraxis"] = dict(colorscale=COLORSCALE, cmin=-vmax, cmax=vmax, cmid=0.0,
                               colorbar=dict(title=dict(text="w"), thickness=14, len=0.9))
    return _figure(data, "Weights: rows = inputs, columns = units (equal columns = identical units)", height,
                   **layout)


def unit_outputs(field, n_layers: int = 2, max_units: int = 16, per_row: int = 8, vmax: float | None = None,
                 distinct=None, height: int = 430) -> go.Figure:
    """Each hidden unit's output over the input plane, for the first n_layers hidden layers.

    Tiles are packed into one heatmap per layer (the gaps hold 0, drawn white); at most max_units
    tiles per layer, the rest are summarised in the layer's caption. distinct: per hidden layer,
    the number of distinct units, for the caption. Tile u of a layer is unit u + 1.
    """
    layers = [finite32(h) for h in field.hidden[:n_layers]]
    if vmax is None:
        peak = max((float(np.abs(h).max(initial=0.0)) for h in layers), default=1.0)
        vmax = 1.0 if peak <= 1.0 else nice_ceiling(peak)
    res = len(field.xs)
    pad = max(2, res // 8)
    cell = res + pad
    data, notes, top = [], [], 0
    for li, h in enumerate(layers):
        shown = h[:max_units]
        n = len(shown)
        cols = min(per_row, n)
        rows = -(-n // cols)
        Z = np.zeros((rows * cell, cols * cell - pad), dtype=np.float32)
        for u in range(n):
            r, c = divmod(u, cols)
            Z[r * cell: r * cell + res, c * cell: c * cell + res] = shown[u][::-1]  # row 0 = top of the plane
        top += 2 * pad if li else pad  # room for the caption
        data.append(dict(type="heatmap", z=Z, x0=0, dx=1, y0=top, dy=1, coloraxis="coloraxis",
                         hovertemplate=f"layer {li + 1}<br>output %{{z:.3f}}<extra></extra>"))
        note = f"Layer {li + 1}: {len(h)} units"
        if distinct is not None and li < len(distinct):
            note += f", {distinct[li]} distinct"
        if len(h) > n:
            note += f" (first {n} drawn, {len(h) - n} more not shown)"
        notes.append(dict(x=0, y=top - 0.3 * pad, xref="x", yref="y", text=note, showarrow=False,
                          xanchor="left", yanchor="bottom", font=dict(size=15)))
        top += rows * cell
    return _figure(
        data, "What each hidden unit computes over the input plane (same picture = same unit)", height,
        annotations=notes, margin=dict(l=10, r=20, t=56, b=10),
        xaxis=dict(visible=False, range=[-0.5, per_row * cell - pad - 0.5], constrain="domain"),
        yaxis=dict(visible=False, range=[top, 0], scaleanchor="x", constrain="domain"),
        coloraxis=dict(colorscale=COLORSCALE, cmin=-vmax, cmax=vmax, cmid=0.0,
                       colorbar=dict(title=dict(text="output"), thickness=14, len=0.9)),
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


def loss_curves(steps, train, test, per_step=None, height: int = HEIGHT) -> go.Figure:
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
    ytype = "log" if every.size and np.all(every > 0) else "linear"
    return _figure(
        data, "Loss", height,
        xaxis=dict(title=dict(text="step"), rangemode="tozero", **_AXIS),
        yaxis=dict(title=dict(text="loss"), type=ytype, exponentformat="power", **_AXIS),
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"),
    )


def grad_norms(grad_norms, height: int = HEIGHT) -> go.Figure:
    """Gradient norm of each weight layer (T, n_layers) against step, log y; exact zeros drawn at LOG_FLOOR."""
    G = finite32(grad_norms)
    data, any_zero = [], False
    if G.ndim == 2 and len(G):
        i = thin(len(G))
        for k, name in enumerate(layer_names(G.shape[1])):
            y, zero = _floored(G[i, k])
            any_zero |= bool(zero.any())
            data.append(dict(type="scatter", x=i.astype(np.float32), y=y, mode="lines", name=name,
                             line=dict(color=LAYER_COLORS[k % len(LAYER_COLORS)], width=2.5)))
    extra = _floor_marks("x", "y") if any_zero else {}
    return _figure(
        data, "Gradient norm per layer", height,
        xaxis=dict(title=dict(text="step"), rangemode="tozero", **_AXIS),
        yaxis=dict(title=dict(text="‖∂L/∂W‖"), type="log", exponentformat="power", **_AXIS),
        legend=dict(font=dict(size=13)), **extra,
    )


def decision_boundary(field, data, height: int = 430) -> go.Figure:
    """The network's output over the plane (0.5 = white, the boundary in black) with the training points."""
    out = finite32(field.output)
    r = float(np.abs(out - 0.5).max(initial=0.0))
    r = 0.5 if r <= 0.5 else nice_ceiling(r)
    xs = finite32(field.xs)
    traces = [
        dict(type="heatmap", z=out, x=xs, y=xs, colorscale=COLORSCALE, zmin=0.5 - r, zmax=0.5 + r, zmid=0.5,
             colorbar=dict(title=dict(text="output"), thickness=14, len=0.9),
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
    return _figure(
        traces, "Decision boundary and training data", height,
        xaxis=dict(range=[lo, hi], title=dict(text="x₁"), constrain="domain", showgrid=False),
        yaxis=dict(range=[lo, hi], title=dict(text="x₂"), scaleanchor="x", constrain="domain", showgrid=False),
        legend=dict(orientation="h", y=-0.15, x=0.5, xanchor="center", yanchor="top"),
    )


def symmetry_meter(steps, distinct, gaps, widths, height: int = HEIGHT) -> go.Figure:
    """Left: distinct units / width of each hidden layer now. Right: each layer's largest unit gap over time (log).

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
    data = [
        dict(type="bar", x=names, y=np.asarray(widths, dtype=np.float32), marker=dict(color="#e6e6e6"),
             showlegend=False, hoverinfo="skip", xaxis="x", yaxis="y"),
        dict(type="bar", x=names, y=now.astype(np.float32), marker=dict(color=colors), showlegend=False,
             text=[f"{d} / {w}" for d, w in zip(now, widths)], textposition="outside", textfont=dict(size=18),
             cliponaxis=False, hovertemplate="%{x}: %{text} distinct<extra></extra>", xaxis="x", yaxis="y"),
    ]
    any_zero = False
    i = thin(len(steps))
    for k in range(n):
        y, zero = _floored(Gp[i, k])
        any_zero |= bool(zero.any())
        data.append(dict(type="scatter", x=steps[i], y=y, mode="lines", name=names[k], xaxis="x2", yaxis="y2",
                         line=dict(color=colors[k], width=2.5)))
    extra = _floor_marks("x2", "y2") if any_zero else dict(shapes=[], annotations=[])
    heads = [dict(xref="x domain", x=0, yref="paper", y=1.0, yanchor="bottom", xanchor="left", showarrow=False,
                  text="Distinct units / width", font=dict(size=16)),
             dict(xref="x2 domain", x=0, yref="paper", y=1.0, yanchor="bottom", xanchor="left", showarrow=False,
                  text="Largest gap between two units of a layer", font=dict(size=16))]
    return _figure(
        data, "Symmetry meter", height, barmode="overlay",
        margin=dict(l=60, r=20, t=80, b=48),
        annotations=heads + extra["annotations"], shapes=extra["shapes"],
        xaxis=dict(domain=[0, 0.28], anchor="y", **_AXIS),
        yaxis=dict(domain=[0, 1], anchor="x", range=[0, max(widths, default=1) * 1.3], title=dict(text="units"),
                   **_AXIS),
        xaxis2=dict(domain=[0.38, 1], anchor="y2", title=dict(text="step"), rangemode="tozero", **_AXIS),
        yaxis2=dict(domain=[0, 1], anchor="x2", type="log", title=dict(text="gap"), exponentformat="power", **_AXIS),
        legend=dict(font=dict(size=13)),
    )


# ---- Lesson figures ----
