"""The lesson pages' figure builders (symbreak_core.figures, '# ---- Lesson figures ----') and the error-surface slice.

Builders: the right traces, nothing non-finite sent to the browser, colour ranges fixed and symmetric about 0.
Slice: the line t = 0 really is a line of equal units, and the loss is mirror-symmetric across it.
"""
from dataclasses import replace

import numpy as np
import pytest

from symbreak_core import TrainConfig, depth_probe, error_surface, restarts, surface, theory_rms, toy, train
from symbreak_core import figures as fig
from symbreak_core.model import evaluate
from symbreak_core.train import dataset_of


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
    f = fig.compare_loss({k: (range(r.steps_done), r.losses) for k, r in runs.items()}, step=100)
    lines = [t for t in f.data if t.mode == "lines"]
    assert [t.name for t in lines] == ["constant", "he_normal"]
    assert len([t for t in f.data if t.mode == "markers"]) == 2  # one dot per run at the current step
    assert f.layout.yaxis.type == "log"
    assert_finite(f)


def test_compare_loss_drops_nan_and_goes_linear_for_non_positive_losses():
    f = fig.compare_loss({"a": (np.arange(4), np.array([1.0, np.nan, -2.0, np.inf]))}, step=2)
    assert f.layout.yaxis.type == "linear"
    assert list(f.data[0].y) == [1.0, -2.0]
    assert_finite(f)


def test_compare_distinct_labels_k_of_width(runs):
    f = fig.compare_distinct({k: r.final.distinct for k, r in runs.items()}, (8, 8))
    assert list(f.data[0].text) == ["1 / 8", "1 / 8"]  # constant init: every layer one unit
    assert list(f.data[1].text) == ["8 / 8", "8 / 8"]


def test_weight_vmax_is_a_symmetric_limit_above_every_weight(runs):
    Ws = [W for r in runs.values() for s in r.snapshots for W in s.weights]
    vmax = fig.weight_vmax(Ws + [np.array([np.nan, -np.inf])])
    assert np.isfinite(vmax) and vmax >= max(np.abs(W).max() for W in Ws)
    assert fig.weight_vmax([np.zeros(3)]) > 0


# ---- the worked example

def test_toy_diagram_colours_ten_labelled_edges_on_a_symmetric_scale():
    r = toy.run()
    vmax = fig.weight_vmax([r.weights])
    f = fig.toy_diagram(r.at(10), r.units_at(10), r.x, vmax)
    texts = [a.text for a in f.layout.annotations]
    assert all(any(t.startswith(f"<b>{n}</b>") for t in texts) for n in toy.NAMES)
    edges = [t for t in f.data if t.mode == "lines"]
    assert len(edges) == 10
    assert edges[0].line.color == edges[1].line.color  # w1 == w2 after any number of steps
    bar = [t for t in f.data if t.marker is not None and t.marker.showscale][0].marker
    assert bar.cmin == -bar.cmax == -vmax
    assert_finite(f)


def test_equal_groups_and_table_fills_follow_exact_equality():
    assert fig.equal_groups([1.0, 2.0, 1.0, 3.0, 2.0]) == [[0, 2], [1, 4]]
    assert fig.equal_groups([1.0, 1.0 + 1e-15]) == []  # exact, not approximate
    r = toy.run(steps=5)
    f = fig.toy_table(r.weights, 5, toy.NAMES)
    fills = f.data[0].cells.fill.color[1:]  # per weight column, per row (newest first)
    row = 0  # iteration 5
    assert fills[0][row] == fills[1][row] != "#ffffff"  # w1 = w2
    assert fills[2][row] == fills[3][row] != fills[0][row]  # w3 = w4, but w1 != w3
    assert fills[4][row] == fills[5][row] == fills[6][row] == fills[7][row]
    assert fills[8][row] == fills[9][row]
    assert list(f.data[0].cells.values[0]) == [5, 4, 3, 2, 1, 0]


def test_toy_lines_has_one_trace_per_weight_and_equal_weights_share_a_colour():
    r = toy.run(steps=20)
    f = fig.toy_lines(r.weights, 20, toy.NAMES)
    assert [t.name for t in f.data] == list(toy.NAMES)
    assert f.data[0].line.color == f.data[1].line.color and f.data[0].line.color != f.data[2].line.color
    assert_finite(f)


def test_toy_builders_survive_overflow():
    r = toy.run(a=2, x1=3, x2=3, lr=0.1, steps=200)
    assert not np.isfinite(r.weights).all()
    for f in (fig.toy_lines(r.weights, 200, toy.NAMES), fig.toy_diagram(r.at(200), r.units_at(200), r.x, 1.0)):
        assert_finite(f)
    assert "overflow" in fig.toy_table(r.weights, 200, toy.NAMES).data[0].cells.values[1]


# ---- depth and scale

@pytest.mark.parametrize("activation,init,spread", [("relu", "he_normal", 1.0), ("tanh", "normal", 0.01),
                                                    ("tanh", "normal", 1.0)])
def test_depth_figures(activation, init, spread):
    p = depth_probe(width=64, depth=6, activation=activation, init=init, spread=spread, n_samples=100)
    th = theory_rms(p)
    f = fig.depth_stats(p.act_rms, p.saturated, p.grad_std, th)
    assert ("theory" in [t.name for t in f.data]) == (th is not None)
    lo, hi = f.layout.yaxis.range
    assert hi - lo >= 2 - 1e-9  # a flat line stays flat: at least two decades shown
    assert_finite(f)
    h = fig.depth_histograms(p.hist_edges, p.hist_counts, p.act_std)
    assert len(h.data) == 6
    assert_finite(h)


def test_depth_stats_draws_exact_zeros_on_the_log_floor():
    f = fig.depth_stats(np.array([1.0, 0.0]), np.zeros(2), np.array([0.0, np.nan]))
    assert all(np.all(a > 0) for a in _arrays(f)[:1])
    assert any("0% in every layer" in a.text for a in f.layout.annotations)
    assert_finite(f)


# ---- restarts

def test_restarts_figures_skip_diverged_seeds_and_mark_best_and_worst():
    rr = restarts(TrainConfig(hidden=(3,), steps=100, lr=0.5), range(6))
    loss = rr.train_loss.copy()
    loss[0] = np.nan
    f = fig.restarts_histograms(loss, rr.test_acc)
    assert len(f.data[0].x) == 5
    c = fig.restarts_curves(rr.curve_steps, rr.curves, rr.best, rr.worst)
    assert [t.name for t in c.data[-2:]] == ["worst seed", "best seed"]
    assert_finite(f)
    assert_finite(c)


def test_restarts_histogram_of_one_outcome_is_one_narrow_labelled_bar():
    f = fig.restarts_histograms(np.full(50, 0.5800704), np.full(50, 0.63))
    lo, hi = f.layout.xaxis.range
    assert lo < 0.5800704 < hi and hi - lo < 0.1
    assert any("all 50 seeds" in a.text for a in f.layout.annotations)


# ---- the error surface: the builders and the slice itself

@pytest.fixture(scope="module", params=["circles", "xor"])
def slice_result(request):
    c = replace(surface.DEFAULT, dataset=request.param, steps=400)
    return error_surface(c, eps=0.05, res=21)


def test_symmetric_line_is_a_line_of_equal_units(slice_result):
    for s in np.linspace(float(slice_result.s[0]), float(slice_result.s[-1]), 7):
        u1, u2 = surface.units(slice_result.point(s, 0.0))
        np.testing.assert_array_equal(u1, u2)
    for s, t in ((0.3, 0.4), (1.0, -0.2)):  # off the line the units differ, and t <-> -t swaps them exactly
        a1, a2 = surface.units(slice_result.point(s, t))
        b1, b2 = surface.units(slice_result.point(s, -t))
        assert not np.array_equal(a1, a2)
        np.testing.assert_array_equal(a1, b2)
        np.testing.assert_array_equal(a2, b1)


def test_loss_is_mirror_symmetric_across_the_line(slice_result):
    r = slice_result
    np.testing.assert_allclose(r.t, -r.t[::-1], atol=1e-15)
    np.testing.assert_allclose(r.loss, r.loss[::-1], rtol=1e-12)  # loss(s, t) == loss(s, -t)
    data = dataset_of(r.config)
    for s, t in ((0.2, 0.3), (0.9, 0.05)):
        W, b = surface.unflatten(r.point(s, t))
        W2, b2 = surface.unflatten(r.point(s, -t))
        a = evaluate(W, b, data.X, data.y, r.config.activation, r.config.loss)[0]
        c = evaluate(W2, b2, data.X, data.y, r.config.activation, r.config.loss)[0]
        assert a == pytest.approx(c, rel=1e-13)


def test_constant_path_stays_on_the_line_and_matches_the_surface(slice_result):
    r = slice_result
    const = r.paths["constant"]
    assert np.all(const.t == 0.0)
    data = dataset_of(r.config)
    W, b = surface.unflatten(r.point(float(const.s[-1]), 0.0))  # the run's last point lies in the slice
    loss = evaluate(W, b, data.X, data.y, r.config.activation, r.config.loss)[0]
    assert loss == pytest.approx(const.loss[-1], rel=1e-9)
    assert np.max(np.abs(r.paths["constant + noise"].t)) > 10 * abs(r.paths["constant + noise"].t[0])


def test_surface_figures(slice_result):
    r = slice_result
    c = fig.surface_contour(r.s, r.t, r.loss, r.paths)
    names = [t.name for t in c.data]
    assert "descent from constant" in names and "descent from constant + noise" in names
    assert c.data[0].type == "contour"
    sec = fig.surface_section(r.s, r.t, r.loss, 0.0)
    y = np.asarray(sec.data[0].y, dtype=float)
    m = len(y) // 2
    assert r.curvature < 0 and y[m] >= y[m - 1] and y[m] >= y[m + 1]  # the ridge: a local hump at t = 0
    for f in (c, fig.surface_3d(r.s, r.t, r.loss, r.paths), sec, fig.surface_path_losses(r.paths)):
        assert_finite(f)
