"""depth_probe reproduces the variance-propagation facts of Glorot & Bengio 2010 and He et al. 2015."""
import numpy as np
import pytest

from symbreak_core import DepthConfig, depth_probe, theory_rms


def probe(**kw):
    return depth_probe(DepthConfig(**kw))


def test_he_keeps_relu_rms_within_a_factor_two_through_20_layers():
    r = probe(width=500, depth=20, activation="relu", init="he_normal", spread=1.0, n_samples=1000, seed=0)
    ratio = r.act_rms / r.act_rms[0]
    assert np.all((ratio > 0.5) & (ratio < 2.0))


def test_xavier_with_relu_shrinks_by_one_over_root_two_per_layer():
    r = probe(width=500, depth=20, activation="relu", init="xavier_normal", spread=1.0, n_samples=1000, seed=0)
    per_layer = r.act_rms[1:] / r.act_rms[:-1]
    assert np.all(np.abs(per_layer / (1 / np.sqrt(2)) - 1) < 0.25)
    overall = (r.act_rms[-1] / r.act_rms[0]) ** (1 / 19)
    assert overall == pytest.approx(1 / np.sqrt(2), rel=0.05)
    np.testing.assert_allclose(theory_rms(r)[-1], r.act_rms[-1], rtol=0.5)


def test_tanh_with_unit_normal_weights_saturates():
    r = probe(width=500, depth=10, activation="tanh", init="normal", spread=1.0, n_samples=500, seed=0)
    assert np.all(r.saturated > 0.8)


def test_tanh_with_tiny_weights_shrinks_the_signal_and_the_gradient():
    r = probe(width=500, depth=10, activation="tanh", init="normal", spread=0.01, n_samples=500, seed=0)
    expected = (np.sqrt(500) * 0.01) ** 9  # tanh is linear near 0: each layer scales by sqrt(fan_in) * std
    assert r.act_std[-1] / r.act_std[0] == pytest.approx(expected, rel=0.3)
    assert np.all(r.saturated == 0) and r.grad_std[0] < 1e-4 * r.grad_std[-1]


def test_orthogonal_identity_preserves_the_rms():
    r = probe(width=200, depth=20, activation="identity", init="orthogonal", spread=1.0, n_samples=500, seed=0)
    assert np.all(np.abs(r.act_rms / r.act_rms[0] - 1) < 0.05)
    np.testing.assert_allclose(r.grad_std / r.grad_std[-1], 1, atol=0.05)


def test_histograms_are_fractions_and_shapes_fit():
    r = probe(width=50, depth=4, activation="sigmoid", init="xavier_uniform", n_samples=100, seed=1)
    assert r.hist_counts.shape == (4, 41) and r.hist_edges.shape == (4, 42)
    np.testing.assert_allclose(r.hist_counts.sum(axis=1), 1.0)
    assert theory_rms(r) is None  # no closed form drawn for sigmoid


def test_huge_spread_does_not_warn_or_produce_nan():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = probe(width=64, depth=20, activation="relu", init="normal", spread=100.0, n_samples=50, seed=0)
    for a in (r.act_std, r.act_rms, r.grad_std, r.hist_counts):
        assert not np.any(np.isnan(a))


@pytest.mark.parametrize("init", ["uniform", "normal", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal",
                                  "lecun_normal", "orthogonal"])
def test_the_theory_line_follows_the_measured_rms_of_a_linear_stack(init):
    r = probe(width=200, depth=6, activation="identity", init=init, spread=0.8, n_samples=200, seed=0)
    np.testing.assert_allclose(theory_rms(r), r.act_rms, rtol=0.1)  # init.variance is the variance the draws have
