"""Backprop against central finite differences, for every activation, loss, depth 0-3, with and without bias."""
import itertools

import numpy as np
import pytest

from symbreak_core import ACTIVATIONS, LOSSES, activations, init_biases, init_weights, loss_and_grads
from symbreak_core.model import evaluate, field, forward

H = 1e-6


def numeric_grad(f, arrays):
    """Central differences of scalar f() with respect to every entry of every array (changed in place)."""
    out = []
    for A in arrays:
        G = np.zeros_like(A)
        for i in np.ndindex(A.shape):
            old = A[i]
            A[i] = old + H
            up = f()
            A[i] = old - H
            down = f()
            A[i] = old
            G[i] = (up - down) / (2 * H)
        out.append(G)
    return out


def rel_error(a, b):
    a, b = np.concatenate([x.ravel() for x in a]), np.concatenate([x.ravel() for x in b])
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


def network(depth, bias, seed):
    rng = np.random.default_rng(seed)
    sizes = (2, *([3] * depth), 1)
    weights = init_weights(sizes, "normal", rng, spread=0.8)
    biases = None if not bias else [rng.normal(0, 0.5, n) for n in sizes[1:]]
    X = rng.normal(0, 1, (7, 2))
    y = (rng.random((7, 1)) > 0.5).astype(float)
    return weights, biases, X, y


@pytest.mark.parametrize("activation,loss,depth,bias",
                         list(itertools.product(ACTIVATIONS, LOSSES, range(4), (True, False))))
def test_gradients_match_finite_differences(activation, loss, depth, bias):
    weights, biases, X, y = network(depth, bias, seed=depth * 10 + bias)
    value, dW, db = loss_and_grads(weights, biases, X, y, activation, loss)
    params = weights + (biases or [])
    f = lambda: loss_and_grads(weights, biases, X, y, activation, loss)[0]  # noqa: E731
    numeric = numeric_grad(f, params)
    analytic = dW + (db or [])
    assert isinstance(value, float)
    assert (db is None) == (not bias)
    assert rel_error(analytic, numeric) < 1e-6


def test_bce_is_stable_for_huge_logits():
    W = [np.array([[1e4], [0.0]])]
    X = np.array([[1.0, 0.0], [-1.0, 0.0]])
    y = np.array([[0.0], [1.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is harmless
        value, dW, _ = loss_and_grads(W, None, X, y, "identity", "bce")
    assert value == pytest.approx(1e4)  # each sample costs |z| when confidently wrong
    assert np.all(np.isfinite(dW[0]))


def test_output_loss_is_the_mean_output_and_mse_is_half_mean_square():
    weights, biases, X, y = network(1, True, seed=3)
    z = forward(weights, biases, X, "tanh")[0][-1]
    assert loss_and_grads(weights, biases, X, y, "tanh", "output")[0] == pytest.approx(z.mean())
    assert loss_and_grads(weights, biases, X, y, "tanh", "mse")[0] == pytest.approx(0.5 * np.mean((z - y) ** 2))


def test_batched_networks_equal_one_at_a_time():
    rng = np.random.default_rng(0)
    sizes = (2, 4, 3, 1)
    nets = [(init_weights(sizes, "xavier_normal", rng), [rng.normal(0, 0.1, n) for n in sizes[1:]]) for _ in range(3)]
    X, y = rng.normal(size=(9, 2)), (rng.random((9, 1)) > 0.5) * 1.0
    Wb = [np.stack([n[0][l] for n in nets]) for l in range(3)]
    bb = [np.stack([n[1][l] for n in nets])[:, None, :] for l in range(3)]
    value, dW, db = loss_and_grads(Wb, bb, X, y, "tanh", "bce")
    for i, (W, b) in enumerate(nets):
        v1, dW1, db1 = loss_and_grads(W, b, X, y, "tanh", "bce")
        assert value[i] == pytest.approx(v1, rel=1e-12)
        for l in range(3):
            np.testing.assert_allclose(dW[l][i], dW1[l], rtol=1e-10, atol=1e-14)
            np.testing.assert_allclose(db[l][i, 0], db1[l], rtol=1e-10, atol=1e-14)


def test_field_matches_forward_on_the_grid():
    weights, biases, X, y = network(2, True, seed=5)
    f = field(weights, biases, "tanh", "bce", extent=(-1, 1), res=5)
    zs, acts = forward(weights, biases, np.array([[f.xs[3], f.ys[1]]]), "tanh")
    assert f.hidden[0][:, 1, 3] == pytest.approx(acts[1][0])
    # each layer's pictures are laid out when first read, once, and are each unit's outputs over the grid
    G = np.column_stack([a.ravel() for a in np.meshgrid(f.xs, f.xs)])
    every = forward(weights, biases, G, "tanh")[1][1:]
    assert len(f.hidden) == len(every) and f.hidden[-1] is f.hidden[len(every) - 1] is f.hidden[-1:][0]
    for layer, a in zip(f.hidden, every):
        assert np.array_equal(layer, a.T.reshape(-1, 5, 5))
    with pytest.raises(IndexError):
        f.hidden[len(every)]
    assert f.output[1, 3] == pytest.approx(1 / (1 + np.exp(-zs[-1][0, 0])))
    loss, acc = evaluate(weights, biases, X, y, "tanh", "bce")
    assert loss == pytest.approx(loss_and_grads(weights, biases, X, y, "tanh", "bce")[0])
    assert 0.0 <= acc <= 1.0


def test_zero_biases_and_init_helpers():
    assert init_biases((2, 3, 1), bias=False) is None
    b = init_biases((2, 3, 1), bias=True, value=0.25)
    assert [x.tolist() for x in b] == [[0.25] * 3, [0.25]]


def test_relus_boolean_slope_gives_the_gradients_of_a_float_slope_bit_for_bit(monkeypatch):
    """ReLU's slope is a boolean mask (no float copy); multiplying by it must be multiplying by 1.0 and 0.0, for
    signed zeros, huge values and NaN too."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 2)) * np.array([1.0, 1e150])
    X[0, 0], X[1, 1], X[2, 0] = -0.0, np.nan, 0.0
    sizes = (2, 16, 16, 16, 1)
    W, b = init_weights(sizes, "he_normal", rng), [rng.normal(size=n) for n in sizes[1:]]
    y = (rng.random((50, 1)) > 0.5).astype(float)
    with np.errstate(all="ignore"):
        got = loss_and_grads(W, b, X, y, "relu", "bce")
        f, _ = activations.FUNCTIONS["relu"]
        monkeypatch.setitem(activations.FUNCTIONS, "relu", (f, lambda z, a: (z > 0).astype(z.dtype)))
        want = loss_and_grads(W, b, X, y, "relu", "bce")
    assert np.float64(got[0]).tobytes() == np.float64(want[0]).tobytes()
    for g, w in zip(got[1] + got[2], want[1] + want[2], strict=True):
        assert g.tobytes() == w.tobytes()
