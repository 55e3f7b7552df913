"""The phenomena the app teaches, checked exactly on the classroom net (2-8-8-1 on xor)."""
import warnings
from dataclasses import replace

import numpy as np
import pytest

from symbreak_core import (
    TrainConfig,
    activations,
    distinct_units,
    forward,
    metrics,
    numerical_rank,
    train,
    unit_gap,
    unit_similarity,
)

CLASSROOM = TrainConfig(dataset="xor", hidden=(8, 8), init="constant", init_value=0.5, steps=1000, record_every=100)
RANDOM_SCHEMES = ["uniform", "normal", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_normal",
                  "orthogonal"]


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_constant_init_keeps_one_unit_per_layer_for_1000_steps(activation):
    r = train(replace(CLASSROOM, activation=activation))
    assert r.status == "done"
    for s in r.snapshots:
        assert s.distinct == (1, 1)
        assert s.gap == (0.0, 0.0)  # not approximately: exactly
        assert s.rank[1] == 1
    first, last = r.snapshots[0], r.final
    assert not np.array_equal(first.weights[1], last.weights[1])  # they did move, together


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])  # ReLUs that die all output 0: tests/test_meter.py
@pytest.mark.parametrize("scheme", RANDOM_SCHEMES)
def test_random_schemes_give_eight_distinct_units(activation, scheme):
    r = train(replace(CLASSROOM, activation=activation, init=scheme, record_every=500))
    assert all(s.distinct == (8, 8) for s in r.snapshots)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_zero_init_with_zero_bias_never_moves_the_hidden_weights(activation):
    r = train(replace(CLASSROOM, activation=activation, init="zeros", bias=True, bias_value=0.0))
    assert np.all(r.grad_norms[:, :2] == 0.0)  # exactly zero, every step
    for s in r.snapshots:
        for l in range(2):
            assert np.all(s.weights[l] == 0.0) and np.all(s.biases[l] == 0.0)


def test_zero_init_with_sigmoid_units_moves_but_stays_identical():
    r = train(replace(CLASSROOM, activation="sigmoid", init="zeros"))
    assert np.all(r.grad_norms[2:, :2] > 0.0)  # the signal needs two steps to reach layer 1
    assert not np.all(r.final.weights[0] == 0.0)
    assert all(s.distinct == (1, 1) and s.gap == (0.0, 0.0) for s in r.snapshots)


def test_tiny_noise_breaks_the_symmetry_because_the_equilibrium_is_unstable():
    c = replace(CLASSROOM, dataset="moons", optimizer="adam", lr=0.01, perturbation=1e-6, steps=3000)
    r = train(c)
    start, end = r.snapshots[0], r.final
    assert start.distinct == (1, 1)  # 1e-6 apart: they behave the same
    assert all(0 < g < 1e-4 for g in start.gap)
    assert all(e / s > 1e3 for s, e in zip(start.gap, end.gap))  # grew by orders of magnitude
    assert min(end.distinct) >= 7  # by step 3,000 both layers behave as (nearly) eight different units
    symmetric = train(replace(c, perturbation=0.0))
    assert symmetric.final.distinct == (1, 1)
    assert end.train_loss < symmetric.final.train_loss / 10


def test_once_broken_the_symmetry_never_comes_back():
    r = train(replace(CLASSROOM, dataset="moons", optimizer="adam", lr=0.01, perturbation=1e-6, steps=3000,
                      record_every=50))
    for layer in range(2):
        counts = [s.distinct[layer] for s in r.snapshots]
        split = next(k for k, c in enumerate(counts) if c > 1)
        assert all(c > 1 for c in counts[split:]), layer  # the units may regroup, but never become one again


def test_dropout_moves_constant_units_apart_but_they_still_behave_alike():
    r = train(replace(CLASSROOM, dropout=0.5))
    assert r.snapshots[0].distinct == (1, 1) and r.snapshots[0].gap == (0.0, 0.0)
    assert min(r.final.gap) > 1e-2  # far beyond round-off: the weights differ...
    assert r.final.distinct == (1, 1)  # ...but each layer's units still give the same outputs to within 5%


def test_round_off_alone_never_breaks_symmetry_for_widths_that_are_multiples_of_8():
    for width in (8, 64, 256):
        r = train(replace(CLASSROOM, hidden=(width, width), steps=60, record_every=20))
        assert all(s.gap == (0.0, 0.0) for s in r.snapshots), width


def test_round_off_in_other_widths_stays_below_1e_12_and_the_gap_shown_is_the_exact_weight_gap():
    """OpenBLAS's edge kernels for these widths may sum in another order, so the copies can drift apart by
    round-off (whether they do depends on the machine's kernels, so no lower bound is asserted). Whatever the
    drift, the gap reported is the exact largest distance between two units' weight vectors, never rounded to 0,
    it stays below 1e-12, and each layer still behaves as one unit."""
    for width in (5, 7, 13):
        r = train(replace(CLASSROOM, hidden=(width, width), steps=400, record_every=100))
        for s in r.snapshots:
            for l, g in enumerate(s.gap):
                U = np.column_stack([s.weights[l].T, s.biases[l]])  # one row per unit: its weights and bias
                assert g == np.linalg.norm(U[:, None, :] - U[None, :, :], axis=-1).max(), (width, s.step, l)
                assert g < 1e-12, (width, s.step, l)
        assert r.final.distinct == (1, 1)


def test_metrics_on_handmade_layers():
    W = np.array([[1.0, 1.0, 2.0], [0.5, 0.5, -1.0]])
    b = np.array([0.0, 0.0, 0.0])
    X = np.random.default_rng(0).normal(size=(40, 2))

    def behaviours(W):
        return distinct_units(forward([W, np.ones((3, 1))], [b, np.zeros(1)], X, "tanh")[1][1])

    assert behaviours(W) == 2
    assert unit_gap(W, b) == pytest.approx(np.hypot(1.0, 1.5))
    assert numerical_rank(W) == 2 and numerical_rank(np.full((3, 4), 0.5)) == 1
    S = unit_similarity(W, b)
    assert S[0, 1] == pytest.approx(1.0) and S[0, 2] == pytest.approx((2 - 0.5) / (np.hypot(1, 0.5) * np.hypot(2, 1)))
    assert behaviours(W + np.array([[0, 1e-2, 0], [0, 0, 0]])) == 2  # outputs within 5% of the spread
    assert behaviours(W + np.array([[0, 0.5, 0], [0, 0, 0]])) == 3


def test_std_is_numpys_bit_for_bit():
    """metrics.std, the snapshot's activation and gradient spreads, gives exactly float(a.std()): NumPy's own steps
    without its checks. Over shapes, scales from 1e-300 to 1e300, constant arrays, and NaN and infinity."""
    rng = np.random.default_rng(7)
    cases = [rng.normal(size=shape) * scale + shift
             for shape in [(1, 1), (7,), (140, 8), (60, 32), (3, 1000)]
             for scale in (1e-300, 1e-8, 1.0, 1e8, 1e300) for shift in (0.0, 3.0)]
    cases += [np.full((10, 3), 0.5), np.array([[np.nan, 1.0]]), np.array([np.inf, 1.0]), np.array([[-np.inf, np.inf]]),
              rng.normal(size=(20, 4))[:, ::2], np.zeros((0, 3))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for a in cases:
            assert np.float64(metrics.std(a)).tobytes() == np.float64(a.std()).tobytes(), a.shape


@pytest.mark.parametrize("activation", ["relu", "identity", "leaky_relu", "tanh", "sigmoid"])
def test_only_tanh_and_sigmoid_ever_count_as_saturated(activation):
    a = np.linspace(-5.0, 5.0, 101).reshape(-1, 1)
    assert metrics.saturated_fraction(activation, a) == float(activations.saturated(activation, a).mean())
    assert (metrics.saturated_fraction(activation, a) > 0) == (activation in activations.SATURATING)


def test_unit_gap_of_copies_is_exactly_0_and_otherwise_the_largest_pairwise_distance():
    """Copies (the equal-start twin's units stay exact copies) are 0 without measuring; one unit apart by a single
    bit, or a NaN, is measured as before."""
    rng = np.random.default_rng(5)
    col = rng.normal(size=(5, 1))
    W, b = np.repeat(col, 8, axis=1), np.full(8, 0.3)
    assert unit_gap(W, b) == 0.0 and unit_gap(W) == 0.0
    for nudge in (np.nextafter(W[2, 5], np.inf), np.nan):
        V = W.copy()
        V[2, 5] = nudge
        want = float(metrics._pairwise_distances(metrics.unit_vectors(V, b)).max())
        assert np.float64(unit_gap(V, b)).tobytes() == np.float64(want).tobytes()
        assert unit_gap(V, b) != 0.0
    Z = np.zeros((4, 6))
    Z[:, 2] = -0.0
    assert unit_gap(Z) == 0.0 == float(metrics._pairwise_distances(metrics.unit_vectors(Z)).max())


def test_unit_gap_measures_only_the_farthest_rows_and_gets_the_all_pairs_answer_to_the_last_bit():
    """unit_gap measures directly only the rows the Gram trick puts near the top; over layers far apart, nearly
    equal, half copies, on a coarse grid (ties), with and without biases (memory laid out either way), with an
    infinite entry and wider than the direct measure goes, it gives the all-pairs largest distance, bit for bit."""
    rng = np.random.default_rng(11)
    fewer = 0
    for trial in range(600):
        n, k = int(rng.integers(2, 40)), int(rng.integers(1, 40))
        U = rng.standard_normal((n, k)) * 10.0 ** rng.integers(-5, 5)
        kind = trial % 5
        if kind == 1:
            U = U[:1] + 1e-9 * rng.standard_normal((n, k))
        elif kind == 2:
            U = U[:1] + 10.0 ** rng.integers(-15, -3) * rng.standard_normal((n, k)) * (rng.random((n, 1)) < 0.3)
        elif kind == 3:
            U[: n // 2] = U[0]
        elif kind == 4:
            U = np.round(U, 1)
        W, b = (U[:, :-1].T.copy(), U[:, -1].copy()) if k > 1 and trial % 2 else (np.ascontiguousarray(U.T), None)
        V = metrics.unit_vectors(W, b)
        want = 0.0 if (V == V[0]).all() else float(metrics._pairwise_distances(V).max())
        assert np.float64(unit_gap(W, b)).tobytes() == np.float64(want).tobytes()
        fewer += len(metrics._farthest(V)) < n
    assert fewer > 300  # most layers measure a few rows, not all of them
    W = rng.standard_normal((3, 70))
    assert unit_gap(W) == float(metrics._pairwise_distances(metrics.unit_vectors(W)).max())
    W = W[:, :8].copy()
    W[1, 4] = np.inf
    with np.errstate(invalid="ignore"):  # inf - inf: NaN, as the all-pairs measure gives
        assert np.isnan(unit_gap(W)) and np.isnan(metrics._pairwise_distances(metrics.unit_vectors(W)).max())


def test_unit_gaps_of_a_network_are_each_layers_unit_gap_to_the_last_bit():
    """unit_gaps estimates layers of one shape together; what it gives is each layer's own unit_gap, bit for bit,
    over networks whose layers are far apart, nearly equal, half copies, copies, on a coarse grid, with an infinite
    or NaN entry, with and without biases, and wider than the direct measure goes."""
    rng = np.random.default_rng(12)
    for trial in range(400):
        depth, n = int(rng.integers(2, 6)), int(rng.integers(1, 24))
        if trial % 50 == 0:
            n = 70
        weights, biases = [rng.standard_normal((2, n))], [rng.standard_normal(n)]
        for layer in range(depth):
            U = rng.standard_normal((n, n + 1)) * 10.0 ** rng.integers(-5, 5)
            kind = (trial + layer) % 6
            if kind == 1:
                U = U[:1] + 1e-9 * rng.standard_normal(U.shape)
            elif kind == 2:
                U = U[:1] + 10.0 ** rng.integers(-15, -3) * rng.standard_normal(U.shape) * (rng.random((n, 1)) < 0.3)
            elif kind == 3:
                U[: n // 2] = U[0]
            elif kind == 4:
                U = np.round(U, 1)
            elif kind == 5:
                U[:] = U[0]
            if trial % 37 == 0 and layer == 1:
                U[0, 0] = np.inf if trial % 2 else np.nan
            weights.append(U[:, :n].T.copy())
            biases.append(U[:, n].copy())
        weights.append(rng.standard_normal((n, 1)))
        biases.append(rng.standard_normal(1))
        for b in (biases, None):
            with np.errstate(invalid="ignore"):
                want = [unit_gap(weights[k], None if b is None else b[k]) for k in range(len(weights) - 1)]
                got = metrics.unit_gaps(weights, b)
            assert np.array(got).tobytes() == np.array(want).tobytes()


def test_groups_are_the_connected_parts_of_the_alike_relation():
    """_groups joins few alike pairs one by one, closes denser relations by squaring, and searches wide or
    one-sided ones: every way gives the number of connected parts (scipy's count, for the symmetric ones)."""
    from scipy.sparse.csgraph import connected_components

    rng = np.random.default_rng(13)
    for trial in range(1500):
        width = int(rng.integers(1, 90))
        if trial % 3:
            label = rng.integers(0, int(rng.integers(1, width + 1)), width)  # groups of copies, some links missing
            alike = (label[:, None] == label[None, :]) & (rng.random((width, width)) < rng.random())
        else:
            alike = rng.random((width, width)) < rng.random() ** 3
        alike = alike | alike.T
        np.fill_diagonal(alike, True)
        parts = connected_components(alike, directed=False)[0]
        assert metrics._groups(alike) == parts
    assert metrics._joined(4, [0, 2, 1, 3], [1, 3, 3, 0]) == 1 and metrics._joined(5, [], []) == 5
