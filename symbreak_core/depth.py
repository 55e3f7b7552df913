"""depth_probe: one forward and one backward pass through a deep, bias-free stack of equal-width layers.

This is the experiment of Glorot & Bengio 2010 (figs. 3-7) and He et al. 2015 (sec. 2.2):
unit-Gaussian inputs go up, a unit-Gaussian gradient comes down, and we watch the spread per layer.
"""
from dataclasses import dataclass

import numpy as np

from . import activations
from .activations import ACTIVATIONS
from .config import LIMITS, check_choice, check_int, check_real, check_type
from .init import INIT_SCHEMES, SYMMETRIC, init_weights, variance

# Bounds of the probe. It keeps z and a of every layer for the way back: at the bounds 2 x 20 x 512 x 5,000 floats,
# 0.8 GB, so the page asks for far fewer samples.
PROBE_LIMITS = {"width": (1, 512), "depth": (1, 20), "n_samples": (10, 5000)}
HIST_BINS = 41
CONSTANT_VALUE = 0.5  # init "constant" starts every weight here: the Playground's classic 0.5


@dataclass(frozen=True)
class DepthConfig:
    """One depth probe: `depth` layers of (width, width) weights, `n_samples` unit-Gaussian inputs. Hashable."""

    width: int = 500
    depth: int = 10
    activation: str = "tanh"
    init: str = "xavier_normal"
    spread: float = 1.0  # the init's gain (std or half-width for normal/uniform), as TrainConfig.spread
    n_samples: int = 1000
    seed: int = 0

    def __post_init__(self):
        for name in ("width", "depth", "n_samples", "seed"):
            value = getattr(self, name)
            if isinstance(value, np.integer):  # numpy ints are accepted, and kept as Python ints for hashing
                object.__setattr__(self, name, int(value))
        for name in ("width", "depth", "n_samples"):
            check_int(name, getattr(self, name), *PROBE_LIMITS[name], owner="DepthConfig")
        check_int("seed", self.seed, *LIMITS["seed"], owner="DepthConfig")
        check_choice("activation", self.activation, ACTIVATIONS, owner="DepthConfig")
        check_choice("init", self.init, INIT_SCHEMES, owner="DepthConfig")
        check_real("spread", self.spread, *LIMITS["spread"], owner="DepthConfig")


@dataclass(frozen=True, eq=False)
class ProbeResult:
    """Per layer 1..depth: statistics of the activations a_l and of the backprop gradient dL/dz_l."""

    width: int
    depth: int
    activation: str
    init: str
    spread: float
    act_std: np.ndarray  # (depth,)
    act_rms: np.ndarray
    saturated: np.ndarray  # fraction of saturated outputs
    grad_std: np.ndarray  # std of dL/dz_l
    hist_edges: np.ndarray  # (depth, HIST_BINS + 1)
    hist_counts: np.ndarray  # (depth, HIST_BINS), fractions of all outputs of the layer
    input_rms: float  # RMS of the inputs that go up (about 1)
    error_std: float  # std of the error signal that comes down into the top layer (about 1)
    unit_gap: np.ndarray  # (depth,) largest |a_ij - a_i1| over examples i and units j, over the layer's largest |a|
    weight_value: float | None  # the one value every weight starts at, if they all start equal; else None


def depth_probe(config: DepthConfig) -> ProbeResult:
    """Push N(0, 1) inputs (n_samples, width) through `depth` layers of (width, width) weights and back."""
    check_type("config", config, DepthConfig, owner="depth_probe")
    width, depth, activation, init = config.width, config.depth, config.activation, config.init
    spread, n_samples, seed = config.spread, config.n_samples, config.seed
    data_rng, init_rng, grad_rng = np.random.default_rng(seed).spawn(3)
    f, df = activations.get(activation)
    weights = init_weights((width,) * (depth + 1), init, init_rng, spread=spread, value=CONSTANT_VALUE)
    first = float(weights[0].flat[0])
    same = all(W.min() == W.max() == first for W in weights)
    a = data_rng.standard_normal((n_samples, width))
    input_rms = float(np.sqrt(np.mean(a * a)))
    zs, acts = [], []
    with np.errstate(all="ignore"):
        for W in weights:
            z = a @ W
            a = f(z)
            zs.append(z)
            acts.append(a)
        error = grad_rng.standard_normal((n_samples, width))
        delta = error * df(zs[-1], acts[-1])
        grad_std = [0.0] * depth
        for l in range(depth - 1, -1, -1):
            grad_std[l] = float(delta.std())
            if l > 0:
                delta = (delta @ weights[l].T) * df(zs[l - 1], acts[l - 1])
        edges, counts = [], []
        for a in acts:
            lim = float(np.max(np.abs(a))) or 1.0
            lo = 0.0 if activation in ("relu", "sigmoid") and a.min() >= 0 else -lim
            c, e = np.histogram(a, bins=HIST_BINS, range=(lo, lim))
            edges.append(e)
            counts.append(c / a.size)
    return ProbeResult(
        width=width, depth=depth, activation=activation, init=init, spread=float(spread),
        act_std=np.array([a.std() for a in acts]), act_rms=np.array([np.sqrt(np.mean(a * a)) for a in acts]),
        saturated=np.array([activations.saturated(activation, a).mean() for a in acts]),
        grad_std=np.array(grad_std), hist_edges=np.array(edges), hist_counts=np.array(counts),
        input_rms=input_rms, error_std=float(error.std()), unit_gap=np.array([_unit_gap(a) for a in acts]),
        weight_value=first if same else None,
    )


def _unit_gap(a: np.ndarray) -> float:
    """How far the units of a layer are from being copies: max |a[i, j] - a[i, 0]| / max |a| (0 if all are 0)."""
    with np.errstate(all="ignore"):
        size = float(np.max(np.abs(a)))
        gap = float(np.max(np.abs(a - a[:, :1])))
    return gap / size if size > 0 and np.isfinite(size) else float(gap != 0)


def theory_rms(result: ProbeResult) -> np.ndarray | None:
    """The RMS per layer that variance-propagation theory predicts from layer 1, for ReLU or identity; else None.

    ReLU: E[a^2] = Var[z] / 2 and Var[z_{l+1}] = fan_in Var[W] E[a_l^2], so RMS ratio = sqrt(fan_in Var[W] / 2)
    per layer: 1 under He, 1/sqrt(2) under Xavier with equal fans. Identity: ratio sqrt(fan_in Var[W]).
    """
    if result.init in SYMMETRIC or result.activation not in ("relu", "identity"):
        return None
    n = result.width
    ratio = np.sqrt(n * variance(result.init, n, n, result.spread) * (0.5 if result.activation == "relu" else 1.0))
    return result.act_rms[0] * ratio ** np.arange(result.depth)
