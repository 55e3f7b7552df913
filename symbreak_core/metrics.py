"""Symmetry and health metrics of a network. A unit is a column of W plus its bias entry."""
import functools

import numpy as np

from . import activations, model

# Units whose outputs over the inputs differ (RMS) by at most 5% of the layer's output spread count as one unit:
# the unit pictures draw them alike, whatever round-off or a small nudge did to their weights. Measured on the
# Playground's runs: copies pushed apart by dropout or tiny noise still group together, random starts keep 8 of 8.
BEHAVIOUR_TOL = 0.05


def unit_vectors(W, b=None):
    """Rows = units: each unit's incoming weights, its bias appended when there is one. (fan_out, fan_in[+1])"""
    U = W.T
    return U if b is None else np.column_stack([U, b])


def _pairwise_distances(U):
    """Euclidean distances between the rows of U, exact to the last digit even for nearly equal rows."""
    return np.sqrt(_squared_distances(U))


CLOSE_ROWS = 64  # up to this many rows, distances are measured by direct differences


def _squared_distances(U):
    """Squared Euclidean distances between the rows of U, exact to the last digit even for nearly equal rows."""
    if U.shape[0] <= CLOSE_ROWS:  # small layers: direct differences
        diff = U[:, None, :] - U[None, :, :]
        return np.einsum("ijk,ijk->ij", diff, diff)
    sq = np.einsum("ij,ij->i", U, U)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * (U @ U.T), 0.0)
    # the Gram trick loses digits when rows are nearly equal: recompute those entries directly
    i, j = np.nonzero(d2 <= 1e-6 * np.maximum(sq[:, None], sq[None, :]))
    d2[i, j] = np.einsum("ij,ij->i", U[i] - U[j], U[i] - U[j])
    return d2


def distinct_units(A, tol=BEHAVIOUR_TOL):
    """How many units of a layer behave differently, from its outputs A: (n_inputs, n_units), one row per input.

    Two units are alike when the RMS difference of their outputs over the inputs,
    sqrt(mean_n (A[n, i] - A[n, j])**2), is at most tol times the layer's output spread, the RMS deviation of
    all the layer's outputs from their common mean, sqrt(mean_{n,k} (A[n, k] - mean(A))**2) (A.std()). Alike
    units are grouped transitively (if a is like b and b like c, a, b and c are one group even when a and c
    are further apart): the count is the number of connected groups. A spread of 0 (every output equal) is one group.
    """
    n, width = A.shape
    C = A - np.add.reduce(A, axis=None) / A.size  # A.mean() (its very steps, without its checks): a common shift
    # changes no difference, and keeps the Gram trick's round-off small
    spread2 = float(np.einsum("ij,ij->", C, C)) / C.size
    if spread2 == 0.0:
        return 1
    sq = np.einsum("ij,ij->j", C, C)
    G = C.T @ C  # (sq[:, None] + sq[None, :] - 2.0 * G) / n, each step written in place: the same numbers
    np.multiply(G, 2.0, out=G)
    d2 = np.add(sq[:, None], sq[None, :])
    np.subtract(d2, G, out=d2)
    np.divide(d2, n, out=d2)  # the mean squared difference of every pair of units
    alike = d2 <= tol * tol * spread2
    pairs = np.count_nonzero(alike)
    if pairs == width * width or pairs == width:  # the common cases, without the search: all alike, or none
        return 1 if pairs == width * width else width
    return _groups(alike)


CLOSURE_WIDTH = 64  # _groups squares the relation up to this width; wider, a product costs more than the search
JOIN_PAIRS = 8  # _groups joins the pairs one by one while there are at most this many per unit


def _groups(alike) -> int:
    """The number of groups that `alike` (width, width) joins units into, each unit with every unit it reaches.

    A symmetric relation (C.T @ C is computed as one symmetric product, so it always is here) is a graph whose
    groups are its connected parts. With few alike pairs (at most JOIN_PAIRS per unit), they are joined one by one,
    each pair that links two groups making one of them (union-find); with more, a layer up to CLOSURE_WIDTH units is
    closed by squaring its reachability matrix until it stops growing: each squaring doubles the chains it follows,
    so a width of 32 takes at most six, in float32, exact for counts far above any width, and a group is counted
    once, at its first unit. Any other relation is searched unit by unit, each unseen unit starting a group.
    Measured on a trained 32x6 network's layers (13-55 alike pairs): the joining itself 4-18 µs a layer where the
    squaring took 19-49 µs; the squaring takes 20-90 µs at widths 32-64 where the search takes 90-220 µs, and more
    than the search from width 128."""
    width = len(alike)
    if np.array_equal(alike, alike.T):
        firsts, seconds = np.nonzero(alike & _above(width))
        if len(firsts) <= JOIN_PAIRS * width:
            return _joined(width, firsts.tolist(), seconds.tolist())
        if width <= CLOSURE_WIDTH:
            reach = alike | np.eye(width, dtype=bool)
            while True:
                R = reach.astype(np.float32)
                wider = (R @ R) > 0
                if np.count_nonzero(wider) == np.count_nonzero(reach):  # it only grows: the same count, the same
                    return int(np.count_nonzero(reach.argmax(axis=1) == np.arange(width)))
                reach = wider
    unseen = np.ones(width, dtype=bool)
    groups = 0
    for i in range(width):
        if unseen[i]:
            groups += 1
            unseen[i] = False
            frontier = alike[i] & unseen
            while frontier.any():
                unseen &= ~frontier
                frontier = alike[frontier].any(axis=0) & unseen
    return groups


@functools.lru_cache(maxsize=8)
def _above(width: int) -> np.ndarray:
    """The entries above the diagonal of a (width, width) matrix, True (read-only: made once per width)."""
    mask = np.triu(np.ones((width, width), dtype=bool), 1)
    mask.flags.writeable = False
    return mask


def _joined(width: int, firsts: list, seconds: list) -> int:
    """How many groups `width` units make when each pair (firsts[k], seconds[k]) joins the groups of its two."""
    parent = list(range(width))  # each unit's way to its group's first unit
    groups = width
    for a, b in zip(firsts, seconds):
        while parent[a] != a:
            parent[a] = a = parent[parent[a]]
        while parent[b] != b:
            parent[b] = b = parent[parent[b]]
        if a != b:
            parent[max(a, b)] = min(a, b)
            groups -= 1
    return groups


def unit_gap(W, b=None):
    """The largest distance between two units of a layer: exactly 0 while the layer is symmetric."""
    U = unit_vectors(W, b)
    if len(U) < 2 or (U == U[0]).all():  # every unit a copy of the first, as an equal start keeps them: 0 exactly
        return 0.0
    return float(np.sqrt(_squared_distances(_farthest(U)).max()))  # the root of the largest: sqrt is monotone


_EPS = float(np.finfo(np.float64).eps)


def _farthest(U):
    """The rows of U among which its two farthest apart are: the rows of every pair that the Gram trick (fast, but
    off by round-off) puts within twice its worst error of its own largest distance, or all of U when that is more
    than half of it. Measuring only these directly gives the largest distance of all the pairs, to the last digit.

    The bound: sq_i + sq_j - 2 u_i.u_j, with k entries per row, is off by at most about (k + 4) eps (sq_i + sq_j)
    (each dot product's own error, and the two sums), so by less than `slack` for every pair; the farthest pair's
    estimate is then at least the largest estimate minus 2 slack."""
    n, k = U.shape
    if n > CLOSE_ROWS or not (U.flags.c_contiguous or U.flags.f_contiguous):  # the Gram trick there already; or a
        return U  # layout whose differences a subset would not lay out alike
    sq = np.einsum("ij,ij->i", U, U)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (U @ U.T)
    near, finite = _near_top(d2, sq, k)
    return _rows(U, np.flatnonzero(near) if finite else None)  # NaN or infinite entries: measured as they are


def _near_top(d2, sq, k):
    """(which rows are in a pair whose Gram estimate is within 2 slack of the largest, whether the estimates are
    finite) for estimates d2 (..., n, n) of rows with k entries and their squares sq (..., n): the bound of
    _farthest, for one layer or a stack of them."""
    top, slack = d2.max(axis=(-2, -1)), 4.0 * (k + 4) * _EPS * sq.max(axis=-1)
    return (d2 >= (top - 2.0 * slack)[..., None, None]).any(axis=-2), np.isfinite(top + slack)


def _rows(U, rows):
    """The rows `rows` of U (all of U when they are None, more than half of it, or U is laid out neither way), in
    U's own memory order: the differences are then laid out, and summed, as they would be for all of U."""
    if rows is None or 2 * len(rows) > len(U) or not (U.flags.c_contiguous or U.flags.f_contiguous):
        return U
    return np.asfortranarray(U[rows]) if U.flags.f_contiguous and not U.flags.c_contiguous else U[rows]


def numerical_rank(W):
    """Numerical rank of W: singular values above max(sv) * max(shape) * eps (numpy's matrix_rank rule)."""
    sv = np.linalg.svd(W, compute_uv=False)
    return int(np.count_nonzero(sv > sv[0] * max(W.shape) * np.finfo(W.dtype).eps)) if sv[0] > 0 else 0


def unit_similarity(W, b=None):
    """Cosine similarity of every pair of units, (fan_out, fan_out); a zero unit is similar only to itself."""
    U = unit_vectors(W, b)
    n = np.linalg.norm(U, axis=1)
    safe = np.where(n > 0, n, 1.0)
    S = (U @ U.T) / safe[:, None] / safe[None, :]
    S[n == 0, :] = 0.0
    S[:, n == 0] = 0.0
    np.fill_diagonal(S, 1.0)
    return np.clip(S, -1.0, 1.0)


def saturated_fraction(activation, a):
    """Share of hidden outputs in the flat tails: |tanh| > 0.97, sigmoid < 0.03 or > 0.97; 0 for the others."""
    if activation not in activations.SATURATING or a.size == 0:
        return 0.0
    return float(activations.saturated(activation, a).mean())


def dead_fraction(activation, z):
    """Share of ReLU units that output 0 for every sample (z <= 0 everywhere); 0 for other activations."""
    if activation != "relu" or z.size == 0:
        return 0.0
    dead = (z <= 0.0).all(axis=0)  # NaN is not <= 0: a unit with a NaN output is not dead
    return np.count_nonzero(dead) / dead.size  # the mean of the booleans, without np.mean's own checks


def std(a) -> float:
    """float(a.std()), bit for bit: NumPy's own steps (the mean, the squared deviations, their mean, its root)
    without its general-purpose checks, which cost half of each call; a snapshot takes 2 per layer."""
    n = a.size
    if n == 0:
        return float(a.std())
    mean = np.add.reduce(a, axis=None, keepdims=True)
    np.true_divide(mean, n, out=mean)
    x = np.subtract(a, mean)
    np.square(x, out=x)
    return float(np.sqrt(np.add.reduce(x, axis=None) / n))


def layer_stats(weights, biases, X, y, activation, loss, trace=None):
    """Loss and accuracy on (X, y); per hidden layer: activation std, saturated and dead fractions;
    per layer: std of the backprop gradient dL/dz. A filled `trace` reuses a pass already made on exactly (X, y);
    an empty dict receives the pass made here (loss, zs, acts, deltas)."""
    if not trace:
        trace = {} if trace is None else trace
        trace["loss"] = model.loss_and_grads(weights, biases, X, y, activation, loss, trace=trace)[0]
    value, zs, acts, deltas = trace["loss"], trace["zs"], trace["acts"], trace["deltas"]
    return {
        "loss": value,
        "accuracy": float(model.accuracy_of(zs[-1], y, loss)),
        "act_std": [std(a) for a in acts[1:]],
        "saturated": [saturated_fraction(activation, a) for a in acts[1:]],
        "dead": [dead_fraction(activation, z) for z in zs[:-1]],
        "grad_std": [std(d) for d in deltas],
    }


def symmetry(weights, biases, outputs):
    """Per hidden layer: distinct units (from its outputs over the inputs, see distinct_units) and the exact
    largest unit gap of its weights. (A snapshot's numerical ranks are computed when read: see Snapshot.rank.)

    `outputs` holds each hidden layer's outputs over the inputs, (n_inputs, width), in order (a trace's acts[1:]).
    """
    return {"distinct": [distinct_units(A) for A in outputs], "gap": unit_gaps(weights, biases)}


def unit_gaps(weights, biases) -> list:
    """unit_gap of each hidden layer, from the input side: the same numbers, bit for bit.

    Layers of one shape (the hidden layers after the first, as the Playground builds them) have their Gram
    estimates made together, one product for all of them: only which rows each measures directly comes from the
    estimates, and any rows that hold the farthest pair give the same largest distance (see _farthest)."""
    us = [unit_vectors(weights[l], None if biases is None else biases[l]) for l in range(len(weights) - 1)]
    gaps: list = [None] * len(us)
    by_shape: dict = {}  # shape -> the layers of that shape
    for l, U in enumerate(us):
        by_shape.setdefault(U.shape, []).append(l)
    for (n, k), layers in by_shape.items():
        if len(layers) == 1 or not 2 <= n <= CLOSE_ROWS:
            for l in layers:
                gaps[l] = unit_gap(weights[l], None if biases is None else biases[l])
            continue
        S = np.stack([us[l] for l in layers])
        copies = (S == S[:, :1]).all(axis=(1, 2))
        d2 = S @ S.swapaxes(1, 2)  # the Gram estimates, as in _farthest; its diagonal holds each row's squares
        sq = d2.diagonal(axis1=1, axis2=2).copy()
        d2 *= -2.0
        d2 += sq[:, :, None]
        d2 += sq[:, None, :]
        near, finite = _near_top(d2, sq, k)
        for i, l in enumerate(layers):
            if copies[i]:
                gaps[l] = 0.0
                continue
            rows = np.flatnonzero(near[i]) if finite[i] else None
            gaps[l] = float(np.sqrt(_squared_distances(_rows(us[l], rows)).max()))
    return gaps
