"""Playground figure builders: what they draw, fixed symmetric colour ranges, nothing non-finite."""
import numpy as np
import pytest
from conftest import typed_array

from symbreak_core import TrainConfig, Trainer, model
from symbreak_core import figures as F


def arrays_of(fig):
    """Every numeric array in every trace of fig, as float64."""
    out = []
    for tr in fig.data:
        for name in ("x", "y", "z"):
            v = getattr(tr, name, None)
            if v is None or isinstance(v, str):
                continue
            a = np.asarray(v)
            if a.dtype.kind in "fiu":
                out.append(a.astype(np.float64))
    return out


def assert_all_finite(fig):
    for a in arrays_of(fig):
        assert np.all(np.isfinite(a))
    fig.to_json()  # serialisable


@pytest.fixture(scope="module")
def symmetric_run():
    t = Trainer(TrainConfig(hidden=(8, 8), init="constant", init_value=0.5, steps=60, record_every=5))
    t.run(60)
    return t


@pytest.fixture(scope="module")
def random_run():
    t = Trainer(TrainConfig(hidden=(20, 6), init="he_normal", activation="relu", steps=40, record_every=5))
    t.run(40)
    return t


def test_weight_heatmaps_show_the_weights_exactly_with_a_symmetric_range(random_run):
    W = random_run.weights
    fig = F.weight_heatmaps(W, vmax=2.0)
    assert len(fig.data) == len(W)
    for tr, w in zip(fig.data, W):
        assert tr.type == "heatmap"
        np.testing.assert_array_equal(np.asarray(tr.z), w.astype(np.float32))
        assert "w[%{y}, %{x}]" in tr.hovertemplate
    ca = fig.layout.coloraxis
    assert ca.cmin == -2.0 and ca.cmax == 2.0 and ca.cmid == 0.0 and ca.colorscale
    assert_all_finite(fig)


def test_weight_heatmaps_default_range_is_symmetric_and_covers_the_weights(random_run):
    fig = F.weight_heatmaps(random_run.weights)
    ca = fig.layout.coloraxis
    assert ca.cmin == -ca.cmax and ca.cmax >= max(np.abs(w).max() for w in random_run.weights)


def test_identical_units_are_identical_columns(symmetric_run):
    fig = F.weight_heatmaps(symmetric_run.weights, vmax=1.0)
    z = np.asarray(fig.data[0].z)
    assert np.all(z == z[:, :1])


def test_nan_and_inf_never_reach_a_figure():
    W = [np.array([[np.nan, np.inf], [-np.inf, 1.0]]), np.array([[0.5], [np.nan]])]
    fig = F.weight_heatmaps(W)
    assert_all_finite(fig)
    assert F.nice_ceiling(float("nan")) > 0
    assert_all_finite(F.loss_curves([0, 1, 2], [1.0, np.nan, np.inf], [1.0, 0.5, np.nan], per_step=[np.nan, 1.0]))
    assert_all_finite(F.grad_norms(np.array([[np.nan, 1.0], [np.inf, 0.0]])))


def test_unit_outputs_tiles_are_the_units(random_run):
    t = random_run
    f = model.field(t.weights, t.biases, "relu", "bce", (-1.5, 1.5), res=12)
    fig = F.unit_outputs(f, distinct=(20, 6))
    assert len(fig.data) == 2  # first two hidden layers
    z = np.asarray(fig.data[0].z)
    res, pad = 12, max(2, 12 // 8)
    tile = z[:res, (res + pad) * 2:(res + pad) * 2 + res]  # layer 1, unit 3 (first row, third column)
    np.testing.assert_allclose(tile, f.hidden[0][2][::-1].astype(np.float32))
    texts = fig.layout.yaxis.ticktext  # each layer's caption is its tick label, in the margin beside its tiles
    assert list(texts) == ["layer 1<br>20 units<br>20 distinct<br>16 shown", "layer 2<br>6 units<br>6 distinct"]
    assert fig.layout.coloraxis.cmin == -fig.layout.coloraxis.cmax
    assert_all_finite(fig)


def test_identical_units_draw_identical_pictures(symmetric_run):
    t = symmetric_run
    f = model.field(t.weights, t.biases, "tanh", "bce", (-1.5, 1.5), res=10)
    z = np.asarray(F.unit_outputs(f, distinct=(1, 1)).data[0].z)
    res, pad = 10, 2
    tiles = [z[:res, c * (res + pad):c * (res + pad) + res] for c in range(4)]
    assert all(np.array_equal(tiles[0], x) for x in tiles[1:])


def test_loss_curves_are_log_scale_and_fall_back_to_linear_for_non_positive_values():
    fig = F.loss_curves([0, 5, 10], [1.0, 0.5, 0.2], [1.1, 0.6, 0.3], per_step=np.linspace(1, 0.2, 11))
    assert fig.layout.yaxis.type == "log"
    assert [tr.name for tr in fig.data] == ["each step", "train", "test"]
    assert F.loss_curves([0, 1], [0.5, -0.1], [0.5, 0.1]).layout.yaxis.type == "linear"


def test_long_histories_are_thinned():
    fig = F.loss_curves(np.arange(20_000), np.ones(20_000), np.ones(20_000), per_step=np.ones(20_000))
    assert all(len(tr.x) <= F.MAX_POINTS for tr in fig.data)
    assert fig.data[1].x[-1] == 19_999


def test_grad_norms_draw_exact_zeros_at_the_floor_and_say_so():
    G = np.array([[0.0, 0.0, 0.3], [0.0, 0.0, 0.2]])
    fig = F.grad_norms(G)
    assert fig.layout.yaxis.type == "log" and len(fig.data) == 3
    assert np.all(np.asarray(fig.data[0].y) == np.float32(F.LOG_FLOOR))
    assert any("exactly 0" in a.text for a in fig.layout.annotations)
    fig = F.grad_norms(np.array([[0.1, 0.2]]))
    assert not any("exactly 0" in (a.text or "") for a in fig.layout.annotations)


def test_symmetry_meter_text_and_honest_zero_gap(symmetric_run):
    r = symmetric_run.result()
    fig = F.symmetry_meter(r.snapshot_steps, [s.distinct for s in r.snapshots], [s.gap for s in r.snapshots], (8, 8))
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert list(bars[1].text) == ["1 / 8", "1 / 8"]
    lines = [tr for tr in fig.data if tr.type == "scatter"]
    assert len(lines) == 2 and all(np.all(np.asarray(tr.y) == np.float32(F.LOG_FLOOR)) for tr in lines)
    assert any("exactly 0" in a.text for a in fig.layout.annotations)
    assert fig.layout.yaxis2.type == "log" and fig.layout.yaxis2.range[0] < np.log10(F.LOG_FLOOR)
    assert_all_finite(fig)


def test_decision_boundary_centres_the_colours_on_one_half(random_run):
    t = random_run
    f = model.field(t.weights, t.biases, "relu", "bce", model.grid_extent(t.data.X), res=20)
    fig = F.decision_boundary(f, t.data)
    heat = fig.data[0]
    assert heat.zmid == 0.5 and heat.zmin == 1.0 - heat.zmax
    names = [tr.name for tr in fig.data]
    assert "class 0" in names and "class 1" in names
    n_points = sum(len(tr.x) for tr in fig.data if tr.type == "scatter")
    assert n_points == len(t.data.X)
    assert_all_finite(fig)


def test_every_figure_has_a_fixed_height_and_large_font(random_run):
    t = random_run
    r = t.result()
    f = model.field(t.weights, t.biases, "relu", "bce", (-1.5, 1.5), res=8)
    figs = [
        F.weight_heatmaps(t.weights), F.unit_outputs(f), F.decision_boundary(f, t.data), F.grad_norms(r.grad_norms),
        F.loss_curves([0, 1], [1, 0.5], [1, 0.6]),
        F.symmetry_meter(r.snapshot_steps, [s.distinct for s in r.snapshots], [s.gap for s in r.snapshots], (20, 6)),
    ]
    for fig in figs:
        assert fig.layout.height and fig.layout.font.size >= 14
        assert fig.layout.uirevision == "keep"


def test_layer_names():
    assert F.layer_names(3) == ["input → layer 1", "layer 1 → layer 2", "layer 2 → output"]


def test_raw_specs_serialise_to_the_same_figures(random_run):
    import json

    t = random_run
    r = t.result()
    f = model.field(t.weights, t.biases, "relu", "bce", (-1.5, 1.5), res=10)
    snaps = r.snapshots
    builders = [
        lambda raw: F.weight_heatmaps(t.weights, vmax=2.0, raw=raw),
        lambda raw: F.unit_outputs(f, raw=raw),
        lambda raw: F.decision_boundary(f, t.data, raw=raw),
        lambda raw: F.grad_norms(r.grad_norms, raw=raw),
        lambda raw: F.loss_curves(r.snapshot_steps, [s.train_loss for s in snaps], [s.test_loss for s in snaps],
                                  per_step=r.batch_losses, raw=raw),
        lambda raw: F.symmetry_meter(r.snapshot_steps, [s.distinct for s in snaps], [s.gap for s in snaps], (20, 6),
                                     raw=raw),
    ]
    for build in builders:
        fig, spec = build(False), json.loads(F.spec_json(build(True)))
        assert spec["layout"]["height"] == fig.layout.height
        assert len(spec["data"]) == len(fig.data)
        for tr, d in zip(fig.data, spec["data"]):
            assert d["type"] == tr.type
            for k in ("x", "y", "z"):
                want = np.asarray(getattr(tr, k, None))
                if k in d and want.dtype.kind in "fiu":
                    np.testing.assert_array_equal(typed_array(d[k]).astype(np.float64), want.astype(np.float64))
        json.loads(F.spec_json(fig))  # a go.Figure goes through plotly's own JSON


def test_spec_json_refuses_nan():
    with pytest.raises(ValueError):
        F.spec_json({"data": [{"type": "scatter", "y": [float("nan")]}], "layout": {}})


def playground_figures(t, raw: bool) -> list:
    """The six Playground figures of a run, as app.py builds them."""
    r, c = t.result(), t.config
    field = model.field(t.weights, t.biases, c.activation, c.loss, model.grid_extent(r.data.X), res=16)
    snaps, sym = r.snapshots, [s.distinct for s in r.snapshots]
    return [
        F.weight_heatmaps(t.weights, vmax=2.0, raw=raw), F.decision_boundary(field, r.data, raw=raw),
        F.unit_outputs(field, distinct=sym[-1], raw=raw),
        F.symmetry_meter(r.snapshot_steps, sym, [s.gap for s in snaps], c.hidden, raw=raw),
        F.loss_curves(r.snapshot_steps, [s.train_loss for s in snaps], [s.test_loss for s in snaps],
                      per_step=r.batch_losses, raw=raw),
        F.grad_norms(r.grad_norms, raw=raw),
    ]


def decoded(o):
    """A figure's JSON with plotly.js typed arrays ({bdata, dtype, shape}) turned into plain float lists."""
    if isinstance(o, dict) and "bdata" in o and "dtype" in o:
        return typed_array(o).astype(np.float64).tolist()
    if isinstance(o, dict):
        return {k: decoded(v) for k, v in o.items()}
    if isinstance(o, list):
        return [decoded(v) for v in o]
    return float(o) if isinstance(o, int) and not isinstance(o, bool) else o


@pytest.mark.parametrize("run", ["symmetric_run", "random_run"])
def test_raw_specs_are_the_same_figures_without_validation(run, request):
    """The chart grid gets raw specs (spec_json); they must draw exactly what the validated figures draw."""
    import json

    t = request.getfixturevalue(run)
    for raw, fig in zip(playground_figures(t, True), playground_figures(t, False), strict=True):
        assert isinstance(raw, dict) and set(raw) == {"data", "layout"}
        sent = decoded(json.loads(F.spec_json(raw)))  # what plotly.js receives from the grid
        full = decoded(json.loads(fig.to_json()))
        full["layout"].pop("template", None)  # plotly's default template; every colour we use is explicit
        assert sent == full, fig.layout.title.text
        assert decoded(json.loads(F.as_figure(raw).to_json())) == decoded(json.loads(fig.to_json()))
    with pytest.raises(ValueError):
        F.spec_json({"data": [{"type": "scatter", "y": [float("nan")]}], "layout": {}})


def _tick_value(text: str) -> float:
    """A log-axis label read back as a number: '0.2', '1.48', '5×10<sup>-8</sup>', '10<sup>-15</sup>'."""
    import re

    m = re.fullmatch(r"(?:([\d.]+)×)?10<sup>(-?\d+)</sup>", text)
    return float(m.group(1) or 1) * 10.0 ** int(m.group(2)) if m else float(text)


@pytest.mark.parametrize("lo, hi", [(1.47, 1.495), (0.2, 0.9), (0.02, 1.5), (1e-17, 3.0), (0.6931, 0.6935),
                                    (1e-7, 1.3e-7), (5.0, 900.0), (1.4676, 1.4676), (12000.0, 13000.0)])
def test_log_axes_label_every_tick_with_its_whole_value(lo, hi):
    """Never plotly's bare minor-tick digits ("2" for 0.2): each label reads back as its tick, inside the range."""
    for px in (60, 150, 400):
        axis = F.log_axis([lo, hi], px)
        assert 2 <= len(axis["tickvals"]) <= max(2, px // F.TICK_SPACING_PX) + 1, (lo, hi, px, axis["ticktext"])
        for v, text in zip(axis["tickvals"], axis["ticktext"]):
            assert _tick_value(text) == pytest.approx(v, rel=1e-6), (v, text)
            assert axis["range"][0] <= np.log10(v) <= axis["range"][1]


def test_every_playground_log_axis_uses_labelled_ticks(random_run):
    r = random_run.result()
    snaps = r.snapshots
    figs = [F.loss_curves(r.snapshot_steps, [s.train_loss for s in snaps], [s.test_loss for s in snaps],
                          per_step=r.batch_losses, raw=True),
            F.grad_norms(r.grad_norms, raw=True),
            F.symmetry_meter(r.snapshot_steps, [s.distinct for s in snaps], [s.gap for s in snaps], (20, 6), raw=True)]
    axes = [a for fig in figs for k, a in fig["layout"].items() if k.startswith("yaxis") and a.get("type") == "log"]
    assert len(axes) == 3 and all(a["tickmode"] == "array" and a["ticktext"] for a in axes)
