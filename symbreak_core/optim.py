"""Optimizers as small state objects that update a list of parameter arrays in place."""
import numpy as np


class SGD:
    """p <- p - lr * g."""

    state = ()
    timeless = True  # a step depends on the parameters, the state and the gradients only, never on how many came before

    def __init__(self, params, lr):
        self.lr = lr

    def forget(self, rows):
        """Zero the state of the networks `rows` of a batch of networks (leading axis), freezing them once g = 0."""
        for group in self.state:
            for s in getattr(self, group):
                s[rows] = 0.0

    def step(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g

    def _arrays(self) -> list:
        return [a for group in self.state for a in getattr(self, group)]

    def saved(self) -> tuple:
        """Its state as it is now, copied: load() puts it back, in this optimizer or another of the same params."""
        return tuple(a.copy() for a in self._arrays()), getattr(self, "t", None)

    def load(self, saved: tuple):
        arrays, t = saved
        for mine, theirs in zip(self._arrays(), arrays, strict=True):
            np.copyto(mine, theirs)
        if t is not None:
            self.t = t


class Momentum(SGD):
    """Heavy-ball momentum: v <- mu * v - lr * g; p <- p + v (mu = 0.9)."""

    state = ("v",)

    def __init__(self, params, lr, mu=0.9):
        self.lr, self.mu = lr, mu
        self.v = [np.zeros_like(p) for p in params]

    def step(self, params, grads):
        for p, g, v in zip(params, grads, self.v):
            v *= self.mu
            v -= self.lr * g
            p += v


class Adam(SGD):
    """Kingma & Ba 2015 (Algorithm 1, efficient form), betas (0.9, 0.999), eps 1e-8; elementwise: keeps symmetry."""

    state = ("m", "v")
    timeless = False  # the bias correction changes with every step

    def __init__(self, params, lr, b1=0.9, b2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps, self.t = lr, b1, b2, eps, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, params, grads):
        self.t += 1
        scale = self.lr * np.sqrt(1 - self.b2**self.t) / (1 - self.b1**self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            p -= scale * m / (np.sqrt(v) + self.eps)


CLASSES = {"sgd": SGD, "momentum": Momentum, "adam": Adam}  # name -> optimizer class
OPTIMIZERS = tuple(CLASSES)  # the names, the one list every config and page offers


def make(name, params, lr):
    """Build the optimizer `name` for these parameter arrays."""
    return CLASSES[name](params, lr)
