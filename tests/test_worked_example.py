"""The worked 2-2-2-1 example: which weights constant init keeps equal, and zero init's frozen gradients."""
import numpy as np
import pytest

from symbreak_core import worked_example


def test_names_run_row_major_as_in_the_text():
    w = {n: float(i) for i, n in enumerate(worked_example.NAMES, start=1)}
    W1, W2, W3 = worked_example.to_weights(w)
    assert W1.tolist() == [[1, 2], [3, 4]] and W2.tolist() == [[5, 6], [7, 8]] and W3.tolist() == [[9], [10]]
    assert worked_example.named([W1, W2, W3]) == w
    run = worked_example.run(start=[w[n] for n in worked_example.NAMES], x1=0.5, x2=-2.0, steps=0)
    y1, y2, y3, y4, y = run.units[0]
    assert y1 == 1 * 0.5 + 3 * -2.0 and y2 == 2 * 0.5 + 4 * -2.0
    assert y3 == 5 * y1 + 7 * y2 and y4 == 6 * y1 + 8 * y2 and y == 9 * y3 + 10 * y4
    g = run.grads_at(0)
    assert g["w9"] == y3 and g["w10"] == y4  # dy/dw9 = y3
    assert g["w5"] == pytest.approx(9 * y1) and g["w1"] == pytest.approx((9 * 5 + 10 * 6) * 0.5)


def test_edges_wire_each_layer_fully_to_the_next_and_are_the_wiring_the_run_computes():
    layers, edges = worked_example.LAYERS, worked_example.EDGES
    assert tuple(edges) == worked_example.NAMES
    assert worked_example.UNITS == ("y1", "y2", "y3", "y4", "y")
    pairs = sorted(edges.values())
    assert pairs == sorted((a, b) for lo, hi in zip(layers, layers[1:]) for a in lo for b in hi)  # each pair once
    start = [2.0, -3.0, 5.0, 7.0, -11.0, 13.0, 17.0, -19.0, 23.0, 29.0]
    run = worked_example.run(start=start, x1=3.0, x2=-2.0, steps=0)
    value = {"x1": 3.0, "x2": -2.0}
    for layer in layers[1:]:  # each node is the sum over its incoming edges of weight x source, read from EDGES alone
        for node in layer:
            value[node] = sum(w * value[a] for w, (a, b) in zip(start, edges.values()) if b == node)
    assert run.units_at(0) == {u: value[u] for u in worked_example.UNITS}
    assert worked_example.to_weights(run.at(0))[0][1, 0] == start[2]  # w3 = x2 -> y1: row x2, column y1


@pytest.mark.parametrize("a,x1,x2", [(0.5, 1.0, 2.0), (-0.3, 0.7, -1.1), (1.2, 2.0, 0.5)])
def test_constant_init_keeps_the_texts_groups_equal_for_50_steps(a, x1, x2):
    run = worked_example.run(a=a, x1=x1, x2=x2, lr=0.01, steps=50)
    assert np.all(np.isfinite(run.weights))
    for n in range(51):
        w = run.at(n)
        assert w["w1"] == w["w2"] and w["w3"] == w["w4"]
        assert w["w5"] == w["w6"] == w["w7"] == w["w8"]
        assert w["w9"] == w["w10"]
    last = run.at(50)
    assert last["w1"] != last["w3"]  # different inputs: a unit's weights differ, never two units
    assert not np.allclose(run.weights[50], run.weights[0])  # it did learn something


def test_all_zeros_gives_exactly_zero_gradients_forever():
    run = worked_example.run(a=0.0, x1=1.0, x2=2.0, lr=0.1, steps=50)
    assert np.all(run.grads == 0.0)
    assert np.all(run.weights == 0.0)


def test_relu_with_negative_constant_is_dead():
    run = worked_example.run(a=-0.5, x1=1.0, x2=2.0, lr=0.1, steps=20, activation="relu")
    assert np.all(run.grads == 0.0) and np.all(run.weights == -0.5)


def test_relu_with_positive_constant_behaves_like_identity_while_units_are_active():
    relu = worked_example.run(a=0.5, activation="relu", steps=5)
    ident = worked_example.run(a=0.5, activation="identity", steps=5)
    np.testing.assert_array_equal(relu.weights, ident.weights)
