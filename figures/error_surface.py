"""Charts of the error surface: the loss over the slice through the saddle (a map and in 3-D), a cut across the line
of equal units, and the loss along each run."""
from __future__ import annotations

import numpy as np

from .style import (
    AXIS,
    INK,
    NOTE,
    PALETTE,
    PAPER,
    REVERSED_COLORSCALE,
    SHADOW,
    VEIL,
    figure,
    finite32,
    legend_below,
)

PATH_COLORS = {"constant": PALETTE[6], "constant + noise": PALETTE[4]}
# Diverging about the loss where the symmetric run stops: blue lower, white level, red higher.
SADDLE_SCALE = REVERSED_COLORSCALE
# Smallest colour half-range: differences under 0.001 in loss are round-off or too small to read off a colour, so a
# flat slice (dead units) is drawn in the level colour instead of amplified noise.
FLAT_SPAN = 1e-3


def _path_color(name: str, k: int) -> str:
    return PATH_COLORS.get(name, PALETTE[k % len(PALETTE)])


def saddle_span(loss, level: float) -> float:
    """Colour half-range about `level`: as deep as the slice goes below it, so both minima are the darkest blue."""
    z = np.asarray(loss, dtype=float)
    z = z[np.isfinite(z)]
    below, above = level - float(z.min(initial=level)), float(z.max(initial=level)) - level
    return max(below if below > FLAT_SPAN else above, FLAT_SPAN)


def _ends(end, level: float) -> list[tuple]:
    """(name, s, t, loss, symbol, colour) of the symmetric run's end, the noisy run's end and its mirror image."""
    es, et, el = (float(v) for v in end)
    return [("the symmetric run's end", 0.0, 0.0, level, "circle", PATH_COLORS["constant"]),
            (f"the noisy run's end (loss {el:.4f})", es, et, el, "x", PATH_COLORS["constant + noise"]),
            ("its mirror image: the units swapped", es, -et, el, "diamond-open", PATH_COLORS["constant + noise"])]


def surface_contour(s, t, loss, paths: dict, end, level: float, title: str | None = None, height: int = 620) -> dict:
    """Loss over the slice (x: s, units change together; y: t, units pull apart), coloured about `level` (the
    loss where the symmetric run stops), with both runs, the noisy run's end `end` = (s, t, loss) and its mirror."""
    s, t = finite32(s), finite32(t)
    span = saddle_span(loss, level)
    data = [dict(
        type="contour", x=s, y=t, z=finite32(loss), colorscale=SADDLE_SCALE, zmin=level - span, zmax=level + span,
        # 17 bands, the middle one centred on the level: round-off about a flat level stays white, not tinted
        contours=dict(start=level - span, end=level + span, size=2 * span / 17, showlines=True),
        line=dict(width=0.5, color=SHADOW), colorbar=dict(title=dict(text="loss"), thickness=16),
        hovertemplate="s = %{x:.3f}<br>t = %{y:.3f}<br>loss = %{z:.5f}<extra></extra>", name="loss",
    )]
    if span > FLAT_SPAN:  # on a flat slice the level line would only trace round-off
        data.append(dict(  # the level line of the saddle's own loss: it crosses itself at a saddle
            type="contour", x=s, y=t, z=finite32(loss), contours=dict(start=level, end=level, size=1, coloring="none"),
            line=dict(width=3, color=INK, dash="dash"), showscale=False, hoverinfo="skip", showlegend=True,
            name=f"loss {level:.4f}, as at the ●"))
    for k, (name, p) in enumerate(paths.items()):
        data.append(dict(type="scatter", x=finite32(p.s), y=finite32(p.t), mode="lines", name=f"descent from {name}",
                         line=dict(color=_path_color(name, k), width=5 if k == 0 else 3.5),
                         customdata=np.asarray(p.steps, dtype=np.float32),
                         hovertemplate="step %{customdata}<br>s = %{x:.3f}, t = %{y:.4f}<extra>" + name + "</extra>"))
    for (name, x, y, _, symbol, color), size, line in zip(
            _ends(end, level), (15, 18, 16), (dict(color=PAPER, width=2), dict(color=INK, width=1.5), dict(width=3))):
        data.append(dict(type="scatter", x=[x], y=[y], mode="markers", name=name,
                         marker=dict(color=color, size=size, symbol=symbol, line=line)))
    legend, bottom = legend_below(3)
    return figure(data, title, height, legend=legend, margin=dict(l=70, r=30, t=60 if title else 30, b=bottom),
                  shapes=[dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=0, y1=0,
                               line=dict(color=INK, dash="dot", width=1.5))],
                  xaxis=dict(title=dict(text="s: both units change together"), range=[float(s[0]), float(s[-1])],
                             showgrid=False),
                  yaxis=dict(title=dict(text="t: the units pull apart"), range=[float(t[0]), float(t[-1])],
                             showgrid=False))


def surface_3d(s, t, loss, paths: dict, end, level: float, title: str | None = None, height: int = 620) -> dict:
    """The slice as a 3-D surface in the contour map's colours; each path drawn on the surface at its own (s, t)."""
    S, T, L = np.asarray(s, dtype=float), np.asarray(t, dtype=float), np.asarray(loss, dtype=float)
    span = saddle_span(L, level)
    data = [dict(type="surface", x=finite32(S), y=finite32(T), z=finite32(L), colorscale=SADDLE_SCALE, opacity=0.9,
                 cmin=level - span, cmax=level + span, colorbar=dict(title=dict(text="loss"), thickness=16))]
    lift = 0.015 * float(np.ptp(L[np.isfinite(L)])) if np.isfinite(L).any() else 0.0  # keep paths above it
    for k, (name, p) in enumerate(paths.items()):
        j = np.clip(np.searchsorted(S, p.s), 0, len(S) - 1)
        i = np.clip(np.searchsorted(T, p.t), 0, len(T) - 1)
        data.append(dict(type="scatter3d", x=finite32(p.s), y=finite32(p.t), z=finite32(L[i, j] + lift),
                         mode="lines", name=f"descent from {name}", line=dict(color=_path_color(name, k), width=9)))
    mid = int(np.argmin(np.abs(T)))  # the row t = 0: the line of equal units, dotted as on the map
    data.append(dict(type="scatter3d", x=finite32(S), y=np.zeros(len(S), dtype=np.float32), z=finite32(L[mid] + lift),
                     mode="lines", name="t = 0: the units are equal", line=dict(color=INK, width=4, dash="dot")))
    for name, x, y, z, symbol, color in _ends(end, level):
        data.append(dict(type="scatter3d", x=[x], y=[y], z=finite32([z + lift]), mode="markers", name=name,
                         marker=dict(color=color, size=8, symbol=symbol)))
    axis = {k: v for k, v in AXIS.items() if k != "automargin"}
    scene = dict(xaxis=dict(title=dict(text="s (together)"), **axis), yaxis=dict(title=dict(text="t (apart)"), **axis),
                 zaxis=dict(title=dict(text="loss"), **axis), camera=dict(eye=dict(x=-1.5, y=-1.5, z=1.1)))
    return figure(data, title, height, scene=scene, legend=dict(orientation="h", y=0.02, x=0),
                  margin=dict(l=0, r=0, t=50 if title else 10, b=0))


def surface_section(s, t, loss, s_value: float = 0.0, height: int = 380) -> dict:
    """A cut straight across the symmetric line at the grid column nearest s_value: loss against t.

    A hump at t = 0 is the ridge: the loss falls whichever way the two units move apart.
    """
    j = int(np.argmin(np.abs(np.asarray(s, dtype=float) - s_value)))
    s_value = float(np.asarray(s)[j])
    cut = finite32(np.asarray(loss)[:, j])
    mid = (float(cut.min()) + float(cut.max())) / 2
    half = max((float(cut.max()) - float(cut.min())) * 0.55, FLAT_SPAN)  # a flat cut is drawn flat, not zoomed
    data = [dict(type="scatter", x=finite32(t), y=cut, mode="lines", line=dict(color=PALETTE[1], width=4),
                 hovertemplate="t = %{x:.3f}<br>loss = %{y:.6f}<extra></extra>")]
    return figure(data, f"Across the line at s = {s_value:.2f}", height,
                  shapes=[dict(type="line", xref="x", x0=0, x1=0, yref="y domain", y0=0, y1=1,
                               line=dict(color=NOTE, dash="dot", width=1.5))],
                  xaxis=dict(title=dict(text="t (units pull apart)")),
                  yaxis=dict(title=dict(text="loss"), tickformat=".4f", range=[mid - half, mid + half]))


def surface_path_losses(paths: dict) -> dict:
    """The true training loss of each run against step."""
    data = [dict(type="scatter", x=np.asarray(p.steps, dtype=np.float32), y=finite32(p.loss), mode="lines", name=name,
                 line=dict(color=_path_color(name, k), width=5 if k == 0 else 3.5))
            for k, (name, p) in enumerate(paths.items())]
    return figure(data, "Loss along each run", 380, xaxis=dict(title=dict(text="step"), rangemode="tozero"),
                  yaxis=dict(title=dict(text="training loss")),
                  legend=dict(y=0.98, x=0.98, xanchor="right", yanchor="top", bgcolor=VEIL))
