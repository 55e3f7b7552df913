"""Charts of the depth probe: the signal going up, saturation and the gradient coming down, layer by layer, and
each layer's distribution of outputs."""
from __future__ import annotations

import numpy as np
from plotly.subplots import make_subplots

from .style import (
    NOTE,
    PALETTE,
    figure,
    finite32,
    floored,
    from_figure,
    legend_below,
    log_axis,
    number_text,
    plot_px,
)

DEPTH_TITLES = ("Signal going up:<br>size of outputs", "Saturated<br>outputs", "Gradient down:<br>std of ∂L/∂z")


def _short(x: float) -> str:
    """A number in at most five characters or so: 0.21, 0.047, 3×10⁻⁷ (a panel title a tenth of a screen wide)."""
    return number_text(x, 2 if x == 0 or abs(x) >= 0.01 else 1, power_below=0.001)


def depth_histograms(edges, counts, act_std, cols: int = 5, title: str | None = None,
                     height: int | None = None) -> dict:
    """Small multiples: each layer's distribution of outputs (own x range per panel; bar height = % of outputs).

    Panel titles read "layer 3<br>σ 0.011" (σ = the std of that layer's outputs): a fifth of a 390 px phone is
    about 66 px, too narrow for "std 0.011" beside its neighbours. height: the whole figure's (default: 190 px a
    row of panels)."""
    counts = np.asarray(counts, dtype=float)
    depth = len(counts)
    cols = min(cols, depth)
    rows = -(-depth // cols)
    fig = make_subplots(rows=rows, cols=cols, horizontal_spacing=0.03, vertical_spacing=0.75 / max(rows, 1) / 1.6,
                        subplot_titles=[f"layer {l + 1}<br>σ {_short(float(act_std[l]))}" for l in range(depth)])
    for l in range(depth):
        e = np.asarray(edges[l], dtype=float)
        centres, width = 0.5 * (e[:-1] + e[1:]), float(e[1] - e[0])
        fig.add_bar(x=finite32(centres), y=finite32(100 * counts[l]), width=width, showlegend=False,
                    marker=dict(color=PALETTE[1], line=dict(width=0)),
                    hovertemplate=f"layer {l + 1} (std {float(act_std[l]):.2g})<br>%{{x:.3g}}: "
                                  "%{y:.1f}% of outputs<extra></extra>", row=l // cols + 1, col=l % cols + 1)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=True, zerolinecolor=NOTE)  # 0 marked
    top = float(np.max(counts, initial=0.0)) * 100 * 1.08 or 1.0  # one height scale for all panels
    fig.update_yaxes(showticklabels=False, range=[0, top], showgrid=False)
    return from_figure(fig, title, height or 60 + 190 * rows, bargap=0,
                       margin=dict(l=15, r=15, t=80 if title else 60, b=30))


def depth_stats(act_rms, saturated, grad_std, theory=None, compare: dict | None = None, act_std=None,
                height: int = 440, legend_in: int = 0, legend_rows: int | None = None,
                legend_across: int = 1) -> list[dict]:
    """Three figures against layer (a page sets them side by side, or one under another on a phone): activation RMS
    and std (theory dashed), saturated %, backprop gradient std; the first and last on log axes.

    compare: optional {label: (act_rms, grad_std)} of other settings, drawn thin for reference, named in the legend
    of figure `legend_in` (0, the first, or 2, the gradient's, for a page that shows that one alone). Each legend
    row beyond the first makes the figures taller; `legend_rows`: make room for that many rows whatever the legend
    has (a projector's one screen: more rows make the plots shorter). `legend_across`: entries a legend row holds,
    1 for a chart a third of a screen wide; a chart as wide as a projector's screen holds three, and its title
    stands on one line.
    """
    depth = len(act_rms)
    layers = np.arange(1, depth + 1, dtype=np.float32)
    up, down = [], []
    for k, (label, (rms, gstd)) in enumerate((compare or {}).items()):
        color = (PALETTE[3], PALETTE[4], PALETTE[6])[k % 3]  # clear of the measured, std and theory lines
        lx = np.arange(1, len(rms) + 1, dtype=np.float32)
        up.append(dict(type="scatter", x=lx, y=floored(rms)[0], mode="lines", name=label,
                       line=dict(color=color, width=2, dash="dash")))
        down.append(dict(type="scatter", x=lx, y=floored(gstd)[0], mode="lines", name=label,
                         showlegend=legend_in == 2, line=dict(color=color, width=2, dash="dash")))
    up.append(dict(type="scatter", x=layers, y=floored(act_rms)[0], mode="lines+markers", name="measured RMS",
                   line=dict(color=PALETTE[1], width=4), marker=dict(size=9)))
    if act_std is not None:
        up.append(dict(type="scatter", x=layers, y=floored(act_std)[0], mode="lines", name="measured std",
                       line=dict(color=PALETTE[5], width=2.5, dash="dot")))
    if theory is not None:
        up.append(dict(type="scatter", x=layers, y=floored(theory)[0], mode="lines", name="theory",
                       line=dict(color=PALETTE[0], width=3, dash="dash")))
    sat = [dict(type="bar", x=layers, y=finite32(100 * np.asarray(saturated, dtype=float)), showlegend=False,
                marker=dict(color=PALETTE[4]), hovertemplate="layer %{x}: %{y:.1f}%<extra></extra>")]
    down.append(dict(type="scatter", x=layers, y=floored(grad_std)[0], mode="lines+markers", name="measured",
                     showlegend=legend_in == 2, line=dict(color=PALETTE[2], width=4), marker=dict(size=9)))
    most = max([depth] + [len(r) for r, _ in (compare or {}).values()])
    entries = 1 + len(compare or {}) + (act_std is not None) + (theory is not None)
    rows = -(-entries // legend_across)  # a narrow legend: one entry a row
    legend, bottom = legend_below(rows)
    # one bottom margin for all three, so their x axes line up
    tall = height + legend_below(legend_rows or rows)[1] - legend_below(1)[1]
    # a chart as wide as the screen (legend_across > 1) writes its title on one line: the plot keeps the other's room
    wide = legend_across > 1
    titles = [t.replace("<br>", " ") for t in DEPTH_TITLES] if wide else DEPTH_TITLES
    margin = dict(l=60, r=15, t=56 if wide else 80, b=bottom)
    px = plot_px(tall, margin)
    x = dict(title=dict(text="layer"), tick0=1, dtick=1 if most <= 5 else 3 if most <= 12 else 5, tickangle=0)
    y_up = log_axis(np.concatenate([tr["y"] for tr in up]), px, min_decades=2)
    y_down = log_axis(np.concatenate([tr["y"] for tr in down]), px, min_decades=2)
    none = ([] if np.any(np.asarray(saturated) > 0) else
            [dict(x=0.5, y=0.5, xref="x domain", yref="y domain", showarrow=False, text="0% in<br>every layer",
                  font=dict(color=NOTE))])
    return [figure(traces, title, tall, legend=legend, margin=margin, xaxis=x, yaxis=y, annotations=notes)
            for traces, title, y, notes in ((up, titles[0], y_up, []),
                                            (sat, titles[1], dict(range=[0, 100], ticksuffix="%"), none),
                                            (down, titles[2], y_down, []))]
