"""Hypothesis over the whole valid config space: the engine never crashes, warns or hands out NaN."""
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbreak_core import ACTIVATIONS, DATASETS, INIT_SCHEMES, LOSSES, OPTIMIZERS, TrainConfig, train
from symbreak_core.model import field, grid_extent
from symbreak_core.train import (
    GRADIENT_NOT_FINITE,
    LOSS_BOUND,
    LOSS_NOT_FINITE,
    LOSS_TOO_BIG,
    PARAM_BOUND,
    UPDATE_TOO_BIG,
    divergence,
)

configs = st.builds(
    TrainConfig,
    dataset=st.sampled_from(DATASETS),
    n_samples=st.integers(10, 300),
    noise=st.floats(0, 1),
    hidden=st.lists(st.integers(1, 12), min_size=0, max_size=4).map(tuple),
    activation=st.sampled_from(ACTIVATIONS),
    loss=st.sampled_from(LOSSES),
    init=st.sampled_from(INIT_SCHEMES),
    init_value=st.floats(-10, 10),
    spread=st.floats(0, 100),
    perturbation=st.floats(0, 10),
    bias=st.booleans(),
    bias_value=st.floats(-10, 10),
    dropout=st.floats(0, 0.9),
    optimizer=st.sampled_from(OPTIMIZERS),
    lr=st.floats(1e-6, 10),
    batch_size=st.integers(0, 64),
    steps=st.integers(1, 60),
    record_every=st.integers(1, 30),
    seed=st.integers(0, 2**32 - 1),
)


def finite(*arrays):
    return all(np.all(np.isfinite(np.asarray(a, dtype=float))) for a in arrays)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_any_valid_config_trains_without_warning_or_nan(config):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = train(config)
        assert r.status in ("done", "diverged")
        assert (r.status == "diverged") == (r.diverged_at is not None)
        assert r.steps_done == (config.steps if r.status == "done" else r.diverged_at)
        assert finite(r.batch_losses, r.grad_norms)
        for s in r.snapshots:  # everything a figure may draw
            assert finite(*s.weights, *(s.biases or ()), s.train_loss, s.test_loss, s.gap, s.act_std, s.grad_std)
            assert all(1 <= k <= w for k, w in zip(s.distinct, config.hidden))
        f = field(r.final.weights, r.final.biases, config.activation, config.loss, grid_extent(r.data.X), res=8)
        if r.status == "done" and max(abs(v) for v in r.final.weights[-1].ravel()) < 1e3:
            assert finite(f.output)


losses = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1e12, -1e12, 2e12, 0.0])
norms = st.floats(min_value=0, allow_infinity=True) | st.sampled_from([np.nan, 1e7, 2e7, 1e13, 0.0])  # norms are >= 0


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4).flatmap(lambda layers: st.lists(
    st.tuples(losses, st.lists(norms, min_size=layers, max_size=layers)), min_size=1, max_size=5)),
    st.sampled_from([1e-6, 0.1, 10.0]))
def test_divergence_names_a_rule_that_holds_and_only_when_one_does(nets, lr):
    loss = np.array([n[0] for n in nets])
    gnorm = np.array([n[1] for n in nets])  # (networks, layers)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reasons = divergence(loss, gnorm, lr)
        for (one_loss, one_gnorm), reason in zip(nets, reasons):
            assert divergence(one_loss, one_gnorm, lr, one=True) == reason  # one network as floats: the same answer
            loss_ok = np.isfinite(one_loss) and abs(one_loss) <= LOSS_BOUND
            grads_ok = all(np.isfinite(one_gnorm)) and lr * max(one_gnorm) <= PARAM_BOUND
            assert (reason == "") == (loss_ok and grads_ok)
            claims = {
                LOSS_NOT_FINITE: not np.isfinite(one_loss),
                LOSS_TOO_BIG: np.isfinite(one_loss) and abs(one_loss) > LOSS_BOUND,
                GRADIENT_NOT_FINITE: loss_ok and not all(np.isfinite(one_gnorm)),
                UPDATE_TOO_BIG: loss_ok and all(np.isfinite(one_gnorm)) and lr * max(one_gnorm) > PARAM_BOUND,
                "": loss_ok and grads_ok,
            }
            assert claims[reason], reason
