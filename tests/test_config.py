"""The configs of the engine: one error template for every bad value, one home for each list of names and for the
data-seed rule, one home for the init variances."""
from dataclasses import replace

import numpy as np
import pytest

import symbreak_core
from symbreak_core import (
    INIT_SCHEMES,
    DepthConfig,
    SurfaceConfig,
    TrainConfig,
    activations,
    config,
    data,
    depth_probe,
    error_surface,
    init,
    model,
    optim,
    train,
)
from symbreak_core.error_surface import DEFAULT


@pytest.mark.parametrize("make,message", [
    (lambda: DepthConfig(width=513),
     "The 'width' parameter of DepthConfig must be an int in [1, 512]. Got 513 instead."),
    (lambda: DepthConfig(depth=0), "The 'depth' parameter of DepthConfig must be an int in [1, 20]. Got 0 instead."),
    (lambda: DepthConfig(n_samples=9.5),
     "The 'n_samples' parameter of DepthConfig must be an int in [10, 5000]. Got 9.5 instead."),
    (lambda: DepthConfig(seed=-1),
     "The 'seed' parameter of DepthConfig must be an int in [0, 4294967295]. Got -1 instead."),
    (lambda: DepthConfig(activation="swish"),
     "The 'activation' parameter of DepthConfig must be one of 'identity', 'relu', 'leaky_relu', 'tanh', 'sigmoid'. "
     "Got 'swish' instead."),
    (lambda: DepthConfig(init="bogus"),
     "The 'init' parameter of DepthConfig must be one of 'zeros', 'constant', 'uniform', 'normal', 'xavier_uniform', "
     "'xavier_normal', 'he_uniform', 'he_normal', 'lecun_normal', 'orthogonal'. Got 'bogus' instead."),
    (lambda: DepthConfig(spread=float("inf")),
     "The 'spread' parameter of DepthConfig must be a float in [0, 100]. Got inf instead."),
    (lambda: SurfaceConfig(eps=0.0),
     "The 'eps' parameter of SurfaceConfig must be a float in (0, 10]. Got 0.0 instead."),
    (lambda: SurfaceConfig(res=2), "The 'res' parameter of SurfaceConfig must be an int in [3, 201]. Got 2 instead."),
    (lambda: SurfaceConfig(res=61.0),
     "The 'res' parameter of SurfaceConfig must be an int in [3, 201]. Got 61.0 instead."),
    (lambda: TrainConfig(lr=0.0), "The 'lr' parameter of TrainConfig must be a float in (0, 10]. Got 0.0 instead."),
    (lambda: TrainConfig(data_seed=-3),
     "The 'data_seed' parameter of TrainConfig must be an int in [0, 4294967295]. Got -3 instead."),
])
def test_a_bad_value_is_named_with_its_range_and_the_value_received(make, message):
    with pytest.raises(ValueError) as err:
        make()
    assert str(err.value) == message


@pytest.mark.parametrize("change", [{"hidden": (3,)}, {"bias": False}, {"init": "he_normal"}, {"loss": "output"}])
def test_the_surface_needs_two_hidden_units_bias_a_symmetric_start_and_a_real_loss(change):
    bad = replace(DEFAULT, **change)
    with pytest.raises(ValueError) as err:
        SurfaceConfig(bad)
    assert str(err.value) == (
        "The 'train' parameter of SurfaceConfig must be a TrainConfig with hidden=(2,), bias=True, init 'constant' "
        f"or 'zeros' and loss 'bce' or 'mse'. Got {bad!r} instead.")


def test_probe_configs_are_frozen_hashable_and_take_numpy_ints_as_python_ints():
    c = DepthConfig(width=np.int64(64), depth=np.int32(3), seed=np.uint32(7))
    assert c == DepthConfig(width=64, depth=3, seed=7) and hash(c) == hash(DepthConfig(width=64, depth=3, seed=7))
    assert type(c.width) is int and type(c.seed) is int
    with pytest.raises(AttributeError):
        c.width = 8
    s = SurfaceConfig(res=11)
    assert s == SurfaceConfig(DEFAULT, 1e-3, 11) and hash(s) == hash(SurfaceConfig(res=11))


@pytest.mark.parametrize("names,home,named", [
    ("ACTIVATIONS", activations, activations.FUNCTIONS),
    ("DATASETS", data, data.GENERATORS),
    ("INIT_SCHEMES", init, init.FUNCTIONS),
    ("LOSSES", model, None),  # the heads of model._head, which refuses any other name
    ("OPTIMIZERS", optim, optim.CLASSES),
])
def test_each_list_of_names_has_one_home_beside_what_it_names(names, home, named):
    listed = getattr(home, names)
    assert isinstance(listed, tuple) and all(isinstance(n, str) for n in listed)  # hashable choices for the pages
    assert getattr(symbreak_core, names) is getattr(config, names) is listed
    if named is not None:
        assert listed == tuple(named)


def test_the_data_seed_rule_has_one_home():
    assert TrainConfig(seed=4).dataset_seed == 4
    assert TrainConfig(seed=4, data_seed=9).dataset_seed == 9
    assert TrainConfig(seed=4, data_seed=0).dataset_seed == 0  # 0 is a seed, not "unset"
    a = train(TrainConfig(seed=4, data_seed=9, steps=1))
    b = train(TrainConfig(seed=9, steps=1))
    np.testing.assert_array_equal(a.data.X, b.data.X)


@pytest.mark.parametrize("scheme", [s for s in INIT_SCHEMES if s not in init.SYMMETRIC])
@pytest.mark.parametrize("fans", [(300, 300), (400, 100), (60, 500)])
def test_init_variance_is_the_variance_of_the_draws(scheme, fans):
    spread = 1.7
    W = init.FUNCTIONS[scheme](*fans, np.random.default_rng(0), gain=spread)
    assert W.var() == pytest.approx(init.variance(scheme, *fans, spread), rel=0.03)


def test_the_symmetric_schemes_have_no_variance():
    assert init.variance("zeros", 5, 5) == init.variance("constant", 5, 5, spread=3.0) == 0.0


@pytest.mark.parametrize("call,message", [
    (lambda: depth_probe(16), "The 'config' parameter of depth_probe must be a DepthConfig. Got 16 instead."),
    (lambda: error_surface(DEFAULT),
     f"The 'config' parameter of error_surface must be a SurfaceConfig. Got {DEFAULT!r} instead."),
])
def test_the_engines_take_their_config_and_name_anything_else(call, message):
    with pytest.raises(TypeError) as err:
        call()
    assert str(err.value) == message


@pytest.mark.parametrize("call", [
    lambda: depth_probe(width=16, depth=3),  # the loose arguments of old: the fields belong in a DepthConfig
    lambda: depth_probe(DepthConfig(), seed=2),
    lambda: error_surface(),
    lambda: error_surface(SurfaceConfig(), eps=0.01),  # eps and res belong in the SurfaceConfig
])
def test_the_engines_take_no_loose_arguments(call):
    with pytest.raises(TypeError):
        call()


def test_output_zero_starts_only_the_output_weights_at_zero():
    """output_zero: the lone output unit's weights start at 0; every hidden weight and bias is drawn exactly as
    without it, and training moves the output weights apart (the guided route's last stop)."""
    from symbreak_core import Trainer, train

    base = TrainConfig(hidden=(4, 3), init="he_normal", steps=50, record_every=10)
    zero = replace(base, output_zero=True)
    a, b = Trainer(base), Trainer(zero)
    assert not np.any(b.weights[-1]) and np.any(a.weights[-1])
    for W, V in zip(a.weights[:-1], b.weights[:-1]):
        np.testing.assert_array_equal(W, V)
    for x, y in zip(a.biases, b.biases):
        np.testing.assert_array_equal(x, y)
    out = train(zero).final.weights[-1].ravel()
    assert len(np.unique(out)) == 3
    assert TrainConfig.from_dict(zero.to_dict()) == zero
    with pytest.raises(ValueError, match="output_zero"):
        TrainConfig(output_zero=1)
