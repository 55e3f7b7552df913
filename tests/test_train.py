"""Trainer behaviour: determinism, resuming, streams, validation, divergence, bounded memory, restarts."""
import dataclasses
import importlib
import pickle
import warnings
from dataclasses import replace

import numpy as np
import pytest

from symbreak_core import TrainConfig, Trainer, restart_config, restarts, train

train_mod = importlib.import_module("symbreak_core.train")  # the module, not the function of the same name

SMALL = TrainConfig(steps=120, record_every=10)


def same_result(a, b):
    assert a.status == b.status and a.diverged_at == b.diverged_at
    np.testing.assert_array_equal(a.batch_losses, b.batch_losses)
    np.testing.assert_array_equal(a.grad_norms, b.grad_norms)
    assert len(a.snapshots) == len(b.snapshots)
    for s, t in zip(a.snapshots, b.snapshots):
        for W, V in zip(s.weights, t.weights):
            np.testing.assert_array_equal(W, V)
        assert s.test_loss == t.test_loss and s.distinct == t.distinct and s.gap == t.gap


@pytest.mark.parametrize("extra", [{}, {"batch_size": 16, "dropout": 0.3, "optimizer": "adam"}])
def test_same_config_is_bit_identical(extra):
    c = replace(SMALL, **extra)
    same_result(train(c), train(c))


def test_resuming_in_pieces_equals_one_run():
    c = replace(SMALL, batch_size=20, dropout=0.2, optimizer="momentum")
    t = Trainer(c)
    for n in (1, 7, 30, 200):
        t.run(n)
    assert t.done and t.step == c.steps
    same_result(t.result(), train(c))


def every_field_equal(a, b):
    """Two snapshot lists equal in every field, bit for bit."""
    assert [s.step for s in a] == [s.step for s in b]
    for s, t in zip(a, b, strict=True):
        names = [f.name for f in dataclasses.fields(s) if not f.name.startswith("_")] + ["distinct"]
        for name in names:
            x, y = getattr(s, name), getattr(t, name)
            if name in ("weights", "biases") and x is not None:
                for W, V in zip(x, y, strict=True):
                    np.testing.assert_array_equal(W, V)
            else:
                assert x == y, (s.step, name, x, y)


@pytest.mark.parametrize("config", [
    TrainConfig(steps=3000, record_every=1),  # thinned several times on the way
    TrainConfig(steps=900, record_every=2, batch_size=16, dropout=0.3, optimizer="adam", perturbation=0.01),
    TrainConfig(hidden=(32,) * 6, activation="relu", init="he_normal", steps=400, record_every=1),
    TrainConfig(init="normal", spread=3.0, lr=10.0, activation="relu", loss="mse", optimizer="momentum", steps=2000,
                record_every=1),  # diverges on the way
])
def test_a_lazy_run_is_the_same_run_and_measures_only_the_snapshots_it_keeps(config, monkeypatch):
    eager, lazy = Trainer(config), Trainer(config)
    for n in (1, 37, 500, 5000):  # a replay's chunks, then past the end
        eager.run(n)
    measured = []
    measure = Trainer._measure
    monkeypatch.setattr(Trainer, "_measure", lambda self, *a, **k: measured.append(a[0]) or measure(self, *a, **k))
    for n in (1, 37, 500, 5000):
        lazy.run(n, lazy=True)
    assert measured == []  # nothing measured while it runs...
    same_result(lazy.result(), eager.result())
    every_field_equal(lazy.snapshots, eager.snapshots)
    assert sorted(measured) == [s.step for s in eager.snapshots[1:]]  # ...then only the snapshots kept
    assert lazy._every == eager._every and lazy.status == eager.status


@pytest.mark.parametrize("config", [
    TrainConfig(steps=3000, record_every=1),
    TrainConfig(steps=900, record_every=2, batch_size=16, optimizer="adam", perturbation=0.01),  # no step's own pass
    TrainConfig(hidden=(32,) * 6, activation="relu", init="constant", steps=400, record_every=5),  # the he twin's
    TrainConfig(init="normal", spread=3.0, lr=10.0, activation="relu", loss="mse", optimizer="momentum", steps=2000,
                record_every=1),  # diverges on the way
], ids=["thinned", "mini_batch", "twin_32x6", "diverging"])
def test_a_lazy_runs_curves_are_its_snapshots_numbers_without_measuring_them(config, monkeypatch):
    """Trainer.curves, what the equal-start twin draws, gives the kept snapshots' steps, training losses and gaps
    bit for bit as measured snapshots hold them, and measures no snapshot of a lazy run to give them."""
    eager, lazy = Trainer(config), Trainer(config)
    measured = []
    measure = Trainer._measure
    monkeypatch.setattr(Trainer, "_measure",
                        lambda self, *a, **k: (self is lazy and measured.append(a[0])) or measure(self, *a, **k))
    for n in (1, 37, 500, 5000):
        eager.run(n)
        lazy.run(n, lazy=True)
        steps, losses, gaps = lazy.curves()
        snaps = eager.snapshots
        assert steps.tolist() == [s.step for s in snaps]
        assert np.array(losses).tobytes() == np.array([s.train_loss for s in snaps]).tobytes()
        assert np.array(gaps).tobytes() == np.array([s.gap for s in snaps]).tobytes()
    assert measured == []
    monkeypatch.setattr(train_mod.model, "evaluate", None)  # read again, nothing is computed again
    monkeypatch.setattr(train_mod.metrics, "unit_gaps", None)
    assert np.array(lazy.curves()[2]).tobytes() == np.array(gaps).tobytes()
    monkeypatch.undo()
    every_field_equal(lazy.snapshots, eager.snapshots)  # measured in full when read: the same numbers


@pytest.mark.parametrize("config", [
    TrainConfig(hidden=(32,) * 6, activation="relu", init="he_normal", steps=400, record_every=5),  # dead units
    TrainConfig(steps=300, record_every=5, dropout=0.3, perturbation=0.001),  # no step's pass is a snapshot's
    TrainConfig(steps=300, record_every=5, activation="sigmoid", init="zeros", bias=False),
])
def test_snapshots_within_a_runs_steps_count_their_distinct_units_when_read(config, monkeypatch):
    """A snapshot taken within run()'s steps counts its distinct units only when they are read, to the same
    numbers as one counted when taken (each step run alone, every snapshot taken at the end of a run() and counted
    at once). The Playground's six charts read only the newest snapshot's."""
    from figures import playground_charts
    from symbreak_core import model

    whole, steps = Trainer(config), Trainer(config)
    whole.run(123)
    for _ in range(123):
        steps.run(1)
    kept = whole._snapshots
    assert [s._distinct is None for s in kept] == [0 < s.step < 123 for s in kept]  # step 0: taken at the start
    assert all(s._distinct is not None for s in steps._snapshots)
    field = model.field(whole.weights, whole.biases, config.activation, config.loss, res=8)
    playground_charts(whole.weights, whole.biases, whole.result(), whole.symmetry()["distinct"], field, None)
    assert sum(s._distinct is None for s in kept) == len(kept) - 2

    counted = []
    count = train_mod.metrics.distinct_units
    monkeypatch.setattr(train_mod.metrics, "distinct_units", lambda A: counted.append(1) or count(A))
    copy = pickle.loads(pickle.dumps(whole))  # a kept moment: pickled uncounted, counted after loading
    every_field_equal(copy.snapshots, steps.snapshots)
    every_field_equal(whole.snapshots, steps.snapshots)
    assert len(counted) == 2 * (len(kept) - 2) * len(config.hidden)
    assert [s.distinct for s in kept] == [s.distinct for s in kept]  # once counted, read as it is
    assert len(counted) == 2 * (len(kept) - 2) * len(config.hidden)


def test_a_finished_runs_result_holds_every_count_as_pages_cache_it():
    """train() returns every snapshot counted: a page caches its result pickled (st.cache_data), and a count left
    to the first read would be made again at each rerun (Side by side reads them all, several times a second while
    its timeline plays)."""
    r = pickle.loads(pickle.dumps(train(TrainConfig(steps=300, record_every=5))))
    assert len(r.snapshots) == 61 and all(s._distinct is not None for s in r.snapshots)


def test_a_lazy_run_goes_on_as_the_eager_one_and_pickles_as_it_is(monkeypatch):
    """A kept moment (ui/moments.py) of a lazy run, such as the equal-start twin, is pickled without measuring its
    pending snapshots (a Pause would wait for them): they are measured when read, after loading, the same."""
    c = TrainConfig(steps=2000, record_every=1)
    eager, lazy = Trainer(c), Trainer(c)
    eager.run(700)
    lazy.run(700, lazy=True)
    lazy.curves()
    monkeypatch.setattr(Trainer, "_measure", None)
    copy = pickle.loads(pickle.dumps(lazy))
    monkeypatch.undo()
    assert sum(isinstance(s, train_mod._Pending) for s in copy._snapshots) == len(copy._snapshots) - 1
    assert np.array(copy.curves()[1]).tobytes() == np.array(lazy.curves()[1]).tobytes()
    for t in (eager, lazy, copy):
        t.run(600)  # trained on after a replay, as a link's page is when Play is pressed
    every_field_equal(lazy.snapshots, eager.snapshots)
    every_field_equal(copy.snapshots, eager.snapshots)


def same_state(a: Trainer, b: Trainer):
    """Two runs in the same state: history, snapshots, weights, the optimizer's, batches' and dropout's state."""
    fields = ("step", "status", "diverged_at", "reason", "_every")
    assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
    same_result(a.result(), b.result())
    every_field_equal(a.snapshots, b.snapshots)
    for x, y in zip(a._params + a._opt._arrays(), b._params + b._opt._arrays(), strict=True):
        np.testing.assert_array_equal(x, y)
    assert a._batcher.pos == b._batcher.pos and np.array_equal(a._batcher.order, b._batcher.order)
    assert a._batcher.rng.bit_generator.state == b._batcher.rng.bit_generator.state
    assert a._dropout_rng.bit_generator.state == b._dropout_rng.bit_generator.state


@pytest.mark.parametrize("config", [
    TrainConfig(steps=2000, record_every=1),  # thinned on the way
    TrainConfig(steps=900, record_every=2, batch_size=16, dropout=0.3, optimizer="adam", perturbation=0.01),
    TrainConfig(steps=900, record_every=5, batch_size=30, optimizer="momentum"),
    TrainConfig(hidden=(32,) * 6, activation="relu", init="he_normal", steps=400, record_every=5),
    TrainConfig(init="normal", lr=2.0, activation="relu", loss="mse", optimizer="momentum", steps=2000,
                record_every=1),  # diverges at step 25
], ids=["thinned", "adam_dropout_batches", "momentum_batches", "32x6", "diverging"])
def test_a_run_catches_up_with_another_of_its_config_bit_for_bit(config):
    """What one run did from a step (progress_since) brings another run of the same config at that step, however
    it got there (in other pieces, lazily), to the very same state as training would: history, snapshots, weights,
    and the optimizer's, batches' and dropout's state, so that both go on the same. A progress stays as it was
    taken while its run goes on: a run can still catch up with it later."""
    ahead, behind, alone, late = (Trainer(config) for _ in range(4))
    for n in (3, 7):
        ahead.run(n)
    for n in (5, 5):
        behind.run(n, lazy=True)
        late.run(n)
    alone.run(10)
    first = None
    for n in (10, 300, 5000):  # the last one past the end
        since = behind.step
        assert ahead.step == since
        ahead.run(n)
        progress = ahead.progress_since(since)
        first = first or progress
        behind.catch_up(progress)
        alone.run(n)  # the same steps, trained
        same_state(behind, alone)
        same_state(ahead, alone)
    assert alone.done
    late.catch_up(first)  # taken long ago, its run has gone on since
    late.run(config.steps)
    same_state(late, alone)
    for t in (behind, alone):
        t.run(50)  # both have ended: nothing more
    same_state(behind, alone)


def test_catching_up_needs_the_same_config_at_the_same_step():
    a, b = Trainer(SMALL), Trainer(SMALL)
    a.run(30)
    with pytest.raises(ValueError, match="since step 20"):
        b.catch_up(a.progress_since(20))  # b is at step 0
    with pytest.raises(ValueError):
        Trainer(replace(SMALL, seed=1)).catch_up(a.progress_since(0))
    with pytest.raises(ValueError, match="cannot tell"):
        a.progress_since(31)
    b.catch_up(a.progress_since(0))
    same_state(a, b)
    diverging = TrainConfig(init="normal", spread=100.0, lr=10.0, activation="relu", loss="mse", steps=500)
    ended, other = Trainer(diverging), Trainer(diverging)
    ended.run(500)
    assert ended.status == "diverged"
    other.run(500)
    ended.catch_up(other.progress_since(other.step))  # it ended there too: nothing to do
    same_state(ended, other)
    with pytest.raises(ValueError, match="went on"):  # a run that ended cannot have gone on from there
        ended.catch_up(replace(other.progress_since(other.step), status="running"))


def test_a_pickled_run_carries_its_history_not_the_room_for_the_rest():
    """A fresh run is cached, and every session's copy unpickled, at step 0: the per-step arrays, made for all
    20,000 steps, travel as the steps taken, so that a copy does not write megabytes of room (1.3 MB at 32x6). The
    copy goes on as the original does."""
    c = TrainConfig(hidden=(32,) * 6, steps=20_000)
    fresh = Trainer(c)
    assert len(pickle.dumps(fresh)) < 150_000
    fresh.run(300)
    copy = pickle.loads(pickle.dumps(fresh))
    assert copy._losses.shape == (20_000,) and copy._gnorms.shape == (20_000, 7)
    for t in (fresh, copy):
        t.run(100)
    same_state(copy, fresh)


def test_reset_gives_the_same_initial_weights_and_a_new_seed_does_not():
    a, b, c = Trainer(SMALL), Trainer(SMALL), Trainer(replace(SMALL, seed=1))
    for W, V, U in zip(a.weights, b.weights, c.weights):
        np.testing.assert_array_equal(W, V)
        assert not np.array_equal(W, U)


def test_streams_are_independent():
    base = Trainer(SMALL)
    other_batches = Trainer(replace(SMALL, batch_size=8, dropout=0.5))
    for W, V in zip(base.weights, other_batches.weights):
        np.testing.assert_array_equal(W, V)  # batch order and dropout never change the initial weights
    np.testing.assert_array_equal(base.data.X, other_batches.data.X)
    noisy = Trainer(replace(SMALL, init="constant", perturbation=1e-3))
    plain = Trainer(replace(SMALL, init="constant"))
    assert all(np.all(W == 0.5) for W in plain.weights)
    assert all(np.abs(W - 0.5).max() < 1e-2 for W in noisy.weights)
    fixed_data = Trainer(replace(SMALL, seed=5, data_seed=0))
    np.testing.assert_array_equal(fixed_data.data.X, base.data.X)


def test_streams_are_named_and_each_feeds_its_own_draw():
    s = train_mod.streams(SMALL.seed)
    assert s._fields == ("data", "init", "noise", "batch", "dropout")
    again = train_mod.streams(SMALL.seed)
    weights, _ = train_mod.initial_network(SMALL, again.init, again.noise)
    for W, V in zip(Trainer(SMALL).weights, weights):  # the Trainer draws its weights from the init stream
        np.testing.assert_array_equal(W, V)
    firsts = [g.random() for g in s]
    assert len(set(firsts)) == len(firsts)  # five different streams, not one stream five times
    for batch_size in (8, 40):  # the batch size changes how much the batch stream draws, never the init weights
        for W, V in zip(Trainer(replace(SMALL, batch_size=batch_size)).weights, weights):
            np.testing.assert_array_equal(W, V)


@pytest.mark.parametrize("field,value,message", [
    ("lr", -1, "The 'lr' parameter of TrainConfig must be a float in (0, 10]. Got -1 instead."),
    ("lr", 0.0, "Got 0.0 instead."),
    ("hidden", (8, 0), "The 'hidden' parameter of TrainConfig must be widths in [1, 256]. Got 0 instead."),
    ("hidden", (4,) * 21, "must be a tuple of 0 to 20 widths"),
    ("n_samples", 5001, "The 'n_samples' parameter of TrainConfig must be an int in [10, 5000]. Got 5001 instead."),
    ("steps", 0, "The 'steps' parameter of TrainConfig must be an int in [1, 50000]."),
    ("activation", "swish", "The 'activation' parameter of TrainConfig must be one of 'identity', 'relu'"),
    ("init", "glorot", "must be one of 'zeros', 'constant'"),
    ("spread", float("nan"), "The 'spread' parameter of TrainConfig must be a float in [0, 100]. Got nan instead."),
    ("bias", 1, "The 'bias' parameter of TrainConfig must be a bool. Got 1 instead."),
    ("seed", 2.5, "The 'seed' parameter of TrainConfig must be an int"),
])
def test_validation_names_parameter_range_and_value(field, value, message):
    with pytest.raises(ValueError) as err:
        replace(SMALL, **{field: value})
    assert message in str(err.value)


def test_config_round_trips_through_a_dict():
    c = replace(SMALL, hidden=(3, 5), init="he_normal", data_seed=4)
    assert TrainConfig.from_dict(c.to_dict()) == c
    assert hash(TrainConfig.from_dict(c.to_dict())) == hash(c)
    with pytest.raises(ValueError, match="Unknown TrainConfig parameters"):
        TrainConfig.from_dict({"nonsense": 1})


FINE = dict(loss=np.array([0.7, 0.3]), gnorm=np.array([[1.0, 0.5], [2.0, 0.1]]), lr=0.1)  # 2 networks x 2 layers


def bad(**change):
    """FINE with some entries replaced: name=(index, value), the index of gnorm being (network, layer)."""
    out = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in FINE.items()}
    for name, (index, value) in change.items():
        out[name][index] = value
    return out


@pytest.mark.parametrize("numbers,reasons", [
    (FINE, ["", ""]),
    (bad(loss=(1, np.nan)), ["", "the loss became NaN or infinite"]),
    (bad(loss=(0, -np.inf)), ["the loss became NaN or infinite", ""]),
    (bad(loss=(0, 2e12)), ["the loss passed 1,000,000,000,000", ""]),
    (bad(loss=(1, -2e12)), ["", "the loss passed 1,000,000,000,000"]),
    (bad(loss=(1, 1e12)), ["", ""]),  # the bound itself is still fine
    (bad(gnorm=((0, 1), np.inf)), ["a gradient became NaN or infinite", ""]),
    (bad(gnorm=((1, 0), np.nan)), ["", "a gradient became NaN or infinite"]),
    (bad(gnorm=((1, 1), 2e7)), ["", "an update would move a weight by more than 1,000,000"]),  # lr 0.1 x 2e7 = 2e6
    (bad(gnorm=((1, 1), 1e7)), ["", ""]),  # lr 0.1 x 1e7 = 1e6: on the bound
    (bad(loss=(0, np.nan), gnorm=((0, 0), np.nan)), ["the loss became NaN or infinite", ""]),  # the first rule wins
    (bad(loss=(0, 5e12), gnorm=((0, 1), 1e9)), ["the loss passed 1,000,000,000,000", ""]),
    (bad(gnorm=((0, 0), 1e308)), ["an update would move a weight by more than 1,000,000", ""]),  # lr x norm overflows
])
def test_divergence_gives_one_reason_per_network(numbers, reasons):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(train_mod.divergence(**numbers)) == reasons
        for i in range(2):  # a network's reason does not depend on the others beside it, nor on the form it comes in
            alone = train_mod.divergence(numbers["loss"][i:i + 1], numbers["gnorm"][i:i + 1], numbers["lr"])
            assert list(alone) == reasons[i:i + 1]
            one = train_mod.divergence(float(numbers["loss"][i]), list(map(float, numbers["gnorm"][i])), 0.1, one=True)
            assert one == reasons[i]


def test_divergence_checks_the_weights_first_and_per_network():
    params = [np.zeros((3, 2, 2)), np.zeros((3, 2))]
    params[0][1, 0, 1] = -2e6
    params[1][2, 0] = np.nan
    grown = "a weight grew past 1,000,000"
    assert list(train_mod.divergence(params=params)) == ["", grown, grown]
    loss, gnorm = np.array([np.nan, np.nan, 0.5]), np.ones((3, 2))
    assert list(train_mod.divergence(loss, gnorm, 0.1, params)) == ["the loss became NaN or infinite", grown, grown]
    assert [train_mod.divergence(params=[p[i] for p in params], one=True) for i in range(3)] == ["", grown, grown]
    params[0][1, 0, 1] = 1e6  # the bound itself is still fine
    assert list(train_mod.divergence(params=params)) == ["", "", grown]


def test_a_run_and_its_restart_diverge_for_the_same_reason_in_the_same_words():
    reasons = {train_mod.WEIGHT_TOO_BIG, train_mod.LOSS_NOT_FINITE, train_mod.LOSS_TOO_BIG,
               train_mod.GRADIENT_NOT_FINITE, train_mod.UPDATE_TOO_BIG}
    c = TrainConfig(init="normal", spread=1.0, lr=1.0, activation="relu", loss="mse", steps=300)
    r = restarts(c, range(12))  # some seeds finish, others diverge for one reason or another
    assert set(r.reason[r.finished]) == {""} and set(r.reason[~r.finished]) <= reasons
    assert len(set(r.reason[~r.finished])) >= 2
    for i in np.flatnonzero(~r.finished):
        single = train(restart_config(c, int(r.seeds[i])))
        assert single.reason == r.reason[i] and single.reason in reasons


@pytest.mark.parametrize("config", [
    TrainConfig(init="normal", spread=100.0, lr=10.0, activation="relu", loss="mse", steps=500),
    TrainConfig(init="normal", spread=3.0, lr=10.0, activation="relu", loss="mse", optimizer="momentum", steps=2000),
])
def test_divergence_stops_with_its_step_and_no_warning(config):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = train(config)
    assert r.status == "diverged" and r.diverged_at is not None and r.reason
    assert r.steps_done == r.diverged_at < config.steps
    assert np.all(np.isfinite(r.batch_losses)) and np.all(np.isfinite(r.grad_norms))
    for s in r.snapshots:
        assert all(np.all(np.isfinite(W)) for W in s.weights)
        assert np.isfinite(s.train_loss) and np.isfinite(s.test_loss)


def test_tanh_with_cross_entropy_saturates_instead_of_diverging():
    # tanh outputs and sigmoid-minus-target are both bounded, so the gradients are too: no blow-up, just saturation
    r = train(TrainConfig(init="normal", spread=100.0, lr=10.0))
    assert r.status == "done" and min(r.final.saturated) > 0.9


def test_snapshots_stay_bounded_and_keep_start_and_end():
    c = TrainConfig(steps=6000, record_every=1)
    r = train(c)
    assert len(r.snapshots) <= train_mod.MAX_SNAPSHOTS
    assert r.snapshots[0].step == 0 and r.snapshots[-1].step == c.steps
    steps = r.snapshot_steps
    assert np.all(np.diff(steps) > 0)


def test_snapshot_memory_scales_down_for_large_networks():
    r = train(TrainConfig(hidden=(64, 64, 64), steps=1000, record_every=2))
    n_params = sum(W.size for W in r.final.weights)
    stored = len(r.snapshots) * n_params
    assert stored <= train_mod.SNAPSHOT_FLOATS + n_params
    assert len(r.snapshots) >= train_mod.MIN_SNAPSHOTS
    assert r.snapshots[-1].step == 1000


def test_restarts_equal_single_runs_seed_by_seed():
    c = replace(SMALL, steps=150, batch_size=32, dropout=0.2, optimizer="adam")
    seeds = [3, 11, 12]
    batch = restarts(c, seeds)
    for i, s in enumerate(seeds):
        single = train(restart_config(c, s))
        assert batch.train_loss[i] == pytest.approx(single.final.train_loss, rel=1e-9)
        assert batch.test_acc[i] == pytest.approx(single.final.test_acc)
        for W, V in zip(batch.network(i)[0], single.final.weights):
            np.testing.assert_allclose(W, V, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("extra", [{}, {"batch_size": 32, "dropout": 0.2, "optimizer": "adam"}])
def test_restarts_start_and_tail_losses_are_the_single_runs_training_losses_then(extra):
    c = replace(SMALL, steps=200, **extra)
    seeds = [3, 11]
    batch = restarts(c, seeds)
    assert batch.tail_start == 180 == c.steps - round(train_mod.TAIL_FRACTION * c.steps)
    for i, s in enumerate(seeds):
        single = train(restart_config(c, s))
        at = {snap.step: snap.train_loss for snap in single.snapshots}
        assert batch.start_loss[i] == pytest.approx(at[0], rel=1e-9)
        assert batch.tail_loss[i] == pytest.approx(at[batch.tail_start], rel=1e-9)
        assert batch.start_loss[i] != batch.tail_loss[i] != batch.train_loss[i]
    assert restarts(replace(c, steps=5), seeds).tail_start == 4  # at least the last step, however short the run


def test_restarts_of_constant_init_all_land_on_one_outcome_and_random_ones_spread():
    c = TrainConfig(steps=300, init="constant", init_value=0.5)
    r = restarts(c, range(20))
    assert np.all(r.train_loss == r.train_loss[0])
    rr = restarts(replace(c, init="xavier_normal"), range(20))
    assert np.ptp(rr.train_loss) > 1e-3
    assert rr.best is not None and rr.train_loss[rr.best] == np.nanmin(rr.train_loss)
    assert rr.worst is not None and rr.train_loss[rr.worst] == np.nanmax(rr.train_loss)


def test_restarts_flag_diverging_seeds_without_warnings():
    c = TrainConfig(init="normal", spread=5.0, lr=3.0, activation="relu", loss="mse", steps=300)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = restarts(c, range(8))
    assert np.any(r.diverged_at >= 0)
    assert np.all(np.isnan(r.train_loss[~r.finished])) and np.all(np.isfinite(r.train_loss[r.finished]))
    for name in ("start_loss", "tail_loss"):
        a = getattr(r, name)
        assert np.all(np.isnan(a[~r.finished])) and np.all(np.isfinite(a[r.finished])), name
    for i in np.flatnonzero(~r.finished):
        single = train(restart_config(c, int(r.seeds[i])))
        assert single.status == "diverged" and single.diverged_at == r.diverged_at[i]


def test_restarts_report_progress():
    seen = []
    restarts(replace(SMALL, steps=100), range(4), on_progress=seen.append)
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)


def test_restarts_do_not_depend_on_how_seeds_are_grouped(monkeypatch):
    c = replace(SMALL, steps=80, batch_size=16, dropout=0.1)
    monkeypatch.setattr(train_mod, "GROUP_BYTES", 1)  # one seed per group
    apart = restarts(c, range(7))
    monkeypatch.setattr(train_mod, "GROUP_BYTES", 10**9)  # all seeds in one group
    together = restarts(c, range(7))
    for name in ("train_loss", "test_loss", "train_acc", "test_acc", "diverged_at", "reason", "start_loss", "tail_loss",
                 "curves"):
        np.testing.assert_array_equal(getattr(apart, name), getattr(together, name), err_msg=name)
    for W, V in zip(apart.weights, together.weights):
        np.testing.assert_array_equal(W, V)


# ---- a symmetric start trained narrow (Trainer(copies=True)): the equal-start twin ----

NARROW = [
    TrainConfig(hidden=(32,) * 6, activation="relu", init="constant", lr=0.5, steps=3000, record_every=5),  # he's twin
    TrainConfig(init="constant", steps=3000, record_every=1),  # thinned
    TrainConfig(init="constant", activation="sigmoid", optimizer="adam", lr=0.05, batch_size=32, steps=1500),
    TrainConfig(init="zeros", activation="sigmoid", hidden=(5, 3), steps=1500),
    TrainConfig(init="constant", init_value=0.3, hidden=(4, 7, 2), optimizer="momentum", bias=False, output_zero=True,
                steps=1500),
    TrainConfig(init="constant", init_value=2.0, lr=3.0, loss="mse", steps=2000, record_every=1),  # diverges at 3
]


@pytest.mark.parametrize("config", NARROW, ids=["32x6", "thinned", "adam_batches", "zeros", "no_bias", "diverging"])
def test_a_symmetric_start_trained_narrow_is_the_wide_run_to_1e_12(config):
    """One unit per hidden layer standing for its copies: the same run as the wide network in other arithmetic. Its
    history, snapshot steps, ending and network written out wide agree to 1e-12; its units are exact copies."""
    wide, narrow = Trainer(config), Trainer(config, copies=True)
    assert narrow.copies == config.hidden and [W.shape[1] for W in narrow.weights] == [1] * len(config.sizes[1:])
    for n in (1, 37, 5000):
        wide.run(n, lazy=True)
        narrow.run(n, lazy=True)
        assert (narrow.step, narrow.status, narrow.diverged_at, narrow.reason) == (
            wide.step, wide.status, wide.diverged_at, wide.reason)
        (s1, l1, g1), (s2, l2, g2) = wide.curves(), narrow.curves()
        assert s1.tolist() == s2.tolist()
        np.testing.assert_allclose(l2, l1, rtol=1e-12)
        assert np.all(np.array(g2) == 0.0) and np.all(np.array(g1) < 1e-20)  # wide: copies up to rounding
    r1, r2 = wide.result(), narrow.result()
    np.testing.assert_allclose(r2.batch_losses, r1.batch_losses, rtol=1e-12)
    np.testing.assert_allclose(r2.grad_norms, r1.grad_norms, rtol=1e-9, atol=1e-15)
    for a, b in zip(r1.snapshots, r2.snapshots, strict=True):  # measured in full, on the network written out
        assert (a.step, a.distinct) == (b.step, b.distinct) and set(b.distinct) == {1}
        np.testing.assert_allclose([b.train_loss, b.test_loss, b.train_acc, b.test_acc, *b.act_std, *b.grad_std],
                                   [a.train_loss, a.test_loss, a.train_acc, a.test_acc, *a.act_std, *a.grad_std],
                                   rtol=1e-9, atol=1e-15)
        for W, V in zip(a.weights, b.weights, strict=True):
            np.testing.assert_allclose(V, W, rtol=1e-12, atol=1e-15)
    weights, biases = narrow.network()
    for W, V in zip(wide.weights + (wide.biases or []), weights + (biases or []), strict=True):
        assert W.shape == V.shape
        np.testing.assert_allclose(V, W, rtol=1e-12, atol=1e-15)
    assert narrow.symmetry() == {"distinct": [1] * len(config.hidden), "gap": [0.0] * len(config.hidden)}


def test_narrow_gradients_are_every_copys_gradient():
    """model.loss_and_grads given a network narrow: each weight's gradient is that of each of its copies in the
    wide network, whose units are copies (weights alike across units, different per input)."""
    rng = np.random.default_rng(3)
    hidden, X, y = (3, 5, 2), rng.standard_normal((40, 2)), (rng.random((40, 1)) > 0.5).astype(float)
    sizes = (2, *hidden, 1)
    narrow_w = [rng.standard_normal((2, 1))] + [rng.standard_normal((1, 1)) for _ in sizes[2:]]
    narrow_b = [rng.standard_normal(1) for _ in sizes[1:]]
    weights, biases = train_mod.wide(narrow_w, narrow_b, hidden)
    for activation in ("tanh", "relu", "sigmoid", "identity"):
        loss, dW, db = train_mod.model.loss_and_grads(weights, biases, X, y, activation, "bce")
        loss2, dW2, db2 = train_mod.model.loss_and_grads(narrow_w, narrow_b, X, y, activation, "bce", copies=hidden)
        assert loss2 == pytest.approx(loss, rel=1e-13)
        for full, one in zip(dW + db, dW2 + db2, strict=True):
            np.testing.assert_allclose(full, np.broadcast_to(one, full.shape), rtol=1e-12, atol=1e-15)
    assert train_mod.narrow(weights, biases)[0][0].tolist() == narrow_w[0].tolist()


def test_only_a_network_of_copies_trains_narrow_and_it_keeps_to_its_own_kind():
    with pytest.raises(ValueError, match="not copies"):
        Trainer(TrainConfig(init="he_normal"), copies=True)
    with pytest.raises(ValueError, match="not copies"):
        Trainer(TrainConfig(init="constant", perturbation=0.01), copies=True)
    with pytest.raises(ValueError, match="Dropout"):
        Trainer(TrainConfig(init="constant", dropout=0.2), copies=True)
    c = TrainConfig(init="constant", steps=500)
    wide, narrow = Trainer(c), Trainer(c, copies=True)
    with pytest.raises(ValueError, match="narrow"):
        wide.catch_up(Trainer(c, copies=True).progress_since(0))
    with pytest.raises(ValueError, match="narrow"):
        narrow.catch_up(Trainer(c).progress_since(0))
    narrow.run(120, lazy=True)
    copy = pickle.loads(pickle.dumps(narrow))  # a kept moment
    for t in (narrow, copy):
        t.run(200, lazy=True)
    assert np.array(copy.curves()[1]).tobytes() == np.array(narrow.curves()[1]).tobytes()
    other = Trainer(c, copies=True)
    other.catch_up(narrow.progress_since(0))
    assert other.step == 320 and np.array(other.curves()[1]).tobytes() == np.array(narrow.curves()[1]).tobytes()


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_the_parameters_are_views_of_one_array_that_one_update_moves_before_and_after_pickling(optimizer):
    """Every weight and bias is a view of the Trainer's one parameter array, which the optimizer updates at once; a
    pickled run comes back with its views made again, and trains on exactly as the original."""
    t = Trainer(TrainConfig(hidden=(5, 3), optimizer=optimizer, steps=200))
    t.run(20)
    assert all(np.shares_memory(p, t._flat) for p in t.weights + t.biases)
    assert sum(p.size for p in t.weights + t.biases) == t._flat.size
    copy = pickle.loads(pickle.dumps(t))
    assert all(np.shares_memory(p, copy._flat) for p in copy.weights + copy.biases)
    before = [W.copy() for W in copy.weights]
    t.run(30)
    copy.run(30)
    assert not all(np.array_equal(a, b) for a, b in zip(before, copy.weights))  # the views moved with the array
    same_state(t, copy)


def computed(config, copies=False) -> Trainer:
    """A run that computes every step, as runs did before a run could stand still."""
    return Trainer(config, copies=copies).compute_every_step()


STILL = [  # runs that stand still: (config, trained narrow, the first step known to repeat the one before)
    (TrainConfig(init="zeros", lr=0.5, steps=3000, record_every=1), False, 260),  # the zeros preset; thinned
    (TrainConfig(init="zeros", activation="relu", bias=False, optimizer="momentum", steps=1500), False, 10),
    (TrainConfig(hidden=(32,) * 6, activation="relu", init="constant", steps=3000, record_every=5), False, 1320),
    (TrainConfig(hidden=(32,) * 6, activation="relu", init="constant", steps=3000, record_every=5), True, 1320),
    (TrainConfig(hidden=(32,) * 6, activation="relu", init="constant", lr=0.5, steps=2000, record_every=5), True,
     270),  # the He preset's equal-start twin at 32x6
]


@pytest.mark.parametrize("config, copies, still_from", STILL,
                         ids=["zeros_thinned", "no_bias_momentum", "32x6", "32x6_narrow", "he_twin"])
@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_a_run_that_stands_still_is_written_from_its_still_step_the_same_bit_for_bit(
        config, copies, still_from, lazy, monkeypatch):
    """A step that left every parameter and the optimizer's state exactly as they were (on the whole training set,
    without dropout, by SGD or momentum) is what every later step does: from there the run writes that step's loss
    and gradient norms and snapshots of the same weights, without a pass. Its history, snapshots, weights and state
    are bit for bit those of the run computed step by step, eager or lazy, in any chunks."""
    fast, slow = Trainer(config, copies=copies), computed(config, copies)
    passes, curves = [], []
    loss_and_grads = train_mod.model.loss_and_grads
    monkeypatch.setattr(train_mod.model, "loss_and_grads",
                        lambda *a, **k: (passes.append(fast.step) if fast._still else None) or loss_and_grads(*a, **k))
    for n in (1, 37, 500, 5000):
        fast.run(n, lazy=lazy)
        if lazy:
            curves.append([np.array(x).tobytes() for x in fast.curves()])
    monkeypatch.undo()
    for n in (1, 37, 500, 5000):
        slow.run(n, lazy=lazy)
        if lazy:
            assert [np.array(x).tobytes() for x in slow.curves()] == curves.pop(0)
    assert fast.done and fast._still.step == still_from and slow._still is None
    assert passes == ([] if lazy else [still_from])  # eager: the still weights' snapshot, measured once
    same_state(fast, slow)
    gone_on = fast.result()
    assert np.all(gone_on.batch_losses[still_from:] == gone_on.batch_losses[-1])  # what "still" means
    np.testing.assert_array_equal(gone_on.snapshots[-1].weights[0], fast._still.weights[0] if not copies else
                                  train_mod.wide(fast._still.weights, fast._still.biases, config.hidden)[0][0])


@pytest.mark.parametrize("config", [
    TrainConfig(init="zeros", activation="tanh", bias=False, optimizer="adam", steps=600),  # it counts its steps
    TrainConfig(init="zeros", activation="tanh", bias=False, batch_size=20, steps=600),  # batches drawn every epoch
    TrainConfig(init="zeros", activation="tanh", bias=False, dropout=0.2, steps=600),  # masks drawn every step
], ids=["adam", "mini_batches", "dropout"])
def test_a_run_whose_steps_draw_or_count_never_stands_still(config):
    """Where a step draws random numbers or depends on how many came before, its weights staying put does not make
    the next step the same: such runs are computed step by step (here their weights do not move at all)."""
    t = Trainer(config)
    start = t._flat.copy()
    t.run(600)
    assert t._still is None and t.done
    np.testing.assert_array_equal(t._flat, start)
    slow = computed(config)
    slow.run(600)
    same_state(t, slow)


def test_a_still_run_carries_its_stillness_through_catching_up_and_pickling(monkeypatch):
    """Another run that catches up with a still run's progress, and a pickled copy of one, stand still from where
    it did: they write, not compute, the steps after, and end as the run computed step by step."""
    c = TrainConfig(init="zeros", lr=0.5, steps=2000, record_every=2)
    ahead, behind, slow = Trainer(c), Trainer(c), computed(c)
    ahead.run(700)
    behind.catch_up(ahead.progress_since(0))
    computing = computed(c)  # made to compute every step: it catches up, and goes on computing
    computing.catch_up(ahead.progress_since(0))
    copy = pickle.loads(pickle.dumps(ahead))
    assert behind._still is ahead._still and copy._still.step == ahead._still.step == 260
    monkeypatch.setattr(train_mod.model, "loss_and_grads", None)  # no pass: the measured snapshot is reused
    for t in (ahead, behind, copy):
        t.run(2000)
    monkeypatch.undo()
    slow.run(2000)
    assert computing._still is None
    computing.run(2000)
    assert computing._still is None
    for t in (ahead, behind, copy, computing):
        same_state(t, slow)
