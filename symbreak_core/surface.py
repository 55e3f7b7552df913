"""The error surface of a two-hidden-unit net on a 2-D slice through its symmetric saddle.

Swapping the two hidden units leaves the loss unchanged, so the loss is mirror-symmetric across the
line of equal units. We centre the slice on the point the symmetric run settles at, take the
symmetric axis along that run (both units move together) and the antisymmetric axis along the
direction of most negative curvature among moves that pull the units apart (+e on one, -e on the other).
"""
from dataclasses import dataclass, replace

import numpy as np

from . import model
from .config import TrainConfig
from .train import Trainer, dataset_of

# circles: the symmetric pair settles on a clear saddle (curvature about -0.015), and noise finds a far lower loss
DEFAULT = TrainConfig(
    dataset="circles", n_samples=200, noise=0.1, hidden=(2,), activation="tanh", loss="bce",
    init="constant", init_value=0.5, optimizer="sgd", lr=1.0, steps=1500, record_every=5,
)


def flatten(weights, biases) -> np.ndarray:
    """theta = [W1 (2x2) row-major, b1 (2), W2 (2x1), b2 (1)]."""
    return np.concatenate([a.ravel() for pair in zip(weights, biases) for a in pair])


def unflatten(theta: np.ndarray):
    """Inverse of flatten; accepts a leading batch axis (G, 9) and returns batched arrays then."""
    lead = theta.shape[:-1]
    W1 = theta[..., 0:4].reshape(*lead, 2, 2)
    b1 = theta[..., 4:6].reshape(*lead, 1, 2) if lead else theta[4:6]
    W2 = theta[..., 6:8].reshape(*lead, 2, 1)
    b2 = theta[..., 8:9].reshape(*lead, 1, 1) if lead else theta[8:9]
    return [W1, W2], [b1, b2]


# Indices into theta of each hidden unit's own parameters: incoming weights, bias, outgoing weight.
UNIT = (np.array([0, 2, 4, 6]), np.array([1, 3, 5, 7]))


def units(theta: np.ndarray):
    """The parameters (4,) of hidden unit 1 and of hidden unit 2."""
    return theta[..., UNIT[0]], theta[..., UNIT[1]]


def antisymmetric(e: np.ndarray) -> np.ndarray:
    """The move +e on unit 1 and -e on unit 2, nothing else."""
    d = np.zeros(9)
    d[UNIT[0]], d[UNIT[1]] = e, -e
    return d


@dataclass(frozen=True, eq=False)
class Path:
    steps: np.ndarray
    s: np.ndarray  # coordinates of the projection onto the slice
    t: np.ndarray
    loss: np.ndarray  # the run's true training loss at those steps


@dataclass(frozen=True, eq=False)
class SurfaceResult:
    config: TrainConfig
    center: np.ndarray  # (9,) the symmetric point the slice is centred on
    d_sym: np.ndarray  # (9,) symmetric axis
    d_anti: np.ndarray  # (9,) antisymmetric axis, unit length
    curvature: float  # loss curvature along d_anti at the centre: < 0 means a saddle
    s: np.ndarray  # (res,)
    t: np.ndarray  # (res,)
    loss: np.ndarray  # (res, res), loss[i, j] at (s[j], t[i])
    paths: dict  # name -> Path

    def point(self, s: float, t: float) -> np.ndarray:
        return self.center + s * self.d_sym + t * self.d_anti


def _grad(theta, data, c):
    weights, biases = unflatten(theta)
    _, dW, db = model.loss_and_grads(weights, biases, data.X, data.y, c.activation, c.loss)
    return flatten(dW, db)


def _path(trainer, center, d_sym, d_anti, c):
    thetas = np.array([flatten(s.weights, s.biases) for s in trainer.snapshots])
    rel = thetas - center
    return Path(
        steps=np.array([s.step for s in trainer.snapshots]),
        s=rel @ d_sym / (d_sym @ d_sym), t=rel @ d_anti,
        loss=np.array([s.train_loss for s in trainer.snapshots]),
    )


def error_surface(config: TrainConfig = DEFAULT, eps: float = 1e-3, res: int = 61) -> SurfaceResult:
    """Train the symmetric run and a run with N(0, eps^2) noise, then slice the loss around the saddle."""
    if config.hidden != (2,) or not config.bias or config.init not in ("constant", "zeros"):
        raise ValueError("error_surface needs hidden=(2,), bias=True and a symmetric init ('constant' or 'zeros').")
    c = replace(config, perturbation=0.0)
    sym = Trainer(c)
    sym.run(c.steps)
    broken = Trainer(replace(c, perturbation=eps))
    broken.run(c.steps)
    data = dataset_of(c)
    with np.errstate(all="ignore"):
        center = flatten(sym.weights, sym.biases)
        d_sym = flatten(*_start(sym)) - center
        if np.linalg.norm(d_sym) < 1e-12:  # the symmetric run never moved: use the shared incoming weights
            d_sym = -antisymmetric(np.zeros(4))
            d_sym[[0, 1, 2, 3]] = 1.0
        # Hessian of the loss restricted to antisymmetric moves, by central differences of the exact gradient
        h, basis = 1e-5, [antisymmetric(e) / np.sqrt(2) for e in np.eye(4)]
        H = np.array([[b @ (_grad(center + h * v, data, c) - _grad(center - h * v, data, c)) / (2 * h)
                       for v in basis] for b in basis])
        vals, vecs = np.linalg.eigh(0.5 * (H + H.T))
        d_anti = sum(w * b for w, b in zip(vecs[:, 0], basis))
        d_anti /= np.linalg.norm(d_anti)
        paths = {name: _path(run, center, d_sym, d_anti, c)
                 for name, run in (("constant", sym), ("constant + noise", broken))}
        t_reach = max(0.5, 1.2 * float(np.max(np.abs(paths["constant + noise"].t))))
        s_all = np.concatenate([p.s for p in paths.values()])
        s_lo, s_hi = min(-0.25, s_all.min() - 0.1), max(1.25, s_all.max() + 0.1)
        s = np.linspace(s_lo, s_hi, res)
        t = np.linspace(-t_reach, t_reach, res)
        T, S = np.meshgrid(t, s, indexing="ij")
        thetas = center + S[..., None] * d_sym + T[..., None] * d_anti
        weights, biases = unflatten(thetas.reshape(-1, 9))
        loss, _ = model.evaluate(weights, biases, data.X, data.y, c.activation, c.loss)
    return SurfaceResult(c, center, d_sym, d_anti, float(vals[0]), s, t, loss.reshape(res, res), paths)


def _start(trainer):
    first = trainer.snapshots[0]
    return first.weights, first.biases
