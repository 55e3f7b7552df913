"""The lesson pages' figure builders (figures.training's comparisons and restarts, figures.worked_example,
figures.depth, figures.error_surface).

Builders: the right traces, nothing non-finite sent to the browser, colour ranges fixed and symmetric about 0.
The error-surface slice itself is tested in test_error_surface.py.
"""
import json
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import pytest

import figures as fig
from symbreak_core import (
    DepthConfig,
    TrainConfig,
    depth_probe,
    error_surface,
    restarts,
    theory_rms,
    train,
    worked_example,
)
from symbreak_core.error_surface import DEFAULT, SurfaceConfig


def built(spec) -> go.Figure:
    """A builder's spec, validated: go.Figure raises on any property outside Plotly's schema."""
    assert isinstance(spec, dict) and set(spec) == {"data", "layout"}
    return go.Figure(spec)


def _arrays(figure):
    """Every numeric array of every trace (x, y, z), as float64."""
    out = []
    for tr in figure.data:
        for name in ("x", "y", "z"):
            v = getattr(tr, name, None)
            if v is None:
                continue
            a = np.asarray(v, dtype=object).ravel()
            nums = [float(x) for x in a if isinstance(x, (int, float, np.floating, np.integer))]
            out.append(np.array(nums, dtype=float))
    return out


def assert_finite(figure):
    for a in _arrays(figure):
        assert np.all(np.isfinite(a)), "a NaN or inf reached the figure"


@pytest.fixture(scope="module")
def runs():
    c = TrainConfig(steps=200, record_every=10)
    return {k: train(replace(c, init=k)) for k in ("constant", "he_normal")}


# ---- side by side

def test_compare_loss_overlays_every_run_and_marks_the_step(runs):
    f = built(fig.compare_loss({k: (range(r.steps_done), r.batch_losses) for k, r in runs.items()}, step=100))
    lines = [t for t in f.data if t.mode == "lines"]
    assert [t.name for t in lines] == ["constant", "he_normal"]
    assert len([t for t in f.data if t.mode == "markers"]) == 2  # one dot per run at the current step
    assert f.layout.yaxis.type == "log"
    assert_finite(f)


def test_compare_loss_drops_nan_and_goes_linear_for_non_positive_losses():
    f = built(fig.compare_loss({"a": (np.arange(4), np.array([1.0, np.nan, -2.0, np.inf]))}, step=2))
    assert f.layout.yaxis.type == "linear"
    assert list(f.data[0].y) == [1.0, -2.0]
    assert_finite(f)


def test_compare_distinct_labels_k_of_width(runs):
    f = built(fig.compare_distinct({k: r.final.distinct for k, r in runs.items()}, (8, 8)))
    assert list(f.data[0].text) == ["1 / 8", "1 / 8"]  # constant init: every layer one unit
    assert list(f.data[1].text) == ["8 / 8", "8 / 8"]


def test_weight_vmax_is_a_symmetric_limit_above_every_weight(runs):
    Ws = [W for r in runs.values() for s in r.snapshots for W in s.weights]
    vmax = fig.weight_vmax(Ws + [np.array([np.nan, -np.inf])])
    assert np.isfinite(vmax) and vmax >= max(np.abs(W).max() for W in Ws)
    assert fig.weight_vmax([np.zeros(3)]) > 0


# ---- the worked example

def test_toy_diagram_colours_ten_labelled_edges_on_a_symmetric_scale():
    r = worked_example.run()
    vmax = fig.weight_vmax([r.weights])
    f = built(fig.toy_diagram(r.at(10), r.units_at(10), r.x, vmax))
    texts = [a.text for a in f.layout.annotations]
    assert all(any(t.startswith(f"<b>{n}</b>") for t in texts) for n in worked_example.NAMES)
    edges = [t for t in f.data if t.mode == "lines"]
    assert len(edges) == 10
    assert edges[0].line.color == edges[1].line.color  # w1 == w2 after any number of steps
    bar = [t for t in f.data if t.marker is not None and t.marker.showscale][0].marker
    assert bar.cmin == -bar.cmax == -vmax
    assert_finite(f)


def test_equal_groups_and_table_fills_follow_exact_equality():
    assert fig.equal_groups([1.0, 2.0, 1.0, 3.0, 2.0]) == [[0, 2], [1, 4]]
    assert fig.equal_groups([1.0, 1.0 + 1e-15]) == []  # exact, not approximate
    r = worked_example.run(steps=5)
    f = built(fig.toy_table(r.weights, 5, worked_example.NAMES))
    fills = f.data[0].cells.fill.color[1:]  # per weight column, per row (newest first)
    row = 0  # iteration 5
    assert fills[0][row] == fills[1][row] != "#ffffff"  # w1 = w2
    assert fills[2][row] == fills[3][row] != fills[0][row]  # w3 = w4, but w1 != w3
    assert fills[4][row] == fills[5][row] == fills[6][row] == fills[7][row]
    assert fills[8][row] == fills[9][row]
    assert list(f.data[0].cells.values[0]) == [5, 4, 3, 2, 1, 0]


def test_toy_lines_has_one_trace_per_weight_and_equal_weights_share_a_colour():
    r = worked_example.run(steps=20)
    f = built(fig.toy_lines(r.weights, 20, worked_example.NAMES))
    assert [t.name for t in f.data] == list(worked_example.NAMES)
    assert f.data[0].line.color == f.data[1].line.color and f.data[0].line.color != f.data[2].line.color
    assert_finite(f)


def test_toy_builders_survive_overflow():
    r = worked_example.run(a=2, x1=3, x2=3, lr=0.1, steps=200)
    assert not np.isfinite(r.weights).all()
    names = worked_example.NAMES
    for f in (fig.toy_lines(r.weights, 200, names), fig.toy_diagram(r.at(200), r.units_at(200), r.x, 1.0)):
        assert_finite(built(f))
    assert "overflow" in built(fig.toy_table(r.weights, 200, worked_example.NAMES)).data[0].cells.values[1]


# ---- depth and scale

@pytest.mark.parametrize("activation,init,spread", [("relu", "he_normal", 1.0), ("tanh", "normal", 0.01),
                                                    ("tanh", "normal", 1.0)])
def test_depth_figures(activation, init, spread):
    p = depth_probe(DepthConfig(width=64, depth=6, activation=activation, init=init, spread=spread,
                                  n_samples=100))
    th = theory_rms(p)
    up, sat, down = map(built, fig.depth_stats(p.act_rms, p.saturated, p.grad_std, th))
    assert ("theory" in [t.name for t in up.data]) == (th is not None)
    for f in (up, down):
        lo, hi = f.layout.yaxis.range
        assert hi - lo >= 2 - 1e-9  # a flat line stays flat: at least two decades shown
    for f in (up, sat, down):
        assert_finite(f)
    h = built(fig.depth_histograms(p.hist_edges, p.hist_counts, p.act_std))
    assert len(h.data) == 6
    assert_finite(h)


def test_depth_stats_draws_exact_zeros_on_the_log_floor():
    up, sat, down = map(built, fig.depth_stats(np.array([1.0, 0.0]), np.zeros(2), np.array([0.0, np.nan])))
    assert all(np.all(a > 0) for f in (up, down) for a in _arrays(f))
    assert any(a.text == "0% in<br>every layer" for a in sat.layout.annotations)
    for f in (up, sat, down):
        assert_finite(f)


# ---- restarts

def test_restarts_figures_skip_diverged_seeds_and_mark_best_and_worst():
    rr = restarts(TrainConfig(hidden=(3,), steps=100, lr=0.5), range(6))
    loss = rr.train_loss.copy()
    loss[0] = np.nan
    f = built(fig.restarts_histograms(loss, rr.test_acc))
    assert len(f.data[0].x) == 5
    c = built(fig.restarts_curves(rr.curve_steps, rr.curves, rr.best, rr.worst))
    assert [t.name for t in c.data[-2:]] == ["worst seed", "best seed"]
    assert_finite(f)
    assert_finite(c)


def test_restarts_histogram_of_one_outcome_is_one_narrow_labelled_bar():
    f = built(fig.restarts_histograms(np.full(50, 0.5800704), np.full(50, 0.63)))
    lo, hi = f.layout.xaxis.range
    assert lo < 0.5800704 < hi and hi - lo < 0.1
    assert [a.text for a in f.layout.annotations if a.text.startswith("all ")] == ["all 50: 0.5801", "all 50: 63"]
    assert f.layout.yaxis.title.text == "seeds"  # what the 50 counts (the label is short enough for a phone)


def test_restarts_figures_fit_a_phone():
    """On a 390 px phone the two histogram titles ran into each other and the curves' legend sat on the title."""
    f = built(fig.restarts_histograms([0.15, 0.2, 0.38], [0.78, 0.85, 0.9]))
    assert [a.text for a in f.layout.annotations] == ["Training loss", "Test accuracy"]
    assert f.layout.xaxis.ticklabelstandoff > 0 and f.layout.xaxis2.nticks <= 4
    rr = restarts(TrainConfig(hidden=(3,), steps=100, lr=0.5), range(4))
    legend = built(fig.restarts_curves(rr.curve_steps, rr.curves, rr.best, rr.worst)).layout.legend
    assert (legend.yref, legend.y, legend.yanchor) == ("container", 0, "bottom")


# ---- the error surface: the builders (the slice itself is tested in test_error_surface.py)

@pytest.fixture(scope="module", params=["circles", "xor"])
def slice_result(request):
    c = replace(DEFAULT, dataset=request.param, steps=400)
    return error_surface(SurfaceConfig(c, eps=0.05, res=21))


def _surface_args(r):
    return r.s, r.t, r.loss, r.paths, (*r.end, r.end_loss), float(r.paths["constant"].loss[-1])


def test_surface_figures(slice_result):
    r = slice_result
    c = built(fig.surface_contour(*_surface_args(r)))
    names = [t.name for t in c.data]
    assert "descent from constant" in names and "descent from constant + noise" in names
    assert c.data[0].type == "contour"
    sec = built(fig.surface_section(r.s, r.t, r.loss, 0.0))
    y = np.asarray(sec.data[0].y, dtype=float)
    m = len(y) // 2
    assert r.curvature < 0 and y[m] >= y[m - 1] and y[m] >= y[m + 1]  # the ridge: a local hump at t = 0
    for f in (c, built(fig.surface_3d(*_surface_args(r))), sec, built(fig.surface_path_losses(r.paths))):
        assert_finite(f)


def test_surface_map_marks_both_minima_and_is_coloured_about_the_saddle(slice_result):
    r = slice_result
    level = float(r.paths["constant"].loss[-1])
    c = built(fig.surface_contour(*_surface_args(r)))
    heat = c.data[0]
    assert heat.zmin < float(r.loss.min()) + 1e-6 and heat.zmax - level == pytest.approx(level - heat.zmin)
    by_name = {t.name: t for t in c.data}
    end = next(t for name, t in by_name.items() if name.startswith("the noisy run's end"))
    mirror = by_name["its mirror image: the units swapped"]
    assert (end.x[0], end.y[0]) == (1.0, pytest.approx(r.end[1], rel=1e-6))
    assert (mirror.x[0], mirror.y[0]) == (1.0, pytest.approx(-r.end[1], rel=1e-6))
    assert f"{r.end_loss:.4f}" in end.name
    level_line = next(t for t in c.data[1:] if t.type == "contour")
    assert level_line.contours.start == level_line.contours.end == level
    xs, ys = c.layout.xaxis.range, c.layout.yaxis.range  # the map's extent holds the centre and both minima
    assert xs[0] < 0 < 1 < xs[1] and ys[0] < -r.end[1] and r.end[1] < ys[1]


def test_a_flat_slice_is_drawn_flat():
    """Dead ReLU units: the loss differs by round-off only, so the map is one colour and the cut a flat line."""
    r = error_surface(SurfaceConfig(replace(DEFAULT, activation="relu", steps=400), eps=1e-3, res=11))
    level = float(r.paths["constant"].loss[-1])
    assert float(np.ptp(r.loss)) < 1e-4
    c = built(fig.surface_contour(*_surface_args(r)))
    assert c.data[0].zmax - level == pytest.approx(fig.FLAT_SPAN)
    assert not any(t.type == "contour" for t in c.data[1:])  # no level line tracing round-off
    lo, hi = built(fig.surface_section(r.s, r.t, r.loss, 0.0)).layout.yaxis.range
    assert hi - lo >= 2 * fig.FLAT_SPAN


# ---- issue 10: text that reads on every screen

def _log_axes(figure) -> list:
    return [a for k in figure.layout if k.startswith("yaxis") and (a := figure.layout[k]).type == "log"]


def _reads_as(text: str) -> float:
    """The number a tick label shows: '0.02', '5', '10<sup>-6</sup>' or '2×10<sup>-6</sup>'."""
    if "<sup>" in text:
        mantissa, _, rest = text.partition("10<sup>")
        return float(mantissa.rstrip("×") or 1) * 10.0 ** int(rest.removesuffix("</sup>"))
    return float(text)


def assert_log_ticks_read_true(figure):
    """Every log axis labels its ticks itself, and each label reads as the value it stands at (never '2' for 0.2)."""
    axes = _log_axes(figure)
    assert axes, "no log axis"
    for axis in axes:
        assert axis.tickmode == "array" and len(axis.tickvals) >= 2
        for value, text in zip(axis.tickvals, axis.ticktext, strict=True):
            assert _reads_as(text) == pytest.approx(value, rel=1e-9), (value, text)
            assert axis.range[0] - 1e-9 <= np.log10(value) <= axis.range[1] + 1e-9


def test_lesson_log_axes_never_show_bare_minor_digits(runs):
    curves = {k: (range(r.steps_done), r.batch_losses) for k, r in runs.items()}
    assert_log_ticks_read_true(built(fig.compare_loss(curves, 50)))
    p = depth_probe(DepthConfig(width=64, depth=6, activation="tanh", init="normal", spread=0.01, n_samples=100))
    up, sat, down = map(built, fig.depth_stats(p.act_rms, p.saturated, p.grad_std, theory_rms(p)))
    assert not _log_axes(sat)
    assert_log_ticks_read_true(up)
    assert_log_ticks_read_true(down)
    rr = restarts(TrainConfig(hidden=(3,), steps=100, lr=0.5), range(4))
    assert_log_ticks_read_true(built(fig.restarts_curves(rr.curve_steps, rr.curves, rr.best, rr.worst)))


def test_depth_titles_are_short_enough_for_a_third_of_the_width_and_the_histograms_for_a_tenth():
    """The titles were cut ("std of ∂L/∂z") and ran into each other ("std 0.0024std 0.00053")."""
    p = depth_probe(DepthConfig(width=32, depth=10, activation="tanh", init="normal", spread=0.01, n_samples=50))
    titles = [built(f).layout.title.text for f in fig.depth_stats(p.act_rms, p.saturated, p.grad_std)]
    assert titles[2] == "Gradient down:<br>std of ∂L/∂z"
    assert max(len(line) for t in titles for line in t.split("<br>")) <= 16
    panels = [a.text for a in built(fig.depth_histograms(p.hist_edges, p.hist_counts, p.act_std)).layout.annotations]
    for layer, (text, std) in enumerate(zip(panels, p.act_std, strict=True), start=1):
        name, shown = text.split("<br>")
        base, _, power = shown.partition("<sup>")  # "σ 3×10<sup>-7</sup>": a superscript is about half as wide
        assert name == f"layer {layer}" and base.startswith("σ ") and "e" not in shown
        assert len(base) + len(power.removesuffix("</sup>")) / 2 <= 7.5  # fits a fifth of a phone: σ 8×10⁻¹²
        number = shown.removeprefix("σ ").replace("×10<sup>", "e").replace("10<sup>", "1e").replace("</sup>", "")
        assert float(number) == pytest.approx(std, rel=0.35)  # one or two digits, but true


def test_toy_diagram_writes_unit_values_outside_their_circles():
    """Finding: the edge labels hid y1..y4. Each value now sits above or below its node, none on a node."""
    r = worked_example.run()
    f = built(fig.toy_diagram(r.at(5), r.units_at(5), r.x, 1.0, height=330))
    assert f.layout.height == 330
    units = {(a.x, a.y): a for a in f.layout.annotations if not a.text.startswith("<b>w")}
    assert set(units) == set(fig.TOY_NODES.values())
    values = {"x1": r.x[0], "x2": r.x[1], **r.units_at(5)}
    for name, at in fig.TOY_NODES.items():  # the number alone (the circle holds the name), 30+ px off the node
        a = units[at]
        assert a.text == f"{values[name]:.4g}" and max(abs(a.yshift or 0), abs(a.ay) if a.showarrow else 0) >= 30
    assert units[fig.TOY_NODES["y"]].showarrow  # the output's value on the bottom row's line, tied to its node
    edges = [a for a in f.layout.annotations if a.text.startswith("<b>w")]
    assert len(edges) == 10 and not {(a.x, a.y) for a in edges} & set(fig.TOY_NODES.values())


def test_toy_diagram_puts_the_colour_bar_below_unless_asked_not_to():
    """Finding: on a phone the colour bar took a fifth of the width and the labels ran into each other."""
    r = worked_example.run()
    below = built(fig.toy_diagram(r.at(5), r.units_at(5), r.x, 1.0)).data[-1].marker.colorbar
    beside = built(fig.toy_diagram(r.at(5), r.units_at(5), r.x, 1.0, colorbar_below=False)).data[-1].marker.colorbar
    assert below.orientation == "h" and beside.orientation != "h"


def test_lesson_builders_take_the_height_a_page_asks_for(runs, slice_result):
    curves = {k: (range(r.steps_done), r.batch_losses) for k, r in runs.items()}
    assert built(fig.compare_loss(curves, 10, height=260)).layout.height == 260
    assert built(fig.compare_distinct({"a": [1, 1]}, (8, 8), height=260)).layout.height == 260
    sr = slice_result
    end = (*sr.end, sr.end_loss)
    assert built(fig.surface_contour(sr.s, sr.t, sr.loss, sr.paths, end, 0.5, height=470)).layout.height == 470
    assert built(fig.surface_section(sr.s, sr.t, sr.loss, 0.0, height=470)).layout.height == 470
    assert built(fig.restarts_histograms([0.1, 0.2], [0.5, 0.9], height=260)).layout.height == 260


def test_a_depth_legend_across_a_wide_chart_takes_the_rows_its_entries_need():
    """Start here presents one depth chart as wide as the screen: its three legend entries share a row there, so
    the figure is no taller than asked and its bottom margin holds one legend row, not three (which squeezed the
    plot to 90 px on a projector)."""
    from figures.style import legend_below

    rms, sat, grad = np.array([1.0, 0.5, 0.25]), np.zeros(3), np.array([1.0, 2.0, 4.0])
    compare = {"a": (rms, grad), "b": (rms, grad)}
    narrow = fig.depth_stats(rms, sat, grad, compare=compare, height=310, legend_in=2)[2]
    wide = fig.depth_stats(rms, sat, grad, compare=compare, height=310, legend_in=2, legend_across=3)[2]
    assert wide["layout"]["height"] == 310 and wide["layout"]["margin"]["b"] == legend_below(1)[1]
    assert narrow["layout"]["height"] == 310 + legend_below(3)[1] - legend_below(1)[1]
    assert narrow["layout"]["margin"]["b"] == legend_below(3)[1]
    assert [t["name"] for t in wide["data"] if t.get("showlegend", True)] == ["a", "b", "measured"]
    # and its title on one line, which leaves the plot the top margin's second line
    assert "<br>" not in wide["layout"]["title"]["text"] and "<br>" in narrow["layout"]["title"]["text"]
    assert wide["layout"]["margin"]["t"] < narrow["layout"]["margin"]["t"]


def test_a_diverging_worked_example_labels_its_weights_with_the_runs_own_numbers():
    """Its diagram wrote every weight near -1.5×10⁶³ as -3.403e+37, the most a float32 chart value keeps."""
    r = worked_example.run(a=2.0, x1=3.0, x2=3.0, lr=0.1, steps=200)
    n = r.last_finite()
    w = r.at(n)
    assert abs(float(w["w1"])) > 1e50
    f = fig.toy_diagram(w, r.units_at(n), r.x, float(np.abs(list(w.values())).max()))
    labels = {a["text"].split("<br>")[0].removeprefix("<b>").removesuffix("</b>"): a["text"].split("<br>")[1]
              for a in f["layout"]["annotations"] if "<br>" in a.get("text", "")}
    mantissa, exponent = f"{float(w['w1']):.4g}".split("e")
    assert labels["w1"] == f"{mantissa}×10<sup>{int(exponent)}</sup>"
    table = fig.toy_table(r.weights[: n + 1], n, worked_example.NAMES)
    assert table["data"][0]["cells"]["values"][1][0] == fig.style.number_text(float(r.weights[n][0]))
    assert "3.403" not in json.dumps(f["layout"]["annotations"]) + json.dumps(table["data"][0]["cells"]["values"])
    lines = fig.toy_lines(r.weights[: n + 1], n, worked_example.NAMES)  # drawn at its size, not float32's limit
    assert min(float(np.min(t["y"])) for t in lines["data"]) == float(np.min(r.weights[: n + 1]))


def test_the_weight_lines_group_weights_equal_as_the_run_computed_them():
    """Two weights 10⁻¹² apart are two lines of their own, though float32 would round them equal."""
    weights = np.full((3, 10), 0.5)
    weights[-1, 1] += 1e-12
    colour = {t["name"]: t["line"]["color"] for t in fig.toy_lines(weights, 2, worked_example.NAMES)["data"]}
    assert np.float32(weights[-1, 1]) == np.float32(weights[-1, 0])
    assert colour["w2"] != colour["w1"] == colour["w3"] == colour["w10"]  # w2 alone, the other nine one group
