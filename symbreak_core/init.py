"""Weight initialisation schemes, one named function each. W has shape (fan_in, fan_out).

The symmetric schemes `zeros` and `constant` are first-class on purpose: they are the lesson.
For the named schemes `gain` multiplies the textbook standard deviation (gain 1 = the paper).
"""
import numpy as np


def zeros(fan_in, fan_out, rng, gain=1.0, value=0.0):
    """Every weight 0: the extreme symmetric start."""
    return np.zeros((fan_in, fan_out))


def constant(fan_in, fan_out, rng, gain=1.0, value=0.5):
    """Every weight equal to `value`: every unit of a layer starts as the same unit."""
    return np.full((fan_in, fan_out), float(value))


# The one home of each random scheme's size at gain 1, as a function of the fans: the variance of a normal draw,
# or the squared half-width a^2 of a uniform draw U(-a, a), whose variance is a^2 / 3.
SIZE2 = {
    "uniform": lambda fan_in, fan_out: 1.0,
    "normal": lambda fan_in, fan_out: 1.0,
    "xavier_uniform": lambda fan_in, fan_out: 6.0 / (fan_in + fan_out),  # Glorot & Bengio 2010, eq. 16
    "xavier_normal": lambda fan_in, fan_out: 2.0 / (fan_in + fan_out),  # Var[W] = 2 / (n_in + n_out)
    "he_uniform": lambda fan_in, fan_out: 6.0 / fan_in,  # He et al. 2015, Var[W] = 2 / fan_in
    "he_normal": lambda fan_in, fan_out: 2.0 / fan_in,  # He et al. 2015, eq. 10, for ReLU layers
    "lecun_normal": lambda fan_in, fan_out: 1.0 / fan_in,  # LeCun et al. 1998, Efficient BackProp
}
UNIFORM = ("uniform", "xavier_uniform", "he_uniform")


def size(scheme, fan_in, fan_out, gain=1.0) -> float:
    """gain times the scheme's size: the standard deviation of a normal scheme, the half-width a of a uniform one."""
    return gain * np.sqrt(SIZE2[scheme](fan_in, fan_out))


def variance(scheme, fan_in, fan_out, spread=1.0) -> float:
    """Var[W] of one weight of a (fan_in, fan_out) layer under `scheme` with gain `spread`; 0 for the symmetric ones."""
    if scheme in SYMMETRIC:
        return 0.0
    if scheme == "orthogonal":  # the unit columns (or rows) of the longer side share its length 1 evenly
        return spread * spread / max(fan_in, fan_out)
    return spread * spread * SIZE2[scheme](fan_in, fan_out) / (3.0 if scheme in UNIFORM else 1.0)


def uniform(fan_in, fan_out, rng, gain=1.0, value=0.0):
    """U(-gain, gain)."""
    a = size("uniform", fan_in, fan_out, gain)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def normal(fan_in, fan_out, rng, gain=1.0, value=0.0):
    """N(0, gain^2)."""
    return size("normal", fan_in, fan_out, gain) * rng.standard_normal((fan_in, fan_out))


def xavier_uniform(fan_in, fan_out, rng, gain=1.0, value=0.0):
    """U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)): Glorot & Bengio 2010, eq. 16."""
    a = size("xavier_uniform", fan_in, fan_out, gain)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def xavier_normal(fan_in, fan_out, rng, gain=1.0, value=0.0):
    """N(0, gain^2 * 2 / (fan_in + fan_out)): Glorot & Bengio 2010, Var[W] = 2 / (n_in + n_out)."""
    return size("xavier_normal", fan_in, fan_out, gain) * rng.standard_normal((fan_in, fan_out))


def he_uniform(fan_in, fan_out, rng, gain=1.0, value=0.0):
    """U(-a, a) with a = gain * sqrt(6 / fan_in): He et al. 2015, Var[W] = 2 / fan_in."""
    a = size("he_uniform", fan_in, fan_out, gain)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng, gain=1.0, value=0.0):
    """N(0, gain^2 * 2 / fan_in): He et al. 2015, eq. 10, for ReLU layers."""
    return size("he_normal", fan_in, fan_out, gain) * rng.standard_normal((fan_in, fan_out))


def lecun_normal(fan_in, fan_out, rng, gain=1.0, value=0.0):
    """N(0, gain^2 / fan_in): LeCun et al. 1998, Efficient BackProp."""
    return size("lecun_normal", fan_in, fan_out, gain) * rng.standard_normal((fan_in, fan_out))


def orthogonal(fan_in, fan_out, rng, gain=1.0, value=0.0):
    """gain * a random (semi-)orthogonal matrix: Saxe et al. 2014, via QR with the sign fix."""
    big, small = max(fan_in, fan_out), min(fan_in, fan_out)
    q, r = np.linalg.qr(rng.standard_normal((big, small)))
    q = q * np.sign(np.diag(r))  # makes Q Haar-distributed
    return gain * (q if fan_in >= fan_out else q.T)


FUNCTIONS = {f.__name__: f for f in (  # scheme name -> its function
    zeros, constant, uniform, normal, xavier_uniform, xavier_normal,
    he_uniform, he_normal, lecun_normal, orthogonal,
)}
INIT_SCHEMES = tuple(FUNCTIONS)  # the names, the one list every config and page offers
SYMMETRIC = ("zeros", "constant")


def init_weights(sizes, scheme, rng, spread=1.0, value=0.5, perturbation=0.0, noise_rng=None):
    """Weights for layer sizes (n0, n1, ..., nL): a list of (n_{l-1}, n_l) arrays.

    `perturbation` adds N(0, perturbation^2) to every weight, drawn from `noise_rng`
    (default: `rng`), so tiny noise on a symmetric start can be switched on and off
    without changing the base draw.
    """
    make = FUNCTIONS[scheme]
    weights = [make(a, b, rng, gain=spread, value=value) for a, b in zip(sizes[:-1], sizes[1:])]
    if perturbation > 0:
        noise_rng = rng if noise_rng is None else noise_rng
        weights = [W + perturbation * noise_rng.standard_normal(W.shape) for W in weights]
    return weights


def init_biases(sizes, bias=True, value=0.0):
    """Biases (n_l,) for each layer after the input, all `value`; None for a network without bias."""
    if not bias:
        return None
    return [np.full(n, float(value)) for n in sizes[1:]]
