"""The symmetry meter counts units that BEHAVE differently on the training inputs (metrics.distinct_units).

Two units are alike when the RMS difference of their outputs over the training inputs is at most
metrics.BEHAVIOUR_TOL (5%) of the layer's output spread; alike units are grouped transitively.
Every count below is checked against `groups_by_hand`, a plain re-computation of that rule.
"""
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from conftest import shown_metric
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import figures as F
from symbreak_core import TrainConfig, Trainer, metrics, model, train

ROOT = Path(__file__).resolve().parents[1]

# The Playground's run of a preset: settings.playground.config with its defaults (xor, 2-8-8-1 tanh, all weights 0.5,
# sgd lr 0.5, full batch, 200 points, snapshot every 5 steps, 20,000 steps) and the preset's own settings.
PLAYGROUND = TrainConfig(dataset="xor", noise=0.1, n_samples=200, hidden=(8, 8), activation="tanh", init="constant",
                         init_value=0.5, spread=1.0, perturbation=0.0, bias=True, dropout=0.0, optimizer="sgd", lr=0.5,
                         batch_size=0, steps=20_000, record_every=5, seed=0)
PRESETS = {
    "constant_05": {}, "zeros": dict(init="zeros"), "xavier": dict(init="xavier_normal"),
    "constant_noise": dict(perturbation=0.001, dataset="moons", optimizer="adam", lr=0.01),
    "constant_dropout": dict(dropout=0.2),
}


def preset(name: str, **more) -> TrainConfig:
    return replace(PLAYGROUND, **(PRESETS[name] | more))


def groups_by_hand(A, tol=0.05) -> int:
    """The rule written out plainly: pairwise RMS differences, then connected groups by repeated merging."""
    n, width = A.shape
    mean = sum(A[s, k] for s in range(n) for k in range(width)) / (n * width)
    spread = math.sqrt(sum((A[s, k] - mean) ** 2 for s in range(n) for k in range(width)) / (n * width))
    group = list(range(width))  # group[k]: the label of unit k's group
    for i in range(width):
        for j in range(i + 1, width):
            rms = math.sqrt(sum((A[s, i] - A[s, j]) ** 2 for s in range(n)) / n)
            if rms <= tol * spread:  # alike: merge j's whole group into i's
                old, new = group[j], group[i]
                group = [new if g == old else g for g in group]
    return len(set(group))


def hidden_outputs(weights, biases, X, activation):
    return model.forward(list(weights), None if biases is None else list(biases), X, activation)[1][1:]


def by_hand(snapshot, trainer) -> tuple:
    acts = hidden_outputs(snapshot.weights, snapshot.biases, trainer.data.X, trainer.config.activation)
    return tuple(groups_by_hand(A) for A in acts)


@pytest.mark.parametrize("name,step,layer1", [("constant_dropout", 150, 1), ("constant_noise", 770, 2)])
def test_visible_copies_count_as_one_behaviour(name, step, layer1):
    """The issue's two runs: at these steps the unit pictures look alike, and the meter now says so."""
    t = Trainer(preset(name))
    t.run(step)
    for s in t.snapshots[::10] + t.snapshots[-1:]:
        assert s.distinct == by_hand(s, t), s.step
    now = t.snapshots[-1]
    assert now.step == step and now.distinct[0] == layer1
    assert t.symmetry()["distinct"] == list(now.distinct)
    assert now.gap[0] > 1e-3  # the weights did come apart; the old weight-based count said 8 / 8 here


@pytest.mark.parametrize("name", ["constant_05", "zeros"])
def test_equal_starts_behave_as_one_unit_at_every_snapshot(name):
    r = train(preset(name, steps=1000))
    assert all(s.distinct == (1, 1) for s in r.snapshots)


@pytest.mark.parametrize("config", [preset("xavier", steps=2000), preset("xavier", init="he_normal", steps=2000)],
                         ids=["xavier_normal", "he_normal"])
def test_random_starts_keep_every_unit_different(config):
    r = train(config)
    assert all(s.distinct == (8, 8) for s in r.snapshots)


def test_dead_relus_all_behave_alike():
    """Two ReLUs that output 0 for every input behave the same: together they count once."""
    t = Trainer(replace(PLAYGROUND, activation="relu", init="uniform", steps=10))
    acts = hidden_outputs(t.weights, t.biases, t.data.X, "relu")
    dead = [int(np.all(A == 0, axis=0).sum()) for A in acts]
    assert dead == [0, 2]
    assert t.snapshots[0].distinct == (8, 7) == by_hand(t.snapshots[0], t)


def test_alike_is_transitive():
    """a ~ b and b ~ c make one group even though a and c are further apart than the tolerance."""
    x = np.linspace(-1.0, 1.0, 50)
    step = 0.025  # 4.3% of the spread below: a-b and b-c are alike, a-c (8.7%) is not
    A = np.column_stack([x, x + step, x + 2 * step, -x])
    spread = A.std()
    rms = lambda i, j: np.sqrt(np.mean((A[:, i] - A[:, j]) ** 2))  # noqa: E731
    assert rms(0, 1) <= 0.05 * spread and rms(1, 2) <= 0.05 * spread < rms(0, 2)
    assert metrics.distinct_units(A) == groups_by_hand(A) == 2  # {a, b, c} and -x


def test_a_layer_whose_outputs_are_all_equal_is_one_group():
    assert metrics.distinct_units(np.full((30, 5), 0.3)) == 1
    assert metrics.distinct_units(np.zeros((30, 5))) == 1


def test_a_single_unit_and_two_different_units():
    x = np.linspace(-1.0, 1.0, 20)
    assert metrics.distinct_units(x[:, None]) == 1
    assert metrics.distinct_units(np.column_stack([x, -x])) == 2


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 12), width=st.integers(1, 7), seed=st.integers(0, 2**32 - 1),
       copies=st.integers(0, 3), scale=st.floats(1e-6, 1e3), jitter=st.sampled_from([0.0, 1e-3, 0.02, 0.2]))
def test_count_matches_the_rule_over_random_layers(n, width, seed, copies, scale, jitter):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, width))
    A = np.column_stack([A, A[:, rng.integers(0, width, copies)] + jitter * rng.normal(size=(n, copies))]) * scale
    count = metrics.distinct_units(A)
    assert 1 <= count <= A.shape[1]
    assert count == groups_by_hand(A)
    assert metrics.distinct_units(A + 7.0 * scale) == count  # a common shift changes no behaviour difference


def groups_of_relation_by_hand(alike) -> int:
    """Groups a relation joins units into, searched from each unit in turn (a unit reaches j when alike[i, j])."""
    width, group = len(alike), {}
    for i in range(width):
        if i in group:
            continue
        group[i], todo = i, [i]
        while todo:
            k = todo.pop()
            for j in range(width):
                if alike[k, j] and j not in group:
                    group[j] = i
                    todo.append(j)
    return len(set(group.values()))


@settings(max_examples=60, deadline=None)
@given(width=st.integers(2, 2 * metrics.CLOSURE_WIDTH), seed=st.integers(0, 2**32 - 1), density=st.floats(0.0, 0.3),
       symmetric=st.booleans(), diagonal=st.booleans())
def test_groups_of_any_relation_match_a_search_by_hand(width, seed, density, symmetric, diagonal):
    """The joining of few pairs and the closure by squaring (symmetric relations, up to CLOSURE_WIDTH units for the
    squaring) and the search (any other) count alike; chains longer than a squaring or two come from sparse
    relations, and a missing diagonal (NaN outputs)."""
    rng = np.random.default_rng(seed)
    alike = rng.random((width, width)) < density
    if symmetric:
        alike |= alike.T
    np.fill_diagonal(alike, diagonal)
    assert metrics._groups(alike) == groups_of_relation_by_hand(alike)


def test_a_long_chain_is_one_group():
    alike = np.eye(32, dtype=bool) | np.eye(32, k=1, dtype=bool) | np.eye(32, k=-1, dtype=bool)
    assert metrics._groups(alike) == 1
    alike[15, 16] = alike[16, 15] = False
    assert metrics._groups(alike) == 2


def test_trainer_symmetry_is_of_the_weights_now():
    t = Trainer(preset("constant_noise", steps=100))
    t.run(13)  # between snapshots (every 5)
    sym = t.symmetry()
    acts = hidden_outputs(t.weights, t.biases, t.data.X, "tanh")
    assert sym["distinct"] == [groups_by_hand(A) for A in acts]
    assert sym["gap"] == [metrics.unit_gap(t.weights[l], t.biases[l]) for l in range(2)]
    assert set(sym) == {"distinct", "gap"}  # no SVD on the live path: a snapshot's ranks are computed when read
    assert t.snapshots[-1].rank == tuple(metrics.numerical_rank(W) for W in t.snapshots[-1].weights)
    assert t.snapshots[-1].step == 10  # reading the meter takes no snapshot


@pytest.mark.parametrize("more", [{}, dict(dropout=0.2), dict(batch_size=32), dict(activation="relu")],
                         ids=["full_batch", "dropout", "mini_batch", "relu"])
def test_trainer_symmetry_at_a_snapshot_is_read_from_it(monkeypatch, more):
    """At a snapshot's step the meter reads the snapshot, with no pass of its own: the same numbers, bit for bit,
    as measuring the weights now (whether the snapshot reused the step's own pass or made one)."""
    t = Trainer(preset("constant_noise", steps=100, **more))
    t.run(15)
    assert t.snapshots[-1].step == 15
    fresh = metrics.symmetry(t.weights, t.biases, hidden_outputs(t.weights, t.biases, t.data.X, t.config.activation))
    monkeypatch.setattr(model, "forward", None)  # a pass of its own would fail
    assert t.symmetry() == fresh
    assert [np.float64(g).tobytes() for g in t.symmetry()["gap"]] == [np.float64(g).tobytes() for g in fresh["gap"]]


def test_snapshots_reuse_the_steps_forward_pass(monkeypatch):
    """On the full batch without dropout, a snapshot's count comes from the step's own pass: one pass per step."""
    t = Trainer(preset("constant_noise", steps=100))
    calls = []
    forward = model.forward

    def counted(weights, biases, X, *args, **kwargs):
        calls.append(X is t.data.X)  # a pass over the training inputs
        return forward(weights, biases, X, *args, **kwargs)

    monkeypatch.setattr(model, "forward", counted)
    t.run(50)
    # 50 steps, one pass each (snapshots 5, 10, ..., 45 reuse theirs); step 0 takes the pass of the snapshot at
    # step 0, made before counting; the snapshot at step 50, taken when run() stops, makes the pass step 50 takes
    assert [s.step for s in t.snapshots] == list(range(0, 51, 5)) and sum(calls) == 50
    t.run(10)  # steps 50-59, the first on the pass made for the snapshot; one more for the snapshot at 60
    assert sum(calls) == 60
    monkeypatch.undo()
    at_once = Trainer(preset("constant_noise", steps=100))
    at_once.run(60)
    assert at_once.result().batch_losses.tobytes() == t.result().batch_losses.tobytes()
    assert at_once.result().grad_norms.tobytes() == t.result().grad_norms.tobytes()
    assert all(a.tobytes() == b.tobytes() for a, b in zip(at_once.weights, t.weights, strict=True))


def test_meter_figure_says_what_the_count_means():
    r = train(preset("constant_dropout", steps=150))
    snaps = r.snapshots
    fig = go.Figure(F.symmetry_meter(r.snapshot_steps, r.final.distinct, [s.gap for s in snaps], (8, 8)))
    bar = [tr for tr in fig.data if tr.type == "bar"][1]
    assert list(bar.text) == ["1 / 8", "1 / 8"]
    assert bar.hovertext[0].startswith("layer 1: its 8 units behave as 1 unit<br>")
    assert "within 5% of the layer's spread" in bar.hovertext[0]
    heads = [a.text for a in fig.layout.annotations]
    assert "Behaves as N of its W units" in heads and "Largest weight gap between units" in heads
    one = [tr for tr in go.Figure(F.symmetry_meter([0], [1], [[0.0]], (1,))).data if tr.type == "bar"][1]
    assert one.hovertext[0].startswith("layer 1: its 1 unit behaves as 1 unit<br>")


@pytest.mark.parametrize("widths, height, labelled", [
    ((8, 8), 244, True),  # the Playground's default, presenting (its meter's height there)
    ((8,) * 3, 244, True),  # three rows of 19.8 px: the labels at full size
    ((32,) * 6, 244, False),  # six rows of 10 px: plotly.js would shrink the labels to 6.3 px
    ((32,) * 6, 400, True),  # not presenting: six rows of 21.6 px
])
def test_meter_bars_are_labelled_only_where_a_label_keeps_its_size(widths, height, labelled):
    """Each bar carries its "N / W" at full size (never shrunk by plotly.js to fit a thin bar), or carries none when
    the rows are too thin for it: its count stands in the hover, and in the numbers beside the charts."""
    fig = go.Figure(F.symmetry_meter([0, 10], [w // 2 for w in widths], [[0.5] * len(widths)] * 2, widths,
                                     height=height))
    bar = [tr for tr in fig.data if tr.type == "bar"][1]
    assert list(bar.hovertext) and bar.hovertext[0].startswith(f"layer 1: its {widths[0]} units behave as")
    if labelled:
        assert list(bar.text) == [f"{w // 2} / {w}" for w in widths]
        assert bar.textposition == "outside" and bar.constraintext == "inside"  # outside a bar: never shrunk
    else:
        assert bar.text is None and bar.textposition == "none"


def test_grad_norm_chart_is_labelled_for_weights_and_biases():
    r = train(preset("constant_05", steps=20))
    fig = go.Figure(F.grad_norms(r.grad_norms))
    assert fig.layout.title.text == "Gradient norm (weights + biases)"
    assert fig.layout.yaxis.title.text == "‖∂L/∂(W, b)‖"
    c = r.config  # the plotted norm is the Trainer's: weights and biases of the layer together
    t = Trainer(replace(c, steps=1))
    _, dW, db = model.loss_and_grads(t.weights, t.biases, t.data.X, t.data.y, c.activation, c.loss)
    t.run(1)
    want = [np.sqrt(np.sum(dW[l] ** 2) + np.sum(db[l] ** 2)) for l in range(3)]
    np.testing.assert_allclose(t.result().grad_norms[0], want, rtol=1e-12)


def test_playground_meter_reads_one_for_the_dropout_preset_at_step_150():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params.update({"preset": "constant_dropout", "speed": "50"})  # 50 steps per press of Step ×50
    at.run()
    for _ in range(3):
        next(b for b in at.button if b.label == "Step ×50").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert shown_metric(at, "Step") == "150"
    assert shown_metric(at, "Layer 1 distinct") == "1 / 8"


def test_the_dropout_preset_text_is_true_for_its_run():
    """app.py's 'Constant + dropout' text: the gap leaves 0 at the first step, layer 1 flickers between one and a
    few behaviours, layer 2 stays one, and the loss stays near the all-0.5 run's."""
    drop, sym = Trainer(preset("constant_dropout", steps=2000)), Trainer(preset("constant_05", steps=2000))
    drop.run(1)
    assert drop.symmetry()["gap"][0] > 0 and drop.symmetry()["gap"][1] > 0
    drop.run(1999)
    sym.run(2000)
    layer1 = [s.distinct[0] for s in drop.snapshots]
    assert min(layer1) == 1 and 1 < max(layer1) <= 5
    assert {s.distinct[1] for s in drop.snapshots} == {1}
    assert abs(drop.snapshots[-1].train_loss - sym.snapshots[-1].train_loss) < 0.02
