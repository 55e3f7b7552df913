"""Two-dimensional binary datasets, every point drawn from the Generator it is given.

Rows of X are samples (n, 2); y has shape (n, 1) with values 0.0 or 1.0.
"""
from dataclasses import dataclass

import numpy as np

TEST_FRACTION = 0.3


@dataclass(frozen=True, eq=False)
class Dataset:
    X: np.ndarray  # (n_train, 2)
    y: np.ndarray  # (n_train, 1)
    X_test: np.ndarray
    y_test: np.ndarray
    name: str


def _xor(n, noise, rng):
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    return X + noise * rng.standard_normal((n, 2)), y


def _circles(n, noise, rng):
    y = (np.arange(n) % 2).astype(float)
    r = np.where(y == 1, rng.uniform(0.0, 0.45, n), rng.uniform(0.65, 1.0, n))
    t = rng.uniform(0.0, 2 * np.pi, n)
    X = np.column_stack([r * np.cos(t), r * np.sin(t)])
    return X + noise * rng.standard_normal((n, 2)), y


def _moons(n, noise, rng):
    y = (np.arange(n) % 2).astype(float)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(y[:, None] == 0, upper, lower)
    X = (X - [0.5, 0.25]) / 1.2  # centre the pair on the origin, inside [-1, 1]
    return X + noise * rng.standard_normal((n, 2)), y


def _spirals(n, noise, rng):
    y = (np.arange(n) % 2).astype(float)
    r = rng.uniform(0.05, 1.0, n)
    t = 1.75 * 2 * np.pi * r + np.pi * y
    X = np.column_stack([r * np.cos(t), r * np.sin(t)])
    return X + noise * rng.standard_normal((n, 2)), y


def _gaussians(n, noise, rng):
    y = (np.arange(n) % 2).astype(float)
    centre = np.where(y[:, None] == 1, [0.5, 0.5], [-0.5, -0.5])
    return centre + (0.25 + noise) * rng.standard_normal((n, 2)), y


def _toy(n, noise, rng):
    """Two-input data of the worked 2-2-2-1 example: positive inputs with x1 != x2."""
    x1 = rng.uniform(0.5, 1.5, n)
    x2 = x1 + rng.choice([-1.0, 1.0], n) * rng.uniform(0.25, 0.75, n)  # |x1 - x2| >= 0.25
    y = (x1 > x2).astype(float)
    return np.column_stack([x1, x2]) + noise * rng.standard_normal((n, 2)), y


GENERATORS = {
    "xor": _xor, "circles": _circles, "moons": _moons,
    "spirals": _spirals, "gaussians": _gaussians, "toy": _toy,
}
DATASETS = tuple(GENERATORS)  # the names, the one list every config and page offers


def make_dataset(name: str, n_samples: int, noise: float, rng: np.random.Generator) -> Dataset:
    """Draw n_samples points of dataset `name` and split off a held-out test set (30%, at least 1)."""
    X, y = GENERATORS[name](n_samples, noise, rng)
    order = rng.permutation(n_samples)
    n_test = max(1, int(round(TEST_FRACTION * n_samples)))
    test, train = order[:n_test], order[n_test:]
    y = y.reshape(-1, 1)
    return Dataset(X[train], y[train], X[test], y[test], name)
