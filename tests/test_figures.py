"""Figure builders of the Playground (figures.training), and what every builder of the figures package shares: a
spec Plotly's schema accepts, the style's fonts, colours and log floor, the one log axis, and the chart grid's
transport of a spec (ui.charts)."""
import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest
from conftest import ChartClient, typed_array
from hypothesis import given, settings
from hypothesis import strategies as st

import figures as F
from figures import style
from symbreak_core import TrainConfig, Trainer, model
from ui.charts import as_figure, grid_payload
from ui.transport import Encoder


def built(spec) -> go.Figure:
    """A builder's spec, validated: go.Figure raises on any property outside Plotly's schema."""
    assert isinstance(spec, dict) and set(spec) == {"data", "layout"}
    return go.Figure(spec)


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
    fig = built(F.weight_heatmaps(W, vmax=2.0))
    assert len(fig.data) == len(W)
    for tr, w in zip(fig.data, W):
        assert tr.type == "heatmap"
        np.testing.assert_array_equal(np.asarray(tr.z), w.astype(np.float32))
        assert "w[%{y}, %{x}]" in tr.hovertemplate
    ca = fig.layout.coloraxis
    assert ca.cmin == -2.0 and ca.cmax == 2.0 and ca.cmid == 0.0 and ca.colorscale
    assert_all_finite(fig)


def test_weight_heatmaps_default_range_is_symmetric_and_covers_the_weights(random_run):
    fig = built(F.weight_heatmaps(random_run.weights))
    ca = fig.layout.coloraxis
    assert ca.cmin == -ca.cmax and ca.cmax >= max(np.abs(w).max() for w in random_run.weights)


def test_identical_units_are_identical_columns(symmetric_run):
    fig = built(F.weight_heatmaps(symmetric_run.weights, vmax=1.0))
    z = np.asarray(fig.data[0].z)
    assert np.all(z == z[:, :1])


def test_nan_and_inf_never_reach_a_figure():
    W = [np.array([[np.nan, np.inf], [-np.inf, 1.0]]), np.array([[0.5], [np.nan]])]
    fig = built(F.weight_heatmaps(W))
    assert_all_finite(fig)
    assert F.nice_ceiling(float("nan")) > 0
    assert_all_finite(built(F.loss_curves([0, 1, 2], [1.0, np.nan, np.inf], [1.0, 0.5, np.nan],
                                          per_step=[np.nan, 1.0])))
    assert_all_finite(built(F.grad_norms(np.array([[np.nan, 1.0], [np.inf, 0.0]]))))


def test_unit_outputs_tiles_are_the_units(random_run):
    t = random_run
    f = model.field(t.weights, t.biases, "relu", "bce", (-1.5, 1.5), res=12)
    fig = built(F.unit_outputs(f, distinct=(20, 6)))
    assert len(fig.data) == 2  # first two hidden layers
    z = np.asarray(fig.data[0].z)
    res, pad = 12, max(2, 12 // 8)
    tile = z[:res, (res + pad) * 2:(res + pad) * 2 + res]  # layer 1, unit 3 (first row, third column)
    np.testing.assert_allclose(tile, f.hidden[0][2][::-1].astype(np.float32))
    texts = fig.layout.yaxis.ticktext  # each layer's caption is its tick label, in the margin beside its tiles
    assert list(texts) == ["layer 1<br>16 of 20 units<br>20 distinct", "layer 2<br>6 units<br>6 distinct"]
    assert all(t.count("<br>") <= 2 for t in texts)  # a fourth line met the next layer's caption at width 32
    assert fig.layout.title.subtitle.text == "over (x₁, x₂): same picture = same unit"
    # every layer cut alike (the Playground's width 32): the subtitle says which units, each caption is two lines
    wide = model.Field(f.xs, f.ys, [np.repeat(h[:1], 32, axis=0) for h in f.hidden], f.output)
    cut = built(F.unit_outputs(wide, distinct=(3, 1)))
    assert list(cut.layout.yaxis.ticktext) == ["layer 1<br>3 distinct", "layer 2<br>1 distinct"]
    assert cut.layout.title.subtitle.text == "units 1–16 of 32: same picture = same unit"
    assert fig.layout.coloraxis.cmin == -fig.layout.coloraxis.cmax
    assert_all_finite(fig)


def test_identical_units_draw_identical_pictures(symmetric_run):
    t = symmetric_run
    f = model.field(t.weights, t.biases, "tanh", "bce", (-1.5, 1.5), res=10)
    z = np.asarray(built(F.unit_outputs(f, distinct=(1, 1))).data[0].z)
    res, pad = 10, 2
    tiles = [z[:res, c * (res + pad):c * (res + pad) + res] for c in range(4)]
    assert all(np.array_equal(tiles[0], x) for x in tiles[1:])


def test_loss_curves_are_log_scale_and_fall_back_to_linear_for_non_positive_values():
    fig = built(F.loss_curves([0, 5, 10], [1.0, 0.5, 0.2], [1.1, 0.6, 0.3], per_step=np.linspace(1, 0.2, 11)))
    assert fig.layout.yaxis.type == "log"
    assert [tr.name for tr in fig.data] == ["each step", "train", "test"]
    assert built(F.loss_curves([0, 1], [0.5, -0.1], [0.5, 0.1])).layout.yaxis.type == "linear"


def test_long_histories_are_thinned():
    fig = built(F.loss_curves(np.arange(20_000), np.ones(20_000), np.ones(20_000), per_step=np.ones(20_000)))
    assert all(len(tr.x) <= F.MAX_POINTS for tr in fig.data)
    assert fig.data[1].x[-1] == 19_999


def test_grad_norms_draw_exact_zeros_at_the_floor_and_say_so():
    G = np.array([[0.0, 0.0, 0.3], [0.0, 0.0, 0.2]])
    fig = built(F.grad_norms(G))
    assert fig.layout.yaxis.type == "log" and len(fig.data) == 3
    assert np.all(np.asarray(fig.data[0].y) == np.float32(F.LOG_FLOOR))
    assert any("exactly 0" in a.text for a in fig.layout.annotations)
    fig = built(F.grad_norms(np.array([[0.1, 0.2]])))
    assert not any("exactly 0" in (a.text or "") for a in fig.layout.annotations)


def test_symmetry_meter_text_and_honest_zero_gap(symmetric_run):
    r = symmetric_run.result()
    fig = built(F.symmetry_meter(r.snapshot_steps, r.final.distinct, [s.gap for s in r.snapshots],
                                 (8, 8)))
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
    fig = built(F.decision_boundary(f, t.data))
    heat = fig.data[0]
    assert heat.zmid == 0.5 and heat.zmin == 1.0 - heat.zmax
    names = [tr.name for tr in fig.data]
    assert "class 0" in names and "class 1" in names
    n_points = sum(len(tr.x) for tr in fig.data if tr.type == "scatter")
    assert n_points == len(t.data.X)
    assert_all_finite(fig)


def test_layer_names():
    assert F.layer_names(3) == ["input → layer 1", "layer 1 → layer 2", "layer 2 → output"]




# ---- every builder of the package, over real engine results ----

def playground_figures(t) -> list:
    """The six Playground figures of a run, as app.py builds them."""
    r, c = t.result(), t.config
    field = model.field(t.weights, t.biases, c.activation, c.loss, model.grid_extent(r.data.X), res=16)
    snaps, sym = r.snapshots, [s.distinct for s in r.snapshots]
    return [
        F.weight_heatmaps(t.weights, vmax=2.0, biases=t.biases), F.decision_boundary(field, r.data),
        F.unit_outputs(field, distinct=sym[-1]),
        F.symmetry_meter(r.snapshot_steps, sym[-1], [s.gap for s in snaps], c.hidden),
        F.loss_curves(r.snapshot_steps, [s.train_loss for s in snaps], [s.test_loss for s in snaps],
                      per_step=r.batch_losses),
        F.grad_norms(r.grad_norms),
    ]


@pytest.fixture(scope="module")
def every_figure(symmetric_run, random_run):
    """{name: spec} of every builder, over real engine results (the lessons' from small runs)."""
    from dataclasses import replace

    from symbreak_core import DepthConfig, depth_probe, restarts, theory_rms, train, worked_example
    from symbreak_core.error_surface import DEFAULT, SurfaceConfig, error_surface

    out = {f"playground {k} {i}": spec for k, t in (("symmetric", symmetric_run), ("random", random_run))
           for i, spec in enumerate(playground_figures(t))}
    runs = {k: train(TrainConfig(steps=60, record_every=10, init=k)) for k in ("constant", "he_normal")}
    out["compare_loss"] = F.compare_loss({k: (range(r.steps_done), r.batch_losses) for k, r in runs.items()}, 30)
    out["compare_distinct"] = F.compare_distinct({k: r.final.distinct for k, r in runs.items()}, (8, 8))
    w = worked_example.run(steps=12)
    out["toy_diagram"] = F.toy_diagram(w.at(6), w.units_at(6), w.x, F.weight_vmax([w.weights]), title="t")
    out["toy_table"] = F.toy_table(w.weights, 6, worked_example.NAMES)
    out["toy_lines"] = F.toy_lines(w.weights, 6, worked_example.NAMES)
    p = depth_probe(DepthConfig(width=16, depth=6, activation="tanh", init="normal", spread=0.01, n_samples=40))
    for name, spec in zip(("up", "sat", "down"), F.depth_stats(p.act_rms, p.saturated, p.grad_std, theory_rms(p),
                                                               {"other": (p.act_rms, p.grad_std)}, p.act_std)):
        out[f"depth_stats {name}"] = spec
    out["depth_histograms"] = F.depth_histograms(p.hist_edges, p.hist_counts, p.act_std)
    rr = restarts(TrainConfig(hidden=(3,), steps=60, lr=0.5), range(4))
    out["restarts_histograms"] = F.restarts_histograms(rr.train_loss, rr.test_acc, np.array([1, 0, 0, 1], bool))
    out["restarts_curves"] = F.restarts_curves(rr.curve_steps, rr.curves, rr.best, rr.worst)
    sr = error_surface(SurfaceConfig(replace(DEFAULT, steps=200), eps=0.05, res=11))
    args = sr.s, sr.t, sr.loss, sr.paths, (*sr.end, sr.end_loss), float(sr.paths["constant"].loss[-1])
    out["surface_contour"] = F.surface_contour(*args)
    out["surface_3d"] = F.surface_3d(*args)
    out["surface_section"] = F.surface_section(sr.s, sr.t, sr.loss, 0.0)
    out["surface_path_losses"] = F.surface_path_losses(sr.paths)
    out["titled"] = F.titled(out["toy_lines"], "another title")
    return out


def test_every_builder_returns_a_spec_plotly_accepts(every_figure):
    for name, spec in every_figure.items():
        fig = built(spec)  # schema validation
        assert fig.layout.height and fig.layout.uirevision == "keep", name
        assert_all_finite(fig)


def _fonts(obj, path=""):
    """(path, size) of every font size in a figure dict."""
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, dict) and (k == "font" or k.endswith("font")) and "size" in v:
                out.append((f"{path}.{k}", v["size"]))
            if isinstance(v, (dict, list, tuple)):
                out += _fonts(v, f"{path}.{k}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            out += _fonts(v, f"{path}[{i}]")
    return out


def test_every_chart_text_is_at_least_16_px_from_the_builders_themselves(every_figure):
    """The presenter floor, on screen and projector alike: every explicit size, and the layout's font (which every
    text without its own size inherits; plotly.js draws titles and axis titles larger than it)."""
    assert style.TEXT_PX >= 16 and style.TITLE_PX > style.TEXT_PX
    for name, spec in every_figure.items():
        full = json.loads(as_figure(spec).to_json())  # with plotly's own defaults filled in, as st.plotly_chart sends
        assert spec["layout"]["font"]["size"] >= 16, name
        small = [(p, s) for p, s in _fonts(spec) + _fonts(full) if min(np.ravel(s)) < 16]
        assert not small, (name, small)
        assert spec["layout"]["title"]["font"]["size"] == style.TITLE_PX if spec["layout"].get("title") else True


def _colours(obj, key=""):
    """Every colour string in a figure dict: colour properties and colour scales."""
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _colours(v, k)
    elif isinstance(obj, (list, tuple)):
        if key in ("colorscale", "colorway"):
            out += [c[1] if isinstance(c, (list, tuple)) else c for c in obj]
        else:
            for v in obj:
                out += _colours(v, key)
    elif isinstance(obj, str) and key.endswith("color"):
        out.append(obj)
    return out


def test_every_figure_uses_only_the_styles_colours(every_figure):
    allowed = set(style.PALETTE) | set(style.RDBU) | set(style.CLASS_COLORS) | set(style.NEUTRALS) | set(
        style.GROUP_FILLS)
    seen = set()
    for name, spec in every_figure.items():
        got = set(_colours(spec))
        seen |= got
        edges = {c for c in got if c.startswith("rgb(") and name == "toy_diagram"}  # sampled from the RdBu scale
        assert got - edges <= allowed, (name, sorted(got - edges - allowed))
    assert set(style.PALETTE[:3]) <= seen and set(style.RDBU) <= seen


def test_one_log_floor_for_every_log_axis(every_figure):
    """Exact zeros are drawn at LOG_FLOOR on every log axis; nothing of a log trace lies below it."""
    for name, spec in every_figure.items():
        logs = {k for k, a in spec["layout"].items() if k.startswith("yaxis") and a.get("type") == "log"}
        for tr in spec["data"]:
            if ("y" + tr.get("yaxis", "y")[1:]).replace("y", "yaxis", 1) in logs and tr.get("y") is not None:
                y = np.asarray(tr["y"], dtype=float)
                assert np.all(y >= np.float32(F.LOG_FLOOR)), name


def test_exact_zeros_on_the_lessons_log_axes_sit_on_the_same_floor_as_the_playgrounds():
    up, _, down = F.depth_stats(np.array([1.0, 0.0]), np.zeros(2), np.array([0.0, np.nan]))
    assert np.float32(F.LOG_FLOOR) in np.asarray(up["data"][0]["y"])
    g = F.grad_norms(np.array([[0.0, 0.1]]))
    assert np.asarray(g["data"][0]["y"])[0] == np.float32(F.LOG_FLOOR)


# ---- the chart grid's transport (ui.charts, ui.transport) ----

def plain(o):
    """A figure as JSON would carry it: arrays (numpy's or plotly.js's typed {bdata, dtype, shape}) as lists of
    floats, whole numbers as floats."""
    if isinstance(o, dict) and "bdata" in o and "dtype" in o:
        return typed_array(o).astype(np.float64).tolist()
    if isinstance(o, np.ndarray):
        return o.astype(np.float64).tolist() if o.dtype.kind in "fiub" else o.tolist()
    if isinstance(o, dict):
        return {k: plain(v) for k, v in o.items()}
    if isinstance(o, list):
        return [plain(v) for v in o]
    return float(o) if isinstance(o, int) and not isinstance(o, bool) else o


@pytest.mark.parametrize("run", ["symmetric_run", "random_run"])
def test_the_grid_draws_what_the_validated_figures_draw(run, request):
    """The chart grid sends specs unvalidated (ui.transport); the browser must draw what go.Figure(spec) draws:
    every array exact (as float32), except the z of a trace that asks for quantised values, which is within one of
    its steps; and st.plotly_chart (as_figure) gets the same figure with no template."""
    t = request.getfixturevalue(run)
    for spec in playground_figures(t):
        client = ChartClient()
        assert client.receive(Encoder().encode({"c": spec}))  # what plotly.js receives from the grid
        held = client.charts["c"]
        full = plain(json.loads(go.Figure(spec).to_json()))
        full["layout"].pop("template", None)  # plotly's default template; every colour we use is explicit
        for tr, sent in zip(spec["data"], held["data"], strict=True):
            if "levels" in tr.get("meta", {}):
                m = tr["meta"]
                step = (m["hi"] - m["lo"]) / (m["levels"] - 2)  # at most this far apart: the 16-bit power-of-two step
                np.testing.assert_allclose(sent.pop("z"), np.asarray(tr["z"], dtype=np.float64), rtol=0, atol=step)
        for tr in full["data"]:
            if "levels" in tr.get("meta", {}):
                tr.pop("z")
        assert plain(held) == full, spec["layout"]["title"]["text"]
        shown = plain(json.loads(as_figure(spec).to_json()))
        assert shown["layout"].pop("template") == {"data": {"scatter": [{"type": "scatter"}]}}  # plotly's "none"
        shown["data"] = [{k: v for k, v in tr.items() if not (k == "z" and "levels" in tr.get("meta", {}))}
                         for tr in shown["data"]]
        assert shown == full


def test_the_grid_payload_refuses_nan():
    msg = Encoder().encode({"c": {"data": [{"type": "scatter", "y": [float("nan")]}], "layout": {}}})
    with pytest.raises(ValueError):
        grid_payload([[{"id": "c", "w": 1, "h": 400, "key": False}]], msg)


def test_chart_heights_come_from_the_spec():
    import ui.charts

    weights = [np.ones((2, 3)), np.ones((3, 1))]
    assert ui.charts._height(F.weight_heatmaps(weights, height=430)) == 430
    assert ui.charts._height({"data": [], "layout": {}}) == 400  # none asked for: the default


# ---- the one log axis: every tick labelled with its own whole value ----

def _tick_value(text: str) -> float:
    """A log-axis label read back as a number: '0.2', '1.48', '5×10<sup>-8</sup>', '10<sup>-15</sup>'."""
    import re

    m = re.fullmatch(r"(?:([\d.]+)×)?10<sup>(-?\d+)</sup>", text)
    return float(m.group(1) or 1) * 10.0 ** int(m.group(2)) if m else float(text)


def assert_ticks_read_true(axis, px):
    assert axis["type"] == "log" and axis["tickmode"] == "array"
    assert 2 <= len(axis["tickvals"]) <= max(2, px // F.TICK_SPACING_PX) + 1, (px, axis["ticktext"])
    for v, text in zip(axis["tickvals"], axis["ticktext"], strict=True):
        assert _tick_value(text) == pytest.approx(v, rel=1e-9), (v, text)  # never plotly's bare "2" for 0.2
        assert axis["range"][0] - 1e-9 <= np.log10(v) <= axis["range"][1] + 1e-9


@pytest.mark.parametrize("lo, hi", [(1.47, 1.495), (0.2, 0.9), (0.02, 1.5), (1e-17, 3.0), (0.6931, 0.6935),
                                    (1e-7, 1.3e-7), (5.0, 900.0), (1.4676, 1.4676), (12000.0, 13000.0),
                                    (1e-30, 1.0)])
def test_log_axes_label_every_tick_with_its_whole_value(lo, hi):
    for px in (60, 150, 400):
        assert_ticks_read_true(F.log_axis([lo, hi], px), px)


@given(lo=st.floats(-32, 6), span=st.floats(1, 35))
@settings(max_examples=60, deadline=None)
def test_a_lesson_log_axis_of_a_decade_or_more_has_three_to_seven_ticks(lo, span):
    """(The lessons' axes: a decade holds three 1-2-5 steps; many decades are thinned.)"""
    axis = F.log_axis([10.0 ** lo, 10.0 ** (lo + span)], 6 * F.TICK_SPACING_PX)
    assert_ticks_read_true(axis, 6 * F.TICK_SPACING_PX)
    assert 3 <= len(axis["tickvals"]) <= 7
    assert axis["range"][0] <= lo + 1e-9 and lo + span - 1e-9 <= axis["range"][1]


def test_a_thinned_log_axis_labels_the_datas_own_end_decades_when_far_from_a_label():
    """Every third decade or sparser, a line far above the top label (Start here's gradient, 573 at layer 1, under
    an axis labelled up to 1) gets its own decade labelled, within the tick budget; an end near a label does not."""
    px = 140
    axis = F.log_axis([1e-9, 573.0], px)
    assert_ticks_read_true(axis, px)
    assert axis["tickvals"][-1] == pytest.approx(100.0) and axis["tickvals"][0] == pytest.approx(1e-9)
    assert F.log_axis([1e-30, 1.0], 50)["ticktext"] == ["10<sup>-16</sup>", "1"]  # the meter's gaps: as before
    low = F.log_axis([2e-12, 1.0], px)
    assert low["tickvals"][0] == pytest.approx(1e-11) and low["tickvals"][-1] == pytest.approx(1.0)


def test_min_decades_keeps_a_flat_line_flat():
    axis = F.log_axis([0.5, 0.5001], 200, min_decades=2)
    assert axis["range"][1] - axis["range"][0] >= 2 - 1e-9


def test_every_log_axis_uses_labelled_ticks(every_figure):
    axes = {(name, k): a for name, spec in every_figure.items() for k, a in spec["layout"].items()
            if k.startswith("yaxis") and a.get("type") == "log"}
    assert len(axes) >= 10
    for a in axes.values():
        assert a["tickmode"] == "array" and a["ticktext"]


def _chart_texts(spec: dict) -> list[str]:
    """What a figure writes on the chart: titles, notes, axis and colour-bar labels, names, text and table cells."""
    layout, out = spec["layout"], []

    def title(d):
        return (d.get("title") or {}).get("text") if isinstance(d.get("title"), dict) else d.get("title")

    out += [title(layout)] + [a.get("text") for a in layout.get("annotations", [])]
    for k, v in layout.items():
        if k.startswith(("xaxis", "yaxis", "coloraxis")) and isinstance(v, dict):
            out += [title(v), *(v.get("ticktext") or []), *((v.get("colorbar") or {}).get("ticktext") or [])]
    for trace in spec["data"]:
        bar = trace.get("colorbar") or (trace.get("marker") or {}).get("colorbar") or {}
        out += [trace.get("name"), trace.get("hovertext"), title(bar), *(bar.get("ticktext") or [])]
        text = trace.get("text")
        out += list(text) if isinstance(text, (list, tuple)) else [text]
        if trace.get("type") == "table":
            out += [v for column in trace["cells"]["values"] for v in column]
    return [str(t) for t in out if t is not None]


def test_no_chart_writes_e_notation(every_figure):
    """Chart texts write 2.8×10<sup>3</sup> as their log axes do (number_text), never Python's 2.8e+03."""
    found = {name: [t for t in _chart_texts(spec) if re.search(r"\de[+-]?\d", t)]
             for name, spec in every_figure.items()}
    assert not {name: texts for name, texts in found.items() if texts}
    assert any("10<sup>" in t for t in _chart_texts(every_figure["depth_histograms"]))  # its tiny σs


def test_the_meters_zero_line_names_its_floor_as_a_power_of_ten(symmetric_run):
    notes = [a["text"] for spec in playground_figures(symmetric_run) for a in spec["layout"].get("annotations", [])]
    assert f"exactly 0 (drawn at 10<sup>{int(np.log10(F.LOG_FLOOR))}</sup>)" in notes


@pytest.mark.parametrize("width,depth", [(1, 1), (3, 2), (8, 2), (12, 2), (32, 2), (16, 3), (32, 4), (8, 6), (32, 6)])
def test_weight_panels_keep_their_numbers_and_titles_apart_on_a_phone(width, depth):
    """At the narrowest plot the builder plans for, no two column numbers or panel titles come closer than the pad,
    every panel numbers its column 1 unless its left neighbour's last number is its own column 1, the output's
    panel keeps its title, and a cell keeps some colour between its white gaps."""
    from figures.training import LABEL_PAD_PX, NARROW_PLOT_PX, text_px

    sizes = [2] + [width] * depth + [1]
    spec = F.weight_heatmaps([np.ones((a, b)) for a, b in zip(sizes[:-1], sizes[1:])], biases=[np.ones(b)
                                                                                               for b in sizes[1:]])
    axes = [spec["layout"]["xaxis" + ("" if k == 0 else str(k + 1))] for k in range(depth + 1)]
    numbers = []
    for ax, cols in zip(axes, sizes[1:], strict=True):
        (x0, x1), vals = ax["domain"], ax["tickvals"]
        assert ax["ticktext"] == [str(v) for v in vals] and ax["tickangle"] == 0 and vals and vals[0] == 1
        numbers += [((x0 + (v - 0.5) / cols * (x1 - x0)) * NARROW_PLOT_PX, str(v)) for v in vals]
    for (xa, a), (xb, b) in zip(numbers, numbers[1:]):
        assert xb - xa >= (text_px(a) + text_px(b)) / 2 + LABEL_PAD_PX - 1e-9, (a, b, xb - xa)
    titles = [(sum(ax["domain"]) / 2 * NARROW_PLOT_PX, ax["title"]["text"], ax["title"]["font"]["size"])
              for ax in axes if ax["title"]["text"]]
    assert titles[-1][1].endswith("out") and all(size >= 16 for _, _, size in titles)
    for (xa, a, size), (xb, b, _) in zip(titles, titles[1:]):
        assert xb - xa >= (text_px(a, size) + text_px(b, size)) / 2 + LABEL_PAD_PX - 1e-9, (a, b)
    for tr in spec["data"]:
        assert tr["xgap"] in (0, 1) and tr["ygap"] in (0, 1)


@pytest.mark.parametrize("height", [204, 244, 300, 400])
def test_a_short_weight_chart_moves_its_colour_bar_title_beside_the_bar(height):
    bar = F.weight_heatmaps([np.ones((2, 8)), np.ones((8, 1))], height=height)["layout"]["coloraxis"]["colorbar"]
    assert bar["title"]["side"] == ("right" if height < 230 else "top")
    assert bar["ticktext"] == ["−1", "0", "1"]
    assert style.colorbar("w", -1, 0, 1, px=30)["ticktext"] == ["−1", "1"]  # too short even for three: the ends


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([3.5e37, -3.5e37, 1e39])),
                max_size=12), st.sampled_from([0.0, 1.5]))
def test_finite32_is_the_clipped_float32_with_every_non_finite_replaced(values, fill):
    """Its fast path (every value finite and in range, cast as it is) gives the bits the clip-and-replace path gives."""
    big = float(np.finfo(np.float32).max) / 10
    a = np.array(values, dtype=np.float64)
    expected = np.nan_to_num(np.clip(a, -big, big), nan=fill, posinf=big, neginf=-big).astype(np.float32)
    got = style.finite32(a, fill)
    assert got.dtype == np.float32 and np.array_equal(got.view(np.uint32), expected.view(np.uint32))
    assert np.isfinite(got).all()


def test_unit_pictures_span_the_colours_for_a_typical_unit_and_say_where_they_saturate():
    """The colour range is the 1-2-5 step above the median of the shown tiles' largest |output| (at least 1): one
    unit far stronger than the rest no longer leaves the others nearly white. Where values lie past either end, the
    colour bar's label says so, and the quantised values still span every value, so the hover reads them all."""
    res = 8
    xs = np.linspace(-1.5, 1.5, res)
    ramp = np.add.outer(xs, xs) / 3.0  # -1..1 over the plane
    tiles = np.stack([np.maximum(ramp * s, 0.0) for s in (1.5, 2.0, 2.5, 3.0, 40.0)])  # ReLU outputs, one huge
    fig = F.unit_outputs(model.Field(xs, xs, [tiles, tiles[:3]], ramp), distinct=(5, 3))
    axis = fig["layout"]["coloraxis"]
    assert axis["cmax"] == 5.0 == -axis["cmin"]  # the tiles' peaks have their median at 2.25, not 40
    assert axis["colorbar"]["ticktext"] == ["−5", "0", "≥5"]  # nothing below -5; the strongest unit saturates
    for trace in fig["data"]:  # the codes span every value, over the 1-2-5 step above the largest: a range that
        meta = trace["meta"]  # changes as rarely as the colours', so a picture's codes travel as small differences
        assert meta["lo"] <= float(trace["z"].min()) and meta["hi"] >= float(trace["z"].max())
        assert (meta["lo"], meta["hi"]) == (-50.0, 50.0)
        assert "%{z:.0f}" in trace["hovertemplate"]  # 256 codes over -50..50: whole numbers, no false decimals
    # outputs within [-1, 1] (tanh) keep the range -1..1, labelled plainly
    calm = F.unit_outputs(model.Field(xs, xs, [np.tanh(tiles), np.tanh(-tiles)], ramp), distinct=(5, 5))
    assert calm["layout"]["coloraxis"]["cmax"] == 1.0
    assert calm["layout"]["coloraxis"]["colorbar"]["ticktext"] == ["−1", "0", "1"]
    assert "%{z:.2f}" in calm["data"][0]["hovertemplate"] and calm["data"][0]["meta"]["hi"] == 1.0
    # a range given is kept, and both ends can say they saturate
    both = F.unit_outputs(model.Field(xs, xs, [tiles - 10.0, tiles], ramp), vmax=2.0, distinct=(5, 3))
    assert both["layout"]["coloraxis"]["colorbar"]["ticktext"] == ["≤−2", "0", "≥2"]


def test_the_weights_chart_is_drawn_on_one_frame_per_network_shape_and_sends_it_once():
    """weight_heatmaps makes its layout and its column and row numbers once per shape (read-only arrays), so a
    live refresh sends only the weights that moved; the figure is the one built from scratch."""
    from ui.transport import Encoder

    rng = np.random.default_rng(3)
    shapes = [(2, 6), (6, 4), (4, 1)]
    weights = [rng.normal(scale=0.3, size=s) for s in shapes]  # inside the colour range, whose ends travel too
    biases = [rng.normal(scale=0.3, size=s[1]) for s in shapes]
    a = F.weight_heatmaps(weights, vmax=2.0, biases=biases)
    moved = [W + 0.01 for W in weights]
    b = F.weight_heatmaps(moved, vmax=2.0, biases=biases)
    assert a["layout"] is b["layout"]
    assert all(not t["x"].flags.writeable and not t["y"].flags.writeable for t in b["data"])
    assert [t["x"].tolist() for t in b["data"]] == [list(range(1, s[1] + 1)) for s in shapes] * 2
    enc = Encoder()
    enc.encode({"w": a})
    patch = enc.encode({"w": b})["charts"]["w"]["$p"]
    assert list(patch) == ["data"] and set(patch["data"]["$l"]) == {"0", "1", "2"}  # the weights, not the biases
    assert all(list(p["$p"]) == ["z"] for p in patch["data"]["$l"].values())
    assert F.weight_heatmaps(weights, vmax=5.0, biases=biases)["layout"]["coloraxis"]["cmax"] == 5.0


def test_the_loss_legend_stands_in_a_corner_the_curves_leave_free():
    """A falling loss leaves the top right free, where the legend stands; a flat equal-start line along the top (the
    He twin, whose units all die) or a test loss that turns back up takes it, and the legend moves to the corner the
    lines leave free. The box a corner holds is half the plot's width and a row per entry tall."""
    steps = np.arange(0, 301, 5)
    falling = 0.7 * np.exp(-steps / 60) + 0.05
    fig = F.loss_curves(steps, falling, falling * 1.1, height=400)
    assert (fig["layout"]["legend"]["xanchor"], fig["layout"]["legend"]["yanchor"]) == ("right", "top")
    twin = (steps, np.full(len(steps), 0.69))
    fig = F.loss_curves(steps, falling, falling * 1.1, height=400, twin=twin)
    legend = fig["layout"]["legend"]
    assert (legend["yanchor"], legend["xanchor"]) == ("bottom", "left")  # the lines start high: bottom left is free
    assert legend["x"] < 0.5 and legend["y"] < 0.5
    rising = falling + np.where(steps > 150, (steps - 150) / 300, 0.0)
    fig = F.loss_curves(steps, falling, rising, height=400)
    assert fig["layout"]["legend"]["yanchor"] == "bottom"


@pytest.mark.parametrize("twin", [False, True], ids=["alone", "with its twin"])
def test_a_loss_plot_too_short_for_its_legend_has_it_in_a_row_above(twin):
    """Presenting, the loss plot is 132 px tall: a legend of three or four entries inside would cover most of its
    height in any corner (at step 1,500 of the constant + tiny noise preset it hid the early drop, where the run
    leaves its equal-start twin). It stands in one row between the title and the plot instead, naming the lines
    but not the faint per-step one; a 400-px chart keeps every entry inside."""
    steps = np.arange(0, 1501, 10)
    falling = 0.7 * np.exp(-steps / 300) + 0.01
    other = (steps, np.full(len(steps), 0.05)) if twin else None
    short = F.loss_curves(steps, falling, falling * 1.5, per_step=np.repeat(falling, 10)[:1500], height=244,
                          twin=other)
    assert style.plot_px(244, style.MARGIN) == 132
    legend = short["layout"]["legend"]
    assert (legend["orientation"], legend["y"], legend["yanchor"], legend["x"], legend["xanchor"]) == (
        "h", 1, "bottom", 1, "right")
    named = [t["name"] for t in short["data"] if t.get("showlegend", True)]
    assert named == (["equal start"] if twin else []) + ["train", "test"]
    assert any(t["name"] == "each step" for t in short["data"])  # still drawn
    assert short["layout"]["margin"]["t"] >= style.TITLE_PX + 8 + style.LEGEND_ROW_PX  # the title's, the legend's
    tall = F.loss_curves(steps, falling, falling * 1.5, per_step=np.repeat(falling, 10)[:1500], height=400,
                         twin=other)
    assert "orientation" not in tall["layout"]["legend"]
    assert all(t.get("showlegend", True) for t in tall["data"])
    built(short)


def test_gradient_norms_legend_leaves_the_zero_lines_label_alone():
    """Exact zeros are drawn on a dotted line labelled at its right end, at the bottom: the legend never stands
    there, even when every other corner holds a line."""
    G = np.zeros((200, 3))
    G[:, 0] = np.geomspace(1.0, 1e-3, 200)
    G[:, 1] = 1.0
    fig = F.grad_norms(G, height=400)
    assert "annotations" in fig["layout"] and fig["layout"]["annotations"][0]["xanchor"] == "right"
    legend = fig["layout"]["legend"]
    assert (legend["xanchor"], legend["yanchor"]) != ("right", "bottom")


def test_a_live_runs_weights_take_their_colours_from_a_typical_layer():
    """vmax="typical" (the Playground): the 1-2-5 step above the median of the matrices' largest |w|, at least 1;
    the colour bar's ends say which side saturates; the codes span the 1-2-5 step above every value (biases too)."""
    rng = np.random.default_rng(3)
    weights = [rng.uniform(-3.0, 3.0, (2, 8)), rng.uniform(-0.8, 0.8, (8, 8)), rng.uniform(-0.9, 0.9, (8, 8)),
               rng.uniform(-0.7, 0.7, (8, 1))]
    biases = [np.full(8, 4.5), np.zeros(8), np.zeros(8), np.zeros(1)]
    fig = F.weight_heatmaps(weights, vmax="typical", biases=biases)
    axis = fig["layout"]["coloraxis"]
    assert axis["cmax"] == 1.0 == -axis["cmin"]  # the median matrix peaks below 1, not the first layer's 3
    assert axis["colorbar"]["ticktext"] == ["≤−1", "0", "≥1"]
    assert all(t["meta"]["lo"] == -5.0 and t["meta"]["hi"] == 5.0 for t in fig["data"])  # above the bias of 4.5
    calm = F.weight_heatmaps([np.full((2, 8), 0.5), np.full((8, 1), 0.5)], vmax="typical")
    assert calm["layout"]["coloraxis"]["cmax"] == 1.0
    assert calm["layout"]["coloraxis"]["colorbar"]["ticktext"] == ["−1", "0", "1"]
    big = F.weight_heatmaps([np.full((2, 8), 12.0), np.full((8, 1), -11.0)], vmax="typical")
    assert big["layout"]["coloraxis"]["cmax"] == 20.0  # peaks 12 and 11: the step above their median, 11.5
    # a fixed range, as the lesson pages give over a whole timeline, is kept as it was
    fixed = F.weight_heatmaps(weights, vmax=5.0, biases=biases)
    assert fixed["layout"]["coloraxis"]["colorbar"]["ticktext"] == ["−5", "0", "5"]
    assert fixed["data"][0]["meta"]["hi"] == 5.0


@pytest.mark.parametrize("value, digits, text", [
    (0.5, 6, "0.5"), (-0.1234, 4, "-0.1234"), (250, 2, "2.5×10<sup>2</sup>"), (2800, 2, "2.8×10<sup>3</sup>"),
    (-2.394e11, 4, "-2.394×10<sup>11</sup>"), (3e-7, 1, "3×10<sup>-7</sup>"), (1e6, 6, "10<sup>6</sup>"),
    (-1e-5, 3, "-10<sup>-5</sup>"), (123456, 6, "123456"), (0.0, 2, "0"),
])
def test_chart_numbers_write_a_power_of_ten_out_never_e_notation(value, digits, text):
    assert style.number_text(value, digits) == text


@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(1, 6))
def test_a_chart_number_reads_back_as_the_number_in_its_digits(value, digits):
    text = style.number_text(value, digits)
    assert "e" not in text
    back = text.replace("×10<sup>", "e").replace("10<sup>", "1e").replace("</sup>", "")
    assert float(back) == float(f"{value:.{digits}g}")
