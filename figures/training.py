"""Charts of training runs: the Playground's six (weights, hidden units, symmetry meter, loss, gradient norms,
decision boundary), the Side-by-side comparisons and the Restarts histograms and curves.

The Playground's six are redrawn several times a second, so they are built as plain dicts directly: no plotly
object is made on that path.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from symbreak_core.metrics import BEHAVIOUR_TOL  # the rule the meter's hover states, defined once beside the count

from .style import (
    CLASS_COLORS,
    COLORSCALE,
    FAINT,
    INK,
    LEGEND_ROW_PX,
    LIGHT,
    LOG_FLOOR,
    MARGIN,
    NOTE,
    PALETTE,
    PAPER,
    SHADOW,
    TEXT_PX,
    colorbar,
    figure,
    finite32,
    floor_marks,
    floored,
    inside_legend,
    inside_legend_fits,
    legend_above,
    legend_below,
    log_axis,
    nice_ceiling,
    nice_step,
    plot_px,
    quantised,
    saturation,
    table,
    thin,
    typical_vmax,
)

HEIGHT = 340  # the Playground's charts


def layer_names(n_layers: int) -> list[str]:
    """'input → layer 1', ..., 'layer L → output' for the weight matrices of a network."""
    ends = ["input"] + [f"layer {i}" for i in range(1, n_layers)] + ["output"]
    return [f"{a} → {b}" for a, b in zip(ends[:-1], ends[1:])]


def short_layer_names(n_layers: int) -> list[str]:
    """'input → 1', ..., 'L → out': the same names, short enough for a narrow panel or a legend."""
    ends = ["input"] + [str(i) for i in range(1, n_layers)] + ["out"]
    return [f"{a} → {b}" for a, b in zip(ends[:-1], ends[1:])]


def weight_vmax(arrays) -> float:
    """One colour limit for a whole timeline: a 1-2-5 step above the largest finite |w| in any of arrays."""
    peak = 0.0
    for a in arrays:
        a = np.asarray(a, dtype=float)
        a = a[np.isfinite(a)]
        if a.size:
            peak = max(peak, float(np.abs(a).max()))
    return nice_ceiling(peak)


BIAS_ROW_GAP = 0.35  # the bias row sits this far (in rows) below the weights, so it reads as a row of its own
WEIGHT_AXIS_PX = 20  # the column numbers and the axis titles take this much more than the style's bottom margin
PANEL_GAP = 0.03  # between two weight panels, as a share of the plot's width
# The builder does not know the chart's width, so its labels are spaced for the narrowest: a phone's chart, about
# 350 px wide, leaves its weight panels this much room beside the margins and the colour bar.
NARROW_PLOT_PX = 210
LABEL_PAD_PX = 6  # at least this much room between two labels side by side
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def text_px(text: str, size: float = TEXT_PX) -> float:
    """How wide a label is drawn, a little generously: digits 0.64 em, spaces 0.32, arrows 0.84, the rest 0.6."""
    return sum(0.64 if c.isdigit() else 0.32 if c == " " else 0.84 if c == "→" else 0.6 for c in text) * size


def _spaced(labels) -> list[tuple[int, int]]:
    """labels: (panel, column, centre in px, text) from left to right, each panel's column 1 first. The (panel,
    column) pairs to label so that no two labels come closer than LABEL_PAD_PX; a panel's column 1 wins over the
    previous panel's last label."""
    kept = []
    for panel, col, x, text in labels:
        while kept:
            p, c, x0, t0 = kept[-1]
            if x - x0 >= (text_px(t0) + text_px(text)) / 2 + LABEL_PAD_PX:
                kept.append((panel, col, x, text))
                break
            if col != 1 or p == panel or c == 1:
                break  # the label does not fit: left out
            kept.pop()  # the previous panel's last label gives way to this panel's column 1
        else:
            kept.append((panel, col, x, text))
    return [(p, c) for p, c, _, _ in kept]


@functools.lru_cache(maxsize=256)  # a function of the network's shape: the same at every step of a run
def _column_ticks(cols: tuple, spans: tuple) -> tuple[tuple[int, ...], ...]:
    """The columns to number in each weight panel (cols: its column counts, spans: its [x0, x1] shares of the plot):
    column 1, then every s-th (a 1-2-5 step that keeps numbers apart at NARROW_PLOT_PX) and the last when there is
    room, never closer than LABEL_PAD_PX to a neighbour, in its panel or the next."""
    labels = []
    for k, (n, (x0, x1)) in enumerate(zip(cols, spans, strict=True)):
        pitch = (x1 - x0) * NARROW_PLOT_PX / n
        need = text_px(str(n)) + LABEL_PAD_PX  # from one number's centre to the next
        step = 1 if pitch >= need else int(nice_step(need / pitch))
        for c in sorted({*range(1, n + 1, step), n}):
            labels.append((k, c, (x0 + (c - 0.5) / n * (x1 - x0)) * NARROW_PLOT_PX, str(c)))
    kept = _spaced(labels)
    return tuple(tuple(c for p, c in kept if p == k) for k in range(len(cols)))


@functools.lru_cache(maxsize=256)
def _panel_titles(n: int, spans: tuple) -> tuple[tuple[str, ...], float]:
    """(the weight panels' axis titles, their font size): 'input → 1', ... at the axis-title size (1.2 em) when they
    fit side by side at NARROW_PLOT_PX, else at TEXT_PX, else only where each matrix goes ('→ 1', ..., '→ out'),
    leaving out (blank) those that still meet their left neighbour, never the output's. Hovering a cell names its
    matrix in full."""
    centres = [(x0 + x1) / 2 * NARROW_PLOT_PX for x0, x1 in spans]

    def apart(a: int, b: int, widths) -> bool:
        return centres[b] - centres[a] >= (widths[a] + widths[b]) / 2 + LABEL_PAD_PX

    for names, size in ((short_layer_names(n), 1.2 * TEXT_PX), (short_layer_names(n), TEXT_PX)):
        widths = [text_px(t, size) for t in names]
        if all(apart(k, k + 1, widths) for k in range(n - 1)):
            return tuple(names), size
    names = [name[name.index("→"):] for name in short_layer_names(n)]
    widths = [text_px(t) for t in names]
    kept = []
    for k in range(n):
        while kept and not apart(kept[-1], k, widths):
            if k < n - 1:
                break
            kept.pop()  # the output's panel keeps its title: its neighbour's gives way
        else:
            kept.append(k)
    return tuple(t if k in kept else "" for k, t in enumerate(names)), TEXT_PX


def weight_heatmaps(weights, vmax: float | str | None = None, height: int = HEIGHT, biases=None) -> dict:
    """One heatmap per weight matrix W (fan_in, fan_out): row i = input i, column j = unit j; with `biases`,
    each unit's bias b[j] is drawn as an extra row "b" under its column (traces: the weights, then the biases).

    A unit is its column (bias included), so identical units are identical columns. The colour range is
    [-vmax, vmax] (default: a 1-2-5 step above the largest |w| or |b|); pass the same vmax at every step so
    colours keep their meaning. vmax="typical" (a live run, whose range is drawn anew at every step): the 1-2-5 step
    above the median of the matrices' largest |w|, and at least 1, so that a typical layer's weights span the
    colours (a 32x6 network's first layer, fed by two inputs, holds weights three times the other layers' largest,
    and scaled to it they were nearly white). Values past the range take the end colours, and the colour bar's end
    says so ("≥1"); they travel as codes over the 1-2-5 step above the largest, a range that changes as rarely as
    the colours' own, so each refresh's codes stay small differences. Columns are numbered as far as the numbers
    stay apart on a phone.
    """
    weights = [finite32(W) for W in weights]
    biases = None if biases is None else [finite32(b).reshape(1, -1) for b in biases]
    values = weights + (biases or [])
    lows = [float(a.min(initial=0.0)) for a in values]
    highs = [float(a.max(initial=0.0)) for a in values]
    peaks = [max(-lo, hi) for lo, hi in zip(lows, highs)]
    if vmax == "typical":
        vmax = typical_vmax(peaks[:len(weights)])
    vmax = nice_ceiling(max(peaks)) if vmax is None else float(vmax)
    codes, beyond = saturation(lows, highs, vmax)
    layout, traces = _weight_frame(tuple(W.shape for W in weights), vmax, height, biases is not None, beyond)
    data = [{"type": "heatmap", "z": z, **trace, **quantised(z, -codes, codes)}
            for trace, z in zip(traces, values, strict=True)]
    return {"data": data, "layout": layout}


@functools.lru_cache(maxsize=64)
def _weight_frame(shapes: tuple, vmax: float, height: int, with_biases: bool,
                  beyond: tuple[bool, bool] = (False, False)) -> tuple[dict, tuple[dict, ...]]:
    """What weight_heatmaps draws besides the numbers, for a network of these shapes: its layout, and each trace
    without its type (heatmap), its z and the range it is quantised to. The same at every step of a run, so it is
    made once, and the chart grid sends the layout and the column and row numbers once (the same objects, which
    nobody changes: see ui.transport.Encoder.encode; the arrays are read-only)."""
    n = len(shapes)
    widths = [cols + 1.5 for _, cols in shapes]
    usable = 1 - PANEL_GAP * (n - 1)
    spans, x0 = [], 0.0
    for w in widths:
        x1 = min(1.0, x0 + usable * w / sum(widths))
        spans.append((x0, x1))
        x0 = x1 + PANEL_GAP
    names = layer_names(n)
    spans = tuple(spans)
    numbered = _column_ticks(tuple(cols for _, cols in shapes), spans)
    titles, title_px = _panel_titles(n, spans)
    margin = dict(MARGIN, t=78)
    row_px = (plot_px(height, margin) - WEIGHT_AXIS_PX) / max(rows + 2 + BIAS_ROW_GAP for rows, _ in shapes)
    xgaps = [int((x1 - x0) * NARROW_PLOT_PX / cols >= 4) for (x0, x1), (_, cols) in zip(spans, shapes, strict=True)]
    ygap = int(row_px >= 4)  # a 1-px white line between cells, where the cells are wide enough to keep some colour
    data, bias_rows, layout = [], [], {}
    for k, (rows, cols) in enumerate(shapes):
        ax = "" if k == 0 else str(k + 1)
        columns = _read_only(np.arange(1, cols + 1, dtype=np.int32))  # int32: as they travel (ui.transport)
        data.append(dict(
            x=columns, y=_read_only(np.arange(1, rows + 1, dtype=np.int32)),
            coloraxis="coloraxis", xaxis=f"x{ax}", yaxis=f"y{ax}", xgap=xgaps[k], ygap=ygap,
            hovertemplate=f"{names[k]}<br>w[%{{y}}, %{{x}}] = %{{z:.4g}}<extra></extra>",
        ))
        # Row numbers only on the first panel (the inputs); a later panel's rows are the previous panel's columns.
        names_y = [f"x{str(i).translate(_SUBSCRIPT)}" for i in range(1, rows + 1)] if k == 0 and rows <= 16 else []
        ticks = dict(tickmode="array", tickvals=list(range(1, len(names_y) + 1)), ticktext=names_y)
        if with_biases:
            y_b = rows + 1 + BIAS_ROW_GAP
            bias_rows.append(dict(
                x=columns, y=_read_only(np.array([y_b])), coloraxis="coloraxis",
                xaxis=f"x{ax}", yaxis=f"y{ax}", xgap=xgaps[k], ygap=ygap,
                hovertemplate=f"{names[k]}<br>bias b[%{{x}}] = %{{z:.4g}}<extra></extra>",
            ))
            if k == 0:
                ticks["tickvals"] = ticks["tickvals"] + [y_b]
                ticks["ticktext"] = ticks["ticktext"] + ["b"]
        layout[f"xaxis{ax}"] = dict(
            domain=list(spans[k]), anchor=f"y{ax}", title=dict(text=titles[k], font=dict(size=title_px)),
            showgrid=False, zeroline=False, tickmode="array", tickvals=list(numbered[k]),
            ticktext=[str(c) for c in numbered[k]], tickangle=0)
        layout[f"yaxis{ax}"] = dict(anchor=f"x{ax}", autorange="reversed", showgrid=False, zeroline=False, **ticks)
    layout["coloraxis"] = dict(colorscale=COLORSCALE, cmin=-vmax, cmax=vmax, cmid=0.0,
                               colorbar=colorbar("w, b" if with_biases else "w", -vmax, 0.0, vmax,
                                                 px=plot_px(height, margin) - WEIGHT_AXIS_PX, beyond=beyond))
    title = "Weights and biases" if with_biases else "Weights"
    # the rule goes on a line of its own, so the title fits a phone and the rule is never cut off
    spec = figure([], title, height, subtitle="equal columns = identical units", margin=margin, **layout)
    return spec["layout"], tuple(data + bias_rows)


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def unit_outputs(field, n_layers: int = 2, max_units: int = 16, per_row: int | None = None, vmax: float | None = None,
                 distinct=None, height: int = 430) -> dict:
    """Each hidden unit's output over the input plane, for the first n_layers hidden layers.

    Tiles are packed into one heatmap per layer (the gaps hold 0, drawn white); at most max_units
    tiles per layer (the first ones: tile u of a layer is unit u + 1). distinct: per hidden layer, the number of
    distinct units, for the caption. When every layer shows the same first n of its units, the subtitle says so
    ("units 1-16 of 32") and each caption is two lines, which stay apart on a phone at width 32; otherwise each
    caption says what its layer shows ("16 of 20 units", "6 units").

    vmax: the colours span -vmax..vmax. By default the 1-2-5 step above the median of the shown tiles' largest
    |output|, and at least 1 (so always 1 for tanh and sigmoid): a typical unit's picture spans the colours, and the
    strongest units' largest outputs (ReLU's grow without bound towards the plane's corners) saturate, which the
    colour bar's end then says ("≥5"). Scaled to the largest output instead, most of a ReLU network's pictures were
    nearly white.
    """
    layers = field.hidden[:n_layers]
    if per_row is None:  # 4 a row for small layers, so the tiles stay large
        per_row = 4 if max(len(h) for h in layers) <= 8 else 8
    shown = [finite32(h[:max_units]) for h in layers]  # only the tiles shown travel
    # each tile's least and largest output, from a copy laid out tile by tile (a field's pictures hold a point's
    # units side by side, and reduced in place each tile took six times as long)
    tiles = [np.ascontiguousarray(h.reshape(len(h), -1)) for h in shown]
    lows = np.concatenate([a.min(axis=1, initial=0.0) for a in tiles]).tolist()
    highs = np.concatenate([a.max(axis=1, initial=0.0) for a in tiles]).tolist()
    vmax = typical_vmax([max(-lo, hi) for lo, hi in zip(lows, highs)]) if vmax is None else vmax
    # the colour bar's end says where the colours saturate; the codes span every value, over a range that changes
    # as rarely as the colours' own (one that moved with every refresh sent every picture whole)
    codes, beyond = saturation(lows, highs, vmax)
    # the hover gives as many decimals as the codes hold: 2 over -1..1, 1 over -10..10, none over -20..20
    decimals = max(0, math.floor(-math.log10(2 * codes / 254)))
    res = len(field.xs)
    pad = max(2, res // 8)
    cell = res + pad
    kinds = {(len(h), len(layer)) for h, layer in zip(shown, layers)}  # (units shown, units) of each layer
    cut = kinds.pop() if len(kinds) == 1 else None
    if cut is not None and cut[0] == cut[1]:  # every unit shown
        cut = None
    data, mids, notes, top = [], [], [], 0
    for li, h in enumerate(shown):
        n = len(h)
        cols = min(per_row, n)
        rows = -(-n // cols)
        Z = np.zeros((rows * cell, cols * cell - pad), dtype=np.float32)
        for u in range(n):
            r, c = divmod(u, cols)
            Z[r * cell: r * cell + res, c * cell: c * cell + res] = h[u][::-1]  # row 0 = top of the plane
        top += 2 * pad if li else 0  # a wider gap between layers than between units
        data.append(dict(type="heatmap", z=Z, x0=0, dx=1, y0=top, dy=1, coloraxis="coloraxis",
                         hovertemplate=f"layer {li + 1}<br>output %{{z:.{decimals}f}}<extra></extra>",
                         **quantised(Z, -codes, codes, levels=256)))  # a picture: a quarter the bytes
        # The layer's caption is its tick label, in the left margin: it can never cover a tile.
        # three lines at most, two when the subtitle says which units: more met the next layer's caption at width
        # 32 (three on a phone, four on a 1280x720 screen)
        units = len(layers[li])
        note = f"layer {li + 1}" if cut else (
            f"layer {li + 1}<br>{units} units" if units == n else f"layer {li + 1}<br>{n} of {units} units")
        if distinct is not None and li < len(distinct):
            note += f"<br>{distinct[li]} distinct"
        mids.append(top + (rows * cell - pad) / 2)
        notes.append(note)
        top += rows * cell
    return figure(
        data, "Hidden units", height,  # either subtitle fits a phone
        subtitle=f"units 1–{cut[0]} of {cut[1]}: same picture = same unit" if cut else
        "over (x₁, x₂): same picture = same unit",
        margin=dict(l=10, r=20, t=78, b=10),
        xaxis=dict(visible=False, range=[-0.5, per_row * cell - pad - 0.5], constrain="domain"),
        yaxis=dict(range=[top - pad, 0], scaleanchor="x", constrain="domain", showgrid=False, zeroline=False,
                   showline=False, ticks="", tickmode="array", tickvals=mids, ticktext=notes),
        coloraxis=dict(colorscale=COLORSCALE, cmin=-vmax, cmax=vmax, cmid=0.0,
                       colorbar=colorbar("output", -vmax, 0.0, vmax, beyond=beyond)),
    )


def _step_axis(last) -> dict:
    """The x axis of a curve over steps: from 0 to at least 10, so a fresh run shows whole steps."""
    return dict(title=dict(text="step"), range=[0, max(10.0, float(last))])


def loss_curves(steps, train, test, per_step=None, height: int = HEIGHT, twin=None) -> dict:
    """Train and test loss against step (log y when all are positive). per_step: each step's batch loss, faint.
    twin: (steps, train loss) of the same run from an equal start, drawn as a grey dotted "equal start" line."""
    steps, train, test = np.asarray(steps, dtype=np.float32), finite32(train), finite32(test)
    data, ys = [], [train, test]
    if twin is not None:
        t_steps, t_train = np.asarray(twin[0], dtype=np.float32), finite32(twin[1])
        j = thin(len(t_steps))
        data.append(dict(type="scatter", x=t_steps[j], y=t_train[j], mode="lines", name="equal start",
                         line=dict(color=NOTE, width=2.5, dash="dot")))
        ys.append(t_train)
    if per_step is not None and len(per_step):
        per_step = finite32(per_step)
        i = thin(len(per_step))
        data.append(dict(type="scatter", x=i.astype(np.float32), y=per_step[i], mode="lines", name="each step",
                         line=dict(color=FAINT, width=1.5)))
        ys.append(per_step)
    i = thin(len(steps))
    data.append(dict(type="scatter", x=steps[i], y=train[i], mode="lines", name="train",
                     line=dict(color=CLASS_COLORS[1], width=3)))
    data.append(dict(type="scatter", x=steps[i], y=test[i], mode="lines", name="test",
                     line=dict(color=CLASS_COLORS[0], width=3, dash="dash")))
    every, px = np.concatenate(ys), plot_px(height, MARGIN)
    y = log_axis(every, px) if every.size and np.all(every > 0) else dict(type="linear", exponentformat="power")
    x = _step_axis(max(float(steps.max(initial=0)), len(per_step) if per_step is not None else 0))
    if inside_legend_fits(len(data), px):
        legend = inside_legend(data, x["range"], y, px)
    else:  # a short plot (presenting): one row above it, without the faint line's entry, for which it has no room
        for trace in data:
            if trace["name"] == "each step":
                trace["showlegend"] = False
        legend = legend_above()
    return figure(data, "Loss", height, xaxis=x, yaxis=dict(title=dict(text="loss"), **y), legend=legend)


def grad_norms(grad_norms, height: int = HEIGHT) -> dict:
    """Gradient norm of each layer (T, n_layers) against step, log y; exact zeros drawn at LOG_FLOOR.

    Each norm is the Trainer's: sqrt(|dL/dW|^2 + |dL/db|^2) over the layer's weights and biases together
    (just the weights when the network has no biases), and the labels say so.
    """
    G = np.asarray(grad_norms, dtype=np.float64)  # floored makes each drawn line finite float32
    data, any_zero = [], False
    if G.ndim == 2:  # at step 0 each layer's trace is empty, so the legend already names the layers
        i = thin(len(G))
        for k, name in enumerate(short_layer_names(G.shape[1])):
            y, zero = floored(G[i, k])
            any_zero |= bool(zero.any())
            data.append(dict(type="scatter", x=i.astype(np.float32), y=y, mode="lines", name=name,
                             line=dict(color=PALETTE[k % len(PALETTE)], width=2.5)))
    extra = floor_marks("x", "y") if any_zero else {}
    every = np.concatenate([tr["y"] for tr in data]) if data else np.ones(1)
    px = plot_px(height, MARGIN)
    x, y = _step_axis(len(G)), log_axis(every, px)
    return figure(
        data, "Gradient norm (weights + biases)", height, xaxis=x, yaxis=dict(title=dict(text="‖∂L/∂(W, b)‖"), **y),
        legend=inside_legend(data, x["range"], y, px, taken=("bottom right",) if any_zero else ()), **extra,
    )


def decision_boundary(field, data, height: int = 430) -> dict:
    """The network's output over the plane (0.5 = white, the boundary in black) with the training points."""
    out = finite32(field.output)
    r = float(np.abs(out - 0.5).max(initial=0.0))
    r = 0.5 if r <= 0.5 else nice_ceiling(r)
    xs = finite32(field.xs)
    traces = [
        dict(type="heatmap", z=out, x=xs, y=xs, colorscale=COLORSCALE, zmin=0.5 - r, zmax=0.5 + r, zmid=0.5,
             colorbar=colorbar("output", 0.5 - r, 0.5, 0.5 + r),
             hovertemplate="x₁ %{x:.2f}, x₂ %{y:.2f}<br>output %{z:.3f}<extra></extra>",
             **quantised(out, 0.5 - r, 0.5 + r)),
    ]
    if float(out.min()) < 0.5 < float(out.max()):
        traces.append(dict(type="contour", z=out, x=xs, y=xs, showscale=False, hoverinfo="skip", name="boundary",
                           **quantised(out, 0.5 - r, 0.5 + r),
                           contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
                           line=dict(color=INK, width=2.5), showlegend=False))
    traces += _data_points(data)
    lo, hi = float(xs[0]), float(xs[-1])
    return figure(
        traces, "Decision boundary and data", height,
        xaxis=dict(range=[lo, hi], title=dict(text="x₁"), constrain="domain", showgrid=False),
        yaxis=dict(range=[lo, hi], title=dict(text="x₂"), scaleanchor="x", constrain="domain", showgrid=False),
        legend=dict(orientation="h", y=1.0, x=1.0, xanchor="right", yanchor="bottom"),
    )


@functools.lru_cache(maxsize=64)  # a run's data never changes: its points are drawn, and sent, once
def _data_points(data) -> tuple[dict, dict]:
    """The training points of a Dataset as two scatter traces, one per class (read-only arrays; nobody changes
    the traces: see ui.transport.Encoder.encode)."""
    X, y = finite32(data.X), np.asarray(data.y).ravel() > 0.5
    traces = []
    for cls, symbol in ((0, "circle"), (1, "diamond")):
        m = y == bool(cls)
        traces.append(dict(
            type="scatter", x=_read_only(X[m, 0]), y=_read_only(X[m, 1]), mode="markers", name=f"class {cls}",
            marker=dict(color=CLASS_COLORS[cls], symbol=symbol, size=8, line=dict(color=PAPER, width=1)),
            hovertemplate=f"class {cls}<extra></extra>",
        ))
    return tuple(traces)


METER_ROW_PX = 24  # one layer's bar in the meter: room for its 16-px label
METER_LABEL_ROW_PX = 18  # the thinnest row whose bar still carries its "N / W" label at full size
METER_HEAD_PX = 30  # the gap chart's heading, between the bars and the chart


def _units(m: int) -> str:
    return f"{m} unit" + ("" if m == 1 else "s")


def symmetry_meter(steps, distinct, gaps, widths, height: int = HEIGHT, twin=None) -> dict:
    """Top: how many different units each hidden layer behaves as now (metrics.distinct_units), out of its
    width. Below: each layer's exact largest weight gap between two units over time (log).

    distinct: (n_hidden,) at the last of `steps` (the newest snapshot's); gaps: (T, n_hidden) over `steps`. A gap
    of exactly 0 (perfect symmetry) is drawn at LOG_FLOOR with a label, never dropped. twin: (steps, gaps) of the
    same run from an equal start; its largest gap over the layers is drawn as a grey dotted "equal start" line.
    """
    steps = np.asarray(steps, dtype=np.float32)
    widths = [int(w) for w in widths]
    n = len(widths)
    Gp = table(gaps, len(steps), n, np.float64)  # floored makes each line finite float32
    names = [f"layer {k + 1}" for k in range(n)]
    colors = [PALETTE[k % len(PALETTE)] for k in range(n)]
    now = np.asarray(distinct, dtype=np.int64)
    hover = [f"layer {k + 1}: its {_units(w)} behave{'s' if w == 1 else ''} as {_units(d)}<br>"
             f"(outputs within {BEHAVIOUR_TOL:.0%} of the layer's spread count as one)"
             for k, (d, w) in enumerate(zip(now, widths))]
    # Stacked panels, sized in pixels: a bar row per layer on top (its colour names the layer's line below),
    # then the gap chart under its heading. Side by side, the two headings collided on a phone.
    plot = max(plot_px(height, MARGIN), 1.0)
    bars = min(METER_ROW_PX * n, 0.45 * plot) / plot
    gap_top = max(0.2, 1 - bars - METER_HEAD_PX / plot)
    # Each bar's "N / W" at full size; in rows too thin for it (presenting a deep network) plotly.js would shrink
    # it past reading (6.3 px for six layers on a projector), so the bars go without: the counts stand beside the
    # charts, in the numbers, and in the hover.
    labelled = bars * plot / max(n, 1) >= METER_LABEL_ROW_PX
    label = dict(text=[f"{d} / {w}" for d, w in zip(now, widths)], textposition="outside",
                 constraintext="inside") if labelled else dict(textposition="none")
    data = [
        dict(type="bar", orientation="h", y=names, x=np.asarray(widths, dtype=np.float32),
             marker=dict(color=LIGHT), showlegend=False, hoverinfo="skip", xaxis="x", yaxis="y"),
        dict(type="bar", orientation="h", y=names, x=now.astype(np.float32), marker=dict(color=colors),
             showlegend=False, **label, cliponaxis=False, hovertext=hover,
             hovertemplate="%{hovertext}<extra></extra>", xaxis="x", yaxis="y"),
    ]
    any_zero, top = False, 1.0
    i = thin(len(steps))
    for k in range(n):
        y, zero = floored(Gp[i, k])
        any_zero |= bool(zero.any())
        top = max(top, float(y.max(initial=0.0)))
        data.append(dict(type="scatter", x=steps[i], y=y, mode="lines", name=names[k], xaxis="x2", yaxis="y2",
                         line=dict(color=colors[k], width=2.5), showlegend=False))
    if twin is not None:
        t_steps = np.asarray(twin[0], dtype=np.float32)
        j = thin(len(t_steps))
        cols = len(twin[1][0]) if len(t_steps) else n
        y, zero = floored(table(twin[1], len(t_steps), cols, np.float64).max(axis=1)[j])
        any_zero |= bool(zero.any())
        top = max(top, float(y.max(initial=0.0)))
        data.append(dict(type="scatter", x=t_steps[j], y=y, mode="lines", name="equal start", xaxis="x2",
                         yaxis="y2", line=dict(color=NOTE, width=2.5, dash="dot"), showlegend=True))
    # the zero line's label at its left end when the legend holds the gap chart's top right corner: in a short
    # gap chart (presenting a deep network) the two met
    extra = floor_marks("x2", "y2", left=twin is not None) if any_zero else dict(annotations=[])  # no empty "shapes"
    heads = [dict(xref="paper", x=0, yref="paper", y=1.0, yanchor="bottom", xanchor="left", showarrow=False,
                  text="Behaves as N of its W units"),
             dict(xref="paper", x=0, yref="paper", y=gap_top, yanchor="bottom", xanchor="left", showarrow=False,
                  text="Largest weight gap between units")]
    gap_axis = log_axis([LOG_FLOOR, 10.0 ** np.ceil(np.log10(top))], gap_top * plot)
    return figure(
        data, "Symmetry meter", height, barmode="overlay", showlegend=twin is not None,
        **({"legend": dict(x=1, xanchor="right", y=gap_top, yanchor="top", bgcolor="rgba(255,255,255,0.8)")}
           if twin is not None else {}),
        annotations=heads + extra["annotations"], **({"shapes": extra["shapes"]} if "shapes" in extra else {}),
        xaxis=dict(domain=[0, 1], anchor="y", visible=False, range=[0, max(widths, default=1) * 1.35]),
        yaxis=dict(domain=[1 - bars, 1], anchor="x", type="category", autorange="reversed", showgrid=False,
                   ticks=""),
        xaxis2=dict(domain=[0, 1], anchor="y2", **_step_axis(steps.max(initial=0))),
        yaxis2=dict(domain=[0, gap_top], anchor="x2", **gap_axis),
    )


# ---- Side by side ----

def playground_charts(weights, biases, result, distinct, field, twin=None, key_heights=(HEIGHT, HEIGHT),
                      height: int = HEIGHT) -> list:
    """The Playground's six charts as chart-grid rows, [[(figure, relative width, key chart), ...], ...]: the
    weights and the unit pictures, then the meter and the loss (the four key charts, at key_heights' two heights),
    then the decision boundary and the gradient norms (at `height`).

    weights, biases: the network now; result: its run's TrainResult; distinct: each hidden layer's distinct units
    now; field: the network over the input plane (model.field); twin: the equal-start twin's (snapshot steps,
    training losses, unit gaps), as Trainer.curves gives them, or None.
    The weights' colour range follows a typical layer (weight_heatmaps' vmax="typical").
    """
    top_h, bottom_h = key_heights
    steps, snaps = result.snapshot_steps, result.snapshots
    twin_loss = None if twin is None else (twin[0], twin[1])
    twin_gaps = None if twin is None else (twin[0], twin[2])
    return [
        [(weight_heatmaps(weights, vmax="typical", height=top_h, biases=biases), 1, True),
         (unit_outputs(field, distinct=distinct, height=top_h), 1, True)],
        [(symmetry_meter(steps, snaps[-1].distinct, [s.gap for s in snaps], result.config.hidden,
                         height=bottom_h, twin=twin_gaps), 1, True),
         (loss_curves(steps, [s.train_loss for s in snaps], [s.test_loss for s in snaps],
                      per_step=result.batch_losses, height=bottom_h, twin=twin_loss), 1, True)],
        [(decision_boundary(field, result.data, height=height), 1),
         (grad_norms(result.grad_norms, height=height), 1)],
    ]


def compare_loss(curves: dict, step: int | None = None, title: str = "Training loss, same data, same settings",
                 height: int = 420) -> dict:
    """Overlaid loss curves, curves = {label: (steps, losses)}; a dashed line and dots mark the current step."""
    finite = [np.asarray(v, dtype=float) for _, v in curves.values()]
    positive = all(np.all(v[np.isfinite(v)] > 0) for v in finite)
    data, shown = [], []
    for k, (label, (steps, loss)) in enumerate(curves.items()):
        loss = np.asarray(loss, dtype=float)
        steps = np.asarray(steps)
        ok = np.isfinite(loss)
        steps, loss = steps[ok], loss[ok]
        i = thin(len(steps))
        y = floored(loss)[0] if positive else finite32(loss)
        shown.append(y)
        color = PALETTE[k % len(PALETTE)]
        data.append(dict(type="scatter", x=steps[i].astype(np.float32), y=y[i], mode="lines", name=label,
                         line=dict(color=color, width=3 if k else 4)))
        if step is not None and len(steps):
            j = int(np.clip(np.searchsorted(steps, step, side="right") - 1, 0, len(steps) - 1))
            data.append(dict(type="scatter", x=[float(steps[j])], y=[float(y[j])], mode="markers", showlegend=False,
                             hovertemplate=f"{label}<br>step %{{x}}<br>loss %{{y:.4g}}<extra></extra>",
                             marker=dict(color=color, size=14, line=dict(color=PAPER, width=2))))
    legend, bottom = legend_below(1 + len(curves) // 3)
    margin = dict(l=70, r=30, t=60, b=bottom)
    axis = dict(type="log" if positive else "linear")
    if positive and any(v.size for v in shown):
        axis = log_axis(np.concatenate(shown), plot_px(height, margin), min_decades=1)
    shapes = [] if step is None else [dict(type="line", xref="x", x0=step, x1=step, yref="y domain", y0=0, y1=1,
                                           line=dict(color=NOTE, dash="dash", width=1.5))]
    return figure(data, title, height, legend=legend, margin=margin, shapes=shapes,
                  xaxis=dict(title=dict(text="step"), rangemode="tozero"),
                  yaxis=dict(title=dict(text="loss" + (" (log scale)" if positive else "")), **axis))


def compare_distinct(distinct: dict, widths, title: str = "Distinct units in each hidden layer",
                     height: int = 420) -> dict:
    """Grouped bars, distinct = {label: counts per hidden layer}, labelled 'k / width'; the full width is dotted."""
    widths = [int(w) for w in widths]
    layers = [f"layer {l + 1}" for l in range(len(widths))]
    crowded = len(distinct) * len(widths) > 6  # many bars: write k alone, the width is the dotted line
    data = []
    for k, (label, counts) in enumerate(distinct.items()):
        counts = [int(c) for c in counts]
        data.append(dict(
            type="bar", x=layers, y=np.asarray(counts, dtype=np.float32), name=label,
            marker=dict(color=PALETTE[k % len(PALETTE)]), cliponaxis=False,
            text=[str(c) if crowded else f"{c} / {w}" for c, w in zip(counts, widths, strict=True)],
            textposition="outside", hovertemplate=f"{label}<br>%{{x}}: %{{y}} distinct units<extra></extra>",
        ))
    top = max(widths, default=1)
    return figure(
        data, title, height, barmode="group", legend=dict(orientation="h", y=-0.12, x=0, yanchor="top"),
        margin=dict(l=70, r=30, t=60, b=40), yaxis=dict(title=dict(text="distinct units"), range=[0, top * 1.3]),
        xaxis=dict(),
        shapes=[dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=top, y1=top,
                     line=dict(color=NOTE, dash="dot", width=1.5))],
        # above the bars' own labels, which sit on the line when a layer is full
        annotations=[dict(xref="x domain", x=0, xanchor="left", yref="y", y=top, yanchor="bottom", yshift=24,
                          showarrow=False, text=f"all {top} units")],
    )


# ---- Restarts ----

def restarts_histograms(train_loss, test_acc, moving=None, height: int = 380) -> dict:
    """Over the seeds that finished: histograms of the final training loss and of the test accuracy.

    moving: optional bool mask of runs still moving at the end; they are stacked on in grey, with a legend.
    """
    loss = np.asarray(train_loss, dtype=float)
    acc = 100 * np.asarray(test_acc, dtype=float)
    moving = np.zeros(loss.shape, bool) if moving is None else np.asarray(moving, bool)
    ok = np.isfinite(loss) & np.isfinite(acc)
    loss, acc, moving = loss[ok], acc[ok], moving[ok]
    data, annotations = [], []
    # two panels side by side; short titles, so they do not run into each other on a phone
    axes = {1: dict(domain=[0.0, 0.44]), 2: dict(domain=[0.56, 1.0])}
    for col, values, color, what, head in ((1, loss, PALETTE[1], "loss %{x}", "Training loss"),
                                           (2, acc, PALETTE[2], "accuracy %{x}%", "Test accuracy")):
        ax = "" if col == 1 else "2"
        annotations.append(dict(xref=f"x{ax} domain", x=0.5, xanchor="center", yref="paper", y=1.0,
                                yanchor="bottom", showarrow=False, text=head))
        bins = {}
        if values.size and np.ptp(values) == 0:  # one outcome: a narrow bar at that value, not a 0-to-1 slab
            v = float(values[0])
            w = max(abs(v) * 0.002, 1e-3)
            bins = dict(xbins=dict(start=v - w / 2, end=v + w / 2, size=w))
            axes[col]["range"] = [v - 25 * w, v + 25 * w]
            # short, under the axis titled seeds: "all 50 seeds: 0.5828" ran into the other panel's label on a phone
            annotations.append(dict(x=v, y=len(values), xref=f"x{ax}", yref=f"y{ax}", showarrow=False,
                                    yanchor="bottom", text=f"all {len(values)}: {v:.4g}"))
        for part, name, c in ((~moving, "settled", color), (moving, "still moving", FAINT)):
            if part.any() or name == "settled":
                data.append(dict(type="histogram", x=finite32(values[part]), nbinsx=40, marker=dict(color=c),
                                 name=name, legendgroup=name, showlegend=bool(moving.any()) and col == 1,
                                 xaxis=f"x{ax}", yaxis=f"y{ax}",
                                 hovertemplate=what + f"<br>%{{y}} {name} seeds<extra></extra>", **bins))
    # few x ticks (level, not turned on end, on a phone), set a little lower so the first clears the y axis's "0"
    ticks = dict(nticks=4, ticklabelstandoff=8)
    return figure(
        data, None, height, bargap=0.06, barmode="stack", annotations=annotations,
        margin=dict(l=70, r=30, t=90 if moving.any() else 50, b=60),
        legend=dict(orientation="h", y=1.12, x=0, xanchor="left", yanchor="bottom"),
        xaxis=dict(anchor="y", title=dict(text="final loss"), **axes[1], **ticks),
        yaxis=dict(anchor="x", title=dict(text="seeds")),
        xaxis2=dict(anchor="y2", title=dict(text="final accuracy"), ticksuffix="%", **axes[2], **ticks),
        yaxis2=dict(anchor="x2"),
    )


MAX_SOLUTION_COLOURS = 6  # solutions drawn in colours of their own; the rest share one grey bar


def solutions_histogram(train_loss, group, labels, height: int = 360) -> dict:
    """The finished runs' final training loss, stacked by the solution each reached (group: (S,) int, -1 for a
    diverged run; labels: a legend name per solution, the lowest-loss solution first)."""
    loss = np.asarray(train_loss, dtype=float)
    group = np.asarray(group)
    ok = (group >= 0) & np.isfinite(loss)
    data = []
    for g, name in enumerate(labels[:MAX_SOLUTION_COLOURS]):
        data.append(dict(type="histogram", x=finite32(loss[ok & (group == g)]), nbinsx=40, name=name,
                         marker=dict(color=PALETTE[g % len(PALETTE)]),
                         hovertemplate=f"{name}<br>loss %{{x}}<br>%{{y}} runs<extra></extra>"))
    rest = ok & (group >= MAX_SOLUTION_COLOURS)
    if rest.any():
        n = len(labels) - MAX_SOLUTION_COLOURS
        name = f"{n} other solution{'s' if n > 1 else ''}"
        data.append(dict(type="histogram", x=finite32(loss[rest]), nbinsx=40, name=name, marker=dict(color=FAINT),
                         hovertemplate=f"{name}<br>loss %{{x}}<br>%{{y}} runs<extra></extra>"))
    return figure(
        data, "Final loss, by solution", height, barmode="stack", bargap=0.06,
        margin=dict(l=70, r=30, t=64 + LEGEND_ROW_PX * ((len(data) + 2) // 3), b=60),
        legend=dict(orientation="h", y=1.02, x=0, xanchor="left", yanchor="bottom", traceorder="normal"),
        xaxis=dict(title=dict(text="final loss"), nticks=5), yaxis=dict(title=dict(text="runs")),
    )


def restarts_curves(steps, curves, best=None, worst=None, max_lines: int = 200) -> dict:
    """Every seed's training loss (thin grey, log scale), the best and the worst seed drawn bold."""
    curves = np.asarray(curves, dtype=float)
    steps = np.asarray(steps, dtype=np.float32)
    data = []
    for i in range(min(curves.shape[1], max_lines)):
        ok = np.isfinite(curves[:, i])
        data.append(dict(type="scatter", x=steps[ok], y=floored(curves[ok, i])[0], mode="lines", showlegend=False,
                         hoverinfo="skip", line=dict(color=SHADOW, width=1.2)))
    for i, label, color in ((worst, "worst seed", PALETTE[0]), (best, "best seed", PALETTE[2])):
        if i is not None:
            ok = np.isfinite(curves[:, i])
            data.append(dict(type="scatter", x=steps[ok], y=floored(curves[ok, i])[0], mode="lines", name=label,
                             line=dict(color=color, width=4)))
    legend, bottom = legend_below(1)  # under the x axis: never on the title (a phone) or on a curve
    height, margin = 380 + LEGEND_ROW_PX, dict(l=70, r=30, t=60, b=bottom)
    ok = curves[np.isfinite(curves)]
    y = log_axis(floored(ok)[0], plot_px(height, margin), min_decades=1) if ok.size else dict(type="log")
    return figure(data, "Every seed's training loss", height, legend=legend, margin=margin,
                  xaxis=dict(title=dict(text="step"), rangemode="tozero"),
                  yaxis=dict(title=dict(text="training loss (log scale)"), **y))

