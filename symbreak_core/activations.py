"""Activations as (f, df) pairs looked up by name; df takes (z, a) so tanh and sigmoid reuse a = f(z)."""
import numpy as np

LEAKY_SLOPE = 0.01


def _sigmoid(z):
    # exp(-|z|) never overflows; 1/(1+e) and e/(1+e) are sigma(|z|) and sigma(-|z|)
    e = np.exp(-np.abs(z))
    r = 1.0 / (1.0 + e)
    return np.where(z >= 0.0, r, e * r)


def _one_minus(t):
    """1 - t, written into t (a fresh temporary) to spare an allocation on the hot path."""
    return np.subtract(1.0, t, out=t)


FUNCTIONS = {  # name -> (f, df)
    "identity": (lambda z: z, lambda z, a: np.ones_like(z)),
    # relu's slope stays a boolean mask: multiplying by it is multiplying by 1.0 or 0.0, without a float copy
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, a: z > 0.0),  # 0.0, not 0: a float compares sooner
    "leaky_relu": (
        lambda z: np.where(z > 0.0, z, LEAKY_SLOPE * z),
        lambda z, a: np.where(z > 0.0, 1.0, LEAKY_SLOPE),
    ),
    "tanh": (np.tanh, lambda z, a: _one_minus(a * a)),
    "sigmoid": (_sigmoid, lambda z, a: a * _one_minus(a.copy())),
}
ACTIVATIONS = tuple(FUNCTIONS)  # the names, the one list every config and page offers

sigmoid = _sigmoid


def get(name: str):
    """Return the (f, df) pair of an activation name."""
    return FUNCTIONS[name]


SATURATING = ("tanh", "sigmoid")  # the activations with flat tails; the others never saturate


def saturated(name: str, a: np.ndarray) -> np.ndarray:
    """Boolean mask of saturated outputs: |tanh| > 0.97, sigmoid < 0.03 or > 0.97; never for the others."""
    if name == "tanh":
        return np.abs(a) > 0.97
    if name == "sigmoid":
        return (a < 0.03) | (a > 0.97)
    return np.zeros(a.shape, dtype=bool)
