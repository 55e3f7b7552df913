"""The error surface of a two-hidden-unit net on a 2-D slice through its symmetric saddle.

Swapping the two hidden units leaves the loss unchanged, so the loss is mirror-symmetric across the
line of equal units. The slice is a sheet through three points that matter: the point the symmetric
run settles at (the centre, s = 0, t = 0), the point the noisy run ends at (s = 1, t = tau) and its
mirror image, the same network with the two hidden units swapped (s = 1, t = -tau). Along s both units
change together; along t they move apart, +t on one and -t on the other, and |t| is the exact distance
from the line of equal units. At s = 0 the t direction is the one in which the loss curves down most
steeply (so the saddle shows); by s = 1 it has turned, linearly, to the direction of the noisy run's end.
"""
from dataclasses import dataclass, replace

import numpy as np

from . import model
from .config import LIMITS, TrainConfig, check_int, check_real, check_type, param_error
from .train import Trainer, dataset_of

# circles: the symmetric pair settles on a clear saddle (curvature about -0.015), and noise finds a far lower loss
DEFAULT = TrainConfig(
    dataset="circles", n_samples=200, noise=0.1, hidden=(2,), activation="tanh", loss="bce",
    init="constant", init_value=0.5, optimizer="sgd", lr=1.0, steps=1500, record_every=5,
)
# grid points per axis: at least t = -step, 0, +step; at most 201, a 201 x 202 map of the default run (about 2.5 s on
# the 2-core development machine, where the page's 61 takes under 1 s)
RES_LIMITS = (3, 201)
SURFACE_NEEDS = "a TrainConfig with hidden=(2,), bias=True, init 'constant' or 'zeros' and loss 'bce' or 'mse'"


@dataclass(frozen=True)
class SurfaceConfig:
    """One error surface: the symmetric run `train` (two hidden units, symmetric init), N(0, eps^2) noise on the
    second run, and about `res` grid points along each axis of the slice. Hashable."""

    train: TrainConfig = DEFAULT
    eps: float = 1e-3
    res: int = 61

    def __post_init__(self):
        c = self.train
        if not (isinstance(c, TrainConfig) and c.hidden == (2,) and c.bias and c.init in ("constant", "zeros")
                and c.loss != "output"):
            raise param_error("train", SURFACE_NEEDS, c, owner="SurfaceConfig")
        check_real("eps", self.eps, *LIMITS["perturbation"], open_low=True, owner="SurfaceConfig")
        check_int("res", self.res, *RES_LIMITS, owner="SurfaceConfig")


MARGIN = 0.3  # the slice reaches this far (as a share of the minima's reach) beyond the points it must show
# ...and at most this far in s beyond the centre (s = 0) and the end (s = 1), so the saddle and the minima keep most
# of the map; a run whose shadow reaches further (its start, when the s axis is short) runs off the edge.
MAX_REACH = 1.0


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


def swapped(theta: np.ndarray) -> np.ndarray:
    """The same network with its two hidden units swapped: the mirror image of theta."""
    out = theta.copy()
    out[..., UNIT[0]], out[..., UNIT[1]] = theta[..., UNIT[1]], theta[..., UNIT[0]]
    return out


def antisymmetric(e: np.ndarray) -> np.ndarray:
    """The move +e on unit 1 and -e on unit 2, nothing else."""
    d = np.zeros(9)
    d[UNIT[0]], d[UNIT[1]] = e, -e
    return d


def split(theta: np.ndarray):
    """(shared, apart): theta's mirror-symmetric part (theta + mirror) / 2 and the part (theta - mirror) / 2 that
    pulls the units apart. Both exact: apart is exactly 0 when the units are equal, and shared is exactly symmetric."""
    mirror = swapped(theta)
    return (theta + mirror) / 2, (theta - mirror) / 2


@dataclass(frozen=True, eq=False)
class Path:
    steps: np.ndarray
    s: np.ndarray  # where the run's symmetric part lies along the slice's s axis
    t: np.ndarray  # its exact distance from the line of equal units, signed by the side of the slice it leans to
    loss: np.ndarray  # the run's true training loss at those steps
    hidden_max: np.ndarray  # largest |output| of any hidden unit on any training input, at those steps
    hidden_grad: float  # size of the loss gradient with respect to the hidden layer (W1, b1) at the end


@dataclass(frozen=True, eq=False)
class SurfaceResult:
    config: TrainConfig
    center: np.ndarray  # (9,) the symmetric run's end, the slice's centre (s = 0, t = 0)
    d_sym: np.ndarray  # (9,) s axis: from the centre to the symmetric part of the noisy run's end
    d_down: np.ndarray  # (9,) t axis at s = 0: unit antisymmetric move of most negative curvature
    d_end: np.ndarray  # (9,) t axis at s = 1: unit antisymmetric move towards the noisy run's end
    step: float  # the grid step in t: the smallest move apart that the map and its cut at s = 0 show
    dip: float  # loss one step either side of the centre (mean of t = +-step) minus the centre's: < 0 on a ridge
    curvature: float  # the second difference that dip gives, 2 * dip / step^2
    end: tuple  # (s, t) of the noisy run's end on the slice; (s, -t) is its mirror image
    end_loss: float  # the loss at the noisy run's end, evaluated on the slice
    mirror_loss: float  # the loss at its mirror image, evaluated on the slice
    constant_loss: float  # the loss of the best constant guess (the class balance): what dead units can reach
    s: np.ndarray  # (about res,) steps of 1/k, so s = 0 and s = 1 are grid columns
    t: np.ndarray  # (res or res + 1,) symmetric about 0, with t = 0 in the middle
    loss: np.ndarray  # (len(t), len(s)), loss[i, j] at (s[j], t[i])
    paths: dict  # name -> Path

    def t_axis(self, s) -> np.ndarray:
        """The unit antisymmetric direction of t at s: d_down at s <= 0, d_end at s >= 1, turning linearly between."""
        w = np.clip(np.asarray(s, dtype=float), 0.0, 1.0)[..., None]
        v = (1 - w) * self.d_down + w * self.d_end
        return v / np.linalg.norm(v, axis=-1, keepdims=True)

    def point(self, s, t) -> np.ndarray:
        """theta at (s, t) on the slice; broadcasts over arrays of s and t."""
        s, t = np.asarray(s, dtype=float), np.asarray(t, dtype=float)
        return self.center + s[..., None] * self.d_sym + t[..., None] * self.t_axis(s)


def _grad(theta, data, c):
    weights, biases = unflatten(theta)
    _, dW, db = model.loss_and_grads(weights, biases, data.X, data.y, c.activation, c.loss)
    return flatten(dW, db)


def _hidden_max(weights, biases, data, activation) -> float:
    return float(np.max(np.abs(model.forward(weights, biases, data.X, activation)[1][1])))


def _path(trainer, r: SurfaceResult, data, c) -> Path:
    thetas = np.array([flatten(s.weights, s.biases) for s in trainer.snapshots])
    shared, off = split(thetas)
    s = (shared - r.center) @ r.d_sym / (r.d_sym @ r.d_sym)
    side = np.where(np.einsum("ij,ij->i", off, r.t_axis(s)) < 0, -1.0, 1.0)
    grad = _grad(flatten(trainer.weights, trainer.biases), data, c)
    return Path(
        steps=np.array([x.step for x in trainer.snapshots]), s=s, t=side * np.linalg.norm(off, axis=1),
        loss=np.array([x.train_loss for x in trainer.snapshots]),
        hidden_max=np.array([_hidden_max(x.weights, x.biases, data, c.activation) for x in trainer.snapshots]),
        hidden_grad=float(np.linalg.norm(grad[:6])),
    )


def _steepest_apart(center, data, c):
    """The unit move pulling the units apart along which the loss curves down most steeply at the centre.

    From the Hessian restricted to antisymmetric moves, by central differences of the exact gradient.
    """
    h, basis = 1e-5, [antisymmetric(e) / np.sqrt(2) for e in np.eye(4)]
    H = np.array([[b @ (_grad(center + h * v, data, c) - _grad(center - h * v, data, c)) / (2 * h)
                   for v in basis] for b in basis])
    _, vecs = np.linalg.eigh(0.5 * (H + H.T))
    d = sum(w * b for w, b in zip(vecs[:, 0], basis))
    return d / np.linalg.norm(d)


def _loss(thetas, data, c):
    weights, biases = unflatten(thetas.reshape(-1, 9))
    return model.evaluate(weights, biases, data.X, data.y, c.activation, c.loss)[0].reshape(thetas.shape[:-1])


def error_surface(config: SurfaceConfig) -> SurfaceResult:
    """Train the symmetric run and a run with N(0, eps^2) noise, then slice the loss through the saddle and the
    noisy run's end and its mirror image."""
    check_type("config", config, SurfaceConfig, owner="error_surface")
    eps, res = config.eps, config.res
    c = replace(config.train, perturbation=0.0)
    sym = Trainer(c)
    sym.run(c.steps)
    broken = Trainer(replace(c, perturbation=eps))
    broken.run(c.steps)
    data = dataset_of(c)
    with np.errstate(all="ignore"):
        center = flatten(sym.weights, sym.biases)
        end = flatten(broken.weights, broken.biases)
        shared, off = split(end)
        tau = float(np.linalg.norm(off))
        d_down = _steepest_apart(center, data, c)
        d_end = off / tau
        if d_down @ d_end < 0:  # the sign of an eigenvector is arbitrary: turn it towards the end, so t never flips
            d_down = -d_down
        p = float(np.mean(data.y))  # the best constant guess: the class balance (bce) or the mean target (mse)
        constant_loss = -(p * np.log(p) + (1 - p) * np.log1p(-p)) if c.loss == "bce" else 0.5 * float(np.var(data.y))
        r = SurfaceResult(c, center, shared - center, d_down, d_end, 0.0, 0.0, 0.0, (1.0, tau), 0.0, 0.0,
                          constant_loss, np.zeros(0), np.zeros(0), np.zeros((0, 0)), {})
        paths = {"constant": _path(sym, r, data, c), "constant + noise": _path(broken, r, data, c)}
        s_all = np.concatenate([p.s for p in paths.values()])
        t_reach = (1 + MARGIN) * max(tau, float(np.max(np.abs(paths["constant + noise"].t))))
        s_lo = max(-MAX_REACH, min(-MARGIN, float(s_all.min()) - MARGIN))
        s_hi = min(1 + MAX_REACH, max(1 + MARGIN, float(s_all.max()) + MARGIN))
        per_unit = max(1, round((res - 1) / (s_hi - s_lo)))  # grid steps 1/per_unit, so s = 0 and s = 1 are columns
        s = np.arange(np.floor(s_lo * per_unit), np.ceil(s_hi * per_unit) + 1) / per_unit
        half = np.linspace(0.0, t_reach, res // 2 + 1)
        t = np.concatenate([-half[:0:-1], half])  # exactly mirrored, with t = 0 as the middle row
        T, S = np.meshgrid(t, s, indexing="ij")
        loss = _loss(r.point(S, T), data, c)
        mirror = _loss(r.point(1.0, -tau), data, c)
        at_end = _loss(r.point(1.0, tau), data, c)
        # Curvature as the map shows it, not only infinitesimally: with ReLU the loss can curve down within 0.003
        # of the centre and up beyond, and the page must not call a line a ridge while its own cut curves upward.
        mid, j0, h = len(t) // 2, int(np.flatnonzero(s == 0.0)[0]), float(t[len(t) // 2 + 1])
        dip = float((loss[mid + 1, j0] + loss[mid - 1, j0]) / 2 - loss[mid, j0])
    return replace(r, step=h, dip=dip, curvature=2 * dip / h**2, end_loss=float(at_end), mirror_loss=float(mirror),
                   s=s, t=t, loss=loss, paths=paths)
