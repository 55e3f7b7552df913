"""The error-surface slice: through the symmetric saddle and both mirrored minima, mirror-symmetric, honest paths.

Every property test of the slice lives here (the figure builders are tested in test_figures_lessons.py).
"""
from dataclasses import replace

import numpy as np
import pytest

from symbreak_core import SurfaceConfig, error_surface, evaluate, forward
from symbreak_core.error_surface import DEFAULT, UNIT, flatten, split, swapped, unflatten, units
from symbreak_core.train import Trainer, dataset_of


@pytest.fixture(scope="module")
def result():
    return error_surface(SurfaceConfig(res=21))


@pytest.fixture(scope="module", params=["circles", "xor"])
def slice_result(request):
    c = replace(DEFAULT, dataset=request.param, steps=400)
    return error_surface(SurfaceConfig(c, eps=0.05, res=21))


@pytest.fixture(scope="module", params=["tanh", "sigmoid", "relu"])
def any_activation(request):
    return error_surface(SurfaceConfig(replace(DEFAULT, activation=request.param, steps=600), eps=1e-3, res=11))


def loss_at(r, theta):
    data = dataset_of(r.config)
    W, b = unflatten(theta)
    return float(evaluate(W, b, data.X, data.y, r.config.activation, r.config.loss)[0])


def test_flatten_round_trips(result):
    W, b = unflatten(result.center)
    np.testing.assert_array_equal(flatten(W, b), result.center)


def test_centre_is_the_symmetric_runs_end_and_a_saddle(result):
    assert loss_at(result, result.center) == pytest.approx(result.paths["constant"].loss[-1], rel=1e-12)
    u1, u2 = units(result.center)
    np.testing.assert_array_equal(u1, u2)
    assert result.curvature < 0  # an unstable equilibrium: the loss falls when the units move apart


def test_symmetric_line_is_a_line_of_equal_units_and_the_surface_is_mirrored(result):
    for s in (-0.3, 0.0, 0.7, 1.2):
        u1, u2 = units(result.point(s, 0.0))
        np.testing.assert_array_equal(u1, u2)
    np.testing.assert_allclose(result.loss, result.loss[::-1], rtol=1e-12)  # loss(s, t) == loss(s, -t)


def test_symmetric_line_is_a_line_of_equal_units(slice_result):
    for s in np.linspace(float(slice_result.s[0]), float(slice_result.s[-1]), 7):
        u1, u2 = units(slice_result.point(s, 0.0))
        np.testing.assert_array_equal(u1, u2)
    for s, t in ((0.3, 0.4), (1.0, -0.2)):  # off the line the units differ, and t <-> -t swaps them exactly
        a1, a2 = units(slice_result.point(s, t))
        b1, b2 = units(slice_result.point(s, -t))
        assert not np.array_equal(a1, a2)
        np.testing.assert_array_equal(a1, b2)
        np.testing.assert_array_equal(a2, b1)


def test_loss_is_mirror_symmetric_across_the_line(slice_result):
    r = slice_result
    np.testing.assert_allclose(r.t, -r.t[::-1], atol=1e-15)
    np.testing.assert_allclose(r.loss, r.loss[::-1], rtol=1e-12)  # loss(s, t) == loss(s, -t)
    for s, t in ((0.2, 0.3), (0.9, 0.05)):
        assert loss_at(r, r.point(s, t)) == pytest.approx(loss_at(r, r.point(s, -t)), rel=1e-13)


def test_constant_path_stays_on_the_line_and_matches_the_surface(slice_result):
    r = slice_result
    const = r.paths["constant"]
    assert np.all(const.t == 0.0)
    # the run's last point lies in the slice
    assert loss_at(r, r.point(float(const.s[-1]), 0.0)) == pytest.approx(const.loss[-1], rel=1e-9)
    assert np.max(np.abs(r.paths["constant + noise"].t)) > 10 * abs(r.paths["constant + noise"].t[0])


def test_paths_constant_stays_on_the_line_noise_falls_off(result):
    const, noisy = result.paths["constant"], result.paths["constant + noise"]
    assert np.all(const.t == 0.0)
    assert abs(noisy.t[0]) < 0.01 and np.max(np.abs(noisy.t)) > 0.5
    assert noisy.loss[-1] < const.loss[-1] - 0.05


def test_the_symmetric_run_lies_on_t_0_for_every_activation(any_activation):
    const = any_activation.paths["constant"]
    assert np.all(const.t == 0.0) and const.s[-1] == 0.0


def test_the_slice_contains_both_minima_which_are_mirror_images(slice_result):
    r = slice_result
    s_end, t_end = r.end
    assert s_end == 1.0 and 1.0 in r.s and 0.0 in r.s and 0.0 in r.t  # the centre's and the end's cuts are grid lines
    assert r.s[0] < 0 and r.s[-1] > 1 and r.t[0] < -t_end and r.t[-1] > t_end  # both minima inside, with a margin
    noisy = Trainer(replace(r.config, perturbation=0.05))
    noisy.run(r.config.steps)
    end = flatten(noisy.weights, noisy.biases)
    np.testing.assert_allclose(r.point(1.0, t_end), end, rtol=0, atol=1e-12)  # the slice holds the noisy run's end
    np.testing.assert_array_equal(r.point(1.0, -t_end), swapped(r.point(1.0, t_end)))  # ...and its mirror image
    assert r.end_loss == pytest.approx(r.paths["constant + noise"].loss[-1], rel=1e-9)
    assert r.mirror_loss == pytest.approx(r.end_loss, rel=1e-13)  # the same network: same loss to round-off
    assert r.end_loss < r.paths["constant"].loss[-1]  # both lie below the saddle


def test_t_is_the_exact_distance_from_the_line(slice_result):
    r = slice_result
    noisy = Trainer(replace(r.config, perturbation=0.05))
    noisy.run(r.config.steps)
    thetas = np.array([flatten(x.weights, x.biases) for x in noisy.snapshots])
    np.testing.assert_allclose(np.abs(r.paths["constant + noise"].t), np.linalg.norm(split(thetas)[1], axis=1),
                               rtol=1e-12)


def test_the_t_axis_at_the_centre_is_the_steepest_way_down(result):
    """At s = 0 the slice's t axis is the antisymmetric direction of most negative curvature: no other is steeper."""
    h, rng = 1e-3, np.random.default_rng(0)

    def second(d):
        return (loss_at(result, result.center + h * d) - 2 * loss_at(result, result.center)
                + loss_at(result, result.center - h * d)) / h**2

    down = second(result.t_axis(0.0))
    assert down < 0
    for _ in range(5):
        e = rng.normal(size=4)
        d = np.zeros(9)
        d[UNIT[0]], d[UNIT[1]] = e, -e
        assert second(d / np.linalg.norm(d)) >= down - 1e-6


def test_dip_and_curvature_are_read_off_the_maps_cut(result):
    r = result
    mid, j0 = len(r.t) // 2, list(r.s).index(0.0)
    assert r.t[mid] == 0.0 and r.step == r.t[mid + 1] == -r.t[mid - 1]
    np.testing.assert_array_equal(r.point(0.0, 0.0), r.center)
    assert r.dip == pytest.approx((r.loss[mid + 1, j0] + r.loss[mid - 1, j0]) / 2 - r.loss[mid, j0], rel=1e-12)
    assert r.curvature == pytest.approx(2 * r.dip / r.step**2, rel=1e-12)


def test_hidden_outputs_and_gradient_are_measured_at_the_end(any_activation):
    r = any_activation
    data = dataset_of(r.config)
    W, b = unflatten(r.center)
    a = forward(W, b, data.X, r.config.activation)[1][1]
    assert r.paths["constant"].hidden_max[-1] == float(np.max(np.abs(a)))
    assert (r.paths["constant"].hidden_grad == 0.0) == (r.config.activation == "relu" and not a.any())
