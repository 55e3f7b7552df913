"""TrainConfig: one frozen, hashable description of a whole experiment, checked on construction."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

# Each list of names lives beside what it names; the configs check choices against them.
from .activations import ACTIVATIONS
from .data import DATASETS
from .init import INIT_SCHEMES
from .model import LOSSES
from .optim import OPTIMIZERS

# Bounds of the engine. The pages may offer narrower ranges (their ui.Param specs).
LIMITS = {
    "width": (1, 256),
    "depth": (0, 20),
    "n_samples": (10, 5000),
    "noise": (0.0, 1.0),
    "init_value": (-10.0, 10.0),
    "spread": (0.0, 100.0),
    "perturbation": (0.0, 10.0),
    "bias_value": (-10.0, 10.0),
    "dropout": (0.0, 0.9),
    "lr": (0.0, 10.0),  # open at 0: lr must be > 0
    "batch_size": (0, 5000),  # 0 means full batch
    "steps": (1, 50_000),
    "record_every": (1, 50_000),
    "seed": (0, 2**32 - 1),
}


def param_error(name: str, allowed: str, got, owner: str = "TrainConfig", kind=ValueError) -> Exception:
    """The one template for every bad parameter (after scikit-learn): a ValueError, or a TypeError for a wrong type."""
    return kind(f"The '{name}' parameter of {owner} must be {allowed}. Got {got!r} instead.")


@dataclass(frozen=True)
class TrainConfig:
    """The whole experiment. Field names double as URL parameter names."""

    dataset: str = "xor"
    n_samples: int = 200
    noise: float = 0.1
    hidden: tuple[int, ...] = (8, 8)  # widths of the hidden layers, input side first
    activation: str = "tanh"
    loss: str = "bce"
    init: str = "xavier_normal"
    init_value: float = 0.5  # used by init="constant"
    spread: float = 1.0  # std/half-width for normal/uniform; a gain multiplier for named schemes
    perturbation: float = 0.0  # std of N(0, eps^2) noise added on top of any scheme
    bias: bool = True
    bias_value: float = 0.0
    output_zero: bool = False  # the output unit's incoming weights start at 0, whatever the scheme (it has no twin)
    dropout: float = 0.0  # inverted dropout on hidden layers, training only
    optimizer: str = "sgd"
    lr: float = 0.1
    batch_size: int = 0  # 0 = full batch
    steps: int = 1000
    record_every: int = 10
    seed: int = 0
    data_seed: int | None = None  # None: the data come from `seed` too; restarts fix it

    def __post_init__(self):
        check_choice("dataset", self.dataset, DATASETS)
        check_choice("activation", self.activation, ACTIVATIONS)
        check_choice("loss", self.loss, LOSSES)
        check_choice("init", self.init, INIT_SCHEMES)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        hidden = self.hidden
        if isinstance(hidden, list):
            hidden = tuple(hidden)
            object.__setattr__(self, "hidden", hidden)
        lo, hi = LIMITS["depth"]
        if not isinstance(hidden, tuple) or not lo <= len(hidden) <= hi:
            raise param_error("hidden", f"a tuple of {lo} to {hi} widths", self.hidden)
        for w in hidden:
            check_int("hidden", w, *LIMITS["width"], what="widths")
        for name in ("n_samples", "batch_size", "steps", "record_every", "seed"):
            check_int(name, getattr(self, name), *LIMITS[name])
        if self.data_seed is not None:
            check_int("data_seed", self.data_seed, *LIMITS["seed"])
        for name in ("noise", "init_value", "spread", "perturbation", "bias_value", "dropout"):
            check_real(name, getattr(self, name), *LIMITS[name])
        check_real("lr", self.lr, *LIMITS["lr"], open_low=True)
        for name in ("bias", "output_zero"):
            if not isinstance(getattr(self, name), bool):
                raise param_error(name, "a bool", getattr(self, name))

    @property
    def dataset_seed(self) -> int:
        """The seed the data are drawn from: data_seed, or seed when data_seed is None."""
        return self.seed if self.data_seed is None else self.data_seed

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer sizes from input to output: (2, *hidden, 1)."""
        return (2, *self.hidden, 1)

    @property
    def n_params(self) -> int:
        """Number of weights and biases in the network."""
        pairs = zip(self.sizes[:-1], self.sizes[1:])
        return sum(a * b + (b if self.bias else 0) for a, b in pairs)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"Unknown TrainConfig parameters: {sorted(unknown)}.")
        d = dict(d)
        if "hidden" in d:
            d["hidden"] = tuple(d["hidden"])
        return cls(**d)


def check_choice(name, value, allowed, owner="TrainConfig"):
    if value not in allowed:
        raise param_error(name, "one of " + ", ".join(repr(a) for a in allowed), value, owner)


def check_int(name, value, lo, hi, what="an int", owner="TrainConfig"):
    ok = isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi
    if not ok:
        raise param_error(name, f"{what} in [{lo}, {hi}]", value, owner)


def check_real(name, value, lo, hi, open_low=False, owner="TrainConfig"):
    ok = (
        isinstance(value, (int, float)) and not isinstance(value, bool)
        and math.isfinite(value) and (lo < value if open_low else lo <= value) and value <= hi
    )
    if not ok:
        bracket = "(" if open_low else "["
        raise param_error(name, f"a float in {bracket}{lo:g}, {hi:g}]", value, owner)


def check_type(name, value, cls, owner):
    if not isinstance(value, cls):
        raise param_error(name, f"a {cls.__name__}", value, owner, kind=TypeError)
