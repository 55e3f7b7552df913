"""Charts of the worked 2-2-2-1 example: the network diagram, the table of weights and the weights over time.

The wiring (which weight joins which two units) is the engine's: symbreak_core.worked_example names the weights.
"""
from __future__ import annotations

import numpy as np
from plotly.colors import sample_colorscale

from symbreak_core import worked_example

from .style import (
    BORDER,
    COLORSCALE,
    GROUP_FILLS,
    INK,
    LIGHT,
    NOTE,
    PALETTE,
    PAPER,
    VEIL,
    figure,
    finite32,
    finite_fit,
    legend_below,
    number_text,
)


def _unit_names() -> list[list[str]]:
    """Each layer's units: the inputs x1, x2, the hidden units y1..y4 numbered on through the layers, the output y."""
    sizes = worked_example.SIZES
    hidden = iter(range(1, sum(sizes[1:-1]) + 1))
    return ([[f"x{i + 1}" for i in range(sizes[0])]] + [[f"y{next(hidden)}" for _ in range(n)] for n in sizes[1:-1]]
            + [["y"]])


def _wiring() -> tuple[dict, dict]:
    """(node -> (x, y) in the diagram, weight -> (from, to)), read from the engine's naming of its weight matrices."""
    sizes, units = worked_example.SIZES, _unit_names()
    nodes = {name: (float(l), 1.0 - i / (len(layer) - 1) if len(layer) > 1 else 0.5)
             for l, layer in enumerate(units) for i, name in enumerate(layer)}
    # weight matrices whose entries say where they sit; the engine names them
    codes = [1000 * l + np.arange(a * b).reshape(a, b) for l, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))]
    edges = {}
    for name, code in worked_example.named(codes).items():
        l = int(code) // 1000
        i, j = divmod(int(code) % 1000, sizes[l + 1])
        edges[name] = (units[l][i], units[l + 1][j])
    return nodes, edges


TOY_NODES, TOY_EDGES = _wiring()  # the diagram's nodes (x, y) and each weight's (from, to)
TOY_NODE_PX = 34  # a node's circle: small enough that a weight's label fits between two nodes on a phone


def _rdbu(value: float, vmax: float) -> str:
    return sample_colorscale(COLORSCALE, [float(np.clip(0.5 + 0.5 * value / vmax, 0.0, 1.0))])[0]


def _value(v: float, digits: int) -> str:
    """A weight or a unit's value as the diagram and the table write it: the float64 the run computed (finite32, what
    the charts draw with, would write a weight of -1.5×10<sup>63</sup> as the most it keeps, -3.403×10<sup>37</sup>)."""
    return number_text(v, digits) if np.isfinite(v) else "overflow"


def toy_diagram(weights: dict, units: dict, x, vmax: float, title: str | None = None, height: int = 440,
                colorbar_below: bool = True) -> dict:
    """The 2-2-2-1 network: each edge labelled with its weight and coloured on the fixed scale [-vmax, vmax].

    Labels never cover a node or each other on a plot 334 px wide (a phone) or wider: a weight is written in two
    short lines on its edge (the crossing edges' a third of the way from their source, so the two labels of a
    crossing sit one above the other), and a unit's value (the number alone: its circle holds its name) sits
    outside its circle: above the top row, below the bottom row, the output's on the bottom row's line, tied to it
    by a thin line, clear of w9 and w10.
    colorbar_below: the colour bar under the plot (it takes no width from a narrow column), else at its right.
    """
    data, notes = [], []
    for name, (a, b) in TOY_EDGES.items():
        (x0, y0), (x1, y1) = TOY_NODES[a], TOY_NODES[b]
        v = float(weights[name])  # written as it is; finite32 (float32's range) only for its colour
        data.append(dict(type="scatter", x=[x0, x1], y=[y0, y1], mode="lines", showlegend=False, hoverinfo="text",
                         hovertext=f"{name} = {_value(v, 6)}", line=dict(color=_rdbu(float(finite32(v)), vmax),
                                                                          width=9)))
        crossing = y0 != y1 and b != "y"
        f = 1 / 3 if crossing else 0.5  # a crossing's two labels a third of the way from their sources
        notes.append(dict(x=x0 + f * (x1 - x0), y=y0 + f * (y1 - y0), text=f"<b>{name}</b><br>{_value(v, 4)}",
                          showarrow=False, bgcolor=VEIL, bordercolor=BORDER, borderwidth=1))
    margin = dict(l=10, r=10, t=50 if title else 10, b=80 if colorbar_below else 10)
    y_range = (-0.45, 1.45)
    px_per_unit = (height - margin["t"] - margin["b"]) / (y_range[1] - y_range[0])
    values = {"x1": x[0], "x2": x[1], **units}
    for name, (px, py) in TOY_NODES.items():
        v = float(values[name])
        data.append(dict(
            type="scatter", x=[px], y=[py], mode="markers+text", showlegend=False,
            hovertext=f"{name} = {_value(v, 6)}", hoverinfo="text", text=[f"<b>{name}</b>"],
            marker=dict(size=TOY_NODE_PX, color=LIGHT if name.startswith("x") else PAPER, line=dict(color=INK,
                                                                                                    width=2.5)),
        ))
        label = dict(x=px, y=py, text=_value(v, 4), font=dict(color=INK))  # no name: the circle has it, and
        # "y1 = 0.9943" beside "y3 = 0.6996" would not fit between two nodes on a phone
        if name == "y":  # down on the bottom row's line of values, where w9's and w10's labels leave room
            notes.append(dict(**label, showarrow=True, arrowhead=0, arrowwidth=1, arrowcolor=BORDER,
                              standoff=TOY_NODE_PX / 2 + 2, ax=0, ay=round(py * px_per_unit + 36)))
        else:  # the top row's values above it, the bottom row's below
            notes.append(dict(**label, showarrow=False, yshift=36 if py > 0.5 else -36))
    bar = (dict(orientation="h", x=0.5, xanchor="center", y=-0.04, yanchor="top", thickness=14, len=0.9,
                title=dict(text="weight", side="right")) if colorbar_below else
           dict(title=dict(text="weight"), thickness=14, len=0.9))
    data.append(dict(  # carries the colour bar of the edges
        type="scatter", x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
        marker=dict(colorscale=COLORSCALE, cmin=-vmax, cmax=vmax, color=[0.0], showscale=True, colorbar=bar),
    ))
    return figure(data, title, height, margin=margin, annotations=notes,
                  xaxis=dict(visible=False, range=[-0.3, 3.5]),  # room for the output's value under it
                  yaxis=dict(visible=False, range=list(y_range)))


def equal_groups(values) -> list[list[int]]:
    """Positions of exactly equal values, as groups of two or more, in order of first appearance."""
    seen: dict[float, list[int]] = {}
    for i, v in enumerate(values):
        seen.setdefault(float(v), []).append(i)
    return [g for g in seen.values() if len(g) > 1]


def toy_table(weights, upto: int, names, max_rows: int = 200, visible_rows: int = 9) -> dict:
    """The weights of iterations upto, upto-1, ..., 0 (newest first); in a row, exactly equal weights share a fill."""
    weights = np.asarray(weights, dtype=float)
    rows = list(range(upto, max(-1, upto - max_rows), -1))
    fills = [[PAPER] * len(rows) for _ in names]
    for r, n in enumerate(rows):
        for g, members in enumerate(equal_groups(weights[n])):
            for i in members:
                fills[i][r] = GROUP_FILLS[g % len(GROUP_FILLS)]
    cells = [rows] + [[_value(v, 6) for v in weights[rows, i]]
                      for i in range(len(names))]
    table = dict(
        type="table", columnwidth=[0.6] + [1.0] * len(names),
        header=dict(values=["<b>iter</b>"] + [f"<b>{n}</b>" for n in names], fill=dict(color=LIGHT), height=34,
                    align="center"),
        cells=dict(values=cells, fill=dict(color=[[PAPER] * len(rows)] + fills), height=30, align="center"),
    )
    return figure([table], None, 34 + 30 * min(len(rows), visible_rows) + 16, margin=dict(l=2, r=2, t=2, b=2))


def toy_lines(weights, upto: int, names, title: str = "The ten weights over the iterations") -> dict:
    """Each weight against iteration. Weights that stay equal draw exactly on top of each other."""
    exact = np.asarray(weights, dtype=float)
    groups = equal_groups(exact[-1])  # equal as the run computed them, not as float32 would round them
    weights = finite_fit(exact)  # a diverging run's 10⁶³ drawn as it is, not at float32's limit
    its = np.arange(len(weights), dtype=np.float32)
    dashes = ("solid", "dash", "dot", "dashdot")
    loners = 0
    data = []
    for i, name in enumerate(names):
        g = next((k for k, m in enumerate(groups) if i in m), None)
        if g is None:  # a weight on its own: the next colour, then the next dash, so ten loners stay apart
            n = len(groups) + loners
            color, dash, width = PALETTE[n % len(PALETTE)], dashes[n // len(PALETTE) % 4], 6.0
            loners += 1
        else:
            pos = groups[g].index(i)
            color, dash, width = PALETTE[g % len(PALETTE)], dashes[pos % 4], max(1.5, 6 - 1.5 * pos)
        data.append(dict(type="scatter", x=its, y=weights[:, i], mode="lines", name=name,
                         line=dict(color=color, width=width, dash=dash)))
    legend, bottom = legend_below(2)
    return figure(data, title, 400, legend=legend, margin=dict(l=70, r=30, t=60, b=bottom),
                  shapes=[dict(type="line", xref="x", x0=upto, x1=upto, yref="y domain", y0=0, y1=1,
                               line=dict(color=NOTE, dash="dash", width=1.5))],
                  xaxis=dict(title=dict(text="iteration"), rangemode="tozero"), yaxis=dict(title=dict(text="weight")))

