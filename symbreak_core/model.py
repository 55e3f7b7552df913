"""The MLP: forward pass, output heads with their losses, and backprop written out by hand.

Shapes: rows of X are samples, z = a @ W + b with W: (fan_in, fan_out), b: (fan_out,).
Every function also accepts a leading batch-of-networks axis (W: (S, fan_in, fan_out),
b: (S, 1, fan_out)), which is how `restarts` trains many seeds as one array computation.

A network whose units of each hidden layer are exact copies (an equal start, without noise or dropout: they stay
copies) can be given narrow, `copies` being its hidden widths: each hidden layer is one unit standing for that many
copies, W is (1 or the inputs, 1), b is (1,). A unit's input from a layer of n copies is then n x the one product,
and a unit's gradient from a layer of n copies n x the one term; each weight's gradient is that of every copy of it.
"""
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import activations

LOSSES = ("bce", "mse", "output")  # the output heads of _head: the one list every config and page offers


def _head(loss, z, y):
    """Loss value(s) and dL/dz for the output layer; z, y: (..., n, 1)."""
    n = z.shape[-2]
    if loss == "bce":  # sigmoid + binary cross-entropy from logits: max(z,0) - z*y + log(1 + e^-|z|)
        e = np.exp(-np.abs(z))  # shared by the loss and sigmoid(z), never overflows
        value = np.maximum(z, 0.0) - z * y + np.log1p(e)
        r = 1.0 / (1.0 + e)
        dz = np.where(z >= 0.0, r, e * r) - y
    elif loss == "mse":  # 0.5 * mean squared error
        r = z - y
        value, dz = 0.5 * r * r, r
    elif loss == "output":  # the objective is the output itself, as in the worked example
        value, dz = z, np.ones_like(z)
    else:
        raise ValueError(f"Unknown loss {loss!r}.")
    return value.sum(axis=(-2, -1)) / n, dz / n


def forward(weights, biases, X, activation, masks=None, copies=None):
    """Pre-activations zs (one per layer) and post-activations acts (acts[0] = X, then each hidden layer).

    `masks` (optional) holds an inverted-dropout mask per hidden layer, already divided by the keep rate.
    `copies`: the hidden widths of a network given narrow (see the module's doc).
    """
    f, _ = activations.get(activation)
    a, zs, acts = X, [], [X]
    last = len(weights) - 1
    for l, W in enumerate(weights):
        z = a @ W
        if copies is not None and l > 0:
            z *= copies[l - 1]
        if biases is not None:
            z += biases[l]
        zs.append(z)
        if l < last:
            a = f(z)
            acts.append(a)
            if masks is not None:
                a = a * masks[l]
    return zs, acts


def prediction(z, loss):
    """What the output unit means: a probability for bce, the raw output otherwise."""
    return activations.sigmoid(z) if loss == "bce" else z


def output(weights, biases, X, activation, loss):
    """The network's prediction for the rows of X."""
    return prediction(forward(weights, biases, X, activation)[0][-1], loss)


def accuracy_of(z, y, loss):
    """Fraction of samples on the right side of the decision threshold 0.5, from output pre-activations z."""
    return ((prediction(z, loss) > 0.5) == (y > 0.5)).mean(axis=(-2, -1))


def evaluate(weights, biases, X, y, activation, loss, copies=None):
    """(loss, accuracy) of the network on (X, y), without gradients."""
    z = forward(weights, biases, X, activation, copies=copies)[0][-1]
    return _head(loss, z, y)[0], accuracy_of(z, y, loss)


def loss_and_grads(weights, biases, X, y, activation, loss, masks=None, trace=None, copies=None):
    """Return (loss, dweights, dbiases); dbiases is None when biases is None.

    Backprop: delta_L = dL/dz_L from the head, dW_l = a_{l-1}^T delta_l, db_l = sum_rows delta_l,
    delta_{l-1} = (delta_l W_l^T) * mask * f'(z_{l-1}).
    If `trace` is a dict it receives the pass's zs, acts and deltas (one dL/dz per layer).
    `copies`: the hidden widths of a network given narrow (see the module's doc); no masks then.
    """
    if copies is not None and masks is not None:
        raise ValueError("Dropout makes copies differ: a network with dropout cannot be given narrow.")
    _, df = activations.get(activation)
    zs, acts = forward(weights, biases, X, activation, masks, copies)
    value, delta = _head(loss, zs[-1], y)
    L = len(weights)
    dW, db, deltas = [None] * L, [None] * L, []
    ones = np.ones(delta.shape[-2]) if biases is not None else None  # row sums via BLAS beat .sum(axis=-2)
    for l in range(L - 1, -1, -1):
        a_in = acts[l] if (masks is None or l == 0) else acts[l] * masks[l - 1]
        if trace is not None:
            deltas.append(delta)
        dW[l] = a_in.swapaxes(-1, -2) @ delta
        if biases is not None:
            db[l] = ones @ delta
            if db[l].shape != biases[l].shape:  # a batch of networks' (S, 1, fan_out)
                db[l] = db[l].reshape(biases[l].shape)
        if l > 0:  # dL/da_{l}, then dL/dz_{l} in place; W^T laid out first: the product is faster, the same bits
            delta = delta @ np.ascontiguousarray(weights[l].swapaxes(-1, -2))
            if copies is not None and l < L - 1:  # one term for each copy of the units this layer feeds
                delta *= copies[l]
            if masks is not None:
                delta *= masks[l - 1]
            delta *= df(zs[l - 1], acts[l])
    if trace is not None:
        trace.update(zs=zs, acts=acts, deltas=deltas[::-1])
    if X.ndim == 2 and weights[0].ndim == 2:
        value = float(value)
    return value, dW, (db if biases is not None else None)


@dataclass(frozen=True, eq=False)
class Field:
    """The network evaluated on a square grid over the input plane."""

    xs: np.ndarray  # (res,)
    ys: np.ndarray  # (res,)
    hidden: Sequence  # per hidden layer: (n_units, res, res), unit outputs; row i is ys[i]
    output: np.ndarray  # (res, res): the prediction


class _Pictures(Sequence):
    """Each hidden layer's outputs over the grid as (n_units, res, res), a layer laid out when first read: the
    pictures show the first layers, and a 32x6 network's six would cost four layouts for nothing each refresh."""

    def __init__(self, acts: list, res: int):
        self._acts, self._res, self._made = acts, res, {}

    def __len__(self) -> int:
        return len(self._acts)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        i = range(len(self._acts))[i]  # a negative index counts from the end; out of range raises IndexError
        if i not in self._made:
            self._made[i] = self._acts[i].T.reshape(-1, self._res, self._res)
        return self._made[i]


def grid_extent(X, margin=0.25):
    """A square (lo, hi) box holding every row of X with a margin."""
    lo, hi = float(np.min(X)), float(np.max(X))
    return lo - margin, hi + margin


def field(weights, biases, activation, loss, extent=(-1.5, 1.5), res=40):
    """Evaluate every hidden unit and the output over a res x res grid of the plane."""
    xs = np.linspace(extent[0], extent[1], res)
    gx, gy = np.meshgrid(xs, xs)
    G = np.column_stack([gx.ravel(), gy.ravel()])
    zs, acts = forward(weights, biases, G, activation)
    return Field(xs, xs.copy(), _Pictures(acts[1:], res), prediction(zs[-1], loss).reshape(res, res))
