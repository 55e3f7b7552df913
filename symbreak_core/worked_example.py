"""The worked 2-2-2-1 example: two inputs, two hidden layers of two units, one output, no bias.

The objective is the output itself. Its ten weights carry the names of the worked text:
    y1 = w1*x1 + w3*x2    y2 = w2*x1 + w4*x2
    y3 = w5*y1 + w7*y2    y4 = w6*y1 + w8*y2
    y  = w9*y3 + w10*y4
so W1 = [[w1, w2], [w3, w4]], W2 = [[w5, w6], [w7, w8]], W3 = [[w9], [w10]]: the names run row-major.
This module is the one home of that wiring: LAYERS names the nodes, EDGES says which weight joins which two.
"""
from dataclasses import dataclass

import numpy as np

from . import model

LAYERS = (("x1", "x2"), ("y1", "y2"), ("y3", "y4"), ("y",))  # the nodes, input side first
EDGES = {  # weight -> (from node, to node), in the order of the text (row-major in the weight matrices)
    "w1": ("x1", "y1"), "w2": ("x1", "y2"), "w3": ("x2", "y1"), "w4": ("x2", "y2"),
    "w5": ("y1", "y3"), "w6": ("y1", "y4"), "w7": ("y2", "y3"), "w8": ("y2", "y4"),
    "w9": ("y3", "y"), "w10": ("y4", "y"),
}
NAMES = tuple(EDGES)  # w1..w10: the columns of WorkedRun.weights and WorkedRun.grads
UNITS = tuple(node for layer in LAYERS[1:] for node in layer)  # y1, y2, y3, y4, y: the columns of WorkedRun.units
SIZES = tuple(len(layer) for layer in LAYERS)


def _entry(edge) -> tuple:
    """(l, i, j): the weight of the edge a -> b is W_l[i, j], a the i-th node of layer l, b the j-th of layer l+1."""
    a, b = edge
    l = next(k for k, layer in enumerate(LAYERS) if a in layer)
    return l, LAYERS[l].index(a), LAYERS[l + 1].index(b)


_ENTRIES = tuple(_entry(EDGES[n]) for n in NAMES)  # where each weight sits in the weight matrices, in NAMES order


def flat(weights) -> np.ndarray:
    """The ten weights (or their derivatives) w1..w10 from the three matrices, in NAMES order."""
    return np.array([weights[l][i][j] for l, i, j in _ENTRIES], dtype=float)


def named(weights) -> dict:
    """{"w1": ..., "w10": ...} from the three weight matrices."""
    return dict(zip(NAMES, flat(weights).tolist()))


def to_weights(values) -> list:
    """The three weight matrices from ten values (a dict by name, or a sequence w1..w10)."""
    v = [values[n] for n in NAMES] if isinstance(values, dict) else values
    weights = [np.zeros((m, n)) for m, n in zip(SIZES[:-1], SIZES[1:])]
    for (l, i, j), value in zip(_ENTRIES, v, strict=True):
        weights[l][i, j] = value
    return weights


@dataclass(frozen=True, eq=False)
class WorkedRun:
    """Iteration n of the run is row n of every array (n = 0 is the start)."""

    x: tuple  # (x1, x2)
    lr: float
    activation: str
    weights: np.ndarray  # (steps+1, 10), columns w1..w10
    grads: np.ndarray  # (steps+1, 10): dy/dw at that iteration
    units: np.ndarray  # (steps+1, 5): y1, y2, y3, y4, y

    def at(self, n: int) -> dict:
        """The named weights at iteration n."""
        return dict(zip(NAMES, self.weights[n].tolist()))

    def grads_at(self, n: int) -> dict:
        return dict(zip(NAMES, self.grads[n].tolist()))

    def units_at(self, n: int) -> dict:
        return dict(zip(UNITS, self.units[n].tolist()))

    def last_finite(self) -> int:
        """The last iteration whose weights, derivatives and units are all finite (a large lr overflows)."""
        finite = np.isfinite(self.weights).all(axis=1) & np.isfinite(self.grads).all(axis=1)
        finite &= np.isfinite(self.units).all(axis=1)
        return len(finite) - 1 if finite.all() else max(0, int(np.argmin(finite)) - 1)


def run(a=0.5, x1=1.0, x2=2.0, lr=0.01, steps=50, activation="identity", start=None) -> WorkedRun:
    """Gradient descent on the output itself, from all ten weights = a (or from `start`, ten values)."""
    weights = to_weights([a] * 10 if start is None else start)
    X = np.array([[x1, x2]], dtype=float)
    y = np.zeros((1, 1))  # unused by the "output" objective
    rows_w, rows_g, rows_u = [], [], []
    with np.errstate(all="ignore"):
        for n in range(steps + 1):
            t = {}
            _, dW, _ = model.loss_and_grads(weights, None, X, y, activation, "output", trace=t)
            rows_w.append(flat(weights))
            rows_g.append(flat(dW))
            rows_u.append(np.concatenate([t["acts"][1][0], t["acts"][2][0], t["zs"][2][0]]))  # UNITS: y1 y2 y3 y4 y
            if n < steps:
                weights = [W - lr * g for W, g in zip(weights, dW)]
    return WorkedRun((float(x1), float(x2)), float(lr), activation,
                     np.array(rows_w), np.array(rows_g), np.array(rows_u))

