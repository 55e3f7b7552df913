"""The worked 2-2-2-1 example: two inputs, two hidden layers of two units, one output, no bias.

The objective is the output itself. Its ten weights carry the names of the worked text:
    y1 = w1*x1 + w3*x2    y2 = w2*x1 + w4*x2
    y3 = w5*y1 + w7*y2    y4 = w6*y1 + w8*y2
    y  = w9*y3 + w10*y4
so W1 = [[w1, w2], [w3, w4]], W2 = [[w5, w6], [w7, w8]], W3 = [[w9], [w10]]: the names run row-major.
"""
from dataclasses import dataclass

import numpy as np

from . import model

NAMES = tuple(f"w{i}" for i in range(1, 11))
SIZES = (2, 2, 2, 1)


def named(weights) -> dict:
    """{"w1": ..., "w10": ...} from the three weight matrices."""
    flat = np.concatenate([np.asarray(W).ravel() for W in weights])
    return {n: float(v) for n, v in zip(NAMES, flat)}


def to_weights(values) -> list:
    """The three weight matrices from ten values (a dict by name, or a sequence w1..w10)."""
    v = np.array([values[n] for n in NAMES] if isinstance(values, dict) else values, dtype=float)
    return [v[0:4].reshape(2, 2), v[4:8].reshape(2, 2), v[8:10].reshape(2, 1)]


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
        return dict(zip(("y1", "y2", "y3", "y4", "y"), self.units[n].tolist()))

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
            rows_w.append(np.concatenate([W.ravel() for W in weights]))
            rows_g.append(np.concatenate([g.ravel() for g in dW]))
            rows_u.append(np.concatenate([t["acts"][1][0], t["acts"][2][0], t["zs"][2][0]]))
            if n < steps:
                weights = [W - lr * g for W, g in zip(weights, dW)]
    return WorkedRun((float(x1), float(x2)), float(lr), activation,
                     np.array(rows_w), np.array(rows_g), np.array(rows_u))

