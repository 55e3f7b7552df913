"""The error-surface slice: centred on the symmetric saddle, mirror-symmetric, and honest about the paths."""
import numpy as np
import pytest

from symbreak_core import error_surface, evaluate
from symbreak_core.surface import flatten, unflatten, units
from symbreak_core.train import dataset_of


@pytest.fixture(scope="module")
def result():
    return error_surface(res=21)


def test_flatten_round_trips(result):
    W, b = unflatten(result.center)
    np.testing.assert_array_equal(flatten(W, b), result.center)


def test_centre_is_the_symmetric_runs_end_and_a_saddle(result):
    data = dataset_of(result.config)
    W, b = unflatten(result.center)
    loss, _ = evaluate(W, b, data.X, data.y, result.config.activation, result.config.loss)
    assert loss == pytest.approx(result.paths["constant"].loss[-1], rel=1e-12)
    u1, u2 = units(result.center)
    np.testing.assert_array_equal(u1, u2)
    assert result.curvature < 0  # an unstable equilibrium: the loss falls when the units move apart


def test_symmetric_line_is_a_line_of_equal_units_and_the_surface_is_mirrored(result):
    for s in (-0.3, 0.0, 0.7, 1.2):
        u1, u2 = units(result.point(s, 0.0))
        np.testing.assert_array_equal(u1, u2)
    np.testing.assert_allclose(result.loss, result.loss[::-1], rtol=1e-12)  # loss(s, t) == loss(s, -t)


def test_paths_constant_stays_on_the_line_noise_falls_off(result):
    const, noisy = result.paths["constant"], result.paths["constant + noise"]
    assert np.all(const.t == 0.0)
    assert abs(noisy.t[0]) < 0.01 and np.max(np.abs(noisy.t)) > 0.5
    assert noisy.loss[-1] < const.loss[-1] - 0.05


def test_surface_needs_a_two_unit_symmetric_net():
    from dataclasses import replace

    from symbreak_core.surface import DEFAULT
    with pytest.raises(ValueError, match="hidden=\\(2,\\)"):
        error_surface(replace(DEFAULT, hidden=(3,)))
